"""One demo, every kind of figure, two renderings.

A :class:`Demo` declares its parameters (with their ranges), the marks it draws and how to
compute them. A mark is one panel of the figure, of one of six kinds:

* :class:`Lines`: curves over any x (generations by default, or log-spaced values);
* :class:`Points`: a 2-D sample drawn over a grey reference layer;
* :class:`Histogram`: the distribution of a quantity over runs;
* :class:`Heatmap`: a value over two axes, with optional contour lines and a marked point;
* :class:`Text`: a short passage (e.g. what a model wrote);
* :class:`Readout`: the key numbers of the current setting, as a small table.

``compute`` returns one dict: each series key of a :class:`Lines` panel maps to its y values,
each other mark's key to its data. A mark with ``select="name"`` receives a mapping
``{value: data}`` over the values of the view slider ``name``, which then picks an entry
without recomputing anything. From that single definition the demo renders

* :class:`LivePanel`: ipywidgets controls over a matplotlib figure whose artists are updated in
  place (Jupyter, Binder, Colab); text and readouts are HTML widgets;
* :class:`Explorable`: Vega-Lite panels with bound controls over a grid precomputed by the same
  ``compute`` (the static site, no kernel). Its scripts are served by the site itself.

:meth:`Demo.show` picks the rendering: the explorable while the book's site is being built (the
book's Sphinx extension sets ``PEAKDATA_SITE_BUILD``), the live panel everywhere else.

A demo without ``panels`` gets one :class:`Lines` panel built from its ``series``, ``x_param``,
``x_label``, ``y_label`` and ``y_log`` attributes.
"""

from __future__ import annotations

import collections
import functools
import gzip
import html
import itertools
import json
import math
import os
import struct
import textwrap
import time
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from .._checks import check_choice

SITE_BUILD_ENV = "PEAKDATA_SITE_BUILD"
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
MAX_PAGE_DATA_GZIP = 150_000
"""Budget of explorable data on one page, in gzip bytes (DESIGN.md section 7)."""
PANEL_WIDTH = 300
"""Default plot width (px) of a panel; the site's script fits it to the reader's screen."""
TITLE_CHARS = 40
"""Panel and axis titles longer than this are wrapped, so they fit a 360 px phone."""
HEATMAP_SCHEME = "viridis"
"""The colour map of heatmaps, the same in matplotlib and Vega."""


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
            layout=w.Layout(width="340px", max_width="100%"),  # fits a 390 px phone
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
    """One curve of a :class:`Lines` panel, and the parameters its values depend on."""

    key: str
    label: str
    color: str
    dash: tuple[float, ...] = ()
    width: float = 1.5
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Overlay:
    """A computed polyline or set of points drawn over a :class:`Heatmap`.

    ``compute`` gives ``(xs, ys)`` for ``key``, in the heatmap's coordinates; ``depends_on``
    names the parameters they depend on (the static grid stores one row per combination).
    ``kind`` is ``"line"`` (with ``dash`` and ``width``) or ``"point"`` (a filled ``shape``
    with a black edge: ``"circle"``, ``"square"`` or ``"diamond"``).
    """

    key: str
    label: str
    color: str
    kind: str = "line"
    depends_on: tuple[str, ...] = ()
    dash: tuple[float, ...] = ()
    width: float = 2.0
    shape: str = "circle"

    def __post_init__(self) -> None:
        check_choice("kind", self.kind, ("line", "point"))
        check_choice("shape", self.shape, tuple(_MPL_SHAPES))


_MPL_SHAPES = {"circle": "o", "square": "s", "diamond": "D"}
"""Vega point shapes and their matplotlib markers."""


# -- helpers -------------------------------------------------------------------------------------
def _round(values: object, digits: int) -> list:
    """Numbers to ``digits`` significant digits (non-finite ones become null)."""
    flat = np.asarray(values, dtype=float).ravel()
    return [float(f"{v:.{digits}g}") if np.isfinite(v) else None for v in flat.tolist()]


def _wrap(text: str, width: int = TITLE_CHARS) -> str | list[str]:
    """A title as one line, or as several lines (Vega draws a list as lines) when long."""
    lines = textwrap.wrap(text, width) or [""]
    return lines[0] if len(lines) == 1 else lines


def _match(names: tuple[str, ...]) -> dict:
    """Keep the rows whose parameter fields are unset or equal to the bound controls."""
    tests = [f"(!isValid(datum.{n}) || datum.{n} === p_{n})" for n in names]
    return {"filter": " && ".join(tests) or "true"}


