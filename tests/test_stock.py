"""The data stock, the year training sets reach it, and the real models' table (SCIENCE.md B3,
B5), with their argument checks."""

import csv
import math
import re
from pathlib import Path

import numpy as np
import pytest

from peakdata import stock
from peakdata.data import path
from peakdata.stock import (
    DATASET_GROWTH_CI80,
    DATASET_GROWTH_MEDIAN,
    MAX_SAMPLES,
    STOCK_CI90,
    STOCK_MEDIAN,
    _split_lognormal,
    exhaustion_year,
    exhaustion_year_samples,
    real_models,
    stock_samples,
    summarise_years,
)

BIB = Path(__file__).resolve().parents[1] / "book" / "references.bib"
LLAMA3 = {"dataset_tokens": 1.5e13, "start_year": 2024.3}  # 15T tokens, April 2024


@pytest.fixture
def reproduction_rows():
    return stock.reproductions()


def test_published_stock():
    assert STOCK_MEDIAN == 3e14 and STOCK_CI90 == (1e14, 1e15)
    assert DATASET_GROWTH_CI80[0] < DATASET_GROWTH_MEDIAN < DATASET_GROWTH_CI80[1]


def test_exhaustion_year_closed_form():
    assert exhaustion_year(8.0, 1.0, 2020, 2.0) == pytest.approx(2023.0)  # 2^3 = 8
    assert exhaustion_year(1e3, 1.0, 2000.5, 10.0) == pytest.approx(2003.5)
    assert exhaustion_year(1.0, 8.0, 2020, 2.0) == 2020.0  # already reached
    assert exhaustion_year(5.0, 5.0, 2020, 3.0) == 2020.0
    assert isinstance(exhaustion_year(8.0, 1.0, 2020, 2.0), float)
    years = exhaustion_year(np.array([2.0, 4.0, 8.0])[:, None], 1.0, 2020, np.array([2.0, 4.0]))
    np.testing.assert_allclose(years, [[2021, 2020.5], [2022, 2021], [2023, 2021.5]])
    # the stock and the largest 2024 training set: 20 times apart
    assert exhaustion_year(3e14, 1.5e13, 2024, 3.0) == pytest.approx(2024 + math.log(20, 3))


def test_overtraining_scales_the_dataset_by_its_square_root():
    # at fixed compute, k times the tokens per parameter means sqrt(k) times the tokens
    base = exhaustion_year(8.0, 1.0, 2020, 2.0)
    assert exhaustion_year(8.0, 1.0, 2020, 2.0, overtraining=4.0) == pytest.approx(base - 1)
    assert exhaustion_year(8.0, 1.0, 2020, 2.0, overtraining=64.0) == 2020.0
    # Villalobos et al.: 5x moves 2028 to ~2027, 100x to ~2025; sqrt(k) gives 1 and 3 years
    # earlier when training sets grow ~2.2x a year
    shifts = exhaustion_year(20.0, 1.0, 2024, 2.2) - exhaustion_year(
        20.0, 1.0, 2024, 2.2, overtraining=np.array([5.0, 100.0])
    )
    np.testing.assert_allclose(shifts, [1.0, 2.9], atol=0.1)
    # under-training (k < 1) delays it
    assert exhaustion_year(8.0, 1.0, 2020, 2.0, overtraining=0.25) == pytest.approx(base + 1)


def test_monte_carlo_is_deterministic_per_seed():
    a = exhaustion_year_samples(1000, **LLAMA3, rng=7)
    b = exhaustion_year_samples(1000, **LLAMA3, rng=7)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, exhaustion_year_samples(1000, **LLAMA3, rng=8))
    c = exhaustion_year_samples(1000, **LLAMA3, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a, c)
    assert a.shape == (1000,) and np.all(np.isfinite(a)) and np.all(a >= LLAMA3["start_year"])


def test_monte_carlo_median_is_near_the_year_at_median_inputs():
    years = exhaustion_year_samples(100_000, **LLAMA3, rng=1)
    summary = summarise_years(years)
    at_median = exhaustion_year(
        STOCK_MEDIAN, LLAMA3["dataset_tokens"], LLAMA3["start_year"], DATASET_GROWTH_MEDIAN
    )
    assert summary.median == pytest.approx(at_median, abs=0.2)
    assert summary.low < summary.median < summary.high
    assert 2025 < summary.low and summary.high < 2031
    # more over-training, earlier; a faster growth, earlier and narrower
    early = summarise_years(exhaustion_year_samples(100_000, **LLAMA3, overtraining=5, rng=1))
    assert early.median < summary.median - 0.5
    fast = summarise_years(
        exhaustion_year_samples(100_000, **LLAMA3, growth_median=3.7, growth_ci80=(3.0, 4.5), rng=1)
    )
    assert fast.median < summary.median and fast.high - fast.low < summary.high - summary.low


