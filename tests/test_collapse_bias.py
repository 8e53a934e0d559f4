"""Feedback loops that amplify the majority: simulations against their theory, and the checks."""

import math

import numpy as np
import pytest
import scipy.stats
from _stats import assert_within

from peakdata.collapse.bias import (
    TABULATED_SAMPLES,
    ClassifierChain,
    TemperatureChain,
    _InverseTransform,
    classifier_chain,
    classifier_critical_real_fraction,
    classifier_fixed_point,
    classifier_map,
    classifier_path,
    classifier_scores,
    critical_real_fraction,
    normal_cdf,
    reproductions,
    sharpen,
    temperature_chain,
    temperature_exact,
    temperature_fixed_point,
    temperature_map,
    temperature_path,
)
from peakdata.demos import LivePanel
from peakdata.demos._base import grid_rows
from peakdata.demos.bias import TemperatureBiasDemo


def assert_proportion(events: np.ndarray, probability: float) -> None:
    """The number of events is plausible for a binomial with this probability (exact test)."""
    events = np.asarray(events, dtype=bool)
    k, n = int(events.sum()), events.size
    probability = float(np.clip(probability, 0.0, 1.0))
    if probability in (0.0, 1.0):
        assert k == n * probability
        return
    assert scipy.stats.binomtest(k, n, probability).pvalue > 1e-5, (k / n, probability)


