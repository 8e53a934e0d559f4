"""Interactive demo: sampling at low temperature, the minority's share over generations."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..collapse.bias import temperature_chain, temperature_fixed_point, temperature_path
from ..style import PALETTE
from ._base import Demo, Series, Slider

ENSEMBLE = 200
ENSEMBLE_SEED = 2024
SAMPLES = 100
MAX_GENERATIONS = 30
_RUN = ("temperature", "real_fraction", "minority", "seed")
_LOOP = ("temperature", "real_fraction", "minority")


@lru_cache(maxsize=256)
def _ensemble_mean(temperature: float, real_fraction: float, minority: float) -> np.ndarray:
    chain = temperature_chain(
        minority,
        MAX_GENERATIONS,
        SAMPLES,
        temperature=temperature,
        real_fraction=real_fraction,
        seeds=ENSEMBLE,
        rng=ENSEMBLE_SEED,
    )
    return chain.minority.mean(axis=0)


@lru_cache(maxsize=256)
def _theory(temperature: float, real_fraction: float, minority: float) -> tuple[np.ndarray, float]:
    path = temperature_path(
        minority, MAX_GENERATIONS, temperature=temperature, real_fraction=real_fraction
    )[:, 0]
    limit = temperature_fixed_point(minority, temperature=temperature, real_fraction=real_fraction)
    return path, float(limit[0])


class TemperatureBiasDemo(Demo):
    """The minority's share when each generation samples at temperature T, plus real data."""

    title = "Sampling at low temperature: the minority's share over generations"
    params = (
        Slider("temperature", "temperature T", 0.5, 1.2, 0.1, 0.8),
        Slider("real_fraction", "real data per generation α", 0.0, 0.4, 0.1, 0.0),
        Slider("minority", "real minority share", 0.1, 0.4, 0.1, 0.3),
        Slider("seed", "seed of the single run", 0, 2, 1, 0),
    )
    x_param = Slider("generations", "generations shown", 5, MAX_GENERATIONS, 5, MAX_GENERATIONS)
    x_label = "generation n"
    y_label = f"minority share (M = {SAMPLES} examples per generation)"
    series = (
        Series("run", "one run (chosen seed)", PALETTE["grey"], (), 1.2, _RUN),
        Series("mean", f"mean of {ENSEMBLE} runs", PALETTE["blue"], (), 2.2, _LOOP),
        Series("map", "deterministic map (M → ∞)", PALETTE["vermillion"], (6, 3), 2.0, _LOOP),
    )

    def compute(
        self, temperature: float, real_fraction: float, minority: float, seed: int
    ) -> dict[str, np.ndarray]:
        key = (round(temperature, 10), round(real_fraction, 10), round(minority, 10))
        run = temperature_chain(
            minority,
            MAX_GENERATIONS,
            SAMPLES,
            temperature=temperature,
            real_fraction=real_fraction,
            rng=seed,
        ).minority[0]
        return {"run": run, "mean": _ensemble_mean(*key), "map": _theory(*key)[0]}

    def describe(self, values: dict, curves: dict[str, np.ndarray]) -> str:
        n = int(values["generations"])
        key = (
            round(values["temperature"], 10),
            round(values["real_fraction"], 10),
            round(values["minority"], 10),
        )
        limit = _theory(*key)[1]
        return (
            f"A minority with a real share of {values['minority']:.0%}, sampled at temperature "
            f"T = {values['temperature']:.1f} with {values['real_fraction']:.0%} real data per "
            f"generation: after {n} generations its share is {curves['run'][n]:.3f} in the chosen "
            f"run (seed {values['seed']}), {curves['mean'][n]:.3f} on average over {ENSEMBLE} "
            f"runs and {curves['map'][n]:.3f} by the deterministic map, which settles at "
            f"{limit:.3f}."
        )
