"""Interactive demo: replace, accumulate or subsample, with some real data, in linear regression."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..collapse.regression import (
    accumulate_error_limit,
    linear_regression_chain,
    linear_regression_theory,
)
from ..style import PALETTE
from ._base import Choice, Demo, Series, Slider

ENSEMBLE = 200
ENSEMBLE_SEED = 2024
MAX_GENERATIONS = 30
_RUN = ("workflow", "real_fraction", "samples", "dim")
_SHAPE = ("samples", "dim")


@lru_cache(maxsize=128)
def _ensemble(workflow: str, real_fraction: float, samples: int, dim: int) -> np.ndarray:
    """Mean test error of model n, n = 0..MAX_GENERATIONS (NaN at 0: the real data, no model)."""
    error = linear_regression_chain(
        MAX_GENERATIONS - 1,
        samples,
        dim,
        workflow=workflow,
        real_fraction=real_fraction,
        seeds=ENSEMBLE,
        rng=ENSEMBLE_SEED,
    ).error
    return np.r_[np.nan, error.mean(axis=0)]


def _theory(samples: int, dim: int, workflow: str) -> np.ndarray:
    """Closed form for model n = 1..MAX_GENERATIONS (fit n: n σ²d/(T−d−1) for replace)."""
    return np.r_[
        np.nan, linear_regression_theory(MAX_GENERATIONS - 1, samples, dim, workflow=workflow)
    ]


class WorkflowsDemo(Demo):
    """Mean test error of OLS over generations, for a workflow and a share of real labels."""

    title = "Linear regression on its own labels: test error over generations"
    params = (
        Choice(
            "workflow",
            "workflow",
            (
                ("replace", "replace"),
                ("accumulate", "accumulate"),
                ("accumulate-subsample", "accumulate-subsample"),
            ),
            "replace",
        ),
        Slider("real_fraction", "share of real labels", 0.0, 0.5, 0.1, 0.0),
        Slider("samples", "samples per generation T", 20, 80, 20, 40),
        Slider("dim", "dimension d", 1, 10, 3, 4),
    )
    x_param = Slider("generations", "generations shown", 5, MAX_GENERATIONS, 5, MAX_GENERATIONS)
    x_label = "generation n (model 1 is fitted to the real data)"
    y_label = "test error ‖w − w*‖² (noise σ = 1, log scale)"
    y_log = True
    series = (
        Series("run", f"mean of {ENSEMBLE} runs, chosen settings", PALETTE["blue"], (), 2.4, _RUN),
        Series(
            "replace",
            "replace, no real data: closed form",
            PALETTE["vermillion"],
            (6, 3),
            1.8,
            _SHAPE,
        ),
        Series(
            "accumulate",
            "accumulate, no real data: closed form",
            PALETTE["green"],
            (6, 3),
            1.8,
            _SHAPE,
        ),
    )

    def compute(
        self, workflow: str, real_fraction: float, samples: int, dim: int
    ) -> dict[str, np.ndarray]:
        return {
            "run": _ensemble(workflow, real_fraction, samples, dim),
            "replace": _theory(samples, dim, "replace"),
            "accumulate": _theory(samples, dim, "accumulate"),
        }

    def describe(self, values: dict, curves: dict[str, np.ndarray]) -> str:
        n = int(values["generations"])
        c = {k: v[n] for k, v in curves.items()}
        bound = accumulate_error_limit(values["samples"], values["dim"])
        share = f"{values['real_fraction']:.0%} real labels"
        return (
            f"Generation {n}, T = {values['samples']} samples in d = {values['dim']} "
            f"dimensions, {values['workflow']} with {share}: the mean test error of "
            f"{ENSEMBLE} runs is {c['run']:.3g}. Without real data the closed forms give "
            f"{c['replace']:.3g} for replace and {c['accumulate']:.3g} for accumulate "
            f"(which never exceeds {bound:.3g})."
        )
