"""A throwaway Prefect server and process worker on loopback, with this project's deployments.

For the server test and the deployment benchmark: both need the real thing (server, work pool, `prefect deploy
--all` from prefect.yaml, a worker polling it), not the embedded server the CLI uses. Started in their own
sessions and stopped by process group, since an idle worker ignores the first SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.config import PROJECT_ROOT

PREFECT = str(Path(sys.executable).with_name("prefect"))


class ServerError(RuntimeError):
    """The server or worker would not start, or a prefect command failed; the message has its log's tail."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args,
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGTERM, signal.SIGKILL):  # an idle worker ignores the first SIGTERM
        if proc.poll() is not None:
            return
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue


def prefect(env: dict, *args: str, timeout: float = 300) -> str:
    """Run one `prefect` CLI command against the server; its output, or ServerError with the tail."""
    out = subprocess.run(
        [PREFECT, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout
    )
    if out.returncode != 0:
        raise ServerError(f"prefect {' '.join(args)} failed: {out.stdout[-3000:]}{out.stderr[-3000:]}")
    return out.stdout


@contextmanager
def server(tmp: Path, query_seconds: float = 2) -> Iterator[dict]:
    """A running server; yields the environment that points `prefect` and clients at it."""
    tmp.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp / "home"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_WORKER_QUERY_SECONDS": str(query_seconds),
        "DISCLOSE_PROJECT_DIR": str(PROJECT_ROOT),
    }
    log = tmp / "server.log"
    proc = _start([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env, log)
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2).read() == b"true":
                    break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        else:
            raise ServerError("Prefect server did not start: " + log.read_text()[-2000:])
        if proc.poll() is not None:
            raise ServerError("Prefect server exited: " + log.read_text()[-2000:])
        yield env
    finally:
        _stop(proc)


@contextmanager
def worker(env: dict, tmp: Path, pool: str = "disclose") -> Iterator[subprocess.Popen]:
    """The work pool, every deployment in prefect.yaml, and a process worker polling the pool."""
    prefect(env, "work-pool", "create", pool, "--type", "process", "--overwrite")
    prefect(env, "--no-prompt", "deploy", "--all")
    proc = _start([PREFECT, "worker", "start", "--pool", pool], env, tmp / "worker.log")
    try:
        yield proc
    finally:
        _stop(proc)


#: what Prefect's own client retries: a SQLite-backed server answers 503 while its database is locked
_RETRY_STATUS = frozenset({429, 502, 503})


def _api(env: dict, method: str, path: str, body: dict | None = None, attempts: int = 6) -> dict:
    request = urllib.request.Request(
        env["PREFECT_API_URL"] + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method=method,
    )
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            if exc.code not in _RETRY_STATUS or attempt == attempts - 1:
                raise
            time.sleep(0.5 * 2**attempt)
        except TimeoutError:
            # a SQLite-backed server busy under concurrent runs: only a read is safe to ask again
            if method != "GET" or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def start_run(env: dict, deployment: str, parameters: dict, job_variables: dict | None = None) -> str:
    """Start a run of ``flow/deployment`` without waiting, as the scheduler or a person's trigger would; its id."""
    found = _api(env, "GET", f"/deployments/name/{deployment}")
    body = {"parameters": parameters, "job_variables": job_variables or {}}
    return _api(env, "POST", f"/deployments/{found['id']}/create_flow_run", body)["id"]


def flow_run(env: dict, run_id: str) -> dict:
    """The server's view of one flow run: ``state_type``, ``start_time``, ``end_time``, ..."""
    return _api(env, "GET", f"/flow_runs/{run_id}")


def wait_for(env: dict, run_ids: list[str], timeout: float) -> list[dict]:
    """Every run once it is final (COMPLETED, FAILED, CRASHED, CANCELLED), or ServerError naming those still open."""
    deadline = time.monotonic() + timeout
    while True:
        runs = [flow_run(env, run_id) for run_id in run_ids]
        open_ = [r for r in runs if r["state_type"] not in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")]
        if not open_:
            return runs
        if time.monotonic() > deadline:
            raise ServerError(
                f"runs not final after {timeout} s: {[(r['name'], r['state_type']) for r in open_]}"
            )
        time.sleep(1)
