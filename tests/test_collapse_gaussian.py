"""The Gaussian loop against its closed forms (SCIENCE.md A1), and its argument checks."""

import numpy as np
import pytest
import scipy.special
from _stats import assert_within

from peakdata.collapse import gaussian_chain, gaussian_chain_theory
from peakdata.collapse.gaussian import _digamma

SETTINGS = [
    (5, "mle", 10),
    (20, "mle", 30),
    (50, "mle", 60),
    (5, "unbiased", 10),
    (20, "unbiased", 30),
    (50, "unbiased", 60),
]
SEEDS = 20_000


@pytest.mark.parametrize(("samples", "estimator", "generations"), SETTINGS)
def test_closed_forms_match_simulation(samples, estimator, generations):
    chain = gaussian_chain(generations, samples, estimator=estimator, seeds=SEEDS, rng=3)
    theory = gaussian_chain_theory(generations, samples, estimator=estimator)
    for n in (1, generations // 3, generations):
        assert_within(chain.sigma[:, n], theory["mean_sigma"][n])
        assert_within(np.log(chain.sigma[:, n]), np.log(theory["typical_sigma"][n]))
        assert_within((chain.mu[:, n] - 0.0) ** 2, theory["mean_sq_mu_error"][n])
    # variance and W2 are heavy-tailed at large n: check them where the tails are still light
    for n in (1, 2, 5):
        assert_within(chain.sigma[:, n] ** 2, theory["mean_var"][n])
        assert_within(chain.w2_squared()[:, n], theory["mean_w2_sq"][n])


def test_closed_forms_have_the_published_shape():
    unbiased = gaussian_chain_theory(200, 20, estimator="unbiased")
    mle = gaussian_chain_theory(200, 20, estimator="mle")
    np.testing.assert_allclose(unbiased["mean_var"], 1.0)  # E[sigma^2] never moves...
    assert unbiased["typical_sigma"][-1] < 0.01  # ...yet the typical run collapses
    assert np.all(np.diff(unbiased["mean_w2_sq"]) > 0) and unbiased["mean_w2_sq"][-1] > 10
    np.testing.assert_allclose(mle["mean_var"], (19 / 20) ** np.arange(201))
    assert mle["mean_w2_sq"][-1] == pytest.approx(2.0, abs=1e-3)  # MLE: E[W2^2] -> 2 sigma^2
    # E[ln sigma^2] ~ -n/(M-1) for the unbiased fit
    assert 2 * np.log(unbiased["typical_sigma"][100]) == pytest.approx(-100 / 19, rel=0.05)


def test_closed_forms_scale_with_sigma0():
    base = gaussian_chain_theory(10, 8, estimator="unbiased")
    scaled = gaussian_chain_theory(10, 8, estimator="unbiased", sigma0=3.0)
    for key in ("mean_var", "mean_sq_mu_error", "mean_w2_sq"):
        np.testing.assert_allclose(scaled[key], 9 * base[key])
    np.testing.assert_allclose(scaled["mean_sigma"], 3 * base["mean_sigma"])


@pytest.mark.parametrize("x", [0.5, 1, 1.5, 2, 4.5, 9.5, 49.5, 100])
def test_digamma_matches_scipy(x):
    assert _digamma(x) == pytest.approx(scipy.special.digamma(x), abs=1e-12)


def test_shapes_generation_zero_and_determinism():
    chain = gaussian_chain(7, 4, seeds=3, rng=5, mu0=2.0, sigma0=0.5)
    assert chain.mu.shape == chain.sigma.shape == (3, 8)
    assert chain.generations == 7
    assert np.all(chain.mu[:, 0] == 2.0) and np.all(chain.sigma[:, 0] == 0.5)
    again = gaussian_chain(7, 4, seeds=3, rng=5, mu0=2.0, sigma0=0.5)
    np.testing.assert_array_equal(chain.sigma, again.sigma)
    other = gaussian_chain(7, 4, seeds=3, rng=6, mu0=2.0, sigma0=0.5)
    assert not np.array_equal(chain.sigma, other.sigma)
    generator = np.random.default_rng(5)
    np.testing.assert_array_equal(
        gaussian_chain(7, 4, seeds=3, rng=generator, mu0=2.0, sigma0=0.5).sigma, chain.sigma
    )


def test_zero_generations_is_the_real_distribution():
    chain = gaussian_chain(0, 10, seeds=2)
    assert chain.sigma.shape == (2, 1) and np.all(chain.w2_squared() == 0)


def test_estimators_differ_by_the_expected_factor():
    # same draws, divisor M vs M - 1: the first fitted sigma differs by sqrt((M-1)/M)
    mle = gaussian_chain(1, 10, estimator="mle", seeds=5, rng=9)
    unbiased = gaussian_chain(1, 10, estimator="unbiased", seeds=5, rng=9)
    np.testing.assert_allclose(mle.sigma[:, 1], unbiased.sigma[:, 1] * np.sqrt(9 / 10))


def test_vectorised_runs_match_one_seed_loop():
    """The library's loop is the ten-line loop of the chapter, for every seed at once."""
    rng = np.random.default_rng(4)
    mu, sigma = np.zeros(3), np.ones(3)
    for _ in range(5):
        x = mu[:, None] + sigma[:, None] * rng.standard_normal((3, 6))
        mu, sigma = x.mean(axis=1), x.std(axis=1)
    chain = gaussian_chain(5, 6, seeds=3, rng=4)
    np.testing.assert_allclose(chain.sigma[:, -1], sigma)
    np.testing.assert_allclose(chain.mu[:, -1], mu)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"samples": 1}, ValueError, "samples must be >= 2"),
        ({"generations": -1}, ValueError, "generations must be >= 0"),
        ({"seeds": 0}, ValueError, "seeds must be >= 1"),
        ({"estimator": "median"}, ValueError, "estimator must be one of 'mle', 'unbiased'"),
        ({"sigma0": 0.0}, ValueError, "sigma0 must be > 0"),
        ({"sigma0": float("nan")}, ValueError, "sigma0"),
        ({"mu0": float("inf")}, ValueError, "mu0 must be finite"),
        ({"samples": 2.5}, TypeError, "samples must be an integer"),
        ({"generations": True}, TypeError, "generations must be an integer"),
        ({"rng": -1}, ValueError, "rng must be >= 0"),
        ({"rng": "seed"}, TypeError, "rng must be an integer"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, message):
    args = {"generations": 3, "samples": 5, **kwargs}
    with pytest.raises(error, match=message):
        gaussian_chain(**args)
    if set(kwargs) <= {"generations", "samples", "estimator", "sigma0"}:
        with pytest.raises(error, match=message):
            gaussian_chain_theory(**args)
