"""The warm path: `disclose serve` answers `disclose request` for its home, with exactly the cold path's draft,
checks and run log; with no service (stopped, or killed and its socket left behind) the CLI answers in its
own process and says so; the idle service holds nothing open, and it answers while a nightly run builds the
next snapshot (it reads the published one).

One small template home (a warehouse of a few dozen arrests) is built once; each test copies it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from conftest import CUSTODY_HEADER, write_extract
from test_release_faults import _arrests

from flows.config import PROJECT_ROOT, load_settings
from flows.db import connect
from flows.pipeline import stage_ingest, stage_transform
from flows.warm.protocol import socket_path

SPEC = "requests/wmp-3056-15.yaml"  # relative to data/, where the CLI runs: the manifest records it as given
REF = "3056_15"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("warm") / "home"
    write_extract(home / "landing", "custody.csv", CUSTODY_HEADER, _arrests())
    settings = load_settings(home=home)
    assert not stage_ingest(settings).rejected
    stage_transform(settings)
    return home


def _copy(template: Path, to: Path) -> Path:
    shutil.copytree(template, to)
    return to


def _env(home: Path, operator: str = "analyst") -> dict[str, str]:
    env = {**os.environ, "DISCLOSE_HOME": str(home), "DISCLOSE_OPERATOR": operator}
    env.pop("DISCLOSE_FAULT", None)
    return env


def _disclose(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=PROJECT_ROOT / "data",
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=180,
    )


def _serve(home: Path, log: Path, *, plain: bool = True) -> subprocess.Popen:
    """`disclose serve --plain` for ``home``, once it says it is ready; from another folder and as another
    operator than the CLI's, so a request that ran with the service's own folder or settings would show."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "serve", *(["--plain"] if plain else [])],
        cwd=log.parent,
        env=_env(home, operator="service-account"),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while "ready" not in log.read_text():
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.1)
    return proc


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def _draft(home: Path) -> Path:
    return home / "drafts" / REF / "v1"


