"""Collapse in two dimensions: the iris data, EM for Gaussian mixtures, the mixture and
kernel-density loops against their closed forms (SCIENCE.md A5), argument checks, the demo."""

import numpy as np
import pytest
import scipy.stats
from _stats import assert_within

from peakdata.collapse.twod import (
    Mixture,
    drift_theory,
    fit_gmm,
    gmm_chain,
    kde_chain,
    kde_fixed_point,
    kde_mean_loglik,
    kde_variance_theory,
    load_iris_petals,
    reproductions,
    sample_gmm,
    split_heldout,
    variance_theory,
)
from peakdata.demos import LivePanel
from peakdata.demos.twod import KDELoopDemo


@pytest.fixture(scope="module")
def iris():
    return load_iris_petals()


@pytest.fixture(scope="module")
def train(iris):
    return split_heldout(iris)[0]


def three_clusters(n_per: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    centres = np.array([[0.0, 0.0], [8.0, 1.0], [3.0, 9.0]])
    rng = np.random.default_rng(seed)
    points = np.concatenate([c + 0.5 * rng.standard_normal((n_per, 2)) for c in centres])
    return points, centres


# -- the data ---------------------------------------------------------------------------------
def test_iris_loads_with_the_documented_shape_and_values(iris):
    assert iris.shape == (150, 2) and iris.dtype == float
    # Fisher's summary statistics (sklearn's iris description): petal length and width, cm
    np.testing.assert_allclose(iris.mean(axis=0), [3.758, 1.199333], atol=1e-5)
    np.testing.assert_allclose(iris.std(axis=0, ddof=1), [1.7653, 0.7622], atol=1e-4)
    assert iris.min(axis=0).tolist() == [1.0, 0.1] and iris.max(axis=0).tolist() == [6.9, 2.5]
    # rows ordered by species: setosa (the first 50) has the short petals
    assert iris[:50, 0].max() < 2.0 < iris[50:, 0].min()


def test_split_holds_out_every_third_row(iris):
    train, held = split_heldout(iris)
    assert train.shape == (100, 2) and held.shape == (50, 2)
    np.testing.assert_array_equal(held, iris[2::3])
    t2, h2 = split_heldout(iris, every=5)
    assert h2.shape == (30, 2) and t2.shape == (120, 2)


# -- EM ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_em_increases_the_likelihood_monotonically(train, seed):
    # tol = 0: run until the likelihood stops rising (to rounding error) or 150 steps
    fit = fit_gmm(train, 3, rng=seed, max_iter=150, tol=0.0, reg=0.0)
    history = fit.loglik_history
    assert history.shape == (fit.iterations + 1,) and fit.iterations > 50
    assert np.all(np.diff(history) >= -1e-12)
    assert history[-1] > history[0] + 0.1
    assert fit.loglik == pytest.approx(history[-1])


def test_em_is_monotone_for_every_run_of_a_batch():
    points, _ = three_clusters()
    rng = np.random.default_rng(5)
    batch = points[None] + 0.3 * rng.standard_normal((8, *points.shape))
    fit = fit_gmm(batch, 4, rng=1, tol=0.0, reg=0.0, max_iter=60)
    assert fit.loglik_history.shape == (8, fit.iterations.max() + 1)
    assert np.all(np.diff(fit.loglik_history, axis=-1) >= -1e-12)
    np.testing.assert_allclose(fit.loglik_history[:, -1], fit.loglik)


def test_em_recovers_well_separated_clusters():
    points, centres = three_clusters()
    fit = fit_gmm(points, 3, rng=0)
    order = np.argsort(fit.mixture.means[:, 0] + fit.mixture.means[:, 1] * 0.1)
    np.testing.assert_allclose(fit.mixture.means[order], centres[[0, 2, 1]], atol=0.2)
    np.testing.assert_allclose(fit.mixture.weights, 1 / 3, atol=1e-3)
    sd = np.sqrt(np.diagonal(fit.mixture.covs, axis1=-2, axis2=-1))
    np.testing.assert_allclose(sd, 0.5, atol=0.1)
    assert fit.mixture.modes() == 3


def test_m_step_copies_the_sample_mean_and_covariance(train):
    # exactly, whatever the number of EM steps: this is why the mixture's total spread obeys the
    # same recursion as a single Gaussian's
    for max_iter, reg in ((1, 0.0), (5, 1e-3), (200, 1e-6)):
        mix = fit_gmm(train, 3, rng=2, max_iter=max_iter, reg=reg).mixture
        mean, cov = mix.moments()
        np.testing.assert_allclose(mean, train.mean(axis=0), atol=1e-12)
        np.testing.assert_allclose(cov, np.cov(train.T, bias=True) + reg * np.eye(2), atol=1e-10)


def test_batched_em_equals_one_data_set_at_a_time(train):
    rng = np.random.default_rng(9)
    batch = train[None] + 0.05 * rng.standard_normal((4, *train.shape))
    init = batch[:, [0, 40, 90]]
    together = fit_gmm(batch, 3, init=init)
    for s in range(4):
        alone = fit_gmm(batch[s], 3, init=init[s])
        assert alone.iterations == together.iterations[s]
        np.testing.assert_allclose(alone.mixture.means, together.mixture.means[s], atol=1e-9)
        np.testing.assert_allclose(alone.mixture.covs, together.mixture.covs[s], atol=1e-9)
        np.testing.assert_allclose(alone.loglik, together.loglik[s], atol=1e-12)


def test_mixture_density_matches_scipy():
    mix = Mixture(
        np.array([0.3, 0.7]),
        np.array([[0.0, 1.0], [2.0, -1.0]]),
        np.array([[[1.0, 0.3], [0.3, 0.5]], [[0.4, -0.1], [-0.1, 2.0]]]),
    )
    pts = np.random.default_rng(0).standard_normal((20, 2)) * 2
    expected = np.log(
        sum(
            w * scipy.stats.multivariate_normal(m, c).pdf(pts)
            for w, m, c in zip(mix.weights, mix.means, mix.covs, strict=True)
        )
    )
    np.testing.assert_allclose(mix.logpdf(pts), expected, rtol=1e-10)
    assert mix.mean_loglik(pts) == pytest.approx(expected.mean())


def test_sampling_a_mixture_has_its_moments():
    mix = Mixture(
        np.array([0.2, 0.5, 0.3]),
        np.array([[0.0, 0.0], [3.0, 1.0], [-1.0, 4.0]]),
        np.array([[[1.0, 0.5], [0.5, 1.0]], [[0.2, 0.0], [0.0, 0.3]], [[2.0, -0.4], [-0.4, 0.5]]]),
    )
    x = sample_gmm(mix, 200_000, rng=3)
    mean, cov = mix.moments()
    assert x.shape == (200_000, 2)
    np.testing.assert_allclose(x.mean(axis=0), mean, atol=0.02)
    np.testing.assert_allclose(np.cov(x.T), cov, atol=0.04)
    # component shares
    batch = Mixture(
        *(np.broadcast_to(a, (5, *a.shape)) for a in (mix.weights, mix.means, mix.covs))
    )
    assert sample_gmm(batch, 7, rng=1).shape == (5, 7, 2)


def test_modes_count_the_peaks():
    cov = np.array([np.eye(2)] * 3) * 0.25
    far = Mixture(np.full(3, 1 / 3), np.array([[0.0, 0], [5, 0], [0, 5]]), cov)
    merged = Mixture(np.full(3, 1 / 3), np.array([[0.0, 0], [0.3, 0], [0, 0.3]]), cov)
    two = Mixture(np.full(3, 1 / 3), np.array([[0.0, 0], [0.1, 0], [6, 0]]), cov)
    tiny = Mixture(np.array([0.495, 0.495, 0.01]), np.array([[0.0, 0], [5, 0], [0, 5]]), cov)
    assert far.modes() == 3 and merged.modes() == 1 and two.modes() == 2
    assert tiny.modes(min_weight=0.05) == 2 and tiny.modes(min_weight=0.0) == 3
    batch = Mixture(*(np.stack([getattr(m, f) for m in (far, merged, two)]) for f in _FIELDS))
    np.testing.assert_array_equal(batch.modes(), [3, 1, 2])


_FIELDS = ("weights", "means", "covs")


# -- the kernel-density loop ------------------------------------------------------------------
@pytest.mark.parametrize(("samples", "bandwidth"), [(10, 0.3), (20, 0.1), (50, 0.2), (30, 0.0)])
def test_kde_variance_matches_closed_form(train, samples, bandwidth):
    generations = 4 * samples
    chain = kde_chain(train, generations, samples, bandwidth, seeds=4000, rng=7)
    theory = kde_variance_theory(generations, samples, bandwidth, train.var(axis=0))
    for t in (1, samples // 2, samples, generations):
        for c in (0, 1):
            assert_within(chain.variance[:, t, c], theory[t, c])


@pytest.mark.parametrize(("samples", "bandwidth"), [(10, 0.3), (20, 0.2), (40, 0.1)])
def test_kde_variance_settles_at_the_fixed_point(train, samples, bandwidth):
    generations = 12 * samples  # ((M-1)/M)^n < 1e-5: the start is forgotten
    chain = kde_chain(train, generations, samples, bandwidth, seeds=3000, rng=12)
    fixed = kde_fixed_point(samples, bandwidth)
    assert_within(chain.variance[:, -1].mean(axis=-1), fixed)
    assert chain.variance[:, -1].mean() == pytest.approx(fixed, rel=0.1)


@pytest.mark.parametrize(("samples", "bandwidth"), [(10, 0.3), (50, 0.2)])
def test_kde_mean_drift_matches_closed_form(train, samples, bandwidth):
    generations = 3 * samples
    chain = kde_chain(train, generations, samples, bandwidth, seeds=4000, rng=8)
    theory = drift_theory(generations, samples, train.var(axis=0), bandwidth**2)
    for t in (1, samples, generations):
        for c in (0, 1):
            assert_within((chain.mean[:, t, c] - chain.mean[:, 0, c]) ** 2, theory[t, c])


def test_closed_forms_have_the_stated_shape():
    s0 = np.array([3.0, 0.5])
    v = kde_variance_theory(2000, 20, 0.3, s0)
    assert v.shape == (2001, 2)
    np.testing.assert_allclose(v[0], s0)
    np.testing.assert_allclose(v[-1], 19 * 0.09, rtol=1e-12)  # the fixed point, both coordinates
    # one step of the recursion E[S'^2] = ((M-1)/M)(E[S^2] + h^2)
    np.testing.assert_allclose(v[1:], 19 / 20 * (v[:-1] + 0.09))
    # h = 0 (or a mixture with reg = 0): the maximum-likelihood Gaussian's ((M-1)/M)^n
    np.testing.assert_allclose(variance_theory(10, 20, 1.0), (19 / 20) ** np.arange(11))
    # drift: bounded by S0 without added variance, linear in n with it
    d0 = drift_theory(5000, 20, 1.0)
    assert d0[-1] == pytest.approx(1.0) and np.all(np.diff(d0) >= 0)
    dh = drift_theory(5000, 20, 1.0, 0.01)
    assert dh[-1] == pytest.approx(5000 * 0.01 + (1 - 19 * 0.01), rel=1e-9)
    assert kde_fixed_point(101, 0.1) == pytest.approx(1.0)
    assert variance_theory(3, 5, 2.0).shape == (4,)


def test_vectorised_kde_chain_equals_a_plain_loop(train):
    """One seed: the library's loop is the chapter's two-line loop."""
    rng = np.random.default_rng(4)
    x = train
    variances, means = [x.var(axis=0)], [x.mean(axis=0)]
    for _ in range(6):
        x = x[rng.integers(0, len(x), size=15)] + 0.2 * rng.standard_normal((15, 2))
        variances.append(x.var(axis=0))
        means.append(x.mean(axis=0))
    chain = kde_chain(train, 6, 15, 0.2, rng=4, snapshots=(6,))
    np.testing.assert_allclose(chain.variance[0], variances)
    np.testing.assert_allclose(chain.mean[0], means)
    np.testing.assert_allclose(chain.snapshots[6][0], x)


def test_kde_loglik_matches_a_direct_sum():
    rng = np.random.default_rng(0)
    pts, held = rng.standard_normal((30, 2)), rng.standard_normal((5, 2))
    h = 0.4
    dens = [
        np.mean([scipy.stats.multivariate_normal(p, h * h * np.eye(2)).pdf(y) for p in pts])
        for y in held
    ]
    assert kde_mean_loglik(pts, h, held) == pytest.approx(np.mean(np.log(dens)))
    batch = np.stack([pts, pts + 1])
    assert kde_mean_loglik(batch, h, held).shape == (2,)


# -- the mixture loop -------------------------------------------------------------------------
@pytest.mark.parametrize("samples", [20, 60])
def test_gmm_chain_spread_follows_the_recursion(train, samples):
    # the M-step copies the sample's covariance (plus reg), so the total spread obeys
    # E[S'^2] = ((M-1)/M)(E[S^2] + reg) exactly, like the KDE with h^2 = reg
    generations, reg = 4, 1e-3
    chain = gmm_chain(train, generations, samples, seeds=600, rng=11, reg=reg, max_iter=60)
    theory = variance_theory(generations, samples, train.var(axis=0), reg)
    for t in range(1, generations + 1):
        for c in (0, 1):
            assert_within(chain.variance[:, t, c], theory[t, c])


def test_gmm_chain_loses_the_real_flowers(iris):
    train, held = split_heldout(iris)
    chain = gmm_chain(train, 30, 30, seeds=40, rng=3, snapshots=(0, 30))
    assert chain.mixtures.weights.shape == (40, 31, 3) and chain.generations == 30
    assert chain.mean.shape == chain.variance.shape == (40, 31, 2)
    np.testing.assert_array_equal(chain.snapshots[0][5], train)
    assert chain.snapshots[30].shape == (40, 30, 2)
    ll = np.median(chain.heldout_loglik(held), axis=0)
    assert ll[0] > -1.3 and ll[30] < ll[10] < ll[0] - 1  # the held-out fit only gets worse
    modes = chain.modes()
    assert modes.shape == (40, 31) and modes[:, 0].mean() > 2.5


# -- determinism and checks -------------------------------------------------------------------
def test_determinism(train):
    a = kde_chain(train, 5, 10, 0.2, seeds=3, rng=5)
    b = kde_chain(train, 5, 10, 0.2, seeds=3, rng=5)
    c = kde_chain(train, 5, 10, 0.2, seeds=3, rng=6)
    d = kde_chain(train, 5, 10, 0.2, seeds=3, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.variance, b.variance)
    np.testing.assert_array_equal(a.variance, d.variance)
    assert not np.array_equal(a.variance, c.variance)
    g1 = gmm_chain(train, 3, 20, seeds=2, rng=5)
    g2 = gmm_chain(train, 3, 20, seeds=2, rng=5)
    g3 = gmm_chain(train, 3, 20, seeds=2, rng=6)
    np.testing.assert_array_equal(g1.mixtures.means, g2.mixtures.means)
    assert not np.array_equal(g1.variance, g3.variance)
    f1, f2 = fit_gmm(train, 3, rng=4), fit_gmm(train, 3, rng=4)
    np.testing.assert_array_equal(f1.mixture.covs, f2.mixture.covs)


BAD_KDE = [
    ({"generations": -1}, ValueError, "generations must be >= 0"),
    ({"samples": 1}, ValueError, "samples must be >= 2"),
    ({"samples": 2.5}, TypeError, "samples must be an integer"),
    ({"bandwidth": -0.1}, ValueError, "bandwidth must be >= 0"),
    ({"bandwidth": float("nan")}, ValueError, "bandwidth"),
    ({"seeds": 0}, ValueError, "seeds must be >= 1"),
    ({"rng": -1}, ValueError, "rng must be >= 0"),
    ({"snapshots": (11,)}, ValueError, "snapshots must be >= 0 and <= 10"),
    ({"snapshots": "0"}, TypeError, "snapshots must be an integer"),
    ({"data": np.zeros((5, 3))}, ValueError, r"data must have shape \(n, 2\)"),
    ({"data": np.zeros((1, 2))}, ValueError, "data must have shape .* n >= 2"),
    ({"data": np.array([[0.0, np.inf], [1, 1]])}, ValueError, "data must be finite"),
    ({"data": "iris"}, TypeError, "data must be an array of numbers"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), BAD_KDE)
def test_kde_chain_bad_arguments_are_named(train, kwargs, error, message):
    args = {"data": train, "generations": 10, "samples": 5, "bandwidth": 0.2, **kwargs}
    with pytest.raises(error, match=message):
        kde_chain(**args)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"components": 0}, ValueError, "components must be >= 1"),
        ({"components": 101}, ValueError, "components must be >= 1 and <= 100"),
        ({"samples": 2}, ValueError, "samples must be >= 3"),
        ({"reg": -1.0}, ValueError, "reg must be >= 0"),
        ({"tol": -1.0}, ValueError, "tol must be >= 0"),
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
        ({"generations": 1.0}, TypeError, "generations must be an integer"),
        ({"data": np.zeros((4,))}, ValueError, r"data must have shape \(n, 2\)"),
    ],
)
def test_gmm_chain_bad_arguments_are_named(train, kwargs, error, message):
    args = {"data": train, "generations": 2, "samples": 10, **kwargs}
    with pytest.raises(error, match=message):
        gmm_chain(**args)


