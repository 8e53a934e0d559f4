"""The stock of human text, and the year training sets grow to its size.

Part I of the book ("Peak data"), the SCIENCE notes B3 and B5. Villalobos et al. (2024) put the
effective stock of public human text (quality- and repetition-adjusted) at about 3e14 tokens,
90% interval 1e14 to 1e15. Training sets have grown by a factor of about 2 to 4 a year. If a
training set of D tokens in year t0 grows by a factor g a year, it reaches a stock S in

    t0 + log(S / D) / log(g)

(:func:`exhaustion_year`). :func:`exhaustion_year_samples` draws the stock and the growth rate
from their uncertainty and returns the distribution of that year. :func:`real_models` loads the
parameters and training tokens of real models (``peakdata/data/models.csv``).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_int, check_real, make_rng
from .scaling import _broadcast, _check_array, _result, training_flops

__all__ = [
    "DATASET_GROWTH_CI80",
    "DATASET_GROWTH_MEDIAN",
    "MAX_SAMPLES",
    "ModelRow",
    "STOCK_CI90",
    "STOCK_MEDIAN",
    "YearSummary",
    "exhaustion_year",
    "exhaustion_year_samples",
    "real_models",
    "reproductions",
    "stock_samples",
    "summarise_years",
]

STOCK_MEDIAN = 3e14
"""Effective stock of public human text, tokens: Villalobos et al. (2024), median."""

STOCK_CI90 = (1e14, 1e15)
"""Villalobos et al. (2024): 90% confidence interval of the effective stock, tokens."""

DATASET_GROWTH_MEDIAN = 3.0
"""Growth of the largest training sets, factor per year. Epoch AI's dataset-size trend
(epoch2024datasettrend) said 3.7x a year in its version of 19 June 2024 and about 3x a year in
later revisions; this module's default is 3."""

DATASET_GROWTH_CI80 = (2.0, 4.0)
"""An 80% interval for the yearly growth factor, chosen for this book (not a published
interval): training sets have grown by about 2 to 4 times a year (SCIENCE notes B3)."""

MAX_SAMPLES = 10**7
"""The most Monte Carlo samples :func:`exhaustion_year_samples` draws at once (about 80 MB
per array)."""

_Z95 = 1.6448536269514722  # standard normal quantile at 0.95: the 90% interval is +-_Z95 sd
_Z90 = 1.2815515655446004  # at 0.90: the 80% interval is +-_Z90 sd


def exhaustion_year(
    stock_tokens: float | np.ndarray,
    dataset_tokens: float | np.ndarray,
    start_year: float | np.ndarray,
    growth_per_year: float | np.ndarray,
    *,
    overtraining: float | np.ndarray = 1.0,
) -> float | np.ndarray:
    """The (fractional) year a growing training set reaches the size of the stock.

    year = start_year + max(0, log(stock / (dataset sqrt(k))) / log(growth)), k = overtraining.

    Parameters
    ----------
    stock_tokens : float or array_like
        The stock S of usable text, tokens (> 0).
    dataset_tokens : float or array_like
        The training set D in ``start_year``, tokens (> 0).
    start_year : float or array_like
        The year of ``dataset_tokens`` (finite; fractions allowed, 2024.5 is mid-2024).
    growth_per_year : float or array_like
        The factor g (> 1) by which training sets grow each year.
    overtraining : float or array_like
        k (> 0): models are trained with k times the compute-optimal tokens per parameter.
        At a fixed compute C = 6 N D with D/N = k r, D = sqrt(k r C / 6): the training set is
        sqrt(k) times larger than ``dataset_tokens``, which is then read as the compute-optimal
        training set of ``start_year``'s compute. Leave k = 1 when ``dataset_tokens`` is a real
        training set that is over-trained already (Llama 3's 15T tokens for 70B parameters),
        or the over-training is counted twice. Villalobos et al. (2024) report that 5x
        over-training moves their median year from 2028 to about 2027 and 100x to about 2025;
        sqrt(k) gives 1 and 3 years earlier when training sets grow about 2.2 times a year.

    Returns
    -------
    float or numpy.ndarray
        The year; ``start_year`` itself where the training set is already as large as the stock.
    """
    s = _check_array("stock_tokens", stock_tokens)
    d = _check_array("dataset_tokens", dataset_tokens)
    t0 = _check_array("start_year", start_year, minimum=None)
    g = _check_array("growth_per_year", growth_per_year, minimum=1.0)
    k = _check_array("overtraining", overtraining)
    s, d, t0, g, k = _broadcast(
        stock_tokens=s, dataset_tokens=d, start_year=t0, growth_per_year=g, overtraining=k
    )
    gap = np.log(s) - np.log(d) - 0.5 * np.log(k)  # natural log of stock / training set
    return _result(t0 + np.maximum(gap, 0.0) / np.log(g))


