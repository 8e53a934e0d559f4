"""Live demos measured where the reader sits: slider moved -> figure changed, in a real JupyterLab.

Starts JupyterLab on 127.0.0.1 over copies of the chapters, and for each demo of
``peakdata.demos.ALL_DEMOS`` whose chapter exists: opens the chapter in headless Chromium, runs
it and waits until its kernel is idle, then moves the demo's sliders with the arrow keys (as a
reader using the keyboard does): five warm-up moves, reported apart, then the measured ones. It
times, in the page, from the key press to the moment each figure the slider changes has its new
image loaded (kernel round trip, redraw, PNG, comm message, blob and decode included). A
MutationObserver and the images' ``load`` events record ``performance.now()``; the key press is
timed by a ``keydown`` listener in the same page, so both ends read the same clock.

Usage: python benchmarks/lab_latency.py [--moves 30] [--warmup 5] [DEMO ...]

Prints a table and writes benchmarks/lab_latency.json (with the load average: other jobs may
share the machine). Prints figures; never asserts them. Budget (DESIGN.md section 7): p95 <= 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

from peakdata.demos import ALL_DEMOS, LivePanel, Slider

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "lab_latency.json"
BUDGET_MS = 100
WARMUP = 5
"""Slider moves made before the measured ones (the first after a chapter's run are slower)."""
sys.path.insert(0, str(ROOT / "tests"))

from _browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from test_jupyterlab import (  # noqa: E402
    DESKTOP,
    _sessions,
    lab_server,
    run_notebook,
    shutdown_kernels,
)

# Installed in the page once the demo is drawn: the time of every key press, and per figure image
# the times its src changed and its new picture loaded.
_INSTRUMENT = """out => {
  const images = [...out.querySelectorAll('.widget-image')];
  const log = {keys: [], src: images.map(() => []), load: images.map(() => [])};
  window.__latency = log;
  document.addEventListener('keydown', () => log.keys.push(performance.now()), true);
  images.forEach((img, k) => {
    new MutationObserver(() => log.src[k].push(performance.now()))
      .observe(img, {attributes: true, attributeFilter: ['src']});
    img.addEventListener('load', () => log.load[k].push(performance.now()));
  });
  return images.length;
}"""

_COUNTS = "() => window.__latency.load.map(a => a.length)"


def _book_order(path: Path) -> tuple[int, str]:
    """Chapters in the table of contents' order (a demo's own chapter comes before a later
    chapter that shows it again), then any others."""
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    files = re.findall(r"file:\s*(\S+)", toc)
    name = path.relative_to(ROOT).with_suffix("").as_posix()
    return (files.index(name) if name in files else len(files), name)


def chapter_of(name: str) -> Path | None:
    """The chapter notebook whose code shows demo class ``name`` (None if there is none yet)."""
    for path in sorted((ROOT / "book").rglob("*.ipynb"), key=_book_order):
        if "_build" in path.parts or ".ipynb_checkpoints" in path.parts:
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code" and f"{name}()" in "".join(cell["source"]):
                return path
    return None


def plan(demo, moves: int) -> list[tuple[int, str, list[int]]]:
    """``moves`` slider moves cycling over the demo's sliders that change a figure: (index of
    the slider among the demo's sliders, its name, indices of the figures it changes)."""
    sliders = [p for p in demo.all_params() if isinstance(p, Slider)]
    plotted = [m for m in demo.marks() if m.in_figure]
    usable = []
    for i, s in enumerate(sliders):
        figures = [k for k, m in enumerate(plotted) if s.name in LivePanel._inputs(m)]
        if figures:
            usable.append((i, s.name, figures))
    return [usable[j % len(usable)] for j in range(moves)] if usable else []


_PANEL_LOG = """
import gc as _gc, json as _json
from peakdata.demos import LivePanel as _LP
_logs = [list(_o.update_log) for _o in _gc.get_objects() if isinstance(_o, _LP)]
print(_json.dumps(max(_logs, key=len) if _logs else []))
del _gc, _json, _LP, _logs
"""


def wait_until_idle(base: str, token: str, notebook: str, quiet: float = 2.0) -> float:
    """Until the notebook's kernel has been idle for ``quiet`` seconds: the demo is drawn before
    the chapter's later cells have run, and a move sent while they run waits for them (seconds,
    not a latency). Returns the seconds waited."""
    start = time.monotonic()
    idle_since = None
    while time.monotonic() - start < 600:
        states = [
            (s.get("kernel") or {}).get("execution_state")
            for s in _sessions(base, token)
            if s.get("path", "").endswith(notebook)
        ]
        now = time.monotonic()
        if states == ["idle"]:
            idle_since = idle_since or now
            if now - idle_since >= quiet:
                return now - start
        else:
            idle_since = None
        time.sleep(0.1)
    raise TimeoutError(f"the kernel of {notebook} stayed busy for 10 minutes")


def kernel_log(root: Path, base: str, token: str, notebook: str) -> list[dict]:
    """The live panel's own timings of its updates (``LivePanel.update_log``), read from the
    notebook's kernel through a second client."""
    from jupyter_client import BlockingKernelClient

    sessions = json.load(urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=5))
    kernel = next(s["kernel"]["id"] for s in sessions if s["path"].endswith(notebook))
    client = BlockingKernelClient(connection_file=str(root / ".runtime" / f"kernel-{kernel}.json"))
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=30)
        lines: list[str] = []
        client.execute_interactive(
            _PANEL_LOG,
            timeout=60,
            output_hook=lambda m: (
                lines.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None
            ),
        )
    finally:
        client.stop_channels()
    return json.loads("".join(lines) or "[]")