# -- loop 1: sampling at temperature T ----------------------------------------------------------
@pytest.mark.parametrize(
    ("x0", "temperature", "alpha", "samples", "generations"),
    [
        (0.3, 0.8, 0.0, 100, 12),
        (0.3, 0.8, 0.2, 100, 30),
        (0.2, 0.6, 0.4, 50, 20),
        (0.1, 0.9, 0.1, 200, 25),
        (0.3, 1.0, 0.0, 40, 30),
        (0.3, 1.3, 0.0, 60, 15),
    ],
)
def test_temperature_chain_matches_the_exact_markov_chain(
    x0, temperature, alpha, samples, generations
):
    chain = temperature_chain(
        x0, generations, samples, temperature=temperature, real_fraction=alpha, seeds=20_000, rng=7
    )
    exact = temperature_exact(
        x0, generations, samples, temperature=temperature, real_fraction=alpha
    )
    x = chain.shares[:, :, 0]
    for n in (1, generations // 2, generations):
        assert_within(x[:, n], exact["mean"][n])
        assert_proportion(x[:, n] == 0, exact["lost"][n])
        assert x[:, n].std() == pytest.approx(exact["sd"][n], rel=0.05, abs=1e-3)
    # one step from generation 0 is the map itself, exactly in expectation
    expected_first = temperature_map([x0, 1 - x0], x0, temperature=temperature, real_fraction=alpha)
    assert exact["mean"][1] == pytest.approx(expected_first[0], abs=1e-12)


def test_exact_chain_at_temperature_one_is_wright_fisher():
    # T = 1 and no real data: neutral drift. E[x_n] = x0, Var = x0(1 - x0)(1 - (1 - 1/M)^n),
    # and the minority is lost for good with probability 1 - x0 (SCIENCE.md A5)
    m, x0 = 20, 0.3
    exact = temperature_exact(x0, 400, m, temperature=1.0)
    n = np.arange(401)
    np.testing.assert_allclose(exact["mean"], x0, atol=1e-10)
    np.testing.assert_allclose(exact["sd"] ** 2, x0 * (1 - x0) * (1 - (1 - 1 / m) ** n), atol=1e-10)
    assert exact["lost"][-1] == pytest.approx(1 - x0, abs=1e-6)
    np.testing.assert_allclose(exact["distribution"][1:].sum(axis=1), 1.0)


def test_exact_chain_edge_cases():
    # all real data: every generation is a fresh binomial sample of the real shares
    exact = temperature_exact(0.3, 3, 10, temperature=0.5, real_fraction=1.0)
    np.testing.assert_allclose(exact["mean"], 0.3)
    np.testing.assert_allclose(exact["distribution"][3], scipy.stats.binom.pmf(range(11), 10, 0.3))
    assert temperature_exact(0.3, 0, 10, temperature=0.5)["mean"].tolist() == [0.3]


def test_without_real_data_the_map_is_solved_by_sharpening():
    # log-ratios are multiplied by 1/T each generation: p_n = sharpen(p0, T^n)
    for p0, temperature in ((0.3, 0.8), ([0.2, 0.3, 0.5], 0.7), ([0.1, 0.6, 0.3], 1.4)):
        path = temperature_path(p0, 12, temperature=temperature)
        shares = np.array([p0, 1 - p0]) if np.isscalar(p0) else np.array(p0)
        for n in range(13):
            np.testing.assert_allclose(path[n], sharpen(shares, temperature**n), atol=1e-12)
    logit = np.log(path[:, 0] / path[:, 1])  # not the same groups: just the last setting
    np.testing.assert_allclose(np.diff(logit), logit[:-1] * (1 / 1.4 - 1), atol=1e-9)


def test_sharpen_behaves():
    np.testing.assert_allclose(sharpen([0.3, 0.7], 1.0), [0.3, 0.7])
    assert sharpen([0.3, 0.7], 0.5)[0] == pytest.approx(0.09 / 0.58)
    np.testing.assert_allclose(sharpen([0.3, 0.7], 1e-3), [0.0, 1.0], atol=1e-300)
    np.testing.assert_allclose(sharpen([[0.5, 0.5], [0.0, 1.0]], 0.3), [[0.5, 0.5], [0.0, 1.0]])


@pytest.mark.parametrize(
    ("p0", "temperature", "alpha"),
    [
        (0.3, 0.8, 0.0),
        (0.3, 0.8, 0.1),
        (0.3, 0.8, 0.3),
        (0.1, 0.5, 0.05),
        (0.4, 0.95, 0.02),
        (0.3, 1.0, 0.2),
        (0.3, 1.5, 0.0),
        (0.3, 1.5, 0.5),
        (0.7, 0.8, 0.2),
        ([0.2, 0.3, 0.5], 0.8, 0.2),
        ([0.05, 0.15, 0.8], 0.6, 0.1),
    ],
)
def test_fixed_point_is_where_the_path_settles(p0, temperature, alpha):
    limit = temperature_fixed_point(p0, temperature=temperature, real_fraction=alpha)
    step = temperature_map(limit, p0, temperature=temperature, real_fraction=alpha)
    np.testing.assert_allclose(step, limit, atol=1e-9)
    path = temperature_path(p0, 3000, temperature=temperature, real_fraction=alpha)
    np.testing.assert_allclose(path[-1], limit, atol=1e-6)
    shares = np.array([p0, 1 - p0]) if np.isscalar(p0) else np.array(p0)
    assert np.all(limit >= alpha * shares - 1e-12)  # real data keeps every group alive


def test_fixed_point_special_cases():
    np.testing.assert_allclose(
        temperature_fixed_point(0.3, temperature=0.8, real_fraction=0), [0, 1]
    )
    np.testing.assert_allclose(
        temperature_fixed_point(0.3, temperature=0.8, real_fraction=1), [0.3, 0.7]
    )
    np.testing.assert_allclose(
        temperature_fixed_point(0.3, temperature=1.0, real_fraction=0), [0.3, 0.7]
    )
    np.testing.assert_allclose(
        temperature_fixed_point(0.3, temperature=1.5, real_fraction=0), [0.5, 0.5], atol=1e-12
    )
    with pytest.raises(RuntimeError, match="did not settle"):
        temperature_fixed_point(
            [0.2, 0.3, 0.5], temperature=0.99, real_fraction=0.0, max_generations=3
        )


@pytest.mark.parametrize("temperature", [0.5, 0.7, 0.8, 0.9])
@pytest.mark.parametrize("threshold", [0.02, 0.1, 0.2, 0.29])
def test_critical_real_fraction_is_the_least_that_keeps_the_threshold(temperature, threshold):
    alpha = critical_real_fraction(0.3, threshold, temperature=temperature)
    assert 0 < alpha < 1
    at = temperature_fixed_point(0.3, temperature=temperature, real_fraction=alpha)[0]
    below = temperature_fixed_point(0.3, temperature=temperature, real_fraction=alpha - 1e-4)[0]
    assert at == pytest.approx(threshold, abs=1e-9)
    assert below < threshold
    # the closed form h(threshold) = (x - s(x)) / (x0 - s(x)) at x = threshold
    s = sharpen([threshold, 1 - threshold], temperature)[0]
    assert alpha == pytest.approx((threshold - s) / (0.3 - s), abs=1e-12)


def test_critical_real_fraction_special_cases():
    assert critical_real_fraction(0.3, 0.1, temperature=1.0) == 0.0  # no preference: no need
    assert critical_real_fraction(0.3, 0.1, temperature=1.2) == 0.0
    assert critical_real_fraction([0.3, 0.7], 0.3, temperature=0.8) == 1.0
    assert critical_real_fraction([0.7, 0.3], 0.1, temperature=0.8) == pytest.approx(
        critical_real_fraction(0.3, 0.1, temperature=0.8)
    )


@pytest.mark.parametrize(("temperature", "alpha"), [(0.8, 0.2), (0.6, 0.3), (0.9, 0.05)])
def test_long_runs_with_many_samples_settle_at_the_fixed_point(temperature, alpha):
    chain = temperature_chain(
        0.3, 40, 5_000, temperature=temperature, real_fraction=alpha, seeds=400, rng=11
    )
    limit = temperature_fixed_point(0.3, temperature=temperature, real_fraction=alpha)[0]
    assert_within(chain.minority[:, 40], limit)


def test_temperature_chain_with_three_groups_follows_the_map_one_step():
    p0 = np.array([0.2, 0.3, 0.5])
    chain = temperature_chain(p0, 1, 50, temperature=0.7, real_fraction=0.2, seeds=20_000, rng=2)
    expected = temperature_map(p0, p0, temperature=0.7, real_fraction=0.2)
    for g in range(3):
        assert_within(chain.shares[:, 1, g], expected[g])
    np.testing.assert_allclose(chain.shares.sum(axis=2), 1.0)
    assert chain.minority.shape == (20_000, 2) and chain.generations == 1


def test_temperature_chain_shapes_rounding_and_determinism():
    chain = temperature_chain(0.3, 5, 30, temperature=0.8, real_fraction=0.25, seeds=4, rng=5)
    assert isinstance(chain, TemperatureChain)
    assert chain.shares.shape == (4, 6, 2) and chain.real_samples == 8  # round(7.5) = 8
    assert chain.real_fraction == pytest.approx(8 / 30)
    np.testing.assert_allclose(chain.shares[:, 0], [[0.3, 0.7]] * 4)
    counts = chain.shares[:, 1:] * 30
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)
    again = temperature_chain(0.3, 5, 30, temperature=0.8, real_fraction=0.25, seeds=4, rng=5)
    np.testing.assert_array_equal(chain.shares, again.shares)
    other = temperature_chain(0.3, 5, 30, temperature=0.8, real_fraction=0.25, seeds=4, rng=6)
    assert not np.array_equal(chain.shares, other.shares)
    generator = np.random.default_rng(5)
    np.testing.assert_array_equal(
        temperature_chain(
            0.3, 5, 30, temperature=0.8, real_fraction=0.25, seeds=4, rng=generator
        ).shares,
        chain.shares,
    )
    # with all the data real, the model never sees itself
    real = temperature_chain(0.3, 3, 10, temperature=0.1, real_fraction=1.0, seeds=3, rng=1)
    assert real.real_samples == 10


