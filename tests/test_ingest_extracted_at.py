"""A file's extracted_at may be later than its receipt only by the configured tolerance (flows/ingest/extract_time.py);
the corpus (tests/corpus/trust_cases.py) holds the fixed cases, these the ones relative to the time of receipt."""

from __future__ import annotations

from datetime import datetime, timedelta

from flows.db import build_layers, connect
from flows.ingest.rebuild import rebuild
from flows.pipeline import stage_ingest
from tests.corpus.cases import CUSTODY_HEADER, custody, text


def _extract(refs: str, ahead: timedelta) -> bytes:
    stamp = f"{datetime.now() + ahead:%d/%m/%Y %H:%M}"
    return text(CUSTODY_HEADER, [custody(f"{refs}{i}", extracted=stamp) for i in (1, 2)])


def _ingest(settings, files: dict[str, bytes]) -> dict[str, str]:
    settings.landing_dir.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (settings.landing_dir / name).write_bytes(data)
    report = stage_ingest(settings)
    with connect(settings) as con:
        build_layers(con, settings.sql_dir)
    return {o.name: o.status for o in report.outcomes}


def test_an_extracted_at_within_the_tolerance_loads_and_one_beyond_it_is_rejected(settings):
    outcomes = _ingest(
        settings,
        {"soon.csv": _extract("A", timedelta(hours=2)), "later.csv": _extract("B", timedelta(hours=30))},
    )
    assert settings.extracted_at_tolerance_hours == 24
    assert outcomes == {"soon.csv": "loaded", "later.csv": "rejected"}


def test_the_tolerance_is_a_setting(settings):
    strict = settings.model_copy(update={"extracted_at_tolerance_hours": 0})
    outcomes = _ingest(strict, {"soon.csv": _extract("A", timedelta(hours=2))})
    assert outcomes == {"soon.csv": "rejected"}


def test_a_rebuild_decides_with_the_tolerance_each_file_was_loaded_under(settings):
    outcomes = _ingest(
        settings,
        {"soon.csv": _extract("A", timedelta(hours=2)), "later.csv": _extract("B", timedelta(days=400))},
    )
    assert outcomes == {"soon.csv": "loaded", "later.csv": "rejected"}
    stricter_now = settings.model_copy(update={"extracted_at_tolerance_hours": 0})
    report = rebuild(stricter_now, check_only=True)
    assert report.identical, report.lines()
    assert sorted(o.status for o in report.replayed) == ["loaded", "rejected"]
