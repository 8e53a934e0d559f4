"""The published results this book reproduces, checked by simulation.

Run ``python -m peakdata.reproduce``: it prints one row per result (source, claim, the closed form
or published figure, our simulation, the tolerance, pass or fail) and exits with status 1 if any
row fails. Each simulation module contributes its rows through a ``reproductions()`` function.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass

import numpy as np

#: Modules whose ``reproductions()`` make up the table, in the book's order.
MODULES = (
    "peakdata.collapse.gaussian",
    "peakdata.collapse.discrete",
    "peakdata.collapse.text",
    "peakdata.collapse.bias",
)


@dataclass(frozen=True)
class Reproduction:
    """One published result against our simulation of it."""

    source: str  # key in book/references.bib
    claim: str
    kind: str  # "closed form" or "published figure"
    expected: float
    simulated: float
    tolerance: float  # absolute

    @property
    def passed(self) -> bool:
        return bool(abs(self.simulated - self.expected) <= self.tolerance)


def within_se(samples: np.ndarray, z: float = 4.0) -> tuple[float, float]:
    """Mean of Monte Carlo samples and a tolerance of ``z`` standard errors."""
    samples = np.asarray(samples, dtype=float)
    return float(samples.mean()), float(z * samples.std(ddof=1) / np.sqrt(samples.size))


def collect(modules: tuple[str, ...] = MODULES) -> list[Reproduction]:
    rows: list[Reproduction] = []
    for name in modules:
        rows.extend(importlib.import_module(name).reproductions())
    return rows


def table(rows: list[Reproduction]) -> str:
    """The rows as a fixed-width text table."""
    header = ("source", "claim", "kind", "expected", "simulated", "tolerance", "result")
    body = [
        (
            r.source,
            r.claim,
            r.kind,
            f"{r.expected:.4g}",
            f"{r.simulated:.4g}",
            f"±{r.tolerance:.2g}",
            "pass" if r.passed else "FAIL",
        )
        for r in rows
    ]
    widths = [max(len(str(line[i])) for line in (header, *body)) for i in range(len(header))]
    lines = [
        "  ".join(f"{cell:<{w}}" for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in (header, *body)
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    rows = collect()
    print(table(rows))
    failed = sum(not r.passed for r in rows)
    print(f"\n{len(rows) - failed} of {len(rows)} reproductions pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
