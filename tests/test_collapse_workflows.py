"""Replace, accumulate, subsample and real data in the Gaussian loop (SCIENCE.md A2), and the
chapter's demo."""

import math

import numpy as np
import pytest
from _stats import assert_within

from peakdata.collapse.gaussian import (
    ESTIMATORS,
    WORKFLOWS,
    _choose,
    _workflow_chain,
    accumulate_variance,
    accumulate_variance_limit,
    gaussian_chain,
    gaussian_chain_theory,
    gaussian_workflow_theory,
    real_count,
    reproductions,
)
from peakdata.demos import LivePanel
from peakdata.demos._base import grid_rows
from peakdata.demos.workflows import WorkflowsDemo

SEEDS = 20_000


def legacy_chain(generations, samples, estimator, seeds, rng, mu0, sigma0):
    """The Gaussian loop as the first chapter shipped it (the defaults must not change)."""
    gen = np.random.default_rng(rng)
    ddof = 0 if estimator == "mle" else 1
    mu = np.empty((seeds, generations + 1))
    sigma = np.empty((seeds, generations + 1))
    mu[:, 0], sigma[:, 0] = mu0, sigma0
    for n in range(1, generations + 1):
        x = mu[:, n - 1, None] + sigma[:, n - 1, None] * gen.standard_normal((seeds, samples))
        mu[:, n] = x.mean(axis=1)
        sigma[:, n] = x.std(axis=1, ddof=ddof)
    return mu, sigma


def loop_chain(generations, samples, workflow, real, estimator, seeds, rng):
    """One seed at a time, with the data kept as a plain list: the same random draws as the
    vectorised simulation, the workflow written out the obvious way (1-D, mu0=0, sigma0=1)."""
    gen = np.random.default_rng(rng)
    ddof = 0 if estimator == "mle" else 1
    mu = np.zeros((seeds, generations + 1))
    sigma = np.ones((seeds, generations + 1))
    pools = [[] for _ in range(seeds)]
    for n in range(1, generations + 1):
        z = gen.standard_normal((seeds, samples, 1))[..., 0]
        subsample = workflow == "accumulate-subsample" and n > 1
        pick = _choose(gen, n * samples, samples, seeds) if subsample else None
        for s in range(seeds):
            batch = [
                z[s, i] if i < real else mu[s, n - 1] + sigma[s, n - 1] * z[s, i]
                for i in range(samples)
            ]
            pools[s].extend(batch)
            if workflow == "replace":
                train = batch
            elif workflow == "accumulate":
                train = pools[s]
            else:
                train = pools[s] if pick is None else [pools[s][i] for i in pick[s]]
            mu[s, n] = np.mean(train)
            sigma[s, n] = np.std(train, ddof=ddof)
    return mu, sigma


# -- the defaults are the first chapter's loop, bit for bit ----------------------------------


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("rng", [0, 1, 2024])
def test_defaults_are_bit_identical_to_the_first_chapter(estimator, rng):
    chain = gaussian_chain(40, 20, estimator=estimator, seeds=30, rng=rng, mu0=0.3, sigma0=1.7)
    mu, sigma = legacy_chain(40, 20, estimator, 30, rng, 0.3, 1.7)
    np.testing.assert_array_equal(chain.mu, mu)
    np.testing.assert_array_equal(chain.sigma, sigma)
    assert chain.workflow == "replace" and chain.real_fraction == 0.0 and chain.dim == 1
    np.testing.assert_array_equal(chain.cov[..., 0, 0], sigma**2)


def test_general_path_draws_the_same_numbers_as_the_default_loop():
    mu, cov = _workflow_chain(25, 8, 0, "replace", 0.0, 40, np.random.default_rng(6), 0.0, 1.0, 1)
    ref_mu, ref_sigma = legacy_chain(25, 8, "mle", 40, 6, 0.0, 1.0)
    np.testing.assert_allclose(mu[..., 0], ref_mu, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.sqrt(cov[..., 0, 0]), ref_sigma, rtol=1e-9)


