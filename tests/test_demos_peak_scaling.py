"""The Part I demos: the compute-optimal split (scaling laws) and repeated data."""

import json
import math

import altair as alt
import numpy as np
import pytest

from peakdata.demos import MAX_PAGE_DATA_GZIP, Choice, Heatmap, Lines, Slider
from peakdata.demos._base import grid_rows
from peakdata.demos.repetition import EPOCH_AXIS, EPOCHS, FIT, RepetitionDemo
from peakdata.demos.scaling import (
    FRACTIONS,
    LOG_PARAMS,
    LOG_TOKENS,
    ComputeOptimalDemo,
    sci,
)
from peakdata.scaling import (
    R_STAR_DATA,
    chinchilla_loss,
    compute_optimal,
    effective_tokens,
    epoch_value,
    tokens_for_loss,
)


@pytest.fixture(scope="module")
def optimal():
    return ComputeOptimalDemo()


@pytest.fixture(scope="module")
def repetition():
    return RepetitionDemo()


def test_sci_formats_without_plus_signs():
    assert sci(5.88e23) == "5.88e23"
    assert sci(1e11) == "1e11"
    assert sci(3.7257e11) == "3.73e11"
    assert sci(1.5e-3) == "1.5e-3"


# -- the compute-optimal split -------------------------------------------------------------------
def test_optimal_demo_parameters(optimal):
    params = {p.name: p for p in optimal.all_params()}
    assert set(params) == {"log_compute", "fit", "size"}
    compute = params["log_compute"]
    assert isinstance(compute, Slider)
    assert (compute.min, compute.max, compute.step) == (18.0, 26.0, 0.25)
    assert 23.75 in compute.values()  # next to Chinchilla's 5.9e23 FLOP
    assert isinstance(params["fit"], Choice)
    assert params["fit"].values() == ["hoffmann", "besiroglu"]
    size = params["size"]
    assert size.min == 0.2 and size.max == 1.0  # above the smallest model that can match
    with pytest.raises(ValueError, match="log_compute must be between 18.0 and 26.0"):
        optimal.curves(log_compute=27.0)
    with pytest.raises(ValueError, match="fit must be one of"):
        optimal.curves(fit="kaplan")


@pytest.mark.parametrize("fit", ["hoffmann", "besiroglu"])
@pytest.mark.parametrize("log_compute", [18.0, 23.75, 26.0])
def test_optimal_demo_matches_the_library(optimal, fit, log_compute):
    curves = optimal.curves(log_compute=log_compute, fit=fit, size=0.5)
    compute = 10.0**log_compute
    n_opt, d_opt = compute_optimal(compute, fit)
    (x,), (y,) = curves["optimum"]
    assert x == pytest.approx(math.log10(n_opt)) and y == pytest.approx(math.log10(d_opt))
    # the optimum lies on the compute line and on the iso-loss curve
    xs, ys = curves["budget"]
    assert np.interp(x, xs, ys) == pytest.approx(y, abs=1e-9)
    iso_x, iso_y = curves["iso"]
    assert np.interp(x, iso_x, iso_y) == pytest.approx(y, abs=0.02)
    loss = chinchilla_loss(n_opt, d_opt, fit)
    np.testing.assert_allclose(chinchilla_loss(10.0**iso_x, 10.0**iso_y, fit), loss, rtol=1e-9)
    # the smaller model: half the size, the tokens the library says it needs for that loss
    (sx,), (sy,) = curves["smaller"]
    assert 10**sx == pytest.approx(0.5 * n_opt)
    assert 10**sy == pytest.approx(tokens_for_loss(0.5 * n_opt, loss, fit))
    # the over-training panel is the same at every budget, and ends at 1 for N = N_opt
    assert curves["tokens"][-1] == pytest.approx(1.0) and curves["compute"][-1] == pytest.approx(1)
    i = FRACTIONS.index(0.5)
    assert curves["tokens"][i] == pytest.approx(10**sy / d_opt)
    assert curves["compute"][i] == pytest.approx(0.5 * 10**sy / d_opt)
    # the heatmap is L(N, D) of the fit
    z = curves["loss"]
    assert z.shape == (len(LOG_TOKENS), len(LOG_PARAMS))
    assert z[10, 20] == pytest.approx(
        chinchilla_loss(10 ** LOG_PARAMS[20], 10 ** LOG_TOKENS[10], fit)
    )


