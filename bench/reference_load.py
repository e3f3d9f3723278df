"""How long the reference data takes to load, and a fresh warehouse's first nightly run on the tiny data, for
this checkout's reference files against another revision's (default: main), side by side.

`python -m bench.reference_load [--reps N] [--against REV]` prints medians (wall seconds of the whole process,
and each stage's CPU seconds as the child reports them) and writes bench/results/reference-<timestamp>.json. Why: the reference lists grew from 56 CJS codes to the whole standing
data (~25,000); loading them runs at the start of every nightly and rebuild, so its cost is measured here
rather than guessed (never in a timed test). The two versions run in rotating order on the same machine, so a
busy moment hurts both alike.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import tarfile
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb

from bench.measure import measure
from bench.run import RESULTS, ROOT, ensure_data, fresh_home
from flows.reference.load import TABLES, load_reference

REFERENCE = ROOT / "data" / "reference"


def reference_at(rev: str, into: Path) -> Path:
    """data/reference as committed at ``rev`` (git archive: the checkout and its index are not touched)."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "data/reference"], capture_output=True, check=True
    )
    with tarfile.open(fileobj=io.BytesIO(data.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into / "data" / "reference"


def time_load_reference(folder: Path, reps: int) -> list[float]:
    """In-process seconds of load_reference into a fresh in-memory DuckDB, one connection per repetition."""
    seconds = []
    for _ in range(reps):
        con = duckdb.connect()
        start = time.perf_counter()
        load_reference(con, folder)
        seconds.append(time.perf_counter() - start)
        con.close()
    return seconds


def first_nightly(landing: Path, folder: Path, scratch: Path) -> dict:
    """One fresh nightly with the reference files in ``folder`` (given to the child through $DISCLOSE_CONFIG):
    the whole process measured from outside, and each stage's wall and CPU seconds reported by the child
    (CPU time is what a busy shared machine disturbs least)."""
    config = scratch / f"disclose-{abs(hash(str(folder)))}.toml"
    config.write_text(f'[disclose]\nreference_dir = "{folder}"\n', encoding="utf-8")
    stages = scratch / "stages.json"
    os.environ["DISCLOSE_CONFIG"] = str(config)
    try:
        sample = measure(
            [
                "bench.reference_load",
                "--child-nightly",
                str(fresh_home("tiny", landing, "reference-nightly")),
                str(stages),
            ],
            check=False,
        )
    finally:
        del os.environ["DISCLOSE_CONFIG"]
    sample["stages"] = json.loads(stages.read_text(encoding="utf-8")) if stages.is_file() else {}
    stages.unlink(missing_ok=True)
    return sample


def child_nightly(home: Path, out: Path) -> None:
    """The nightly, stage by stage (run in its own process by first_nightly)."""
    from flows.config import load_settings
    from flows.pipeline import run_nightly

    times: dict[str, dict[str, float]] = {}

    def step(name, fn, *args):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn(*args)
        times[name] = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
        return result

    run_nightly(load_settings(home=home), step)
    out.write_text(json.dumps(times), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=3, help="first nightlies per version (load: 3x as many)")
    parser.add_argument(
        "--against", default="main", help="git revision whose reference files to compare with"
    )
    parser.add_argument("--child-nightly", nargs=2, metavar=("HOME", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_nightly:
        return child_nightly(*map(Path, args.child_nightly))
    landing = ensure_data("tiny")
    result: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        versions = {"this checkout": REFERENCE, args.against: reference_at(args.against, Path(tmp))}
        nightly: dict[str, list[dict]] = {name: [] for name in versions}
        for rep in range(args.reps):
            names = list(versions)[rep % 2 :] + list(versions)[: rep % 2]  # rotating order
            for name in names:
                nightly[name].append(first_nightly(landing, versions[name], Path(tmp)))
        for name, folder in versions.items():
            load = time_load_reference(folder, args.reps * 3)
            result[name] = {
                "reference_version": (folder / "VERSION").read_text(encoding="utf-8").strip(),
                "file_bytes": {n: (folder / n).stat().st_size for n in sorted(TABLES.values())},
                "offences_rows": sum(1 for _ in (folder / "offences.csv").open(encoding="utf-8")) - 1,
                "load_reference_seconds": load,
                "load_reference_median": statistics.median(load),
                "first_nightly_tiny_seconds": [n["seconds"] for n in nightly[name]],
                "first_nightly_tiny_median": statistics.median(n["seconds"] for n in nightly[name]),
                "first_nightly_tiny_peak_rss_mib": max(n["peak_rss_mib"] for n in nightly[name]),
                "stages": [n["stages"] for n in nightly[name]],
                "stage_cpu_median": {
                    stage: statistics.median(
                        n["stages"][stage]["cpu"] for n in nightly[name] if stage in n["stages"]
                    )
                    for stage in nightly[name][0]["stages"]
                },
                "failed": [n["exit_code"] for n in nightly[name] if n["exit_code"]],
            }
    result["load_average_after"] = os.getloadavg()  # type: ignore[assignment]
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"reference-{datetime.now():%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for name in versions:
        r = result[name]
        print(
            f"{name} ({r['reference_version']}): {r['offences_rows']} CJS codes; load_reference median "
            f"{r['load_reference_median']:.3f} s; first nightly (tiny) median {r['first_nightly_tiny_median']:.1f} s "
            f"{[round(s, 1) for s in r['first_nightly_tiny_seconds']]}, peak {r['first_nightly_tiny_peak_rss_mib']:.0f} MiB"
        )
    print(f"results in {out}")


if __name__ == "__main__":
    main()
