"""Crash safety of ingest and the transform: a real process is killed (SIGKILL, via DISCLOSE_FAULT) at every
step, and the re-run must leave exactly what a clean run leaves, with `disclose rebuild --check-only` saying
identical. Then a `disclose nightly` killed while it runs leaves no child process behind.

One template home (a warehouse with earlier deliveries, and new files in landing: new rows, a re-delivery of
an old file under another name, a rejected file, a crime file) is built once; each case copies it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import CRIME_HEADER, CUSTODY_HEADER, custody_row, write_extract

from flows.config import PROJECT_ROOT, load_settings
from flows.db import connect
from flows.ingest.fingerprint import fingerprints
from flows.pipeline import stage_ingest, stage_transform
from flows.release.faults import INGEST_POINTS

RUN = "from flows.config import load_settings; from flows.pipeline import stage_ingest, stage_transform; " \
      "s = load_settings(); stage_ingest(s); stage_transform(s)"  # fmt: skip
FAULTS = list(INGEST_POINTS)
CONTENT = ("staging", "quarantine", "core", "marts")


def _crime(ref: str, code: str = "46") -> str:
    return f"{ref},2015-08-05,2015-08-05,{code},Shoplifting,1,2015-09-01,Riverside,2016-02-01 02:00"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A home with two files loaded and transformed, and five more landed for the run under test."""
    home = tmp_path_factory.mktemp("ingest-faults") / "template"
    first = [custody_row(f"C{i}", when=f"0{1 + i % 9}/08/2015 13:04") for i in range(1, 30)]
    write_extract(home / "landing", "custody_2016-01.csv", CUSTODY_HEADER, first)
    write_extract(
        home / "landing", "crime_2016-01.csv", CRIME_HEADER, [_crime(f"R{i}") for i in range(1, 20)]
    )
    settings = load_settings(home=home)
    assert not stage_ingest(settings).rejected
    stage_transform(settings)
    later = [custody_row(f"C{i}", disposal="Bailed", extracted="01/02/2016 02:00") for i in range(20, 40)]
    later.append(custody_row("C99", age="187", extracted="01/02/2016 02:00"))  # quarantined
    write_extract(home / "landing", "a_custody_2016-02.csv", CUSTODY_HEADER, later)
    shutil.copyfile(
        home / "landing" / "../raw" / _archived(settings, "custody_2016-01.csv"),
        home / "landing" / "b_custody_again.csv",
    )  # the same bytes again: a duplicate
    (home / "landing" / "c_empty.csv").write_text(CUSTODY_HEADER + "\n")  # rejected: no rows
    write_extract(
        home / "landing", "d_crime_2016-02.csv", CRIME_HEADER, [_crime(f"R{i}", "8N") for i in range(10, 30)]
    )
    return home


def _archived(settings, name: str) -> str:
    with connect(settings, read_only=True) as con:
        return con.execute(
            "select archive_path from raw.extract_files where original_name = ?", [name]
        ).fetchall()[0][0]


