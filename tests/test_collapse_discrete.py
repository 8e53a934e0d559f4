"""Discrete resampling (Wright-Fisher drift) and the memorisation learning curve against their
closed forms (SCIENCE.md A1 "Discrete case", A4, A5), their argument checks, and the tails demo."""

import numpy as np
import pytest
import scipy.stats
from _stats import assert_within

from peakdata.collapse.discrete import (
    MAX_EXACT_SAMPLES,
    _binomial_pmf,
    discrete_chain,
    expected_diversity,
    expected_survivors,
    extinction_probability,
    fixation_probability,
    memorisation_error,
    memorisation_simulation,
    miss_probability,
    reproductions,
    with_temperature,
    zipf_probs,
)
from peakdata.demos._base import LivePanel
from peakdata.demos.tails import TailsDemo

SEEDS = 20_000


def assert_proportions(hits: np.ndarray, expected: np.ndarray, z: float = 4.5) -> None:
    """Column means of a boolean (runs, k) array match probabilities, with binomial errors."""
    hits = np.asarray(hits, dtype=float)
    se = np.sqrt(expected * (1 - expected) / hits.shape[0]) + 1e-12
    worst = np.max(np.abs(hits.mean(axis=0) - expected) / np.maximum(se, 1 / hits.shape[0]))
    assert worst <= z, (worst, hits.mean(axis=0), expected)


# -- the loop against its closed forms ------------------------------------------------------------
@pytest.mark.parametrize(
    ("probs", "samples", "temperature"),
    [
        (zipf_probs(50, 1.0), 20, 1.0),
        (zipf_probs(200, 1.5), 100, 1.0),
        (np.full(10, 0.1), 5, 1.0),
        (zipf_probs(100, 1.2), 50, 0.8),  # one generation: the tempered probabilities
    ],
)
def test_miss_probability_matches_one_generation(probs, samples, temperature):
    chain = discrete_chain(
        probs, 1, samples, temperature=temperature, seeds=SEEDS, rng=11, record=[1]
    )
    expected = miss_probability(with_temperature(probs, temperature), samples)
    assert_proportions(chain.freqs[:, 0, :] == 0, expected)


@pytest.mark.parametrize(
    ("probs", "samples"),
    [([0.5, 0.3, 0.15, 0.05], 10), ([0.2, 0.8], 30), (zipf_probs(6, 1.0), 15)],
)
def test_fixation_probability_is_the_initial_share(probs, samples):
    chain = discrete_chain(probs, 1500, samples, seeds=SEEDS, rng=12, record=[])
    winner = chain.fixed_category()
    assert np.mean(winner >= 0) > 0.999  # (almost) every run has fixed by then
    fixed = winner[winner >= 0]
    hits = fixed[:, None] == np.arange(len(probs))
    assert_proportions(hits, fixation_probability(probs))
    lost = chain.lost_by(1500)[winner >= 0]
    assert_proportions(lost, 1 - fixation_probability(probs))


