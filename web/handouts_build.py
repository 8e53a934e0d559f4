"""Sphinx extension: write the student and instructor notebooks before the book is read.

Pages offer them with the {download} role (book/teaching/handouts.md), which copies each file
into the site: the student versions come from tools/handouts.py, as `make handouts` writes them.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "handouts"


def _write(app) -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import handouts
    finally:
        sys.path.remove(str(ROOT / "tools"))
    handouts.write(OUT)


def setup(app):
    app.connect("builder-inited", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
