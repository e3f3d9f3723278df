"""One FOI request through the Prefect `request` deployment: trigger to release, worker polling included.

A throwaway server and process worker (flows/local_server.py; the worker polls every 2 s, the setting the
README recommends for on-demand requests) answer the same spec as the CLI measurement, against the same
warehouse. Starting the server, the pool and the worker is set-up, not timed. Each run is split from the
server's own timestamps: waiting in the queue until the worker picks it up and its process starts the flow,
the flow run itself, and the client noticing the end.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from flows.local_server import server, worker

ROOT = Path(__file__).resolve().parents[1]


def request_via_deployment(home: Path, spec: Path, tmp: Path, runs: int = 2) -> list[dict]:
    with server(tmp) as env, worker(env, tmp):
        out = []
        for _ in range(runs):
            shutil.rmtree(home / "cache", ignore_errors=True)  # as a request never asked: counted and solved
            done = subprocess.run(
                [sys.executable, "-m", "bench.tasks", "deployment_request", str(home), str(spec)],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if done.returncode != 0:
                out.append({"error": done.stderr[-2000:]})
                continue
            out.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return out


def trigger_and_wait(home: Path, spec: Path) -> dict:
    """In a process pointed at the server (PREFECT_API_URL): create the run, poll until it ends."""
    import time

    from prefect.deployments import run_deployment

    started = time.perf_counter()
    run = run_deployment(
        "request/request",
        parameters={"spec": str(spec), "home": str(home)},
        poll_interval=0.2,
        timeout=600,
        as_subflow=False,
    )
    total = time.perf_counter() - started
    queued = (run.start_time - run.created).total_seconds() if run.start_time else None
    flow = (run.end_time - run.start_time).total_seconds() if run.end_time and run.start_time else None
    return {
        "state": str(run.state.type.value if run.state else None),
        "total_seconds": total,
        "queue_and_process_start_seconds": queued,
        "flow_run_seconds": flow,
    }