@pytest.mark.parametrize(
    ("probs", "samples", "generations"),
    [
        ([0.5, 0.3, 0.15, 0.05], 20, 60),
        (zipf_probs(200, 1.2), 100, 50),
        (np.full(8, 1 / 8), 5, 20),
        (zipf_probs(500, 0.9), 1000, 30),
    ],
)
def test_diversity_decays_as_closed_form(probs, samples, generations):
    seeds = 20_000 if len(probs) < 300 else 2_000
    chain = discrete_chain(probs, generations, samples, seeds=seeds, rng=13, record=[])
    expected = expected_diversity(probs, generations, samples)
    assert chain.diversity[0, 0] == pytest.approx(expected[0])
    for t in (1, generations // 2, generations):
        assert_within(chain.diversity[:, t], expected[t])


@pytest.mark.parametrize(
    ("probs", "samples", "generations"),
    [
        (zipf_probs(200, 1.2), 100, 50),
        (zipf_probs(60, 0.8), 30, 40),
        ([0.6, 0.25, 0.1, 0.05], 12, 30),
    ],
)
def test_extinction_and_survivors_match_simulation(probs, samples, generations):
    chain = discrete_chain(probs, generations, samples, seeds=SEEDS, rng=14, record=[])
    exact = extinction_probability(probs, generations, samples)
    survivors = expected_survivors(probs, generations, samples)
    np.testing.assert_allclose(survivors, (1 - exact).sum(axis=1))
    for t in (1, generations // 4, generations):
        assert_proportions(chain.lost_by(t), exact[t])
        assert_within(chain.surviving()[:, t], survivors[t])


def test_extinction_probability_limits():
    p = np.array([0.5, 0.3, 0.2, 0.0])
    exact = extinction_probability(p, 600, 10)
    assert np.all(np.diff(exact, axis=0) >= -1e-12)  # losses only accumulate
    np.testing.assert_allclose(exact[0], [0, 0, 0, 1])
    np.testing.assert_allclose(exact[1], miss_probability(p, 10))
    np.testing.assert_allclose(exact[-1], 1 - p, atol=1e-6)  # lost with probability 1 - share
    assert expected_survivors(p, 0, 10)[0] == 3
    np.testing.assert_allclose(extinction_probability([1.0], 5, 3), 0.0)


def test_closed_forms_have_the_published_values():
    p = zipf_probs(1000, 1.1)
    h0 = 1 - np.sum(p**2)
    np.testing.assert_allclose(expected_diversity(p, 30, 40), h0 * (39 / 40) ** np.arange(31))
    # a category with q = 1/M is missed with probability (1 - 1/M)^M, close to 1/e
    assert miss_probability([0.01, 0.99], 100)[0] == pytest.approx(np.exp(-1), rel=0.01)
    np.testing.assert_allclose(fixation_probability([0.25, 0.75]), [0.25, 0.75])


@pytest.mark.parametrize("x", [[0.0, 0.01, 0.3, 0.5, 0.99, 1.0]])
@pytest.mark.parametrize("trials", [1, 7, 50, 400])
def test_binomial_pmf_matches_scipy(trials, x):
    expected = scipy.stats.binom.pmf(np.arange(trials + 1)[None], trials, np.array(x)[:, None])
    np.testing.assert_allclose(_binomial_pmf(trials, np.array(x)), expected, atol=1e-13)


# -- temperature ----------------------------------------------------------------------------------
def test_temperature_sharpens_and_keeps_zeros():
    p = np.array([0.5, 0.3, 0.2, 0.0])
    np.testing.assert_array_equal(with_temperature(p, 1.0), p)
    cold = with_temperature(p, 0.5)
    np.testing.assert_allclose(cold, p**2 / np.sum(p**2))
    assert cold[3] == 0 and cold.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(with_temperature(p, 1e-3), [1, 0, 0, 0], atol=1e-12)
    hot = with_temperature(p, 100.0)
    assert hot[2] > p[2] and hot[3] == 0


def test_low_temperature_loses_words_and_diversity_faster():
    p = zipf_probs(200, 1.2)
    runs = {
        t: discrete_chain(p, 30, 200, temperature=t, seeds=500, rng=15, record=[])
        for t in (1.0, 0.9, 0.7)
    }
    words = {t: c.surviving()[:, -1].mean() for t, c in runs.items()}
    diversity = {t: c.diversity[:, -1].mean() for t, c in runs.items()}
    assert words[1.0] > words[0.9] > words[0.7]
    assert diversity[1.0] > diversity[0.9] > diversity[0.7]


# -- the simulation itself ------------------------------------------------------------------------
def test_shapes_records_and_determinism():
    p = zipf_probs(30, 1.0)
    chain = discrete_chain(p, 12, 25, seeds=4, rng=5)
    assert chain.freqs.shape == (4, 13, 30)
    assert chain.diversity.shape == (4, 13) and chain.lost_at.shape == (4, 30)
    assert (chain.generations, chain.seeds) == (12, 4)
    np.testing.assert_array_equal(chain.recorded, np.arange(13))
    np.testing.assert_array_equal(chain.freqs[:, 0], np.broadcast_to(p, (4, 30)))
    np.testing.assert_allclose(chain.freqs.sum(axis=2), 1.0)
    np.testing.assert_allclose(chain.freqs[:, 1:] * 25, np.rint(chain.freqs[:, 1:] * 25))
    again = discrete_chain(p, 12, 25, seeds=4, rng=5)
    np.testing.assert_array_equal(chain.freqs, again.freqs)
    other = discrete_chain(p, 12, 25, seeds=4, rng=6)
    assert not np.array_equal(chain.freqs, other.freqs)
    generator = np.random.default_rng(5)
    np.testing.assert_array_equal(
        discrete_chain(p, 12, 25, seeds=4, rng=generator).freqs, chain.freqs
    )
    some = discrete_chain(p, 12, 25, seeds=4, rng=5, record=[12, 3, 3])
    np.testing.assert_array_equal(some.recorded, [3, 12])
    np.testing.assert_array_equal(some.freqs, chain.freqs[:, [3, 12]])
    np.testing.assert_array_equal(some.diversity, chain.diversity)
    np.testing.assert_array_equal(some.lost_at, chain.lost_at)


def test_summaries_agree_with_the_recorded_models():
    p = np.concatenate([zipf_probs(40, 0.9)[:-5], np.zeros(5)])
    p /= p.sum()
    chain = discrete_chain(p, 40, 30, seeds=6, rng=7)
    f = chain.freqs
    np.testing.assert_allclose(chain.diversity, 1 - np.sum(f**2, axis=2))
    np.testing.assert_array_equal(chain.surviving(), np.count_nonzero(f, axis=2))
    for t in (0, 1, 17, 40):
        np.testing.assert_array_equal(chain.lost_by(t), f[:, t] == 0)
    first_zero = np.where((f == 0).any(axis=1), np.argmax(f == 0, axis=1), -1)
    np.testing.assert_array_equal(chain.lost_at, first_zero)
    assert np.all(chain.lost_at[:, -5:] == 0)  # probability 0 from the start


def test_fixed_runs_stop_changing():
    chain = discrete_chain([0.5, 0.5], 300, 4, seeds=50, rng=8)
    winner = chain.fixed_category()
    assert np.all(winner >= 0)
    np.testing.assert_array_equal(chain.freqs[np.arange(50), -1, winner], 1.0)
    assert np.all(chain.diversity[:, -1] == 0)
    assert np.all(discrete_chain([0.3, 0.7], 5, 1000, seeds=3).fixed_category() == -1)


def test_zero_generations_and_one_sample():
    chain = discrete_chain([0.2, 0.8], 0, 10, seeds=3)
    assert chain.freqs.shape == (3, 1, 2) and np.all(chain.lost_at == -1)
    one = discrete_chain(zipf_probs(10, 1.0), 1, 1, seeds=100, rng=2)
    assert np.all(one.surviving()[:, 1] == 1)  # one token: one word left, fixed at once
    assert np.all(one.diversity[:, 1] == 0)


def _loop(probs, generations, samples, seeds, seed, temperature=1.0):
    """The chapter's loop, written plainly: every generation, every run, one multinomial draw."""
    rng = np.random.default_rng(seed)
    models = np.tile(np.asarray(probs, dtype=float), (seeds, 1))
    history = [models]
    for _ in range(generations):
        rows = []
        for model in models:
            pvals = model if temperature == 1 else with_temperature(model, temperature)
            rows.append(rng.multinomial(samples, pvals) / samples)
        models = np.array(rows)
        history.append(models)
    return np.stack(history, axis=1)


@pytest.mark.parametrize(
    ("probs", "samples"),
    [
        (zipf_probs(50, 1.1), 40),
        (zipf_probs(300, 0.8), 200),
        ([0.1, 0.0, 0.4, 0.5, 0.0], 5),
        ([0.5, 0.3, 0.2], 1),
    ],
)
def test_vectorised_runs_match_the_plain_loop(probs, samples):
    chain = discrete_chain(probs, 30, samples, seeds=4, rng=3)
    np.testing.assert_array_equal(chain.freqs, _loop(probs, 30, samples, 4, 3))


def test_vectorised_runs_match_the_plain_loop_at_a_temperature():
    # no category dies here, so both versions normalise the same numbers
    chain = discrete_chain([0.5, 0.3, 0.2], 20, 500, temperature=0.8, seeds=3, rng=4)
    np.testing.assert_array_equal(chain.freqs, _loop([0.5, 0.3, 0.2], 20, 500, 3, 4, 0.8))


# -- learning curves ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("probs", "kwargs"),
    [
        (zipf_probs(5000, 1.5), {}),
        (zipf_probs(5000, 1.5), {"cutoff": 50}),
        (zipf_probs(2000, 2.0), {"cutoff": 500}),
        (zipf_probs(300, 1.1), {"train_probs": with_temperature(zipf_probs(300, 1.1), 0.7)}),
    ],
)
def test_memorisation_simulation_matches_closed_form(probs, kwargs):
    sizes = [0, 1, 10, 300, 3000]
    sim = memorisation_simulation(probs, sizes, seeds=1000, rng=16, **kwargs)
    exact = memorisation_error(probs, sizes, **kwargs)
    assert sim.shape == (1000, 5) and exact[0] == 1.0
    for j in range(1, len(sizes)):
        assert_within(sim[:, j], exact[j])


def test_learning_curve_power_law_and_plateau():
    beta = 1.5
    p = zipf_probs(1_000_000, beta)
    sizes = np.array([1_000, 10_000])
    full = memorisation_error(p, sizes)
    slope = np.diff(np.log(full)) / np.diff(np.log(sizes))
    assert slope[0] == pytest.approx(-(1 - 1 / beta), abs=0.03)
    for k in (30, 300):
        plateau = memorisation_error(p, 10**7, cutoff=k)[0]
        assert plateau == pytest.approx(p[k:].sum(), rel=1e-6)  # the lost tail mass
    # the plateau scales as k^-(beta - 1): ten times the rank, sqrt(10) times less error
    ratio = memorisation_error(p, 10**8, cutoff=30)[0] / memorisation_error(p, 10**8, cutoff=300)
    assert ratio[0] == pytest.approx(10 ** (beta - 1), rel=0.05)
    assert np.all(np.diff(memorisation_error(p, [1, 10, 100, 1000], cutoff=30)) < 0)


def test_memorisation_keeps_the_real_probabilities():
    p = np.array([0.7, 0.2, 0.1])
    np.testing.assert_allclose(
        memorisation_error(p, [0, 1, 2]), [1.0, 0.46, 0.7 * 0.09 + 0.2 * 0.64 + 0.1 * 0.81]
    )
    # train only on the top word: the other 30% can never be learned
    assert memorisation_error(p, 50, cutoff=1)[0] == pytest.approx(0.3)
    assert memorisation_error(p, 50, train_probs=[1.0, 0.0, 0.0])[0] == pytest.approx(0.3)


# -- argument checks ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"probs": [0.5, -0.1, 0.6]}, ValueError, "probs must be >= 0, got -0.1 at index 1"),
        ({"probs": [0.5, 0.4]}, ValueError, r"probs must sum to 1 \(within 1e-09\), got sum 0.9"),
        ({"probs": [0.5, np.nan]}, ValueError, "probs must be finite"),
        ({"probs": [[0.5, 0.5]]}, ValueError, "probs must be a non-empty 1-D array"),
        ({"probs": []}, ValueError, "probs must be a non-empty 1-D array"),
        ({"probs": ["a", "b"]}, TypeError, "probs must be an array of probabilities"),
        ({"generations": -1}, ValueError, "generations must be >= 0"),
        ({"samples": 0}, ValueError, "samples must be >= 1"),
        ({"samples": 2.5}, TypeError, "samples must be an integer"),
        ({"temperature": 0.0}, ValueError, "temperature must be > 0"),
        ({"temperature": -1.0}, ValueError, "temperature must be > 0"),
        ({"temperature": float("inf")}, ValueError, "temperature must be > 0"),
        ({"seeds": 0}, ValueError, "seeds must be >= 1"),
        ({"record": [0, 9]}, ValueError, "record must be >= 0 and <= 5, got 9"),
        ({"record": [1.5]}, TypeError, "record must be None or integers"),
        ({"rng": -1}, ValueError, "rng must be >= 0"),
    ],
)
def test_bad_chain_arguments_are_named(kwargs, error, message):
    args = {"probs": [0.5, 0.5], "generations": 5, "samples": 10, **kwargs}
    with pytest.raises(error, match=message):
        discrete_chain(**args)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: zipf_probs(0, 1.0), ValueError, "n must be >= 1"),
        (lambda: zipf_probs(10, -0.5), ValueError, "beta must be >= 0"),
        (lambda: with_temperature([0.5, 0.5], 0), ValueError, "temperature must be > 0"),
        (lambda: with_temperature([0.5, 0.6], 1), ValueError, "probs must sum to 1"),
        (lambda: miss_probability([0.5, 0.5], 0), ValueError, "samples must be >= 1"),
        (lambda: miss_probability([1.5, -0.5], 3), ValueError, "probs must be >= 0"),
        (lambda: fixation_probability([0.2, 0.2]), ValueError, "probs must sum to 1"),
        (lambda: expected_diversity([1.0], -1, 5), ValueError, "generations must be >= 0"),
        (lambda: expected_diversity([1.0], 3, 0), ValueError, "samples must be >= 1"),
        (
            lambda: extinction_probability([1.0], 3, MAX_EXACT_SAMPLES + 1),
            ValueError,
            f"samples must be >= 1 and <= {MAX_EXACT_SAMPLES}",
        ),
        (lambda: expected_survivors([0.9], 3, 5), ValueError, "probs must sum to 1"),
        (lambda: memorisation_error([1.0], [-1]), ValueError, "train_sizes must be >= 0"),
        (lambda: memorisation_error([1.0], [1.5]), TypeError, "train_sizes must be integers"),
        (lambda: memorisation_error([0.5, 0.5], 5, cutoff=3), ValueError, "cutoff must be >= 1"),
        (lambda: memorisation_error([0.5, 0.5], 5, cutoff=0), ValueError, "cutoff must be >= 1"),
        (
            lambda: memorisation_error([0.5, 0.5], 5, cutoff=1, train_probs=[1.0, 0.0]),
            ValueError,
            "give cutoff or train_probs, not both",
        ),
        (
            lambda: memorisation_error([0.5, 0.5], 5, train_probs=[1.0]),
            ValueError,
            r"train_probs must have the size of probs \(2\)",
        ),
        (
            lambda: memorisation_simulation([0.5, 0.5], 5, seeds=0),
            ValueError,
            "seeds must be >= 1",
        ),
        (
            lambda: memorisation_simulation([0.5, 0.5], 5, train_probs=[0.5, 0.6]),
            ValueError,
            "train_probs must sum to 1",
        ),
        (
            lambda: discrete_chain([0.5, 0.5], 3, 4).lost_by(4),
            ValueError,
            "generation must be >= 0 and <= 3",
        ),
    ],
)
def test_bad_arguments_of_the_helpers_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_reproductions_pass():
    rows = reproductions()
    assert len(rows) >= 5
    assert {r.source for r in rows} >= {
        "shumailov2024nature",
        "hutter2021learning",
        "dohmatob2024tale",
    }
    for row in rows:
        assert row.passed, row


