"""One demo, two renderings: the live panel and the static explorable agree and respond."""

import json

import altair as alt
import numpy as np
import pytest

from peakdata.demos import (
    ALL_DEMOS,
    SITE_BUILD_ENV,
    Choice,
    Explorable,
    GaussianLoopDemo,
    LivePanel,
    Slider,
)
from peakdata.demos._base import grid_rows


@pytest.fixture(scope="module")
def demo():
    return GaussianLoopDemo()


@pytest.fixture(scope="module")
def explorable(demo):
    return demo.explorable()


def test_slider_and_choice_check_their_ranges():
    s = Slider("m", "M", 10, 100, 10, 20)
    assert s.values() == list(range(10, 101, 10))
    assert s.check(30) == 30
    for bad in (5, 105, 25, "20", True):
        with pytest.raises(ValueError, match="m must be between 10 and 100 in steps of 10"):
            s.check(bad)
    f = Slider("f", "fraction", 0.0, 1.0, 0.25, 0.5)
    assert f.values() == [0.0, 0.25, 0.5, 0.75, 1.0] and f.check(0.75) == 0.75
    with pytest.raises(ValueError, match="need step > 0 and max >= min"):
        Slider("x", "x", 10, 0, 1, 5)
    with pytest.raises(ValueError, match="x must be between 0 and 10"):
        Slider("x", "x", 0, 10, 1, 11)  # a default outside the range
    c = Choice("e", "estimator", (("a", "A"), ("b", "B")), "a")
    with pytest.raises(ValueError, match="e must be one of 'a', 'b'"):
        c.check("c")


def test_demo_rejects_unknown_and_out_of_range_parameters(demo):
    with pytest.raises(ValueError, match="unknown parameter 'sample'"):
        demo.check(sample=20)
    with pytest.raises(ValueError, match="samples must be between 10 and 100"):
        demo.curves(samples=7)
    with pytest.raises(ValueError, match="estimator must be one of"):
        demo.curves(estimator="median")


def test_curves_follow_the_closed_forms(demo):
    curves = demo.curves(samples=50, estimator="mle", seed=0)
    assert set(curves) == {s.key for s in demo.series}
    for y in curves.values():
        assert y.shape == demo.x.shape and y[0] == pytest.approx(1.0)
    # 200 runs: the simulated typical sigma tracks its closed form within Monte Carlo error
    assert np.log(curves["typical"][-1]) == pytest.approx(
        np.log(curves["typical_theory"][-1]), abs=0.15
    )


def test_live_panel_updates_in_place(demo):
    panel = demo.live()
    assert isinstance(panel, LivePanel)
    lines = dict(panel.lines)
    first_png, first_run = panel.image.value, panel.lines["run"].get_ydata().copy()
    panel.controls["seed"].value = 3  # as a reader moving the slider
    assert panel.values["seed"] == 3
    assert panel.lines == lines  # same artists, new data
    assert not np.array_equal(panel.lines["run"].get_ydata(), first_run)
    assert panel.image.value != first_png
    assert "seed 3" in panel.caption.value
    mean_before = panel.lines["mean"].get_ydata().copy()
    panel.controls["generations"].value = 40  # only the view changes: nothing recomputed
    assert panel.ax.get_xlim() == (0, 40)
    np.testing.assert_array_equal(panel.lines["mean"].get_ydata(), mean_before)
    assert "After 40 generations" in panel.caption.value
    panel.controls["estimator"].value = "unbiased"
    assert not np.array_equal(panel.lines["mean"].get_ydata(), mean_before)
    with pytest.raises(ValueError, match="samples"):
        panel.set(samples=15)


def test_show_picks_the_rendering_from_the_environment(demo, monkeypatch):
    monkeypatch.delenv(SITE_BUILD_ENV, raising=False)
    assert isinstance(demo.show(), LivePanel)
    monkeypatch.setenv(SITE_BUILD_ENV, "1")
    assert isinstance(demo.show(), Explorable)


def test_grid_holds_every_curve_once_per_combination(demo, explorable):
    rows = explorable.spec["data"]["values"]
    # a row carries the same numbers as the live computation, to 3 significant digits
    row = next(
        r
        for r in rows
        if r["series"] == demo.series[0].label
        and r["samples"] == 30
        and r["estimator"] == "unbiased"
        and r["seed"] == 2
    )
    live = demo.curves(samples=30, estimator="unbiased", seed=2)[demo.series[0].key]
    np.testing.assert_allclose(row["y"], live, rtol=5e-3)


def test_explorable_html_is_self_contained(explorable):
    html = explorable.to_html()
    assert 'class="peakdata-explorable"' in html
    spec = html.split('class="peakdata-explorable-spec">')[1].split("</script>")[0]
    assert json.loads(spec) == explorable.spec
    assert "<script src" not in html and "cdn" not in html.lower()
    assert len(html) < 250_000  # the grid is pre-aggregated: a page stays light


def test_grid_rows_round_to_digits(demo):
    rows = grid_rows(demo, digits=2)
    assert all(
        len(f"{v:.10g}".lstrip("-0.").replace(".", "").rstrip("0").split("e")[0]) <= 2
        for v in rows[0]["y"]
    )


def test_every_control_has_a_label(demo):
    panel = demo.live()
    for param in demo.all_params():
        assert panel.controls[param.name].description == param.label
        assert len(param.label) >= 4


# -- every demo of the book ---------------------------------------------------------------------
@pytest.fixture(scope="module", params=ALL_DEMOS, ids=lambda cls: cls.__name__)
def any_demo(request):
    return request.param()


def test_any_demo_explorable_is_valid_and_light(any_demo):
    explorable = any_demo.explorable()
    alt.Chart.from_dict(explorable.spec)  # validates against Vega-Lite's JSON schema
    assert len(explorable.to_html()) < 250_000  # the grid is pre-aggregated: a page stays light
    params = {p["name"]: p for p in explorable.spec["params"]}
    for p in any_demo.all_params():  # the same controls, ranges and defaults as the live panel
        spec, widget = params[f"p_{p.name}"], p.widget()
        assert spec["value"] == p.default and spec["bind"]["name"].strip() == p.label
        if isinstance(p, Slider):
            bind = spec["bind"]
            assert (bind["min"], bind["max"], bind["step"]) == (widget.min, widget.max, widget.step)
        else:
            assert spec["bind"]["options"] == p.values()
    # every curve once per combination of the parameters it depends on
    sizes = {p.name: len(p.values()) for p in any_demo.params}
    expected = sum(int(np.prod([sizes[d] for d in s.depends_on])) for s in any_demo.series)
    assert len(explorable.spec["data"]["values"]) == expected


def test_any_demo_redraws_when_any_control_moves(any_demo):
    panel = any_demo.live()
    for p in any_demo.all_params():
        control = panel.controls[p.name]
        assert control.description == p.label
        before = panel.image.value
        control.value = next(v for v in reversed(p.values()) if v != panel.values[p.name])
        assert panel.image.value != before, f"moving {p.name} did not change the figure"
