"""Interactive demo: the kernel-density loop on the iris petals, spread over generations with its
closed form and its fixed point (M−1)h² per coordinate, next to the sample of one run at the
chosen generation drawn over the real petals."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..collapse.twod import kde_chain, kde_variance_theory, load_iris_petals, split_heldout
from ..style import PALETTE
from ._base import Demo, Lines, Points, Series, Slider

ENSEMBLE = 200
ENSEMBLE_SEED = 2024
RUN_SEED = 0
MAX_GENERATIONS = 150
_FIT = ("samples", "bandwidth")


@lru_cache(maxsize=1)
def _training_set() -> np.ndarray:
    return split_heldout(load_iris_petals())[0]


GENERATIONS = Slider("generations", "generations shown", 10, MAX_GENERATIONS, 10, MAX_GENERATIONS)


@lru_cache(maxsize=64)
def _runs(samples: int, bandwidth: float) -> tuple[np.ndarray, np.ndarray, dict]:
    """Total variance (both coordinates) per generation: mean of the ensemble, and one run,
    with that run's training set at every generation the slider offers."""
    data = _training_set()
    ensemble = kde_chain(
        data, MAX_GENERATIONS, samples, bandwidth, seeds=ENSEMBLE, rng=ENSEMBLE_SEED
    ).variance.sum(axis=-1)
    run = kde_chain(
        data, MAX_GENERATIONS, samples, bandwidth, rng=RUN_SEED, snapshots=GENERATIONS.values()
    )
    points = {t: run.snapshots[t][0] for t in GENERATIONS.values()}
    return ensemble.mean(axis=0), run.variance.sum(axis=-1)[0], points


class KDELoopDemo(Demo):
    """The spread of the kernel-density loop: simulation, closed form, fixed point."""

    title = "The kernel-density loop on iris petals: spread over generations"
    precompute = True  # 36 settings, about a second: live updates then only redraw
    params = (
        Slider("samples", "samples per generation M", 10, 50, 10, 20),
        Slider("bandwidth", "bandwidth h (cm)", 0.0, 0.5, 0.1, 0.2),
    )
    x_param = GENERATIONS
    series = (
        Series("run", f"one run (seed {RUN_SEED})", PALETTE["grey"], (), 1.2, _FIT),
        Series("mean", f"mean of {ENSEMBLE} runs", PALETTE["blue"], (), 2.2, _FIT),
        Series("theory", "closed form", PALETTE["orange"], (6, 3), 2.0, _FIT),
        Series("fixed", "fixed point 2(M−1)h²", PALETTE["black"], (2, 2), 1.5, _FIT),
        Series("real", "the real flowers", PALETTE["green"], (8, 2, 2, 2), 1.5, ()),
    )
    panels = (
        Lines(
            title="Spread over generations",
            series=series,
            x_label="generation n",
            y_label="total variance of the training set (cm²)",
            x_view="generations",
        ),
        Points(
            key="sample",
            title="One run's training set at generation n",
            depends_on=_FIT,
            select="generations",
            label=f"generation n, one run (seed {RUN_SEED})",
            color=PALETTE["blue"],
            reference=load_iris_petals,
            reference_label="the 150 real iris petals",
            x_label="petal length (cm)",
            y_label="petal width (cm)",
        ),
    )

    def compute(self, samples: int, bandwidth: float) -> dict:
        mean, run, points = _runs(samples, bandwidth)
        s0 = _training_set().var(axis=0)
        theory = kde_variance_theory(MAX_GENERATIONS, samples, bandwidth, s0).sum(axis=-1)
        flat = np.ones(MAX_GENERATIONS + 1)
        return {
            "run": run,
            "mean": mean,
            "theory": theory,
            "fixed": flat * 2 * (samples - 1) * bandwidth**2,
            "real": flat * s0.sum(),
            "sample": points,
        }

    def describe(self, values: dict, curves: dict) -> str:
        n = int(values["generations"])
        c = {k: v[n] for k, v in curves.items() if k != "sample"}
        return (
            f"After {n} generations of M = {values['samples']} samples with bandwidth "
            f"h = {values['bandwidth']:.1f} cm, the one run's {values['samples']} points "
            f"have a total variance of {c['run']:.3g} cm²; the mean total variance of {ENSEMBLE} "
            "runs is "
            f"{c['mean']:.3g} cm² (closed form {c['theory']:.3g} cm²); the loop settles at "
            f"2(M−1)h² = {c['fixed']:.3g} cm², against {c['real']:.3g} cm² for the real flowers."
        )