@pytest.mark.parametrize("workflow", WORKFLOWS)
@pytest.mark.parametrize(("real_fraction", "estimator"), [(0.0, "mle"), (0.4, "unbiased")])
def test_vectorised_runs_match_a_per_seed_loop(workflow, real_fraction, estimator):
    real = real_count(6, real_fraction)
    chain = gaussian_chain(
        7, 6, workflow=workflow, real_fraction=real_fraction, estimator=estimator, seeds=5, rng=3
    )
    if workflow == "replace" and real == 0:
        mu, sigma = legacy_chain(7, 6, estimator, 5, 3, 0.0, 1.0)
    else:
        mu, sigma = loop_chain(7, 6, workflow, real, estimator, 5, 3)
    np.testing.assert_allclose(chain.mu, mu, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(chain.sigma, sigma, rtol=1e-9, atol=1e-12)


# -- closed forms ---------------------------------------------------------------------------

SETTINGS = [
    ("replace", "mle", 0.0, 10, 1),
    ("replace", "unbiased", 0.25, 8, 1),
    ("replace", "mle", 0.5, 20, 3),
    ("accumulate", "mle", 0.0, 10, 1),
    ("accumulate", "unbiased", 0.0, 5, 1),
    ("accumulate", "mle", 0.2, 10, 2),
    ("accumulate-subsample", "mle", 0.0, 10, 1),
    ("accumulate-subsample", "unbiased", 0.3, 10, 1),
    ("accumulate-subsample", "mle", 0.0, 6, 3),
]


@pytest.mark.parametrize(("workflow", "estimator", "real_fraction", "samples", "dim"), SETTINGS)
def test_workflow_theory_matches_simulation(workflow, estimator, real_fraction, samples, dim):
    chain = gaussian_chain(
        20,
        samples,
        workflow=workflow,
        estimator=estimator,
        real_fraction=real_fraction,
        dim=dim,
        seeds=SEEDS,
        rng=11,
    )
    theory = gaussian_workflow_theory(
        20, samples, workflow=workflow, estimator=estimator, real_fraction=real_fraction, dim=dim
    )
    for n in (1, 2, 5, 20):
        assert_within(chain.variance()[:, n], theory["mean_var"][n])
        assert_within(chain.sq_mu_error()[:, n], theory["mean_sq_mu_error"][n])


def test_workflow_theory_scales_with_sigma0_and_dim():
    base = gaussian_workflow_theory(15, 7, workflow="accumulate-subsample", real_fraction=0.3)
    other = gaussian_workflow_theory(
        15, 7, workflow="accumulate-subsample", real_fraction=0.3, sigma0=2.0, dim=4
    )
    np.testing.assert_allclose(other["mean_var"], 4 * base["mean_var"])
    np.testing.assert_allclose(other["mean_sq_mu_error"], 16 * base["mean_sq_mu_error"])


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("samples", [3, 10, 50])
def test_replace_theory_is_the_first_chapters(estimator, samples):
    new = gaussian_workflow_theory(30, samples, estimator=estimator)
    old = gaussian_chain_theory(30, samples, estimator=estimator)
    np.testing.assert_allclose(new["mean_var"], old["mean_var"], rtol=1e-9)
    np.testing.assert_allclose(new["mean_sq_mu_error"], old["mean_sq_mu_error"], atol=1e-12)


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("samples", [2, 5, 10, 100])
def test_accumulate_product_formula_is_the_recursion(estimator, samples):
    recursion = gaussian_workflow_theory(40, samples, estimator=estimator, workflow="accumulate")
    np.testing.assert_allclose(
        accumulate_variance(40, samples, estimator=estimator), recursion["mean_var"], rtol=1e-12
    )
    if estimator == "mle":
        # E[(mu_n - mu)^2] = sum_k E[var_{k-1}] / (M k^2) < (pi^2/6) sigma^2 / M
        var = accumulate_variance(40, samples)
        k = np.arange(1, 41)
        expected = np.concatenate(([0.0], np.cumsum(var[:-1] / (samples * k**2))))
        np.testing.assert_allclose(recursion["mean_sq_mu_error"], expected, rtol=1e-12)
        assert expected[-1] < math.pi**2 / 6 / samples


@pytest.mark.parametrize("samples", [2, 4, 10, 50])
def test_accumulate_variance_tends_to_the_sine_limit(samples):
    var = accumulate_variance(20_000, samples)
    limit = accumulate_variance_limit(samples)
    assert var[-1] == pytest.approx(limit, rel=1e-4)
    assert np.all(np.diff(var) < 0) and var[-1] > limit  # it falls, and never below the limit
    assert accumulate_variance_limit(samples, sigma0=3.0) == pytest.approx(9 * limit)


@pytest.mark.parametrize(("samples", "generations"), [(5, 30), (20, 60)])
def test_accumulate_product_formula_by_monte_carlo(samples, generations):
    chain = gaussian_chain(generations, samples, workflow="accumulate", seeds=SEEDS, rng=21)
    var = accumulate_variance(generations, samples)
    for n in (1, 3, generations):
        assert_within(chain.sigma[:, n] ** 2, var[n])


def test_replace_collapses_and_accumulate_does_not():
    replace = gaussian_workflow_theory(200, 10, workflow="replace")["mean_var"]
    accumulate = gaussian_workflow_theory(200, 10, workflow="accumulate")["mean_var"]
    subsample = gaussian_workflow_theory(200, 10, workflow="accumulate-subsample")["mean_var"]
    assert replace[-1] < 1e-8 and accumulate[-1] > accumulate_variance_limit(10)
    assert np.all(replace[2:] < subsample[2:]) and np.all(subsample[2:] < accumulate[2:])
    # fresh real data stops the collapse under replace too: a fixed point above zero
    mixed = gaussian_workflow_theory(400, 10, workflow="replace", real_fraction=0.2)["mean_var"]
    assert mixed[-1] == pytest.approx(mixed[-2], rel=1e-9) and mixed[-1] > 0.5


def test_all_real_data_is_a_fresh_fit_every_generation():
    theory = gaussian_workflow_theory(10, 8, workflow="replace", real_fraction=1.0)
    np.testing.assert_allclose(theory["mean_var"][1:], 7 / 8)
    np.testing.assert_allclose(theory["mean_sq_mu_error"][1:], 1 / 8)
    acc = gaussian_workflow_theory(10, 8, workflow="accumulate", real_fraction=1.0)
    n = np.arange(1, 11)
    np.testing.assert_allclose(acc["mean_var"][1:], (8 * n - 1) / (8 * n))  # all n M points real
    np.testing.assert_allclose(acc["mean_sq_mu_error"][1:], 1 / (8 * n))


def test_workflows_share_generation_one():
    chains = [gaussian_chain(3, 9, workflow=w, seeds=4, rng=8) for w in WORKFLOWS]
    for chain in chains[1:]:
        np.testing.assert_allclose(chain.mu[:, :2], chains[0].mu[:, :2], rtol=1e-12)
        np.testing.assert_allclose(chain.sigma[:, :2], chains[0].sigma[:, :2], rtol=1e-12)


# -- several dimensions ---------------------------------------------------------------------


def test_dim_above_one_returns_means_and_covariances():
    chain = gaussian_chain(6, 5, workflow="accumulate", dim=3, seeds=4, rng=2, mu0=1.0, sigma0=2.0)
    assert chain.mu.shape == (4, 7, 3) and chain.cov.shape == (4, 7, 3, 3) and chain.sigma is None
    assert chain.generations == 6
    np.testing.assert_array_equal(chain.mu[:, 0], 1.0)
    assert np.all(chain.cov[:, 0] == 4.0 * np.eye(3))
    np.testing.assert_allclose(chain.cov, np.swapaxes(chain.cov, -1, -2))
    assert np.all(np.linalg.eigvalsh(chain.cov) > -1e-12)
    assert chain.variance().shape == chain.sq_mu_error().shape == chain.w2_squared().shape == (4, 7)
    np.testing.assert_allclose(chain.w2_squared()[:, 0], 0.0, atol=1e-12)
    assert np.all(chain.w2_squared()[:, 1:] > 0)


def test_w2_in_one_dimension_agrees_with_the_general_formula():
    chain = gaussian_chain(5, 6, workflow="accumulate", seeds=3, rng=4, sigma0=1.5)
    root_trace = np.sqrt(chain.cov[..., 0, 0])
    general = chain.sq_mu_error() + chain.cov[..., 0, 0] + 1.5**2 - 2 * 1.5 * root_trace
    np.testing.assert_allclose(chain.w2_squared(), general)


def test_fewer_samples_than_dimensions_stays_finite():
    chain = gaussian_chain(5, 3, dim=6, seeds=3, rng=1)  # rank-deficient covariances
    assert np.all(np.isfinite(chain.cov)) and np.all(np.isfinite(chain.w2_squared()))
    assert np.linalg.matrix_rank(chain.cov[0, 1]) <= 2


def test_determinism():
    kwargs = {"workflow": "accumulate-subsample", "real_fraction": 0.25, "dim": 2, "seeds": 3}
    a = gaussian_chain(6, 8, rng=5, **kwargs)
    b = gaussian_chain(6, 8, rng=np.random.default_rng(5), **kwargs)
    c = gaussian_chain(6, 8, rng=6, **kwargs)
    np.testing.assert_array_equal(a.cov, b.cov)
    assert not np.array_equal(a.cov, c.cov)


def test_real_count_rounds_halves_up():
    assert real_count(10, 0.25) == 3 and real_count(10, 0.24) == 2 and real_count(10, 0.0) == 0
    assert real_count(7, 1.0) == 7 and real_count(30, 0.1) == 3


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"samples": 1}, ValueError, "samples must be >= 2"),
        ({"workflow": "mix"}, ValueError, "workflow must be one of 'replace', 'accumulate'"),
        ({"real_fraction": -0.1}, ValueError, r"real_fraction must be >= 0.0 and <= 1.0"),
        ({"real_fraction": 1.5}, ValueError, r"real_fraction must be >= 0.0 and <= 1.0"),
        ({"real_fraction": float("nan")}, ValueError, "real_fraction"),
        ({"real_fraction": "half"}, TypeError, "real_fraction must be a real number"),
        ({"dim": 0}, ValueError, "dim must be >= 1"),
        ({"dim": 2.0}, TypeError, "dim must be an integer"),
        ({"estimator": "median"}, ValueError, "estimator must be one of"),
        ({"sigma0": -1.0}, ValueError, "sigma0 must be > 0"),
        ({"generations": -1}, ValueError, "generations must be >= 0"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, message):
    args = {"generations": 3, "samples": 5, **kwargs}
    with pytest.raises(error, match=message):
        gaussian_chain(**args)
    with pytest.raises(error, match=message):
        gaussian_workflow_theory(**args)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: accumulate_variance(5, 1), "samples must be >= 2"),
        (lambda: accumulate_variance(-1, 5), "generations must be >= 0"),
        (lambda: accumulate_variance(5, 5, estimator="x"), "estimator must be one of"),
        (lambda: accumulate_variance_limit(1), "samples must be >= 2"),
        (lambda: real_count(5, 2.0), "real_fraction must be"),
    ],
)
def test_bad_arguments_of_the_closed_forms(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_reproductions_pass():
    rows = reproductions()
    assert len(rows) == 8 and all(r.passed for r in rows)
    assert sum(r.source == "gerstgrasser2024collapse" for r in rows) == 3


# -- the chapter's demo ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    return WorkflowsDemo()


@pytest.fixture(scope="module")
def explorable(demo):
    return demo.explorable()


def test_demo_curves_follow_the_closed_forms(demo):
    for workflow in ("replace", "accumulate"):
        curves = demo.curves(workflow=workflow, real_fraction=0.0, samples=40, dim=4)
        assert {s.key for s in demo.series} <= set(curves)  # plus the other panels' data
        ratio = (curves["run"] / curves[workflow])[1:]  # generation 0 is not drawn (NaN)
        assert np.all(np.abs(ratio - 1) < 0.2), ratio  # 200 runs: within Monte Carlo error
    real = demo.curves(workflow="replace", real_fraction=0.5, samples=40, dim=4)
    assert real["run"][-1] < 0.2 * real["replace"][-1]  # real labels stop the linear growth


def test_demo_live_panel_updates_in_place(demo):
    panel = demo.live()
    assert isinstance(panel, LivePanel)
    lines = dict(panel.lines)
    for name, value in [
        ("workflow", "accumulate"),
        ("real_fraction", 0.3),
        ("samples", 60),
        ("dim", 7),
    ]:
        before_png, before = panel.image.value, panel.lines["run"].get_ydata().copy()
        panel.controls[name].value = value  # as a reader moving the control
        assert panel.values[name] == value
        assert panel.lines == lines  # same artists, new data
        assert not np.array_equal(panel.lines["run"].get_ydata(), before)
        assert panel.image.value != before_png
    assert "d = 7" in panel.caption.value and "30% real labels" in panel.caption.value
    panel.controls["generations"].value = 10
    assert panel.ax.get_xlim() == (0, 10) and "Generation 10" in panel.caption.value
    with pytest.raises(ValueError, match="dim must be between 1 and 10"):
        panel.set(dim=2)


def test_demo_grid_rows_carry_the_live_numbers(demo, explorable):
    rows = grid_rows(demo)["lines"]
    sizes = {p.name: len(p.values()) for p in demo.params}
    expected = sum(int(np.prod([sizes[d] for d in s.depends_on])) for s in demo.series)
    assert len(rows) == expected
    row = next(
        r
        for r in rows
        if r["series"] == demo.series[0].label
        and r["workflow"] == "accumulate-subsample"
        and r["real_fraction"] == 0.2
        and r["samples"] == 20
        and r["dim"] == 10
    )
    live = demo.curves(workflow="accumulate-subsample", real_fraction=0.2, samples=20, dim=10)
    np.testing.assert_allclose(np.array(row["y"], dtype=float), live["run"], rtol=5e-3)