def split(moves: list[dict], log: list[dict]) -> dict:
    """Where each move's time went: key press -> kernel begins the update (front end, comm and
    kernel queue), the update (compute, draw, PNG), its end -> the last image loaded (comm back,
    the widget, blob and decode in the browser). Medians, in ms; the clocks of the page and the
    kernel are the same machine's."""
    parts: dict[str, list[float]] = {}
    entries = iter(sorted(log, key=lambda e: e["at"]))
    entry = next(entries, None)
    for move in moves:
        while entry is not None and entry["at"] * 1000 < move["pressed"] - 5:
            entry = next(entries, None)
        if entry is None:
            break
        begin = entry["at"] * 1000
        values = {
            "to_kernel": begin - move["pressed"],
            "compute": entry["compute"] * 1000,
            "draw": entry["draw"] * 1000,
            "png": entry["png"] * 1000,
            "kernel_total": entry["total"] * 1000,
            "kernel_cpu": entry["cpu"] * 1000,
            "to_image": move["loaded"] - begin - entry["total"] * 1000,
        }
        for k, v in values.items():
            parts.setdefault(k, []).append(v)
        entry = next(entries, None)
    return {f"{k}_median_ms": round(float(np.median(v)), 1) for k, v in parts.items()}


def measure(page, demo, moves: int, warmup: int = WARMUP) -> tuple[dict, list[dict]]:
    """Move the demo's sliders ``warmup + moves`` times; per move the key press -> images loaded
    time. The first ``warmup`` moves are recorded apart (``warmup_ms``), not in the percentiles:
    the first labels and glyphs a figure draws are laid out and cached then. Also returns each
    measured move's key press and image load times in ms since the epoch."""
    output = page.locator(".jp-OutputArea-output", has=page.locator(".widget-image")).first
    n_images = output.evaluate(_INSTRUMENT)
    origin = page.evaluate("() => performance.timeOrigin")
    timeline = []
    handles = output.locator(".widget-slider .noUi-handle")
    direction: dict[str, str] = {}
    load_ms, src_ms, per_slider, missed, warm_ms = [], [], {}, [], []
    for j, (index, name, figures) in enumerate(plan(demo, warmup + moves)):
        assert max(figures) < n_images, "the page shows fewer figures than the demo draws"
        handle = handles.nth(index)
        now, low, high = (
            float(handle.get_attribute(a))
            for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax")
        )
        key = direction.setdefault(name, "ArrowRight")
        if (key == "ArrowRight" and now >= high) or (key == "ArrowLeft" and now <= low):
            key = direction[name] = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
        before = page.evaluate(_COUNTS)
        handle.focus()
        page.keyboard.press(key)
        try:
            page.wait_for_function(
                "([before, figures]) => figures.every(k => "
                "window.__latency.load[k].length > before[k])",
                arg=[before, figures],
                polling=20,  # the times come from the page's events: polling only ends the wait
                timeout=8_000,
            )
        except Exception:  # the picture did not change (same pixels): not a latency
            missed.append(name)
            continue
        log = page.evaluate("() => window.__latency")
        pressed = log["keys"][-1]
        load = max(log["load"][k][before[k]] for k in figures) - pressed
        src = max(log["src"][k][before[k]] for k in figures) - pressed
        if j < warmup:
            warm_ms.append(load)
            page.wait_for_timeout(150)
            continue
        load_ms.append(load)
        timeline.append({"pressed": origin + pressed, "loaded": origin + pressed + load})
        src_ms.append(src)
        per_slider.setdefault(name, []).append(load)
        page.wait_for_timeout(150)  # the caption and readouts of this move arrive too
    p50, p95, worst = np.percentile(load_ms, [50, 95, 100]) if load_ms else (np.nan,) * 3
    s50, s95 = np.percentile(src_ms, [50, 95]) if src_ms else (np.nan,) * 2
    return {
        "moves": len(load_ms),
        "p50_ms": round(float(p50), 1),
        "p95_ms": round(float(p95), 1),
        "max_ms": round(float(worst), 1),
        "src_p50_ms": round(float(s50), 1),
        "src_p95_ms": round(float(s95), 1),
        "median_by_slider_ms": {k: round(float(np.median(v)), 1) for k, v in per_slider.items()},
        "unchanged_moves": missed,
        "moves_ms": [round(float(v), 1) for v in load_ms],
        "warmup_ms": [round(float(v), 1) for v in warm_ms],
    }, timeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("demos", nargs="*", help="demo class names (default: every demo)")
    parser.add_argument("--moves", type=int, default=30, help="slider moves per demo")
    parser.add_argument(
        "--warmup", type=int, default=WARMUP, help="moves made first and reported apart"
    )
    parser.add_argument("--output", help=f"write the results here (default: {RESULTS.name})")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit("Chromium is missing: install Debian's package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    chosen = [d for d in ALL_DEMOS if not args.demos or d.__name__ in args.demos]
    chapters = {}
    for cls in chosen:
        path = chapter_of(cls.__name__)
        if path is None:
            print(f"{cls.__name__}: no chapter notebook shows it yet, skipped")
        else:
            chapters[cls.__name__] = path
    results, loads, failed = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for path in chapters.values():
            shutil.copy(path, root / path.name)
        with lab_server(root) as (base, token), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for cls in chosen:
                if cls.__name__ not in chapters:
                    continue
                path = chapters[cls.__name__]
                page = browser.new_page(viewport=DESKTOP)
                start = time.perf_counter()
                try:
                    run_notebook(page, base, token, path.name)
                except Exception as e:  # report it and go on with the next demo
                    shot = ROOT / "_build" / "test-artifacts" / f"lab-latency-{path.stem}.png"
                    shot.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(shot))
                    print(f"{cls.__name__}: its chapter did not run ({e!s:.200}); see {shot}")
                    failed.append(cls.__name__)
                    page.close()
                    shutdown_kernels(base, token)
                    continue
                wait_until_idle(base, token, path.name)  # the chapter's last cells have run
                ran = time.perf_counter() - start
                load_before = os.getloadavg()
                figures, timeline = measure(page, cls(), args.moves, args.warmup)
                try:
                    where = split(timeline, kernel_log(root, base, token, path.name))
                except Exception as e:  # a breakdown is a bonus: the latency stands without it
                    print(f"  (no breakdown: {e})")
                    where = {}
                row = {
                    "demo": cls.__name__,
                    "notebook": str(path.relative_to(ROOT)),
                    **figures,
                    "breakdown": where,
                    "notebook_run_s": round(ran, 1),
                    "load_average": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()],
                    "budget_p95_ms": BUDGET_MS,
                }
                loads.append(load_before[0])
                results.append(row)
                print(
                    f"{row['demo']:22} p50 {row['p50_ms']:6.1f} ms  p95 {row['p95_ms']:6.1f} ms  "
                    f"max {row['max_ms']:6.1f} ms  ({row['moves']} moves, load "
                    f"{load_before[0]:.2f})",
                    flush=True,
                )
                print("   ", "  ".join(f"{k[:-10]} {v}" for k, v in where.items()), flush=True)
                page.close()
                shutdown_kernels(base, token)
            browser.close()
    out = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "browser": str(CHROMIUM),
        },
        "method": (
            "JupyterLab on 127.0.0.1, headless Chromium at 1400x1000; the chapter run and its "
            "kernel idle for 2 s; per move one arrow-key press on a slider, timed from the "
            "keydown event to the load event of the last figure image that slider changes "
            "(src_*: to the change of its src attribute); the first moves (warmup_ms) are "
            "reported apart"
        ),
        "load_average_mean_1min": round(float(np.mean(loads)), 2) if loads else None,
        "skipped": [c.__name__ for c in chosen if c.__name__ not in chapters],
        "failed": failed,
        "lab_latency": results,
    }
    if args.output or not args.demos:
        target = Path(args.output).resolve() if args.output else RESULTS
        target.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
        print(f"written to {target}")


if __name__ == "__main__":
    main()
