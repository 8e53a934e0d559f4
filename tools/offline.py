"""A downloadable copy of the built site, for a classroom without internet.

Usage: python tools/offline.py [--site _build/html] [--out _build/peakdata-site.zip]

The zip holds one folder, ``peakdata-site/``: unzip it anywhere, open ``index.html`` in a browser.
Every page is self-contained (no request leaves the folder) and the explorables respond without a
kernel, so the copy works from ``file://``. Build reports and Sphinx's bookkeeping are left out.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = "peakdata-site"
LEFT_OUT = {"reports", ".doctrees", ".buildinfo", ".jupyter_cache"}


def write(site: Path, out: Path) -> Path:
    """Zip the built ``site`` into ``out``; return ``out``."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"no built site in {site}: run `make book` first")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(site.rglob("*")):
            rel = path.relative_to(site)
            if path.is_file() and not LEFT_OUT & set(rel.parts):
                zf.write(path, Path(FOLDER) / rel)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "peakdata-site.zip")
    args = parser.parse_args(argv)
    out = write(args.site, args.out)
    print(f"{out} ({out.stat().st_size / 1e6:.1f} MB): unzip, then open {FOLDER}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