def _pick(mapping: Mapping, value: object):
    """``mapping[value]``, also for a float key that differs from ``value`` by rounding."""
    if value in mapping:
        return mapping[value]
    for key, data in mapping.items():
        if isinstance(key, int | float | np.number) and abs(float(key) - float(value)) < 1e-9:
            return data
    raise KeyError(f"no entry for {value!r}; keys are {list(mapping)}")


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around cell centres (half-way between them, half a step beyond the ends)."""
    c = np.asarray(centres, dtype=float)
    if c.size == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = (c[1:] + c[:-1]) / 2
    return np.concatenate([[c[0] - (mid[0] - c[0])], mid, [c[-1] + (c[-1] - mid[-1])]])


def _nice_limits(low: float, high: float, log: bool = False) -> tuple[float, float]:
    """Axis limits around ``[low, high]`` with a small margin, rounded outward to a round step
    (as Vega's ``nice`` scales are): a small change of the data keeps the same limits, so the
    live panel keeps its cached axes and only redraws the data (see :class:`LivePanel`)."""
    if log:
        lo, hi = np.log10(low) - 0.08, np.log10(high) + 0.08
        return 10 ** (np.floor(lo * 4) / 4), 10 ** (np.ceil(hi * 4) / 4)
    span = (high - low) or abs(high) or 1.0
    lo, hi = low - 0.02 * span, high + 0.02 * span
    raw = (hi - lo) / 20
    step = 10 ** np.floor(np.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if m * step >= raw)
    return float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step)


_DECADE_LABELS = (
    "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6"
    " ? format(datum.value, '.0e') : ''"
)


def _log_axis(axis: dict, log: bool) -> dict:
    """On a log axis, label the powers of ten only (1e+12, 1e+13, ...), all in one format."""
    return {**axis, "labelExpr": _DECADE_LABELS} if log else axis


def _integer_axis(title: str | list[str], integer: bool) -> dict:
    axis: dict = {"title": title}
    if integer:
        axis.update({"format": "d", "tickMinStep": 1})
    return axis


def _swatch(color: str, dash: tuple[float, ...] = (), width: float = 2.0, point=False) -> str:
    if point:
        shape = f'<circle cx="14" cy="6" r="4" fill="{color}"/>'
    else:
        dashes = f' stroke-dasharray="{" ".join(f"{d:g}" for d in dash)}"' if dash else ""
        shape = (
            f'<line x1="0" y1="6" x2="28" y2="6" stroke="{color}" '
            f'stroke-width="{width:g}"{dashes}/>'
        )
    return f'<svg width="28" height="12" aria-hidden="true" focusable="false">{shape}</svg>'


# -- marks ---------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Mark(ABC):
    """One panel of a demo's figure.

    ``key`` names the mark's entry in ``compute``'s result; ``depends_on`` the parameters that
    entry depends on (the static grid stores one entry per combination of them); ``select`` an
    optional view slider: the entry is then ``{value: data}`` over that slider's values.
    """

    key: str
    title: str = ""
    depends_on: tuple[str, ...] = ()
    select: str | None = None

    kind = "mark"
    in_figure = True  # drawn on a matplotlib axes; otherwise an HTML widget
    height = 240  # static height, px

    def units(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The entries of ``compute``'s result this mark reads, with their dependencies."""
        return ((self.key, self.depends_on),)

    def data(self, curves: Mapping, values: Mapping, key: str | None = None):
        data = curves[key or self.key]
        return _pick(data, values[self.select]) if self.select else data

    def shown(self) -> tuple[str, ...]:
        """Parameters or view sliders whose current value the mark draws itself (a marked
        point, a rule): the live panel redraws the mark when one of them moves."""
        return tuple(getattr(self, "marker", None) or ())

    def live_artists(self, state) -> list:
        """The artists ``live_update`` changes. The live panel keeps everything else of the
        figure as a cached background and redraws only these on top of it (blitting); it
        redraws the background too when the axes' limits or :meth:`live_signature` change."""
        return []

    def live_signature(self, state) -> object:
        """What the cached background shows besides the axes' limits (``None``: nothing)."""
        return None

    @abstractmethod
    def live_init(self, ax, curves: Mapping, values: Mapping):
        """Create the artists (or widget) once; returns the state ``live_update`` needs."""

    @abstractmethod
    def live_update(self, state, curves: Mapping, values: Mapping) -> None:
        """Update the artists in place for new curves or view values."""

    @abstractmethod
    def rows(self, key: str, data, digits: int) -> list[dict]:
        """The static grid's rows for one entry at one combination of parameters."""

    @abstractmethod
    def vega(self, rows: list[dict]) -> dict:
        """The Vega-Lite panel over the rows of every combination."""

    def legend(self) -> list[str]:
        """HTML legend entries (swatch and label) of the static panel."""
        return []

    def _panel(self, rows: list[dict], height: int | None = None) -> dict:
        names = (*self.depends_on, *([self.select] if self.select else []))
        panel = {
            "width": PANEL_WIDTH,
            "height": height or self.height,
            "data": {"values": rows},
            "transform": [_match(names)],
        }
        if self.title:
            panel["title"] = _wrap(self.title)
        return panel


@dataclass(frozen=True, kw_only=True)
class Lines(Mark):
    """Curves over x: generations 0, 1, 2, ... by default, or the given (e.g. log-spaced) x.

    ``x_view`` names a view slider that sets how much of x is shown (nothing is recomputed);
    ``rule`` a parameter or view slider whose current value is marked by a dashed vertical
    line of colour ``rule_color`` (it moves with the slider; nothing else is redrawn).
    ``minor_ticks=False`` leaves the minor ticks off the live figure's log axes (on an axis
    spanning several decades they are most of a redraw; the static panel has none).
    """

    key: str = "lines"
    series: tuple[Series, ...]
    x_label: str
    y_label: str
    x: tuple[float, ...] | None = None
    log_x: bool = False
    log_y: bool = False
    integer_x: bool | None = None
    x_view: str | None = None
    rule: str | None = None
    rule_color: str = "#000000"
    minor_ticks: bool = True

    kind = "lines"
    height = 260

    @property
    def is_integer_x(self) -> bool:
        if self.integer_x is not None:
            return self.integer_x
        if self.log_x:  # log-spaced x (compute, tokens) keeps Vega's and matplotlib's log ticks
            return False
        return self.x is None or all(float(v).is_integer() for v in self.x)

    def units(self):
        return tuple((s.key, s.depends_on) for s in self.series)

    def shown(self):
        return (self.rule,) if self.rule else ()

    def xs(self, n: int) -> np.ndarray:
        return np.arange(n) if self.x is None else np.asarray(self.x, dtype=float)

    def live_init(self, ax, curves, values):
        x = self.xs(len(curves[self.series[0].key]))
        lines = {
            s.key: ax.plot(
                x,
                np.full(x.shape, np.nan),
                color=s.color,
                lw=s.width,
                linestyle=(0, s.dash) if s.dash else "-",
                label=s.label,
            )[0]
            for s in self.series
        }
        ax.set(xlabel=self.x_label, ylabel=self.y_label)
        if self.title:
            ax.set_title(self.title, fontsize=10)
        if self.log_x:
            ax.set_xscale("log")
        if self.log_y:
            ax.set_yscale("log")
        if self.is_integer_x and not self.log_x:
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        if not self.minor_ticks:
            from matplotlib.ticker import NullLocator

            for axis, log in ((ax.xaxis, self.log_x), (ax.yaxis, self.log_y)):
                if log:
                    axis.set_minor_locator(NullLocator())
        state = {"ax": ax, "lines": lines, "x": x}
        if self.rule:
            state["rule"] = ax.axvline(
                values[self.rule], color=self.rule_color, lw=1.2, linestyle=(0, (3, 3))
            )
        return state

    def live_artists(self, state):
        return [*state["lines"].values(), *([state["rule"]] if self.rule else [])]

    def live_update(self, state, curves, values):
        ax, x = state["ax"], state["x"]
        for s in self.series:
            state["lines"][s.key].set_ydata(curves[s.key])
        shown = x <= values[self.x_view] + 1e-9 if self.x_view else np.ones(x.shape, bool)
        ax.set_xlim(x[0], x[shown][-1])
        visible = np.concatenate([np.asarray(curves[s.key])[shown] for s in self.series])
        visible = visible[np.isfinite(visible) & ((visible > 0) if self.log_y else True)]
        if visible.size:
            ax.set_ylim(*_nice_limits(visible.min(), visible.max(), self.log_y))
        if self.rule:
            v = float(values[self.rule])
            state["rule"].set_xdata([v, v])

    def rows(self, key, data, digits):
        label = next(s.label for s in self.series if s.key == key)
        return [{"series": label, "y": _round(data, digits)}]

    def vega(self, rows):
        names = tuple(dict.fromkeys(n for s in self.series for n in s.depends_on))
        x_expr = "datum.i - 1" if self.x is None else f"{json.dumps(list(self.x))}[datum.i - 1]"
        transform = [
            _match(names),
            {"flatten": ["y"]},
            {"window": [{"op": "row_number", "as": "i"}], "groupby": ["series"]},
            {"calculate": x_expr, "as": "x"},
        ]
        if self.x_view:
            transform.append({"filter": f"datum.x <= p_{self.x_view} + 1e-9"})
        labels = [s.label for s in self.series]

        def scale(attr):
            return {"domain": labels, "range": [attr(s) for s in self.series]}

        x_scale = {"type": "log"} if self.log_x else {"zero": False, "nice": False}
        panel = self._panel(rows)
        panel.update(
            transform=transform,
            mark={"type": "line", "clip": True},
            encoding={
                "x": {
                    "field": "x",
                    "type": "quantitative",
                    "scale": x_scale,
                    "axis": _log_axis(
                        _integer_axis(_wrap(self.x_label), self.is_integer_x), self.log_x
                    ),
                },
                "y": {
                    "field": "y",
                    "type": "quantitative",
                    "scale": {"type": "log"} if self.log_y else {"zero": False},
                    "axis": _log_axis({"title": _wrap(self.y_label)}, self.log_y),
                },
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "scale": scale(lambda s: s.color),
                    "legend": None,
                },
                "strokeDash": {
                    "field": "series",
                    "type": "nominal",
                    "scale": scale(lambda s: list(s.dash) or [1, 0]),
                    "legend": None,
                },
                "strokeWidth": {
                    "field": "series",
                    "type": "nominal",
                    "scale": scale(lambda s: s.width),
                    "legend": None,
                },
            },
        )
        if self.rule:  # the curves become the first layer, the rule the second
            curves = {k: panel.pop(k) for k in ("transform", "mark", "encoding")}
            rule = {
                "data": {"values": [{}]},
                "transform": [{"calculate": f"p_{self.rule}", "as": "rx"}],
                "mark": {"type": "rule", "color": self.rule_color, "strokeDash": [3, 3]},
                "encoding": {"x": {"field": "rx", "type": "quantitative"}},
            }
            panel["layer"] = [curves, rule]
        return panel

    def legend(self):
        return [_swatch(s.color, s.dash, s.width) + html.escape(s.label) for s in self.series]


