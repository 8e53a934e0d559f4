"""Synthetic data from a model: the fixed-iteration mixture fit, KDE sampling, and the four
measures (precision and recall with k-NN balls, energy distance, closest record) against brute
force, their limiting cases, their closed forms, speed bounds and argument checks."""

import time

import numpy as np
import pytest
from _stats import assert_within

from peakdata import synth
from peakdata._checks import MEMORY_BUDGET
from peakdata.collapse import twod
from peakdata.synth import (
    closest_record,
    energy_distance,
    fit_gmm,
    kde_sample,
    knn_radius,
    measure,
    precision_recall,
    resampling_energy,
)


@pytest.fixture(scope="module")
def train():
    return twod.split_heldout(twod.load_iris_petals())[0]


def _brute(real, syn, k):
    """Precision and recall straight from the definition, with a full distance table."""

    def d(a, b):
        return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))

    def radii(x):
        table = d(x, x)
        np.fill_diagonal(table, np.inf)
        return np.sort(table, axis=1)[:, k - 1]

    cross = d(syn, real)
    precision = np.mean((cross <= radii(real)[None, :]).any(axis=1))
    recall = np.mean((cross <= radii(syn)[:, None]).any(axis=0))
    return precision, recall, cross.min(axis=1), radii(real)


# -- the models ----------------------------------------------------------------------------------
def test_fit_gmm_runs_exactly_the_given_iterations_and_is_deterministic(train):
    a = fit_gmm(train, 3, iterations=37, rng=4)
    b = fit_gmm(train, 3, iterations=37, rng=4)
    assert a.iterations == 37 and a.components == 3
    for field in ("weights", "means", "covs"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    # the same EM as the collapse chapter's, with the tolerance switched off
    ref = twod.fit_gmm(train, 3, rng=4, max_iter=37, tol=None)
    assert int(ref.iterations) == 37 and ref.loglik_history.shape == (38,)
    np.testing.assert_array_equal(a.means, ref.mixture.means)
    assert a.train_loglik == pytest.approx(a.loglik(train), rel=1e-12)
    # default behaviour of twod.fit_gmm unchanged: it still stops on its tolerance
    assert int(twod.fit_gmm(train, 1, rng=0).iterations) < 200


def test_fixed_iterations_run_on_past_convergence(train):
    stopped = twod.fit_gmm(train, 3, rng=0, max_iter=500)
    assert int(stopped.iterations) < 500
    full = fit_gmm(train, 3, iterations=500, rng=0)
    assert full.iterations == 500
    assert full.train_loglik >= float(stopped.loglik) - 1e-9


def test_gmm_sample_and_loglik(train):
    g = fit_gmm(train, 2, rng=0)
    x = g.sample(20_000, rng=1)
    assert x.shape == (20_000, 2)
    np.testing.assert_array_equal(x, g.sample(20_000, rng=1))
    mean, _ = g.mixture.moments()
    np.testing.assert_allclose(x.mean(axis=0), mean, atol=0.03)
    # the mean log-likelihood of its own samples estimates minus the entropy: above real data's
    assert g.loglik(x) > g.loglik(train) - 0.2
    assert isinstance(g.loglik(train), float)


def test_kde_sample_is_one_generation_of_the_kde_chain(train):
    x = kde_sample(train, 0.2, 50, rng=7)
    chain = twod.kde_chain(train, 1, 50, 0.2, rng=7, snapshots=(1,))
    np.testing.assert_array_equal(x, chain.snapshots[1][0])


def test_kde_sample_with_zero_bandwidth_copies(train):
    x = kde_sample(train, 0.0, 300, rng=1)
    assert np.all(closest_record(train, x) == 0)
    assert measure(train, x).copies == 1.0


@pytest.mark.parametrize("h", [0.1, 0.5])
def test_kde_sample_spread_is_data_variance_plus_h2(train, h):
    runs = np.stack([kde_sample(train, h, 400, rng=s) for s in range(400)])
    var = runs.var(axis=1, ddof=1)  # unbiased within a sample: E = S² + h² per coordinate
    expected = train.var(axis=0) + h * h
    for c in range(2):
        assert_within(var[:, c], expected[c])


def test_kde_sample_any_dimension():
    x = np.arange(12.0).reshape(4, 3)
    y = kde_sample(x, 0.0, 5, rng=0)
    assert y.shape == (5, 3)
    assert all(any(np.array_equal(r, row) for row in x) for r in y)


# -- the measures --------------------------------------------------------------------------------
@pytest.mark.parametrize("k", [1, 3, 5])
@pytest.mark.parametrize("d", [1, 2, 3])
def test_blocked_knn_measures_match_brute_force(monkeypatch, k, d):
    rng = np.random.default_rng(10 * k + d)
    real = np.round(rng.normal(size=(57, d)), 1)  # rounded: ties and duplicates
    syn = np.round(rng.normal(0.3, 1.2, size=(43, d)), 1)
    expected_p, expected_r, expected_closest, expected_radii = _brute(real, syn, k)
    for block in (1, 7, 100, 1 << 15):  # one pair per block, ragged blocks, one block
        monkeypatch.setattr(synth, "BLOCK", block)
        p, r = precision_recall(real, syn, k)
        assert (p, r) == (expected_p, expected_r)
        np.testing.assert_array_equal(closest_record(real, syn), expected_closest)
        np.testing.assert_array_equal(knn_radius(real, k), expected_radii)


def test_precision_recall_of_a_sample_against_itself_is_one(train):
    assert precision_recall(train, train) == (1.0, 1.0)
    x = np.random.default_rng(0).normal(size=(500, 2))
    assert precision_recall(x, x, k=1) == (1.0, 1.0)


def test_precision_recall_of_a_far_cloud_is_zero(train):
    far = train + 100.0
    assert precision_recall(train, far) == (0.0, 0.0)


def test_precision_recall_separate_fidelity_from_diversity():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(2000, 2))
    narrow = 0.3 * rng.normal(size=(2000, 2))  # inside the real cloud, covering its core only
    wide = 3.0 * rng.normal(size=(2000, 2))  # covers it, mostly outside
    p_narrow, r_narrow = precision_recall(real, narrow)
    p_wide, r_wide = precision_recall(real, wide)
    assert p_narrow > 0.95 and r_narrow < 0.5
    assert p_wide < 0.7 and r_wide > 0.95  # stray real points have wide balls


