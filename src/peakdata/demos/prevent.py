"""Interactive demo: mix the remedies (fresh real data, accumulate, a verifier) and watch the loop.

Four panels from one definition: the diversity (mean fitted variance) and the centre's error over
generations, each as the mean of 200 simulated runs, the exact expectation without a verifier and
the deterministic map (M → ∞); a phase diagram of the diversity over the share of real data ×
generations with the closed-form boundary; and the key numbers.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..collapse.gaussian import gaussian_workflow_theory, real_count
from ..living.prevent import (
    critical_share,
    crossing_generation,
    mitigation_map,
    prevent_chain,
)
from ..style import PALETTE
from ._base import Choice, Demo, Heatmap, Lines, Overlay, Readout, Series, Slider

ENSEMBLE = 200
ENSEMBLE_SEED = 2024
MAX_GENERATIONS = 30
LEVEL = 0.8
"""The loop "holds" while the mean fitted variance stays at or above 80% of the real one."""
WIDTHS = {"none": None, "lenient": 3.0, "strict": 1.0}
"""The verifier's width s in units of the real sigma (none: no verifier)."""
PHASE_SHARES = tuple(round(0.05 * i, 2) for i in range(11))
"""Shares of real data on the phase diagram's y axis, 0 to 0.5 (the slider's values included)."""
PHASE_GENERATIONS = tuple(range(MAX_GENERATIONS + 1))

GENERATIONS = Slider("generations", "generations shown", 10, MAX_GENERATIONS, 10, MAX_GENERATIONS)
_ALL = ("workflow", "verifier", "offset", "real_fraction", "samples")
_EXACT = ("workflow", "real_fraction", "samples")
_MAP = ("workflow", "verifier", "offset", "real_fraction")
_PHASE = ("workflow", "verifier", "offset", "samples")
_BOUNDARY = ("workflow", "verifier", "samples")


def _share_index(real_fraction: float) -> int:
    return int(round(real_fraction / 0.05))


@lru_cache(maxsize=64)
def _phase(workflow: str, verifier: str, offset: float, samples: int) -> tuple:
    """Mean fitted variance and mean (mu - mu0)^2 of 200 runs for every share of the phase
    diagram, each ``(len(PHASE_SHARES), MAX_GENERATIONS + 1)``, and the mean acceptance rate."""
    if verifier == "none":
        offset = 0.0  # the verifier's centre plays no part
    var, err, rate = [], [], []
    for share in PHASE_SHARES:
        chain = prevent_chain(
            MAX_GENERATIONS,
            samples,
            real_fraction=share,
            workflow=workflow,
            centre=offset,
            width=WIDTHS[verifier],
            seeds=ENSEMBLE,
            rng=ENSEMBLE_SEED,
        )
        var.append(chain.variance().mean(axis=0))
        err.append(chain.sq_mu_error().mean(axis=0))
        rate.append(np.nanmean(chain.acceptance[:, 2:]) if verifier != "none" else np.nan)
    return np.array(var), np.array(err), np.array(rate)


@lru_cache(maxsize=64)
def _exact(workflow: str, real_fraction: float, samples: int) -> dict[str, np.ndarray]:
    """Exact expectations without a verifier (Part III's recursion)."""
    return gaussian_workflow_theory(
        MAX_GENERATIONS, samples, workflow=workflow, real_fraction=real_fraction
    )


@lru_cache(maxsize=128)
def _map(workflow: str, verifier: str, offset: float, real_fraction: float) -> dict:
    return mitigation_map(
        MAX_GENERATIONS,
        real_fraction=real_fraction,
        workflow=workflow,
        centre=offset if verifier != "none" else 0.0,
        width=WIDTHS[verifier],
    )


def boundary(workflow: str, verifier: str, samples: int) -> tuple[tuple, tuple]:
    """The closed-form boundary (replace, no verifier): ((generations, shares), (xs, ys) of the
    critical share). Empty where no closed form exists (accumulate, or with a verifier)."""
    if workflow != "replace" or verifier != "none":
        return ((), ()), ((), ())
    points = [(crossing_generation(samples, f, LEVEL), f) for f in PHASE_SHARES]
    curve = [(n, f) for n, f in points if n <= MAX_GENERATIONS]
    f_c = critical_share(samples, LEVEL)
    xs, ys = (tuple(v) for v in zip(*curve, strict=True)) if curve else ((), ())
    return (xs, ys), ((0.0, float(MAX_GENERATIONS)), (f_c, f_c))


