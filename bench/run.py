"""make bench: generate data once per scale (cached), then measure disclose against its baselines side by side.

Each command runs in its own process (wall time and peak RSS, children included, via wait4); pairs run in
alternating order over several repetitions and the table reports medians and ratios. Results go to
bench/results/<scale>-<timestamp>.json. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
REPS = {"tiny": 5, "force": 3, "national": 1}


def ensure_data(scale: str, seed: int = 1) -> Path:
    landing = DATA / scale / "landing"
    if not (landing / "generator-summary.json").is_file():
        shutil.rmtree(landing, ignore_errors=True)
        fmt = "parquet" if scale == "national" else "csv"
        print(f"generating {scale} data (seed {seed}) into {landing} ...", flush=True)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flows.cli", "generate", "--seed", str(seed), "--scale", scale,
                        "--format", fmt, "--out", str(landing)], check=True, cwd=ROOT)
        print(f"generated in {time.perf_counter() - t:.1f} s", flush=True)
    return landing


def fresh_home(scale: str, landing: Path, name: str) -> Path:
    """A new data home whose landing folder hard-links the cached files (ingest removes what it loads)."""
    home = DATA / scale / "runs" / name
    shutil.rmtree(home, ignore_errors=True)
    (home / "landing").mkdir(parents=True)
    for f in landing.iterdir():
        os.link(f, home / "landing" / f.name)
    return home


def measure(args: list[str]) -> dict:
    """Wall seconds and peak RSS (MiB) of one child process and everything it started."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bench.tasks", *args], cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark task failed: {args}")
    return {"seconds": wall, "peak_rss_mib": usage.ru_maxrss / 1024}


def run(scale: str, reps: int) -> dict:
    landing = ensure_data(scale)
    reference = ROOT / "data" / "reference"
    samples: dict[str, list[dict]] = {}

    def add(name: str, sample: dict) -> None:
        samples.setdefault(name, []).append(sample)

    for rep in range(reps):
        pairs = [
            ("disclose ingest", lambda: ["ingest", str(fresh_home(scale, landing, "ingest"))]),
            ("bare CTAS read_csv", lambda: ["bare_ingest", str(landing), str(_fresh_db(scale))]),
        ]
        pairs2 = [
            ("nightly (full)", lambda: ["nightly", str(fresh_home(scale, landing, "nightly"))]),
            ("floor (bare GROUP BY)", lambda: ["floor", str(landing), str(reference)]),
        ]
        for group in (pairs, pairs2):
            order = group if rep % 2 == 0 else list(reversed(group))
            for name, make_args in order:
                add(name, measure(make_args()))
        # the nightly home now holds a warehouse: a second run has no new extracts
        add("nightly (no new extracts)", measure(["nightly", str(DATA / scale / "runs" / "nightly")]))
        print(f"repetition {rep + 1}/{reps} done", flush=True)
    return summarise(scale, reps, samples)


def _fresh_db(scale: str) -> Path:
    db = DATA / scale / "runs" / "bare.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    db.unlink(missing_ok=True)
    return db


def summarise(scale: str, reps: int, samples: dict[str, list[dict]]) -> dict:
    medians = {
        name: {"median_seconds": statistics.median(s["seconds"] for s in runs),
               "first_seconds": runs[0]["seconds"],
               "peak_rss_mib": max(s["peak_rss_mib"] for s in runs), "runs": len(runs)}
        for name, runs in samples.items()
    }
    ratios = {
        "ingest / bare CTAS": medians["disclose ingest"]["median_seconds"] / medians["bare CTAS read_csv"]["median_seconds"],
        "nightly / floor": medians["nightly (full)"]["median_seconds"] / medians["floor (bare GROUP BY)"]["median_seconds"],
    }
    return {"scale": scale, "repetitions": reps, "when": datetime.now().isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
            "medians": medians, "ratios": ratios}


def print_table(result: dict) -> None:
    print(f"\nscale={result['scale']} repetitions={result['repetitions']} ({result['machine']['cpus']} cpus)")
    print(f"{'command':32} {'median s':>10} {'first s':>10} {'peak MiB':>10}")
    for name, m in result["medians"].items():
        print(f"{name:32} {m['median_seconds']:10.2f} {m['first_seconds']:10.2f} {m['peak_rss_mib']:10.0f}")
    for name, ratio in result["ratios"].items():
        print(f"{name:32} {ratio:10.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=sorted(REPS), default="tiny")
    parser.add_argument("--reps", type=int)
    args = parser.parse_args()
    result = run(args.scale, args.reps or REPS[args.scale])
    print_table(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{args.scale}-{datetime.now():%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"\nresults: {out}")


if __name__ == "__main__":
    main()