def test_optimal_demo_readout_and_description(optimal):
    values = optimal.check(log_compute=23.75, fit="besiroglu", size=0.5)
    curves = optimal.curves(**values)
    numbers = dict(curves["numbers"])
    n_opt, d_opt = compute_optimal(10**23.75, "besiroglu")
    assert numbers["optimal model N_opt"] == f"{sci(n_opt)} parameters"
    assert numbers["tokens per parameter"] == f"{d_opt / n_opt:.1f}"
    assert numbers["brute-force search ÷ closed form"] == "1.000000"
    text = optimal.describe(values, curves)
    assert f"{d_opt / n_opt:.1f} tokens per parameter" in text
    assert "Besiroglu et al. 2024" in text and sci(10**23.75) in text
    # the rounded Hoffmann constants: ~92 tokens per parameter near Chinchilla's budget
    hoffmann = optimal.describe(optimal.check(fit="hoffmann"), optimal.curves(fit="hoffmann"))
    assert "92.4 tokens per parameter" in hoffmann


def test_optimal_demo_overlays_stay_on_the_map(optimal):
    for log_compute in (18.0, 22.0, 26.0):
        for fit in ("hoffmann", "besiroglu"):
            curves = optimal.curves(log_compute=log_compute, fit=fit, size=0.2)
            for key in ("budget", "iso", "optimum", "smaller"):
                xs, ys = map(np.asarray, curves[key])
                assert xs.size >= 1
                assert np.all((xs >= LOG_PARAMS[0] - 1e-9) & (xs <= LOG_PARAMS[-1] + 1e-9)), key
                assert np.all((ys >= LOG_TOKENS[0] - 1e-9) & (ys <= LOG_TOKENS[-1] + 1e-9)), key


def test_optimal_demo_live_and_static(optimal):
    panel = optimal.live()
    heat = next(m for m in optimal.marks() if isinstance(m, Heatmap))
    assert [o.key for o in heat.overlays] == ["budget", "iso", "optimum", "smaller"]
    marker = panel.state[heat.key]["overlays"]["optimum"]
    before = marker.get_xdata()[0]
    panel.set(log_compute=20.0)
    assert marker.get_xdata()[0] < before  # a smaller budget: a smaller model
    rule = panel.state["overtraining"]["rule"]
    panel.set(size=0.3)
    assert rule.get_xdata()[0] == pytest.approx(0.3)
    assert "0.30 times that size" in panel.caption.value
    for _ in range(3):
        panel.set(log_compute=21.0)
        panel.set(log_compute=21.25)
        assert panel.last_update_seconds < 1.0  # the benchmark holds the real budget
    explorable = optimal.explorable()
    alt.ConcatChart.from_dict(explorable.spec)
    assert explorable.gzip_bytes < MAX_PAGE_DATA_GZIP / 2
    layers = explorable.spec["concat"][0]["layer"]
    assert [lay["mark"]["type"] for lay in layers[-4:]] == ["line", "line", "point", "point"]
    rows = grid_rows(optimal)["loss"]
    # one row per combination of what each overlay depends on
    sizes = {p.name: len(p.values()) for p in optimal.all_params()}
    assert sum(r.get("overlay") == "smaller" for r in rows) == (
        sizes["log_compute"] * sizes["fit"] * sizes["size"]
    )
    assert sum(r.get("overlay") == "budget" for r in rows) == sizes["log_compute"] * 2
    assert "<script src" not in explorable.to_html()
    assert "compute line C = 6ND" in explorable.to_html()  # the overlays' legend


