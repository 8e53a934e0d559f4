"""Linear regression on its own labels against its closed forms (SCIENCE.md A2, A3)."""

import math

import numpy as np
import pytest
from _stats import assert_within

from peakdata.collapse import regression
from peakdata.collapse.gaussian import WORKFLOWS, _choose
from peakdata.collapse.regression import (
    RegressionChain,
    accumulate_error_limit,
    linear_regression_chain,
    linear_regression_theory,
    ols_error,
    reproductions,
)

SEEDS = 20_000


def loop_chain(generations, t, d, workflow, reuse_design, real, seeds, rng, noise=1.0):
    """One seed at a time with the data kept explicitly and ``numpy.linalg.lstsq`` on all of
    it: the same random draws as the vectorised simulation, none of its shortcuts."""
    gen = np.random.default_rng(rng)
    x0 = gen.standard_normal((seeds, t, d))
    w_star = gen.standard_normal((seeds, d)) / math.sqrt(d)
    draws = [(x0, gen.standard_normal((seeds, t)), None)]
    for n in range(1, generations + 1):
        x = x0 if reuse_design else gen.standard_normal((seeds, t, d))
        eps = gen.standard_normal((seeds, t))
        pick = _choose(gen, (n + 1) * t, t, seeds) if workflow == "accumulate-subsample" else None
        draws.append((x, eps, pick))
    error = np.empty((seeds, generations + 1))
    for s in range(seeds):
        xs, ys = [], []
        w = w_star[s]
        for n, (x, eps, pick) in enumerate(draws):
            target = x[s] @ w
            target[:real] = x[s, :real] @ w_star[s]
            y = (x[s] @ w_star[s] if n == 0 else target) + noise * eps[s]
            xs.append(x[s])
            ys.append(y)
            if workflow == "replace" or n == 0:
                design, labels = x[s], y
            elif workflow == "accumulate":
                design, labels = np.concatenate(xs), np.concatenate(ys)
            else:
                design, labels = np.concatenate(xs)[pick[s]], np.concatenate(ys)[pick[s]]
            w = np.linalg.lstsq(design, labels, rcond=None)[0]
            error[s, n] = np.sum((w - w_star[s]) ** 2)
    return error


# -- closed forms, for several settings -------------------------------------------------------

SHAPES = [(10, 2, 1.0), (20, 3, 0.5), (30, 1, 1.0), (50, 10, 2.0)]


@pytest.mark.parametrize(("samples", "dim", "noise"), SHAPES)
@pytest.mark.parametrize("workflow", ["replace", "accumulate"])
def test_closed_forms_match_simulation(samples, dim, noise, workflow):
    chain = linear_regression_chain(
        15, samples, dim, noise=noise, workflow=workflow, seeds=SEEDS, rng=7
    )
    theory = linear_regression_theory(15, samples, dim, noise=noise, workflow=workflow)
    for n in (0, 1, 5, 15):
        assert_within(chain.error[:, n], theory[n])


@pytest.mark.parametrize(("samples", "dim"), [(12, 3), (40, 8)])
def test_replace_with_fresh_inputs_has_the_same_closed_form(samples, dim):
    # Dohmatob et al.: each refit on fresh inputs adds sigma^2 d / (T - d - 1)
    chain = linear_regression_chain(10, samples, dim, reuse_design=False, seeds=SEEDS, rng=8)
    theory = linear_regression_theory(10, samples, dim)
    for n in (0, 3, 10):
        assert_within(chain.error[:, n], theory[n])


@pytest.mark.parametrize(("samples", "dim"), [(12, 3), (40, 8)])
def test_accumulate_with_fresh_inputs_comes_out_lower(samples, dim):
    chain = linear_regression_chain(
        20, samples, dim, workflow="accumulate", reuse_design=False, seeds=SEEDS, rng=9
    )
    theory = linear_regression_theory(20, samples, dim, workflow="accumulate")
    sample = chain.error[:, 20]
    se = sample.std(ddof=1) / np.sqrt(sample.size)
    assert sample.mean() < theory[20] - 3 * se
    assert_within(chain.error[:, 0], theory[0])