def test_sampled_stock_has_the_published_quantiles():
    z = np.random.default_rng(3).standard_normal(200_000)
    samples = np.exp(_split_lognormal(z, 3e14, 1e14, 1e15, 1.6448536269514722))
    low, median, high = np.quantile(samples, [0.05, 0.5, 0.95])
    assert median == pytest.approx(3e14, rel=0.02)
    assert low == pytest.approx(1e14, rel=0.03) and high == pytest.approx(1e15, rel=0.05)
    # a symmetric interval is a plain log-normal
    sym = _split_lognormal(np.array([-1.0, 1.0]), 1.0, math.exp(-2), math.exp(2), 2.0)
    np.testing.assert_allclose(sym, [-1.0, 1.0])


def test_stock_samples_are_the_stocks_behind_the_years():
    stocks = stock_samples(50_000, rng=4)
    low, median, high = np.quantile(stocks, [0.05, 0.5, 0.95])
    assert median == pytest.approx(3e14, rel=0.03)
    assert low == pytest.approx(1e14, rel=0.05) and high == pytest.approx(1e15, rel=0.08)
    # with no growth uncertainty to speak of, the years follow from the same stocks
    years = exhaustion_year_samples(50_000, **LLAMA3, growth_ci80=(2.999, 3.001), rng=4)
    expected = exhaustion_year(stocks, LLAMA3["dataset_tokens"], LLAMA3["start_year"], 3.0)
    np.testing.assert_allclose(years, expected, atol=0.01)
    with pytest.raises(ValueError, match="stock_ci90 must satisfy"):
        stock_samples(10, stock_ci90=(4e14, 1e15))
    with pytest.raises(ValueError, match="n must be >= 1"):
        stock_samples(0)


def test_growth_samples_stay_above_one():
    # the growth rate log(g) is log-normal: g > 1 even with a wide interval near 1
    years = exhaustion_year_samples(
        10_000, **LLAMA3, growth_median=1.2, growth_ci80=(1.01, 3.0), rng=2
    )
    assert np.all(np.isfinite(years))


def test_summary_of_known_samples():
    summary = summarise_years(np.arange(101.0) + 2000)
    assert (summary.median, summary.low, summary.high) == (2050.0, 2010.0, 2090.0)


