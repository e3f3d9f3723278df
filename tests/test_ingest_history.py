"""Extract semantics over time: re-delivery, replacement by extracted_at, 'as known at T', rebuild and purge."""

from __future__ import annotations

import shutil
import time
from datetime import datetime, timedelta

import pytest

from flows.db import build_layers, connect
from flows.ingest import ingest_landing
from flows.ingest.fingerprint import fingerprints
from flows.ingest.purge import purge
from flows.ingest.rebuild import RebuildRefused, rebuild
from flows.reference.load import load_reference
from tests.corpus.cases import CRIME_HEADER, CUSTODY_HEADER, crime, custody, text

CONTENT = ("staging", "quarantine", "core", "marts")


def deliver(settings, name: str, data: bytes, max_share=1.0, transform=True):
    settings.landing_dir.mkdir(parents=True, exist_ok=True)
    (settings.landing_dir / name).write_bytes(data)
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        report = ingest_landing(
            con, settings.landing_dir, raw_dir=settings.raw_dir, sql_dir=settings.sql_dir, max_share=max_share
        )
        if transform:
            build_layers(con, settings.sql_dir)
    return report.outcomes


def query(settings, sql, params=None):
    with connect(settings, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def content(settings):
    with connect(settings, read_only=True) as con:
        return fingerprints(con, CONTENT)


def test_redelivery_is_in_the_manifest_as_duplicate_and_changes_nothing_else(settings):
    data = text(CUSTODY_HEADER, [custody("C1"), custody("C2")])
    (first,) = deliver(settings, "custody_a.csv", data)
    before = content(settings)
    (again,) = deliver(settings, "custody_again.csv", data)
    assert (first.status, again.status) == ("loaded", "duplicate") and again.file_id == first.file_id
    assert "same bytes as file 1 (custody_a.csv, loaded)" in again.reason
    assert content(settings) == before
    assert query(settings, "select count(*) from raw.extract_files") == [(1,)]
    manifest = query(
        settings,
        "select original_name, status, sha256, bytes, rows_read, source from raw.manifest "
        "order by delivery_id",
    )
    assert [(n, s) for n, s, *_ in manifest] == [
        ("custody_a.csv", "loaded"),
        ("custody_again.csv", "duplicate"),
    ]
    assert manifest[0][2:4] == manifest[1][2:4] and (manifest[0][4], manifest[1][4]) == (2, None)


def test_a_batch_loads_exactly_as_its_files_one_by_one(settings, tmp_path):
    """Files are checked two at a time (in_order.py) but written in landing order: the same ids, ledger and
    tables as delivering them one at a time, twins and rejections included."""
    files = {
        "a_custody.csv": text(CUSTODY_HEADER, [custody("C1"), custody("C2", age="0"), custody("C3")]),
        "b_crime.csv": text(CRIME_HEADER, [crime("CR1"), crime("CR2")]),
        "c_twin.csv": text(CUSTODY_HEADER, [custody("C1"), custody("C2", age="0"), custody("C3")]),
        "d_empty.csv": b"",
        "e_crime.csv": text(CRIME_HEADER, [crime("CR3", outcome="99"), crime("CR4")]),
    }
    batch_settings = settings.model_copy(update={"home": tmp_path / "batch"})
    batch_settings.landing_dir.mkdir(parents=True)
    for name, data in files.items():
        (batch_settings.landing_dir / name).write_bytes(data)
    with connect(batch_settings) as con:
        load_reference(con, batch_settings.reference_dir)
        batch = ingest_landing(
            con,
            batch_settings.landing_dir,
            raw_dir=batch_settings.raw_dir,
            sql_dir=batch_settings.sql_dir,
            max_share=1.0,
        ).outcomes
    one_by_one = [
        outcome for name, data in files.items() for outcome in deliver(settings, name, data, transform=False)
    ]
    assert [(o.name, o.status, o.file_id) for o in batch] == [
        ("a_custody.csv", "partly quarantined", 1),
        ("b_crime.csv", "loaded", 2),
        ("c_twin.csv", "duplicate", 1),
        ("d_empty.csv", "rejected", 3),
        ("e_crime.csv", "partly quarantined", 4),
    ]
    assert batch == one_by_one
    ledger = (
        "select delivery_id, file_id, original_name, status, rows_read, rows_staged, rows_quarantined "
        "from raw.manifest order by delivery_id"
    )
    assert query(batch_settings, ledger) == query(settings, ledger)
    assert content(batch_settings) == content(settings)


def test_share_limit_is_per_source_and_per_file(settings):
    custody_rows = [custody(f"C{i}") for i in range(1, 20)] + [custody("C20", age="0")]  # 5% bad
    crime_rows = [crime(f"CR{i}") for i in range(1, 20)] + [crime("CR20", outcome="99")]  # 5% bad
    limits = {"custody": 0.10, "default": 0.01}
    (c,) = deliver(settings, "custody.csv", text(CUSTODY_HEADER, custody_rows), max_share=limits)
    (k,) = deliver(settings, "crime.csv", text(CRIME_HEADER, crime_rows), max_share=limits)
    assert c.status == "partly quarantined" and (c.rows_staged, c.rows_quarantined) == (19, 1)
    assert k.status == "rejected" and "above the 1.0% limit for a crime file" in k.reason


def test_a_later_extract_replaces_all_of_a_records_rows_whatever_the_arrival_order(settings):
    january = text(
        CUSTODY_HEADER,
        [
            custody("C1", seq=1, extracted="31/01/2016 02:00"),
            custody("C1", seq=2, code="CD71039", extracted="31/01/2016 02:00"),
            custody("C1", seq=3, code="PU86003", extracted="31/01/2016 02:00"),
        ],
    )
    february = text(
        CUSTODY_HEADER,
        [
            custody("C1", seq=1, disposal="Caution", extracted="29/02/2016 02:00"),
            custody("C1", seq=2, code="PU86003", disposal="Caution", extracted="29/02/2016 02:00"),
        ],
    )
    deliver(settings, "custody_feb.csv", february)  # the later extract arrives first
    deliver(settings, "custody_jan.csv", january)
    latest = "select offence_seq, offence_code, disposal from core.arrest_offences order by 1"
    assert query(settings, latest) == [(1, "TH68010", "Caution"), (2, "PU86003", "Caution")]
    as_at = "select offence_seq, offence_code, disposal from core.arrest_offences_as_known_at(?::timestamp) order by 1"
    assert query(settings, as_at, ["2016-02-15"]) == [
        (1, "TH68010", "Charged"),
        (2, "CD71039", "Charged"),
        (3, "PU86003", "Charged"),
    ]
    assert query(settings, as_at, ["2016-01-15"]) == []
    assert query(settings, as_at, ["2030-01-01"]) == query(settings, latest)
    assert query(settings, "select count(*) from staging.custody_offences") == [(5,)]  # history kept


def test_a_cancellation_is_kept_but_withdrawn_and_history_recomputes(settings):
    header = CRIME_HEADER + ",crime_status"
    deliver(
        settings,
        "crime_jan.csv",
        text(
            header,
            [
                crime("CR1", extracted="2016-01-31 02:00") + ",",
                crime("CR2", extracted="2016-01-31 02:00") + ",",
            ],
        ),
    )
    deliver(
        settings, "crime_feb.csv", text(header, [crime("CR1", extracted="2016-02-29 02:00") + ",cancelled"])
    )
    assert query(settings, "select crime_ref, is_withdrawn from core.crimes order by 1") == [
        ("CR1", True),
        ("CR2", False),
    ]
    assert query(
        settings,
        "select crime_ref, is_withdrawn from core.crimes_as_known_at(timestamp '2016-02-01') order by 1",
    ) == [("CR1", False), ("CR2", False)]


def test_an_unknown_crime_status_is_quarantined_and_active_counts_as_live(settings):
    header = CRIME_HEADER + ",crime_status"
    at = "2016-01-31 02:00"
    (out,) = deliver(
        settings,
        "crime_jan.csv",
        text(
            header,
            [
                crime("CR1", extracted=at) + ",NO CRIME",
                crime("CR2", extracted=at) + ",Active",
                crime("CR3", extracted=at) + ",Transferred",
            ],
        ),
    )
    assert (out.status, out.rows_staged, out.rows_quarantined) == ("partly quarantined", 2, 1)
    assert query(settings, "select row_number, column_name, reason, raw_value from quarantine.rows") == [
        (1, "crime_status", "crime status is not active, cancelled, transferred or deleted", "NO CRIME")
    ]
    assert query(settings, "select crime_ref, is_withdrawn from core.crimes order by 1") == [
        ("CR2", False),
        ("CR3", True),
    ]


def _mixed_deliveries(settings):
    from tests.corpus.cases import CASES

    by_name = {c.name: c for c in CASES}
    for name in (
        "utf8_plain",
        "windows_1252_curly_quotes",
        "xlsx_extra_sheets",
        "parquet_crime",
        "ragged_rows",
        "police_uk_duplicate_and_blank_crime_ids",
        "profile_niche_drops_personal_columns",
        "missing_columns",
    ):
        case = by_name[name]
        deliver(settings, case.file_name, case.build())
    deliver(settings, "again.csv", by_name["utf8_plain"].build())  # a re-delivery


def test_rebuild_from_the_archive_reproduces_every_table_and_keeps_the_publication_record(settings):
    _mixed_deliveries(settings)
    with connect(settings) as con:
        con.execute("create table disclosure.releases (release_id varchar, published_at timestamp)")
        con.execute("insert into disclosure.releases values ('r1', '2026-01-01 09:00')")
    before = content(settings)
    report = rebuild(settings)
    assert report.identical, report.lines()
    assert len(report.replayed) == 8 and not report.not_replayed
    assert {"staging.custody_offences", "raw.deliveries", "core.arrests", "quarantine.rows"} <= set(
        report.tables
    )
    assert content(settings) == before
    assert query(settings, "select * from disclosure.releases") == [("r1", datetime(2026, 1, 1, 9))]
    assert report.previous is not None and report.previous.exists()
    assert query(settings, "select count(*) from raw.deliveries where status = 'duplicate'") == [(1,)]


def test_rebuild_refuses_a_different_reference_version(settings, tmp_path):
    _mixed_deliveries(settings)
    changed = tmp_path / "reference"
    shutil.copytree(settings.reference_dir, changed)
    (changed / "VERSION").write_text("9999-01-01.1\n")
    with pytest.raises(RebuildRefused, match="not the version the archive was loaded with"):
        rebuild(settings.model_copy(update={"reference_dir": changed}))


def test_purge_says_what_a_rebuild_can_no_longer_reproduce(settings):
    deliver(settings, "custody_old.csv", text(CUSTODY_HEADER, [custody("C1"), custody("C2")]))
    ((received,),) = query(settings, "select received_at from raw.extract_files")
    cutoff = received + timedelta(seconds=1)  # receipt times are whole seconds
    while datetime.now() < cutoff:
        time.sleep(0.05)
    deliver(settings, "custody_new.csv", text(CUSTODY_HEADER, [custody("C3", extracted="01/02/2016 02:00")]))
    dry = purge(settings, older_than=cutoff)
    assert [name for _, name, _, _ in dry.files] == ["custody_old.csv"]
    assert dry.unreproducible == {
        "core.arrest_offences": 2,
        "core.arrests": 2,
        "core.custody_records": 2,
        "staging.custody_offences": 2,
    }
    assert len(list((settings.raw_dir / "custody").iterdir())) == 2  # a dry run deletes nothing
    done = purge(settings, older_than=cutoff, dry_run=False)
    assert not done.dry_run and len(list((settings.raw_dir / "custody").iterdir())) == 1
    assert purge(settings, older_than=cutoff).files == []  # already purged
    report = rebuild(settings)
    assert any("custody_old.csv" in why and "purged" in why for why in report.not_replayed)
    assert report.tables["staging.custody_offences"] == "different" and not report.identical
    assert query(settings, "select custody_ref from core.arrests") == [("C3",)]


def test_rebuild_says_which_archived_file_is_missing_and_replays_the_rest(settings):
    deliver(settings, "custody_a.csv", text(CUSTODY_HEADER, [custody("C1")]))
    deliver(settings, "custody_b.csv", text(CUSTODY_HEADER, [custody("C2", extracted="01/02/2016 02:00")]))
    ((stored,),) = query(
        settings, "select archive_path from raw.extract_files where original_name = 'custody_a.csv'"
    )
    (settings.raw_dir / stored).unlink()
    report = rebuild(settings)
    assert report.not_replayed == ["custody_a.csv (file 1) missing from the archive"]
    assert [o.status for o in report.replayed] == ["loaded"]
    assert query(settings, "select custody_ref from core.arrests") == [("C2",)]


def test_a_lost_delivery_log_is_written_again_from_the_warehouse(settings):
    deliver(settings, "custody.csv", text(CUSTODY_HEADER, [custody("C1"), custody("C2")]))
    log = settings.raw_dir / "deliveries.jsonl"
    lines = log.read_text()
    log.unlink()
    report = rebuild(settings, check_only=True)
    assert log.read_text() == lines, (
        "each delivery's line was committed in the warehouse with its ledger entry"
    )
    assert report.identical, report.lines()


def test_rebuild_without_the_delivery_log_still_replays_every_archived_file(settings):
    deliver(settings, "custody.csv", text(CUSTODY_HEADER, [custody("C1"), custody("C2")]))
    staged = query(settings, "select * from staging.custody_offences order by row_number")
    (settings.raw_dir / "deliveries.jsonl").unlink()
    with connect(settings) as con:  # an archive and a warehouse from before the log
        con.execute("delete from raw.delivery_log")
    report = rebuild(settings)
    assert [o.status for o in report.replayed] == ["loaded"]
    assert query(settings, "select * from staging.custody_offences order by row_number") == staged
    assert report.tables["staging.custody_offences"] == "identical"
    assert (
        report.tables["raw.extract_files"] == "different"
    )  # the original name and receipt time were in the log


def test_rebuild_with_an_empty_archive_is_refused(settings):
    with pytest.raises(RebuildRefused, match="holds no archived extracts"):
        rebuild(settings)


def test_a_parquet_file_read_in_place_may_have_a_quote_in_its_name_and_is_rebuilt_identically(settings):
    """A Parquet file is read where it lies, through a view whose path is a quoted literal (read.py): a name
    with a quote must load like any other, and a rebuild from the archive must give the same tables."""
    from tests.corpus.cases import _parquet_crime

    (outcome,) = deliver(settings, "o'brien crimes.parquet", _parquet_crime())
    assert (outcome.status, outcome.rows_staged, outcome.rows_quarantined) == ("partly quarantined", 2, 1)
    assert query(settings, "select count(*) from staging.crimes") == [(2,)]
    before = content(settings)
    assert rebuild(settings).identical and content(settings) == before
