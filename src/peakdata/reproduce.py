"""The published results this book reproduces, checked by simulation.

Run ``python -m peakdata.reproduce``: it prints one row per result (source, origin, claim, the
closed form or published figure, our simulation, the tolerance, pass or fail) and exits with
status 1 if any row fails. Each simulation module contributes its rows through a
``reproductions()`` function.

The *origin* says who is responsible for the result: ``"stated in the paper"`` when the source
states it, or ``"derived here, extending <key>"`` when the book derived it (exact for the stated
model, checked by Monte Carlo) in the setting of the paper ``<key>``. A result is credited to a
paper only if the paper states it.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass

import numpy as np

#: The origin of a result stated by its source.
STATED = "stated in the paper"
#: The prefix of the origin of a result the book derived.
DERIVED = "derived here, extending "


def derived(key: str) -> str:
    """The origin of a result derived in the book, in the setting of the paper ``key``."""
    return DERIVED + key


#: Modules whose ``reproductions()`` make up the table, in the book's order.
MODULES = (
    "peakdata.scaling",
    "peakdata.stock",
    "peakdata.collapse.gaussian",
    "peakdata.collapse.regression",
    "peakdata.collapse.fixed_real",
    "peakdata.collapse.discrete",
    "peakdata.collapse.text",
    "peakdata.collapse.twod",
    "peakdata.collapse.bias",
)


@dataclass(frozen=True)
class Reproduction:
    """One result (a paper's, or derived here in a paper's setting) against our simulation."""

    source: str  # key in book/references.bib
    claim: str
    kind: str  # "closed form" or "published figure"
    expected: float
    simulated: float
    tolerance: float  # absolute
    origin: str  # STATED, or derived(key): "derived here, extending <key>"

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or not self.origin.strip():
            raise ValueError(
                f"origin must be {STATED!r} or 'derived here, extending <key>', got {self.origin!r}"
            )

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


def _cells(r: Reproduction) -> tuple[str, ...]:
    return (
        r.source,
        r.origin,
        r.claim,
        r.kind,
        f"{r.expected:.4g}",
        f"{r.simulated:.4g}",
        f"±{r.tolerance:.2g}",
        "pass" if r.passed else "FAIL",
    )


HEADER = ("source", "origin", "claim", "kind", "expected", "simulated", "tolerance", "result")


def table(rows: list[Reproduction]) -> str:
    """The rows as a fixed-width text table."""
    body = [_cells(r) for r in rows]
    widths = [max(len(line[i]) for line in (HEADER, *body)) for i in range(len(HEADER))]
    lines = [
        "  ".join(f"{cell:<{w}}" for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in (HEADER, *body)
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Reproduction]) -> str:
    """A narrower Markdown table for the book's appendix, sources as MyST citations."""
    lines = [
        "| source | origin | claim | expected | simulated | result |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        claim = r.claim if r.kind == "closed form" else f"{r.claim} ({r.kind})"
        cells = (
            f"{{cite:p}}`{r.source}`",
            _markdown_origin(r.origin, r.source),
            claim.replace("|", "\\|"),
            f"{r.expected:.4g}",
            f"{r.simulated:.4g} ± {r.tolerance:.2g}",
            "pass" if r.passed else "**FAIL**",
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _markdown_origin(origin: str, source: str) -> str:
    """The origin for the appendix: a derived result names the paper it extends, if it is not
    the row's source."""
    if origin.startswith(DERIVED):
        key = origin[len(DERIVED) :]
        return "derived here" if key == source else f"derived here, extending {{cite:t}}`{key}`"
    return origin.replace("|", "\\|")


def main() -> int:
    rows = collect()
    print(table(rows))
    failed = sum(not r.passed for r in rows)
    print(f"\n{len(rows) - failed} of {len(rows)} reproductions pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
