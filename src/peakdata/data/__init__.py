"""Real data shipped inside the package, so it loads offline: locally, in Binder and in Colab.

Each data file ``NAME.ext`` has a provenance note ``NAME.md`` next to it: where it comes from, its
licence, and how it was cleaned. Loaders live with the code that uses the data.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path


def path(name: str) -> Path:
    """The path of a shipped data file, e.g. ``path("iris.csv")``.

    Only the data files are served: regular files directly in this folder, not Python files and
    not names starting with ``_`` or ``.`` (so no ``../`` paths, absolute paths or subfolders).
    """
    available = _shipped()
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, one of the data files {available}, got {name!r}")
    if name not in available:
        raise ValueError(f"name must be one of the shipped data files {available}, got {name!r}")
    with as_file(files(__name__) / name) as p:
        return Path(p)


def _shipped() -> list[str]:
    """Names of the shipped data files (and their provenance notes), sorted."""
    return sorted(
        p.name
        for p in files(__name__).iterdir()
        if p.is_file() and p.name[0] not in "_." and not p.name.endswith((".py", ".pyc"))
    )
