"""One writer at a time, named; readers never wait for it.

A real second process holds the writer lock (flows/warehouse_lock.py) and the next snapshot open for writing
at a gate while `disclose` commands run against the same home: readers read the published snapshot (not what
the writer has not published), `status` names the writer, a second writer waits and then fails in one line (or
goes on once the holder finishes), and a holder killed by SIGKILL frees the warehouse.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from conftest import CUSTODY_HEADER, custody_row, write_extract

from flows.config import PROJECT_ROOT, load_settings
from flows.db import connect
from flows.pipeline import stage_ingest, stage_transform
from flows.warehouse_lock import WarehouseBusy, holder, writing

HOLD = """
import sys, time
from pathlib import Path
from flows.config import load_settings
from flows.db import connect
from flows.warehouse_lock import writing
gate = Path(sys.argv[2])
settings = load_settings(home=Path(sys.argv[1]))
with writing(settings, "nightly run test-holder"), connect(settings) as con:
    if sys.argv[3:] == ["write"]:
        con.execute("create table raw.written_meanwhile as select 1 as x")
    Path(str(gate) + ".reached").touch()
    while not gate.exists():
        time.sleep(0.05)
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    write_extract(
        home / "landing", "custody.csv", CUSTODY_HEADER, [custody_row(f"C{i}") for i in range(1, 4)]
    )
    settings = load_settings(home=home)
    assert not stage_ingest(settings).rejected
    stage_transform(settings)
    return home


def _hold(home: Path, gate: Path, *write: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(home), str(gate), *write], cwd=PROJECT_ROOT)
    deadline = time.monotonic() + 60
    while not Path(f"{gate}.reached").exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the holder did not take the lock"
        time.sleep(0.05)
    return proc


def _disclose(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, "DISCLOSE_HOME": str(home), **env}
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=PROJECT_ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def written_meanwhile(home: Path) -> bool:
    with connect(load_settings(home=home), read_only=True) as con:
        return bool(
            con.sql("select count(*) from duckdb_tables() where table_name = 'written_meanwhile'").fetchall()[
                0
            ][0]
        )


def test_readers_read_the_published_snapshot_while_a_writer_builds_the_next(home, tmp_path):
    gate = tmp_path / "gate"
    proc = _hold(home, gate, "write")
    try:
        for command in (["quarantine"], ["manifest"], ["request", "wmp-3056-15.yaml", "--plain"]):
            done = _disclose(home, *command)
            assert done.returncode == 0, (command, done.stdout, done.stderr)
            assert "Traceback" not in done.stdout + done.stderr
        assert not written_meanwhile(home), "a reader saw what the writer has not published"
        status = _disclose(home, "status")
        assert f"pid {proc.pid} on " in status.stdout and "'nightly run test-holder'" in status.stdout, status
        assert holder(load_settings(home=home)).startswith(f"pid {proc.pid} ")
    finally:
        gate.touch()
        proc.wait(timeout=30)
    assert proc.returncode == 0
    assert holder(load_settings(home=home)) is None
    assert written_meanwhile(home), "the writer's block ended: its snapshot is published"


def test_a_second_writer_fails_in_one_line_after_waiting(home, tmp_path):
    gate = tmp_path / "gate"
    proc = _hold(home, gate)
    try:
        started = time.monotonic()
        done = _disclose(home, "rebuild", "--check-only", DISCLOSE_WRITER_LOCK_TIMEOUT_SECONDS="1")
        waited = time.monotonic() - started
    finally:
        gate.touch()
        proc.wait(timeout=30)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith(f"waiting for the warehouse, held by pid {proc.pid} ")
    assert len(lines) == 2 and "waited 1 s" in lines[1] and "'nightly run test-holder'" in lines[1], lines
    assert waited >= 1


def test_a_second_writer_waits_and_then_goes_on(home, tmp_path):
    gate = tmp_path / "gate"
    proc = _hold(home, gate)
    writer = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "rebuild", "--check-only"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DISCLOSE_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = writer.stderr.readline()  # blocks until the writer says it waits (or ends)
        assert first.startswith(f"waiting for the warehouse, held by pid {proc.pid} "), first
        time.sleep(0.5)
        assert writer.poll() is None, "the second writer must wait while the first holds the warehouse"
    finally:
        gate.touch()
        proc.wait(timeout=30)
    out, errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, out + errors
    assert "identical" in out


def test_a_killed_writer_leaves_the_warehouse_free(home, tmp_path):
    proc = _hold(home, tmp_path / "gate")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    settings = load_settings(home=home)
    assert holder(settings) is None
    with connect(settings, read_only=True) as con:
        assert con.sql("select count(*) from raw.extract_files").fetchall() == [(1,)]


def test_the_writer_lock_is_reentrant_within_a_process(home):
    settings = load_settings(home=home)
    with writing(settings, "outer"):
        with connect(settings) as con:  # a stage's own open inside the run's lock
            with connect(settings) as inner:  # and another inside that
                inner.execute("select 1").fetchall()
            con.execute("select 1").fetchall()
        assert holder(settings) is None or "outer" in holder(settings)
    with connect(settings, read_only=True) as con:
        assert con.sql("select count(*) from raw.extract_files").fetchall() == [(1,)]


def test_a_process_outside_disclose_is_named(home):
    settings = load_settings(home=home)
    code = (
        f"import duckdb, sys, time; con = duckdb.connect({str(settings.warehouse_path)!r}); "
        "print('open', flush=True); sys.stdin.read()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "open"
        with (
            pytest.raises(WarehouseBusy, match="outside disclose") as caught,
            connect(settings, read_only=True),
        ):
            pass
        assert f"PID {proc.pid}" in str(caught.value)
    finally:
        proc.communicate("", timeout=30)
    with connect(settings, read_only=True) as con:
        assert isinstance(con, duckdb.DuckDBPyConnection)


def test_a_nightly_runs_unvalidated_build_is_published_only_by_a_nightly_run(home):
    """A nightly run killed after ingest leaves its build unvalidated; a purge (another writer) that resumes it
    must not publish those files: the next nightly run validates and publishes them."""
    from flows.db import snapshots
    from flows.ingest.purge import purge
    from flows.pipeline import run_nightly

    settings = load_settings(home=home)
    write_extract(
        home / "landing", "custody2.csv", CUSTODY_HEADER, [custody_row(f"D{i}") for i in range(1, 4)]
    )

    def files_published() -> int:
        with connect(settings, read_only=True) as con:
            return con.execute("select count(*) from raw.extract_files").fetchall()[0][0]

    with snapshots.deferred(settings):  # as the nightly run ingests, then is killed before validating
        assert not stage_ingest(settings).rejected
    before = snapshots.published_state(settings).snapshot_id
    assert files_published() == 1
    purge(settings, older_than=datetime(2000, 1, 1), dry_run=False)  # a writer: resumes the build, ends
    assert snapshots.published_state(settings).snapshot_id == before and files_published() == 1
    run_nightly(settings)
    assert files_published() == 2
    with connect(settings, read_only=True) as con:
        assert not con.execute(
            "select count(*) from duckdb_tables() where table_name = 'unvalidated'"
        ).fetchall()[0][0]
