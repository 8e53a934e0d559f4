"""Interactive demo: the compute-optimal split of a training budget, and the price of over-training.

Three panels from one definition: the loss L(N, D) of a fit over model size × data (log axes),
with the compute line C = 6ND, the iso-loss curve through the optimum, the optimum and a smaller
(over-trained) model on that curve; the tokens and compute a smaller model needs to match the
optimum's loss; and the key numbers, including the optimum found by brute-force search.

The lines and points on the loss map are the heatmap's overlays (:class:`~peakdata.demos.Overlay`);
the smaller model's size is marked on the over-training panel by its ``rule``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ..scaling import (
    FITS,
    brute_force_optimum,
    chinchilla_loss,
    compute_optimal,
    overtraining_tokens_ratio,
    tokens_for_loss,
)
from ..style import PALETTE
from ._base import Choice, Demo, Heatmap, Lines, Overlay, Readout, Series, Slider

LOG_PARAMS = tuple(round(7.0 + 0.1 * i, 1) for i in range(61))
"""Heatmap x: log10 of the model size, 1e7 to 1e13 parameters."""
LOG_TOKENS = tuple(round(9.0 + 0.1 * i, 1) for i in range(71))
"""Heatmap y: log10 of the training tokens, 1e9 to 1e16."""
FRACTIONS = tuple(round(0.2 + 0.025 * i, 3) for i in range(33))
"""x of the over-training panel: the smaller model's size as a share of N_opt, 0.2 to 1."""
LOSS_LEVELS = (2.0, 2.25, 2.5, 3.0, 3.5)
"""Iso-loss contours drawn on the heatmap, nats per token."""
SEARCH_POINTS = 20_001
"""Model sizes tried by the brute-force search of the readout."""

_BUDGET = ("log_compute", "fit")
_PLAN = ("log_compute", "fit", "size")


def sci(x: float, digits: int = 3) -> str:
    """``x`` in scientific notation without the exponent's plus sign and zeros: 5.88e23."""
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa}e{int(exponent)}"


# -- the demo ------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _loss_map(fit: str) -> np.ndarray:
    """L(N, D) over the heatmap, ``(len(LOG_TOKENS), len(LOG_PARAMS))``."""
    n = 10.0 ** np.asarray(LOG_PARAMS)
    d = 10.0 ** np.asarray(LOG_TOKENS)
    return chinchilla_loss(n[None, :], d[:, None], fit)


def _compute_line(log_compute: float) -> tuple[list[float], list[float]]:
    """C = 6ND in log10 coordinates, clipped to the heatmap: log D = log10(C/6) - log N."""
    total = log_compute - math.log10(6)
    x0 = max(LOG_PARAMS[0], total - LOG_TOKENS[-1])
    x1 = min(LOG_PARAMS[-1], total - LOG_TOKENS[0])
    return [x0, x1], [total - x0, total - x1]


def _iso_loss(loss: float, fit: str) -> tuple[np.ndarray, np.ndarray]:
    """The curve L(N, D) = ``loss`` in log10 coordinates, inside the heatmap."""
    f = FITS[fit]
    # the smallest N on the map: where the curve leaves the top edge (or the left edge)
    room = loss - f.E - f.B / 10.0 ** (f.beta * LOG_TOKENS[-1])
    left = math.log10((f.A / room) ** (1 / f.alpha)) if room > 0 else LOG_PARAMS[-1]
    left = max(left, LOG_PARAMS[0])
    xs = np.linspace(left, LOG_PARAMS[-1], 60)
    floor = f.E + f.A / 10.0 ** (f.alpha * xs)
    xs = xs[floor < loss]
    ys = np.log10(tokens_for_loss(10.0**xs, loss, fit)) if xs.size else xs
    keep = (ys >= LOG_TOKENS[0]) & (ys <= LOG_TOKENS[-1] + 1e-9)
    return xs[keep], np.minimum(ys[keep], LOG_TOKENS[-1])


