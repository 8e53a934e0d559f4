"""Interactive demo: a Zipf vocabulary resampled from itself, words and diversity left."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..collapse.discrete import (
    discrete_chain,
    expected_diversity,
    expected_survivors,
    zipf_probs,
)
from ..style import PALETTE
from ._base import Demo, Series, Slider

VOCABULARY = 200
ENSEMBLE = 50
ENSEMBLE_SEED = 2024
MAX_GENERATIONS = 100
_RUN = ("beta", "samples", "temperature", "seed")
_LOOP = ("beta", "samples", "temperature")
_EXACT = ("beta", "samples")


@lru_cache(maxsize=64)
def _ensemble(beta: float, samples: int, temperature: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean share of words left and of diversity left over generations, for 100 runs."""
    probs = zipf_probs(VOCABULARY, beta)
    chain = discrete_chain(
        probs,
        MAX_GENERATIONS,
        samples,
        temperature=temperature,
        seeds=ENSEMBLE,
        rng=ENSEMBLE_SEED,
        record=[],
    )
    words = chain.surviving().mean(axis=0) / VOCABULARY
    return words, chain.diversity.mean(axis=0) / chain.diversity[0, 0]


@lru_cache(maxsize=64)
def _exact_words(beta: float, samples: int) -> np.ndarray:
    return expected_survivors(zipf_probs(VOCABULARY, beta), MAX_GENERATIONS, samples) / VOCABULARY


class TailsDemo(Demo):
    """Words left and diversity left, one run and 100 runs, with the closed forms at T = 1."""

    title = f"A Zipf vocabulary of {VOCABULARY:,} words, resampled from itself"
    precompute = True  # every setting once (about two seconds): live updates only redraw
    params = (
        Slider("beta", "Zipf exponent β", 0.8, 1.6, 0.4, 1.2),
        Slider("samples", "tokens per generation M", 250, 1000, 250, 500),
        Slider("temperature", "sampling temperature T", 0.85, 1.0, 0.05, 1.0),
        Slider("seed", "seed of the single run", 0, 2, 1, 0),
    )
    x_param = Slider("generations", "generations shown", 10, MAX_GENERATIONS, 10, MAX_GENERATIONS)
    x_label = "generation t"
    y_label = "share of generation 0 left"
    series = (
        Series("run", "words left, one run (chosen seed)", PALETTE["grey"], (), 1.2, _RUN),
        Series("words", f"words left, mean of {ENSEMBLE} runs", PALETTE["blue"], (), 2.2, _LOOP),
        Series(
            "words_theory", "words left, closed form at T = 1", PALETTE["sky"], (6, 3), 2.0, _EXACT
        ),
        Series(
            "diversity",
            f"Gini–Simpson diversity, mean of {ENSEMBLE} runs",
            PALETTE["vermillion"],
            (),
            2.2,
            _LOOP,
        ),
        Series(
            "diversity_theory",
            "diversity, closed form (1 − 1/M)ᵗ at T = 1",
            PALETTE["orange"],
            (6, 3),
            2.0,
            ("samples",),
        ),
    )

    def compute(
        self, beta: float, samples: int, temperature: float, seed: int
    ) -> dict[str, np.ndarray]:
        probs = zipf_probs(VOCABULARY, beta)
        words, diversity = _ensemble(beta, samples, temperature)
        run = discrete_chain(
            probs, MAX_GENERATIONS, samples, temperature=temperature, rng=seed, record=[]
        )
        h = expected_diversity(probs, MAX_GENERATIONS, samples)
        return {
            "run": run.surviving()[0] / VOCABULARY,
            "words": words,
            "words_theory": _exact_words(beta, samples),
            "diversity": diversity,
            "diversity_theory": h / h[0],
        }

    def describe(self, values: dict, curves: dict[str, np.ndarray]) -> str:
        n = int(values["generations"])
        c = {k: v[n] for k, v in curves.items()}
        return (
            f"After {n} generations of M = {values['samples']} tokens sampled at temperature "
            f"T = {values['temperature']:g} from a Zipf vocabulary (β = {values['beta']:g}), "
            f"the single run (seed {values['seed']}) keeps {c['run']:.1%} of its "
            f"{VOCABULARY:,} words and {ENSEMBLE} runs keep {c['words']:.1%} on average (closed "
            f"form at T = 1: {c['words_theory']:.1%}); the diversity keeps {c['diversity']:.1%} "
            f"of its starting value (closed form at T = 1: {c['diversity_theory']:.1%})."
        )