def test_closest_record_of_a_copy_is_zero(train):
    assert np.all(closest_record(train, train[::-1]) == 0)
    shifted = train + np.array([0.3, 0.4])
    d = closest_record(train, shifted)
    assert np.all(d <= 0.5 + 1e-12) and d.shape == (100,)


def test_knn_radius_is_leave_one_out():
    x = np.array([[0.0, 0.0], [0.0, 0.0], [3.0, 4.0]])
    np.testing.assert_array_equal(knn_radius(x, 1), [0.0, 0.0, 5.0])
    np.testing.assert_array_equal(knn_radius(x, 2), [5.0, 5.0, 5.0])


def test_energy_distance_properties(train):
    assert energy_distance(train, train) == pytest.approx(0.0, abs=1e-12)
    assert energy_distance(train, train[::-1]) == pytest.approx(0.0, abs=1e-12)
    x = np.random.default_rng(2).normal(size=(30, 2))
    y = np.random.default_rng(3).normal(size=(40, 2)) + 0.5

    def d(a, b):
        return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)).mean()

    brute = 2 * d(x, y) - d(x, x) - d(y, y)
    assert energy_distance(x, y) == pytest.approx(brute, rel=1e-12)
    assert energy_distance(y, x) == pytest.approx(brute, rel=1e-12)
    # one dimension: 2 E|X − Y| − E|X − X'| − E|Y − Y'| for N(0, 1) vs N(mu, 1) grows with mu
    assert energy_distance(x, x + 1.0) > energy_distance(x, x + 0.5) > 0


@pytest.mark.parametrize("m", [20, 100])
def test_resampling_energy_is_the_mean_of_copies(train, m):
    values = [energy_distance(train, kde_sample(train, 0.0, m, rng=s)) for s in range(600)]
    assert_within(values, resampling_energy(train, m))


def test_measure_bundles_the_four(train):
    x = kde_sample(train, 0.1, 150, rng=3)
    m = measure(train, x)
    assert (m.precision, m.recall) == precision_recall(train, x)
    assert m.energy == energy_distance(train, x)
    np.testing.assert_array_equal(m.closest, closest_record(train, x))
    assert m.closest_median == float(np.median(m.closest)) and m.copies == 0.0


