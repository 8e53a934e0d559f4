"""One demo, two renderings: the live panel and the static explorable agree and respond."""

import itertools
import json

import altair as alt
import numpy as np
import pytest

from peakdata.demos import (
    ALL_DEMOS,
    MARK_KINDS,
    MAX_PAGE_DATA_GZIP,
    SITE_BUILD_ENV,
    Choice,
    Demo,
    Explorable,
    GaussianLoopDemo,
    Heatmap,
    Histogram,
    Lines,
    LivePanel,
    Overlay,
    Points,
    Readout,
    Series,
    Slider,
    TemperatureBiasDemo,
    Text,
)
from peakdata.demos._base import TITLE_CHARS, grid_rows


def _validate(spec: dict) -> None:
    """Validate a spec against Vega-Lite's JSON schema (a single view or a composition)."""
    (alt.ConcatChart if "concat" in spec else alt.Chart).from_dict(spec)


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
    rows = grid_rows(demo)["lines"]
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
    rows = grid_rows(demo, digits=2)["lines"]
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
    _validate(explorable.spec)
    assert explorable.gzip_bytes <= MAX_PAGE_DATA_GZIP  # the grid is pre-aggregated
    params = {p["name"]: p for p in explorable.spec["params"]}
    for p in any_demo.all_params():  # the same controls, ranges and defaults as the live panel
        spec, widget = params[f"p_{p.name}"], p.widget()
        assert spec["value"] == p.default and spec["bind"]["name"].strip() == p.label
        if isinstance(p, Slider):
            bind = spec["bind"]
            assert (bind["min"], bind["max"], bind["step"]) == (widget.min, widget.max, widget.step)
        else:
            assert spec["bind"]["options"] == p.values()
    # every curve once per combination of the parameters it depends on (and per selected view)
    sizes = {p.name: len(p.values()) for p in any_demo.all_params()}
    rows = grid_rows(any_demo)
    for mark in any_demo.marks():
        views = sizes[mark.select] if mark.select else 1
        count = {key: int(np.prod([sizes[d] for d in deps])) * views for key, deps in mark.units()}
        if isinstance(mark, Heatmap):  # one row of values and one per contour line...
            assert sum("z" in r for r in rows[mark.key]) == count[mark.key]
            for o in mark.overlays:  # ...and one per overlay
                assert sum(r.get("overlay") == o.key for r in rows[mark.key]) == count[o.key]
        else:
            assert len(rows[mark.key]) == sum(count.values())
    # titles fit a 360 px phone: wrapped into lines of at most TITLE_CHARS characters
    for panel in explorable.spec["concat"]:
        titles = [panel.get("title", "")]
        for enc in [panel.get("encoding", {})] + [
            lay.get("encoding", {}) for lay in panel.get("layer", [])
        ]:
            titles += [
                e.get("axis", {}).get("title", "")
                for e in enc.values()
                if isinstance(e, dict) and e.get("axis")
            ]
        for title in titles:
            for line in [title] if isinstance(title, str) else title:
                assert len(line) <= TITLE_CHARS, line
    # generations and other integer axes get integer ticks, never 0.5, 1.5, ...
    for mark, panel in zip(any_demo.marks(), explorable.spec["concat"], strict=True):
        if isinstance(mark, Lines) and mark.is_integer_x:
            curves = panel["layer"][0] if mark.rule else panel  # a rule is a second layer
            axis = curves["encoding"]["x"]["axis"]
            assert axis["format"] == "d" and axis["tickMinStep"] == 1


def test_any_demo_redraws_when_any_control_moves(any_demo):
    panel = any_demo.live()
    for p in any_demo.all_params():
        control = panel.controls[p.name]
        assert control.description == p.label
        before = _drawn(panel)
        control.value = next(v for v in reversed(p.values()) if v != panel.values[p.name])
        assert _drawn(panel) != before, f"moving {p.name} did not change the figure"


def _drawn(panel) -> list:
    """What the reader sees: every figure's image and every text or readout widget."""
    images = [image.value for image in panel.images.values()]
    return images + [panel.state[m.key].value for m in panel.marks if not m.in_figure]