@dataclass(frozen=True, kw_only=True)
class Points(Mark):
    """A 2-D sample ``(n, 2)`` drawn over a fixed grey reference sample."""

    x_label: str
    y_label: str
    label: str
    color: str
    reference: Callable[[], np.ndarray] | None = None
    reference_label: str = "reference"
    reference_color: str = "#b0b0b0"
    domain: tuple[tuple[float, float], tuple[float, float]] | None = None
    size: float = 14.0

    kind = "points"
    height = 260

    def reference_points(self) -> np.ndarray:
        return np.empty((0, 2)) if self.reference is None else np.asarray(self.reference())

    def live_init(self, ax, curves, values):
        ref = self.reference_points()
        ax.scatter(
            ref[:, 0],
            ref[:, 1],
            s=self.size,
            color=self.reference_color,
            label=self.reference_label,
            zorder=1,
        )
        sample = ax.scatter([], [], s=self.size, color=self.color, label=self.label, zorder=2)
        ax.set(xlabel=self.x_label, ylabel=self.y_label)
        if self.title:
            ax.set_title(self.title, fontsize=10)
        if self.domain:
            ax.set_xlim(*self.domain[0])
            ax.set_ylim(*self.domain[1])
        return {"ax": ax, "sample": sample}

    def live_artists(self, state):
        return [state["sample"]]

    def live_update(self, state, curves, values):
        points = np.asarray(self.data(curves, values), dtype=float).reshape(-1, 2)
        state["sample"].set_offsets(points)
        if not self.domain:
            both = np.concatenate([self.reference_points(), points])
            low, high = both.min(axis=0), both.max(axis=0)
            state["ax"].set_xlim(*_nice_limits(low[0], high[0]))
            state["ax"].set_ylim(*_nice_limits(low[1], high[1]))

    def rows(self, key, data, digits):
        points = np.asarray(data, dtype=float).reshape(-1, 2)
        return [{"x": _round(points[:, 0], digits), "y": _round(points[:, 1], digits)}]

    def vega(self, rows):
        ref = self.reference_points()
        reference = [{"x": float(f"{x:.3g}"), "y": float(f"{y:.3g}")} for x, y in ref.tolist()]
        domain = self.domain or ((None, None), (None, None))

        def scale(k):
            return {"domain": list(domain[k])} if self.domain else {"zero": False}

        encoding = {
            "x": {
                "field": "x",
                "type": "quantitative",
                "scale": scale(0),
                "axis": {"title": _wrap(self.x_label)},
            },
            "y": {
                "field": "y",
                "type": "quantitative",
                "scale": scale(1),
                "axis": {"title": _wrap(self.y_label)},
            },
        }
        panel = self._panel([])
        del panel["data"]
        del panel["transform"]
        names = (*self.depends_on, *([self.select] if self.select else []))
        size = self.size * 1.6
        panel["layer"] = [
            {
                "data": {"values": reference},
                "mark": {
                    "type": "circle",
                    "color": self.reference_color,
                    "opacity": 1,
                    "size": size,
                    "clip": True,
                },
                "encoding": encoding,
            },
            {
                "data": {"values": rows},
                "transform": [_match(names), {"flatten": ["x", "y"]}],
                "mark": {
                    "type": "circle",
                    "color": self.color,
                    "opacity": 0.9,
                    "size": size,
                    "clip": True,
                },
                "encoding": encoding,
            },
        ]
        return panel

    def legend(self):
        out = [_swatch(self.color, point=True) + html.escape(self.label)]
        if self.reference is not None:
            out.insert(
                0, _swatch(self.reference_color, point=True) + html.escape(self.reference_label)
            )
        return out


@dataclass(frozen=True, kw_only=True)
class Histogram(Mark):
    """The distribution of a quantity over runs: ``compute`` gives the values, one per run."""

    bins: tuple[float, ...]
    x_label: str
    color: str
    y_label: str = "share of runs"
    integer_x: bool = False  # whole-number tick labels without separators (years, counts)

    kind = "histogram"
    height = 200

    def shares(self, values) -> np.ndarray:
        edges = np.asarray(self.bins, dtype=float)
        v = np.clip(np.asarray(values, dtype=float).ravel(), edges[0], edges[-1])
        return np.histogram(v, edges)[0] / max(v.size, 1)

    def live_init(self, ax, curves, values):
        edges = np.asarray(self.bins, dtype=float)
        bars = ax.bar(
            edges[:-1],
            np.zeros(edges.size - 1),
            width=np.diff(edges),
            align="edge",
            color=self.color,
            edgecolor="white",
            linewidth=0.5,
        )
        ax.set(xlabel=self.x_label, ylabel=self.y_label, xlim=(edges[0], edges[-1]))
        ax.set_axisbelow(True)  # grid lines behind the bars, which are redrawn on top
        if self.title:
            ax.set_title(self.title, fontsize=10)
        return {"ax": ax, "bars": bars}

    def live_artists(self, state):
        return list(state["bars"].patches)

    def live_update(self, state, curves, values):
        shares = self.shares(self.data(curves, values))
        for bar, h in zip(state["bars"].patches, shares, strict=True):
            bar.set_height(h)
        state["ax"].set_ylim(*_nice_limits(0.0, max(shares.max(), 1e-3)))

    def rows(self, key, data, digits):
        return [{"h": _round(self.shares(data), digits)}]

    def vega(self, rows):
        edges = json.dumps(_round(self.bins, 6))
        panel = self._panel(rows)
        panel["transform"] += [
            {"flatten": ["h"]},
            {"window": [{"op": "row_number", "as": "i"}]},
            {"calculate": f"{edges}[datum.i - 1]", "as": "x0"},
            {"calculate": f"{edges}[datum.i]", "as": "x1"},
        ]
        panel.update(
            mark={"type": "rect", "color": self.color, "stroke": "white", "strokeWidth": 0.5},
            encoding={
                "x": {
                    "field": "x0",
                    "type": "quantitative",
                    "scale": {"domain": [self.bins[0], self.bins[-1]], "nice": False},
                    "axis": _integer_axis(_wrap(self.x_label), self.integer_x),
                },
                "x2": {"field": "x1"},
                "y": {"field": "h", "type": "quantitative", "axis": {"title": _wrap(self.y_label)}},
                "y2": {"datum": 0},
            },
        )
        return panel


