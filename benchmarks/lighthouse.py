"""Lighthouse (desktop) on the intro and a demo page, served with gzip on 127.0.0.1.

Usage: python benchmarks/lighthouse.py   (after `make book` and `make web-tools`)
Prints performance and accessibility scores and page weights, writes benchmarks/lighthouse.json,
and exits with status 1 if a page scores below the budget (performance 90, accessibility 95).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tools")]
from _browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from serve import start  # noqa: E402

PAGES = ("book/intro.html", "book/collapse/gaussian_loop.html")
BUDGET = {"performance": 90, "accessibility": 95}
LIGHTHOUSE = ROOT / "web" / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "benchmarks" / "lighthouse.json"


def audit(url: str) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--preset=desktop",
        "--output=json",
        "--output-path=stdout",
        "--only-categories=performance,accessibility",
        "--quiet",
        "--chrome-flags=" + " ".join(CHROMIUM_ARGS),
    ]
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    report = json.loads(
        subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    )
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "transfer_kb": round(audits["total-byte-weight"]["numericValue"] / 1024),
        "requests": len(audits["network-requests"]["details"]["items"]),
        "first_contentful_paint": audits["first-contentful-paint"]["displayValue"],
        "largest_contentful_paint": audits["largest-contentful-paint"]["displayValue"],
        "total_blocking_time": audits["total-blocking-time"]["displayValue"],
        "cumulative_layout_shift": audits["cumulative-layout-shift"]["displayValue"],
    }


def main() -> int:
    for needed, how in (
        (LIGHTHOUSE, "make web-tools"),
        (ROOT / "_build/html/index.html", "make book"),
        (CHROMIUM, "apt-get install chromium"),
    ):
        if not needed.exists():
            print(f"missing {needed}: run `{how}`", file=sys.stderr)
            return 2
    server = start(ROOT / "_build" / "html")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    results, failed = {}, False
    try:
        for page in PAGES:
            results[page] = row = audit(f"{base}/{page}")
            below = [k for k, v in BUDGET.items() if row[k] < v]
            failed |= bool(below)
            print(
                f"{page}: "
                + ", ".join(f"{k} {v}" for k, v in row.items())
                + (f"  BELOW BUDGET: {below}" if below else "")
            )
    finally:
        server.shutdown()
    RESULTS.write_text(json.dumps({"budget": BUDGET, "pages": results}, indent=2) + "\n")
    print(f"written {RESULTS.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