def test_live_panel_redraws_only_the_marks_a_change_touches():
    panel = TemperatureBiasDemo().live()
    before = {key: image.value for key, image in panel.images.items()}
    panel.controls["seed"].value = 2  # only the single run depends on the seed
    after = {key: image.value for key, image in panel.images.items()}
    assert after["lines"] != before["lines"]
    assert after["spread"] == before["spread"] and after["phase"] == before["phase"]
    panel.controls["real_fraction"].value = 0.2  # moves the phase diagram's marked point
    assert panel.images["phase"].value != after["phase"]
    assert panel.state["phase"]["marker"].get_data() == ([30], [0.2])


def test_every_kind_of_mark_is_used_by_a_demo_of_the_book():
    used = {
        kind
        for cls in ALL_DEMOS
        for m in cls().marks()
        for kind in MARK_KINDS
        if isinstance(m, kind)
    }
    assert used == set(MARK_KINDS)


# -- every kind of mark, live and static, on a small demo -------------------------------------
REFERENCE = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]])


def _reference() -> np.ndarray:
    return REFERENCE


def _grid_heatmap(**options) -> Heatmap:
    """The heatmap of a * x * y over x = 0..6, y = 1..3 that the small demos below draw."""
    return Heatmap(
        key="grid",
        depends_on=("a",),
        x=(0, 1, 2, 3, 4, 5, 6),
        y=(1.0, 2.0, 3.0),
        z_label="a·x·y",
        zmin=0.0,
        zmax=60.0,
        **options,
    )


def _grid(a: int) -> np.ndarray:
    """a * x * y on the grid of :func:`_grid_heatmap`, shape (3, 7)."""
    gx, gy = np.meshgrid(np.arange(7.0), np.array([1.0, 2.0, 3.0]))
    return a * gx * gy


class KindsDemo(Demo):
    """One panel of each kind, over a closed form cheap enough to check by hand."""

    title = "Every kind of mark"
    params = (
        Slider("a", "amplitude a", 1, 3, 1, 1),
        Choice("shape", "shape", (("up", "rising"), ("down", "falling")), "up"),
    )
    x_param = Slider("g", "generations shown", 2, 6, 2, 6)
    panels = (
        Lines(
            title="Lines over a log-spaced x",
            series=(Series("line", "a·x", "#0072B2", (), 2.0, ("a", "shape")),),
            x=(1.0, 10.0, 100.0, 1000.0, 1e4, 1e5, 1e6),
            log_x=True,
            x_label="compute (FLOPs)",
            y_label="value",
        ),
        Points(
            key="cloud",
            depends_on=("a",),
            select="g",
            label="sample",
            color="#D55E00",
            reference=_reference,
            reference_label="real",
            x_label="x",
            y_label="y",
        ),
        Histogram(
            key="runs",
            depends_on=("a",),
            bins=(0.0, 1.0, 2.0, 3.0, 4.0),
            x_label="value",
            color="#009E73",
        ),
        _grid_heatmap(
            x_label="generation",
            y_label="amplitude",
            levels=(10.0,),
            marker=("g", "a"),
            integer_x=True,
        ),
        Text(key="passage", depends_on=("shape",), select="g"),
        Readout(key="numbers", depends_on=("a", "shape")),
    )

    def compute(self, a: int, shape: str) -> dict:
        x = np.arange(7.0)
        sign = 1 if shape == "up" else -1
        return {
            "line": sign * a * x,
            "cloud": {g: np.column_stack([np.arange(g) * a, np.ones(g)]) for g in (2, 4, 6)},
            "runs": np.array([0.5, 1.5, 1.5, 2.5]) * a,
            "grid": _grid(a),
            "passage": {g: f"{shape} passage at {g}\nsecond line" for g in (2, 4, 6)},
            "numbers": [("amplitude", f"{a}"), ("direction", shape)],
        }

    def describe(self, values, curves):
        return f"a = {values['a']}, {values['shape']}, g = {values['g']}."


@pytest.fixture
def kinds():
    return KindsDemo()