# -- repetition ----------------------------------------------------------------------------------
def test_repetition_demo_parameters(repetition):
    names = [p.name for p in repetition.params]
    assert names == ["log_unique", "log_params"]
    assert repetition.view_params() == (EPOCHS,)
    assert EPOCHS.values()[0] == 1 and EPOCHS.values()[-1] == 60 and EPOCHS.default == 4
    assert EPOCH_AXIS[0] == 1.0 and EPOCH_AXIS[-1] == 100.0
    with pytest.raises(ValueError, match="epochs must be between 1 and 60"):
        repetition.check(epochs=0)


@pytest.mark.parametrize(("log_unique", "log_params"), [(9.0, 8.0), (11.0, 10.0), (13.0, 12.0)])
def test_repetition_demo_matches_the_library(repetition, log_unique, log_params):
    curves = repetition.curves(log_unique=log_unique, log_params=log_params)
    unique, params, epochs = 10**log_unique, 10**log_params, np.asarray(EPOCH_AXIS)
    np.testing.assert_allclose(curves["worth"], effective_tokens(unique, epochs))
    np.testing.assert_allclose(curves["seen"], epochs * unique)
    assert curves["ceiling"][0] == pytest.approx(unique * (1 + R_STAR_DATA))
    np.testing.assert_allclose(
        curves["repeated"], chinchilla_loss(params, effective_tokens(unique, epochs), FIT)
    )
    np.testing.assert_allclose(curves["fresh"], chinchilla_loss(params, epochs * unique, FIT))
    # repeated data is never worth more than fresh, and never beats the limit
    assert np.all(curves["repeated"] >= curves["fresh"] - 1e-12)
    assert np.all(curves["repeated"] >= curves["floor"] - 1e-12)
    assert curves["worth"][0] == pytest.approx(unique)  # one epoch: nothing repeated


def test_repetition_readout_and_description(repetition):
    values = repetition.check(log_unique=11.0, log_params=10.0, epochs=4)
    curves = repetition.curves(**values)
    numbers = dict(curves["numbers"][4])
    worth = effective_tokens(1e11, 4)
    assert numbers["worth in fresh tokens, D′"] == f"{sci(worth)} ({worth / 4e11:.0%})"
    assert numbers["one more epoch is worth"] == f"{epoch_value(1e11, 4) / 1e11:.0%} of a fresh one"
    assert set(curves["numbers"]) == set(EPOCHS.values())
    text = repetition.describe(values, curves)
    assert "4 epochs over 1e11 unique tokens" in text and sci(worth) in text
    assert f"U(1 + R*) = {sci(1e11 * (1 + R_STAR_DATA))}" in text


def test_repetition_demo_live_and_static(repetition):
    panel = repetition.live()
    worth = panel.lines["worth"].get_ydata().copy()
    panel.set(epochs=40)  # a view: nothing recomputed, the rule and readout move
    np.testing.assert_array_equal(panel.lines["worth"].get_ydata(), worth)
    assert panel.state["tokens"]["rule"].get_xdata()[0] == 40
    assert "40 epochs" in panel.caption.value
    panel.set(log_unique=12.0)
    assert not np.array_equal(panel.lines["worth"].get_ydata(), worth)
    assert panel.last_update_seconds < 1.0
    explorable = repetition.explorable()
    alt.ConcatChart.from_dict(explorable.spec)
    assert explorable.gzip_bytes < MAX_PAGE_DATA_GZIP / 2
    for panel_spec in explorable.spec["concat"][:2]:  # the rule follows the epochs slider
        rule = panel_spec["layer"][1]
        assert rule["mark"]["type"] == "rule"
        assert rule["transform"][0]["calculate"] == "p_epochs"
    assert all(isinstance(m, Lines) and m.rule == "epochs" for m in repetition.marks()[:2])
    spec = json.loads(explorable.spec_json.replace("<\\/", "</"))
    assert spec["params"][-1]["name"] == "p_epochs"
