"""Interactive demo: a teacher labels synthetic inputs for a student with little real data.

Two panels from one definition: the student's held-out accuracy over the amount of synthetic
data (log x), against the same student trained on its real examples only and against the
teacher; and the key numbers at the chosen amount (accuracy, baseline, share kept by the
verifier, label error of the kept examples, synthetic share of the training set).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..distill import (
    DistillResult,
    fit_class_gaussians,
    fit_logistic,
    gaussian_world,
    nearest_mean,
    teacher_student,
)
from ..style import PALETTE
from ._base import Choice, Demo, Lines, Readout, Series, Slider

SEPARATION, CORRELATION = 1.5, 0.8
"""The chapter's world (:func:`peakdata.distill.gaussian_world`)."""
POOL, POOL_SEED = 2000, 1
"""Real examples the teacher and the generator are fitted to, and their seed."""
TEST, TEST_SEED = 2000, 2
"""Held-out real examples the students are scored on, and their seed."""
ENSEMBLE, ENSEMBLE_SEED = 20, 3
"""Students averaged per setting (real sets and synthetic draws), and their seed."""
LABEL_NOISE = 0.3
"""Share of careless labels in the "careless labeller" scenario."""
NARROW_SPREAD = 0.3
"""Spread of the generator in the "typical inputs only" scenario (1 is faithful)."""
LOG_SYNTHETIC = (1.0, 1.5, 2.0, 2.5, 3.0)
SYNTHETIC = tuple(int(round(10**k)) for k in LOG_SYNTHETIC)
"""Amounts of synthetic data on the x axis: 10, 32, 100, 316, 1000."""

SCENARIOS = (
    ("careless", "careless labels (30%)"),
    ("clean", "good teacher"),
    ("weak", "weak teacher"),
    ("narrow", "typical inputs only"),
)


@lru_cache(maxsize=1)
def setting() -> dict:
    """The world, its real pool and held-out set, the teachers and the generator (cached)."""
    world = gaussian_world(SEPARATION, CORRELATION)
    pool_x, pool_y = world.sample(POOL, rng=POOL_SEED)
    test_x, test_y = world.sample(TEST, rng=TEST_SEED)
    return {
        "world": world,
        "pool": (pool_x, pool_y),
        "test": (test_x, test_y),
        "teacher": fit_logistic(pool_x, pool_y),
        "weak": nearest_mean(pool_x, pool_y),
        "generator": fit_class_gaussians(pool_x, pool_y),
    }


@lru_cache(maxsize=256)
def run(scenario: str, real: int, threshold: float) -> DistillResult:
    """The demo's students for one setting: :func:`~peakdata.distill.teacher_student`."""
    s = setting()
    teacher = s["weak"] if scenario == "weak" else s["teacher"]
    return teacher_student(
        *s["pool"],
        *s["test"],
        teacher=teacher,
        generator=s["generator"],
        real=real,
        synthetic=SYNTHETIC,
        threshold=threshold,
        label_noise=LABEL_NOISE if scenario == "careless" else 0.0,
        spread=NARROW_SPREAD if scenario == "narrow" else 1.0,
        reference=s["world"].bayes_coef(),
        seeds=ENSEMBLE,
        rng=ENSEMBLE_SEED,
    )


def _key(value: float) -> float:
    return round(float(value), 10)


class DistillDemo(Demo):
    """Student accuracy over the amount of synthetic data, with a verifier's threshold."""

    title = "Synthetic data from a teacher: the student's accuracy on held-out real data"
    precompute = True  # every setting once (about four seconds): live updates only redraw
    params = (
        Choice("scenario", "case", SCENARIOS, "careless"),
        Slider("real", "real examples n", 4, 20, 4, 8),
        Slider("threshold", "verifier threshold τ", 0.0, 0.9, 0.1, 0.0),
    )
    views = (Slider("log_synthetic", "synthetic examples (log₁₀ m)", 1.0, 3.0, 0.5, 3.0),)
    _ALL = ("scenario", "real", "threshold")
    panels = (
        Lines(
            title="Held-out accuracy of the student",
            series=(
                Series("student", "student: real + synthetic", PALETTE["blue"], (), 2.2, _ALL),
                Series(
                    "baseline",
                    "same student, real data only",
                    PALETTE["grey"],
                    (4, 3),
                    1.8,
                    ("real",),
                ),
                Series("teacher", "teacher", PALETTE["vermillion"], (1, 2), 1.8, ("scenario",)),
            ),
            x=tuple(float(m) for m in SYNTHETIC),
            log_x=True,
            x_label="synthetic examples m (log scale)",
            y_label=f"accuracy on {TEST:,} held-out real examples",
        ),
        Readout(
            key="numbers",
            title="At the chosen amount of synthetic data",
            depends_on=_ALL,
            select="log_synthetic",
        ),
    )

    def compute(self, scenario: str, real: int, threshold: float) -> dict:
        r = run(scenario, int(real), _key(threshold))
        mean, se = r.mean(), r.standard_error()
        numbers = {}
        for j, k in enumerate(LOG_SYNTHETIC):
            m = SYNTHETIC[j]
            kept = r.kept[:, j].mean()
            errors = r.label_error[:, j]
            error = "none kept" if np.all(np.isnan(errors)) else f"{np.nanmean(errors):.1%}"
            numbers[k] = (
                ("synthetic examples m", f"{m:,}"),
                ("student accuracy", f"{mean[j]:.3f} ± {se[j]:.3f}"),
                ("real data only (baseline)", f"{r.baseline.mean():.3f}"),
                ("teacher", f"{r.teacher_accuracy:.3f}"),
                ("share kept by the verifier", f"{kept:.0%}"),
                ("wrong labels among those kept", error),
                ("synthetic share of training set", f"{kept * m / (kept * m + real):.0%}"),
            )
        return {
            "student": mean,
            "baseline": np.full(len(SYNTHETIC), r.baseline.mean()),
            "teacher": np.full(len(SYNTHETIC), r.teacher_accuracy),
            "numbers": numbers,
        }

    def describe(self, values: dict, curves: dict) -> str:
        label = dict(SCENARIOS)[values["scenario"]]
        return (
            f"Case: {label}. A student with {values['real']} real examples and "
            f"{SYNTHETIC[-1]:,} synthetic ones (verifier threshold {values['threshold']:.1f}) "
            f"scores {curves['student'][-1]:.3f} on held-out real data, against "
            f"{curves['baseline'][0]:.3f} with its real examples only and "
            f"{curves['teacher'][0]:.3f} for the teacher (mean of {ENSEMBLE} students)."
        )
