"""The bad-input corpus (tests/corpus/cases.py, trust_cases.py): every case ends in exactly its stated outcome.

For each case: the status; for a rejection, the reason, an unchanged warehouse (fingerprints of staging,
quarantine, core and marts) and the file archived and in the manifest; otherwise the exact quarantined rows
(row, column, reason), the staged row numbers where they matter, and rows read counted independently of
the loader (csv / openpyxl / pyarrow) = rows staged + rows quarantined. No message echoes a personal value.
"""

from __future__ import annotations

import csv
import io
import sys

import pytest

from flows.db import connect
from flows.ingest import ingest_landing, prepare_warehouse
from flows.ingest.fingerprint import fingerprints
from flows.reference.load import load_reference
from tests.corpus.cases import CASES, Case
from tests.corpus.trust_cases import TRUST_CASES

CONTENT = ("staging", "quarantine", "core", "marts")


def independent_row_count(case: Case, data: bytes) -> int:
    """Data rows as a plain reader sees them (blank lines are not rows), without any ingest code."""
    suffix = case.file_name.rsplit(".", 1)[-1]
    if suffix == "parquet":
        import pyarrow.parquet as pq

        return pq.read_metadata(io.BytesIO(data)).num_rows
    if suffix == "xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        sheets = [
            ws
            for ws in wb.worksheets
            if next(ws.iter_rows(max_row=1, values_only=True), ("",))[0] == "custody_ref"
        ]
        rows = list(sheets[0].iter_rows(min_row=2, values_only=True))
        return sum(any(v not in (None, "") for v in row) for row in rows)
    csv.field_size_limit(sys.maxsize)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    records = list(csv.reader(io.StringIO(text, newline="")))[1:]
    return sum(1 for r in records if r)


def _ingest(settings, case: Case):
    settings.landing_dir.mkdir(parents=True, exist_ok=True)
    data = case.build()
    (settings.landing_dir / case.file_name).write_bytes(data)
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        prepare_warehouse(con)
        before = fingerprints(con, CONTENT)
        report = ingest_landing(
            con,
            settings.landing_dir,
            raw_dir=settings.raw_dir,
            sql_dir=settings.sql_dir,
            max_share=case.max_share,
        )
        after = fingerprints(con, CONTENT)
        quarantined = con.sql(
            "select row_number, column_name, reason from quarantine.rows order by row_number, reason"
        ).fetchall()
        staged_rows = [
            r
            for (r,) in con.sql(
                "select row_number from (select file_id, row_number from staging.custody_offences union all "
                "select file_id, row_number from staging.crimes union all "
                "select file_id, row_number from staging.police_uk_street_crimes) order by 1"
            ).fetchall()
        ]
        manifest = con.sql(
            "select status, reason, archive_path, rows_unrecognised_code, unrecognised_codes "
            "from raw.manifest"
        ).fetchall()
    return data, report, before, after, quarantined, staged_rows, manifest


@pytest.mark.parametrize("case", CASES + TRUST_CASES, ids=lambda c: c.name)
def test_corpus_case_has_its_exact_outcome(settings, case):
    data, report, before, after, quarantined, staged_rows, manifest = _ingest(settings, case)
    (outcome,) = report.outcomes
    assert outcome.status == case.status, outcome.line()
    assert "SECRET" not in outcome.line()
    ((status, reason, archived, unrecognised_rows, unrecognised_codes),) = manifest
    assert status == case.status and (settings.raw_dir / archived).read_bytes() == data
    if case.status == "rejected":
        assert case.reason in outcome.reason and case.file_name in outcome.line()
        assert after == before, "a rejected file must not change the warehouse"
        assert reason == outcome.reason
        return
    assert (outcome.rows_staged, outcome.rows_quarantined) == (
        case.staged,
        len({r for r, _, _ in case.quarantined}),
    )
    assert (outcome.rows_unrecognised_code, outcome.unrecognised_codes) == case.unrecognised
    assert (unrecognised_rows, unrecognised_codes) == case.unrecognised, "the ledger records them too"
    assert (
        outcome.rows_read
        == independent_row_count(case, data)
        == outcome.rows_staged + outcome.rows_quarantined
    )
    got = [(r, c, why) for r, c, why in quarantined]
    assert len(got) == len(case.quarantined), got
    for (row, column, why), (want_row, want_column, fragment) in zip(got, case.quarantined, strict=True):
        assert (row, column) == (want_row, want_column) and fragment in why, got
    if case.staged_rows is not None:
        assert tuple(staged_rows) == case.staged_rows


def test_the_corpus_is_large_and_distinct():
    cases = CASES + TRUST_CASES
    assert len(cases) >= 25
    assert len({c.name for c in cases}) == len(cases)
    assert len({(c.file_name, c.build()) for c in cases}) == len(cases)
