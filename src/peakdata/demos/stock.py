"""Interactive demo: when do training sets reach the stock of human text?

A Monte Carlo over an uncertain stock (Villalobos et al. 2024: median 3e14 tokens, 90% interval
1e14 to 1e15) and an uncertain yearly growth of training sets (median 3x, 80% interval 2x to 4x,
an assumption of this book) gives the distribution of the year a training set of 15T tokens in
April 2024 (Llama 3) grows to the size of the stock. The sliders move the two medians, the width
of both intervals and the over-training of future models; the panels show the histogram of the
year, its median and 80% interval, and the projection on a log scale next to the largest
published training sets (``models.csv``).

The framework has no logarithmic slider, so the stock slider is in units of 1e14 tokens (a
linear scale that still spans the published 90% interval), and over-training is a
:class:`~peakdata.demos._base.Choice` of a few factors.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ..stock import (
    DATASET_GROWTH_CI80,
    DATASET_GROWTH_MEDIAN,
    STOCK_CI90,
    STOCK_MEDIAN,
    exhaustion_year,
    exhaustion_year_samples,
    real_models,
    summarise_years,
)
from ..style import PALETTE
from ._base import Choice, Demo, Histogram, Lines, Readout, Series, Slider

START_TOKENS = 1.5e13
"""The training set the projection starts from: Llama 3, 15T tokens (models.csv)."""
START_YEAR = 2024.3
"""Its date: April 2024, as a fractional year."""
SAMPLES = 20_000
"""Monte Carlo samples per setting of the sliders."""
SEED = 2024
"""The seed of the demo's Monte Carlo (the same samples at every setting, so curves move
smoothly as a slider moves)."""
PUBLISHED = (2026, 2028, 2032)
"""Villalobos et al. (2024): training sets reach the stock between 2026 and 2032, median 2028."""
UNIT = 1e14
"""The stock slider's unit, tokens."""
YEARS = tuple(range(2020, 2037))
"""The x values of the projection panel (whole years)."""
CAP = 1e16
"""Projections stop above this many tokens (ten times the top of the stock's 90% interval), so
the panel's log scale keeps the stock and the real models readable."""
BINS = tuple(2024 + 0.5 * i for i in range(25))
"""Histogram edges: half-years from 2024 to 2036 (later years land in the last bar)."""
OVERTRAINING = (("1", "none (1×)"), ("5", "5×"), ("25", "25×"), ("100", "100×"))

# where the published intervals sit relative to their medians (log scale), kept when the
# sliders move a median; the width slider raises these ratios to a power
_STOCK_RATIOS = (STOCK_CI90[0] / STOCK_MEDIAN, STOCK_CI90[1] / STOCK_MEDIAN)
_GROWTH_RATIOS = (
    math.log(DATASET_GROWTH_CI80[0]) / math.log(DATASET_GROWTH_MEDIAN),
    math.log(DATASET_GROWTH_CI80[1]) / math.log(DATASET_GROWTH_MEDIAN),
)


def intervals(stock: float, growth: float, width: float) -> tuple[tuple, tuple]:
    """The stock's 90% interval (tokens) and the growth's 80% interval (factor per year) for a
    stock median of ``stock`` x 1e14 tokens, a growth median ``growth`` and an interval
    ``width`` times as wide as the defaults on the log scale (of the stock, and of log growth).

    With width 1 and the default medians these are Villalobos et al.'s 1e14 to 1e15 tokens and
    this book's 2x to 4x a year.
    """
    median = stock * UNIT
    stock_ci = tuple(median * r**width for r in _STOCK_RATIOS)
    growth_ci = tuple(math.exp(math.log(growth) * r**width) for r in _GROWTH_RATIOS)
    return stock_ci, growth_ci


@lru_cache(maxsize=256)
def _years(stock: float, growth: float, overtraining: float, width: float) -> np.ndarray:
    stock_ci, growth_ci = intervals(stock, growth, width)
    return exhaustion_year_samples(
        SAMPLES,
        dataset_tokens=START_TOKENS,
        start_year=START_YEAR,
        stock_median=stock * UNIT,
        stock_ci90=stock_ci,
        growth_median=growth,
        growth_ci80=growth_ci,
        overtraining=overtraining,
        rng=SEED,
    )


@lru_cache(maxsize=1)
def frontier() -> np.ndarray:
    """The largest published training set up to each year of :data:`YEARS` (NaN after the last
    year of ``models.csv``), tokens."""
    rows = real_models()
    last = max(r.year for r in rows)
    out = np.full(len(YEARS), np.nan)
    for i, year in enumerate(YEARS):
        if year <= last:
            out[i] = max(r.training_tokens for r in rows if r.year <= year)
    return out