def test_every_kind_updates_its_artists_in_place(kinds):
    panel = kinds.live()
    state = panel.state
    line, sample = state["lines"]["lines"]["line"], state["cloud"]["sample"]
    bars, mesh = state["runs"]["bars"], state["grid"]["mesh"]
    contour, marker = state["grid"]["contour"], state["grid"]["marker"]
    text, readout = state["passage"], state["numbers"]
    assert len(sample.get_offsets()) == 6  # g = 6 selects the 6-point sample
    np.testing.assert_allclose([b.get_height() for b in bars.patches], [0.25, 0.5, 0.25, 0])
    assert "up passage at 6" in text.value and "<b>1</b>" in readout.value
    assert marker.get_data() == ([6], [1])
    first_png = panel.image.value
    panel.controls["a"].value = 2
    assert state["lines"]["lines"]["line"] is line and state["cloud"]["sample"] is sample
    assert state["grid"]["mesh"] is mesh and state["runs"]["bars"] is bars
    np.testing.assert_allclose(line.get_ydata(), 2 * np.arange(7.0))
    np.testing.assert_allclose(sample.get_offsets()[:, 0], 2 * np.arange(6))
    np.testing.assert_allclose([b.get_height() for b in bars.patches], [0, 0.25, 0, 0.75])
    np.testing.assert_allclose(np.asarray(mesh.get_array()).ravel()[-1], 2 * 6 * 3)
    assert contour.get_segments(), "the level 10 crosses the grid"
    assert marker.get_data() == ([6], [2])
    assert "<b>2</b>" in readout.value and panel.image.value != first_png
    panel.controls["g"].value = 2  # a view slider: nothing is recomputed, the selection moves
    assert len(sample.get_offsets()) == 2 and "passage at 2" in text.value
    assert panel.axes[0].get_xlim() == (1.0, 1e6)  # the whole log-spaced x
    panel.controls["shape"].value = "down"
    assert "down passage at 2" in text.value and "falling" not in readout.value
    assert "down" in readout.value


def test_every_kind_has_a_valid_static_panel_over_the_same_numbers(kinds):
    explorable = kinds.explorable()
    spec = explorable.spec
    _validate(spec)
    panels = dict(zip((m.key for m in kinds.marks()), spec["concat"], strict=True))
    assert spec["usermeta"]["peakdata"]["panels"] == [m.kind for m in kinds.marks()]
    rows = grid_rows(kinds)
    # lines: log x looked up from the declared values, integer ticks off for log-spaced x
    lines = panels["lines"]
    assert lines["encoding"]["x"]["scale"] == {"type": "log"}
    assert "[1.0, 10.0, 100.0" in lines["transform"][3]["calculate"]
    assert "format" not in lines["encoding"]["x"]["axis"]
    row = next(r for r in rows["lines"] if r["a"] == 3 and r["shape"] == "down")
    np.testing.assert_allclose(row["y"], kinds.curves(a=3, shape="down")["line"])
    # points: grey reference layer first, then the sample of the selected generation
    ref, sample = panels["cloud"]["layer"]
    assert ref["data"]["values"] == [
        {"x": 0.0, "y": 0.0},
        {"x": 1.0, "y": 1.0},
        {"x": 2.0, "y": 0.5},
    ]
    assert sample["mark"]["color"] == "#D55E00" and {"flatten": ["x", "y"]} in sample["transform"]
    row = next(r for r in rows["cloud"] if r["a"] == 2 and r["g"] == 4)
    assert row["x"] == [0.0, 2.0, 4.0, 6.0] and "shape" not in row
    # histogram: shares of runs per bin, bins from the declared edges
    assert [r["h"] for r in rows["runs"] if r["a"] == 1] == [[0.25, 0.5, 0.25, 0.0]]
    assert panels["runs"]["mark"]["type"] == "rect"
    # heatmap: values, contour lines, and the marked point from the bound controls
    grid = [r for r in rows["grid"] if r["a"] == 1]
    assert grid[0]["z"] == _round_list(kinds.curves(a=1)["grid"])
    assert any("cx" in r and r["level"] == 10.0 for r in grid)
    layers = panels["grid"]["layer"]
    assert layers[0]["encoding"]["color"]["scale"]["scheme"] == "viridis"
    assert layers[0]["encoding"]["x"]["axis"]["format"] == "d"
    assert layers[-1]["transform"] == [
        {"calculate": "p_g", "as": "mx"},
        {"calculate": "p_a", "as": "my"},
    ]
    # text and readout: drawn by Vega text marks, no axes
    text = next(r for r in rows["passage"] if r["shape"] == "down" and r["g"] == 4)
    assert text["text"] == "down passage at 4\nsecond line"
    assert panels["passage"]["mark"]["lineBreak"] == "\n"
    assert panels["passage"]["height"] >= 2 * 12
    numbers = next(r for r in rows["numbers"] if r["a"] == 3 and r["shape"] == "up")
    assert numbers == {
        "a": 3,
        "shape": "up",
        "label": ["amplitude", "direction"],
        "value": ["3", "up"],
    }
    # the HTML legend names every series and sample
    html = explorable.to_html()
    for label in ("a·x", "sample", "real"):
        assert label in html


