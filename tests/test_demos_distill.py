"""The demo of 'When synthetic data helps': a teacher, a verifier and a student."""

import json

import altair as alt
import numpy as np
import pytest

from peakdata.demos import MAX_PAGE_DATA_GZIP, Choice, Slider
from peakdata.demos.distill import (
    ENSEMBLE,
    LOG_SYNTHETIC,
    SYNTHETIC,
    DistillDemo,
    run,
    setting,
)


@pytest.fixture(scope="module")
def demo():
    return DistillDemo()


def test_parameters_and_ranges(demo):
    params = {p.name: p for p in demo.all_params()}
    assert set(params) == {"scenario", "real", "threshold", "log_synthetic"}
    assert isinstance(params["scenario"], Choice)
    assert params["scenario"].values() == ["careless", "clean", "weak", "narrow"]
    assert isinstance(params["threshold"], Slider) and params["threshold"].values()[0] == 0.0
    assert params["real"].values() == [4, 8, 12, 16, 20]
    assert SYNTHETIC == (10, 32, 100, 316, 1000)
    assert params["log_synthetic"].values() == list(LOG_SYNTHETIC)
    with pytest.raises(ValueError, match="real must be between 4 and 20"):
        demo.curves(real=6)
    with pytest.raises(ValueError, match="scenario must be one of"):
        demo.curves(scenario="perfect")


def test_curves_come_from_the_library(demo):
    curves = demo.curves(scenario="careless", real=8, threshold=0.5)
    r = run("careless", 8, 0.5)
    np.testing.assert_array_equal(curves["student"], r.accuracy.mean(axis=0))
    assert r.accuracy.shape == (ENSEMBLE, len(SYNTHETIC))
    assert np.all(curves["baseline"] == r.baseline.mean())
    assert curves["teacher"][0] == pytest.approx(
        float(setting()["world"].bayes_accuracy()), abs=0.02
    )
    numbers = dict(curves["numbers"][3.0])
    assert numbers["student accuracy"].startswith(f"{r.mean()[-1]:.3f} ± ")
    assert numbers["share kept by the verifier"] == f"{r.kept[:, -1].mean():.0%}"


def test_the_chapter_story_holds_in_the_demo(demo):
    careless = demo.curves(scenario="careless", real=8, threshold=0.0)
    verified = demo.curves(scenario="careless", real=8, threshold=0.5)
    clean = demo.curves(scenario="clean", real=4, threshold=0.0)
    weak = demo.curves(scenario="weak", real=8, threshold=0.0)
    assert clean["student"][-1] > clean["baseline"][0] + 0.05  # little real data, good teacher
    assert verified["student"][-1] > careless["student"][-1]  # the verifier removes bad labels
    assert weak["student"][-1] < weak["baseline"][0]  # a weak teacher hurts
    at_zero = dict(careless["numbers"][3.0])
    assert at_zero["share kept by the verifier"] == "100%"


def test_live_panel_updates_in_place(demo):
    panel = demo.live()
    panel.set(threshold=0.5)
    assert panel.values["threshold"] == 0.5
    line = panel.lines["student"]
    np.testing.assert_array_equal(line.get_ydata(), run("careless", 8, 0.5).mean())
    panel.set(log_synthetic=2.0)  # a view slider: nothing recomputed
    assert panel.last_update_seconds < 1.0
    assert "Case:" in panel.caption.value


def test_explorable_is_small_and_valid(demo):
    explorable = demo.explorable()
    assert explorable.gzip_bytes < MAX_PAGE_DATA_GZIP / 3
    spec = json.loads(explorable.spec_json)
    alt.ConcatChart.from_dict(spec)
    names = {p["name"] for p in spec["params"]}
    assert names == {"p_scenario", "p_real", "p_threshold", "p_log_synthetic"}
    html = explorable.to_html()
    assert "peakdata-explorable" in html and "http" not in html.split("$schema")[0]
