"""A nightly run with new files and five FOI requests started together (issue 15), beside each request alone.

Plain CLI processes (`disclose nightly --plain`, `disclose request SPEC --plain --in-process`), as a force's
scheduler and disclosure officers start them; a request's time is its process's wall time from start to exit,
i.e. from trigger to its draft written and recorded. Set-up, not timed: a warehouse built from the scale's
extracts, and a second generated delivery (seed 2, cached by bench/run.py) landed for the nightly run. Each request runs alone
first, on the same warehouse, then all six start at once on a fresh copy of that home.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "requests" / "real"
REQUESTS = ["r06-domestic-abuse-by-outcome", "r08-arrests-by-ethnicity-by-year", "r10-shoplifting-by-month",
            "r14-crimes-excluding-cancelled-by-district", "r16-knife-possession-by-age"]  # fmt: skip
ORGANISATION = "Example Constabulary"


def _start(home: Path, *args: str) -> tuple[subprocess.Popen, float]:
    env = {**os.environ, "DISCLOSE_HOME": str(home), "DISCLOSE_ORGANISATION": ORGANISATION}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, time.perf_counter()


def _finish(proc: subprocess.Popen, started: float) -> dict:
    return _wait_all([(proc, started)])[0]


def _wait_all(procs: list[tuple[subprocess.Popen, float]]) -> list[dict]:
    """Each process's wall time, taken when it exits (polled every 50 ms, so a process that ends while another
    is waited for is not charged the other's time); stderr drained by a thread each so none blocks on a pipe."""
    errors: list[list[str]] = [[] for _ in procs]
    readers = [
        threading.Thread(target=lambda p=p, e=e: e.append(p.stderr.read()))
        for (p, _), e in zip(procs, errors, strict=True)
    ]
    for reader in readers:
        reader.start()
    ended: dict[int, float] = {}
    while len(ended) < len(procs):
        for i, (proc, _) in enumerate(procs):
            if i not in ended and proc.poll() is not None:
                ended[i] = time.perf_counter()
        time.sleep(0.05)
    for reader in readers:
        reader.join()
    out = []
    for i, (proc, started) in enumerate(procs):
        sample = {"seconds": ended[i] - started, "exit": proc.returncode}
        if proc.returncode:
            sample["error"] = "".join(errors[i])[-1000:]
        out.append(sample)
    return out


def _request(home: Path, name: str) -> tuple[subprocess.Popen, float]:
    return _start(home, "request", str(REAL / f"{name}.yaml"), "--plain", "--in-process")


def run(data: Path, scale: str, landing: Path, new: Path) -> dict:
    base = data / scale / "runs" / "concurrent-base"
    shutil.rmtree(base, ignore_errors=True)
    (base / "landing").mkdir(parents=True)
    for f in landing.iterdir():
        os.link(f, base / "landing" / f.name)
    built = _finish(*_start(base, "nightly", "--plain"))
    if built["exit"]:
        return {"error": f"building the warehouse failed: {built.get('error')}"}
    alone = {name: _finish(*_request(base, name)) for name in REQUESTS}
    home = data / scale / "runs" / "concurrent"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(base, home)
    for f in new.iterdir():
        os.link(f, home / "landing" / f"new_{f.name}")
    nightly = _start(home, "nightly", "--plain")
    together = [(name, _request(home, name)) for name in REQUESTS]
    night, *times = _wait_all([nightly, *(started for _, started in together)])
    with_nightly = {name: sample for (name, _), sample in zip(together, times, strict=True)}
    return {
        "how": "CLI processes (--plain); request times are process start to exit (trigger to draft)",
        "nightly_with_new_files": night,
        "requests": {
            name: {"alone": alone[name], "with_nightly_and_others": with_nightly[name]} for name in REQUESTS
        },
    }


def print_table(result: dict) -> None:
    if "error" in result:
        print(f"\nconcurrent: {result['error']}")
        return
    night = result["nightly_with_new_files"]
    print(f"\nA nightly run with new files and five requests at once ({result['how']})")
    print(
        f"  nightly run (new files), alongside the requests: {night['seconds']:.1f} s (exit {night['exit']})"
    )
    print(f"  {'request':45} {'alone':>8} {'together':>9} {'ratio':>6}")
    for name, pair in result["requests"].items():
        a, t = pair["alone"], pair["with_nightly_and_others"]
        flag = "" if not (a["exit"] or t["exit"]) else f"  FAILED (exit {a['exit']}/{t['exit']})"
        print(
            f"  {name:45} {a['seconds']:7.1f}s {t['seconds']:8.1f}s {t['seconds'] / a['seconds']:5.1f}x{flag}"
        )