def test_other_bad_arguments_are_named(train):
    with pytest.raises(ValueError, match=r"init must be finite with shape \(3, 2\)"):
        fit_gmm(train, 3, init=np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"points must have shape \(n, 2\) or \(seeds, n, 2\)"):
        fit_gmm(np.zeros((2, 3, 10, 2)), 2)
    with pytest.raises(ValueError, match="components must be >= 1 and <= 5"):
        fit_gmm(train[:5], 6)
    with pytest.raises(TypeError, match="mixture must be a Mixture"):
        sample_gmm(train, 5)
    mix = fit_gmm(train, 2).mixture
    with pytest.raises(ValueError, match="size must be >= 1"):
        sample_gmm(mix, 0)
    with pytest.raises(ValueError, match="min_weight must be >= 0.0 and <= 1.0"):
        mix.modes(min_weight=2.0)
    with pytest.raises(ValueError, match=r"points must have shape \(\.\.\., n, 2\)"):
        mix.mean_loglik(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="bandwidth must be > 0"):
        kde_mean_loglik(train, 0.0, train)
    with pytest.raises(ValueError, match="heldout must be finite"):
        kde_mean_loglik(train, 0.1, np.array([[np.nan, 0.0]]))
    with pytest.raises(ValueError, match="initial must be a finite variance >= 0"):
        variance_theory(3, 5, -1.0)
    with pytest.raises(ValueError, match="added must be >= 0"):
        drift_theory(3, 5, 1.0, added=-0.1)
    with pytest.raises(ValueError, match="samples must be >= 2"):
        kde_fixed_point(1, 0.1)
    with pytest.raises(ValueError, match="bandwidth must be >= 0"):
        kde_variance_theory(3, 5, -0.2, 1.0)
    with pytest.raises(ValueError, match="every must be >= 2 and <= 150"):
        split_heldout(load_iris_petals(), every=1)


