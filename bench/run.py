"""make bench: generate data once per scale (cached), then measure disclose against its baselines side by side.

Each command runs in its own process (wall time and peak RSS, children included, via wait4: bench/measure.py);
compared commands run in rotating order over several repetitions and the table reports medians, the first
(cold) run and ratios. Sections: pipeline (ingest vs bare CTAS; nightly vs the floor vs a pandas analyst;
nightly again with nothing new), oneday (a night with one day's deliveries on a built warehouse, beside those
files ingested alone, the same night on a copy whose standing drafts are signed off, and a night with nothing
new), ingest (ingest vs bare CTAS only), pandas (the floor and pandas only),
rebuild (`disclose rebuild --check-only` on the built nightly home, replaying its archive, beside the floor), request (one FOI request through the
CLI, cold and warm through `disclose serve`, plainly and as a Prefect flow, stage by stage, and through the
Prefect deployment on a real server and worker, bench/warm.py), concurrent (a nightly run with new files and five
requests started together, each request's time beside it alone, bench/concurrent.py), suppression (our engine beside tau-Argus and acro, bench/suppression.py),
answers (the share of requested figures each seed and example request publishes, bench/answers.py), site (the
transparency site over 1,000 releases: a full build and two rebuilds, bench/site.py).
Results go to bench/results/<scale>-<timestamp>.json. Not part of the test suite.
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
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench import answers, concurrent, site, suppression, warm
from bench.deployment import request_via_deployment
from bench.measure import measure as _measure

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
REFERENCE = ROOT / "data" / "reference"
REQUEST = ROOT / "data" / "requests" / "mps-01-foi-22-025326.yaml"
REPS = {
    "tiny": 5,
    "force": 1,
    "national": 1,
}  # force: one rep fits the 10-minute budget; --reps 3 for medians
SECTIONS = ("pipeline", "oneday", "request", "concurrent", "suppression", "answers", "site")
NEEDS_DATA = frozenset(
    {"pipeline", "ingest", "pandas", "rebuild", "request", "oneday", "concurrent"}
)  # the scale's generated extracts


def ensure_data(scale: str, seed: int = 1, name: str = "landing") -> Path:
    landing = DATA / scale / name
    if not (landing / "generator-summary.json").is_file():
        shutil.rmtree(landing, ignore_errors=True)
        fmt = "parquet" if scale == "national" else "csv"
        print(f"generating {scale} data (seed {seed}) into {landing} ...", flush=True)
        t = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "flows.cli",
                "generate",
                "--seed",
                str(seed),
                "--scale",
                scale,
                "--format",
                fmt,
                "--out",
                str(landing),
            ],
            check=True,
            cwd=ROOT,
        )
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
    """A failing command is recorded (its exit code) and the run goes on: one broken stage must not hide
    every other figure."""
    return _measure(["bench.tasks", *args], check=False)


def _rotated(group: list, rep: int) -> list:
    return group[rep % len(group) :] + group[: rep % len(group)]


def run(
    scale: str,
    reps: int,
    sections: tuple[str, ...],
    budget_s: float,
    cost: str = "values",
    sizes: tuple[str, ...] | None = None,
    peers_large: bool = False,
) -> dict:
    landing = ensure_data(scale) if NEEDS_DATA & set(sections) else DATA / scale / "landing"
    samples: dict[str, list[dict]] = {}
    stages: list[dict] = []

    def add(name: str, sample: dict) -> None:
        samples.setdefault(name, []).append(sample)

    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    xlsx = str(scratch / "pandas.xlsx")
    pandas = ("pandas (analyst)", lambda: ["pandas", str(landing), str(REFERENCE), xlsx])
    floor = ("floor (bare GROUP BY)", lambda: ["floor", str(landing), str(REFERENCE)])
    for rep in range(reps):
        groups = []
        if "pipeline" in sections or "ingest" in sections:
            groups.append(
                [
                    ("disclose ingest", lambda: ["ingest", str(fresh_home(scale, landing, "ingest"))]),
                    ("bare CTAS read_csv", lambda: ["bare_ingest", str(landing), str(_fresh_db(scale))]),
                ]
            )
        if "pipeline" in sections:
            groups.append(
                [
                    ("nightly (full)", lambda: ["nightly", str(fresh_home(scale, landing, "nightly"))]),
                    floor,
                    *([pandas] if scale != "national" else []),
                ]
            )  # pandas cannot hold national
        elif "pandas" in sections:
            groups.append([floor, pandas])
        if "rebuild" in sections:  # what `disclose rebuild` does: replay the archive, rebuild, compare
            home = DATA / scale / "runs" / "nightly"
            if not (home / "warehouse" / "disclose.duckdb").exists():
                measure(["nightly", str(fresh_home(scale, landing, "nightly"))])
            groups.append(
                [("disclose rebuild --check-only", lambda home=home: ["rebuild", str(home)]), floor]
            )
        for group in groups:
            for name, make_args in _rotated(group, rep):
                add(name, measure(make_args()))
        if "pipeline" in sections:  # the nightly home now holds a warehouse: a second run has no new extracts
            add("nightly (no new extracts)", measure(["nightly", str(DATA / scale / "runs" / "nightly")]))
        if "oneday" in sections:
            _one_day(scale, landing, add)
        if "request" in sections:
            stages.append(_request(scale, landing, rep, add, scratch))
        print(f"repetition {rep + 1}/{reps} done", flush=True)
    if "request" in sections:  # with its own service: Prefect's embedded server up before any timing
        _request_prefect(scale, reps, add, scratch)
    result = summarise(scale, reps, samples)
    stages = [s for s in stages if s]
    if stages:
        result["request_stages"] = {
            name: {
                "median_seconds": statistics.median(s[name] for s in stages),
                "first_seconds": stages[0][name],
            }
            for name in stages[0]
        }
    if "request" in sections:
        result["request_deployment"] = request_via_deployment(
            DATA / scale / "runs" / "nightly", REQUEST, scratch / "prefect"
        )
    if "concurrent" in sections:  # once, not per repetition: it takes minutes at force scale
        result["concurrent"] = concurrent.run(DATA, scale, landing, ensure_data(scale, 2, "landing-new"))
    if "suppression" in sections:
        result["suppression"] = suppression.run(
            scale, reps, budget_s, cost=cost, sizes=sizes, peers_large=peers_large
        )
    if "answers" in sections:
        result["answers"] = answers.run()
    if "site" in sections:
        result["site"] = site.run()
    shutil.rmtree(scratch, ignore_errors=True)
    return result


def _request(scale: str, landing: Path, rep: int, add, scratch: Path) -> dict:
    """The MPS request against the nightly home's warehouse: the whole CLI process and the timed stages,
    alternating. Each run publishes into that home (the first is a new release, later ones re-issues)."""
    home = DATA / scale / "runs" / "nightly"
    if not (home / "warehouse" / "disclose.duckdb").exists():  # the warehouse is built before any release
        measure(["nightly", str(fresh_home(scale, landing, "nightly"))])
    out = scratch / "stages.json"
    cli = ["flows.cli", "request", str(REQUEST), "--plain", "--home", str(home)]
    group = [
        ("request CLI cold (--plain)", [*cli, "--in-process"]),
        ("request CLI warm (--plain)", cli),  # answered by `disclose serve --plain`
        ("request (stages timed)", ["bench.tasks", "request_stages", str(home), str(REQUEST), str(out)]),
    ]
    with warm.service(home, scratch / "serve.log", plain=True) as service:
        add("request CLI warm (--plain), first after start", _as_new(home, cli))
        for name, args in _rotated(group, rep):
            add(name, _as_new(home, args))
    add("disclose serve --plain (start to ready)", _service_sample(service))
    return json.loads(out.read_text())["stages"] if out.exists() else {}


def _request_prefect(scale: str, reps: int, add, scratch: Path) -> None:
    """The request as `disclose request` runs it by default (a Prefect flow on the embedded server): cold, in
    its own process, against warm, through `disclose serve` (whose embedded server is already up)."""
    home = DATA / scale / "runs" / "nightly"
    cli = ["flows.cli", "request", str(REQUEST), "--home", str(home)]
    group = [("request CLI cold (Prefect)", [*cli, "--in-process"]), ("request CLI warm (Prefect)", cli)]
    with warm.service(home, scratch / "serve-prefect.log", plain=False) as service:
        add("request CLI warm (Prefect), first after start", _as_new(home, cli))
        for rep in range(reps):
            for name, args in _rotated(group, rep):
                add(name, _as_new(home, args))
    add("disclose serve (start to ready)", _service_sample(service))


def _as_new(home: Path, args: list[str]) -> dict:
    """The request as if never asked: the home's cached counts and protection results, and its earlier drafts,
    are removed first, so each run counts, solves from nothing and writes a draft (a repeated request reuses
    the counts and protection, flows/release/count_cache.py, and starts from its last draft's pattern). The
    standing drafts' decoded cells (cache/draft-cells, written when the nightly drafted them) stay: they are
    the home's history, not this request's results."""
    import yaml

    for kind in ("counts", "protection"):
        shutil.rmtree(home / "cache" / kind, ignore_errors=True)
    reference = yaml.safe_load(REQUEST.read_text(encoding="utf-8"))["reference"]
    shutil.rmtree(home / "drafts" / reference, ignore_errors=True)
    return _measure(args, check=False)


def _service_sample(service: dict) -> dict:
    """The service's start, as a sample of the table: wall time to ready, its own peak memory."""
    return {
        "seconds": service["ready_seconds"],
        "peak_rss_mib": service.get("peak_rss_mib") or 0.0,
        "exit_code": 0,
    }


def _one_day(scale: str, landing: Path, add) -> None:
    """A force's real night: a warehouse built from every delivery but the last day's (and already through
    its second night, when the snapshot before the published one first exists), then that day's files. Beside
    it: those files ingested alone into an empty home, and a night with nothing new."""
    day = max(_delivered(f) for f in landing.iterdir() if _delivered(f))
    home = fresh_home(scale, landing, "oneday")
    last = [f for f in (home / "landing").iterdir() if _delivered(f) == day]
    held = home / "held"
    held.mkdir()
    for f in last:
        f.rename(held / f.name)
    print(f"one day: {len(last)} file(s) of {day}, {sum(f.stat().st_size for f in held.iterdir()):,} bytes")
    add("nightly (all but the last day)", measure(["nightly", str(home)]))
    add("nightly (second night, nothing new)", measure(["nightly", str(home)]))
    signed = DATA / scale / "runs" / "oneday-signed"  # the same home, its standing drafts signed off
    shutil.rmtree(signed, ignore_errors=True)
    shutil.copytree(home, signed, symlinks=True)
    add("sign off the standing drafts (approve, publish)", measure(["sign_off", str(signed)]))
    alone = DATA / scale / "runs" / "oneday-alone"
    shutil.rmtree(alone, ignore_errors=True)
    (alone / "landing").mkdir(parents=True)
    for f in held.iterdir():
        os.link(f, alone / "landing" / f.name)
        f.rename(home / "landing" / f.name)
        (signed / "held" / f.name).rename(signed / "landing" / f.name)
    add("ingest (the day's files alone)", measure(["ingest", str(alone)]))
    add("nightly (one day's deliveries)", measure(["nightly", str(home)]))
    _print_stages(home, "one day's deliveries")
    add(SIGNED_NIGHT, measure(["nightly", str(signed)]))
    _print_stages(signed, "one day's deliveries, standing drafts signed off")
    shutil.rmtree(signed)  # a second copy of the warehouse: 11 GB at national scale
    add("validate stage, incremental (the day's files)", _validate_stage(home))
    add("nightly (nothing new, after a day)", measure(["nightly", str(home)]))
    _print_stages(home, "nothing new")
    os.environ["DISCLOSE_FULL_VALIDATION_EVERY_DAYS"] = "0"  # the same warehouse, validated in full
    try:
        add("nightly (nothing new, full validation)", measure(["nightly", str(home)]))
    finally:
        del os.environ["DISCLOSE_FULL_VALIDATION_EVERY_DAYS"]
    add("validate stage, full (every file and record)", _validate_stage(home))


def _print_stages(home: Path, what: str) -> None:
    """Where the last nightly run's time went: its stage lines from the run log (each ends with its seconds)."""
    log = home / "runs" / "runs.jsonl"
    if log.is_file():
        last = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
        print(f"stages of the nightly run with {what}:")
        for line in last.get("stages", []):
            head, _, rest = line.partition(": ")
            print(
                f"  {head}: {rest.rsplit('(', 1)[-1].rstrip(')')}"
                if rest.endswith(" s)")
                else f"  {line[:100]}"
            )


def _validate_stage(home: Path) -> dict:
    """The validate stage's wall seconds, from the home's last run record ("validate (...): ... (1.2 s)"), as a
    sample (inside the nightly's process: no RSS of its own)."""
    lines = (home / "runs" / "runs.jsonl").read_text().splitlines()
    stages = json.loads(lines[-1])["stages"] if lines else []
    found = [s for s in stages if s.startswith("validate")]
    seconds = float(found[0].rsplit("(", 1)[1].split()[0]) if found else 0.0
    return {"seconds": seconds, "cpu_seconds": 0.0, "peak_rss_mib": 0.0, "exit_code": 0 if found else 1}


def _delivered(path: Path) -> str | None:
    """The delivery time in an extract's name (custody_20261121T0200_partial.csv -> 20261121)."""
    parts = path.stem.split("_")
    return parts[1][:8] if len(parts) > 1 and parts[0] in ("custody", "crime") else None


def _fresh_db(scale: str) -> Path:
    db = DATA / scale / "runs" / "bare.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    db.unlink(missing_ok=True)
    return db


SIGNED_NIGHT = "nightly (one day's deliveries, standing drafts signed off)"
RATIOS = {
    "one day: nightly / ingest alone (target < 3)": (
        "nightly (one day's deliveries)",
        "ingest (the day's files alone)",
    ),
    "one day, standing drafts signed off: nightly / ingest alone": (
        SIGNED_NIGHT,
        "ingest (the day's files alone)",
    ),
    "ingest / bare CTAS": ("disclose ingest", "bare CTAS read_csv"),
    "nightly / floor": ("nightly (full)", "floor (bare GROUP BY)"),
    "rebuild / floor (target < 3)": ("disclose rebuild --check-only", "floor (bare GROUP BY)"),
    "pandas / floor": ("pandas (analyst)", "floor (bare GROUP BY)"),
    "pandas / nightly (target >= 10)": ("pandas (analyst)", "nightly (full)"),
    "request cold / warm (--plain)": ("request CLI cold (--plain)", "request CLI warm (--plain)"),
    "request cold / warm (Prefect)": ("request CLI cold (Prefect)", "request CLI warm (Prefect)"),
}


def summarise(scale: str, reps: int, samples: dict[str, list[dict]]) -> dict:
    medians = {name: _medians(runs) for name, runs in samples.items()}
    ratios = {
        label: medians[a]["median_seconds"] / medians[b]["median_seconds"]
        for label, (a, b) in RATIOS.items()
        if "median_seconds" in medians.get(a, {}) and "median_seconds" in medians.get(b, {})
    }
    return {
        "scale": scale,
        "repetitions": reps,
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "medians": medians,
        "ratios": ratios,
        "seconds": {name: [round(s["seconds"], 2) for s in runs] for name, runs in samples.items()},
    }


def _medians(runs: list[dict]) -> dict:
    ok = [s for s in runs if s["exit_code"] == 0]
    failed = {"failed_runs": len(runs) - len(ok)} if len(ok) < len(runs) else {}
    if not ok:
        return {"status": f"failed (exit {runs[0]['exit_code']})", "runs": len(runs)}
    return {
        "median_seconds": statistics.median(s["seconds"] for s in ok),
        "first_seconds": ok[0]["seconds"],
        "peak_rss_mib": max(s["peak_rss_mib"] for s in ok),
        "runs": len(ok),
    } | failed


def print_table(result: dict) -> None:
    print(f"\nscale={result['scale']} repetitions={result['repetitions']} ({result['machine']['cpus']} cpus)")
    print(f"{'command':32} {'median s':>10} {'first s':>10} {'peak MiB':>10}")
    for name, m in result["medians"].items():
        if "status" in m:
            print(f"{name:32} {m['status']}")
            continue
        failed = f"  ({m['failed_runs']} run(s) failed)" if "failed_runs" in m else ""
        print(
            f"{name:32} {m['median_seconds']:10.2f} {m['first_seconds']:10.2f} {m['peak_rss_mib']:10.0f}{failed}"
        )
    for name, ratio in result["ratios"].items():
        print(f"{name:32} {ratio:10.2f}x")
    if "request_stages" in result:
        print(f"\nrequest {REQUEST.name}, stage by stage (in-process)")
        for name, m in result["request_stages"].items():
            print(f"{name:32} {m['median_seconds']:10.2f} {m['first_seconds']:10.2f}")
    for n, run in enumerate(result.get("request_deployment", []), 1):
        if "error" in run:
            print(f"request via the Prefect deployment, run {n}: failed: {run['error'][-300:]}")
            continue
        print(
            f"request via the Prefect deployment, run {n}: {run['total_seconds']:.2f} s trigger to release "
            f"(queue + worker process start {run['queue_and_process_start_seconds']:.2f} s, "
            f"flow run {run['flow_run_seconds']:.2f} s; worker polls every 2 s)"
        )
    if "concurrent" in result:
        concurrent.print_table(result["concurrent"])
    if "suppression" in result:
        suppression.print_table(result["suppression"])
    if "answers" in result:
        answers.print_table(result["answers"])
    if "site" in result:
        site.print_table(result["site"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=sorted(REPS), default="tiny")
    parser.add_argument("--reps", type=int)
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections: {', '.join(SECTIONS)}, ingest, pandas, rebuild (default: all but "
        "ingest and pandas, which pipeline includes, and rebuild)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=900.0,
        help="seconds one suppression tool may take on one table before it is stopped",
    )
    parser.add_argument(
        "--sizes", help="suppression tables (default: small,medium,large; the peers up to medium)"
    )
    parser.add_argument(
        "--peers-large", action="store_true", help="run tau-Argus and acro on the large table too"
    )
    parser.add_argument(
        "--cost",
        choices=("values", "cells"),
        default="values",
        help="what every suppression tool minimises: the sum of withheld values, or their number",
    )
    args = parser.parse_args()
    sections = tuple(s.strip() for s in args.only.split(",") if s.strip())
    sizes = tuple(s.strip() for s in args.sizes.split(",")) if args.sizes else None
    result = run(
        args.scale, args.reps or REPS[args.scale], sections, args.budget, args.cost, sizes, args.peers_large
    )
    print_table(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{args.scale}-{datetime.now():%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"\nresults: {out}")


if __name__ == "__main__":
    main()
