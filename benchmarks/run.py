"""Benchmarks against the budgets of DESIGN.md section 7. Prints figures; never asserts them.

Usage: python benchmarks/run.py [--build] [--latency [DEMO ...]]
  --build     also time a cold book build (clean _build) and a warm rebuild
  --latency   only the live widgets' latency, of the named demos (default: all), one process
              per demo so that one demo's caches and figures do not slow the next

Results are written to benchmarks/results.json (commit it with the change it measures).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from peakdata.collapse import gaussian_chain
from peakdata.demos import ALL_DEMOS
from peakdata.demos import gaussian as gaussian_demo

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.json"


def widget_latency(demo, moves: int = 120, seed: int = 0) -> dict:
    """Random slider moves on a live panel, cold caches: compute + redraw + PNG, in ms.

    Wall-clock and CPU time (``process_time``) of each update; on a busy machine the CPU time
    is the steadier figure. The load average is recorded alongside."""
    panel = demo.live()
    rng = np.random.default_rng(seed)
    wall, cpu = [], []
    for _ in range(moves):
        param = demo.all_params()[rng.integers(len(demo.all_params()))]
        values = param.values()
        new = values[rng.integers(len(values))]
        if new == panel.values[param.name]:
            continue
        panel.controls[param.name].value = new  # the reader's path: widget -> observer -> redraw
        wall.append(panel.last_update_seconds * 1000)
        cpu.append(panel.last_update_cpu_seconds * 1000)
    p50, p95, worst = np.percentile(wall, [50, 95, 100])
    c50, c95 = np.percentile(cpu, [50, 95])
    return {
        "demo": type(demo).__name__,
        "updates": len(wall),
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(worst, 1),
        "cpu_p50_ms": round(c50, 1),
        "cpu_p95_ms": round(c95, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "budget_p95_ms": 100,
    }


def latency_in_subprocess(name: str) -> dict:
    """:func:`widget_latency` of demo class ``name`` in a fresh interpreter (cold caches)."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import run; "
        "from peakdata import demos; "
        "print(json.dumps(run.widget_latency(getattr(demos, sys.argv[2])())))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "benchmarks"), name],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def explorable_data(cls) -> dict:
    """Build-time cost and size of a demo's static explorable (its grid is data on the page)."""
    start = time.perf_counter()
    explorable = cls().explorable()
    return {
        "demo": cls.__name__,
        "marks": [m.kind for m in explorable.demo.marks()],
        "build_s": round(time.perf_counter() - start, 2),
        "gzip_kb": round(explorable.gzip_bytes / 1000, 1),
        "budget_page_kb": 150,
    }


def per_seed_loop(generations: int, samples: int, seeds: int, rng: int) -> np.ndarray:
    """The straightforward version: one seed at a time, one generation at a time."""
    gen = np.random.default_rng(rng)
    out = np.empty((seeds, generations + 1))
    for s in range(seeds):
        mu, sigma = 0.0, 1.0
        out[s, 0] = sigma
        for n in range(1, generations + 1):
            x = gen.normal(mu, sigma, samples)
            mu, sigma = x.mean(), x.std()
            out[s, n] = sigma
    return out


