"""Number exercises per chapter: "Exercise 1" is the first exercise of each page.

Sphinx numbers figures, tables and sphinx-exercise's exercises across the whole book unless the
table of contents is numbered. This extension renumbers exercises within each document after
Sphinx has assigned its numbers, so the third exercise of a chapter is "Exercise 3" wherever the
chapter sits in the book. Solutions and references read the same numbers.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

FIGTYPE = "exercise"


def renumber(app: Sphinx, env: BuildEnvironment) -> list[str]:
    changed = []
    for docname, numbers in env.toc_fignumbers.items():
        exercises = numbers.get(FIGTYPE)
        if not exercises:
            continue
        order = sorted(exercises, key=lambda ident: exercises[ident])
        renumbered = {ident: (i + 1,) for i, ident in enumerate(order)}
        if renumbered != exercises:
            numbers[FIGTYPE] = renumbered
            changed.append(docname)
    return changed


def setup(app: Sphinx) -> dict:
    app.connect("env-get-updated", renumber, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