def test_vectorised_temperature_chain_matches_a_per_seed_loop():
    """Same uniforms, each seed's next count found by inversion of scipy's binomial pmfs."""
    seeds, samples, real, temperature, x0 = 5, 40, 10, 0.7, 0.3
    chain = temperature_chain(
        x0, 6, samples, temperature=temperature, real_fraction=0.25, seeds=seeds, rng=3
    )
    rng = np.random.default_rng(3)
    x = np.full(seeds, x0)
    for n in range(1, 7):
        u = rng.random(seeds)
        for s in range(seeds):
            w = x[s] ** (1 / temperature)
            written = w / (w + (1 - x[s]) ** (1 / temperature))
            synthetic = scipy.stats.binom.pmf(range(samples - real + 1), samples - real, written)
            fresh = scipy.stats.binom.pmf(range(real + 1), real, x0)
            cdf = np.cumsum(np.convolve(synthetic, fresh))
            x[s] = np.searchsorted(cdf, u[s], side="right") / samples
        np.testing.assert_allclose(chain.shares[:, n, 0], x)


@pytest.mark.parametrize(("temperature", "alpha"), [(0.8, 0.0), (0.7, 0.3)])
def test_large_samples_use_binomial_draws_and_still_match_the_exact_chain(temperature, alpha):
    samples = TABULATED_SAMPLES + 500
    chain = temperature_chain(
        0.3, 8, samples, temperature=temperature, real_fraction=alpha, seeds=20_000, rng=4
    )
    exact = temperature_exact(0.3, 8, samples, temperature=temperature, real_fraction=alpha)
    for n in (1, 4, 8):
        assert_within(chain.minority[:, n], exact["mean"][n])
        assert chain.minority[:, n].std() == pytest.approx(exact["sd"][n], rel=0.05)


