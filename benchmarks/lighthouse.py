"""Lighthouse 12 on every page of the book, mobile and desktop presets, served with gzip.

Usage: python benchmarks/lighthouse.py [--page book/intro.html ...] [--preset mobile|desktop]
(after `make book` and `make web-tools`; `make lighthouse` runs it on every page).

The pages are read from _toc.yml, so a chapter added there is audited too, with the search page
and the index when they are built. Each audit runs alone (Lighthouse's scores depend on the
machine's load, which is recorded with each figure: the one-minute load average before the run).
A page whose performance falls below the budget is audited twice more and its median run kept,
as Lighthouse's documentation advises for noisy machines.

Prints each page's scores and weight, writes benchmarks/lighthouse.json (with --page, only those
pages' rows are replaced), rewrites the table in README.md's Speed section, and exits with status 1
if any page is over a budget: performance 90 (mobile) and 95 (desktop), accessibility 100, and
500 KB transferred.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tools")]
from _browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from serve import start  # noqa: E402

SITE = ROOT / "_build" / "html"
PRESETS = ("mobile", "desktop")
BUDGET = {
    "performance": {"mobile": 90, "desktop": 95},
    "accessibility": 100,
    "transfer_kb": 500,
}
LIGHTHOUSE = ROOT / "web" / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "benchmarks" / "lighthouse.json"
README = ROOT / "README.md"
TABLE_START, TABLE_END = "<!-- lighthouse:start -->", "<!-- lighthouse:end -->"
RETRIES = 2  # extra runs of a page below the performance budget; the median run is kept


def book_pages() -> list[str]:
    """Every page of _toc.yml, then the built search page and index, as paths under _build/html."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            files.append(chapter["file"])
            files += [s["file"] for s in chapter.get("sections", [])]
    pages = [f"{Path(f).with_suffix('')}.html" for f in files]
    return pages + [p for p in ("search.html", "genindex.html") if (SITE / p).exists()]


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def audit(url: str, preset: str) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--only-categories=performance,accessibility",
        "--quiet",
        "--chrome-flags=" + " ".join(CHROMIUM_ARGS),
    ]
    if preset == "desktop":
        command.append("--preset=desktop")  # the default is the mobile preset (Moto G, slow 4G)
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    load = load_average()
    report = json.loads(
        subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    )
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "transfer_kb": round(audits["total-byte-weight"]["numericValue"] / 1024),
        "requests": len(audits["network-requests"]["details"]["items"]),
        "first_contentful_paint_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "largest_contentful_paint_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "total_blocking_time_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cumulative_layout_shift": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "load_average": load,
    }


def over_budget(row: dict, preset: str) -> list[str]:
    problems = []
    if row["performance"] < BUDGET["performance"][preset]:
        problems.append(f"performance {row['performance']} < {BUDGET['performance'][preset]}")
    if row["accessibility"] < BUDGET["accessibility"]:
        problems.append(f"accessibility {row['accessibility']} < {BUDGET['accessibility']}")
    if row["transfer_kb"] > BUDGET["transfer_kb"]:
        problems.append(f"{row['transfer_kb']} KB > {BUDGET['transfer_kb']} KB")
    return problems


def audit_page(url: str, preset: str) -> dict:
    runs = [audit(url, preset)]
    if runs[0]["performance"] < BUDGET["performance"][preset]:
        runs += [audit(url, preset) for _ in range(RETRIES)]
        runs.sort(key=lambda r: r["performance"])
    row = runs[len(runs) // 2]
    row["runs"] = len(runs)
    return row


def readme_table(pages: dict) -> str:
    lines = [
        "| page | mobile | desktop | accessibility | transferred | LCP (mobile) "
        "| TBT (mobile) | CLS (mobile) | load |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for page, rows in pages.items():
        m, d = rows.get("mobile"), rows.get("desktop")
        if not (m and d):
            continue
        a11y = min(m["accessibility"], d["accessibility"])
        loads = f"{m['load_average']:.1f} / {d['load_average']:.1f}"
        lines.append(
            f"| {page} | {m['performance']} | {d['performance']} | {a11y} "
            f"| {max(m['transfer_kb'], d['transfer_kb'])} KB "
            f"| {m['largest_contentful_paint_ms'] / 1000:.1f} s "
            f"| {m['total_blocking_time_ms']} ms | {m['cumulative_layout_shift']:g} | {loads} |"
        )
    return "\n".join(lines)


def write_readme(pages: dict) -> None:
    text = README.read_text()
    if TABLE_START not in text:
        print(f"README.md has no {TABLE_START} marker: table not written", file=sys.stderr)
        return
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    README.write_text(f"{head}{TABLE_START}\n{readme_table(pages)}\n{TABLE_END}{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", action="append", help="audit only this page (repeatable)")
    parser.add_argument("--preset", choices=PRESETS, action="append", help="default: both")
    parser.add_argument("--no-write", action="store_true", help="print only (for experiments)")
    args = parser.parse_args(argv)
    for needed, how in (
        (LIGHTHOUSE, "make web-tools"),
        (SITE / "index.html", "make book"),
        (CHROMIUM, "apt-get install chromium"),
    ):
        if not needed.exists():
            print(f"missing {needed}: run `{how}`", file=sys.stderr)
            return 2
    pages = args.page or book_pages()
    missing = [p for p in pages if not (SITE / p).exists()]
    if missing:
        print(f"not built: {missing}", file=sys.stderr)
        return 2
    presets = args.preset or list(PRESETS)
    previous = json.loads(RESULTS.read_text()).get("pages", {}) if RESULTS.exists() else {}
    previous = {p: {k: v for k, v in rows.items() if k in PRESETS} for p, rows in previous.items()}
    if args.page:  # a partial run keeps the other pages' figures
        results = {p: previous.get(p, {}) for p in book_pages() if p in previous or p in pages}
    else:
        results = {p: {} for p in pages}
    failed = False
    server = start(SITE)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for page in pages:
            for preset in presets:
                row = audit_page(f"{base}/{page}", preset)
                results.setdefault(page, {})[preset] = row
                problems = over_budget(row, preset)
                failed |= bool(problems)
                print(
                    f"{page} [{preset}]: performance {row['performance']}, accessibility "
                    f"{row['accessibility']}, {row['transfer_kb']} KB in {row['requests']} "
                    f"requests, LCP {row['largest_contentful_paint_ms']} ms, TBT "
                    f"{row['total_blocking_time_ms']} ms, CLS {row['cumulative_layout_shift']}, "
                    f"load {row['load_average']}"
                    + (f" ({row['runs']} runs, median)" if row["runs"] > 1 else "")
                    + (f"  OVER BUDGET: {'; '.join(problems)}" if problems else ""),
                    flush=True,
                )
    finally:
        server.shutdown()
    # a page whose stored figures are over budget fails a partial run too
    for rows in results.values():
        failed |= any(over_budget(row, preset) for preset, row in rows.items())
    if not args.no_write:
        RESULTS.write_text(json.dumps({"budget": BUDGET, "pages": results}, indent=2) + "\n")
        write_readme(results)
        print(f"written {RESULTS.relative_to(ROOT)} and the table in README.md")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
