"""Conventions every chapter notebook keeps (DESIGN.md section 5), checked on the sources."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
CHAPTERS = [p for p in NOTEBOOKS if "appendix" not in p.parts]  # the template is for chapters


def _cells(path):
    return json.loads(path.read_text())["cells"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_has_alt_text(path):
    for i, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "code":
            continue
        if any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
            alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) >= 40, (
                f"{path.name} cell {i}: a figure needs alt text (mystnb.image.alt)"
            )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_notebook_follows_the_template(path):
    text = "\n".join("".join(c["source"]) for c in _cells(path) if c["cell_type"] == "markdown")
    for heading in (
        "**Overview.**",
        "**Learning objectives.**",
        "**Prerequisites.**",
        "**Time to learn.**",
        "## Summary",
        "## What next",
        "## References",
        "## Exercises",
        "Interactive demo",
    ):
        assert heading in text, f"{path.name} lacks {heading!r}"
    assert text.count("{exercise}") >= 2
    assert text.count("{solution-start}") >= 2, "at least two exercises with collapsed solutions"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_come_from_a_clean_run(path):
    code = [c for c in _cells(path) if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    counts = [c["execution_count"] for c in code]
    assert None not in counts, "run the notebook (make notebooks) before committing"
    assert counts == list(range(1, len(counts) + 1)), "restart and run all, top to bottom"
    assert not any(o["output_type"] == "error" for c in code for o in c["outputs"])
