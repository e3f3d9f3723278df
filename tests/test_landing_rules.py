"""Landing rules (tests/corpus/landing.py): each case's entries get exactly their outcome and reason, what is
not taken stays in landing, and nothing outside the data home is read, linked or has its permissions changed;
what is taken is a read-only copy in the archive, never a link."""

from __future__ import annotations

import os
import stat

import pytest

from flows.config import load_settings
from flows.db import connect
from flows.pipeline import stage_ingest, stage_transform
from tests.corpus.landing import LANDING_CASES, NAME, LandingCase


def _modes(folder):
    return {p.name: stat.S_IMODE(os.lstat(p).st_mode) for p in folder.iterdir()}


@pytest.mark.parametrize("case", LANDING_CASES, ids=lambda c: c.name)
def test_landing_case(tmp_path, case: LandingCase):
    home, outside = tmp_path / "home", tmp_path / "outside"
    (home / "landing").mkdir(parents=True)
    outside.mkdir()
    case.setup(home / "landing", outside)
    before_outside = _modes(outside)
    settings = load_settings(home=home, landing_settle_seconds=case.settle_seconds)

    report = stage_ingest(settings)

    outcomes = [(o.name, o.status) for o in report.outcomes]
    if case.outcome is None:
        assert outcomes == []
    else:
        assert outcomes == [(NAME, case.outcome)]
        if case.reason:
            assert case.reason in (report.outcomes[0].reason or ""), report.outcomes[0].reason
    assert sorted(p.name for p in (home / "landing").iterdir()) == sorted(case.left_in_landing)
    assert _modes(outside) == before_outside, "nothing outside the home changed"
    if (home / "target.csv").exists():
        assert stat.S_IMODE((home / "target.csv").stat().st_mode) == 0o640
    archived = [p for p in (home / "raw").rglob("*") if p.is_file() and p.name != "deliveries.jsonl"]
    for path in archived:
        st = os.lstat(path)
        assert stat.S_ISREG(st.st_mode) and st.st_nlink == 1 and stat.S_IMODE(st.st_mode) == 0o444
    with connect(settings, read_only=True) as con:
        manifest = con.sql("select original_name, status from raw.manifest").fetchall()
    assert manifest == ([(NAME, "loaded")] if case.outcome == "loaded" else [])
    assert len(archived) == len(manifest)


def test_a_waiting_file_is_taken_by_a_later_run_once_it_has_settled(tmp_path):
    home = tmp_path / "home"
    (home / "landing").mkdir(parents=True)
    next(c for c in LANDING_CASES if c.name == "recent_file_waits").setup(home / "landing", tmp_path)
    assert [o.status for o in stage_ingest(load_settings(home=home, landing_settle_seconds=60)).outcomes] == [
        "waiting"
    ]
    landed = home / "landing" / NAME
    os.utime(landed, (landed.stat().st_mtime - 61,) * 2)
    assert [o.status for o in stage_ingest(load_settings(home=home, landing_settle_seconds=60)).outcomes] == [
        "loaded"
    ]


def test_a_first_run_whose_every_file_is_still_settling_builds_empty_tables(tmp_path):
    home = tmp_path / "home"
    (home / "landing").mkdir(parents=True)
    next(c for c in LANDING_CASES if c.name == "recent_file_waits").setup(home / "landing", tmp_path)
    settings = load_settings(home=home, landing_settle_seconds=60)
    assert [o.status for o in stage_ingest(settings).outcomes] == ["waiting"]
    build = stage_transform(settings)
    assert (build.mode, build.files) == ("full", 0)
    with connect(settings, read_only=True) as con:
        assert con.sql("select count(*) from core.arrests").fetchall() == [(0,)]
