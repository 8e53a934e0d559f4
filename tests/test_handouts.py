"""`make handouts`: student notebooks keep every exercise, lose every solution, and still run."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import handouts  # noqa: E402

CHAPTERS = handouts.chapters()


def _solutions(nb) -> dict[str, list[str]]:
    """Each solution's label and the sources of the cells between its start and end."""
    found, label = {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (m := handouts._START.search(cell.source)):
            label = m.group(1)
            found[label] = [cell.source]
        elif label is not None:
            found[label].append(cell.source)
            if cell.cell_type == "markdown" and "{solution-end}" in cell.source:
                label = None
    return found


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("handouts")
    return out, handouts.write(out)


def test_every_chapter_gets_both_versions(written):
    out, paths = written
    assert len(CHAPTERS) >= 13
    for kind in ("student", "instructor"):
        assert len(paths[kind]) == len(CHAPTERS)
        assert (out / f"peakdata-{kind}-notebooks.zip").stat().st_size > 10_000
    for path in CHAPTERS:
        rel = path.relative_to(handouts.BOOK)
        assert (out / "instructor" / rel).read_bytes() == path.read_bytes() or (
            nbformat.read(out / "instructor" / rel, 4) == nbformat.read(path, 4)
        )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_student_version_has_exercises_but_no_solutions(path):
    nb = nbformat.read(path, as_version=4)
    student = handouts.student_version(nb)
    text = "\n".join(c.source for c in student.cells)
    assert "{solution-start}" not in text and "{solution-end}" not in text
    solutions = _solutions(nb)
    assert solutions, f"{path.name} has no solution to remove"
    inside = {src for sources in solutions.values() for src in sources}
    outside = {c.source for c in nb.cells} - inside
    for label in solutions:
        assert f":label: {label}" in text, f"exercise {label} lost"
    for cell in student.cells:  # every kept cell is a cell from outside the solutions
        if handouts.STUB_TAG not in cell.metadata.get("tags", []):
            assert cell.source in outside, f"{path.name}: {cell.source[:60]!r} is not the book's"
    kept = "\n".join(outside)
    for label, sources in solutions.items():  # and no solution code survives elsewhere
        for line in "\n".join(sources).splitlines():
            if len(line.strip()) > 25 and line not in kept:
                assert line not in text, f"{path.name}: solution {label} leaks {line!r}"
    stubs = [c for c in student.cells if handouts.STUB_TAG in c.metadata.get("tags", [])]
    with_code = [
        label
        for label, sources in solutions.items()
        if any(c.cell_type == "code" for c in _solution_cells(nb, label))
    ]
    assert len(stubs) == len(with_code)
    for cell, label in zip(stubs, with_code, strict=True):
        assert cell.cell_type == "code" and "NotImplementedError" in cell.source
        assert label in cell.source


def _solution_cells(nb, label):
    cells, inside = [], False
    for cell in nb.cells:
        m = handouts._START.search(cell.source) if cell.cell_type == "markdown" else None
        if m:
            inside = m.group(1) == label
        elif inside:
            if cell.cell_type == "markdown" and "{solution-end}" in cell.source:
                return cells
            cells.append(cell)
    return cells


def test_an_unclosed_solution_is_an_error():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("````{exercise} E\n:label: ex-a\n\nDo it.\n````"),
            nbformat.v4.new_markdown_cell("````{solution-start} ex-a\n:class: dropdown\n````"),
            nbformat.v4.new_code_cell("print(1)"),
        ]
    )
    with pytest.raises(ValueError, match="ex-a"):
        handouts.student_version(nb)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_student_version_runs_with_only_the_stubs_failing(path, tmp_path):
    student = handouts.student_version(nbformat.read(path, as_version=4))
    client = NotebookClient(
        student,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises on an error in any cell not tagged raises-exception
    for cell in student.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if handouts.STUB_TAG in cell.metadata.get("tags", []):
            assert [e.ename for e in errors] == ["NotImplementedError"]
        else:
            assert not errors


def test_the_site_offers_every_chapter_for_download():
    page = (ROOT / "book" / "teaching" / "handouts.md").read_text()
    for path in CHAPTERS:
        rel = path.relative_to(handouts.BOOK).as_posix()
        for kind in ("student", "instructor"):
            assert f"_build/handouts/{kind}/{rel}>`" in page, f"{kind} {rel} not offered"
