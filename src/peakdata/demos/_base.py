"""One demo, two renderings.

A :class:`Demo` declares its parameters (with their ranges), the curves it draws and how to
compute them. From that single definition it renders

* :class:`LivePanel`: ipywidgets controls over a matplotlib figure whose lines are updated in
  place (Jupyter, Binder, Colab);
* :class:`Explorable`: a Vega-Lite chart with bound sliders over a grid precomputed by the same
  ``compute`` (the static site, no kernel). Its scripts are served by the site itself.

:meth:`Demo.show` picks the rendering: the explorable while the book's site is being built (the
book's Sphinx extension sets ``PEAKDATA_SITE_BUILD``), the live panel everywhere else.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import os
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from .._checks import check_choice

SITE_BUILD_ENV = "PEAKDATA_SITE_BUILD"
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


@dataclass(frozen=True)
class Slider:
    """A numeric parameter taking the values min, min + step, ..., max."""

    name: str
    label: str
    min: float
    max: float
    step: float
    default: float

    def __post_init__(self) -> None:
        if self.step <= 0 or self.max < self.min:
            raise ValueError(f"slider {self.name!r}: need step > 0 and max >= min")
        self.check(self.default)

    @property
    def is_int(self) -> bool:
        return all(float(v).is_integer() for v in (self.min, self.max, self.step))

    def values(self) -> list[float]:
        count = int(round((self.max - self.min) / self.step)) + 1
        vals = [round(self.min + i * self.step, 10) for i in range(count)]
        return [int(v) for v in vals] if self.is_int else vals

    def check(self, value: object) -> float:
        allowed = self.values()
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float | np.number)
            or not any(abs(float(value) - v) < 1e-9 for v in allowed)
        ):
            raise ValueError(
                f"{self.name} must be between {self.min} and {self.max} in steps of "
                f"{self.step}, got {value!r}"
            )
        return int(round(float(value))) if self.is_int else float(value)

    def widget(self):
        import ipywidgets as w

        cls = w.IntSlider if self.is_int else w.FloatSlider
        return cls(
            value=self.default,
            min=self.min,
            max=self.max,
            step=self.step,
            description=self.label,
            continuous_update=False,
            style={"description_width": "initial"},
            layout=w.Layout(width="340px"),
        )

    def vega_bind(self) -> dict:
        return {
            "input": "range",
            "min": self.min,
            "max": self.max,
            "step": self.step,
            "name": self.label + " ",
        }


@dataclass(frozen=True)
class Choice:
    """A parameter taking one of a few named options: ((value, label), ...)."""

    name: str
    label: str
    options: tuple[tuple[str, str], ...]
    default: str

    def __post_init__(self) -> None:
        self.check(self.default)

    def values(self) -> list[str]:
        return [value for value, _ in self.options]

    def check(self, value: object) -> str:
        return check_choice(self.name, value, self.values())

    def widget(self):
        import ipywidgets as w

        return w.ToggleButtons(
            options=[(label, value) for value, label in self.options],
            value=self.default,
            description=self.label,
            style={"description_width": "initial", "button_width": "auto"},
        )

    def vega_bind(self) -> dict:
        return {
            "input": "radio",
            "options": self.values(),
            "labels": [label for _, label in self.options],
            "name": self.label + " ",
        }


Param = Slider | Choice


@dataclass(frozen=True)
class Series:
    """One curve of a demo, and the parameters its values depend on."""

    key: str
    label: str
    color: str
    dash: tuple[float, ...] = ()
    width: float = 1.5
    depends_on: tuple[str, ...] = ()


class Demo(ABC):
    """A demo: parameters, curves over x = 0..x_param.max, and how to compute them.

    ``x_param`` only sets how much of the x range is shown: the curves are computed over
    the whole range once, so moving it never recomputes anything.
    """

    title: str
    params: tuple[Param, ...]
    x_param: Slider
    x_label: str
    y_label: str
    y_log: bool = False
    series: tuple[Series, ...]

    @abstractmethod
    def compute(self, **values) -> dict[str, np.ndarray]:
        """Curves (series key -> y over x = 0..x_param.max) for checked parameter values."""

    @abstractmethod
    def describe(self, values: dict, curves: dict[str, np.ndarray]) -> str:
        """One or two sentences that say what the figure shows, with its key numbers."""

    # -- parameters ----------------------------------------------------------------------
    def all_params(self) -> tuple[Param, ...]:
        return (*self.params, self.x_param)

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.all_params()}

    def check(self, **values) -> dict:
        """Complete ``values`` with defaults and check each against its range."""
        known = {p.name: p for p in self.all_params()}
        for name in values:
            if name not in known:
                raise ValueError(f"unknown parameter {name!r}; expected one of {', '.join(known)}")
        merged = {**self.defaults(), **values}
        return {name: known[name].check(value) for name, value in merged.items()}

    def curves(self, **values) -> dict[str, np.ndarray]:
        """Checked parameters in, curves out (the view parameter is ignored)."""
        checked = self.check(**values)
        return self.compute(**{p.name: checked[p.name] for p in self.params})

    @property
    def x(self) -> np.ndarray:
        return np.arange(int(self.x_param.max) + 1)

    # -- renderings ----------------------------------------------------------------------
    def live(self) -> LivePanel:
        return LivePanel(self)

    def explorable(self) -> Explorable:
        return Explorable(self)

    def show(self):
        """The explorable while the book's site is built, the live panel anywhere else."""
        return self.explorable() if os.environ.get(SITE_BUILD_ENV) else self.live()


