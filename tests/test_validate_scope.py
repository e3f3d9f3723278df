"""Validation in proportion: a night validates what changed since the last clean pass, and everything weekly or
when what the verdicts depend on changed (flows/validate/scope.py). Real ingest, transform and GX throughout."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta

import pytest

from flows.config import load_settings
from flows.db import connect
from flows.errors import PipelineFailed
from flows.pipeline import NIGHTLY_SUITES, run_nightly, stage_ingest, stage_transform, stage_validate
from flows.validate import warm_up
from tests.corpus.cases import CRIME_HEADER, CUSTODY_HEADER, crime, custody, text

DAY0 = datetime(2026, 1, 5, 2, 0)


@pytest.fixture(scope="module", autouse=True)
def gx_once():
    warm_up()


@pytest.fixture
def home(tmp_path):
    """A home with no standing datasets (the nightly stops after validation and the snapshot) and its first
    night: custody and crimes, validated in full."""
    (tmp_path / "requests" / "standing").mkdir(parents=True)
    settings = load_settings(home=tmp_path / "home", requests_dir=tmp_path / "requests")
    land(settings, "custody.csv", text(CUSTODY_HEADER, [custody("C1"), custody("C1", seq=2), custody("C2")]))
    land(settings, "crimes.csv", text(CRIME_HEADER, [crime("CR1"), crime("CR2", outcome="18")]))
    first = run_nightly(settings, now=DAY0)
    assert first.validation.startswith("validation: full (first pass)"), first.validation
    return settings


def land(settings, name: str, data: bytes) -> None:
    settings.landing_dir.mkdir(parents=True, exist_ok=True)
    (settings.landing_dir / name).write_bytes(data)


def checked_at(settings, suite: str) -> dict[int, object]:
    with connect(settings, read_only=True) as con:
        return dict(con.execute(f'select file_id, _checked_at from checks."{suite}"').fetchall())  # noqa: S608


def last_pass(settings) -> tuple:
    with connect(settings, read_only=True) as con:
        return con.execute(
            "select kind, reason, files, records from checks.validation_passes order by passed_at desc limit 1"
        ).fetchall()[0]


def new_crimes(settings, refs: list[str]) -> None:
    rows = [crime(r, extracted="2016-02-01 02:00") for r in refs]
    land(settings, "more_crimes.csv", text(CRIME_HEADER, rows))


def test_a_night_with_a_new_file_validates_only_what_it_changed(home):
    before = checked_at(home, "staging.crimes")
    refs = ["CR2", "CR3", "CR4"]  # one crime re-delivered later, two new: every one changes
    new_crimes(home, refs)
    result = run_nightly(home, now=DAY0 + timedelta(days=1))
    assert result.validation == f"validation: incremental over {len(set(refs))} records (1 new file(s))"
    assert last_pass(home) == ("incremental", "", 1, len(set(refs)))
    after = checked_at(home, "staging.crimes")
    assert {f: after[f] for f in before} == before, "an old file was counted again"
    assert set(after) - set(before) == {3}
    with connect(home, read_only=True) as con:  # the validated changes are not kept
        assert con.execute("select count(*) from core.build_changes").fetchall() == [(0,)]
    assert any(line.startswith("validate (incremental over 3 records") for line in result.stages)


def test_the_weekly_pass_runs_when_due_and_recounts_every_file(home):
    before = checked_at(home, "staging.crimes")
    assert run_nightly(home, now=DAY0 + timedelta(days=6)).validation.startswith("validation: incremental")
    assert checked_at(home, "staging.crimes") == before
    due = run_nightly(home, now=DAY0 + timedelta(days=7))
    assert due.validation.startswith(
        "validation: full (weekly) over 4 records"
    )  # 2 custody records, 2 crimes
    after = checked_at(home, "staging.crimes")
    assert set(after) == set(before) and all(after[f] > before[f] for f in before)
    every_night = home.model_copy(update={"full_validation_every_days": 0})
    assert run_nightly(every_night, now=DAY0 + timedelta(days=8)).validation.startswith(
        "validation: full (every night)"
    )


def test_a_suite_edit_forces_a_full_pass(home, tmp_path):
    suites = tmp_path / "expectations"
    shutil.copytree(home.expectations_dir, suites)
    path = suites / "staging.crimes.json"
    suite = json.loads(path.read_text())
    suite["expectations"][0]["description"] += " (edited)"
    path.write_text(json.dumps(suite))
    edited = home.model_copy(update={"expectations_dir": suites})
    result = run_nightly(edited, now=DAY0 + timedelta(days=1))
    assert result.validation.startswith("validation: full (suite changed)")
    assert run_nightly(edited, now=DAY0 + timedelta(days=2)).validation.startswith("validation: incremental")


def test_a_reference_change_forces_a_full_pass(home, tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(home.reference_dir, reference)
    (reference / "VERSION").write_text((reference / "VERSION").read_text().strip() + "-next\n")
    changed = home.model_copy(update={"reference_dir": reference})
    assert run_nightly(changed, now=DAY0 + timedelta(days=1)).validation.startswith(
        "validation: full (reference changed)"
    )


def test_a_bad_row_of_the_nights_file_blocks_and_keeps_blocking(home):
    new_crimes(home, ["CR3"])
    stage_ingest(home)
    with connect(home) as con:  # what a bug past ingest would leave: the night's crime twice
        con.execute("insert into staging.crimes select * from staging.crimes where crime_ref = 'CR3'")
    stage_transform(home)
    for day in (1, 2):  # the failed scope is not recorded: the next night checks it again
        with pytest.raises(PipelineFailed, match=r"validation failed \(incremental.*duplicate_crime_rows"):
            stage_validate(home, NIGHTLY_SUITES, f"bad-{day}", DAY0 + timedelta(days=day))
    assert last_pass(home)[0:2] == ("full", "first pass")


def test_a_full_pass_and_an_incremental_pass_agree_on_a_clean_warehouse(home):
    new_crimes(home, ["CR2", "CR3"])
    stage_ingest(home)
    stage_transform(home)
    when = DAY0 + timedelta(days=1)
    with connect(home) as con:  # the same night validated both ways, from the same state
        con.execute("create table checks.passes_before as select * from checks.validation_passes")
        con.execute("create table checks.files_before as select * from checks.validated_files")
    incremental = stage_validate(home, NIGHTLY_SUITES, "incremental", when)
    with connect(home) as con:
        con.execute("delete from checks.validation_passes")
        con.execute("insert into checks.validation_passes select * from checks.passes_before")
        con.execute("delete from checks.validated_files")
        con.execute("insert into checks.validated_files select * from checks.files_before")
    full = stage_validate(home, NIGHTLY_SUITES, "full", when, full="test")
    assert (incremental.scope.kind, full.scope.kind) == ("incremental", "full")

    def verdicts(run):
        return {
            (r.suite, e.expectation_type, e.columns, e.success, e.observed)
            for r in run.reports
            for e in r.results
        }

    assert verdicts(incremental) == verdicts(full)
