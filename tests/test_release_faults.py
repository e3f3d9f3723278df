"""Crash safety: a real `disclose` process is killed (SIGKILL, via DISCLOSE_FAULT) at every boundary of draft,
approve, publish and withdraw. After each crash the home holds no partial release, the public log and the
record agree, and `disclose audit --cumulative` passes; running the same command again finishes with exactly a
clean run's outputs and record.

One small template home (a warehouse with a few dozen arrests) is built once; each case copies the home as the
clean run left it before the step, crashes the step, re-runs it, and compares with the clean run after it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import CUSTODY_HEADER, custody_row, write_extract
from typer.testing import CliRunner

from flows.cli import app
from flows.config import PROJECT_ROOT, load_settings
from flows.contracts.manifest import read_manifest
from flows.publish.guard import audit_paths
from flows.publish.log import LOG_CSV_NAME, LOG_JSON_NAME, read_log
from flows.release.faults import POINTS
from flows.release.record import audit_record, read_events, record_path

SPEC = PROJECT_ROOT / "data" / "requests" / "wmp-3056-15.yaml"
REF = "3056_15"
STEPS = {  # step -> the command that takes it
    "draft": ["request", str(SPEC), "--plain"],
    "approve": ["approve", REF, "--by", "Jo Bloggs", "--note", "checked"],
    "publish": ["publish", REF],
    "withdraw": ["withdraw", REF, "--reason", "a wrong figure", "--by", "Jo Bloggs"],
}
ORDER = list(STEPS)


def _arrests() -> list[str]:
    """Immigration Act arrests in July 2015 and July 2014 (some weeks small enough to be withheld)."""
    rows, n = [], 0
    for year, days in (
        ("2015", [1, 2, 3, 6, 7, 8, 9, 10, 13, 14, 15, 16, 20, 21, 22, 29, 30, 31]),
        ("2014", [1, 2, 3, 8, 9, 10, 15, 16, 17, 22, 30, 31]),
    ):
        for day in days:
            n += 1
            rows.append(
                custody_row(
                    f"C{n}",
                    code="IM71002",
                    when=f"{day:02d}/07/{year} 10:00",
                    disposal="Charged" if n % 3 else "Bailed",
                    extracted="01/09/2015 02:00",
                )
            )
    return rows


def _run(home: Path, step: str, fault: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DISCLOSE_HOME": str(home), "DISCLOSE_OPERATOR": "analyst"}
    env.pop("DISCLOSE_FAULT", None)
    if fault:
        env["DISCLOSE_FAULT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *STEPS[step]],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def homes(tmp_path_factory) -> dict[str, Path]:
    """The clean run, home by home: 'start' (a warehouse, nothing drafted), then one home after each step."""
    from flows.pipeline import stage_ingest, stage_transform

    root = tmp_path_factory.mktemp("faults")
    start = root / "start"
    write_extract(start / "landing", "custody.csv", CUSTODY_HEADER, _arrests())
    settings = load_settings(home=start)
    assert not stage_ingest(settings).rejected
    stage_transform(settings)
    out, before = {"start": start}, start
    for step in ORDER:
        after = root / step
        shutil.copytree(before, after, symlinks=True)
        done = _run(after, step)
        assert done.returncode == 0, done.stdout + done.stderr
        out[step], before = after, after
    return out


def _snapshot(home: Path) -> dict:
    """What a run leaves, without the times it ran at: the files (CSV bytes, manifests' content hashes), the
    drafts' content and approvals, the record's cells, events and journal, and the public log."""
    files = {}
    for area in ("drafts", "published", "withdrawn"):
        for p in sorted((home / area).rglob("*")) if (home / area).is_dir() else []:
            if p.is_file():
                files[str(p.relative_to(home))] = _content(p)
    record = {"cells": [], "events": [], "steps": []}
    path = record_path(load_settings(home=home))
    # the log without the workbooks' checksums (a workbook records when it was written)
    log = [
        {k: v for k, v in row.items() if k != "attachment_checksums"} for row in read_log(home / "published")
    ]
    if not path.is_file():
        return {"files": files, "record": record, "log": log}
    with duckdb.connect(str(path), read_only=True) as con:
        record["cells"] = sorted(
            con.sql(
                "select release_id, status, table_name, measure, labels_json, shown, "
                "population_json, may_be_zero from disclosure.published_cells"
            ).fetchall()
        )
        record["events"] = con.sql(
            "select seq, release_id, event, actor from disclosure.release_events order by seq"
        ).fetchall()
        record["steps"] = sorted(
            con.sql(
                "select release_id, action, state from disclosure.release_steps where state <> 'rolled back'"
            ).fetchall()
        )
    return {"files": files, "record": record, "log": log}


def _content(path: Path) -> object:
    if path.name.startswith("disclosure-log."):
        return "compared as rows"
    if path.name == "manifest.json":
        return read_manifest(path.parent).content_sha256
    if path.name == "draft.json":
        data = json.loads(path.read_text())
        return data["content_sha256"], data["ran_by"], data["checks"]
    if path.name == "approval.json":
        data = json.loads(path.read_text())
        return data["approved_by"], data["note"], data["public_request_text"]
    if path.suffix in (".csv", ".txt", ".md"):
        return path.read_bytes()
    return path.stat().st_size > 0  # workbooks carry their creation time: present and not empty


def _assert_consistent(home: Path) -> None:
    """What any reader may see at any moment: whole releases only; log rows and record entries match."""
    settings = load_settings(home=home)
    published = settings.published_dir
    if published.is_dir():
        releases = [p for p in published.glob("*/v*") if not p.parent.name.startswith(".")]
        assert audit_paths(releases) == [] if releases else True
    for folder in settings.drafts_dir.glob("*/v*") if settings.drafts_dir.is_dir() else []:
        assert (folder / "draft.json").is_file() and (folder / "files" / "manifest.json").is_file()
    events = read_events(settings)
    assert len({(e.release_id, e.event) for e in events}) == len(events)  # no duplicate
    shown = {(e.reference, e.version) for e in events if e.event == "published"}
    logged = {(r["reference"], int(r["version"])) for r in read_log(published)}
    latest = {(ref, max(v for r, v in shown if r == ref)) for ref, _ in shown}
    if (published / LOG_JSON_NAME).is_file() or logged:
        assert logged <= latest  # no log row without a record entry (the reverse heals on the next write)
    assert audit_record(settings).passed
    if published.is_dir() and any(published.glob("*/v*")):  # `disclose audit published/ --cumulative`
        audit = CliRunner().invoke(app, ["audit", str(published), "--cumulative", "--home", str(home)])
        assert audit.exit_code == 0, audit.output


CASES = [(point.split(":")[0], point) for point in POINTS]


@pytest.mark.parametrize(("step", "point"), CASES, ids=[p for _, p in CASES])
def test_a_crash_at_any_boundary_heals_into_a_clean_runs_outputs(homes, tmp_path, step, point):
    home = tmp_path / "home"
    shutil.copytree(
        homes[ORDER[ORDER.index(step) - 1]] if step != "draft" else homes["start"], home, symlinks=True
    )
    crashed = _run(home, step, fault=point)
    assert crashed.returncode == -signal.SIGKILL, crashed.stdout + crashed.stderr
    _assert_consistent(home)
    again = _run(home, step)
    assert again.returncode == 0, again.stdout + again.stderr
    _assert_consistent(home)
    assert not list(home.glob("*/.staging-*")) and not list(home.glob("published/.*.tmp"))
    got, clean = _snapshot(home), _snapshot(homes[step])
    assert got["record"] == clean["record"] and got["log"] == clean["log"]
    assert sorted(got["files"]) == sorted(clean["files"])
    assert [name for name in clean["files"] if got["files"][name] != clean["files"][name]] == []
    assert (home / "published" / LOG_CSV_NAME).is_file() == (
        homes[step] / "published" / LOG_CSV_NAME
    ).is_file()