class LivePanel:
    """ipywidgets controls over a matplotlib figure; each change updates the lines in place."""

    def __init__(self, demo: Demo) -> None:
        import ipywidgets as w
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.demo = demo
        self.values = demo.check()
        self.controls = {p.name: p.widget() for p in demo.all_params()}
        self.figure = Figure(figsize=(7.0, 4.4), layout="constrained")
        FigureCanvasAgg(self.figure)
        ax = self.ax = self.figure.add_subplot()
        x = demo.x
        self.lines = {
            s.key: ax.plot(
                x,
                np.full(x.shape, np.nan),
                color=s.color,
                lw=s.width,
                linestyle=(0, s.dash) if s.dash else "-",
                label=s.label,
            )[0]
            for s in demo.series
        }
        ax.set(xlabel=demo.x_label, ylabel=demo.y_label, title=demo.title)
        if demo.y_log:
            ax.set_yscale("log")
        self.figure.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%"))
        self.caption = w.HTML()
        for name, control in self.controls.items():
            control.observe(lambda change, name=name: self.set(**{name: change["new"]}), "value")
        self.widget = w.VBox(
            [
                w.HBox(list(self.controls.values()), layout=w.Layout(flex_flow="row wrap")),
                self.image,
                self.caption,
            ]
        )
        self._curves: dict[str, np.ndarray] = {}
        self.last_update_seconds = 0.0
        self._redraw(recompute=True)
        self.figure.set_layout_engine("none")  # keep the first layout: redraws stay fast
        box = ax.get_position()  # ...with room for y tick labels wider than the first ones
        left = max(box.x0, 0.12)
        ax.set_position([left, box.y0, box.x1 - left, box.height])
        self._redraw(recompute=False)

    def set(self, **changes) -> None:
        """Change parameters (as a slider would) and redraw; only recompute when needed."""
        new = self.demo.check(**{**self.values, **changes})
        recompute = any(new[p.name] != self.values[p.name] for p in self.demo.params)
        self.values = new
        self._redraw(recompute)

    def _redraw(self, recompute: bool) -> None:
        start = time.perf_counter()
        if recompute:
            self._curves = self.demo.curves(**self.values)
            for key, line in self.lines.items():
                line.set_ydata(self._curves[key])
        x_max = self.values[self.demo.x_param.name]
        self.ax.set_xlim(0, x_max)
        visible = np.concatenate([y[: int(x_max) + 1] for y in self._curves.values()])
        visible = visible[np.isfinite(visible) & ((visible > 0) if self.demo.y_log else True)]
        low, high = visible.min(), visible.max()
        if self.demo.y_log:
            self.ax.set_ylim(low / 1.5, high * 1.5)
        else:
            pad = 0.05 * (high - low or 1.0)
            self.ax.set_ylim(low - pad, high + pad)
        self.image.value = self.png()
        self.caption.value = html.escape(self.demo.describe(self.values, self._curves))
        self.last_update_seconds = time.perf_counter() - start

    def png(self) -> bytes:
        """Draw the figure once and encode it (faster than ``savefig``, which draws twice)."""
        from PIL import Image

        canvas = self.figure.canvas
        canvas.draw()
        rgba = Image.frombuffer(
            "RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        )
        buffer = io.BytesIO()
        rgba.convert("RGB").save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class Explorable:
    """A kernel-free Vega-Lite rendering of a demo over a precomputed grid."""

    def __init__(self, demo: Demo, digits: int = 3) -> None:
        self.demo = demo
        self.spec = vega_lite_spec(demo, digits)

    def to_html(self) -> str:
        spec = json.dumps(self.spec, separators=(",", ":")).replace("</", "<\\/")
        description = html.escape(self.spec["description"])
        return (
            f'<div class="peakdata-explorable" role="figure" aria-label="{description}">'
            f'<div class="peakdata-explorable-chart"><p>{description} '
            "(An interactive chart: it needs JavaScript.)</p></div>"
            f'<script type="application/json" class="peakdata-explorable-spec">{spec}</script>'
            "</div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<Explorable: {self.demo.title}>"


def grid_rows(demo: Demo, digits: int = 3) -> list[dict]:
    """One row per curve and combination of the parameters that curve depends on."""
    names = [p.name for p in demo.params]
    rows, seen = [], set()
    for combo in itertools.product(*(p.values() for p in demo.params)):
        values = dict(zip(names, combo, strict=True))
        curves = None
        for s in demo.series:
            key = (s.key, *(values[n] for n in s.depends_on))
            if key in seen:
                continue
            seen.add(key)
            curves = curves if curves is not None else demo.curves(**values)
            row = {n: (values[n] if n in s.depends_on else None) for n in names}
            row["series"] = s.label
            row["y"] = [float(f"{v:.{digits}g}") for v in curves[s.key]]
            rows.append(row)
    return rows


def vega_lite_spec(demo: Demo, digits: int = 3) -> dict:
    """The Vega-Lite spec: bound inputs with the same ranges as the live panel."""
    signal = {p.name: f"p_{p.name}" for p in demo.all_params()}
    match = " && ".join(
        f"(datum.{p.name} === null || datum.{p.name} === {signal[p.name]})" for p in demo.params
    )
    labels = [s.label for s in demo.series]
    y_scale = {"type": "log"} if demo.y_log else {"zero": False}
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": demo.title + ": " + demo.describe(demo.check(), demo.curves()),
        "title": demo.title,
        "width": "container",
        "height": 300,
        "background": "white",
        "params": [
            {"name": signal[p.name], "value": p.default, "bind": p.vega_bind()}
            for p in demo.all_params()
        ],
        "data": {"values": grid_rows(demo, digits)},
        "transform": [
            {"filter": match},
            {"flatten": ["y"]},
            {"window": [{"op": "row_number", "as": "i"}], "groupby": ["series"]},
            {"calculate": "datum.i - 1", "as": "x"},
            {"filter": f"datum.x <= {signal[demo.x_param.name]}"},
        ],
        "mark": {"type": "line", "clip": True},
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "title": demo.x_label},
            "y": {"field": "y", "type": "quantitative", "title": demo.y_label, "scale": y_scale},
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": labels, "range": [s.color for s in demo.series]},
                "legend": {"orient": "bottom", "columns": 2, "labelLimit": 320},
            },
            "strokeDash": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": labels, "range": [list(s.dash) or [1, 0] for s in demo.series]},
            },
            "strokeWidth": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": labels, "range": [s.width for s in demo.series]},
            },
        },
    }
