"""The home's run log (crash-safe appends), the one-line reason a run failed, and the webhook a failed run
notifies: each read back the way a person or a machine would read it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.config import load_settings
from flows.errors import PipelineFailed
from flows.runs.counts import RunCounts
from flows.runs.reason import one_line
from flows.runs.record import RunRecord, append_record, read_records
from tests.webhook import receiving

DISCLOSE = str(Path(sys.executable).with_name("disclose"))
PERSON = "P-SECRET-77"  # in a rejected file: must never reach a run's record, its reason or the webhook


def _record(run_id: str) -> RunRecord:
    return RunRecord(
        run_id,
        "nightly",
        "completed",
        "2026-12-05T02:30:00+00:00",
        "2026-12-05T02:31:00+00:00",
        60.0,
        counts=RunCounts(files=3, rows_staged=10),
    )


def test_a_record_torn_by_a_crash_is_skipped_and_never_swallows_the_next(tmp_path):
    log = tmp_path / "runs" / "runs.jsonl"
    append_record(log, _record("first"))
    whole = log.read_bytes()
    log.write_bytes(whole + whole[: len(whole) // 2])  # a crash half way through the second append
    append_record(log, _record("third"))
    records, damaged = read_records(log)
    assert [r.run_id for r in records] == ["first", "third"]
    assert damaged == 1
    assert records[1].counts == RunCounts(files=3, rows_staged=10)


def test_the_reason_keeps_an_expected_errors_words_but_not_a_librarys():
    assert (
        one_line(PipelineFailed("1 file(s) rejected:\n  - a.csv: bad")) == "1 file(s) rejected:; a.csv: bad"
    )
    leaky = ValueError("Could not convert string 'Jane Smith' to INT64")  # what DuckDB says about a cell
    assert "Jane" not in one_line(leaky) and "ValueError" in one_line(leaky)


def _rejected_home(tmp_path):
    landing = tmp_path / "home" / "landing"
    landing.mkdir(parents=True)
    (landing / "custody.csv").write_text(f"custody_ref,person_ref\nCU/1,{PERSON}\n")
    return tmp_path / "home"


def test_a_failed_nightly_exits_non_zero_in_one_line_records_why_and_notifies(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    home = _rejected_home(tmp_path)
    with receiving() as (url, received):
        result = CliRunner().invoke(
            app, ["nightly", "--plain", "--home", str(home)], env={"DISCLOSE_NOTIFY_WEBHOOK_URL": url}
        )
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "custody.csv: rejected" in result.output
    [sent] = received
    assert sent["content_type"] == "application/json"
    assert sent["kind"] == "nightly" and sent["status"] == "failed" and sent["run"].startswith("nightly-")
    assert "custody.csv: rejected" in sent["reason"]
    [record], damaged = read_records(load_settings(home=home).runs_log)
    assert damaged == 0 and record.status == "failed" and record.run_id == sent["run"]
    assert record.counts.files_rejected == 1 and record.reason == sent["reason"]
    assert record.notified == "sent to the webhook (HTTP 204)"
    assert PERSON not in json.dumps(sent) + load_settings(home=home).runs_log.read_text()


def test_no_webhook_by_default_and_an_unreachable_one_never_changes_the_outcome(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    home = _rejected_home(tmp_path)
    assert load_settings(home=home).notify_webhook_url is None
    with receiving() as (url, received):
        pass  # the server is gone: nothing listens at url any more
    result = CliRunner().invoke(
        app, ["nightly", "--plain", "--home", str(home)], env={"DISCLOSE_NOTIFY_WEBHOOK_URL": url}
    )
    assert result.exit_code == 1 and "custody.csv: rejected" in result.output
    [record], _ = read_records(load_settings(home=home).runs_log)
    assert record.notified.startswith("the webhook could not be notified")


def test_the_webhook_must_be_an_http_url(tmp_path):
    from flows.config import ConfigError

    with pytest.raises(ConfigError, match="notify_webhook_url"):
        load_settings(home=tmp_path, notify_webhook_url="file:///etc/passwd")


def test_through_prefect_too_a_failed_nightly_says_why_in_one_line_and_notifies(tmp_path):
    """The default mode (Prefect's embedded server), in its own process as a person or cron would run it; its
    output is piped, not a terminal, so no progress line either."""
    home = _rejected_home(tmp_path)
    with receiving() as (url, received):
        env = {
            **os.environ,
            "DISCLOSE_NOTIFY_WEBHOOK_URL": url,
            "NO_PROXY": "127.0.0.1",
            "PREFECT_HOME": str(tmp_path / "prefect-home"),
        }
        env.pop("PREFECT_API_URL", None)
        done = subprocess.run(
            [DISCLOSE, "nightly", "--home", str(home)], env=env, capture_output=True, text=True, timeout=300
        )
    assert done.returncode == 1
    assert done.stdout == "" and done.stderr.count("\n") == 1, done.stdout + done.stderr
    assert done.stderr.startswith("1 file(s) rejected, nothing published: custody.csv: rejected")
    [sent] = received
    assert sent["status"] == "failed" and sent["reason"] == done.stderr.strip()


def test_a_completed_run_notifies_only_when_asked(tmp_path, monkeypatch):
    from flows.runs.notify import notify

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with receiving() as (url, received):
        quiet = load_settings(home=tmp_path, notify_webhook_url=url)
        assert notify(quiet, _record("done")) is None and received == []
        told = load_settings(home=tmp_path, notify_webhook_url=url, notify_on_success=True)
        assert notify(told, _record("done")) == "sent to the webhook (HTTP 204)"
    assert [(r["run"], r["status"], r["counts"]["files"]) for r in received] == [("done", "completed", 3)]


def test_status_reads_the_published_snapshot_and_names_the_writer_building_the_next(tmp_path):
    from flows.db import connect
    from flows.runs.status import gather
    from flows.warehouse_lock import writing

    settings = load_settings(home=tmp_path)
    with connect(settings):
        pass  # an empty warehouse
    with writing(settings, "nightly run N1"):
        found = gather(settings)
    assert "the next is being built by pid" in found.warehouse and "nightly run N1" in found.warehouse
    assert "nothing loaded yet" in found.warehouse and "snapshot 1-" in found.warehouse
    assert found.sources == [] and found.runs == []


def test_a_standing_dataset_not_due_is_logged_with_why_and_no_count():
    from flows.requests.calendar import NotDue
    from flows.runs.counts import stage_line

    why = "data covers up to 31 May 2025 (2025-06 due on its calendar)"
    assert stage_line("standing releases", [NotDue("arrests-by-month", why)]) == (
        f"standing releases: 1 release step(s): not due arrests-by-month: {why}"
    )
    assert stage_line("standing releases", []) == "standing releases: none"
