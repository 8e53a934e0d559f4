"""The Gaussian loop anchored by a fixed real set: simulation against its closed form."""

import numpy as np
import pytest
from _stats import assert_within

from peakdata.collapse import fixed_real_chain, fixed_real_limit, fixed_real_theory
from peakdata.collapse.fixed_real import synthetic_count


def loop(generations, n, ratio, seeds, rng):
    """The loop written out per seed, the reference for the vectorised version."""
    gen = np.random.default_rng(rng)
    real = gen.standard_normal((seeds, n))
    k = synthetic_count(n, ratio)
    mu = np.empty((seeds, generations + 1))
    for s in range(seeds):
        mu[s, 0], mu[s, 1] = 0.0, real[s].mean()
    for t in range(2, generations + 1):
        synth = mu[:, t - 1, None] + gen.standard_normal((seeds, k))
        mu[:, t] = np.concatenate([real, synth], axis=1).mean(axis=1)
    return mu


def test_matches_the_loop_written_out():
    chain = fixed_real_chain(6, 8, 0.5, seeds=3, rng=4)
    np.testing.assert_allclose(chain.mu, loop(6, 8, 0.5, 3, 4))
    assert chain.mu.shape == chain.sigma.shape == (3, 7)
    assert np.all(chain.sigma == 1.0) and chain.synthetic_samples == 4 and chain.ratio == 0.5


@pytest.mark.parametrize(("n", "ratio"), [(20, 1.0), (10, 2.0), (40, 0.25)])
def test_error_to_the_real_set_follows_the_closed_form(n, ratio):
    chain = fixed_real_chain(40, n, ratio, seeds=20_000, rng=7)
    theory = fixed_real_theory(40, n, ratio)
    for t in (2, 5, 40):
        assert_within(chain.sq_error_to_real_set()[:, t], theory["sq_error_to_real_set"][t])
        assert_within(chain.sq_error()[:, t], theory["sq_error"][t])
    lam = synthetic_count(n, ratio) / n
    assert fixed_real_limit(n, ratio) == pytest.approx(lam / (n * (1 + 2 * lam)))
    assert theory["sq_error_to_real_set"][40] == pytest.approx(fixed_real_limit(n, ratio))


def test_never_better_than_the_real_set_alone():
    theory = fixed_real_theory(50, 20, 1.0)
    assert np.all(theory["sq_error"][1:] >= 1 / 20)
    chain = fixed_real_chain(50, 20, 1.0, fit_variance=True, seeds=2_000, rng=3)
    assert 0.85 < np.mean(chain.sigma[:, 50] ** 2) < 1.0  # the variance stays bounded


def test_no_synthetic_data_keeps_the_first_fit():
    chain = fixed_real_chain(5, 10, 0.0, seeds=4, rng=1)
    np.testing.assert_array_equal(chain.mu[:, 5], chain.real_mean)
    assert fixed_real_limit(10, 0.0) == 0.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"generations": 0}, ValueError, "generations must be >= 1"),
        ({"real_samples": 1}, ValueError, "real_samples must be >= 2"),
        ({"ratio": -0.5}, ValueError, "ratio must be >= 0"),
        ({"ratio": "one"}, TypeError, "ratio must be a real number"),
        ({"sigma0": 0.0}, ValueError, "sigma0 must be > 0"),
        ({"fit_variance": 1}, TypeError, "fit_variance must be True or False"),
        ({"seeds": 0}, ValueError, "seeds must be >= 1"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, match):
    args = {"generations": 3, "real_samples": 10, "ratio": 1.0, **kwargs}
    with pytest.raises(error, match=match):
        fixed_real_chain(**args)


def test_huge_or_extreme_input_is_refused_before_any_work():
    with pytest.raises(ValueError, match="generations must be <="):
        fixed_real_chain(10**12, 10, 1.0)
    with pytest.raises(ValueError, match="sigma0 must be"):
        fixed_real_chain(3, 10, 1.0, sigma0=1e160)
    with pytest.raises(ValueError, match="mu0 must be"):
        fixed_real_chain(3, 10, 1.0, mu0=1e300)
    with pytest.raises(ValueError, match="ratio must be"):
        fixed_real_chain(3, 10, 1e300)