def test_inverse_transform_draws_each_row_with_its_probabilities():
    probs = np.array([[0.5, 0.5, 0.0, 0.0], [0.0, 0.1, 0.2, 0.7], [1e-12, 0.0, 1 - 2e-12, 1e-12]])
    sampler = _InverseTransform(probs)
    rng = np.random.default_rng(0)
    for row in range(3):
        draws = sampler.draw(np.full(100_000, row), rng.random(100_000))
        counts = np.bincount(draws, minlength=4)
        assert np.all(counts[probs[row] == 0] == 0)  # impossible counts never appear
        if row < 2:
            keep = probs[row] > 0
            test = scipy.stats.chisquare(counts[keep], probs[row][keep] * draws.size)
            assert test.pvalue > 1e-5
    assert counts[2] == 100_000  # the other outcomes have probability 1e-12
    # the edges of the uniform's range
    np.testing.assert_array_equal(sampler.draw(np.array([0, 1, 2]), np.zeros(3)), [0, 1, 0])
    np.testing.assert_array_equal(
        sampler.draw(np.array([0, 1, 2]), np.full(3, np.nextafter(1.0, 0.0))), [1, 3, 3]
    )


# -- loop 2: a classifier labelling its own training set ----------------------------------------
def test_normal_cdf_matches_scipy():
    z = np.array([-40.0, -8.5, -1.0, 0.0, 0.3, 2.0, 9.0, np.inf, -np.inf])
    np.testing.assert_allclose(normal_cdf(z), scipy.stats.norm.cdf(z), rtol=1e-13, atol=0)
    assert normal_cdf(-1.5) == pytest.approx(scipy.stats.norm.cdf(-1.5), rel=1e-14)
    assert isinstance(normal_cdf(0.2), float)


@pytest.mark.parametrize(
    ("prior", "mean0", "mean1"),
    [(0.6, -0.5, 0.5), (0.8, -1.2, 0.3), (0.3, 0.4, -0.6), (0.6, 0.2, 0.2), (0.4, 0.2, 0.2)],
)
def test_scores_match_numerical_integration(prior, mean0, mean1):
    true_prior, separation = 0.65, 1.3
    mu = (-separation / 2, separation / 2)
    x = np.linspace(-12, 12, 400_001)
    score = (mean1 - mean0) * (x - (mean0 + mean1) / 2) + math.log(prior / (1 - prior))
    label = (score > 0) | ((score == 0) & (prior >= 0.5))
    dens = [scipy.stats.norm.pdf(x, m) for m in mu]
    recall1 = np.trapezoid(dens[1] * label, x)
    recall0 = np.trapezoid(dens[0] * ~label, x)
    scores = classifier_scores(prior, mean0, mean1, true_prior=true_prior, separation=separation)
    assert scores["recall1"] == pytest.approx(recall1, abs=1e-4)
    assert scores["recall0"] == pytest.approx(recall0, abs=1e-4)
    assert scores["accuracy"] == pytest.approx(
        true_prior * recall1 + (1 - true_prior) * recall0, abs=1e-4
    )
    # the map's next mean of class 1 is E[x | label 1] over the real mixture
    new_prior, new0, new1 = classifier_map(
        prior, mean0, mean1, true_prior=true_prior, separation=separation
    )
    mixture = (1 - true_prior) * dens[0] + true_prior * dens[1]
    rate = np.trapezoid(mixture * label, x)
    assert new_prior == pytest.approx(rate, abs=1e-4)
    if 0 < rate < 1:
        assert new1 == pytest.approx(np.trapezoid(x * mixture * label, x) / rate, abs=1e-3)
        assert new0 == pytest.approx(np.trapezoid(x * mixture * ~label, x) / (1 - rate), abs=1e-3)