def test_knn_measures_on_5000_points_take_under_a_second():
    rng = np.random.default_rng(0)
    real, syn = rng.normal(size=(5000, 2)), rng.normal(size=(5000, 2)) + 0.3
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        precision_recall(real, syn)
        closest_record(real, syn)
        best = min(best, time.perf_counter() - start)
    assert best < 2.0  # about 0.3 s on a quiet 2-core machine; generous for loaded CI


# -- argument checks -----------------------------------------------------------------------------
GOOD = np.zeros((5, 2)) + np.arange(5.0)[:, None]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: precision_recall(np.empty((0, 2)), GOOD), "real must be a non-empty 2-D"),
        (lambda: precision_recall(GOOD, np.zeros(4)), "synthetic must be a non-empty 2-D"),
        (lambda: precision_recall(GOOD, np.zeros((5, 3))), "synthetic must have as many columns"),
        (lambda: closest_record(GOOD, np.zeros((5, 0))), "synthetic must"),
        (lambda: energy_distance(GOOD, np.zeros((4, 1))), "synthetic must have as many columns"),
        (lambda: precision_recall(GOOD, [[np.nan, 0.0]] * 5), "synthetic must be finite"),
        (lambda: closest_record([[0.0, np.inf]], GOOD), "real must be finite"),
        (lambda: precision_recall(GOOD, GOOD, k=0), "k must be >= 1"),
        (lambda: precision_recall(GOOD, GOOD, k=5), "k must be >= 1 and <= 4"),
        (lambda: precision_recall(GOOD, GOOD[:3], k=3), "k must be >= 1 and <= 2"),
        (lambda: knn_radius(GOOD, 5), "k must be >= 1 and <= 4"),
        (lambda: knn_radius(GOOD[:1]), "x must have shape"),
        (lambda: fit_gmm(GOOD, 0), "components must be >= 1"),
        (lambda: fit_gmm(GOOD, 6), "components must be >= 1 and <= 5"),
        (lambda: fit_gmm(GOOD, 2, iterations=0), "iterations must be >= 1"),
        (lambda: fit_gmm(np.zeros((5, 3)), 2), "x must have shape"),
        (lambda: fit_gmm([[np.nan, 1.0]] * 5, 2), "x must be finite"),
        (lambda: fit_gmm(GOOD, 2, iterations=10**12), "iterations must be <="),
        (lambda: kde_sample(GOOD, -0.1, 3), "bandwidth must be >= 0"),
        (lambda: kde_sample(GOOD, 0.1, 0), "n must be >= 1"),
        (lambda: kde_sample(GOOD, 0.1, 10**12), "n must be <="),
        (lambda: kde_sample(np.empty((0, 2)), 0.1, 3), "x must be a non-empty 2-D"),
        (lambda: fit_gmm(GOOD, 2).sample(0), "n must be >= 1"),
        (lambda: fit_gmm(GOOD, 2).sample(10**12), "n must be <="),
        (lambda: fit_gmm(GOOD, 2).loglik(np.zeros((3, 3))), "x must have shape"),
        (lambda: resampling_energy(GOOD, 0), "m must be >= 1"),
    ],
)
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_too_many_points_are_refused_before_any_work():
    big = np.broadcast_to(np.zeros(2), (200_000, 2))  # no memory: a view
    with pytest.raises(ValueError, match=r"(real|synthetic) must be <="):
        precision_recall(big, big)
    with pytest.raises(ValueError, match="x must be <="):
        knn_radius(big)
    assert MEMORY_BUDGET > 0


def test_type_errors():
    with pytest.raises(TypeError, match="k must be an integer"):
        precision_recall(GOOD, GOOD, k=1.5)
    with pytest.raises(TypeError, match="real must be"):
        closest_record("abc", GOOD)


def test_too_many_pairs_name_a_size_each_sample_may_have():
    big = np.broadcast_to(np.zeros(2), (100_000, 2))
    with pytest.raises(ValueError, match=r"real must be <= \d{4,} when synthetic = 100000"):
        closest_record(big, big)
    with pytest.raises(ValueError, match=r"real must be <= \d{4,} \("):
        energy_distance(big, big)
