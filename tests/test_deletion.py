"""Custody deletions: an extract says a record is deleted or cancelled (record_status), the current core tables
drop it, history still knows it, and an older extract arriving late cannot bring it back."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb

from flows.db import build_layers, connect
from flows.generate import generate
from flows.generate.scales import SAMPLE
from flows.ingest import ingest_landing, prepare_warehouse
from flows.reference.load import load_reference
from tests.corpus.cases import CUSTODY_HEADER, custody, text
from tests.test_ingest_history import deliver, query

HEADER = CUSTODY_HEADER + ",record_status"
JAN, FEB, MAR = "31/01/2016 02:00", "29/02/2016 02:00", "31/03/2016 02:00"
CURRENT = "select custody_ref, offence_seq from core.arrest_offences order by 1, 2"
AS_AT = "select custody_ref, offence_seq from core.arrest_offences_as_known_at(?::timestamp) order by 1, 2"


def rows(ref: str, extracted: str, status: str = "", seqs: tuple[int, ...] = (1, 2)) -> list[str]:
    codes = {1: "TH68010", 2: "CD71039", 3: "PU86003"}
    return [custody(ref, seq=s, code=codes[s], extracted=extracted) + f",{status}" for s in seqs]


def test_a_later_deletion_removes_every_offence_row_and_history_still_has_them(settings):
    deliver(settings, "custody_jan.csv", text(HEADER, rows("C1", JAN) + rows("C2", JAN)))
    (feb,) = deliver(settings, "custody_feb.csv", text(HEADER, rows("C1", FEB, "Deleted")))
    assert feb.status == "loaded" and feb.rows_staged == 2
    assert query(settings, CURRENT) == [("C2", 1), ("C2", 2)]
    assert query(settings, "select custody_ref from core.arrests") == [("C2",)]
    assert query(settings, AS_AT, ["2016-02-15"]) == [("C1", 1), ("C1", 2), ("C2", 1), ("C2", 2)]
    assert query(settings, AS_AT, ["2016-03-01"]) == query(settings, CURRENT)
    history = (
        "select file_id, record_status, count(*) from staging.custody_offences where custody_ref = 'C1' "
        "group by all order by 1"
    )
    assert query(settings, history) == [(1, None, 2), (2, "deleted", 2)]  # which extract said what, and when


def test_an_older_extract_arriving_after_the_deletion_does_not_resurrect_the_record(settings):
    deliver(settings, "custody_feb.csv", text(HEADER, rows("C1", FEB, "cancelled")))
    deliver(settings, "custody_jan.csv", text(HEADER, rows("C1", JAN, "active") + rows("C2", JAN)))
    assert query(settings, CURRENT) == [("C2", 1), ("C2", 2)]
    assert query(settings, AS_AT, ["2016-02-15"]) == [("C1", 1), ("C1", 2), ("C2", 1), ("C2", 2)]


def test_a_newer_extract_saying_active_again_brings_the_record_back(settings):
    deliver(settings, "custody_jan.csv", text(HEADER, rows("C1", JAN)))
    deliver(settings, "custody_feb.csv", text(HEADER, rows("C1", FEB, "deleted")))
    deliver(settings, "custody_mar.csv", text(HEADER, rows("C1", MAR, "active", seqs=(1,))))
    assert query(settings, CURRENT) == [("C1", 1)]


def test_a_file_without_the_column_deletes_nothing(settings):
    deliver(settings, "custody_jan.csv", text(HEADER, rows("C1", JAN, "deleted")))
    deliver(settings, "custody_feb.csv", text(CUSTODY_HEADER, [custody("C1", extracted=FEB)]))
    assert query(settings, CURRENT) == [("C1", 1)]


def test_unknown_or_disagreeing_statuses_are_quarantined_without_echoing_values(settings):
    body = rows("C1", FEB, "SECRET-void") + [
        custody("C2", extracted=FEB) + ",deleted",
        custody("C2", seq=2, code="CD71039", extracted=FEB) + ",active",
    ]
    (out,) = deliver(settings, "custody_feb.csv", text(HEADER, body + rows("C3", FEB)))
    assert (out.status, out.rows_staged, out.rows_quarantined) == ("partly quarantined", 2, 4)
    held = query(settings, "select row_number, column_name, reason from quarantine.rows order by 1")
    assert [(r, c) for r, c, _ in held] == [
        (1, "record_status"),
        (2, "record_status"),
        (3, "record_status"),
        (4, "record_status"),
    ]
    assert [reason for _, _, reason in held[:2]] == ["record status is not active, deleted or cancelled"] * 2
    assert all("disagree on whether it is deleted" in reason for _, _, reason in held[2:])
    assert all("SECRET" not in reason for _, _, reason in held)


def test_a_profile_maps_the_forces_own_status_spelling(settings):
    header = (
        "Custody Record No,Person URN,Arrest Date/Time,Offence Seq No,CJS Offence Code,Offence Wording,"
        "Custody Outcome,Outcome Date,Age On Arrest,Sex,SDE Code,Custody Suite,Report Run Date,Surname"
    )
    row = (
        "{ref},P-{ref},05/08/2015 13:04,1,TH68010,desc,CHARGED,06/08/2015,30,M,W1,Lloyd House,{at},SECRETNAME"
    )
    jan = [row.format(ref=r, at=JAN) for r in ("N1", "N2")]  # no Record Status column: optional
    feb = [row.format(ref="N1", at=FEB) + ",VOID", row.format(ref="N2", at=FEB) + ",live"]
    (a,) = deliver(settings, "niche_custody_jan.csv", text(header, jan))
    (b,) = deliver(settings, "niche_custody_feb.csv", text(header + ",Record Status", feb))
    assert (a.status, b.status) == ("loaded", "loaded")
    assert query(
        settings,
        "select custody_ref, record_status from staging.custody_offences where file_id = 2 order by 1",
    ) == [("N1", "cancelled"), ("N2", "active")]
    assert query(settings, CURRENT) == [("N2", 1)]


def test_a_warehouse_from_before_record_status_gains_the_column(settings, tmp_path):
    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:
        con.execute("create schema staging")
        con.execute("""create table staging.custody_offences (file_id bigint not null, row_number bigint not null,
            custody_ref varchar not null, person_ref varchar, arrest_at timestamp not null,
            offence_seq integer not null, offence_code varchar not null, offence_description varchar,
            disposal varchar not null, disposal_date date, age_at_arrest integer, gender varchar,
            self_defined_ethnicity varchar, station varchar, arresting_agency varchar,
            extracted_at timestamp not null)""")
        con.execute(
            "insert into staging.custody_offences values (1, 1, 'C1', 'P1', '2015-08-05 13:04', 1, "
            "'TH68010', 'd', 'Charged', null, 30, 'Male', 'W1', 'X', null, '2016-01-31 02:00')"
        )
        for schema in ("raw", "quarantine", "ref"):
            con.execute(f"create schema {schema}")
        prepare_warehouse(con)
        columns = [
            r[0]
            for r in con.sql(
                "select column_name from duckdb_columns() where table_name = "
                "'custody_offences' order by column_index"
            ).fetchall()
        ]
    assert columns[-2:] == ["extracted_at", "record_status"]


def test_requests_as_at_after_a_deletion_do_not_count_the_record(settings):
    deliver(settings, "custody_jan.csv", text(HEADER, rows("C1", JAN) + rows("C2", JAN)))
    deliver(settings, "custody_feb.csv", text(HEADER, rows("C1", FEB, "deleted")))
    fragment = (settings.sql_dir / "requests" / "custody_rows_as_at.sql").read_text(encoding="utf-8")
    with connect(settings, read_only=True) as con:
        counted = con.sql(
            f"select distinct custody_ref from ({fragment}) order by 1",  # noqa: S608 - repo file
            params={"as_at": "2016-03-01"},
        ).fetchall()
    assert counted == [("C2",)]


def test_generated_deletions_arrive_in_later_extracts_and_leave_core(settings, tmp_path):
    out = tmp_path / "generated"
    scale = replace(SAMPLE, arrests=1_500, crimes=100)
    summary = generate(4, scale, out, today=date(2019, 6, 15), deleted_share=0.05)
    assert summary.deleted_records > 0
    plain = generate(4, scale, tmp_path / "plain", today=date(2019, 6, 15))
    assert summary.custody_records < plain.custody_records  # only records deleted before any extract go
    deleted = _deleted_refs(out)
    assert deleted and set(deleted.values()) <= {"partial", "full"}
    settings.landing_dir.mkdir(parents=True)
    for f in summary.files:
        if f.source == "custody":
            (settings.landing_dir / f.path).write_bytes((out / f.path).read_bytes())
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        report = ingest_landing(
            con, settings.landing_dir, raw_dir=settings.raw_dir, sql_dir=settings.sql_dir, max_share=0.01
        )
        assert not report.rejected
        build_layers(con, settings.sql_dir)
        current = {r[0] for r in con.sql("select custody_ref from core.arrests").fetchall()}
        held = {
            r[0]
            for r in con.sql(
                "select distinct custody_ref from staging.custody_offences where record_status = 'deleted'"
            ).fetchall()
        }
    assert held and held <= set(deleted) and not held & current
    assert len(current) + len(held) <= summary.custody_records


def _deleted_refs(folder: Path) -> dict[str, str]:
    """custody_ref -> kind of the file whose rows mark it deleted."""
    import csv

    out = {}
    for path in sorted(folder.glob("custody_*.csv")):
        data = path.read_bytes()
        try:
            body = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            body = data.decode("cp1252")
        for row in csv.DictReader(body.splitlines()):
            if row.get("record_status") == "deleted":
                out[row["custody_ref"]] = path.stem.rsplit("_", 1)[1]
    return out