def _over_generations(key: str, prefix: str, title: str, quantity: str) -> Lines:
    """One quantity over generations: the mean of the runs, the exact expectation without a
    verifier, and the deterministic map (series ``prefix``, ``prefix_exact``, ``prefix_map``)."""
    return Lines(
        key=key,
        title=title,
        series=(
            Series(prefix, f"mean of {ENSEMBLE} runs", PALETTE["blue"], (), 2.4, _ALL),
            Series(
                f"{prefix}_exact",
                "exact, without a verifier",
                PALETTE["black"],
                (6, 3),
                1.5,
                _EXACT,
            ),
            Series(f"{prefix}_map", "map, M → ∞", PALETTE["vermillion"], (2, 2), 1.8, _MAP),
        ),
        x_label="generation n",
        y_label=f"{quantity} (real σ² = 1)",
        x_view="generations",
    )


class PreventCollapseDemo(Demo):
    """The Gaussian loop with fresh real data, accumulation and a verifier, mixed at will."""

    title = "What prevents collapse: mix the remedies"
    precompute = True  # every setting once (about two seconds): live updates only redraw
    params = (
        Choice(
            "workflow",
            "workflow",
            (("replace", "replace"), ("accumulate", "accumulate")),
            "replace",
        ),
        Choice(
            "verifier",
            "verifier",
            (("none", "none"), ("lenient", "lenient (s = 3σ)"), ("strict", "strict (s = σ)")),
            "lenient",  # the centre slider below acts only with a verifier
        ),
        Slider("offset", "verifier's centre c − μ0 (in σ)", 0.0, 1.0, 0.5, 0.5),
        Slider("real_fraction", "share of fresh real data f", 0.0, 0.5, 0.1, 0.0),
        Slider("samples", "samples per generation M", 10, 30, 10, 20),
    )
    x_param = GENERATIONS
    panels = (
        _over_generations(
            "diversity", "var", "Diversity: the fitted variance", "mean fitted variance σ²"
        ),
        _over_generations(
            "centre", "err", "The centre: squared error of the mean", "mean (μ − μ0)²"
        ),
        Heatmap(
            key="phase",
            title=f"Phase diagram: mean σ² of {ENSEMBLE} runs",
            depends_on=_PHASE,
            x=PHASE_GENERATIONS,
            y=PHASE_SHARES,
            x_label="generation n",
            y_label="share of fresh real data f",
            z_label=f"mean σ² (white line: {LEVEL})",
            zmin=0.0,
            zmax=1.0,
            levels=(LEVEL,),
            marker=("generations", "real_fraction"),
            integer_x=True,
            overlays=(
                Overlay(
                    "boundary",
                    "closed form: where E[σ²] reaches 0.8",
                    PALETTE["orange"],
                    depends_on=_BOUNDARY,
                    dash=(5, 3),
                ),
                Overlay(
                    "critical",
                    "closed form: critical share f_c",
                    PALETTE["purple"],
                    depends_on=_BOUNDARY,
                    dash=(2, 2),
                ),
            ),
        ),
        Readout(
            key="numbers", title=f"Key numbers at generation {MAX_GENERATIONS}", depends_on=_ALL
        ),
    )

    def compute(
        self, workflow: str, verifier: str, offset: float, real_fraction: float, samples: int
    ) -> dict:
        var, err, rate = _phase(workflow, verifier, offset, samples)
        i = _share_index(real_fraction)
        exact = _exact(workflow, real_fraction, samples)
        mapped = _map(workflow, verifier, offset, real_fraction)
        curve, critical = boundary(workflow, verifier, samples)
        n = MAX_GENERATIONS
        real = real_count(samples, real_fraction)
        holds = var[i, n] >= LEVEL
        numbers = (
            ("real samples per generation", f"{real} of {samples}"),
            (f"mean σ², {ENSEMBLE} runs", f"{var[i, n]:.3f}"),
            (f"mean (μ − μ0)², {ENSEMBLE} runs", f"{err[i, n]:.3f}"),
            ("the loop holds (σ² ≥ 0.8)?", "yes" if holds else "no"),
            (
                "candidates per kept sample",
                "—" if verifier == "none" else f"{1 / rate[i]:.2f}",
            ),
            (
                "critical share f_c (replace, no verifier)",
                f"{critical_share(samples, LEVEL):.3f}",
            ),
        )
        return {
            "var": var[i],
            "var_exact": exact["mean_var"],
            "var_map": mapped["var"],
            "err": err[i],
            "err_exact": exact["mean_sq_mu_error"],
            "err_map": mapped["mu"] ** 2,
            "phase": var,
            "boundary": curve,
            "critical": critical,
            "numbers": numbers,
        }

    def describe(self, values: dict, curves: dict) -> str:
        n = int(values["generations"])
        verifier = values["verifier"]
        checked = (
            "no verifier"
            if verifier == "none"
            else f"a {verifier} verifier centred {values['offset']:g}σ from the truth"
        )
        return (
            f"{values['workflow'].capitalize()}, {values['real_fraction']:.0%} fresh real data, "
            f"M = {values['samples']}, {checked}: after {n} generations the mean fitted variance "
            f"of {ENSEMBLE} runs is {curves['var'][n]:.3f} (real: 1) and the mean squared error "
            f"of the centre {curves['err'][n]:.3f}."
        )
