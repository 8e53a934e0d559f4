"""Interactive demo: the Gaussian loop, fitted sigma over generations with its closed forms."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..collapse import gaussian_chain, gaussian_chain_theory
from ..style import PALETTE
from ._base import Choice, Demo, Series, Slider

ENSEMBLE = 200
ENSEMBLE_SEED = 2024
MAX_GENERATIONS = 100
_RUN = ("samples", "estimator", "seed")
_FIT = ("samples", "estimator")


@lru_cache(maxsize=64)
def _ensemble(samples: int, estimator: str) -> tuple[np.ndarray, np.ndarray]:
    sigma = gaussian_chain(
        MAX_GENERATIONS, samples, estimator=estimator, seeds=ENSEMBLE, rng=ENSEMBLE_SEED
    ).sigma
    return sigma.mean(axis=0), np.exp(np.log(sigma).mean(axis=0))


class GaussianLoopDemo(Demo):
    """Fitted sigma over generations: one run, 200 runs, and the closed forms."""

    title = "The Gaussian loop: fitted σ over generations"
    precompute = True  # every setting once (under a second): live updates only redraw
    params = (
        Slider("samples", "samples per generation M", 10, 100, 10, 20),
        Choice(
            "estimator",
            "estimator",
            (("mle", "maximum likelihood (÷M)"), ("unbiased", "unbiased (÷(M−1))")),
            "mle",
        ),
        Slider("seed", "seed of the single run", 0, 4, 1, 0),
    )
    x_param = Slider("generations", "generations shown", 10, MAX_GENERATIONS, 10, MAX_GENERATIONS)
    x_label = "generation n"
    y_label = "fitted σ (real σ = 1, log scale)"
    y_log = True
    series = (
        Series("run", "one run (chosen seed)", PALETTE["grey"], (), 1.2, _RUN),
        Series("mean", f"mean σ of {ENSEMBLE} runs", PALETTE["blue"], (), 2.2, _FIT),
        Series("mean_theory", "E[σ], closed form", PALETTE["sky"], (6, 3), 2.0, _FIT),
        Series(
            "typical",
            f"typical σ of {ENSEMBLE} runs",
            PALETTE["vermillion"],
            (),
            2.2,
            _FIT,
        ),
        Series("typical_theory", "typical σ, closed form", PALETTE["orange"], (6, 3), 2.0, _FIT),
    )

    def compute(self, samples: int, estimator: str, seed: int) -> dict[str, np.ndarray]:
        mean, typical = _ensemble(samples, estimator)
        theory = gaussian_chain_theory(MAX_GENERATIONS, samples, estimator=estimator)
        run = gaussian_chain(MAX_GENERATIONS, samples, estimator=estimator, rng=seed).sigma[0]
        return {
            "run": run,
            "mean": mean,
            "mean_theory": theory["mean_sigma"],
            "typical": typical,
            "typical_theory": theory["typical_sigma"],
        }

    def describe(self, values: dict, curves: dict[str, np.ndarray]) -> str:
        n = int(values["generations"])
        c = {k: v[n] for k, v in curves.items()}
        return (
            f"After {n} generations of M = {values['samples']} samples "
            f"({values['estimator']} fit), the single run (seed {values['seed']}) has "
            f"σ = {c['run']:.3g}; the mean of {ENSEMBLE} runs is {c['mean']:.3g} "
            f"(closed form {c['mean_theory']:.3g}) and the typical run "
            f"{c['typical']:.3g} (closed form {c['typical_theory']:.3g})."
        )
