"""Ingest crash safety (tests/test_ingest_faults.py) on a real Prefect server and process worker (marker:
server): a nightly deployment run is killed with SIGKILL at a fault point (DISCLOSE_FAULT in the run's job
variables), Prefect marks it crashed, nothing it started outlives it, and the next nightly deployment run leaves
exactly what a clean run leaves. Two points here; the full matrix stays in the plain test.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
import uuid
from pathlib import Path

import pytest

from flows.local_server import ServerError, server, start_run, wait_for, worker
from tests.test_ingest_faults import (  # noqa: F401 (template: a fixture)
    _run,
    _state,
    _tagged,
    assert_rebuild_identical,
    template,
)

pytestmark = pytest.mark.server


def _copy(source: Path, to: Path) -> Path:
    shutil.copytree(source, to)
    (
        to / "landing" / "c_empty.csv"
    ).unlink()  # a rejected file would stop the nightly run before the transform
    return to


def _gone(tag: str, seconds: float = 15) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _tagged(tag)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def _kill_at_gate(gate: Path, tag: str) -> int:
    """Wait until the run is held at its fault point, then SIGKILL the flow run process (the tagged process whose
    parent, the worker, is untagged); how many of its descendants were alive then."""
    deadline = time.monotonic() + 240
    while not Path(f"{gate}.reached").exists():
        assert time.monotonic() < deadline, "the run never reached its fault point"
        time.sleep(0.2)
    tagged = _tagged(tag)
    (run,) = [pid for pid in tagged if _parent(pid) not in tagged]
    os.kill(run, signal.SIGKILL)
    return len(tagged) - 1


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_a_nightly_deployment_run_killed_at_a_fault_point_is_recovered(template, tmp_path):  # noqa: F811
    clean_home = _copy(template, tmp_path / "clean")
    assert _run(clean_home).returncode == 0
    clean = _state(clean_home)
    homes = {}
    try:
        with server(tmp_path / "prefect") as env:
            env = {**env, "DISCLOSE_QUARANTINE_MAX_SHARE": "0.1"}
            with worker(env, tmp_path / "prefect"):
                for fault in ("ingest:after_commit", "transform:after_core"):
                    home = homes[fault] = _copy(template, tmp_path / fault.replace(":", "-"))
                    tag = uuid.uuid4().hex
                    gate = tmp_path / f"gate-{tag}"
                    point = f"{fault}@wait:{gate}" if fault.startswith("transform") else fault
                    variables = {"env": {"DISCLOSE_FAULT": point, "DISCLOSE_TEST_TAG": tag}}
                    crashed = start_run(env, "nightly/nightly", {"home": str(home)}, variables)
                    if fault.startswith("transform"):  # the Great Expectations process is running here
                        assert _kill_at_gate(gate, tag) >= 1, "the run had started no child process"
                    (run,) = wait_for(env, [crashed], timeout=300)
                    assert run["state_type"] in ("CRASHED", "FAILED"), (fault, run["state_name"])
                    assert not _gone(tag), f"processes outlived the run killed at {fault}"
                    (again,) = wait_for(env, [start_run(env, "nightly/nightly", {"home": str(home)})], 300)
                    assert again["state_type"] == "COMPLETED", (fault, again["state_name"])
    except ServerError as exc:
        pytest.fail(str(exc))
    for fault, home in homes.items():
        assert _state(home) == clean, (
            f"after a crash at {fault} the next nightly run differs from a clean run"
        )
        assert_rebuild_identical(home)