@dataclass(frozen=True, kw_only=True)
class Heatmap(Mark):
    """A value over two axes, ``(len(y), len(x))``, with contour ``levels`` and a marked point.

    ``marker`` names the two parameters (x, y) whose current values are marked; ``overlays``
    are computed lines and points drawn on top (see :class:`Overlay`), each the data of its own
    key in ``compute``'s result, stored in the static grid once per combination of the
    parameters it depends on.
    """

    x: tuple[float, ...]
    y: tuple[float, ...]
    x_label: str
    y_label: str
    z_label: str
    zmin: float
    zmax: float
    levels: tuple[float, ...] = ()
    marker: tuple[str, str] | None = None
    integer_x: bool = False
    integer_y: bool = False
    overlays: tuple[Overlay, ...] = ()

    kind = "heatmap"
    height = 220

    def units(self):
        return ((self.key, self.depends_on), *((o.key, o.depends_on) for o in self.overlays))

    def contours(self, z: np.ndarray) -> list[tuple[float, np.ndarray]]:
        import contourpy

        gen = contourpy.contour_generator(
            np.asarray(self.x, float), np.asarray(self.y, float), np.asarray(z, float)
        )
        return [(lv, seg) for lv in self.levels for seg in gen.lines(lv) if len(seg) > 1]

    def live_init(self, ax, curves, values):
        from matplotlib.collections import LineCollection

        z = np.asarray(self.data(curves, values), dtype=float)
        mesh = ax.pcolormesh(
            _edges(self.x),
            _edges(self.y),
            z,
            cmap=HEATMAP_SCHEME,
            vmin=self.zmin,
            vmax=self.zmax,
            shading="flat",
        )
        ax.figure.colorbar(mesh, ax=ax, label=self.z_label)
        contour = LineCollection([], colors="white", linewidths=1.2)
        ax.add_collection(contour)
        marker = ax.plot([], [], "o", ms=8, mfc="white", mec="black", mew=1.5)[0]
        overlays = {}
        for o in self.overlays:
            if o.kind == "line":
                style = {"lw": o.width, "linestyle": (0, o.dash) if o.dash else "-"}
            else:
                style = {"marker": _MPL_SHAPES[o.shape], "linestyle": "none", "ms": 8}
                style.update(mfc=o.color, mec="black", mew=1.5, zorder=5)
            overlays[o.key] = ax.plot([], [], color=o.color, label=o.label, **style)[0]
        ax.set(xlabel=self.x_label, ylabel=self.y_label)
        ax.grid(False)
        if self.title:
            ax.set_title(self.title, fontsize=10)
        if self.integer_x:
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        if self.integer_y:
            from matplotlib.ticker import MaxNLocator

            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        return {"mesh": mesh, "contour": contour, "marker": marker, "overlays": overlays}

    def live_update(self, state, curves, values):
        z = np.asarray(self.data(curves, values), dtype=float)
        if state.get("z") is None or not np.array_equal(state["z"], z, equal_nan=True):
            state["z"] = z  # a new map (not only a moved point): new colours and contours
            state["mesh"].set_array(z.ravel())
            state["contour"].set_segments([seg for _, seg in self.contours(z)])
        if self.marker:
            state["marker"].set_data([values[self.marker[0]]], [values[self.marker[1]]])
        for o in self.overlays:
            xs, ys = self.data(curves, values, o.key)
            state["overlays"][o.key].set_data(xs, ys)

    def live_artists(self, state):
        return [state["mesh"], state["contour"], state["marker"], *state["overlays"].values()]

    def rows(self, key, data, digits):
        if key != self.key:  # an overlay: its points, one row per combination
            xs, ys = data
            return [{"overlay": key, "ox": _round(xs, digits + 1), "oy": _round(ys, digits + 1)}]
        z = np.asarray(data, dtype=float)
        out = [{"z": _round(z, digits)}]
        for k, (level, seg) in enumerate(self.contours(z)):
            out.append(
                {"line": k, "level": level, "cx": _round(seg[:, 0], 4), "cy": _round(seg[:, 1], 4)}
            )
        return out

    def vega(self, rows):
        xe, ye = json.dumps(_round(_edges(self.x), 6)), json.dumps(_round(_edges(self.y), 6))
        nx = len(self.x)
        panel = self._panel([])
        base = panel.pop("transform")
        del panel["data"]
        x_axis = {**_integer_axis(_wrap(self.x_label), self.integer_x), "grid": False}
        y_axis = {**_integer_axis(_wrap(self.y_label), self.integer_y), "grid": False}
        xs = {
            "domain": [float(_edges(self.x)[0]), float(_edges(self.x)[-1])],
            "nice": False,
            "zero": False,
        }
        ys = {
            "domain": [float(_edges(self.y)[0]), float(_edges(self.y)[-1])],
            "nice": False,
            "zero": False,
        }
        layers = [
            {
                "transform": [
                    *base,
                    {"filter": "isValid(datum.z)"},
                    {"flatten": ["z"]},
                    {"window": [{"op": "row_number", "as": "i"}]},
                    {"calculate": f"(datum.i - 1) % {nx}", "as": "c"},
                    {"calculate": f"floor((datum.i - 1) / {nx})", "as": "r"},
                    {"calculate": f"{xe}[datum.c]", "as": "x0"},
                    {"calculate": f"{xe}[datum.c + 1]", "as": "x1"},
                    {"calculate": f"{ye}[datum.r]", "as": "y0"},
                    {"calculate": f"{ye}[datum.r + 1]", "as": "y1"},
                ],
                "mark": {"type": "rect"},
                "encoding": {
                    "x": {"field": "x0", "type": "quantitative", "scale": xs, "axis": x_axis},
                    "x2": {"field": "x1"},
                    "y": {"field": "y0", "type": "quantitative", "scale": ys, "axis": y_axis},
                    "y2": {"field": "y1"},
                    "color": {
                        "field": "z",
                        "type": "quantitative",
                        "title": _wrap(self.z_label, 30),
                        "scale": {
                            "scheme": HEATMAP_SCHEME,
                            "domain": [self.zmin, self.zmax],
                            "clamp": True,
                            "nice": False,
                        },
                        "legend": {
                            "orient": "bottom",
                            "gradientLength": 160,
                            "titleLimit": 260,
                            "format": ".2~f",
                        },
                    },
                },
            }
        ]
        if self.levels:
            layers.append(
                {
                    "transform": [
                        *base,
                        {"filter": "isValid(datum.cx)"},
                        {"flatten": ["cx", "cy"]},
                        {"window": [{"op": "row_number", "as": "j"}], "groupby": ["line"]},
                    ],
                    "mark": {"type": "line", "color": "white", "strokeWidth": 1.5, "clip": True},
                    "encoding": {
                        "x": {"field": "cx", "type": "quantitative"},
                        "y": {"field": "cy", "type": "quantitative"},
                        "detail": {"field": "line"},
                        "order": {"field": "j"},
                    },
                }
            )
        if self.marker:
            mx, my = self.marker
            layers.append(
                {
                    "data": {"values": [{}]},
                    "transform": [
                        {"calculate": f"p_{mx}", "as": "mx"},
                        {"calculate": f"p_{my}", "as": "my"},
                    ],
                    "mark": {
                        "type": "point",
                        "filled": True,
                        "fill": "white",
                        "stroke": "black",
                        "strokeWidth": 1.5,
                        "size": 90,
                        "opacity": 1,
                    },
                    "encoding": {
                        "x": {"field": "mx", "type": "quantitative"},
                        "y": {"field": "my", "type": "quantitative"},
                    },
                }
            )
        for o in self.overlays:
            names = (*o.depends_on, *([self.select] if self.select else []))
            encoding = {
                "x": {"field": "ox", "type": "quantitative"},
                "y": {"field": "oy", "type": "quantitative"},
            }
            if o.kind == "line":
                mark = {"type": "line", "color": o.color, "strokeWidth": o.width, "clip": True}
                mark["aria"] = False  # named by the legend; an empty line would be an unnamed image
                if o.dash:
                    mark["strokeDash"] = list(o.dash)
                encoding["order"] = {"field": "j"}
            else:
                mark = {
                    "type": "point",
                    "shape": o.shape,
                    "filled": True,
                    "fill": o.color,
                    "stroke": "black",
                    "strokeWidth": 1.5,
                    "size": 90,
                    "opacity": 1,
                    "clip": True,
                    "aria": False,
                }
            transform = [
                _match(names),
                {"filter": f"datum.overlay === '{o.key}'"},
                {"flatten": ["ox", "oy"]},
                {"window": [{"op": "row_number", "as": "j"}]},
            ]
            layers.append({"transform": transform, "mark": mark, "encoding": encoding})
        panel["data"] = {"values": rows}
        panel["layer"] = layers
        return panel

    def legend(self):
        return [
            (
                _swatch(o.color, o.dash, o.width)
                if o.kind == "line"
                else _swatch(o.color, point=True)
            )
            + html.escape(o.label)
            for o in self.overlays
        ]


