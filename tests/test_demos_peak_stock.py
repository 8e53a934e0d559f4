"""The demos of Part I's stock and cost chapters: parameters, compute against the library,
describe text, and the two renderings (live update time, explorable size)."""

import math

import numpy as np
import pytest

from peakdata.demos._base import MAX_PAGE_DATA_GZIP, Histogram, Lines, Readout
from peakdata.demos.cost import (
    COMPARABLE_ESTIMATE,
    DEVICES,
    SIZES,
    TOKENS,
    WRITER_CLAIM,
    CostDemo,
    budget_compute,
)
from peakdata.demos.stock import (
    BINS,
    PUBLISHED,
    SAMPLES,
    SEED,
    START_TOKENS,
    START_YEAR,
    UNIT,
    YEARS,
    StockDemo,
    frontier,
    intervals,
)
from peakdata.scaling import compute_optimal, device_hours, training_cost, training_flops
from peakdata.stock import (
    DATASET_GROWTH_CI80,
    STOCK_CI90,
    STOCK_MEDIAN,
    exhaustion_year,
    exhaustion_year_samples,
    real_models,
    summarise_years,
)


# -- the stock demo ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stock():
    return StockDemo()


def test_stock_params_and_marks(stock):
    stock.validate()
    names = [p.name for p in stock.params]
    assert names == ["stock", "growth", "overtraining", "width"]
    defaults = stock.defaults()
    assert defaults["stock"] * UNIT == STOCK_MEDIAN
    assert defaults["growth"] == 3.0 and defaults["overtraining"] == "1"
    assert defaults["width"] == 1.0
    # the stock slider spans the published 90% interval
    assert stock.param("stock").min * UNIT == STOCK_CI90[0]
    assert stock.param("stock").max * UNIT == STOCK_CI90[1]
    kinds = [m.kind for m in stock.marks()]
    assert kinds == ["histogram", "lines", "readout"]
    assert isinstance(stock.marks()[1], Lines) and isinstance(stock.marks()[0], Histogram)
    with pytest.raises(ValueError, match="growth must be between 2.0 and 4.0"):
        stock.curves(growth=1.5)
    with pytest.raises(ValueError, match="overtraining must be one of"):
        stock.curves(overtraining="2")


def test_default_intervals_are_the_published_and_assumed_ones():
    stock_ci, growth_ci = intervals(3, 3.0, 1.0)
    assert stock_ci == pytest.approx(STOCK_CI90)
    assert growth_ci == pytest.approx(DATASET_GROWTH_CI80)
    wide, _ = intervals(3, 3.0, 1.5)
    narrow, _ = intervals(3, 3.0, 0.5)
    assert narrow[0] > stock_ci[0] > wide[0] and narrow[1] < stock_ci[1] < wide[1]
    for g in (2.0, 4.0):  # the growth interval stays above 1 and around its median
        for w in (0.5, 1.5):
            low, high = intervals(1, g, w)[1]
            assert 1 < low < g < high


def test_stock_compute_matches_the_library(stock):
    values = {"stock": 5, "growth": 2.5, "overtraining": "5", "width": 1.25}
    curves = stock.curves(**values)
    stock_ci, growth_ci = intervals(5, 2.5, 1.25)
    years = exhaustion_year_samples(
        SAMPLES,
        dataset_tokens=START_TOKENS,
        start_year=START_YEAR,
        stock_median=5 * UNIT,
        stock_ci90=stock_ci,
        growth_median=2.5,
        growth_ci80=growth_ci,
        overtraining=5.0,
        rng=SEED,
    )
    np.testing.assert_array_equal(curves["years"], years)
    summary = summarise_years(years)
    numbers = dict(curves["numbers"])
    assert numbers["median year"] == f"{summary.median:.1f}"
    assert numbers["80% interval"] == f"{summary.low:.1f} – {summary.high:.1f}"
    assert numbers["reached before 2028"] == f"{np.mean(years < 2028):.0%} of draws"
    at = exhaustion_year(5 * UNIT, START_TOKENS, START_YEAR, 2.5, overtraining=5.0)
    assert numbers["at the medians (no uncertainty)"] == f"{at:.1f}"
    # the projection lines cross the stock's median where the closed form says
    t = np.asarray(YEARS, dtype=float)
    proj = curves["projection"]
    ok = np.isfinite(proj)
    assert np.all(t[ok] >= 2024)
    np.testing.assert_allclose(
        proj[ok], START_TOKENS * math.sqrt(5) * 2.5 ** (t[ok] - START_YEAR), rtol=1e-12
    )
    assert np.all(curves["stock_median"] == 5 * UNIT)
    assert np.all(curves["stock_low"] == stock_ci[0]) and np.all(
        curves["stock_high"] == stock_ci[1]
    )


def test_stock_default_reproduces_the_chapter_numbers(stock):
    numbers = dict(stock.curves()["numbers"])
    year = float(numbers["median year"])
    low, high = (float(v) for v in numbers["80% interval"].split(" – "))
    assert 2026.5 < year < 2027.6 and 2025.5 < low < year < high < 2029.5
    assert numbers["published (Villalobos et al.)"] == "2028 (2026–2032)"
    assert PUBLISHED == (2026, 2028, 2032)
    # more over-training, a bigger stock, a slower growth: the year moves as it should
    later = float(dict(stock.curves(stock=10)["numbers"])["median year"])
    earlier = float(dict(stock.curves(overtraining="100")["numbers"])["median year"])
    slower = float(dict(stock.curves(growth=2.0)["numbers"])["median year"])
    assert earlier < year < later and slower > year