def _check_interval(name: str, value: object, median: float, *, above: float) -> tuple:
    """(low, high): two finite reals with above < low < median < high."""
    if isinstance(value, str | bytes) or not hasattr(value, "__len__") or len(value) != 2:
        raise TypeError(f"{name} must be a pair (low, high) of real numbers, got {value!r}")
    low = check_real(f"{name}[0]", value[0], minimum=above, strict_minimum=True)
    high = check_real(f"{name}[1]", value[1], minimum=above, strict_minimum=True)
    if not low < median < high:
        raise ValueError(
            f"{name} must satisfy low < median < high, got ({low:g}, {high:g}) "
            f"around a median of {median:g}"
        )
    return low, high


def _split_lognormal(z: np.ndarray, median: float, low: float, high: float, q: float):
    """log of a two-piece log-normal with the given median and central interval.

    Below the median the log has standard deviation log(median/low)/q, above it
    log(high/median)/q, so ``low`` and ``high`` are exactly the quantiles at +-q standard
    deviations. With a symmetric interval (median^2 = low high) it is a plain log-normal.
    """
    below, above = math.log(median / low) / q, math.log(high / median) / q
    return math.log(median) + z * np.where(z < 0, below, above)


def stock_samples(
    n: int,
    *,
    stock_median: float = STOCK_MEDIAN,
    stock_ci90: tuple[float, float] = STOCK_CI90,
    rng: int | np.random.Generator = 0,
) -> np.ndarray:
    """Monte Carlo samples of the stock alone, tokens, drawn as :func:`exhaustion_year_samples`
    draws it: log-normal with the given median and 90% interval (two-piece where the interval is
    not symmetric on the log scale). The same seed gives the stocks behind the same years.

    Parameters
    ----------
    n : int
        Samples, 1 to ``MAX_SAMPLES``.
    stock_median, stock_ci90 : float, (float, float)
        Median and 90% interval in tokens (Villalobos et al. 2024 by default).
    rng : int or numpy.random.Generator
        Seed or generator.
    """
    n = check_int("n", n, minimum=1, maximum=MAX_SAMPLES)
    stock_median = check_real("stock_median", stock_median, minimum=0.0, strict_minimum=True)
    low, high = _check_interval("stock_ci90", stock_ci90, stock_median, above=0.0)
    z = make_rng(rng).standard_normal((2, n))
    return np.exp(_split_lognormal(z[0], stock_median, low, high, _Z95))


