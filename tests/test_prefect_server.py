"""The deployments in prefect.yaml on a real Prefect server with a process worker (marker: server).

Starts a throwaway server and worker on loopback, deploys, runs the nightly and request deployments with
parameters, and checks the releases they wrote. Slow (about a minute): .ci/run runs it separately.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from flows.config import PROJECT_ROOT

pytestmark = pytest.mark.server
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, cwd=PROJECT_ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGTERM, signal.SIGKILL):  # an idle worker ignores the first SIGTERM
        if proc.poll() is not None:
            return
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("prefect")
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp / "home"), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_WORKER_QUERY_SECONDS": "2",
           "DISCLOSE_PROJECT_DIR": str(PROJECT_ROOT)}
    proc = _start([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env, tmp / "server.log")
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2).read() == b"true":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("Prefect server did not start: " + (tmp / "server.log").read_text()[-2000:])
        yield env, tmp
    finally:
        _stop(proc)


def _run(env: dict, *args: str) -> str:
    out = subprocess.run([PREFECT, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return out.stdout


def test_deployments_run_on_a_server_with_a_worker(server, tmp_path):
    env, tmp = server
    from flows.generate import generate

    home = tmp_path / "home"
    generate(seed=3, scale="tiny", out=home / "landing")
    _run(env, "work-pool", "create", "disclose", "--type", "process", "--overwrite")
    _run(env, "--no-prompt", "deploy", "--all")
    worker = _start([PREFECT, "worker", "start", "--pool", "disclose"], env, tmp / "worker.log")
    try:
        _run(env, "deployment", "run", "nightly/nightly", "-p", f"home={home}", "--watch", "--watch-timeout", "240")
        _run(env, "deployment", "run", "request/request", "-p", "spec=wmp-3056-15.yaml", "-p", f"home={home}",
             "--watch", "--watch-timeout", "120")
    finally:
        _stop(worker)
    published = home / "published"
    assert list(published.glob("arrests-by-offence-group-year-outcome.*/v1/manifest.json"))
    assert (published / "3056_15" / "v1" / "letter.md").is_file()
