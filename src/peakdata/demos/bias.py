"""Interactive demo: sampling at low temperature, the minority's share over generations.

Four panels from one definition: the share over generations (one run, the mean of 200 runs and
the deterministic map), its distribution over the 200 runs at the last generation shown, a phase
diagram of the map over the share of real data × generations, and the key numbers.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..collapse.bias import (
    sharpen,
    temperature_chain,
    temperature_fixed_point,
    temperature_path,
)
from ..style import PALETTE
from ._base import Demo, Heatmap, Histogram, Lines, Readout, Series, Slider

ENSEMBLE = 200
ENSEMBLE_SEED = 2024
SAMPLES = 100
MAX_GENERATIONS = 30
_RUN = ("temperature", "real_fraction", "minority", "seed")
_LOOP = ("temperature", "real_fraction", "minority")
_MAP = ("temperature", "minority")

GENERATIONS = Slider("generations", "generations shown", 5, MAX_GENERATIONS, 5, MAX_GENERATIONS)
PHASE_ALPHAS = tuple(round(0.025 * i, 3) for i in range(17))
"""Shares of real data on the phase diagram's y axis, 0 to 0.4 (the slider's values included)."""
PHASE_GENERATIONS = tuple(range(MAX_GENERATIONS + 1))
HISTOGRAM_BINS = tuple(round((4 * i - 0.5) / SAMPLES, 4) for i in range(27))
"""Bins of four shares each (shares are multiples of 1/M, 0 to 1): no bin favoured."""


def _key(*values: float) -> tuple[float, ...]:
    return tuple(round(float(v), 10) for v in values)


@lru_cache(maxsize=256)
def _ensemble(temperature: float, real_fraction: float, minority: float) -> np.ndarray:
    """The minority's share in each of the 200 runs, ``(runs, generations + 1)``."""
    return temperature_chain(
        minority,
        MAX_GENERATIONS,
        SAMPLES,
        temperature=temperature,
        real_fraction=real_fraction,
        seeds=ENSEMBLE,
        rng=ENSEMBLE_SEED,
    ).minority


@lru_cache(maxsize=256)
def _theory(temperature: float, real_fraction: float, minority: float) -> tuple[np.ndarray, float]:
    path = temperature_path(
        minority, MAX_GENERATIONS, temperature=temperature, real_fraction=real_fraction
    )[:, 0]
    limit = temperature_fixed_point(minority, temperature=temperature, real_fraction=real_fraction)
    return path, float(limit[0])


@lru_cache(maxsize=64)
def _phase(temperature: float, minority: float) -> np.ndarray:
    """The map's share ÷ the real share, ``(len(PHASE_ALPHAS), MAX_GENERATIONS + 1)``.

    :func:`~peakdata.collapse.bias.temperature_map` for every share of real data at once
    (the tests check it against :func:`~peakdata.collapse.bias.temperature_path`).
    """
    alpha = np.array(PHASE_ALPHAS)[:, None]
    p0 = np.array([minority, 1 - minority])
    shares = np.tile(p0, (alpha.size, 1))
    out = np.empty((alpha.size, MAX_GENERATIONS + 1))
    out[:, 0] = 1.0
    for n in range(1, MAX_GENERATIONS + 1):
        shares = alpha * p0 + (1 - alpha) * sharpen(shares, temperature)
        out[:, n] = shares[:, 0] / minority
    return out


class TemperatureBiasDemo(Demo):
    """The minority's share when each generation samples at temperature T, plus real data."""

    title = "Sampling at low temperature: the minority's share over generations"
    precompute = True  # every setting once (about two seconds): live updates only redraw
    params = (
        Slider("temperature", "temperature T", 0.5, 1.2, 0.1, 0.8),
        Slider("real_fraction", "real data per generation α", 0.0, 0.4, 0.1, 0.0),
        Slider("minority", "real minority share", 0.1, 0.4, 0.1, 0.3),
        Slider("seed", "seed of the single run", 0, 2, 1, 0),
    )
    x_param = GENERATIONS
    series = (
        Series("run", "one run (chosen seed)", PALETTE["grey"], (), 1.2, _RUN),
        Series("mean", f"mean of {ENSEMBLE} runs", PALETTE["blue"], (), 2.2, _LOOP),
        Series("map", "deterministic map (M → ∞)", PALETTE["vermillion"], (6, 3), 2.0, _LOOP),
    )
    panels = (
        Lines(
            title="The minority's share over generations",
            series=series,
            x_label="generation n",
            y_label=f"minority share (M = {SAMPLES} per generation)",
            x_view="generations",
        ),
        Histogram(
            key="spread",
            title=f"Its share in {ENSEMBLE} runs at generation n",
            depends_on=_LOOP,
            select="generations",
            bins=HISTOGRAM_BINS,
            x_label="minority share at generation n",
            color=PALETTE["blue"],
        ),
        Heatmap(
            key="phase",
            title="Phase diagram of the map",
            depends_on=_MAP,
            x=PHASE_GENERATIONS,
            y=PHASE_ALPHAS,
            x_label="generation n",
            y_label="real data per generation α",
            z_label="share ÷ real share (line: half)",
            zmin=0.0,
            zmax=1.5,
            levels=(0.5,),
            marker=("generations", "real_fraction"),
            integer_x=True,
        ),
        Readout(
            key="numbers",
            title="Key numbers at generation n",
            depends_on=_LOOP,
            select="generations",
        ),
    )

    def compute(self, temperature: float, real_fraction: float, minority: float, seed: int) -> dict:
        key = _key(temperature, real_fraction, minority)
        run = temperature_chain(
            minority,
            MAX_GENERATIONS,
            SAMPLES,
            temperature=temperature,
            real_fraction=real_fraction,
            rng=seed,
        ).minority[0]
        runs = _ensemble(*key)
        path, limit = _theory(*key)
        mean = runs.mean(axis=0)
        shown = GENERATIONS.values()
        numbers = {
            n: (
                ("real minority share", f"{minority:.0%}"),
                (f"mean share, {ENSEMBLE} runs", f"{mean[n]:.3f}"),
                (
                    "middle 80% of runs",
                    "{:.2f} to {:.2f}".format(*np.quantile(runs[:, n], [0.1, 0.9])),
                ),
                ("runs where it vanished", f"{np.sum(runs[:, n] == 0)} of {ENSEMBLE}"),
                ("the map at generation n", f"{path[n]:.3f}"),
                ("the map's long-run limit", f"{limit:.3f}"),
            )
            for n in shown
        }
        return {
            "run": run,
            "mean": mean,
            "map": path,
            "spread": {n: runs[:, n] for n in shown},
            "phase": _phase(*_key(temperature, minority)),
            "numbers": numbers,
        }

    def describe(self, values: dict, curves: dict) -> str:
        n = int(values["generations"])
        limit = _theory(*_key(values["temperature"], values["real_fraction"], values["minority"]))[
            1
        ]
        return (
            f"A minority with a real share of {values['minority']:.0%}, sampled at temperature "
            f"T = {values['temperature']:.1f} with {values['real_fraction']:.0%} real data per "
            f"generation: after {n} generations its share is {curves['run'][n]:.3f} in the chosen "
            f"run (seed {values['seed']}), {curves['mean'][n]:.3f} on average over {ENSEMBLE} "
            f"runs and {curves['map'][n]:.3f} by the deterministic map, which settles at "
            f"{limit:.3f}."
        )