def test_reproductions_pass():
    rows = reproductions()
    assert len(rows) >= 4 and all(r.passed for r in rows)
    assert all(r.tolerance < 0.2 * abs(r.expected) for r in rows)  # informative checks


# -- the demo ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo():
    return KDELoopDemo()


def test_demo_curves_follow_the_closed_form(demo, train):
    curves = demo.curves(samples=20, bandwidth=0.3)
    assert {s.key for s in demo.series} <= set(curves)  # plus the other panels' data
    for y in (curves[s.key] for s in demo.series):
        assert y.shape == demo.x.shape
    s0 = train.var(axis=0).sum()
    assert curves["mean"][0] == pytest.approx(s0) and curves["real"][-1] == pytest.approx(s0)
    assert curves["fixed"][0] == pytest.approx(2 * 19 * 0.09)
    # 200 runs: settled near the fixed point, within Monte Carlo error (a few percent)
    assert curves["mean"][-30:].mean() == pytest.approx(curves["fixed"][0], rel=0.1)
    np.testing.assert_allclose(curves["theory"][-1], curves["fixed"][-1], rtol=1e-3)
    flat = demo.curves(samples=10, bandwidth=0.0)
    assert flat["fixed"][0] == 0 and flat["mean"][-1] < 1e-3  # h = 0: resampling collapses


def test_demo_live_panel_updates_in_place(demo):
    panel = demo.live()
    assert isinstance(panel, LivePanel)
    lines = dict(panel.lines)
    first_png, first_mean = panel.image.value, panel.lines["mean"].get_ydata().copy()
    panel.controls["bandwidth"].value = 0.4
    assert panel.values["bandwidth"] == 0.4 and panel.lines == lines
    assert not np.array_equal(panel.lines["mean"].get_ydata(), first_mean)
    assert panel.image.value != first_png and "h = 0.4 cm" in panel.caption.value
    real_before = panel.lines["real"].get_ydata().copy()
    panel.controls["generations"].value = 60
    assert panel.ax.get_xlim() == (0, 60) and "After 60 generations" in panel.caption.value
    panel.controls["samples"].value = 40
    np.testing.assert_array_equal(panel.lines["real"].get_ydata(), real_before)
    assert "M = 40" in panel.caption.value
    with pytest.raises(ValueError, match="bandwidth must be between 0.0 and 0.5"):
        panel.set(bandwidth=0.25)
