"""Wall time and peak resident memory of one child process and everything it started: the one way every
benchmark here measures, so figures from different sections can be compared."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(
    args: list[str], *, python: str | None = None, budget_s: float | None = None, check: bool = True
) -> dict:
    """Run ``python -m <args>`` from the repository root; wait4 gives the peak RSS of the process tree
    (children included once reaped). A run past ``budget_s`` is killed with its whole process group."""
    start = time.perf_counter()
    proc = subprocess.Popen([python or sys.executable, "-m", *args], cwd=ROOT, start_new_session=True)
    timed_out = threading.Event()

    def _kill() -> None:
        timed_out.set()
        os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(budget_s, _kill) if budget_s else None
    if timer:
        timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    if timer:
        timer.cancel()
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if check and code != 0:
        raise SystemExit(f"benchmark task failed ({code}): {args}")
    return {
        "seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mib": usage.ru_maxrss / 1024,
        "exit_code": code,
        "timed_out": timed_out.is_set(),
        "load_average": os.getloadavg()[0],
    }