# -- the demo -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo():
    return TailsDemo()


@pytest.fixture(scope="module")
def explorable(demo):
    return demo.explorable()


def test_demo_curves_follow_the_closed_forms(demo):
    curves = demo.curves(beta=1.2, samples=500, temperature=1.0, seed=0)
    assert set(curves) == {s.key for s in demo.series}
    for y in curves.values():
        assert y.shape == demo.x.shape and y[0] == pytest.approx(1.0)
    for t in (1, 10, 100):
        assert curves["words"][t] == pytest.approx(curves["words_theory"][t], rel=0.15, abs=0.01)
        assert curves["diversity"][t] == pytest.approx(curves["diversity_theory"][t], abs=0.1)
    cold = demo.curves(beta=1.2, samples=500, temperature=0.85, seed=0)
    assert cold["words"][50] < curves["words"][50] and cold["diversity"][50] < 0.5
    np.testing.assert_array_equal(cold["words_theory"], curves["words_theory"])


def test_demo_rejects_out_of_range_parameters(demo):
    with pytest.raises(ValueError, match="temperature must be between 0.85 and 1.0"):
        demo.curves(temperature=0.5)
    with pytest.raises(ValueError, match="unknown parameter 'M'"):
        demo.check(M=100)


def test_demo_live_panel_updates_in_place(demo):
    panel = demo.live()
    assert isinstance(panel, LivePanel)
    lines = dict(panel.lines)
    first_png, first_run = panel.image.value, panel.lines["run"].get_ydata().copy()
    panel.controls["seed"].value = 2
    assert panel.values["seed"] == 2 and panel.lines == lines
    assert not np.array_equal(panel.lines["run"].get_ydata(), first_run)
    assert panel.image.value != first_png and "seed 2" in panel.caption.value
    words = panel.lines["words"].get_ydata().copy()
    panel.controls["generations"].value = 30
    assert panel.ax.get_xlim() == (0, 30) and "After 30 generations" in panel.caption.value
    np.testing.assert_array_equal(panel.lines["words"].get_ydata(), words)
    panel.controls["temperature"].value = 0.9
    assert not np.array_equal(panel.lines["words"].get_ydata(), words)
    assert "T = 0.9" in panel.caption.value


def test_a_cutoff_that_keeps_no_probability_is_refused():
    """Training on categories that never occur has no distribution: a clear error, not NaN."""
    probs = [0.0, 0.0, 0.5, 0.5]
    with pytest.raises(ValueError, match="cutoff must keep some probability"):
        memorisation_error(probs, [10], cutoff=2)
    assert np.isfinite(memorisation_error(probs, [10], cutoff=3)).all()