class ComputeOptimalDemo(Demo):
    """Compute budget and fit → optimal N and D on the loss map; over-training's price."""

    title = "Spending a compute budget: model size or data?"
    params = (
        Slider("log_compute", "compute C (log₁₀ FLOP)", 18.0, 26.0, 0.25, 23.75),
        Choice(
            "fit",
            "fit of L(N, D)",
            (("hoffmann", "Hoffmann et al. 2022"), ("besiroglu", "Besiroglu et al. 2024")),
            "hoffmann",
        ),
        Slider("size", "smaller model (share of N_opt)", 0.2, 1.0, 0.05, 0.5),
    )
    panels = (
        Heatmap(
            key="loss",
            title="Loss over model size and data",
            depends_on=("fit",),
            x=LOG_PARAMS,
            y=LOG_TOKENS,
            x_label="model size N (log₁₀ parameters)",
            y_label="training data D (log₁₀ tokens)",
            z_label="loss L(N, D) (nats per token)",
            zmin=1.7,
            zmax=3.7,
            levels=LOSS_LEVELS,
            integer_x=True,
            integer_y=True,
            overlays=(
                Overlay("budget", "compute line C = 6ND", PALETTE["vermillion"], "line", _BUDGET),
                Overlay(
                    "iso", "same loss as the optimum", PALETTE["sky"], "line", _BUDGET, (5, 3), 2.0
                ),
                Overlay("optimum", "compute-optimal N, D", "#ffffff", "point", _BUDGET),
                Overlay(
                    "smaller",
                    "smaller model, same loss",
                    PALETTE["orange"],
                    "point",
                    _PLAN,
                    shape="square",
                ),
            ),
        ),
        Lines(
            key="overtraining",
            title="The price of a smaller model (any budget)",
            series=(
                Series("tokens", "tokens needed ÷ D_opt", PALETTE["blue"], (), 2.2, ("fit",)),
                Series(
                    "compute", "compute needed ÷ C", PALETTE["vermillion"], (6, 3), 2.0, ("fit",)
                ),
            ),
            x=FRACTIONS,
            x_label="model size ÷ N_opt",
            y_label="multiple of the optimal run (×)",
            log_y=True,
            integer_x=False,
            rule="size",
        ),
        Readout(key="numbers", title="Key numbers", depends_on=_PLAN),
    )

    def compute(self, log_compute: float, fit: str, size: float) -> dict:
        compute = 10.0**log_compute
        n_opt, d_opt = compute_optimal(compute, fit)
        loss = chinchilla_loss(n_opt, d_opt, fit)
        n_small = size * n_opt
        d_small = tokens_for_loss(n_small, loss, fit)
        n_search, _ = brute_force_optimum(compute, fit, points=SEARCH_POINTS)
        tokens = overtraining_tokens_ratio(np.asarray(FRACTIONS), fit)
        numbers = (
            ("compute budget C", f"{sci(compute)} FLOP"),
            ("optimal model N_opt", f"{sci(n_opt)} parameters"),
            ("optimal data D_opt", f"{sci(d_opt)} tokens"),
            ("tokens per parameter", f"{d_opt / n_opt:.1f}"),
            ("loss at the optimum", f"{loss:.3f} nats/token"),
            ("brute-force search ÷ closed form", f"{n_search / n_opt:.6f}"),
            (f"model of {size:.2f} N_opt", f"{sci(n_small)} parameters"),
            ("tokens it needs, same loss", f"{sci(d_small)} (×{d_small / d_opt:.2f})"),
            ("compute it needs", f"×{n_small * d_small / (n_opt * d_opt):.2f} C"),
        )
        return {
            "loss": _loss_map(fit),
            "budget": _compute_line(log_compute),
            "iso": _iso_loss(loss, fit),
            "optimum": ([math.log10(n_opt)], [math.log10(d_opt)]),
            "smaller": ([math.log10(n_small)], [math.log10(d_small)]),
            "tokens": tokens,
            "compute": tokens * np.asarray(FRACTIONS),
            "numbers": numbers,
        }

    def describe(self, values: dict, curves: dict) -> str:
        compute, fit, size = 10.0 ** values["log_compute"], values["fit"], values["size"]
        n_opt, d_opt = compute_optimal(compute, fit)
        ratio = overtraining_tokens_ratio(size, fit)
        label = dict(self.param("fit").options)[fit]
        return (
            f"With a budget of {sci(compute)} FLOP and the fit of {label}, the compute-optimal "
            f"model has {sci(n_opt)} parameters trained on {sci(d_opt)} tokens "
            f"({d_opt / n_opt:.1f} tokens per parameter), for a loss of "
            f"{chinchilla_loss(n_opt, d_opt, fit):.3f} nats per token; a model of {size:.2f} "
            f"times that size reaches the same loss with {ratio:.2f} times the tokens and "
            f"{size * ratio:.2f} times the compute."
        )