def test_bayes_rule_over_labels_the_majority():
    # the true model's Bayes rule sends the overlap to the majority: P(label 1) > true prior
    for true_prior, separation in ((0.6, 1.0), (0.7, 2.0), (0.55, 0.5)):
        rate = classifier_scores(
            true_prior,
            -separation / 2,
            separation / 2,
            true_prior=true_prior,
            separation=separation,
        )["label_rate"]
        assert rate > true_prior
        minority = classifier_scores(
            1 - true_prior,
            -separation / 2,
            separation / 2,
            true_prior=1 - true_prior,
            separation=separation,
        )["label_rate"]
        assert minority == pytest.approx(1 - rate)  # symmetric


@pytest.mark.parametrize(
    ("true_prior", "separation", "alpha", "samples", "generations"),
    [
        (0.6, 1.0, 0.0, 200, 10),
        (0.6, 1.0, 0.3, 200, 15),
        (0.7, 2.0, 0.1, 100, 10),
        (0.4, 1.5, 0.2, 50, 10),
        (0.55, 0.5, 0.5, 30, 8),
    ],
)
def test_expected_prior_is_exact_at_every_generation(
    true_prior, separation, alpha, samples, generations
):
    chain = classifier_chain(
        true_prior,
        generations,
        samples,
        separation=separation,
        real_fraction=alpha,
        seeds=6_000,
        rng=17,
    )
    expected = chain.expected_prior()
    assert np.all(np.isnan(expected[:, 0]))
    for n in range(1, generations + 1):
        gap = chain.prior[:, n] - expected[:, n]
        if np.ptp(gap) > 0:
            assert_within(gap, 0.0)
    # generation 1 starts from the true model: its expectation is one closed-form number
    first = classifier_map(
        true_prior,
        -separation / 2,
        separation / 2,
        true_prior=true_prior,
        separation=separation,
        real_fraction=chain.real_fraction,
    )[0]
    np.testing.assert_allclose(expected[:, 1], first)
    assert_within(chain.prior[:, 1], float(first))


@pytest.mark.parametrize(("alpha", "separation"), [(0.0, 1.0), (0.5, 1.0), (0.2, 2.0)])
def test_large_batches_follow_the_deterministic_path(alpha, separation):
    chain = classifier_chain(
        0.6, 6, 20_000, separation=separation, real_fraction=alpha, seeds=100, rng=23
    )
    path = classifier_path(0.6, 6, separation=separation, real_fraction=alpha)
    for n in (1, 3, 6):
        assert_within(chain.prior[:, n], path["prior"][n], z=5)
        assert chain.mean0[:, n].mean() == pytest.approx(path["mean0"][n], abs=0.02)
        assert chain.mean1[:, n].mean() == pytest.approx(path["mean1"][n], abs=0.02)


def test_path_amplifies_and_real_data_anchors():
    free = classifier_path(0.6, 60, separation=1.0)
    assert np.all(np.diff(free["prior"][:30]) > 0) and free["prior"][-1] > 0.999
    assert free["accuracy"][-1] == pytest.approx(0.6, abs=1e-3)  # always says "majority"
    assert free["recall0"][-1] < 1e-3
    anchored = classifier_path(0.6, 60, separation=1.0, real_fraction=1.0)
    np.testing.assert_allclose(anchored["prior"], 0.6)
    np.testing.assert_allclose(anchored["mean1"], 0.5)


