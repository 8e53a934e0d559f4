"""What prevents collapse: the verified Gaussian loop and the remedies, against closed forms."""

import math

import numpy as np
import pytest
from _stats import assert_within

from peakdata.collapse.gaussian import gaussian_chain, gaussian_workflow_theory
from peakdata.living.prevent import (
    acceptance_rate,
    accepted_gaussian,
    critical_share,
    crossing_generation,
    fresh_real_theory,
    mitigation_map,
    prevent_chain,
    verified_centre_theory,
    verified_theory,
    verify,
)


def test_rejection_sampling_gives_the_closed_form():
    """The literal verifier on many candidates: kept share, mean and spread match."""
    rng = np.random.default_rng(1)
    x = rng.normal(0.3, 1.2, 400_000)
    kept = verify(x, centre=1.0, width=0.8, rng=2)
    mu, sigma = accepted_gaussian(0.3, 1.2, centre=1.0, width=0.8)
    assert_within(kept.astype(float), float(acceptance_rate(0.3, 1.2, centre=1.0, width=0.8)))
    assert_within(x[kept], float(mu))
    assert_within((x[kept] - mu) ** 2, float(sigma) ** 2)
    # precision adds: 1/sigma'^2 = 1/sigma^2 + 1/s^2
    assert 1 / sigma**2 == pytest.approx(1 / 1.2**2 + 1 / 0.8**2)


def test_without_a_verifier_it_is_part_threes_loop():
    for workflow in ("replace", "accumulate"):
        ours = prevent_chain(8, 10, real_fraction=0.2, workflow=workflow, seeds=5, rng=3)
        theirs = gaussian_chain(8, 10, real_fraction=0.2, workflow=workflow, seeds=5, rng=3)
        np.testing.assert_array_equal(ours.mu, theirs.mu)
        np.testing.assert_array_equal(ours.sigma, theirs.sigma)
        assert np.all(np.isnan(ours.acceptance))


def test_a_very_lenient_verifier_changes_nothing():
    ours = prevent_chain(6, 10, real_fraction=0.3, width=1e7, seeds=4, rng=5)
    theirs = prevent_chain(6, 10, real_fraction=0.3, seeds=4, rng=5)
    np.testing.assert_allclose(ours.mu, theirs.mu, atol=1e-9)
    np.testing.assert_allclose(ours.sigma, theirs.sigma, rtol=1e-9)
    assert np.all(ours.acceptance[:, 2:] > 0.999999)


@pytest.mark.parametrize(("samples", "centre", "width"), [(20, 0.5, 1.0), (12, -1.0, 3.0)])
def test_verified_loop_follows_its_exact_expectations(samples, centre, width):
    chain = prevent_chain(12, samples, centre=centre, width=width, seeds=20_000, rng=7)
    theory = verified_theory(12, samples, centre=centre, width=width)
    var = chain.variance()
    for n in (1, 2, 5, 12):
        assert_within(1 / var[:, n], theory["mean_precision"][n])
        assert_within(chain.mu[:, n] / var[:, n], theory["mean_natural_mean"][n])
    assert np.all(chain.acceptance[:, 2:] > 0) and np.all(np.isnan(chain.acceptance[:, :2]))


def test_the_map_goes_to_the_verifiers_centre():
    th = verified_theory(200, 20, centre=0.7, width=2.0)
    n = np.arange(1, 201)
    np.testing.assert_allclose(th["map_var"][1:], 1 / (1 + (n - 1) / 4.0))
    assert th["map_mu"][200] == pytest.approx(0.7, abs=0.02) and th["map_var"][200] < 0.02
    m = mitigation_map(200, centre=0.7, width=2.0)
    np.testing.assert_allclose(m["mu"], th["map_mu"], atol=1e-12)
    np.testing.assert_allclose(m["var"], th["map_var"], rtol=1e-12)
    # in other units: shift and scale
    th2 = verified_theory(10, 20, centre=3 + 2 * 0.7, width=2 * 2.0, mu0=3.0, sigma0=2.0)
    th1 = verified_theory(10, 20, centre=0.7, width=2.0)
    np.testing.assert_allclose(th2["mean_precision"], th1["mean_precision"])
    np.testing.assert_allclose(th2["map_mu"], 3 + 2 * th1["map_mu"])
    np.testing.assert_allclose(th2["map_var"], 4 * th1["map_var"])