@dataclass(frozen=True, kw_only=True)
class Text(Mark):
    """A short passage (``compute`` gives a string; lines separated by newlines)."""

    wrap: int = 34  # characters per line: the passage fits the plot width of a 360 px phone
    font_size: int = 12

    kind = "text"
    in_figure = False

    def wrapped(self, text: str) -> str:
        return "\n".join(
            part for line in str(text).splitlines() for part in textwrap.wrap(line, self.wrap)
        )

    def live_init(self, ax, curves, values):
        import ipywidgets as w

        return w.HTML(layout=w.Layout(max_width="460px", margin="0 1rem 0 0"))

    def live_update(self, state, curves, values):
        lines = [html.escape(line) for line in str(self.data(curves, values)).splitlines()]
        title = f"<b>{html.escape(self.title)}</b><br>" if self.title else ""
        state.value = (
            f'{title}<blockquote style="font-family: Georgia, serif; margin: 0.3rem 0">'
            + "<br>".join(lines)
            + "</blockquote>"
        )

    def rows(self, key, data, digits):
        return [{"text": self.wrapped(data)}]

    def vega(self, rows):
        lines = max((r["text"].count("\n") + 1 for r in rows), default=1)
        panel = self._panel(rows, height=lines * int(self.font_size * 1.4) + 4)
        panel.update(
            view={"stroke": None},
            mark={
                "type": "text",
                "align": "left",
                "baseline": "top",
                "x": 0,
                "y": 0,
                "lineBreak": "\n",
                "fontSize": self.font_size,
                "lineHeight": int(self.font_size * 1.4),
                "font": "Georgia, serif",
                "color": "#222",
            },
            encoding={"text": {"field": "text"}},
        )
        return panel


@dataclass(frozen=True, kw_only=True)
class Readout(Mark):
    """Key numbers of the current setting: ``compute`` gives ``[(label, formatted value), ...]``."""

    kind = "readout"
    in_figure = False
    row_height = 20

    def live_init(self, ax, curves, values):
        import ipywidgets as w

        return w.HTML(layout=w.Layout(margin="0 1rem 0 0"))

    def live_update(self, state, curves, values):
        body = "".join(
            f'<tr><td style="padding-right: 1rem">{html.escape(str(label))}</td>'
            f'<td style="text-align: right"><b>{html.escape(str(value))}</b></td></tr>'
            for label, value in self.data(curves, values)
        )
        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        state.value = f"<table>{caption}{body}</table>"

    def rows(self, key, data, digits):
        pairs = list(data)
        return [{"label": [str(a) for a, _ in pairs], "value": [str(b) for _, b in pairs]}]

    def vega(self, rows):
        n = max((len(r["label"]) for r in rows), default=1)
        panel = self._panel(rows, height=n * self.row_height)
        panel["transform"] += [
            {"flatten": ["label", "value"]},
            {"window": [{"op": "row_number", "as": "i"}]},
        ]
        y = {
            "field": "i",
            "type": "ordinal",
            "axis": None,
            "scale": {"domain": list(range(1, n + 1))},
        }
        text = {"type": "text", "baseline": "middle", "fontSize": 12, "color": "#222"}
        panel.update(
            view={"stroke": None},
            layer=[
                {
                    "mark": {**text, "align": "left", "x": 0},
                    "encoding": {"y": y, "text": {"field": "label"}},
                },
                {
                    "mark": {
                        **text,
                        "align": "right",
                        "x": PANEL_WIDTH,  # explorables.js moves it with the width
                        "fontWeight": "bold",
                    },
                    "encoding": {"y": y, "text": {"field": "value"}},
                },
            ],
        )
        return panel


MARK_KINDS = (Lines, Points, Histogram, Heatmap, Text, Readout)


# -- the demo ------------------------------------------------------------------------------------
class Demo(ABC):
    """A demo: parameters, marks, and how to compute them.

    ``params`` are passed to ``compute``; view sliders (``x_param`` and ``views``) only change
    what is shown (how much of x, which generation's sample), so moving them never recomputes.
    A demo whose ``compute`` is too slow for a live update (tens of ms or more) sets
    ``precompute = True``: :meth:`live` then computes every setting once (:meth:`warm`) and
    keeps the results, so that moving a control only redraws.
    """

    title: str
    params: tuple[Param, ...]
    x_param: Slider | None = None
    views: tuple[Slider, ...] = ()
    panels: tuple[Mark, ...] = ()
    # the legacy single-panel declaration (used when ``panels`` is empty)
    x_label: str = ""
    y_label: str = ""
    y_log: bool = False
    series: tuple[Series, ...] = ()
    precompute: bool = False

    @abstractmethod
    def compute(self, **values) -> dict:
        """Data of every mark (series key or mark key -> data) for checked parameter values."""

    @abstractmethod
    def describe(self, values: dict, curves: dict) -> str:
        """One or two sentences that say what the figure shows, with its key numbers."""

    def __init_subclass__(cls, **kwargs) -> None:
        """Wrap each demo's ``compute``: a direct call checks the values as a slider would."""
        super().__init_subclass__(**kwargs)
        compute = cls.__dict__.get("compute")
        if compute is None or getattr(compute, "_checked", False):
            return

        @functools.wraps(compute)
        def checked(self, **values):
            full = self.check(**values)
            return compute(self, **{p.name: full[p.name] for p in self.params})

        checked._checked = True
        cls.compute = checked

    # -- marks ---------------------------------------------------------------------------------
    def marks(self) -> tuple[Mark, ...]:
        """The declared panels, or one :class:`Lines` panel from the legacy attributes."""
        if self.panels:
            return tuple(self.panels)
        return (
            Lines(
                series=tuple(self.series),
                x_label=self.x_label,
                y_label=self.y_label,
                log_y=self.y_log,
                x_view=self.x_param.name if self.x_param else None,
            ),
        )

    def validate(self) -> None:
        """Check that the marks only refer to declared parameters, and keys are unique."""
        params = {p.name for p in self.params}
        views = {p.name for p in self.view_params()}
        name = type(self).__name__
        keys = [k for m in self.marks() for k, _ in m.units()]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{name}: mark and series keys must be unique, got {keys}")
        for m in self.marks():
            for key, deps in m.units():
                if not set(deps) <= params:
                    raise ValueError(f"{name}: {key!r} depends on unknown parameters {deps}")
            for view in (m.select, getattr(m, "x_view", None)):
                if view is not None and view not in views:
                    raise ValueError(f"{name}: {m.key!r} uses {view!r}, which is not a view slider")
            if not set(m.shown()) <= params | views:
                raise ValueError(f"{name}: {m.key!r} marks unknown parameters {m.shown()}")

    # -- parameters ----------------------------------------------------------------------------
    def view_params(self) -> tuple[Slider, ...]:
        first = (self.x_param,) if self.x_param is not None else ()
        return (*first, *(v for v in self.views if v is not self.x_param))

    def all_params(self) -> tuple[Param, ...]:
        return (*self.params, *self.view_params())

    def param(self, name: str) -> Param:
        return next(p for p in self.all_params() if p.name == name)

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

    def curves(self, **values) -> dict:
        """Checked parameters in, every mark's data out (view sliders are ignored)."""
        checked = self.check(**values)
        args = {p.name: checked[p.name] for p in self.params}
        kept = self.__dict__.get("_warm", {}).get(tuple(args.values()))
        return kept if kept is not None else self.compute(**args)

    @property
    def x(self) -> np.ndarray:
        return np.arange(int(self.x_param.max) + 1)

    def warm(self) -> None:
        """Compute every setting of the parameters once and keep the results: moving a control
        then only looks its data up (a few hundred settings of small arrays at most)."""
        names = [p.name for p in self.params]
        kept = {}
        for combo in itertools.product(*(p.values() for p in self.params)):
            checked = self.check(**dict(zip(names, combo, strict=True)))
            key = tuple(checked[n] for n in names)
            kept[key] = self.curves(**checked)
        self._warm = kept

    # -- renderings ----------------------------------------------------------------------------
    def live(self) -> LivePanel:
        if self.precompute:
            self.warm()
        return LivePanel(self)

    def explorable(self) -> Explorable:
        return Explorable(self)

    def show(self):
        """The explorable while the book's site is built, the live panel anywhere else."""
        return self.explorable() if os.environ.get(SITE_BUILD_ENV) else self.live()


