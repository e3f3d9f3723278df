"""Foundation ingest: encodings, row checks, quarantine, whole-record rule, idempotency, rejection."""

from __future__ import annotations

import duckdb
import pytest

from flows.db import connect
from flows.ingest import ingest_landing
from flows.reference.load import load_reference
from tests.conftest import CUSTODY_HEADER, custody_row, write_extract


def _ingest(settings, max_share=0.5):
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        return ingest_landing(
            con, settings.landing_dir, raw_dir=settings.raw_dir, sql_dir=settings.sql_dir, max_share=max_share
        )


def _query(settings, sql):
    with connect(settings, read_only=True) as con:
        return con.sql(sql).fetchall()


def test_good_rows_load_bad_rows_are_quarantined_with_file_row_and_column(settings):
    rows = [
        custody_row("C1"),
        custody_row("C2", age="187"),
        custody_row("C3", when="31/02/2015 10:00"),
        custody_row("C4", code="ZZ-99999"),
        custody_row("C5", when="05/08/2017 10:00"),
    ]
    write_extract(settings.landing_dir, "custody.csv", CUSTODY_HEADER, rows)
    report = _ingest(settings, max_share=0.9)
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.rows_read, outcome.rows_staged, outcome.rows_quarantined) == (
        "partly quarantined",
        5,
        1,
        4,
    )
    got = _query(settings, "select row_number, column_name, reason from quarantine.rows order by row_number")
    assert [(r, c) for r, c, _ in got] == [
        (2, "age_at_arrest"),
        (3, "arrest_datetime"),
        (4, "offence_code"),
        (5, "arrest_datetime"),
    ]
    assert "after the extract was taken" in got[3][2]
    assert _query(settings, "select custody_ref from staging.custody_offences") == [("C1",)]


def test_a_record_whose_principal_offence_is_bad_is_quarantined_whole(settings):
    rows = [custody_row("C1", seq=1, code="ZZ-99999"), custody_row("C1", seq=2), custody_row("C2", seq=2)]
    write_extract(settings.landing_dir, "custody.csv", CUSTODY_HEADER, rows)
    _ingest(settings, max_share=1.0)
    got = _query(settings, "select row_number, reason from quarantine.rows order by row_number")
    assert [r for r, _ in got] == [1, 2, 3]
    assert "principal offence" in got[1][1] and "principal offence" in got[2][1]
    assert _query(settings, "select count(*) from staging.custody_offences") == [(0,)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings_are_read_as_what_they_are(settings, encoding):
    rows = [custody_row("C1").replace("Lloyd House", "St George’s – Quay")]
    write_extract(settings.landing_dir, "custody.csv", CUSTODY_HEADER, rows, encoding=encoding)
    (outcome,) = _ingest(settings).outcomes
    assert outcome.status == "loaded"
    assert _query(settings, "select station from staging.custody_offences") == [("St George’s – Quay",)]
    assert _query(settings, "select encoding from raw.extract_files") == [(encoding,)]


def test_same_file_again_is_a_no_op_and_raw_copy_is_archived(settings):
    path = write_extract(settings.landing_dir, "custody.csv", CUSTODY_HEADER, [custody_row("C1")])
    content = path.read_bytes()
    _ingest(settings)
    assert not path.exists()  # removed from landing only after archiving
    archived = list((settings.raw_dir / "custody").iterdir())
    assert len(archived) == 1 and archived[0].read_bytes() == content
    path.write_bytes(content)
    (again,) = _ingest(settings).outcomes
    assert again.status == "duplicate"
    assert _query(settings, "select count(*) from staging.custody_offences") == [(1,)]
    assert _query(settings, "select count(*) from raw.extract_files") == [(1,)]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("custody.csv", b"custody_ref,person_ref\nC1,P1\n", "missing required column"),
        ("custody.csv", b"", "empty"),
        ("custody.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary", "binary"),
        ("custody.xlsm", b"PK\x03\x04", "macro"),
        ("custody.csv", (CUSTODY_HEADER + "\n").encode(), "no rows"),
    ],
)
def test_unusable_files_are_rejected_whole_and_change_nothing(settings, name, content, reason):
    settings.landing_dir.mkdir(parents=True)
    (settings.landing_dir / name).write_bytes(content)
    (outcome,) = _ingest(settings).outcomes
    assert outcome.status == "rejected" and reason in outcome.reason and name in outcome.line()
    assert _query(settings, "select count(*) from staging.custody_offences") == [(0,)]


def test_too_many_bad_rows_rejects_the_file_and_stages_nothing(settings):
    rows = [custody_row(f"C{i}") for i in range(99)] + [
        custody_row("C99", age="0"),
        custody_row("C100", age="1"),
    ]
    write_extract(settings.landing_dir, "custody.csv", CUSTODY_HEADER, rows)
    (outcome,) = _ingest(settings, max_share=0.01).outcomes
    assert (
        outcome.status == "rejected"
        and "2 of 101 rows" in outcome.reason
        and "row 100 column age_at_arrest" in outcome.reason
    )
    assert _query(settings, "select count(*) from staging.custody_offences") == [(0,)]


def test_malformed_rows_keep_their_true_row_numbers(settings):
    rows = [custody_row("C1"), "C2,P2,too,few", custody_row("C3"), custody_row("C4")]
    write_extract(settings.landing_dir, "custody.csv", CUSTODY_HEADER, rows)
    (outcome,) = _ingest(settings, max_share=0.5).outcomes
    assert (outcome.rows_read, outcome.rows_staged, outcome.rows_quarantined) == (4, 3, 1)
    assert _query(settings, "select custody_ref, row_number from staging.custody_offences order by 2") == [
        ("C1", 1),
        ("C3", 3),
        ("C4", 4),
    ]
    assert _query(settings, "select row_number from quarantine.rows") == [(2,)]


def test_error_messages_never_echo_personal_values(settings):
    secret = "PERSON-SECRET-77"
    rows = [custody_row("C1", person=secret, age="999")] + [custody_row(f"C{i}") for i in range(2, 4)]
    write_extract(settings.landing_dir, "custody.csv", CUSTODY_HEADER, rows)
    (outcome,) = _ingest(settings, max_share=0.1).outcomes
    assert outcome.status == "rejected" and secret not in outcome.line() and "999" not in outcome.line()


def test_warehouse_is_a_single_duckdb_file(settings):
    write_extract(settings.landing_dir, "custody.csv", CUSTODY_HEADER, [custody_row("C1")])
    _ingest(settings)
    assert duckdb.connect(str(settings.warehouse_path), read_only=True).sql("select 1").fetchall() == [(1,)]
