"""The request's warm path beside the cold one: `disclose serve` for the nightly home while the CLI is timed.

Trigger to draft is the whole `disclose request` process, as a user waits for it: cold (`--in-process`, which
pays Python, the imports and GX, and without --plain Prefect's temporary server) and warm (the same command,
answered by the running service). The service is started and made ready before any timing (its start is
set-up, like the deployment bench's server and worker) and its own peak memory is read before it stops
(its GX process and Prefect's server are separate processes, not included).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def service(home: Path, log: Path, plain: bool) -> Iterator[dict]:
    """`disclose serve` for ``home`` until the block ends; yields {"pid", "ready_seconds", "peak_rss_mib"}
    (the peak filled in as it stops)."""
    started = time.perf_counter()
    args = [sys.executable, "-m", "flows.cli", "serve", "--home", str(home), *(["--plain"] if plain else [])]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)
    info = {"pid": proc.pid}
    try:
        while "ready" not in log.read_text():
            if proc.poll() is not None or time.perf_counter() - started > 300:
                raise SystemExit(f"disclose serve did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        info["ready_seconds"] = time.perf_counter() - started
        yield info
        info["peak_rss_mib"] = _peak_rss_mib(proc.pid)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)


def _peak_rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None
