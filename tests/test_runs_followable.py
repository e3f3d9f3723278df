"""Runs a person can follow, on the tiny generated data: `disclose nightly` in a pseudo-terminal shows which
stage it is in; every stage's counts reach the Prefect run log; each run writes a markdown and a table
artifact; the home's run log and `disclose status` say what ran, how fresh the warehouse is, what awaits
approval and what was quarantined. Never a personal value in any of them.

The nightly runs once, through the CLI against the session's Prefect test server (so its logs and artifacts
can be read back); the request runs as a flow in this process.
"""

from __future__ import annotations

import csv
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.config import load_settings
from tests.generated import read_all, tiny_run

pytestmark = pytest.mark.flow

DISCLOSE = str(Path(sys.executable).with_name("disclose"))
NIGHTLY_STAGES = ("starting", "ingest", "transform", "validate", "standing releases")


def _in_a_terminal(args: list[str], env: dict) -> tuple[int, list[tuple[float, str]]]:
    """Run a command with a pseudo-terminal as stdout and stderr; its exit code and what it wrote, in chunks
    stamped with seconds since the start."""
    primary, secondary = pty.openpty()
    start = time.monotonic()
    proc = subprocess.Popen(
        args, stdin=secondary, stdout=secondary, stderr=secondary, env=env, close_fds=True
    )
    os.close(secondary)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([primary], [], [], 1)
            if ready:
                try:
                    data = os.read(primary, 65536)
                except OSError:  # EIO: the child has closed the terminal
                    break
                if not data:
                    break
                chunks.append((time.monotonic() - start, data.decode("utf-8", "replace")))
            elif proc.poll() is not None:
                break
    finally:
        os.close(primary)
    return proc.wait(timeout=60), chunks


@pytest.fixture(scope="module")
def followed(tmp_path_factory, prefect_harness):
    from prefect.settings import PREFECT_API_URL

    from flows.request import request

    source, summary = tiny_run(tmp_path_factory)
    home = tmp_path_factory.mktemp("followed") / "home"
    (home / "landing").mkdir(parents=True)
    for f in summary.files:
        shutil.copy(source / f.path, home / "landing" / Path(f.path).name)
    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),  # the test server: the run's logs and artifacts stay there
        "PREFECT_HOME": str(home.parent / "prefect-home"),
        "COLUMNS": "160",
        "TERM": "xterm-256color",
    }
    code, chunks = _in_a_terminal([DISCLOSE, "nightly", "--home", str(home)], env)
    answered = request(spec="wmp-3056-15.yaml", home=str(home), return_state=True)
    return {
        "home": home,
        "code": code,
        "chunks": chunks,
        "extracts": read_all(source, summary),
        "request_run": answered.state_details.flow_run_id,
        "request": answered.result(),
    }


def _client():
    from prefect.client.orchestration import get_client

    return get_client(sync_client=True)


def _nightly_run_id(home: Path):
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    with _client() as client:
        [run] = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[f"nightly-{home.name}"]))
        )
    return run.id


def _personal_values(extracts) -> set[str]:
    """Every person and custody reference in the extracts, independently of ingest."""
    found = set()
    for _, header, rows in extracts:
        for column in ("person_ref", "custody_ref", "crime_ref"):
            if column in header:
                found |= {row[header.index(column)] for row in rows if row[header.index(column)]}
    return found


def _leaks(text: str, personal: set[str]) -> list[str]:
    tokens = set(re.findall(r"[A-Za-z0-9/_-]+", text))
    return sorted(tokens & personal)


def test_the_cli_shows_the_stage_it_is_in_on_a_terminal(followed):
    assert followed["code"] == 0, "".join(text for _, text in followed["chunks"])[-3000:]
    seen = {}
    for at, text in followed["chunks"]:
        for stage in NIGHTLY_STAGES:
            if f"nightly: {stage}" in text:
                seen.setdefault(stage, at)
    assert list(seen) == list(NIGHTLY_STAGES), seen  # each stage shown, in order
    end = followed["chunks"][-1][0]
    assert end - seen["starting"] > 2  # shown while there was something to wait for
    assert "drafted arrests-by-offence-group-year-outcome." in "".join(text for _, text in followed["chunks"])