@pytest.mark.parametrize("workflow", ["replace", "accumulate"])
def test_map_is_the_limit_of_many_samples(workflow):
    """With M = 4,000 samples per generation the simulation sits on the map, up to the
    maximum-likelihood shrinkage of about n/M (allowed for in the tolerance)."""
    kw = {"real_fraction": 0.2, "workflow": workflow, "centre": 0.5, "width": 1.0}
    chain = prevent_chain(10, 4_000, seeds=300, rng=4, **kw)
    m = mitigation_map(10, **kw)
    for n in (2, 5, 10):
        mean, var = chain.mu[:, n], chain.variance()[:, n]
        assert abs(mean.mean() - m["mu"][n]) < 4 * mean.std() / np.sqrt(300) + 1e-3
        assert abs(var.mean() - m["var"][n]) < 4 * var.std() / np.sqrt(300) + n / 4_000


def test_map_without_verifier_stands_still():
    m = mitigation_map(20, real_fraction=0.3, workflow="accumulate")
    np.testing.assert_allclose(m["mu"], 0.0)
    np.testing.assert_allclose(m["var"], 1.0)


@pytest.mark.parametrize("samples", [3, 10, 20, 41])
@pytest.mark.parametrize("share", [0.0, 0.05, 0.1, 0.3, 0.5, 1.0])
def test_fresh_real_closed_form_equals_the_recursion(samples, share):
    ours = fresh_real_theory(60, samples, real_fraction=share, sigma0=1.5)
    theirs = gaussian_workflow_theory(60, samples, real_fraction=share, sigma0=1.5)
    for key in ("mean_var", "mean_sq_mu_error"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-11, atol=1e-14)


def test_fresh_real_closed_form_against_simulation():
    chain = gaussian_chain(40, 20, real_fraction=0.1, seeds=10_000, rng=11)
    theory = fresh_real_theory(40, 20, real_fraction=0.1)
    for n in (1, 5, 40):
        assert_within(chain.variance()[:, n], theory["mean_var"][n])
        assert_within(chain.sq_mu_error()[:, n], theory["mean_sq_mu_error"][n])


def test_critical_share_and_the_number_of_real_samples():
    for m in (10, 20, 30, 100):
        f_c = critical_share(m, 0.8)
        r = math.ceil(f_c * m - 1e-12)
        long_run = fresh_real_theory(2_000, m, real_fraction=r / m)["mean_var"][-1]
        below = fresh_real_theory(2_000, m, real_fraction=(r - 1) / m)["mean_var"][-1]
        assert long_run >= 0.8 > below
        assert r == 3  # the count of real samples, not their share, sets the level
    assert math.ceil(critical_share(20, 0.5) * 20) == 1 and critical_share(
        10, 0.9
    ) == pytest.approx(0.9)


def test_phase_boundary_against_simulation():
    """Between floor(n*) and ceil(n*) the simulated mean variance crosses the level."""
    level = 0.8
    for share in (0.0, 0.05, 0.1):
        n_star = crossing_generation(20, share, level)
        assert math.isfinite(n_star)
        chain = gaussian_chain(math.ceil(n_star), 20, real_fraction=share, seeds=20_000, rng=13)
        var = chain.variance()
        before, after = var[:, math.floor(n_star)], var[:, math.ceil(n_star)]
        se = lambda v: v.std() / np.sqrt(v.size)  # noqa: E731
        assert before.mean() > level - 4 * se(before)
        assert after.mean() < level + 4 * se(after)
        exact = fresh_real_theory(math.ceil(n_star), 20, real_fraction=share)["mean_var"]
        assert exact[math.floor(n_star)] >= level >= exact[math.ceil(n_star)]
    assert crossing_generation(20, 0.15, level) == math.inf
    assert crossing_generation(20, 0.0, level) == pytest.approx(math.log(0.8) / math.log(0.95))


def test_accumulate_with_a_verifier_keeps_more_than_replace():
    kw = {"centre": 0.0, "width": 1.0, "seeds": 2_000, "rng": 2}
    rep = prevent_chain(20, 20, real_fraction=0.2, **kw).variance()[:, 20].mean()
    acc = prevent_chain(20, 20, real_fraction=0.2, workflow="accumulate", **kw).variance()[:, 20]
    assert acc.mean() > rep