def test_classifier_fixed_point_and_critical_real_fraction():
    alphas = np.linspace(0.05, 1.0, 20)
    priors = [classifier_fixed_point(0.6, separation=1.0, real_fraction=a)["prior"] for a in alphas]
    assert np.all(np.diff(priors) < 1e-9)  # more real data, less bias
    point = classifier_fixed_point(0.6, separation=1.0, real_fraction=0.5)
    step = classifier_map(
        point["prior"],
        point["mean0"],
        point["mean1"],
        true_prior=0.6,
        separation=1.0,
        real_fraction=0.5,
    )
    np.testing.assert_allclose(step, (point["prior"], point["mean0"], point["mean1"]), atol=1e-9)
    assert classifier_fixed_point(0.6, separation=1.0, real_fraction=0.0)["prior"] > 0.999
    alpha = classifier_critical_real_fraction(0.6, 0.05, separation=1.0)
    at = classifier_fixed_point(0.6, separation=1.0, real_fraction=alpha)["prior"]
    before = classifier_fixed_point(0.6, separation=1.0, real_fraction=alpha - 1e-4)["prior"]
    assert at - 0.6 <= 0.05 < before - 0.6
    # better separated classes need less real data
    assert classifier_critical_real_fraction(0.6, 0.05, separation=3.0) < alpha
    assert classifier_critical_real_fraction(0.6, 0.5, separation=1.0) == 0.0


def test_classifier_chain_shapes_and_determinism():
    chain = classifier_chain(0.6, 4, 25, separation=1.5, real_fraction=0.3, seeds=3, rng=8)
    assert isinstance(chain, ClassifierChain)
    assert chain.prior.shape == chain.mean0.shape == chain.mean1.shape == (3, 5)
    assert chain.generations == 4 and chain.real_samples == 8  # round(7.5) = 8
    assert np.all(chain.prior[:, 0] == 0.6) and np.all(chain.mean1[:, 0] == 0.75)
    np.testing.assert_allclose(chain.prior * 25, np.round(chain.prior * 25), atol=1e-9)
    again = classifier_chain(0.6, 4, 25, separation=1.5, real_fraction=0.3, seeds=3, rng=8)
    np.testing.assert_array_equal(chain.prior, again.prior)
    np.testing.assert_array_equal(chain.mean0, again.mean0)
    other = classifier_chain(0.6, 4, 25, separation=1.5, real_fraction=0.3, seeds=3, rng=9)
    assert not np.array_equal(chain.mean0, other.mean0)
    scores = chain.scores()
    assert scores["accuracy"].shape == (3, 5)
    # no fresh real labels and a model that says "class 1" everywhere: it stays there
    stuck = classifier_chain(0.6, 30, 5, separation=0.2, seeds=50, rng=1)
    assert np.all(np.isfinite(stuck.mean0)) and np.all(np.isfinite(stuck.mean1))


def test_vectorised_classifier_chain_matches_a_per_seed_loop():
    """Same random draws, each seed's labels and fits computed on its own."""
    seeds, samples, real, true_prior, separation = 4, 30, 6, 0.6, 1.0
    half = separation / 2
    chain = classifier_chain(
        true_prior, 5, samples, separation=separation, real_fraction=0.2, seeds=seeds, rng=12
    )
    rng = np.random.default_rng(12)
    prior, m0, m1 = [true_prior] * seeds, [-half] * seeds, [half] * seeds
    for n in range(1, 6):
        ones_real = rng.binomial(real, true_prior, size=seeds)
        z1, z0 = rng.standard_normal(seeds), rng.standard_normal(seeds)
        class1 = rng.binomial(samples - real, true_prior, size=seeds)
        z = rng.standard_normal((seeds, samples - real), dtype=np.float32)
        for s in range(seeds):
            sum1 = ones_real[s] * half + math.sqrt(ones_real[s]) * z1[s]
            sum0 = -(real - ones_real[s]) * half + math.sqrt(real - ones_real[s]) * z0[s]
            ones = ones_real[s]
            for i in range(samples - real):
                x = float(z[s, i]) + (half if i < class1[s] else -half)
                t = (m0[s] + m1[s]) / 2 - math.log(prior[s] / (1 - prior[s])) / (m1[s] - m0[s])
                if x > np.float32(t):
                    ones, sum1 = ones + 1, sum1 + x
                else:
                    sum0 += x
            prior[s], m1[s], m0[s] = ones / samples, sum1 / ones, sum0 / (samples - ones)
        np.testing.assert_allclose(chain.prior[:, n], prior)
        np.testing.assert_allclose(chain.mean1[:, n], m1, rtol=1e-5)
        np.testing.assert_allclose(chain.mean0[:, n], m0, rtol=1e-5)