def _round_list(z):
    return [float(f"{v:.3g}") for v in np.asarray(z, float).ravel()]


def test_text_panel_wraps_long_lines_to_fit_a_phone():
    mark = Text(key="t", wrap=20)
    wrapped = mark.wrapped("a line that is much longer than twenty characters\nshort")
    assert all(len(line) <= 20 for line in wrapped.splitlines())
    assert wrapped.endswith("\nshort")


def test_marks_must_refer_to_declared_parameters():
    class Broken(KindsDemo):
        panels = (Histogram(key="runs", depends_on=("nope",), bins=(0, 1), x_label="v", color="k"),)

    with pytest.raises(ValueError, match="Broken: 'runs' depends on unknown parameters"):
        Broken().explorable()

    class BadView(KindsDemo):
        panels = (Text(key="passage", select="a"),)

    with pytest.raises(ValueError, match="'a', which is not a view slider"):
        BadView().live()


def test_an_explorable_over_the_page_budget_fails_the_build():
    class Heavy(KindsDemo):
        panels = (
            Points(
                key="cloud",
                depends_on=("a", "shape"),
                label="s",
                color="k",
                x_label="x",
                y_label="y",
            ),
        )

        def compute(self, a, shape):
            rng = np.random.default_rng(a + (shape == "up"))
            return {"cloud": rng.random((20_000, 2))}

    with pytest.raises(ValueError, match=r"Heavy holds \d+ KB of data after gzip, over the 150 KB"):
        Heavy().explorable()


def test_legacy_demo_gets_one_lines_panel(demo):
    (lines,) = demo.marks()
    assert isinstance(lines, Lines) and lines.series == demo.series
    assert lines.x_view == "generations" and lines.log_y and lines.is_integer_x


def test_bias_phase_diagram_follows_the_library_map():
    from peakdata.collapse.bias import temperature_path
    from peakdata.demos import bias

    phase = bias._phase(0.7, 0.2)
    for i, alpha in enumerate(bias.PHASE_ALPHAS):
        path = temperature_path(0.2, bias.MAX_GENERATIONS, temperature=0.7, real_fraction=alpha)
        np.testing.assert_allclose(phase[i], path[:, 0] / 0.2, rtol=1e-12)


# -- overlays on a heatmap, a rule on a line chart, and the blitted live figure -----------------
class OverlayDemo(Demo):
    """A heatmap with a computed line and point on it, and curves with a rule at a slider."""

    title = "Overlays and rules"
    params = (Slider("a", "amplitude a", 1, 3, 1, 1),)
    views = (Slider("v", "marked value v", 0, 6, 2, 2),)
    panels = (
        _grid_heatmap(
            x_label="x",
            y_label="y",
            overlays=(
                Overlay("path", "a path", "#D55E00", "line", ("a",), (4, 2)),
                Overlay("peak", "the peak", "#E69F00", "point", ("a",), shape="square"),
            ),
        ),
        Lines(
            series=(Series("line", "a·x", "#0072B2", (), 2.0, ("a",)),),
            x_label="x",
            y_label="value",
            rule="v",
            rule_color="#D55E00",
        ),
    )

    def compute(self, a: int) -> dict:
        return {
            "grid": _grid(a),
            "path": ([0.0, 6.0], [1.0, 1.0 + a / 2]),
            "peak": ([6.0], [3.0]),
            "line": a * np.arange(7.0),
        }

    def describe(self, values, curves):
        return f"a = {values['a']}, v = {values['v']}."


