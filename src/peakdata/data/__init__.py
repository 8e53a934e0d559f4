"""Real data shipped inside the package, so it loads offline: locally, in Binder and in Colab.

Each data file ``NAME.ext`` has a provenance note ``NAME.md`` next to it: where it comes from, its
licence, and how it was cleaned. Loaders live with the code that uses the data.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path


def path(name: str) -> Path:
    """The path of a shipped data file, e.g. ``path("iris.csv")``."""
    resource = files(__name__) / name
    if not resource.is_file():
        available = sorted(p.name for p in files(__name__).iterdir() if p.name[0] not in "_.")
        raise ValueError(f"name must be one of the shipped data files {available}, got {name!r}")
    with as_file(resource) as p:
        return Path(p)