@pytest.mark.parametrize(("centre", "width"), [(0.0, None), (0.0, 3.0), (0.2, 1.0), (-1.0, 0.5)])
def test_loop_of_answers_follows_its_exact_expectations(centre, width):
    """fit_spread=False: the spread stays sigma0 and the centre follows the closed form."""
    chain = prevent_chain(
        15, 20, centre=centre, width=width, fit_spread=False, seeds=20_000, rng=8, sigma0=2.0
    )
    theory = verified_centre_theory(15, 20, centre=centre, width=width, sigma0=2.0)
    assert np.all(chain.sigma == 2.0)
    assert not chain.fit_spread
    for n in (1, 2, 3, 8, 15):
        assert_within(chain.mu[:, n], theory["mean_mu"][n])
        assert_within(chain.sq_mu_error()[:, n], theory["mean_sq_mu_error"][n])


def test_loop_of_answers_closed_form():
    """Without a verifier the error grows as n sigma0^2/M; with one it tends to the limit."""
    none = verified_centre_theory(50, 10, sigma0=3.0)
    np.testing.assert_allclose(none["mean_sq_mu_error"], 9.0 * np.arange(51) / 10)
    assert none["limit_sq_mu_error"] == math.inf
    for c, s in ((0.0, 1.0), (0.7, 3.0), (-0.4, 0.3)):
        th = verified_centre_theory(400, 20, centre=c, width=s, mu0=0.1)
        k = s * s / (s * s + 1.0)
        limit = (c - 0.1) ** 2 + k / (20 * (1 - k * k))
        assert th["limit_sq_mu_error"] == pytest.approx(limit)
        assert th["mean_sq_mu_error"][-1] == pytest.approx(limit)
        assert th["mean_mu"][-1] == pytest.approx(c)
        # model 2, the fit to model 1's verified answers (see the chapter's exercise)
        e2 = (k * k + k) / 20 + (1 - k) ** 2 * (c - 0.1) ** 2
        assert th["mean_sq_mu_error"][2] == pytest.approx(e2)
    # a centred verifier beats model 1 in the long run exactly when k < (sqrt(5) - 1) / 2
    k_max = (math.sqrt(5) - 1) / 2
    s_max = math.sqrt(k_max / (1 - k_max))
    for s, beats in ((0.99 * s_max, True), (1.01 * s_max, False)):
        th = verified_centre_theory(5, 20, centre=0.0, width=s)
        assert (th["limit_sq_mu_error"] < 1 / 20) is beats


def test_loop_of_answers_with_real_data_and_accumulate():
    """fit_spread=False also runs with fresh real data and accumulation (sigma stays sigma0)."""
    for workflow in ("replace", "accumulate"):
        for width in (None, 1.0):
            chain = prevent_chain(
                6,
                10,
                real_fraction=0.3,
                workflow=workflow,
                width=width,
                fit_spread=False,
                seeds=4,
                rng=5,
                sigma0=1.5,
            )
            assert np.all(chain.sigma == 1.5)
            assert np.all(np.isfinite(chain.mu))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: prevent_chain(-1, 10), ValueError, "generations must be >= 0"),
        (lambda: prevent_chain(5, 1), ValueError, "samples must be >= 2"),
        (lambda: prevent_chain(5, 10, real_fraction=1.5), ValueError, "real_fraction"),
        (lambda: prevent_chain(5, 10, workflow="accumulate-subsample"), ValueError, "workflow"),
        (lambda: prevent_chain(5, 10, width=0.0), ValueError, "width"),
        (lambda: prevent_chain(5, 10, centre=math.nan), ValueError, "centre"),
        (lambda: prevent_chain(10**9, 10**9, seeds=10**6), ValueError, "must be <="),
        (lambda: verified_theory(5, 3, centre=0.0, width=1.0), ValueError, "samples must be >= 4"),
        (lambda: accepted_gaussian(0.0, -1.0, centre=0.0, width=1.0), ValueError, "sigma"),
        (lambda: acceptance_rate("a", 1.0, centre=0.0, width=1.0), TypeError, "mu"),
        (lambda: verify([0.0, math.inf], centre=0.0, width=1.0), ValueError, "candidates"),
        (lambda: critical_share(20, 0.96), ValueError, "level"),
        (lambda: crossing_generation(20, 0.1, 0.0), ValueError, "level"),
        (lambda: mitigation_map(5, width=-1.0), ValueError, "width"),
        (lambda: prevent_chain(5, 10, fit_spread="no"), TypeError, "fit_spread"),
        (lambda: verified_centre_theory(5, 1), ValueError, "samples must be >= 2"),
        (lambda: verified_centre_theory(5, 10, width=0.0), ValueError, "width"),
    ],
)
def test_bad_input_is_refused_by_name(call, error, match):
    with pytest.raises(error, match=match):
        call()
