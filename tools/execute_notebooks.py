"""Re-run the book's notebooks top to bottom in a fresh kernel and store their outputs.

Usage: python tools/execute_notebooks.py [NOTEBOOK ...]   (default: every notebook in book/)

Stored outputs are what nbval compares against, so run this after changing a notebook or the
package, and commit the result. Widget state and timings are not stored (they only add noise).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def notebooks(args: list[str]) -> list[Path]:
    if args:
        return [Path(a).resolve() for a in args]
    return sorted(
        p
        for p in (ROOT / "book").rglob("*.ipynb")
        if "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts
    )


def main(args: list[str]) -> int:
    os.environ.pop("PEAKDATA_SITE_BUILD", None)  # outputs for Jupyter: live demos, not the site's
    for path in notebooks(args):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=300,
            kernel_name="python3",
            record_timing=False,
            store_widget_state=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
        nb.metadata.pop("widgets", None)
        nbformat.write(nb, path)
        print(f"executed {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