def exhaustion_year_samples(
    n: int,
    *,
    dataset_tokens: float,
    start_year: float,
    stock_median: float = STOCK_MEDIAN,
    stock_ci90: tuple[float, float] = STOCK_CI90,
    growth_median: float = DATASET_GROWTH_MEDIAN,
    growth_ci80: tuple[float, float] = DATASET_GROWTH_CI80,
    overtraining: float = 1.0,
    rng: int | np.random.Generator = 0,
) -> np.ndarray:
    """Monte Carlo samples of :func:`exhaustion_year` under an uncertain stock and growth rate.

    The stock is log-normal with the given median and 90% interval; the yearly growth rate
    log(g) is log-normal with the median and 80% interval of log(g) given by ``growth_median``
    and ``growth_ci80`` (so g > 1 in every sample). Where an interval is not symmetric on the
    log scale, each side of the median gets its own spread (a two-piece log-normal), so the
    samples reproduce the median and both ends of the interval exactly. Stock and growth are
    drawn independently.

    Parameters
    ----------
    n : int
        Samples, 1 to ``MAX_SAMPLES`` (10**7).
    dataset_tokens : float
        Training set in ``start_year``, tokens (> 0); e.g. 1.5e13 for Llama 3 (April 2024).
    start_year : float
        Its year (finite).
    stock_median, stock_ci90 : float, (float, float)
        The stock in tokens: median and 90% interval (Villalobos et al. 2024 by default).
    growth_median, growth_ci80 : float, (float, float)
        Yearly growth factor of training sets (> 1): median and 80% interval
        (:data:`DATASET_GROWTH_MEDIAN`, :data:`DATASET_GROWTH_CI80` by default).
    overtraining : float
        k > 0, as in :func:`exhaustion_year`.
    rng : int or numpy.random.Generator
        Seed or generator; the same integer gives the same samples.

    Returns
    -------
    numpy.ndarray
        ``n`` years (see :func:`summarise_years`).
    """
    n = check_int("n", n, minimum=1, maximum=MAX_SAMPLES)
    dataset_tokens = check_real("dataset_tokens", dataset_tokens, minimum=0.0, strict_minimum=True)
    start_year = check_real("start_year", start_year)
    stock_median = check_real("stock_median", stock_median, minimum=0.0, strict_minimum=True)
    stock_low, stock_high = _check_interval("stock_ci90", stock_ci90, stock_median, above=0.0)
    growth_median = check_real("growth_median", growth_median, minimum=1.0, strict_minimum=True)
    growth_low, growth_high = _check_interval("growth_ci80", growth_ci80, growth_median, above=1.0)
    overtraining = check_real("overtraining", overtraining, minimum=0.0, strict_minimum=True)
    gen = make_rng(rng)

    z = gen.standard_normal((2, n))
    log_stock = _split_lognormal(z[0], stock_median, stock_low, stock_high, _Z95)
    log_rate = _split_lognormal(
        z[1], math.log(growth_median), math.log(growth_low), math.log(growth_high), _Z90
    )
    gap = log_stock - math.log(dataset_tokens) - 0.5 * math.log(overtraining)
    return start_year + np.maximum(gap, 0.0) / np.exp(log_rate)


@dataclass(frozen=True)
class YearSummary:
    """Median and 80% interval (10th and 90th percentiles) of sampled years."""

    median: float
    low: float
    high: float


def summarise_years(years: np.ndarray) -> YearSummary:
    """Median and 80% interval of samples from :func:`exhaustion_year_samples`.

    Print them at a precision the Monte Carlo error supports (a tenth of a year for 10^5
    samples), not to the last digit.
    """
    years = _check_array("years", years, minimum=None)
    if years.size < 2:
        raise ValueError(f"years must hold at least 2 samples, got {years.size}")
    low, median, high = np.quantile(years.ravel(), [0.1, 0.5, 0.9])
    return YearSummary(median=float(median), low=float(low), high=float(high))


# -- real models --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelRow:
    """One row of ``models.csv``: a published model and its training set.

    ``active_parameters`` is ``None`` for dense models (every parameter is active); ``notes``
    says which figures are approximate.
    """

    model: str
    parameters: float
    active_parameters: float | None
    training_tokens: float
    year: int
    source: str
    notes: str = ""

    @property
    def tokens_per_parameter(self) -> float:
        """Training tokens per (total) parameter; Chinchilla's is 20."""
        return self.training_tokens / self.parameters

    @property
    def training_flops(self) -> float:
        """6 N D with N the active parameters (all of them for a dense model)."""
        active = self.parameters if self.active_parameters is None else self.active_parameters
        return training_flops(active, self.training_tokens)


def real_models() -> list[ModelRow]:
    """Parameters and training tokens of real models, from ``peakdata/data/models.csv``.

    Rows are in the file's order (by year); the provenance of every figure is in ``models.md``.
    """
    from .data import path

    rows = []
    with open(path("models.csv"), newline="", encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            active = line["active_parameters"].strip()
            rows.append(
                ModelRow(
                    model=line["model"],
                    parameters=float(line["parameters"]),
                    active_parameters=float(active) if active else None,
                    training_tokens=float(line["training_tokens"]),
                    year=int(line["year"]),
                    source=line["source"],
                    notes=line["notes"],
                )
            )
    return rows


def reproductions() -> list:
    """Rows of the reproductions table (``python -m peakdata.reproduce``) for the data stock."""
    from .reproduce import Reproduction

    tokens = 4e14
    return [
        Reproduction(
            source="villalobos2024run",
            claim="~4e14 tokens ≈ 5e28 FLOP without over-training (6ND, 20 tokens/parameter)",
            kind="published figure",
            expected=5e28,
            simulated=training_flops(tokens / 20, tokens),
            tolerance=0.5e28,
            origin="stated in the paper",
        )
    ]