@pytest.mark.parametrize("reuse_design", [True, False])
@pytest.mark.parametrize(("samples", "dim"), [(20, 3), (40, 8)])
def test_subsample_lies_between_accumulate_and_replace(reuse_design, samples, dim):
    kwargs = {"seeds": 5_000, "rng": 10, "reuse_design": reuse_design}
    sub = linear_regression_chain(15, samples, dim, workflow="accumulate-subsample", **kwargs)
    acc = linear_regression_chain(15, samples, dim, workflow="accumulate", **kwargs)
    rep = linear_regression_chain(15, samples, dim, workflow="replace", **kwargs)
    means = [c.error[:, 5:].mean(axis=0) for c in (acc, sub, rep)]
    assert np.all(means[0] < means[1]) and np.all(means[1] < means[2])
    np.testing.assert_allclose(sub.error[:, 0], acc.error[:, 0])  # same fit on real data


def test_all_real_labels_is_a_fresh_fit_every_generation():
    t, d = 20, 4
    first = ols_error(t, d)
    rep = linear_regression_chain(8, t, d, real_fraction=1.0, seeds=SEEDS, rng=12)
    acc = linear_regression_chain(
        8, t, d, workflow="accumulate", real_fraction=1.0, seeds=SEEDS, rng=13
    )
    for n in (1, 4, 8):
        assert_within(rep.error[:, n], first)
        assert_within(acc.error[:, n], first / (n + 1))  # n + 1 label draws on the same X


def test_real_labels_stop_the_linear_growth():
    chain = linear_regression_chain(40, 30, 5, real_fraction=0.3, seeds=4_000, rng=14)
    mean = chain.error.mean(axis=0)
    assert mean[40] < 0.2 * linear_regression_theory(40, 30, 5)[40]
    assert abs(mean[40] - mean[30]) < 0.1 * mean[40]  # it has settled


def test_closed_forms_have_the_published_shape():
    first = ols_error(50, 10, noise=2.0)
    assert first == pytest.approx(4 * 10 / 39)
    replace = linear_regression_theory(99, 50, 10, noise=2.0)
    accumulate = linear_regression_theory(99, 50, 10, noise=2.0, workflow="accumulate")
    np.testing.assert_allclose(replace, first * np.arange(1, 101))
    np.testing.assert_allclose(np.diff(replace), first)  # linear growth
    assert accumulate[0] == replace[0] == first
    assert accumulate[1] == pytest.approx(1.25 * first)
    limit = accumulate_error_limit(50, 10, noise=2.0)
    assert limit == pytest.approx(math.pi**2 / 6 * first)
    assert np.all(accumulate < limit) and accumulate[-1] == pytest.approx(limit, rel=0.01)


# -- the vectorised simulation is the obvious loop ----------------------------------------------