def _projection(growth: float, overtraining: float) -> np.ndarray:
    t = np.asarray(YEARS, dtype=float)
    d = START_TOKENS * math.sqrt(overtraining) * growth ** (t - START_YEAR)
    return np.where((t >= 2024) & (d <= CAP), d, np.nan)


_GROWTH = ("growth", "overtraining")
_STOCK = ("stock", "width")
_ALL = ("stock", "growth", "overtraining", "width")


class StockDemo(Demo):
    """The year training sets reach the stock of human text, as a distribution."""

    title = "When do training sets reach the stock of human text?"
    params = (
        Slider("stock", "stock median (×10¹⁴ tokens)", 1, 10, 1, 3),
        Slider("growth", "growth of training sets (× per year)", 2.0, 4.0, 0.5, 3.0),
        Choice("overtraining", "over-training", OVERTRAINING, "1"),
        Slider("width", "uncertainty (× the default width)", 0.5, 1.5, 0.25, 1.0),
    )
    series = (
        Series("frontier", "largest published", PALETTE["black"], (), 2.2, ()),
        Series("projection", "projection", PALETTE["blue"], (), 2.0, _GROWTH),
        Series("stock_median", "stock median", PALETTE["vermillion"], (), 2.0, ("stock",)),
        Series("stock_low", "stock 5th pct", PALETTE["orange"], (5, 3), 1.5, _STOCK),
        Series("stock_high", "stock 95th pct", PALETTE["orange"], (1, 2), 1.5, _STOCK),
    )
    panels = (
        Histogram(
            key="years",
            title=f"Year training sets reach the stock ({SAMPLES:,} draws)",
            depends_on=_ALL,
            bins=BINS,
            integer_x=True,
            x_label="year (2036 and later in the last bar)",
            y_label="share of draws",
            color=PALETTE["blue"],
        ),
        Lines(
            minor_ticks=False,
            title="Training sets and the stock",
            series=series,
            x=YEARS,
            x_label="year",
            y_label="tokens (log scale)",
            log_y=True,
            integer_x=True,
        ),
        Readout(key="numbers", title="Year training sets reach the stock", depends_on=_ALL),
    )

    def compute(self, stock: int, growth: float, overtraining: str, width: float) -> dict:
        k = float(overtraining)
        years = _years(float(stock), float(growth), k, float(width))
        summary = summarise_years(years)
        stock_ci, _ = intervals(stock, growth, width)
        by_2028 = float(np.mean(years < 2028.0))
        at_medians = exhaustion_year(stock * UNIT, START_TOKENS, START_YEAR, growth, overtraining=k)
        flat = np.ones(len(YEARS))
        return {
            "years": years,
            "frontier": frontier(),
            "projection": _projection(growth, k),
            "stock_median": flat * stock * UNIT,
            "stock_low": flat * stock_ci[0],
            "stock_high": flat * stock_ci[1],
            "numbers": [
                ("median year", f"{summary.median:.1f}"),
                ("80% interval", f"{summary.low:.1f} – {summary.high:.1f}"),
                ("reached before 2028", f"{by_2028:.0%} of draws"),
                ("at the medians (no uncertainty)", f"{at_medians:.1f}"),
                (
                    "published (Villalobos et al.)",
                    f"{PUBLISHED[1]} ({PUBLISHED[0]}–{PUBLISHED[2]})",
                ),
            ],
        }

    def describe(self, values: dict, curves: dict) -> str:
        numbers = dict(curves["numbers"])
        stock_ci, growth_ci = intervals(values["stock"], values["growth"], values["width"])
        return (
            f"A stock of {values['stock'] * UNIT:.0e} tokens (90% interval {stock_ci[0]:.1e} to "
            f"{stock_ci[1]:.1e}) and training sets of 15T tokens in April 2024 growing "
            f"{values['growth']:g}× a year (80% interval {growth_ci[0]:.2f}× to "
            f"{growth_ci[1]:.2f}×), with {values['overtraining']}× over-training: training sets "
            f"reach the stock in {numbers['median year']} (median of {SAMPLES:,} draws, seed "
            f"{SEED}; 80% interval {numbers['80% interval']}), against "
            f"{PUBLISHED[1]} ({PUBLISHED[0]}–{PUBLISHED[2]}) published by Villalobos et al. (2024)."
        )