LIVE_TITLE_CHARS = 66
"""A live figure's title longer than this is set on two lines (it is centred over the axes)."""

TEXT_LAYOUTS = 4096
"""Text layouts the live panels' renderer keeps (tick labels repeat from one redraw to the next)."""


@cache
def _canvas_class():
    """Matplotlib's Agg canvas, with a renderer that keeps the layout of the strings it draws.

    Laying a string out (shaping it into positioned glyphs) is about half the time Agg spends
    on text, and text (tick labels, titles, legends) most of a redraw's. The glyphs are still
    rendered at each draw, from the same layout, so the picture is unchanged. Falls back to
    Agg's own text drawing where this matplotlib's renderer has no such layout step.
    """
    from matplotlib.backends import backend_agg as agg

    def prop_key(prop) -> tuple:  # what picks the font file and size (as FontProperties' hash)
        return (
            tuple(prop.get_family()),
            prop.get_slant(),
            prop.get_variant(),
            prop.get_weight(),
            prop.get_stretch(),
            prop.get_size_in_points(),
            prop.get_file(),
            prop.get_math_fontfamily(),
        )

    class Renderer(agg.RendererAgg):
        layouts: dict = {}
        glyphs: dict = {}
        heights: dict = {}

        def _get_font_height_metrics(self, prop):
            """The font's ascent, descent and line gap in pixels, read once per font and size
            (``Text`` asks at every layout, and reading the font's tables is most of it): the
            same numbers as matplotlib's own reading (OS/2 table, else hhea; ``None``: neither,
            and ``Text`` measures the font instead)."""
            key = (prop_key(prop), self.dpi)
            if key not in self.heights:
                from matplotlib.font_manager import fontManager, get_font

                font = get_font(fontManager._find_fonts_by_props(prop))
                metrics = (None, None, None)
                for table_name, gap, ascent, descent in (
                    ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                    ("hhea", "lineGap", "ascent", "descent"),
                ):
                    table = font.get_sfnt_table(table_name)
                    if table is None:
                        continue
                    scale = prop.get_size_in_points() * self.dpi / 72
                    scale /= font.get_sfnt_table("head")["unitsPerEm"]
                    metrics = (table[ascent] * scale, -table[descent] * scale, table[gap] * scale)
                    break
                self.heights[key] = metrics
            return self.heights[key]

        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if ismath or not hasattr(agg.RendererAgg, "_prepare_font"):
                return super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            features = mtext.get_fontfeatures() if mtext is not None else None
            language = mtext.get_language() if mtext is not None else None
            size = prop.get_size_in_points()
            flags = agg.get_hinting_flag()
            key = (prop_key(prop), self.dpi, s, flags, repr(features), repr(language))
            items = self.layouts.get(key)
            if items is None:
                font = self._prepare_font(prop)
                if not hasattr(font, "_layout"):
                    return super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
                if len(self.layouts) >= TEXT_LAYOUTS:
                    self.layouts.clear()
                items = font._layout(s, flags=flags, features=features, language=language)
                self.layouts[key] = items
            glyphs = ((i.ft_object, size, i.glyph_index, 0, 1, i.x, i.y) for i in items)
            self._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, [])

        def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
            """Agg's, with each glyph's bitmap kept for its sub-pixel offset: a bitmap moved by
            whole pixels is the same bitmap, so a label drawn again at the same place (or whole
            pixels away) is copied instead of rendered."""
            if boxes or not gc.get_antialiased():
                return super()._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, boxes)
            cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            flags = agg.get_hinting_flag()
            height = int(self.height)
            for font, size, index, slant, extend, dx, dy in glyphs:
                matrix = (
                    (
                        0x10000
                        * np.array([[cos, -sin], [sin, cos]])
                        @ [[extend, extend * slant], [0, 1]]
                    )
                    .round()
                    .astype(int)
                )
                px = round(0x40 * (x + dx * cos - dy * sin))
                py = round(0x40 * (self.height - y + dx * sin + dy * cos))
                key = (font.fname, size, self.dpi, index, matrix.tobytes(), px & 63, py & 63, flags)
                glyph = self.glyphs.get(key)
                if glyph is None:
                    if len(self.glyphs) >= TEXT_LAYOUTS * 4:
                        self.glyphs.clear()
                    font.set_size(size, self.dpi)
                    font._set_transform(matrix, [px & 63, py & 63])
                    bitmap = font._render_glyph(index, flags, agg.RenderMode.NORMAL)
                    glyph = (np.array(bitmap.buffer), bitmap.left, bitmap.top)
                    self.glyphs[key] = glyph
                buffer, left, top = glyph
                self._renderer.draw_text_image(
                    buffer, left + (px >> 6), height - top - (py >> 6) + buffer.shape[0], 0, gc
                )

    class Canvas(agg.FigureCanvasAgg):
        def get_renderer(self):
            w, h = self.get_width_height(physical=True)
            key = w, h, self.figure.dpi
            if self._lastKey != key:
                self.renderer = Renderer(w, h, self.figure.dpi)
                self._lastKey = key
            return self.renderer

    if not (hasattr(agg.RendererAgg, "_draw_text_glyphs_and_boxes") and hasattr(agg, "RenderMode")):
        return agg.FigureCanvasAgg
    return Canvas