@pytest.mark.parametrize("workflow", WORKFLOWS)
@pytest.mark.parametrize(
    ("reuse_design", "real_fraction"), [(True, 0.0), (True, 0.25), (False, 0.25), (True, 1.0)]
)
def test_vectorised_runs_match_a_per_seed_loop(workflow, reuse_design, real_fraction):
    t, d = 8, 3
    chain = linear_regression_chain(
        6,
        t,
        d,
        workflow=workflow,
        reuse_design=reuse_design,
        real_fraction=real_fraction,
        seeds=6,
        rng=15,
        noise=0.7,
    )
    real = round(real_fraction * t)
    loop = loop_chain(6, t, d, workflow, reuse_design, real, 6, 15, noise=0.7)
    np.testing.assert_allclose(chain.error, loop, rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("workflow", ["replace", "accumulate"])
def test_noise_drawn_in_chunks_gives_the_same_result(monkeypatch, workflow):
    whole = linear_regression_chain(9, 10, 3, workflow=workflow, real_fraction=0.3, seeds=4, rng=2)
    monkeypatch.setattr(regression, "_NOISE_CHUNK", 2 * 4 * 10)  # two generations per chunk
    chunked = linear_regression_chain(
        9, 10, 3, workflow=workflow, real_fraction=0.3, seeds=4, rng=2
    )
    np.testing.assert_allclose(chunked.error, whole.error, rtol=1e-12)


def test_rank_deficient_subsamples_get_the_least_norm_fit():
    # T = d + 2 with the inputs reused: a subsample often repeats rows, sometimes too many
    chain = linear_regression_chain(
        6, 7, 5, workflow="accumulate-subsample", seeds=400, rng=16, noise=0.5
    )
    loop = loop_chain(6, 7, 5, "accumulate-subsample", True, 0, 400, 16, noise=0.5)
    assert np.all(np.isfinite(chain.error))
    np.testing.assert_allclose(chain.error, loop, rtol=1e-6, atol=1e-10)


def test_result_shape_and_determinism():
    chain = linear_regression_chain(4, 10, 2, seeds=3, rng=5)
    assert isinstance(chain, RegressionChain)
    assert chain.error.shape == (3, 5) and chain.generations == 4
    assert chain.workflow == "replace" and chain.reuse_design and chain.real_fraction == 0.0
    again = linear_regression_chain(4, 10, 2, seeds=3, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(chain.error, again.error)
    other = linear_regression_chain(4, 10, 2, seeds=3, rng=6)
    assert not np.array_equal(chain.error, other.error)


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"samples": 1}, ValueError, "samples must be >= 2"),
        ({"samples": 5, "dim": 4}, ValueError, r"samples must be >= dim \+ 2 = 6"),
        ({"samples": 6, "dim": 5}, ValueError, r"samples must be >= dim \+ 2 = 7"),
        ({"dim": 0}, ValueError, "dim must be >= 1"),
        ({"dim": 1.5}, TypeError, "dim must be an integer"),
        ({"noise": 0.0}, ValueError, "noise must be > 0"),
        ({"noise": float("inf")}, ValueError, "noise"),
        ({"workflow": "keep"}, ValueError, "workflow must be one of 'replace'"),
        ({"generations": -1}, ValueError, "generations must be >= 0"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, message):
    args = {"generations": 3, "samples": 10, "dim": 2, **kwargs}
    with pytest.raises(error, match=message):
        linear_regression_chain(**args)
    with pytest.raises(error, match=message):
        linear_regression_theory(**args)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"real_fraction": 1.2}, ValueError, "real_fraction must be >= 0.0 and <= 1.0"),
        ({"real_fraction": -0.5}, ValueError, "real_fraction must be >= 0.0 and <= 1.0"),
        ({"reuse_design": "yes"}, TypeError, "reuse_design must be True or False"),
        ({"seeds": 0}, ValueError, "seeds must be >= 1"),
        ({"rng": -3}, ValueError, "rng must be >= 0"),
    ],
)
def test_bad_simulation_arguments_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        linear_regression_chain(3, 10, 2, **kwargs)


def test_subsample_has_no_closed_form():
    with pytest.raises(ValueError, match="'accumulate-subsample' has none"):
        linear_regression_theory(5, 10, 2, workflow="accumulate-subsample")
    with pytest.raises(ValueError, match=r"samples must be >= dim \+ 2"):
        ols_error(3, 2)
    with pytest.raises(ValueError, match=r"samples must be >= dim \+ 2"):
        accumulate_error_limit(3, 2)


def test_reproductions_pass():
    rows = reproductions()
    assert len(rows) == 4 and all(r.passed for r in rows)
    assert {r.source for r in rows} == {"gerstgrasser2024collapse", "dohmatob2024demystified"}
