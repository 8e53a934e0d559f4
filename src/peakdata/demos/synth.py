"""Interactive demo: synthetic iris petals from a fitted model, measured against the real ones.

Choose a model (a Gaussian mixture with 1 to 6 components, or a kernel density estimate with a
bandwidth from 0 to 1 cm) and a sample size. One panel draws a synthetic sample over the real
training flowers; the readout gives the four measures of :mod:`peakdata.synth` (precision,
recall, energy distance, distance to the closest real record), averaged over several samples,
next to the same measures for the held-out real flowers.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..collapse.twod import load_iris_petals, split_heldout
from ..style import PALETTE
from ..synth import fit_gmm, kde_sample, measure, resampling_energy
from ._base import Choice, Demo, Points, Readout, Slider

COMPONENTS = (1, 2, 3, 4, 5, 6)
BANDWIDTHS = (0.0, 0.05, 0.1, 0.2, 0.5, 1.0)
EM_ITERATIONS = 100
FIT_SEED = 0
SAMPLE_SEEDS = tuple(range(1, 21))
"""The readout averages the measures of 20 samples (seeds 1 to 20); the panel draws the first."""
K_NEIGHBOUR = 3

MODELS = tuple((f"gmm{k}", f"mixture, K = {k}") for k in COMPONENTS) + tuple(
    (f"kde{h:g}", f"kernel, h = {h:g} cm") for h in BANDWIDTHS
)
_DEPS = ("model", "size")


@lru_cache(maxsize=1)
def _real() -> tuple[np.ndarray, np.ndarray]:
    """(training flowers, held-out flowers): the fixed split of the iris petals."""
    return split_heldout(load_iris_petals())


@lru_cache(maxsize=len(COMPONENTS))
def _mixture(components: int):
    return fit_gmm(_real()[0], components, iterations=EM_ITERATIONS, rng=FIT_SEED)


def synthetic_sample(model: str, size: int, seed: int) -> np.ndarray:
    """``size`` points from the demo's model (``"gmm3"``, ``"kde0.1"``, ...) with ``seed``."""
    if model.startswith("gmm"):
        return _mixture(int(model[3:])).sample(size, rng=seed)
    return kde_sample(_real()[0], float(model[3:]), size, rng=seed)


@lru_cache(maxsize=1)
def heldout_reference() -> dict[str, float]:
    """The held-out real flowers measured like a synthetic sample against the training ones."""
    train, held = _real()
    m = measure(train, held, K_NEIGHBOUR)
    return {
        "precision": m.precision,
        "recall": m.recall,
        "energy": m.energy,
        "closest": float(m.closest.mean()),
        "copies": m.copies,
    }


@lru_cache(maxsize=64)
def summary(model: str, size: int) -> tuple[np.ndarray, dict[str, float]]:
    """The first sample, and the mean of each measure over :data:`SAMPLE_SEEDS` samples."""
    train = _real()[0]
    samples = [synthetic_sample(model, size, seed) for seed in SAMPLE_SEEDS]
    rows = []
    for x in samples:
        m = measure(train, x, K_NEIGHBOUR)
        rows.append((m.precision, m.recall, m.energy, float(m.closest.mean()), m.copies))
    mean = np.mean(rows, axis=0)
    keys = ("precision", "recall", "energy", "closest", "copies")
    return samples[0], dict(zip(keys, mean.tolist(), strict=True))


class SyntheticIrisDemo(Demo):
    """A synthetic sample over the real flowers, and its four measures."""

    title = "Synthetic iris petals: fidelity, diversity, distance and copies"
    params = (
        Choice("model", "model", MODELS, "gmm3"),
        Slider("size", "synthetic points", 100, 400, 100, 100),
    )
    panels = (
        Points(
            key="sample",
            title="One synthetic sample over the real training flowers",
            depends_on=_DEPS,
            label=f"synthetic (seed {SAMPLE_SEEDS[0]})",
            color=PALETTE["blue"],
            reference=lambda: _real()[0],
            reference_label="the 100 real training flowers",
            x_label="petal length (cm)",
            y_label="petal width (cm)",
            domain=((-1.0, 8.5), (-1.0, 3.5)),
        ),
        Readout(
            key="numbers",
            title=f"Mean of {len(SAMPLE_SEEDS)} samples; real: the held-out flowers",
            depends_on=_DEPS,
        ),
    )

    def compute(self, model: str, size: int) -> dict:
        sample, m = summary(model, size)
        ref = heldout_reference()
        noise = resampling_energy(_real()[0], size)
        numbers = [
            ("precision (fidelity)", f"{m['precision']:.2f} (real {ref['precision']:.2f})"),
            ("recall (diversity)", f"{m['recall']:.2f} (real {ref['recall']:.2f})"),
            ("energy distance", f"{m['energy']:.3f} cm (noise {noise:.3f} cm)"),
            ("closest real flower, mean", f"{m['closest']:.3f} cm (real {ref['closest']:.3f} cm)"),
            ("exact copies of a real flower", f"{m['copies']:.0%} (real {ref['copies']:.0%})"),
        ]
        return {"sample": sample, "numbers": numbers}

    def describe(self, values: dict, curves: dict) -> str:
        label = dict(MODELS)[values["model"]]
        numbers = dict(curves["numbers"])
        return (
            f"{values['size']} synthetic petals from a {label} fitted to the 100 training "
            f"flowers, drawn over the real ones. Mean of {len(SAMPLE_SEEDS)} samples ('real': "
            "the 50 held-out flowers measured the same way; 'noise': the energy distance of "
            f"resampled training flowers): precision {numbers['precision (fidelity)']}, recall "
            f"{numbers['recall (diversity)']}, energy distance {numbers['energy distance']}, "
            f"distance to the closest real flower {numbers['closest real flower, mean']}, "
            f"exact copies {numbers['exact copies of a real flower']}."
        )


__all__ = [
    "BANDWIDTHS",
    "COMPONENTS",
    "MODELS",
    "SyntheticIrisDemo",
    "heldout_reference",
    "summary",
    "synthetic_sample",
]