class _TickMemo:
    """A context in which an axes lays out each axis's ticks once.

    Drawing an axes, matplotlib lays out the ticks and measures their labels three times: to
    place the title, to place the axis label, and to draw them; nothing changes in between.
    Inside the context each axis's ``_update_ticks`` and ``_get_ticklabel_bboxes`` keep their
    first result (a full redraw takes about 40 % less time, with the same pixels); outside it
    they are matplotlib's own. Does nothing where this matplotlib lacks those methods.
    """

    def __init__(self, ax) -> None:
        self.on = False
        self.memo: dict = {}
        for axis in (ax.xaxis, ax.yaxis):
            if hasattr(axis, "_update_ticks") and hasattr(axis, "_get_ticklabel_bboxes"):
                self._wrap(axis)

    def _wrap(self, axis) -> None:
        update, boxes = axis._update_ticks, axis._get_ticklabel_bboxes

        def _update_ticks():
            if not self.on:
                return update()
            key = ("ticks", id(axis))
            if key not in self.memo:
                self.memo[key] = update()
            return self.memo[key]

        def _get_ticklabel_bboxes(ticks, renderer=None):
            if not self.on:
                return boxes(ticks, renderer)
            key = ("boxes", id(axis), id(ticks), id(renderer))
            if key not in self.memo:
                self.memo[key] = boxes(ticks, renderer)
            return self.memo[key]

        axis._update_ticks = _update_ticks
        axis._get_ticklabel_bboxes = _get_ticklabel_bboxes

    def __enter__(self) -> _TickMemo:
        self.memo.clear()
        self.on = True
        return self

    def __exit__(self, *exc) -> None:
        self.on = False
        self.memo.clear()


def _png_rgb(rgba: np.ndarray) -> bytes:
    """An RGB PNG of an ``(h, w, 4)`` RGBA image (alpha dropped: a figure's face is opaque).

    Rows unfiltered, deflated at zlib level 1: on a plot (mostly flat colour) about as small as
    Pillow's PNG at its fastest level, which filters every row adaptively, and 2-3 times faster
    to encode; the pixels are the same.
    """
    h, w = rgba.shape[:2]
    raw = np.zeros((h, 1 + 3 * w), np.uint8)  # each row: filter type 0, then its RGB bytes
    raw[:, 1:] = rgba[:, :, :3].reshape(h, 3 * w)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw.tobytes(), 1))
        + chunk(b"IEND", b"")
    )


