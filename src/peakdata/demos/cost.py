"""Interactive demo: what a training run costs, and what a budget buys.

Training compute C = 6 N D FLOP; device-hours = C / (peak x utilisation) / 3600; cost =
device-hours x price per device-hour (:func:`peakdata.scaling.training_cost`). The sliders set
the model size N and the training tokens D (on log scales), the utilisation and the price of a
device-hour; the readout gives the compute, the device-hours and the cost, and two panels show
the cost over training tokens for a few model sizes and, inverted, the compute-optimal model and
data a budget in dollars buys (:func:`peakdata.scaling.compute_optimal`).

The hardware figures are the dense 16-bit peaks of NVIDIA's data sheets, rounded; prices are
illustrative assumptions of this book, not quotes. The framework has no logarithmic slider, so
N and D are set by their base-10 logarithms.
"""

from __future__ import annotations

from functools import partial
from types import MappingProxyType

import numpy as np

from ..scaling import compute_optimal, device_hours, training_cost, training_flops
from ..style import PALETTE
from ._base import Demo, Lines, Readout, Series, Slider

DEVICES = MappingProxyType(
    {
        "V100": 125e12,
        "A100": 312e12,
        "H100": 989e12,
    }
)
"""Peak dense 16-bit tensor throughput of one accelerator, FLOP/s: NVIDIA's data-sheet figures
for the V100 (SXM2, FP16), A100 (BF16) and H100 (SXM, BF16), without sparsity, rounded. Peaks
are not what a run sustains: multiply by the utilisation."""

DEMO_DEVICE = "H100"
"""The accelerator the demo prices (its peak is fixed; the sliders set utilisation and price)."""

WRITER_CLAIM = 7e5
"""US$: what Writer says training Palmyra X 004 cost (TechCrunch, 8 January 2025)."""
COMPARABLE_ESTIMATE = 4.6e6
"""US$: the estimate quoted next to it for a comparable OpenAI model (same source)."""

BUDGETS = tuple(float(b) for b in np.logspace(5, 8, 13))
"""x of the "what a budget buys" panel: US$ 1e5 to 1e8, four points a decade."""
TOKENS = tuple(float(t) for t in np.logspace(11, 14, 13))
"""x of the cost panel: 1e11 to 1e14 training tokens, four points a decade."""
SIZES = (1e9, 1e10, 1e11, 1e12)
"""Model sizes (parameters) drawn in the cost panel."""
_SIZE_NAMES = ("1B", "10B", "100B", "1T")  # short legend labels: text is most of a redraw

_PRICE = ("utilisation", "price")


def _money(dollars: float) -> str:
    """US$ with a k or M suffix at three significant digits."""
    if dollars >= 1e6:
        return f"${dollars / 1e6:.3g}M"
    if dollars >= 1e3:
        return f"${dollars / 1e3:.3g}k"
    return f"${dollars:.3g}"


def budget_compute(
    dollars: float | np.ndarray, *, peak_flops: float, utilisation: float, price_per_hour: float
) -> float | np.ndarray:
    """The training compute (FLOP) a budget in dollars buys: the inverse of
    :func:`peakdata.scaling.training_cost` in C = 6 N D."""
    dollars = np.asarray(dollars, dtype=float)
    if np.any(~np.isfinite(dollars)) or np.any(dollars <= 0):
        raise ValueError(f"dollars must be finite and > 0, got {dollars}")
    for name, value in (
        ("peak_flops", peak_flops),
        ("utilisation", utilisation),
        ("price_per_hour", price_per_hour),
    ):
        if not np.isfinite(value) or value <= 0 or (name == "utilisation" and value > 1):
            allowed = "in (0, 1]" if name == "utilisation" else "finite and > 0"
            raise ValueError(f"{name} must be {allowed}, got {value!r}")
    c = dollars / price_per_hour * 3600 * peak_flops * utilisation
    return float(c) if c.ndim == 0 else c


# both panels: log-log, without minor ticks (as the static panel; they are most of a redraw)
_log_lines = partial(Lines, log_x=True, log_y=True, minor_ticks=False)