def test_heatmap_overlays_and_lines_rule_live_and_static():
    demo = OverlayDemo()
    panel = demo.live()
    path, peak = (panel.state["grid"]["overlays"][k] for k in ("path", "peak"))
    rule = panel.state["lines"]["rule"]
    assert path.get_ydata()[-1] == 1.5 and rule.get_xdata()[0] == 2
    grid_png, lines_png = panel.images["grid"].value, panel.images["lines"].value
    panel.controls["a"].value = 3
    assert panel.state["grid"]["overlays"]["path"] is path and path.get_ydata()[-1] == 2.5
    assert panel.images["grid"].value != grid_png
    lines_png = panel.images["lines"].value
    panel.controls["v"].value = 6  # only the rule moves: the heatmap is not redrawn
    assert panel.state["lines"]["rule"] is rule and rule.get_xdata()[0] == 6
    assert panel.images["lines"].value != lines_png
    # static: one row per overlay and combination, a layer per overlay, a rule layer
    rows = grid_rows(demo)["grid"]
    assert sum(r.get("overlay") == "path" for r in rows) == 3
    assert next(r for r in rows if r.get("overlay") == "path" and r["a"] == 2)["oy"] == [1.0, 2.0]
    explorable = demo.explorable()
    _validate(explorable.spec)
    heat, lines = explorable.spec["concat"]
    marks = [layer["mark"] for layer in heat["layer"][-2:]]
    assert marks[0]["type"] == "line" and marks[0]["strokeDash"] == [4, 2]
    assert marks[1]["type"] == "point" and marks[1]["shape"] == "square"
    assert lines["layer"][1]["mark"]["type"] == "rule"
    assert lines["layer"][1]["transform"] == [{"calculate": "p_v", "as": "rx"}]
    html = explorable.to_html()
    assert "a path" in html and "the peak" in html
    with pytest.raises(ValueError, match="kind must be one of 'line', 'point'"):
        Overlay("x", "x", "k", "area")

    class BadRule(OverlayDemo):
        panels = (Lines(series=OverlayDemo.panels[1].series, x_label="x", y_label="y", rule="w"),)

    with pytest.raises(ValueError, match="marks unknown parameters"):
        BadRule().live()


@pytest.mark.parametrize("cls", [OverlayDemo, TemperatureBiasDemo], ids=lambda c: c.__name__)
def test_blitted_live_figures_equal_a_full_draw(cls):
    """The live panel redraws only what moved over cached images: the pixels must be those of a
    plain Agg canvas drawing the whole figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    demo = cls()
    panel = demo.live()
    rng = np.random.default_rng(0)
    for _ in range(6):
        p = demo.all_params()[rng.integers(len(demo.all_params()))]
        panel.controls[p.name].value = p.values()[rng.integers(len(p.values()))]
        for key, figure in panel.figures.items():
            own = figure.canvas
            blitted = np.asarray(own.buffer_rgba()).copy()
            moving = panel._layers[key]["moving"]
            for artist in moving:
                artist.set_animated(False)
            FigureCanvasAgg(figure).draw()
            full = np.asarray(figure.canvas.buffer_rgba()).copy()
            for artist in moving:
                artist.set_animated(True)
            figure.set_canvas(own)
            np.testing.assert_array_equal(blitted, full)


def test_a_warmed_demo_looks_every_setting_up():
    """``precompute`` demos compute every setting once: afterwards a move never computes, and
    what it looks up is what ``compute`` gives."""
    demo = GaussianLoopDemo()
    demo.warm()
    names = [p.name for p in demo.params]
    expected = {"samples": 30, "estimator": "unbiased", "seed": 3}
    fresh = GaussianLoopDemo().curves(**expected)

    def refuse(**values):
        raise AssertionError(f"computed {values} again")

    demo.compute = refuse
    for combo in itertools.product(*(p.values() for p in demo.params)):
        demo.curves(**dict(zip(names, combo, strict=True)))
    kept = demo.curves(**expected)
    assert kept.keys() == fresh.keys()
    for key in fresh:
        np.testing.assert_array_equal(kept[key], fresh[key])