class LivePanel:
    """ipywidgets controls over matplotlib figures, one per plotted mark, updated in place.

    A change recomputes only when a parameter of ``compute`` moved, and redraws only the marks
    whose data, view slider or marked point it touches. A redraw is blitted: each figure keeps
    two cached images, one without its plot (legend, colour bar) and one with the plot's static
    parts (axes, ticks, titles); only the mark's :meth:`~Mark.live_artists` are drawn on top,
    and the axes are redrawn only when their limits (or :meth:`~Mark.live_signature`) changed.
    The picture is the same as a full draw's.
    """

    def __init__(self, demo: Demo) -> None:
        import ipywidgets as w
        from matplotlib.figure import Figure

        demo.validate()
        self.demo = demo
        self.marks = demo.marks()
        self.values = demo.check()
        self.controls = {p.name: p.widget() for p in demo.all_params()}
        plotted = [m for m in self.marks if m.in_figure]
        single = len(plotted) == 1
        self._curves = demo.curves(**self.values)
        self.state: dict[str, object] = {}
        self.figures: dict[str, Figure] = {}
        self._main_axes: dict[str, object] = {}
        self._layers: dict[str, dict] = {}
        self._tick_memos: dict[str, _TickMemo] = {}
        self.images: dict[str, object] = {}
        self.axes = []
        for m in plotted:
            figure = Figure(figsize=(7.0, 4.4) if single else (5.4, 4.2), layout="constrained")
            _canvas_class()(figure)
            ax = figure.add_subplot()
            self.state[m.key] = m.live_init(ax, self._curves, self.values)
            if single:  # a long title would reach (or pass) the figure's edges: two lines
                title = demo.title
                if len(title) > LIVE_TITLE_CHARS:
                    title = textwrap.fill(title, len(title) // 2 + 8)
                ax.set_title(title)
            if ax.get_legend_handles_labels()[0]:
                figure.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
            self.figures[m.key], self.axes = figure, [*self.axes, ax]
            self._main_axes[m.key] = ax
            self._tick_memos[m.key] = _TickMemo(ax)
            # two figures side by side, or one per row (the whole width) on a narrow screen;
            # never wider than the picture's own pixels (an enlarged PNG is blurred)
            layout = w.Layout(
                width="100%" if single else "49%",
                max_width=f"min(100%, {round(figure.bbox.width)}px)",
                min_width="min(320px, 100%)",
            )
            self.images[m.key] = w.Image(format="png", layout=layout)
        for m in self.marks:
            if not m.in_figure:
                self.state[m.key] = m.live_init(None, self._curves, self.values)
        self.figure = next(iter(self.figures.values()), None)
        self.ax = self.axes[0] if self.axes else None
        self.image = next(iter(self.images.values()), None)
        self.lines = {
            k: line
            for m in plotted
            if isinstance(m, Lines)
            for k, line in self.state[m.key]["lines"].items()
        }
        self.caption = w.HTML()
        for name, control in self.controls.items():
            control.observe(lambda change, name=name: self.set(**{name: change["new"]}), "value")
        side = [self.state[m.key] for m in self.marks if not m.in_figure]
        header = [] if single else [w.HTML(f"<b>{html.escape(demo.title)}</b>")]
        wrap = w.Layout(flex_flow="row wrap")
        self.widget = w.VBox(
            [
                *header,
                w.HBox(list(self.controls.values()), layout=wrap),
                *([w.HBox(list(self.images.values()), layout=wrap)] if self.images else []),
                *([w.HBox(side, layout=wrap)] if side else []),
                self.caption,
            ]
        )
        self.last_update_seconds = self.last_update_cpu_seconds = 0.0
        self._draw_seconds = self._png_seconds = 0.0
        self.update_log: collections.deque[dict] = collections.deque(maxlen=256)
        """Per update: when it began (``time.time()``, comparable with a browser's clock on the
        same machine) and its seconds of compute, draw, PNG encoding, in all, and CPU."""
        self._redraw(None)
        for figure in self.figures.values():
            figure.set_layout_engine("none")  # keep the first layout: redraws stay fast
            ax = figure.axes[0]  # ...with room for y tick labels wider than the first ones
            box = ax.get_position()
            left = max(box.x0, 0.12 if single else 0.15)
            ax.set_position([left, box.y0, box.x1 - left, box.height])
        for m in plotted:
            self._layers[m.key] = self._layer(m)
        self._redraw(None, recompute=False)

    def set(self, **changes) -> None:
        """Change parameters (as a slider would) and redraw; only recompute when needed."""
        new = self.demo.check(**{**self.values, **changes})
        changed = {name for name, value in new.items() if value != self.values[name]}
        self.values = new
        self._redraw(changed)

    @staticmethod
    def _inputs(mark: Mark) -> set[str]:
        """The parameters and view sliders whose change alters what ``mark`` draws."""
        names = {n for _, deps in mark.units() for n in deps}
        names |= {v for v in (mark.select, getattr(mark, "x_view", None)) if v}
        return names | set(mark.shown())

    def _redraw(self, changed: set[str] | None, recompute: bool = True) -> None:
        """Redraw the marks that ``changed`` touches (all of them when ``None``)."""
        start, cpu, began = time.perf_counter(), time.process_time(), time.time()
        if recompute and (changed is None or changed & {p.name for p in self.demo.params}):
            self._curves = self.demo.curves(**self.values)
        computed = time.perf_counter()
        self._draw_seconds = self._png_seconds = 0.0
        for m in self.marks:
            if changed is None or changed & self._inputs(m):
                m.live_update(self.state[m.key], self._curves, self.values)
                if m.in_figure:
                    self.images[m.key].value = self._png(m.key)
        self.caption.value = html.escape(self.demo.describe(self.values, self._curves))
        self.last_update_seconds = time.perf_counter() - start
        self.last_update_cpu_seconds = time.process_time() - cpu
        self.update_log.append(
            {
                "at": began,
                "compute": computed - start,
                "draw": self._draw_seconds,
                "png": self._png_seconds,
                "total": self.last_update_seconds,
                "cpu": self.last_update_cpu_seconds,
            }
        )

    def _layer(self, mark: Mark) -> dict:
        """Set up blitting for ``mark``'s figure: its redrawn artists, the cached background
        without the plot, and (filled by :meth:`_draw`) the one with the plot's static parts."""
        figure, ax = self.figures[mark.key], self._main_axes[mark.key]
        moving = list(mark.live_artists(self.state[mark.key]))
        if moving:  # the frame is drawn over the plot: redraw it with the moving artists
            moving += [spine for spine in ax.spines.values() if spine.get_visible()]
        for artist in moving:
            artist.set_animated(True)  # left out of the cached images
        ax.set_visible(False)
        figure.canvas.draw()
        base = figure.canvas.copy_from_bbox(figure.bbox)
        ax.set_visible(True)
        moving.sort(key=lambda a: a.get_zorder())  # sorted() is stable: ties keep their order
        return {"mark": mark, "ax": ax, "moving": moving, "base": base, "static": None}

    def _draw(self, key: str) -> None:
        """Draw figure ``key`` into its canvas: blitted when its static parts are unchanged."""
        figure = self.figures[key]
        layer = self._layers.get(key)
        if layer is None:  # while the first layout is made
            figure.canvas.draw()
            return
        canvas, ax, mark = figure.canvas, layer["ax"], layer["mark"]
        renderer = canvas.get_renderer()
        signature = (ax.get_xlim(), ax.get_ylim(), mark.live_signature(self.state[key]))
        if not layer["moving"] or layer["static"] is None or signature != layer["signature"]:
            canvas.restore_region(layer["base"])
            with self._tick_memos[key]:
                ax.draw(renderer)
            layer["static"] = canvas.copy_from_bbox(figure.bbox)
            layer["signature"] = signature
        else:
            canvas.restore_region(layer["static"])
        for artist in layer["moving"]:
            artist.draw(renderer)

    def _png(self, key: str) -> bytes:
        start = time.perf_counter()
        self._draw(key)
        drawn = time.perf_counter()
        data = _png_rgb(np.asarray(self.figures[key].canvas.buffer_rgba()))
        self._draw_seconds += drawn - start
        self._png_seconds += time.perf_counter() - drawn
        return data

    def png(self, figure=None) -> bytes:
        """A figure (the first by default) drawn as the reader sees it, encoded as PNG."""
        figure = figure or self.figure
        key = next(k for k, f in self.figures.items() if f is figure)
        return self._png(key)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class Explorable:
    """A kernel-free Vega-Lite rendering of a demo over a precomputed grid.

    Raises ``ValueError`` when its data alone would exceed a page's budget
    (:data:`MAX_PAGE_DATA_GZIP` bytes after gzip).
    """

    def __init__(self, demo: Demo, digits: int = 3) -> None:
        demo.validate()
        self.demo = demo
        self.spec = vega_lite_spec(demo, digits)
        self.spec_json = json.dumps(self.spec, separators=(",", ":")).replace("</", "<\\/")
        self.gzip_bytes = len(gzip.compress(self.spec_json.encode("utf-8"), 9))
        if self.gzip_bytes > MAX_PAGE_DATA_GZIP:
            raise ValueError(
                f"the explorable of {type(demo).__name__} holds {self.gzip_bytes / 1000:.0f} KB "
                f"of data after gzip, over the {MAX_PAGE_DATA_GZIP / 1000:.0f} KB a page may "
                "hold: coarsen its parameter grid or store fewer series per combination"
            )

    def to_html(self) -> str:
        description = html.escape(self.spec["description"])
        legend = "".join(f"<li>{entry}</li>" for m in self.demo.marks() for entry in m.legend())
        return (
            f'<div class="peakdata-explorable" role="figure" aria-label="{description}">'
            f'<p class="peakdata-explorable-title">{html.escape(self.demo.title)}</p>'
            '<div class="peakdata-explorable-controls"></div>'
            f'<div class="peakdata-explorable-chart"><p>{description} '
            "(An interactive chart: it needs JavaScript.)</p></div>"
            + (f'<ul class="peakdata-explorable-legend">{legend}</ul>' if legend else "")
            + f'<script type="application/json" class="peakdata-explorable-spec">'
            f"{self.spec_json}</script></div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<Explorable: {self.demo.title}>"


def grid_rows(demo: Demo, digits: int = 3) -> dict[str, list[dict]]:
    """Rows of every mark (mark key -> rows): one per entry and combination of the parameters
    that entry depends on (and per value of the mark's ``select`` slider)."""
    names = [p.name for p in demo.params]
    marks = demo.marks()
    rows: dict[str, list[dict]] = {m.key: [] for m in marks}
    seen: set = set()
    for combo in itertools.product(*(p.values() for p in demo.params)):
        values = dict(zip(names, combo, strict=True))
        curves = None
        for m in marks:
            for key, deps in m.units():
                ident = (key, *(values[n] for n in deps))
                if ident in seen:
                    continue
                seen.add(ident)
                curves = curves if curves is not None else demo.curves(**values)
                fields = {n: values[n] for n in deps}
                if m.select:
                    for v in demo.param(m.select).values():
                        for row in m.rows(key, _pick(curves[key], v), digits):
                            rows[m.key].append({**fields, m.select: v, **row})
                else:
                    for row in m.rows(key, curves[key], digits):
                        rows[m.key].append({**fields, **row})
    return rows


def vega_lite_spec(demo: Demo, digits: int = 3) -> dict:
    """The Vega-Lite spec: one panel per mark, bound inputs with the live panel's ranges."""
    marks = demo.marks()
    rows = grid_rows(demo, digits)
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": demo.title + ": " + demo.describe(demo.check(), demo.curves()),
        "background": "white",
        "padding": 4,
        "params": [
            {"name": f"p_{p.name}", "value": p.default, "bind": p.vega_bind()}
            for p in demo.all_params()
        ],
        "concat": [m.vega(rows[m.key]) for m in marks],
        "columns": 1,
        "spacing": 24,
        "config": {
            "axis": {"labelFontSize": 11, "titleFontSize": 11, "titleFontWeight": "normal"},
            "title": {"fontSize": 12, "anchor": "start", "fontWeight": "bold"},
            "legend": {"labelFontSize": 11, "titleFontSize": 11},
        },
        "usermeta": {"peakdata": {"panels": [m.kind for m in marks]}},
    }
