"""The demo of 'What prevents collapse': remedies mixed, lines, phase diagram and readout."""

import numpy as np
import pytest

from peakdata.collapse.gaussian import gaussian_workflow_theory
from peakdata.demos import ALL_DEMOS, MAX_PAGE_DATA_GZIP, Choice, TemperatureBiasDemo
from peakdata.demos._base import grid_rows
from peakdata.demos.prevent import (
    ENSEMBLE,
    LEVEL,
    MAX_GENERATIONS,
    PHASE_SHARES,
    PreventCollapseDemo,
    boundary,
)
from peakdata.living.prevent import critical_share, mitigation_map, prevent_chain


@pytest.fixture(scope="module")
def demo():
    return PreventCollapseDemo()


def test_registered_after_the_bias_demo():
    demos = list(ALL_DEMOS)
    assert demos.index(PreventCollapseDemo) == demos.index(TemperatureBiasDemo) + 1


def test_parameters_and_ranges(demo):
    params = {p.name: p for p in demo.all_params()}
    assert set(params) == {
        "workflow",
        "verifier",
        "offset",
        "real_fraction",
        "samples",
        "generations",
    }
    assert isinstance(params["verifier"], Choice)
    assert params["verifier"].values() == ["none", "lenient", "strict"]
    assert all(
        any(abs(f - s) < 1e-9 for s in PHASE_SHARES) for f in params["real_fraction"].values()
    )
    with pytest.raises(ValueError, match="samples must be between 10 and 30"):
        demo.curves(samples=15)


def test_curves_come_from_the_library(demo):
    curves = demo.curves(
        workflow="accumulate", verifier="strict", offset=0.5, real_fraction=0.2, samples=20
    )
    chain = prevent_chain(
        MAX_GENERATIONS,
        20,
        real_fraction=0.2,
        workflow="accumulate",
        centre=0.5,
        width=1.0,
        seeds=ENSEMBLE,
        rng=2024,
    )
    np.testing.assert_allclose(curves["var"], chain.variance().mean(axis=0))
    np.testing.assert_allclose(curves["err"], chain.sq_mu_error().mean(axis=0))
    m = mitigation_map(
        MAX_GENERATIONS, real_fraction=0.2, workflow="accumulate", centre=0.5, width=1.0
    )
    np.testing.assert_allclose(curves["var_map"], m["var"])
    exact = gaussian_workflow_theory(MAX_GENERATIONS, 20, workflow="accumulate", real_fraction=0.2)
    np.testing.assert_allclose(curves["var_exact"], exact["mean_var"])
    np.testing.assert_allclose(curves["phase"][4], curves["var"])  # row of share 0.2
    assert curves["boundary"] == ((), ())  # no closed form with a verifier


def test_boundary_is_the_closed_form_and_agrees_with_the_simulation(demo):
    curves = demo.curves(workflow="replace", verifier="none", real_fraction=0.0, samples=20)
    (xs, ys), (cx, cy) = boundary("replace", "none", 20)
    assert curves["boundary"] == (xs, ys) and curves["critical"] == (cx, cy)
    assert cy == (critical_share(20, LEVEL),) * 2 and cx == (0.0, float(MAX_GENERATIONS))
    assert ys == (0.0, 0.05, 0.1)  # from 0.15 on (3 real samples of 20) the loop holds
    for share in PHASE_SHARES[:4]:
        chain = prevent_chain(
            MAX_GENERATIONS, 20, real_fraction=share, seeds=ENSEMBLE, rng=2024
        ).variance()
        exact = gaussian_workflow_theory(MAX_GENERATIONS, 20, real_fraction=share)["mean_var"]
        # the heatmap's row is this simulation; 200 runs of a skewed quantity scatter around the
        # exact values (the library's tests check them with 20,000 runs)
        np.testing.assert_allclose(curves["phase"][PHASE_SHARES.index(share)], chain.mean(0))
        assert np.all(np.abs(chain.mean(axis=0) - exact) < 0.2)


def test_the_answer_to_the_demo_question(demo):
    """Replace, M = 20: no real data fails, a tenth is not enough, 0.2 holds without a verifier;
    a strict verifier off by 0.5 sigma breaks it again; accumulate holds with no real data."""
    base = {"workflow": "replace", "verifier": "none", "samples": 20, "offset": 0.5}
    last = MAX_GENERATIONS
    assert demo.curves(**base, real_fraction=0.0)["var"][last] < LEVEL
    assert demo.curves(**base, real_fraction=0.2)["var"][last] > LEVEL
    strict = {**base, "verifier": "strict"}
    assert demo.curves(**strict, real_fraction=0.2)["var"][last] < LEVEL
    acc = {**base, "workflow": "accumulate"}
    assert demo.curves(**acc, real_fraction=0.0)["var"][last] > LEVEL
    numbers = dict(demo.curves(**base, real_fraction=0.2)["numbers"])
    assert numbers["the loop holds (σ² ≥ 0.8)?"] == "yes"
    assert numbers["real samples per generation"] == "4 of 20"


def test_static_page_is_light_and_has_the_overlays(demo):
    explorable = demo.explorable()
    assert explorable.gzip_bytes <= MAX_PAGE_DATA_GZIP
    rows = grid_rows(demo)["phase"]
    row = next(
        r
        for r in rows
        if r.get("overlay") == "boundary"
        and r["workflow"] == "replace"
        and r["verifier"] == "none"
        and r["samples"] == 20
    )
    assert len(row["ox"]) >= 2


def test_live_panel_moves(demo):
    panel = demo.live()
    before = panel.images["phase"].value
    panel.controls["verifier"].value = "strict"
    assert panel.images["phase"].value != before
    assert "strict verifier" in panel.caption.value