# -- argument checks ----------------------------------------------------------------------------
TEMPERATURE_BAD = [
    ({"p0": 0.0}, ValueError, "p0 must be > 0 and < 1"),
    ({"p0": 1.0}, ValueError, "p0 must be > 0 and < 1"),
    ({"p0": [0.5, 0.6]}, ValueError, "p0 must sum to 1"),
    ({"p0": [0.0, 1.0]}, ValueError, r"p0 must hold shares > 0 and < 1"),
    ({"p0": [1.0]}, ValueError, "p0 must hold at least 2 shares"),
    ({"p0": "half"}, TypeError, "p0 must be a share in"),
    ({"p0": True}, TypeError, "p0 must be"),
    ({"temperature": 0.0}, ValueError, "temperature must be > 0"),
    ({"temperature": float("nan")}, ValueError, "temperature must be > 0"),
    ({"real_fraction": -0.1}, ValueError, "real_fraction must be >= 0 and <= 1"),
    ({"real_fraction": 1.5}, ValueError, "real_fraction must be >= 0 and <= 1"),
    ({"generations": -1}, ValueError, "generations must be >= 0"),
    ({"samples": 0}, ValueError, "samples must be >= 1"),
    ({"samples": 2.5}, TypeError, "samples must be an integer"),
    ({"seeds": 0}, ValueError, "seeds must be >= 1"),
    ({"rng": -1}, ValueError, "rng must be >= 0"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), TEMPERATURE_BAD)
def test_temperature_bad_arguments_are_named(kwargs, error, message):
    args = {"p0": 0.3, "generations": 3, "samples": 10, "temperature": 0.8, **kwargs}
    with pytest.raises(error, match=message):
        temperature_chain(**args)
    if set(kwargs) <= {"p0", "generations", "samples", "temperature", "real_fraction"}:
        with pytest.raises(error, match=message):
            temperature_exact(**args)
    if set(kwargs) <= {"p0", "generations", "temperature", "real_fraction"}:
        args.pop("samples")
        with pytest.raises(error, match=message):
            temperature_path(**args)


def test_other_temperature_functions_check_their_arguments():
    with pytest.raises(ValueError, match="temperature must be > 0"):
        sharpen([0.3, 0.7], -1)
    with pytest.raises(ValueError, match="shares must sum to 1"):
        sharpen([0.3, 0.6], 0.8)
    with pytest.raises(ValueError, match="shares must be >= 0 and <= 1"):
        sharpen([-0.3, 1.3], 0.8)
    with pytest.raises(ValueError, match="shares must have 2 groups"):
        temperature_map([0.2, 0.3, 0.5], 0.3, temperature=0.8, real_fraction=0.1)
    with pytest.raises(ValueError, match="real_fraction must be >= 0 and <= 1"):
        temperature_fixed_point(0.3, temperature=0.8, real_fraction=2)
    with pytest.raises(ValueError, match="threshold must be > 0 and <= the minority share 0.3"):
        critical_real_fraction(0.3, 0.4, temperature=0.8)
    with pytest.raises(ValueError, match="threshold must be > 0"):
        critical_real_fraction(0.3, 0.0, temperature=0.8)
    with pytest.raises(ValueError, match="p0 must hold 2 shares"):
        critical_real_fraction([0.2, 0.3, 0.5], 0.1, temperature=0.8)
    with pytest.raises(ValueError, match="p0 must hold 2 shares"):
        temperature_exact([0.2, 0.3, 0.5], 3, 10, temperature=0.8)


CLASSIFIER_BAD = [
    ({"true_prior": 0.0}, ValueError, "true_prior must be > 0 and < 1"),
    ({"true_prior": 1.2}, ValueError, "true_prior must be > 0 and < 1"),
    ({"true_prior": "0.6"}, TypeError, "true_prior must be a real number"),
    ({"separation": 0.0}, ValueError, "separation must be > 0"),
    ({"separation": float("inf")}, ValueError, "separation must be > 0"),
    ({"real_fraction": -0.5}, ValueError, "real_fraction must be >= 0 and <= 1"),
    ({"generations": -2}, ValueError, "generations must be >= 0"),
    ({"samples": 0}, ValueError, "samples must be >= 1"),
    ({"seeds": 0}, ValueError, "seeds must be >= 1"),
    ({"rng": "seed"}, TypeError, "rng must be an integer"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), CLASSIFIER_BAD)