def _timeless(path: Path) -> object:
    """A draft file's bytes, but for the times it records: the manifest's creation time (and so the workbook's
    size and hash), and in the XLSX workbook each zip entry's time and the document's modified time. Every
    other byte counts, every zip member's included."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as workbook:
            members = {name: workbook.read(name) for name in workbook.namelist()}
        members["docProps/core.xml"] = re.sub(
            rb"(<dcterms:modified[^>]*>)[^<]*<", rb"\1<", members["docProps/core.xml"]
        )
        return members
    if path.name == "manifest.json":
        manifest = json.loads(path.read_bytes())
        manifest.pop("created_at")
        for attachment in manifest["files"]:
            if attachment["path"].endswith(".xlsx"):
                attachment.pop("bytes"), attachment.pop("sha256")
        return manifest
    return path.read_bytes()


def _without_times(draft_json: Path) -> dict:
    data = json.loads(draft_json.read_text())
    data.pop("created_at")
    return data


def test_the_warm_path_drafts_exactly_what_the_cold_path_drafts(template, tmp_path):
    cold_home, warm_home = _copy(template, tmp_path / "cold"), _copy(template, tmp_path / "warm")
    service = _serve(warm_home, tmp_path / "serve.log")
    try:
        warm = _disclose(warm_home, "request", SPEC, "--plain")
    finally:
        _stop(service)
    cold = _disclose(cold_home, "request", SPEC, "--plain")
    assert warm.returncode == 0 and cold.returncode == 0, (warm.stderr, cold.stderr)
    assert warm.stdout.splitlines()[0] == f"request: answered by the warm service (pid {service.pid})"
    assert cold.stdout.splitlines()[0].startswith("request: answered in this process (no `disclose serve`")
    assert f"drafted {REF}/v1" in warm.stdout and f"drafted {REF}/v1" in cold.stdout
    assert f"request {SPEC}: drafted {REF}/v1" in (tmp_path / "serve.log").read_text()

    files = sorted(p.name for p in (_draft(cold_home) / "files").iterdir())
    assert {"manifest.json", "part-1.csv", "letter.md"} <= set(files)
    assert sorted(p.name for p in (_draft(warm_home) / "files").iterdir()) == files
    for name in files:  # every public file (the manifest records the spec path as given)
        assert _timeless(_draft(warm_home) / "files" / name) == _timeless(_draft(cold_home) / "files" / name)
    assert _without_times(_draft(warm_home) / "draft.json") == _without_times(
        _draft(cold_home) / "draft.json"
    )
    assert json.loads((_draft(warm_home) / "draft.json").read_text())["ran_by"] == "analyst"
    checks = json.loads((_draft(warm_home) / "draft.json").read_text())["checks"]
    assert any(c.startswith("disclosure audit of the files: passed") for c in checks)
    assert any(c.startswith("with everything published before:") for c in checks)  # the cumulative check

    (warm_run,) = [json.loads(line) for line in (warm_home / "runs" / "runs.jsonl").read_text().splitlines()]
    (cold_run,) = [json.loads(line) for line in (cold_home / "runs" / "runs.jsonl").read_text().splitlines()]
    assert (warm_run["kind"], warm_run["status"]) == ("request", "completed")
    assert warm_run["counts"] == cold_run["counts"] and warm_run["counts"]["cells_withheld"] > 0
    assert [r["release_id"] for r in warm_run["releases"]] == [f"{REF}/v1"]


def test_with_the_service_down_a_request_is_answered_in_process(template, tmp_path):
    home = _copy(template, tmp_path / "home")
    service = _serve(home, tmp_path / "serve.log")
    service.kill()  # SIGKILL: no clean-up, the socket file stays behind
    service.wait(timeout=30)
    assert socket_path(home).exists()
    done = _disclose(home, "request", SPEC, "--plain")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        "request: answered in this process (no `disclose serve` running for this home (a stale socket))"
    )
    assert (_draft(home) / "files" / "manifest.json").is_file()

    again = _serve(home, tmp_path / "serve-again.log")  # a new service replaces the stale socket
    _stop(again)
    assert not socket_path(home).exists()  # a stopped service removes its socket
    done = _disclose(home, "request", SPEC, "--plain")
    assert done.returncode == 0 and "(no `disclose serve` running for this home)" in done.stdout
    assert f"unchanged {REF}/v1" in done.stdout


def test_an_idle_service_holds_nothing_and_answers_while_a_nightly_builds_the_next_snapshot(
    template, tmp_path
):
    home = _copy(template, tmp_path / "home")
    settings = load_settings(home=home)
    service = _serve(home, tmp_path / "serve.log")
    try:
        duckdb.connect(str(settings.warehouse_path)).close()  # idle: the service holds no DuckDB file open
        with connect(settings) as con:  # a nightly run: the writer lock, the next snapshot open read-write
            assert con.execute("select count(*) from core.arrests").fetchone()[0] > 0
            done = _disclose(home, "request", SPEC, "--plain")
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[0] == f"request: answered by the warm service (pid {service.pid})"
        assert f"drafted {REF}/v1" in done.stdout
        assert service.poll() is None
    finally:
        _stop(service)
    runs = [json.loads(line) for line in (home / "runs" / "runs.jsonl").read_text().splitlines()]
    assert [r["status"] for r in runs] == ["completed"]
    assert (
        "nothing preloaded" not in (tmp_path / "serve.log").read_text()
    )  # it read the snapshot, then let go


def test_a_service_for_a_home_without_a_warehouse_starts_and_says_it_preloaded_nothing(tmp_path):
    home = tmp_path / "empty"
    home.mkdir()
    service = _serve(home, tmp_path / "serve.log")
    try:
        assert service.poll() is None
    finally:
        _stop(service)
    assert "nothing preloaded" in (tmp_path / "serve.log").read_text()


def test_a_second_service_for_the_same_home_is_refused(template, tmp_path):
    home = _copy(template, tmp_path / "home")
    service = _serve(home, tmp_path / "serve.log")
    try:
        second = _disclose(home, "serve", "--plain")
        assert second.returncode == 1
        assert (
            second.stderr.strip() == f"a service already answers requests for this home ({socket_path(home)})"
        )
        assert service.poll() is None and socket_path(home).exists()
    finally:
        _stop(service)


def test_as_a_prefect_flow_the_service_answers_once_drafted_and_the_run_still_completes(template, tmp_path):
    """Without --plain the request runs as the Prefect `request` flow in the service; the person is answered as
    soon as the draft is made, and Prefect's teardown (the run's final state) finishes after, before the
    service takes the next request."""
    home = _copy(template, tmp_path / "home")
    log = tmp_path / "serve.log"
    service = _serve(home, log, plain=False)
    try:
        first = _disclose(home, "request", SPEC)
        second = _disclose(home, "request", SPEC)  # the same request again: nothing changed
        deadline = time.monotonic() + 60  # logged once each run's teardown has ended
        while log.read_text().count(f"request {SPEC}: ") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        _stop(service)
    for done in (first, second):
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[0] == f"request: answered by the warm service (pid {service.pid})"
    assert f"drafted {REF}/v1" in first.stdout and f"unchanged {REF}/v1" in second.stdout
    text = log.read_text()
    assert text.count(f"request {SPEC}: ") == 2 and "Traceback" not in text
    runs = [json.loads(line) for line in (home / "runs" / "runs.jsonl").read_text().splitlines()]
    assert [(r["kind"], r["status"]) for r in runs] == [("request", "completed")] * 2