def test_every_stage_logs_its_counts_to_the_prefect_run_log(followed):
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    home = followed["home"]
    with _client() as client:
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[_nightly_run_id(home)]))
        )
    messages = [log.message for log in logs]
    by_stage = {m.split(":")[0]: m for m in messages if ":" in m}
    extracts = followed["extracts"]
    rows_read = sum(len(rows) for _, _, rows in extracts)  # counted with the csv module, not by ingest
    with duckdb.connect(str(load_settings(home=home).warehouse_path), read_only=True) as con:
        staged = con.sql(
            "select (select count(*) from staging.custody_offences) + (select count(*) from staging.crimes)"
        ).fetchall()[0][0]
    quarantined = rows_read - staged
    assert quarantined > 0  # the generator's dirty rows
    assert by_stage["ingest"] == (
        f"ingest: {len(extracts)} file(s) in landing: {len(extracts)} loaded, 0 rejected, 0 duplicate, "
        f"0 left waiting, 0 refused; {staged:,} rows staged, {quarantined:,} quarantined "
        f"({by_stage['ingest'].rsplit('(', 1)[1]}"
    )
    assert re.search(r"\(\d+\.\d s\)$", by_stage["ingest"]), "each stage says how long it took"
    assert re.fullmatch(
        r"transform: full from \d+ new file\(s\), \d+ model\(s\) built \(\d+\.\d s\)", by_stage["transform"]
    )
    assert re.fullmatch(
        r"validate \(full \(first pass\) over [\d,]+ records\): 9 suite\(s\), \d+ check\(s\), \d+ failed "
        r"\(0 critical, \d+ warning\(s\)\) \(\d+\.\d s\)",
        next(m for m in messages if m.startswith("validate ")),  # names the kind of validation that ran
    )
    drafts = sorted(p.parent for p in (home / "drafts").glob("arrests-*/v1/files"))
    assert drafts and all(f"drafted {d.parent.name}/v1" in by_stage["standing releases"] for d in drafts)
    assert all(str(d) in by_stage["standing releases"] for d in drafts)
    [outcome] = [m for m in messages if m.startswith("nightly run ")]
    assert " completed in " in outcome and f"{staged:,} rows staged, {quarantined:,} quarantined" in outcome
    assert not _leaks("\n".join(messages), _personal_values(extracts))


def _withheld_in_csvs(folder: Path) -> int:
    """Cells shown as [c] in a release's CSV files, read independently of its manifest."""
    count = 0
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8") as fh:
            count += sum(cell == "[c]" for row in csv.reader(fh) for cell in row)
    return count


def test_each_run_writes_a_markdown_summary_and_a_table_of_counts(followed):
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    [drafted] = followed["request"].releases
    with _client() as client:
        for run_id, kind in (
            (followed["request_run"], "request"),
            (_nightly_run_id(followed["home"]), "nightly"),
        ):
            found = client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
            )
            by_type = {a.type: a for a in found}
            assert set(by_type) == {"markdown", "table"} and by_type["markdown"].key == f"{kind}-run"
            markdown, table = by_type["markdown"].data, by_type["table"].data
            table = json.loads(table) if isinstance(table, str) else table
            assert f"# {kind} run" in markdown and ": completed" in markdown
            if kind == "request":
                assert f"**{drafted.release_id}**" in markdown and str(drafted.path) in markdown
                [row] = [r for r in table if r["release"] == drafted.release_id]
                assert row["path"] == str(drafted.path)
                assert row["value"] == _withheld_in_csvs(drafted.path / "files") > 0


def test_the_run_log_and_status_say_what_ran_what_waits_and_what_was_held_back(followed):
    home = followed["home"]
    result = CliRunner().invoke(app, ["status", "--home", str(home), "--json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    runs = {r["kind"]: r for r in status["runs"]}
    assert [r["kind"] for r in status["runs"][:2]] == ["request", "nightly"]  # newest first
    assert all(r["status"] == "completed" and r["reason"] is None for r in runs.values())
    assert runs["request"]["releases"][0]["release_id"] == followed["request"].releases[0].release_id
    extracts = followed["extracts"]
    per_source = Counter(f.source for f, _, _ in extracts)
    assert {s["source"]: s["files_loaded"] for s in status["sources"]} == per_source
    latest = max(f.extracted_at for f, _, _ in extracts)
    assert max(s["latest_extracted_at"] for s in status["sources"]) == latest.replace("T", " ")[:16]
    held = sum(f["rows_quarantined"] for f in status["quarantined_files"])
    assert held == runs["nightly"]["counts"]["rows_quarantined"] > 0
    drafts = {str(p.parent.relative_to(home / "drafts")) for p in (home / "drafts").glob("*/v*/draft.json")}
    assert len(drafts) == 3  # two standing datasets and the request, none approved yet
    assert {d["release_id"] for d in status["awaiting_approval"]} == drafts
    assert not _leaks(result.output, _personal_values(extracts))
    shown = CliRunner().invoke(app, ["status", "--home", str(home)], env={"COLUMNS": "200"})
    for heading in ("Recent runs", "Freshness", "Drafts awaiting approval", "Quarantined"):
        assert heading in shown.output