class CostDemo(Demo):
    """A training-cost calculator, and what a budget buys at the compute-optimal split."""

    title = "What training costs (one H100-class device: 989 TFLOP/s peak)"
    params = (
        Slider("log_params", "parameters N (log₁₀)", 9.0, 12.0, 0.5, 11.0),
        Slider("log_tokens", "training tokens D (log₁₀)", 11.0, 14.0, 0.5, 12.0),
        Slider("utilisation", "utilisation (share of peak)", 0.2, 0.6, 0.1, 0.4),
        Slider("price", "price per device-hour (US$)", 1.0, 4.0, 0.5, 2.0),
    )
    series_cost = (
        *(
            Series(f"cost_{n:.0e}", f"N = {name}", color, dash, 2.0, _PRICE)
            for n, name, color, dash in zip(
                SIZES,
                _SIZE_NAMES,
                (PALETTE["sky"], PALETTE["blue"], PALETTE["purple"], PALETTE["vermillion"]),
                ((), (6, 3), (), (2, 2)),
                strict=True,
            )
        ),
        Series(
            "this_model",
            "N of the slider",
            PALETTE["green"],
            (),
            3.0,
            ("log_params", *_PRICE),
        ),
        Series("claim", "$700k claim", PALETTE["black"], (1, 2), 1.5, ()),
        Series("estimate", "$4.6M estimate", PALETTE["grey"], (6, 3), 1.5, ()),
    )
    series_budget = (
        Series("n_opt", "N, Besiroglu fit", PALETTE["blue"], (), 2.0, _PRICE),
        Series("d_opt", "D, Besiroglu fit", PALETTE["orange"], (), 2.0, _PRICE),
        Series("n_opt_h", "N, Hoffmann fit", PALETTE["blue"], (5, 3), 1.5, _PRICE),
        Series("d_opt_h", "D, Hoffmann fit", PALETTE["orange"], (5, 3), 1.5, _PRICE),
    )
    panels = (
        Readout(
            key="numbers",
            title="This training run",
            depends_on=("log_params", "log_tokens", *_PRICE),
        ),
        _log_lines(
            key="cost",
            title="Cost over training tokens",
            series=series_cost,
            x=TOKENS,
            x_label="training tokens D",
            y_label="training cost (US$, log scale)",
        ),
        _log_lines(
            key="budget",
            title="What a budget buys (compute-optimal)",
            series=series_budget,
            x=BUDGETS,
            x_label="budget (US$)",
            y_label="parameters or tokens (count, log scale)",
        ),
    )

    def compute(self, log_params: float, log_tokens: float, utilisation: float, price: float):
        peak = DEVICES[DEMO_DEVICE]
        n, d = 10.0**log_params, 10.0**log_tokens
        hw = {"peak_flops": peak, "utilisation": utilisation}
        flops = training_flops(n, d)
        hours = device_hours(n, d, **hw)
        dollars = training_cost(n, d, **hw, price_per_hour=price)
        x = np.asarray(TOKENS)
        out = {
            f"cost_{size:.0e}": training_cost(size, x, **hw, price_per_hour=price) for size in SIZES
        }
        out["this_model"] = training_cost(n, x, **hw, price_per_hour=price)
        out["claim"] = np.full(x.shape, WRITER_CLAIM)
        out["estimate"] = np.full(x.shape, COMPARABLE_ESTIMATE)
        c = budget_compute(np.asarray(BUDGETS), **hw, price_per_hour=price)
        out["n_opt"], out["d_opt"] = compute_optimal(c, "besiroglu")
        out["n_opt_h"], out["d_opt_h"] = compute_optimal(c, "hoffmann")
        out["numbers"] = [
            ("parameters × tokens", f"{n:.2g} × {d:.2g}"),
            ("tokens per parameter", f"{d / n:.3g}"),
            ("compute 6ND", f"{flops:.2e} FLOP"),
            (f"{DEMO_DEVICE}-hours", f"{hours:.3g}"),
            ("days on 1,000 devices", f"{hours / 1000 / 24:.3g}"),
            ("cost", _money(dollars)),
            ("× Writer's $700k", f"{dollars / WRITER_CLAIM:.3g}"),
        ]
        return out

    def describe(self, values: dict, curves: dict) -> str:
        numbers = dict(curves["numbers"])
        ratio = numbers["× Writer's $700k"]
        return (
            f"A model of 10^{values['log_params']:g} parameters trained on "
            f"10^{values['log_tokens']:g} tokens needs {numbers['compute 6ND']}; at "
            f"{values['utilisation']:.0%} of an {DEMO_DEVICE}'s 989 TFLOP/s peak that is "
            f"{numbers[f'{DEMO_DEVICE}-hours']} device-hours, and at "
            f"${values['price']:.2f} per device-hour it costs {numbers['cost']} "
            f"({ratio} times Writer's claimed $700k)."
        )