def test_classifier_bad_arguments_are_named(kwargs, error, message):
    args = {"true_prior": 0.6, "generations": 3, "samples": 10, **kwargs}
    with pytest.raises(error, match=message):
        classifier_chain(**args)
    if set(kwargs) <= {"true_prior", "generations", "separation", "real_fraction"}:
        args.pop("samples")
        with pytest.raises(error, match=message):
            classifier_path(**args)


def test_other_classifier_functions_check_their_arguments():
    with pytest.raises(ValueError, match="prior must be >= 0 and <= 1"):
        classifier_map(1.5, -0.5, 0.5, true_prior=0.6, separation=1.0)
    with pytest.raises(ValueError, match="mean1 must be finite"):
        classifier_scores(0.6, -0.5, np.nan, true_prior=0.6, separation=1.0)
    with pytest.raises(ValueError, match="real_fraction must be >= 0 and <= 1"):
        classifier_fixed_point(0.6, separation=1.0, real_fraction=-1)
    with pytest.raises(ValueError, match="max_bias must be > 0"):
        classifier_critical_real_fraction(0.6, 0.0, separation=1.0)
    with pytest.raises(ValueError, match="separation must be > 0"):
        classifier_critical_real_fraction(0.6, 0.1, separation=-1.0)


def test_reproductions_pass():
    rows = reproductions()
    assert len(rows) >= 6 and all(r.passed for r in rows), [r for r in rows if not r.passed]
    assert {r.source for r in rows} <= {
        "alemohammad2024mad",
        "bertrand2024stability",
        "taori2023data",
        "celeux1992classification",
    }


# -- the demo -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo():
    return TemperatureBiasDemo()


@pytest.fixture(scope="module")
def explorable(demo):
    return demo.explorable()


def test_demo_curves_follow_the_theory(demo):
    curves = demo.curves(temperature=0.8, real_fraction=0.2, minority=0.3, seed=0)
    assert {s.key for s in demo.series} <= set(curves)  # plus the other panels' data
    for y in (curves[s.key] for s in demo.series):
        assert y.shape == demo.x.shape and y[0] == pytest.approx(0.3)
    path = temperature_path(0.3, int(demo.x_param.max), temperature=0.8, real_fraction=0.2)
    np.testing.assert_allclose(curves["map"], path[:, 0])
    exact = temperature_exact(0.3, int(demo.x_param.max), 100, temperature=0.8, real_fraction=0.2)
    np.testing.assert_allclose(curves["mean"], exact["mean"], atol=0.015)  # 200 runs


def test_demo_live_panel_updates_in_place(demo):
    panel = demo.live()
    assert isinstance(panel, LivePanel)
    lines = dict(panel.lines)
    first_png, first_map = panel.image.value, panel.lines["map"].get_ydata().copy()
    panel.controls["real_fraction"].value = 0.2  # as a reader moving the slider
    assert panel.values["real_fraction"] == 0.2
    assert panel.lines == lines  # same artists, new data
    assert not np.array_equal(panel.lines["map"].get_ydata(), first_map)
    assert panel.image.value != first_png
    assert "20% real data" in panel.caption.value
    mean_before = panel.lines["mean"].get_ydata().copy()
    panel.controls["seed"].value = 2  # only the single run changes
    np.testing.assert_array_equal(panel.lines["mean"].get_ydata(), mean_before)
    assert "seed 2" in panel.caption.value
    panel.controls["generations"].value = 10
    assert panel.ax.get_xlim() == (0, 10)
    assert "after 10 generations" in panel.caption.value
    with pytest.raises(ValueError, match="temperature"):
        panel.set(temperature=0.85)


def test_demo_grid_rows_carry_the_live_numbers(demo, explorable):
    rows = grid_rows(demo)["lines"]
    row = next(
        r
        for r in rows
        if r["series"] == demo.series[2].label
        and r["temperature"] == 0.6
        and r["real_fraction"] == 0.1
        and r["minority"] == 0.2
    )
    live = demo.curves(temperature=0.6, real_fraction=0.1, minority=0.2, seed=0)["map"]
    np.testing.assert_allclose(np.array(row["y"], dtype=float), live, rtol=5e-3, atol=1e-12)