def _best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def kernels() -> list[dict]:
    """Each simulation kernel against a straightforward per-seed loop doing the same work."""
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "benchmarks")]
    import baselines
    from test_collapse_discrete import _loop as discrete_loop
    from test_collapse_regression import loop_chain as regression_loop
    from test_collapse_workflows import loop_chain as workflow_loop

    from peakdata.collapse import (
        classifier_chain,
        discrete_chain,
        kde_chain,
        linear_regression_chain,
        temperature_chain,
        zipf_probs,
    )
    from peakdata.collapse.twod import load_iris_petals

    iris, zipf = load_iris_petals(), zipf_probs(200, 1.2)
    cases = [
        (
            "gaussian_chain replace",
            "G=100, M=20, 2000 seeds",
            lambda: gaussian_chain(100, 20, seeds=2000, rng=1),
            lambda: per_seed_loop(100, 20, 2000, 1),
        ),
        (
            "gaussian_chain accumulate",
            "G=100, M=10, 500 seeds",
            lambda: gaussian_chain(100, 10, workflow="accumulate", seeds=500, rng=1),
            lambda: workflow_loop(100, 10, "accumulate", 0, "mle", 500, 1),
        ),
        (
            "linear_regression_chain replace",
            "G=30, T=50, d=10, 500 seeds",
            lambda: linear_regression_chain(30, 50, 10, seeds=500, rng=1),
            lambda: regression_loop(30, 50, 10, "replace", True, 0, 500, 1),
        ),
        (
            "linear_regression_chain accumulate",
            "G=30, T=50, d=10, 500 seeds",
            lambda: linear_regression_chain(30, 50, 10, workflow="accumulate", seeds=500, rng=1),
            lambda: regression_loop(30, 50, 10, "accumulate", True, 0, 500, 1),
        ),
        (
            "linear_regression_chain accumulate-subsample",
            "G=30, T=50, d=10, 200 seeds",
            lambda: linear_regression_chain(
                30, 50, 10, workflow="accumulate-subsample", seeds=200, rng=1
            ),
            lambda: regression_loop(30, 50, 10, "accumulate-subsample", True, 0, 200, 1),
        ),
        (
            "discrete_chain T=1",
            "Zipf 200 words, M=100, G=100, 200 seeds",
            lambda: discrete_chain(zipf, 100, 100, seeds=200, rng=1),
            lambda: discrete_loop(zipf, 100, 100, 200, 1),
        ),
        (
            "discrete_chain T=0.9",
            "Zipf 200 words, M=100, G=100, 200 seeds",
            lambda: discrete_chain(zipf, 100, 100, temperature=0.9, seeds=200, rng=1),
            lambda: discrete_loop(zipf, 100, 100, 200, 1, temperature=0.9),
        ),
        (
            "kde_chain",
            "iris petals, M=20, h=0.2, G=100, 500 seeds",
            lambda: kde_chain(iris, 100, 20, 0.2, seeds=500, rng=1),
            lambda: baselines.kde_loop(iris, 100, 20, 0.2, 500, 1),
        ),
        (
            "temperature_chain",
            "x0=0.3, M=100, T=0.8, 20% real, G=50, 2000 seeds",
            lambda: temperature_chain(
                0.3, 50, 100, temperature=0.8, real_fraction=0.2, seeds=2000, rng=1
            ),
            lambda: baselines.temperature_loop(0.3, 50, 100, 0.8, 0.2, 2000, 1),
        ),
        (
            "classifier_chain",
            "prior 0.6, N=100, separation 1, G=30, 500 seeds",
            lambda: classifier_chain(0.6, 30, 100, seeds=500, rng=1),
            lambda: baselines.classifier_loop(0.6, 30, 100, 1.0, 0.0, 500, 1),
        ),
    ]
    rows = []
    for name, size, vectorised, loop in cases:
        fast, slow = _best_of(vectorised, 3), _best_of(loop, 1)
        rows.append(
            {
                "kernel": name,
                "size": size,
                "vectorised_s": round(fast, 4),
                "per_seed_loop_s": round(slow, 3),
                "speedup": round(slow / fast, 1),
                "budget_speedup": 20,
            }
        )
    return rows


def text_chain_time() -> dict:
    """The text chain: 10 generations on 200k tokens (budget 5 s)."""
    from peakdata.collapse import text_chain

    text_chain(1, 20_000)  # load the corpus once, outside the timing
    seconds = _best_of(lambda: text_chain(10, 200_000, rng=1), 3)
    return {"generations": 10, "tokens": 200_000, "seconds": round(seconds, 2), "budget_s": 5}


def build_times() -> dict:
    jb = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        ".",
        "-W",
        "-n",
        "--keep-going",
    ]

    def timed() -> float:
        start = time.perf_counter()
        subprocess.run(jb, cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - start

    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    cold = timed()
    warm = timed()
    size = sum(p.stat().st_size for p in (ROOT / "_build" / "html").rglob("*") if p.is_file())
    return {
        "cold_s": round(cold, 1),
        "warm_s": round(warm, 1),
        "budget_cold_s": 300,
        "budget_warm_s": 30,
        "site_mb": round(size / 1e6, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="also time cold and warm builds")
    parser.add_argument(
        "--latency", nargs="*", metavar="DEMO", help="only the widget latency of these demos"
    )
    args = parser.parse_args()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }
    if args.latency is not None:
        names = args.latency or [cls.__name__ for cls in ALL_DEMOS]
        rows = {row["demo"]: row for row in results.get("widget_latency", [])}
        for name in names:
            rows[name] = latency_in_subprocess(name)
            print("widget_latency", json.dumps(rows[name]), flush=True)
        order = [cls.__name__ for cls in ALL_DEMOS]
        results["widget_latency"] = sorted(
            rows.values(), key=lambda r: order.index(r["demo"]) if r["demo"] in order else 99
        )
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
        return 0
    gaussian_demo._ensemble.cache_clear()
    results["widget_latency"] = [latency_in_subprocess(cls.__name__) for cls in ALL_DEMOS]
    results["explorable_data"] = [explorable_data(cls) for cls in ALL_DEMOS]
    results["kernels"] = kernels()
    results["text_chain"] = text_chain_time()
    if args.build:
        results["build"] = build_times()
    for section in ("widget_latency", "explorable_data", "kernels"):
        for row in results[section]:
            print(section, json.dumps(row))
    print("text_chain", json.dumps(results["text_chain"]))
    if "build" in results:
        print("build", json.dumps(results["build"]))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
