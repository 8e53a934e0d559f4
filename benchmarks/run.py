"""Benchmarks against the budgets of DESIGN.md section 7. Prints figures; never asserts them.

Usage: python benchmarks/run.py [--build]
  --build   also time a cold book build (clean _build) and a warm rebuild

Results are written to benchmarks/results.json (commit it with the change it measures).
"""

from __future__ import annotations

import argparse
import json
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
    """Random slider moves on a live panel, cold caches: compute + redraw + PNG, in ms."""
    panel = demo.live()
    rng = np.random.default_rng(seed)
    times = []
    for _ in range(moves):
        param = demo.all_params()[rng.integers(len(demo.all_params()))]
        values = param.values()
        new = values[rng.integers(len(values))]
        if new == panel.values[param.name]:
            continue
        panel.controls[param.name].value = new  # the reader's path: widget -> observer -> redraw
        times.append(panel.last_update_seconds * 1000)
    p50, p95, worst = np.percentile(times, [50, 95, 100])
    return {
        "demo": "GaussianLoopDemo",
        "updates": len(times),
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(worst, 1),
        "budget_p95_ms": 100,
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


def kernel_speedup(generations: int = 100, samples: int = 20, seeds: int = 2000) -> dict:
    def best_of(fn, repeats: int) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    vectorised = best_of(lambda: gaussian_chain(generations, samples, seeds=seeds, rng=1), 5)
    loop = best_of(lambda: per_seed_loop(generations, samples, seeds, 1), 2)
    return {
        "kernel": "gaussian_chain",
        "generations": generations,
        "samples": samples,
        "seeds": seeds,
        "vectorised_s": round(vectorised, 4),
        "per_seed_loop_s": round(loop, 3),
        "speedup": round(loop / vectorised, 1),
        "budget_speedup": 20,
    }


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
    args = parser.parse_args()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["machine"] = {
        "python": platform.python_version(),
        "cpus": __import__("os").cpu_count(),
        "platform": platform.platform(),
    }
    gaussian_demo._ensemble.cache_clear()
    results["widget_latency"] = [widget_latency(cls()) for cls in ALL_DEMOS]
    results["kernels"] = [kernel_speedup()]
    if args.build:
        results["build"] = build_times()
    for section in ("widget_latency", "kernels"):
        for row in results[section]:
            print(section, json.dumps(row))
    if "build" in results:
        print("build", json.dumps(results["build"]))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
