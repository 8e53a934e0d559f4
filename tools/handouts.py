"""Student and instructor versions of every chapter notebook, for a seminar.

Usage: python tools/handouts.py [--out DIR]   (default: _build/handouts)

For each chapter, ``instructor/<part>/<chapter>.ipynb`` is the notebook as the book has it, with its
solutions, and ``student/<part>/<chapter>.ipynb`` is the same notebook with every exercise solution
removed: the cells from ``{solution-start}`` to ``{solution-end}`` are replaced by one code cell
that raises ``NotImplementedError``, tagged ``raises-exception`` so the notebook still runs top to
bottom. A zip of each set is written next to the folders.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
STUB_TAG = "raises-exception"
_START = re.compile(r"\{solution-start\}\s*(\S+)")
_EXERCISE = re.compile(r"\{exercise\}\s*([^\n]*)\n:label:\s*(\S+)")


def chapters() -> list[Path]:
    """The chapter notebooks (every notebook of the book with an exercise)."""
    found = []
    for path in sorted(BOOK.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = nbformat.read(path, as_version=4)
        if any(c.cell_type == "markdown" and "{exercise}" in c.source for c in nb.cells):
            found.append(path)
    return found


def stub(label: str, title: str) -> nbformat.NotebookNode:
    """The code cell a student finds in place of a solution."""
    what = f"Exercise {title!r}" if title else "This exercise"
    source = (
        f"# {what}: write your solution here, then delete the line below.\n"
        f'raise NotImplementedError("your solution to {label}")'
    )
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [STUB_TAG]})
    cell.pop("id", None)
    return cell


def student_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` without its solutions: one stub per exercise whose solution had code."""
    out = copy.deepcopy(nb)
    titles = {}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for title, label in _EXERCISE.findall(cell.source):
                titles[label] = title.strip()
    cells, label, had_code = [], None, False
    for cell in out.cells:
        if cell.cell_type == "markdown" and (m := _START.search(cell.source)):
            label, had_code = m.group(1), False
            continue
        if label is not None:
            if cell.cell_type == "markdown" and "{solution-end}" in cell.source:
                if had_code:
                    cells.append(stub(label, titles.get(label, "")))
                label = None
            else:
                had_code = had_code or cell.cell_type == "code"
            continue
        cells.append(cell)
    if label is not None:
        raise ValueError(f"solution {label!r} has no {{solution-end}}")
    out.cells = cells
    for i, cell in enumerate(out.cells, start=1):  # ids stay unique and stable
        cell["id"] = f"cell-{i}"
    out.nbformat_minor = max(out.nbformat_minor, 5)
    return out


def write(out_dir: Path) -> dict[str, list[Path]]:
    """Write both versions of every chapter under ``out_dir``; return the paths written."""
    written: dict[str, list[Path]] = {"student": [], "instructor": []}
    for path in chapters():
        rel = path.relative_to(BOOK)
        nb = nbformat.read(path, as_version=4)
        for kind, version in (("instructor", nb), ("student", student_version(nb))):
            target = out_dir / kind / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(version, target)
            written[kind].append(target)
    for kind, paths in written.items():
        with zipfile.ZipFile(out_dir / f"peakdata-{kind}-notebooks.zip", "w") as zf:
            for target in paths:
                zf.write(target, Path(kind) / target.relative_to(out_dir / kind))
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "handouts")
    args = parser.parse_args(argv)
    written = write(args.out)
    for kind, paths in written.items():
        print(f"{len(paths)} {kind} notebooks in {args.out / kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
