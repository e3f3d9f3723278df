"""A nightly run builds in only what its new files touch (flows/db/transform.py), and must end exactly where
a full rebuild from every staged file ends: the same rows in every core table and mart (fingerprints), and the
same current state as the "as known at" rule applied to all of history.

Random sequences of deliveries: custody and crime extracts taken at a few shared times (so deliveries arrive late,
out of order, and tie), records deleted, cancelled and made active again, crimes withdrawn, rows renumbered, the
same bytes delivered twice, bad rows quarantined, arrests moving between years (so the mart's span of years grows
and shrinks). ``make test-long`` runs the long profile.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.config import load_settings
from flows.db import build_layers, update_layers
from flows.ingest import ingest_landing
from flows.ingest.fingerprint import compare, fingerprints
from flows.reference.load import load_reference
from tests.corpus.cases import CRIME_HEADER, CUSTODY_HEADER, crime, custody, text

CI = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
LONG = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

EXTRACTED = ["31/01/2016 02:00", "29/02/2016 02:00", "31/03/2016 02:00", "30/04/2016 02:00"]
CRIME_EXTRACTED = ["2016-01-31 02:00", "2016-02-29 02:00", "2016-03-31 02:00", "2016-04-30 02:00"]
ARRESTED = ["05/08/2013 13:04", "05/08/2014 13:04", "05/08/2015 13:04"]
CODES = ["TH68010", "CD71039", "PU86003", "ZZ99001"]  # the last is well-formed but unknown: group UNR
DISPOSALS = ["Charged", "Bailed", "No further action", "Caution"]
CUSTODY_REFS = ["C1", "C2", "C3"]  # few, so deliveries keep meeting the same records
CRIME_REFS = ["R1", "R2", "R3"]

custody_record = st.tuples(
    st.sampled_from(CUSTODY_REFS),
    st.sets(st.integers(2, 3)),  # offence rows besides the principal (renumbered between deliveries)
    st.sampled_from(CODES),
    st.sampled_from(DISPOSALS),
    st.sampled_from(ARRESTED),
    st.sampled_from(["", "", "active", "deleted", "cancelled"]),
)
crime_record = st.tuples(
    st.sampled_from(CRIME_REFS),
    st.sampled_from(["1", "2", "", "14"]),
    st.sampled_from(["46", "8N", "999"]),
    st.sampled_from(["2014-03-01", "2015-08-05"]),
    st.sampled_from(["", "", "cancelled", "transferred"]),
)
delivery = st.one_of(
    st.tuples(
        st.just("custody"),
        st.integers(0, 3),
        st.lists(custody_record, min_size=1, max_size=3, unique_by=lambda r: r[0]),
        st.booleans(),
    ),
    st.tuples(
        st.just("crime"),
        st.integers(0, 3),
        st.lists(crime_record, min_size=1, max_size=3, unique_by=lambda r: r[0]),
        st.booleans(),
    ),
    st.tuples(st.just("again"), st.integers(0, 10), st.just([]), st.just(False)),  # the same bytes once more
)


def extract(kind: str, when: int, records: list, bad_row: bool) -> bytes:
    if kind == "custody":
        rows = [
            custody(
                ref,
                seq=seq,
                code=code if seq == 1 else "CD71039",
                disposal=disposal,
                when=arrested,
                extracted=EXTRACTED[when],
            )
            + f",{status}"
            for ref, others, code, disposal, arrested, status in records
            for seq in (1, *sorted(others))
        ]
        if bad_row:  # an unparseable arrest time: the record is quarantined whole
            rows.append(custody("C9", when="31/02/2015 10:00", extracted=EXTRACTED[when]) + ",")
        return text(CUSTODY_HEADER + ",record_status", rows)
    rows = [
        crime(ref, outcome=outcome, code=code, recorded=recorded, extracted=CRIME_EXTRACTED[when])
        + f",{status}"
        for ref, outcome, code, recorded, status in records
    ]
    if bad_row:
        rows.append(crime("R9", recorded="2015-02-30", extracted=CRIME_EXTRACTED[when]) + ",")
    return text(CRIME_HEADER + ",crime_status", rows)


def deliver_incrementally(home: Path, deliveries: list) -> Path:
    """Each delivery ingested and built in on its own, as nightly runs would; returns the warehouse file."""
    settings_ = load_settings(home=home)
    con = duckdb.connect(
        str(settings_.warehouse_path.parent.mkdir(parents=True, exist_ok=True) or settings_.warehouse_path)
    )
    try:
        for schema in ("raw", "staging", "quarantine", "ref", "core", "marts"):
            con.execute(f"create schema if not exists {schema}")
        load_reference(con, settings_.reference_dir)
        sent: list[bytes] = []
        for n, (kind, when, records, bad_row) in enumerate(deliveries):
            data = (
                sent[when % len(sent)]
                if kind == "again" and sent
                else extract(
                    "custody" if kind == "again" else kind,
                    when % 4,
                    records or [("C1", set(), "TH68010", "Charged", ARRESTED[0], "")],
                    bad_row,
                )
            )
            sent.append(data)
            settings_.landing_dir.mkdir(parents=True, exist_ok=True)
            (settings_.landing_dir / f"delivery_{n:02d}.csv").write_bytes(data)
            ingest_landing(
                con,
                settings_.landing_dir,
                raw_dir=settings_.raw_dir,
                sql_dir=settings_.sql_dir,
                max_share=1.0,
            )
            update_layers(con, settings_.sql_dir)
        con.execute("checkpoint")
    finally:
        con.close()
    return settings_.warehouse_path


def assert_same_as_a_full_rebuild(warehouse: Path) -> None:
    rebuilt = warehouse.with_name("rebuilt.duckdb")
    shutil.copy(warehouse, rebuilt)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        incremental = fingerprints(con, ("core", "marts"))
    with duckdb.connect(str(rebuilt)) as con:
        assert build_layers(con, Path(load_settings().sql_dir)).mode == "full"
        assert compare(incremental, fingerprints(con, ("core", "marts"))) == {
            t: "identical" for t in incremental
        }
        for table, rule in (
            ("core.arrest_offences", "core.arrest_offences_as_known_at(timestamp 'infinity')"),
            ("core.crimes", "core.crimes_as_known_at(timestamp 'infinity')"),
        ):
            differ = f"select count(*) from ((from {table} except all from {rule}) union all (from {rule} except all from {table}))"  # noqa: S608
            assert con.sql(differ).fetchall() == [(0,)], table


def check(tmp_path_factory, deliveries: list) -> None:
    home = tmp_path_factory.mktemp("incremental") / "home"
    assert_same_as_a_full_rebuild(deliver_incrementally(home, deliveries))


C1 = ("C1", {2}, "TH68010", "Charged", ARRESTED[1], "")
R1 = ("R1", "1", "46", "2015-08-05", "")
SCENARIOS = {  # each names what it exercises; the random sequences below mix them
    "late custody extract": [
        ("custody", 2, [C1], False),
        ("custody", 0, [(*C1[:3], "Bailed", *C1[4:])], False),
    ],
    "late crime extract": [("crime", 2, [R1], False), ("crime", 0, [("R1", "2", *R1[2:])], False)],
    "same time, later file wins": [("crime", 1, [R1], False), ("crime", 1, [("R1", "14", *R1[2:])], False)],
    "deleted, then late, then active": [
        ("custody", 1, [C1], False),
        ("custody", 2, [(*C1[:5], "deleted")], False),
        ("custody", 0, [C1], False),
        ("custody", 3, [(*C1[:5], "active")], False),
    ],
    "renumbered rows": [("custody", 0, [C1], False), ("custody", 1, [("C1", {3}, *C1[2:])], False)],
    "crime withdrawn": [("crime", 0, [R1], False), ("crime", 1, [(*R1[:4], "cancelled")], False)],
    "same bytes twice, bad rows": [
        ("custody", 0, [C1], True),
        ("again", 0, [], False),
        ("crime", 1, [R1], True),
    ],
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_each_kind_of_delivery_ends_where_a_full_rebuild_does(tmp_path_factory, name):
    check(tmp_path_factory, SCENARIOS[name])


@CI
@given(st.lists(delivery, min_size=3, max_size=6))
def test_building_in_each_delivery_ends_where_a_full_rebuild_does(tmp_path_factory, deliveries):
    check(tmp_path_factory, deliveries)


@pytest.mark.long
@LONG
@given(st.lists(delivery, min_size=2, max_size=10))
def test_building_in_each_delivery_ends_where_a_full_rebuild_does_long(tmp_path_factory, deliveries):
    check(tmp_path_factory, deliveries)


def test_a_deletion_that_empties_the_first_year_shortens_the_standing_table(tmp_path_factory):
    """The one change a cell-by-cell update could miss: no arrest left in the earliest year, so the full build
    has no rows for it (and none of its zeros)."""
    early = ("C1", set(), "TH68010", "Charged", ARRESTED[0], "")
    later = ("C2", set(), "TH68010", "Charged", ARRESTED[2], "")
    home = tmp_path_factory.mktemp("years") / "home"
    warehouse = deliver_incrementally(
        home, [("custody", 0, [early, later], False), ("custody", 1, [(*early[:5], "deleted")], False)]
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        years = con.sql(
            "select distinct calendar_year from marts.arrests_by_offence_group_year_outcome order by 1"
        ).fetchall()
    assert years == [("2015",), ("All years",)]
    assert_same_as_a_full_rebuild(warehouse)