def test_real_models_table():
    rows = real_models()
    with open(path("models.csv"), newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == [
        "model",
        "parameters",
        "active_parameters",
        "training_tokens",
        "year",
        "source",
        "notes",
    ]
    names = [r.model for r in rows]
    for name in ["GPT-3", "Gopher", "Chinchilla", "PaLM", "Llama 2 70B", "Llama 3.1 405B"]:
        assert name in names
    assert len(rows) >= 14 and len(set(names)) == len(names)
    assert [r.year for r in rows] == sorted(r.year for r in rows)
    chinchilla = rows[names.index("Chinchilla")]
    assert chinchilla.tokens_per_parameter == pytest.approx(20.0)
    assert chinchilla.training_flops == pytest.approx(5.88e23)
    gpt3 = rows[names.index("GPT-3")]
    assert (gpt3.parameters, gpt3.training_tokens, gpt3.year) == (175e9, 300e9, 2020)
    deepseek = rows[names.index("DeepSeek-V3")]
    assert deepseek.active_parameters == 37e9
    assert deepseek.training_flops == pytest.approx(6 * 37e9 * 14.8e12)
    for row in rows:
        assert row.parameters > 0 and row.training_tokens > 0 and row.source
        if row.active_parameters is not None:
            assert row.active_parameters < row.parameters
            assert "mixture of experts" in row.notes
        if row.year >= 2024:
            assert row.training_tokens >= 5.9e12


def test_sources_are_bib_keys_or_citations():
    keys = set(re.findall(r"@\w+\{([^,]+),", BIB.read_text(encoding="utf-8")))
    for row in real_models():
        if " " not in row.source:
            assert row.source in keys, row.source
        else:
            assert re.fullmatch(r"arXiv \d{4}\.\d{5}|Meta .+", row.source), row.source


def test_reproductions_pass(reproduction_rows):
    assert reproduction_rows
    for row in reproduction_rows:
        assert row.passed, row
        assert row.source == "villalobos2024run"
        assert row.origin == "stated in the paper" or row.origin.startswith("derived here")


GOOD = {"stock_tokens": 3e14, "dataset_tokens": 1.5e13, "start_year": 2024, "growth_per_year": 3}

BAD_YEAR = [
    ({"stock_tokens": 0}, ValueError, "stock_tokens must be finite and > 0"),
    ({"stock_tokens": float("nan")}, ValueError, "stock_tokens must be finite"),
    ({"dataset_tokens": -1.0}, ValueError, "dataset_tokens must be finite and > 0"),
    ({"dataset_tokens": [1e13, 0]}, ValueError, "dataset_tokens .* index 1"),
    ({"start_year": float("inf")}, ValueError, "start_year must be finite"),
    ({"start_year": "2024"}, TypeError, "start_year must be a real number"),
    ({"growth_per_year": 1.0}, ValueError, "growth_per_year must be finite and > 1"),
    ({"growth_per_year": 0.5}, ValueError, "growth_per_year must be finite and > 1"),
    ({"growth_per_year": [3.0, 1.0]}, ValueError, "growth_per_year .* index 1"),
    ({"growth_per_year": None}, TypeError, "growth_per_year must be a real number"),
    ({"growth_per_year": True}, TypeError, "growth_per_year must be a real number"),
    ({"overtraining": 0.0}, ValueError, "overtraining must be finite and > 0"),
    ({"stock_tokens": [1, 2], "dataset_tokens": [1, 2, 3]}, ValueError, "cannot broadcast"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), BAD_YEAR)
def test_bad_exhaustion_year_arguments_are_named(kwargs, error, message):
    args = {**GOOD, **kwargs}
    overtraining = args.pop("overtraining", 1.0)
    with pytest.raises(error, match=message):
        exhaustion_year(**args, overtraining=overtraining)


BAD_SAMPLES = [
    ({"n": 0}, ValueError, "n must be >= 1"),
    ({"n": MAX_SAMPLES + 1}, ValueError, r"n must be >= 1 and <= 10000000"),
    ({"n": 1.5}, TypeError, "n must be an integer"),
    ({"n": True}, TypeError, "n must be an integer"),
    ({"dataset_tokens": 0}, ValueError, "dataset_tokens must be > 0"),
    ({"dataset_tokens": np.array([1e13])}, TypeError, "dataset_tokens must be a real"),
    ({"start_year": float("nan")}, ValueError, "start_year must be finite"),
    ({"start_year": None}, TypeError, "start_year must be a real number"),
    ({"stock_median": -3e14}, ValueError, "stock_median must be > 0"),
    ({"stock_ci90": (1e14,)}, TypeError, r"stock_ci90 must be a pair"),
    ({"stock_ci90": "1e14,1e15"}, TypeError, r"stock_ci90 must be a pair"),
    ({"stock_ci90": None}, TypeError, r"stock_ci90 must be a pair"),
    ({"stock_ci90": (1e14, float("inf"))}, ValueError, r"stock_ci90\[1\] must be > 0"),
    ({"stock_ci90": (0, 1e15)}, ValueError, r"stock_ci90\[0\] must be > 0"),
    ({"stock_ci90": (4e14, 1e15)}, ValueError, "stock_ci90 must satisfy low < median < high"),
    ({"growth_median": 1.0}, ValueError, "growth_median must be > 1"),
    ({"growth_ci80": (1.0, 4.0)}, ValueError, r"growth_ci80\[0\] must be > 1"),
    ({"growth_ci80": (3.5, 4.0)}, ValueError, "growth_ci80 must satisfy"),
    ({"growth_ci80": ("2", 4.0)}, TypeError, r"growth_ci80\[0\] must be a real number"),
    ({"overtraining": -5.0}, ValueError, "overtraining must be > 0"),
    ({"rng": -1}, ValueError, "rng must be >= 0"),
    ({"rng": "seed"}, TypeError, "rng must be an integer"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), BAD_SAMPLES)
def test_bad_sample_arguments_are_named(kwargs, error, message):
    args = {"n": 10, **LLAMA3, **kwargs}
    with pytest.raises(error, match=message):
        exhaustion_year_samples(**args)


@pytest.mark.parametrize(
    ("years", "error", "message"),
    [
        ([2027.0], ValueError, "years must hold at least 2"),
        ([2027.0, float("nan")], ValueError, "years must be finite"),
        ("2027", TypeError, "years must be a real number"),
    ],
)
def test_bad_summary_arguments_are_named(years, error, message):
    with pytest.raises(error, match=message):
        summarise_years(years)