def _run(home: Path, fault: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DISCLOSE_HOME": str(home), "DISCLOSE_QUARANTINE_MAX_SHARE": "0.1"}
    env.pop("DISCLOSE_FAULT", None)
    if fault:
        env["DISCLOSE_FAULT"] = fault
    return subprocess.run(
        [sys.executable, "-c", RUN], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _state(home: Path) -> dict:
    """Everything a run leaves, without the time it ran at."""
    settings = load_settings(home=home)
    with connect(settings, read_only=True) as con:
        ledger = con.sql(
            "select delivery_id, file_id, sha256, original_name, status, reason, source, rows_read, "
            "rows_staged, rows_quarantined, archive_path, extracted_at from raw.manifest "
            "order by delivery_id"
        ).fetchall()
        content = fingerprints(con, CONTENT)
        logged = con.sql("select delivery_id from raw.delivery_log order by 1").fetchall()
    log = [
        {k: v for k, v in json.loads(line).items() if k != "received_at"}
        for line in (home / "raw" / "deliveries.jsonl").read_text().splitlines()
    ]
    archive = sorted(
        str(p.relative_to(home / "raw"))
        for p in (home / "raw").rglob("*")
        if p.is_file() and p.name != "deliveries.jsonl"
    )
    return {
        "ledger": ledger,
        "content": content,
        "log": log,
        "logged": logged,
        "archive": archive,
        "landing": sorted(p.name for p in (home / "landing").iterdir()),
    }


@pytest.fixture(scope="module")
def clean(template, tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("ingest-clean") / "home"
    shutil.copytree(template, home)
    done = _run(home)
    assert done.returncode == 0, done.stderr
    state = _state(home)
    assert [row[4] for row in state["ledger"][2:]] == [
        "partly quarantined",
        "duplicate",
        "rejected",
        "loaded",
    ]
    assert state["landing"] == [] and len(state["log"]) == 6
    return state


@pytest.mark.parametrize("fault", FAULTS)
def test_a_crash_at_any_step_is_recovered_by_the_next_run(template, clean, tmp_path, fault):
    home = tmp_path / "home"
    shutil.copytree(template, home)
    crashed = _run(home, fault)
    assert crashed.returncode == -signal.SIGKILL, f"never reached {fault}: {crashed.stderr[-2000:]}"
    again = _run(home)
    assert again.returncode == 0, again.stderr[-3000:]
    assert _state(home) == clean, f"after a crash at {fault} the re-run differs from a clean run"
    assert not list((home / "raw" / ".incoming").iterdir())
    assert_rebuild_identical(home)
    assert _state(home) == clean, "a rebuild reads the archive and the log; it changes neither"


def assert_rebuild_identical(home: Path) -> None:
    """`disclose rebuild --check-only`: a warehouse rebuilt from the archive and the log equals this one."""
    check = subprocess.run(
        [sys.executable, "-m", "flows.cli", "rebuild", "--check-only"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DISCLOSE_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0 and "identical to the warehouse it replaces" in check.stdout, check.stdout


def test_a_crash_between_commit_and_log_records_no_false_duplicate(template, tmp_path):
    """The case the issue reported: killed after the warehouse commit, before the log line."""
    home = tmp_path / "home"
    shutil.copytree(template, home)
    assert _run(home, "ingest:after_commit").returncode == -signal.SIGKILL
    assert _run(home).returncode == 0
    ledger = _state(home)["ledger"]
    assert [(name, status) for _, _, _, name, status, *_ in ledger if status == "duplicate"] == [
        ("b_custody_again.csv", "duplicate")
    ]


def _tagged(tag: str) -> list[int]:
    """Processes whose environment carries ``tag``: the run and every child it started."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if tag.encode() in (proc / "environ").read_bytes():
                    pids.append(int(proc.name))
            except OSError:
                continue
    return pids


def test_children_die_with_a_killed_nightly_run(template, tmp_path):
    """`disclose nightly` through Prefect (its temporary server) is held at a fault point, killed, and its
    children (the Great Expectations process, Prefect's server) are gone moments later."""
    home = tmp_path / "home"
    shutil.copytree(template, home)
    (home / "landing" / "c_empty.csv").unlink()  # a rejected file would stop the run before the transform
    tag = f"DISCLOSE_TEST_TAG={uuid.uuid4().hex}"
    gate = tmp_path / "gate"
    env = {
        **os.environ,
        "DISCLOSE_HOME": str(home),
        "DISCLOSE_QUARANTINE_MAX_SHARE": "0.1",
        "DISCLOSE_FAULT": f"transform:after_core@wait:{gate}",
        "PREFECT_HOME": str(tmp_path / "prefect"),
        tag.split("=")[0]: tag.split("=")[1],
    }
    env.pop("PREFECT_API_URL", None)
    run = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "nightly"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "stderr").open("w"),
    )
    try:
        deadline = time.monotonic() + 180
        while not Path(f"{gate}.reached").exists():
            assert run.poll() is None and time.monotonic() < deadline, (tmp_path / "stderr").read_text()
            time.sleep(0.2)
        children = [pid for pid in _tagged(tag) if pid != run.pid]
        assert len(children) >= 2, "the GX process and Prefect's temporary server should be running"
        run.kill()
        run.wait(timeout=30)
        deadline = time.monotonic() + 10
        while (left := _tagged(tag)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not left, f"children outlived their parent: {left}"
    finally:
        if run.poll() is None:
            run.kill()
        for pid in _tagged(tag):
            os.kill(pid, signal.SIGKILL)