def test_frontier_is_the_running_maximum_of_models_csv():
    rows = real_models()
    f = frontier()
    assert len(f) == len(YEARS)
    for year, value in zip(YEARS, f, strict=True):
        known = [r.training_tokens for r in rows if r.year <= year]
        if year <= max(r.year for r in rows):
            assert value == max(known)
        else:
            assert np.isnan(value)
    finite = f[np.isfinite(f)]
    assert np.all(np.diff(finite) >= 0)


def test_stock_describe_names_the_key_numbers(stock):
    values = stock.check()
    curves = stock.curves()
    text = stock.describe(values, curves)
    numbers = dict(curves["numbers"])
    assert numbers["median year"] in text and numbers["80% interval"] in text
    assert "2028 (2026–2032)" in text and "Villalobos" in text
    assert f"seed {SEED}" in text and f"{SAMPLES:,} draws" in text


def test_stock_histogram_covers_the_years(stock):
    hist = stock.marks()[0]
    assert hist.bins == BINS and BINS[0] == 2024 and BINS[-1] == 2036
    shares = hist.shares(stock.curves()["years"])
    assert shares.sum() == pytest.approx(1.0)


# -- the cost demo -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cost():
    return CostDemo()


def test_cost_params_and_marks(cost):
    cost.validate()
    assert [p.name for p in cost.params] == ["log_params", "log_tokens", "utilisation", "price"]
    kinds = [m.kind for m in cost.marks()]
    assert kinds == ["readout", "lines", "lines"]
    assert isinstance(cost.marks()[0], Readout)
    for bad, message in (
        ({"utilisation": 0.7}, "utilisation must be between 0.2 and 0.6"),
        ({"price": 0.5}, "price must be between 1.0 and 4.0"),
        ({"log_params": 9.25}, "log_params must be between 9.0 and 12.0 in steps of 0.5"),
    ):
        with pytest.raises(ValueError, match=message):
            cost.curves(**bad)


def test_cost_compute_matches_the_library(cost):
    curves = cost.curves(log_params=11.0, log_tokens=12.5, utilisation=0.3, price=2.5)
    n, d = 1e11, 10**12.5
    hw = {"peak_flops": DEVICES["H100"], "utilisation": 0.3}
    numbers = dict(curves["numbers"])
    assert numbers["compute 6ND"] == f"{training_flops(n, d):.2e} FLOP"
    assert numbers["H100-hours"] == f"{device_hours(n, d, **hw):.3g}"
    dollars = training_cost(n, d, **hw, price_per_hour=2.5)
    assert numbers["× Writer's $700k"] == f"{dollars / WRITER_CLAIM:.3g}"
    assert numbers["cost"].startswith("$") and numbers["cost"].endswith("M")
    for size in SIZES:
        np.testing.assert_allclose(
            curves[f"cost_{size:.0e}"],
            training_cost(size, np.asarray(TOKENS), **hw, price_per_hour=2.5),
        )
    assert np.all(curves["claim"] == WRITER_CLAIM)
    assert np.all(curves["estimate"] == COMPARABLE_ESTIMATE)
    # the budget panel inverts the cost: the compute-optimal run of each budget costs the budget
    budgets = np.logspace(5, 8, 13)
    spent = training_cost(curves["n_opt"], curves["d_opt"], **hw, price_per_hour=2.5)
    np.testing.assert_allclose(spent, budgets, rtol=1e-9)
    c = budget_compute(budgets, **hw, price_per_hour=2.5)
    np.testing.assert_allclose(curves["n_opt_h"], compute_optimal(c, "hoffmann")[0])


def test_budget_compute_checks_its_arguments():
    hw = {"peak_flops": 1e15, "utilisation": 0.5, "price_per_hour": 2.0}
    assert budget_compute(2.0, **hw) == pytest.approx(3600 * 1e15 * 0.5)
    with pytest.raises(ValueError, match="dollars must be finite and > 0"):
        budget_compute(0.0, **hw)
    with pytest.raises(ValueError, match=r"utilisation must be in \(0, 1\]"):
        budget_compute(1.0, **{**hw, "utilisation": 1.5})
    with pytest.raises(ValueError, match="price_per_hour must be finite and > 0"):
        budget_compute(1.0, **{**hw, "price_per_hour": -1.0})


def test_cost_describe_names_the_key_numbers(cost):
    curves = cost.curves()
    text = cost.describe(cost.check(), curves)
    numbers = dict(curves["numbers"])
    assert numbers["cost"] in text and numbers["compute 6ND"] in text
    assert "$700k" in text and "989 TFLOP/s" in text


# -- both renderings -----------------------------------------------------------------------------
def test_log_lines_drop_minor_ticks_only_in_the_live_figure():
    panel = CostDemo().live()
    for figure in panel.figures.values():
        ax = figure.axes[0]
        assert ax.get_xscale() == ax.get_yscale() == "log"
        assert len(ax.xaxis.get_minorticklocs()) == len(ax.yaxis.get_minorticklocs()) == 0
    spec = CostDemo().explorable().spec
    assert spec["concat"][1]["encoding"]["y"]["scale"] == {"type": "log"}


@pytest.mark.parametrize("demo_class", [StockDemo, CostDemo])
def test_every_control_changes_what_is_drawn_and_the_explorable_is_light(demo_class):
    demo = demo_class()
    panel = demo.live()

    def drawn():
        images = [image.value for image in panel.images.values()]
        return images + [panel.state[m.key].value for m in panel.marks if not m.in_figure]

    for p in demo.all_params():
        before = drawn()
        panel.set(**{p.name: next(v for v in reversed(p.values()) if v != panel.values[p.name])})
        assert drawn() != before, f"moving {p.name} changed nothing"
    explorable = demo.explorable()
    assert explorable.gzip_bytes < MAX_PAGE_DATA_GZIP / 2
    assert demo.title in explorable.to_html()
