"""Sphinx extension: build the lecture slides into the site once the HTML is written.

The decks (teaching/slides/*.md at the root) become <html output>/slides/<part>.html with their
viewer and the figures they pull from the committed notebooks (tools/slides.py). Only the HTML
builder, and only after a build that succeeded; a deck that refers to a missing cell or image fails
the build.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _slides_module():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import slides
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return slides


def build_slides(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    slides = _slides_module()
    built = slides.build(Path(app.outdir))  # a SlideError stops the build with its message
    total = sum(len(deck.slides) for deck in built)
    from sphinx.util import logging

    logging.getLogger(__name__).info(f"slides: {len(built)} decks, {total} slides")


def setup(app):
    app.connect("build-finished", build_slides)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
