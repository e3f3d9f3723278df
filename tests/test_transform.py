"""Core counting rules and the standing mart, computed from staged rows."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from flows.contracts.tidy import Dimension, Measure, Role, TidyTable, check_tidy, with_empty_flags
from flows.db import build_layers, connect
from flows.ingest import ingest_landing
from flows.reference.load import load_reference
from tests.conftest import CUSTODY_HEADER, custody_row, write_extract


def _load(settings, *files):
    for i, rows in enumerate(files):
        extracted = rows[0].rsplit(",", 1)[1]
        write_extract(settings.landing_dir, f"custody_{i}.csv", CUSTODY_HEADER, rows)
        assert extracted
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        ingest_landing(
            con, settings.landing_dir, raw_dir=settings.raw_dir, sql_dir=settings.sql_dir, max_share=1
        )
        build_layers(con, settings.sql_dir)
        return con.sql(
            "select custody_ref, offence_code, disposal from core.arrests order by 1"
        ).fetchall(), standing_arrests_table(con)


def test_a_later_extract_replaces_all_of_a_records_rows_even_if_it_arrives_first(settings):
    early = [
        custody_row("C1", seq=1, code="TH68010", disposal="Bailed", extracted="01/01/2016 02:00"),
        custody_row("C1", seq=2, code="CD71039", disposal="Bailed", extracted="01/01/2016 02:00"),
    ]
    late = [custody_row("C1", seq=1, code="CD71039", disposal="Charged", extracted="01/03/2016 02:00")]
    # the later extract lands first (out of order): extracted_at decides, not arrival
    arrests, _ = _load(settings, late, early)
    assert arrests == [("C1", "CD71039", "Charged")]


def test_two_extracts_taken_at_the_same_time_the_later_file_wins(settings):
    first = [custody_row("C1", seq=1, code="TH68010", disposal="Bailed", extracted="01/03/2016 02:00")]
    second = [custody_row("C1", seq=1, code="CD71039", disposal="Charged", extracted="01/03/2016 02:00")]
    arrests, _ = _load(settings, first, second)
    assert arrests == [("C1", "CD71039", "Charged")]


def test_delivery_order_orders_exactly_as_extracted_at_then_file_id(settings):
    """The packed integer key (sql/core/000_delivery_order.sql) against the struct it replaces, on edge cases:
    ties, microseconds, dates before 1970 and the largest file id it allows."""
    con = duckdb.connect()
    con.execute("create schema core")
    con.execute((settings.sql_dir / "core" / "000_delivery_order.sql").read_text())
    con.execute("select setseed(0.42)")
    con.execute("""create table d as select * from (values
        (timestamp '2016-03-01 02:00:00', 1), (timestamp '2016-03-01 02:00:00', 2),
        (timestamp '2016-03-01 02:00:00.000001', 1), (timestamp '1969-12-31 23:59:59.999999', 4294967295),
        (timestamp '1970-01-01 00:00:00', 0), (timestamp '2099-12-31 23:59:59', 7),
        (timestamp '2016-02-29 23:59:59.999999', 4294967295)) as t(extracted_at, file_id)
        union all select timestamp '2000-01-01' + to_microseconds((random() * 1e15)::bigint),
                         (random() * 4294967295)::bigint from range(2000)""")
    by_struct = con.sql("select extracted_at, file_id from d order by (extracted_at, file_id)").fetchall()
    by_key = con.sql(
        "select extracted_at, file_id from d order by core.delivery_order(extracted_at, file_id)"
    ).fetchall()
    assert by_key == by_struct


def test_one_arrest_per_custody_record_under_its_principal_offence(settings):
    rows = [
        custody_row("C1", seq=1, code="TH68010"),
        custody_row("C1", seq=2, code="MD71210"),
        custody_row("C2", seq=1, code="MD71210"),
    ]
    arrests, table = _load(settings, rows)
    assert arrests == [("C1", "TH68010", "Charged"), ("C2", "MD71210", "Charged")]
    check_tidy(table)  # margins add up
    f = table.frame
    cell = f.filter(
        (f["offence_group"] == "Theft offences")
        & (f["calendar_year"] == "2015")
        & (f["outcome"] == "Charged")
    )
    total = f.filter(
        (f["offence_group"] == "All offence groups")
        & (f["calendar_year"] == "All years")
        & (f["outcome"] == "All outcomes")
    )
    assert cell["arrests"].to_list() == [1] and total["arrests"].to_list() == [2]
    assert f.filter(f["arrests"] == 0).height > 0  # zeros are explicit cells


def standing_arrests_table(con: duckdb.DuckDBPyConnection) -> TidyTable:
    """The standing mart as a tidy table, ordered as readers expect (reference order, years ascending)."""
    frame = con.sql(
        """
        select mart.offence_group, mart.calendar_year, mart.outcome, mart.arrests
        from marts.arrests_by_offence_group_year_outcome as mart
        left join (select disposal_group, min(rowid) as pos from ref.custody_disposals group by 1) as d
            on mart.outcome = d.disposal_group
        order by mart.offence_group = 'All offence groups', mart.offence_group, mart.calendar_year = 'All years', mart.calendar_year,
                 d.pos is null, d.pos
        """
    ).pl()
    years = [y for y in frame["calendar_year"].unique(maintain_order=True).to_list() if y != "All years"]
    first, last = (years[0], years[-1]) if years else ("", "")
    table = TidyTable(
        name="arrests_by_offence_group_year_outcome",
        title=f"Arrests by offence group, calendar year and custody outcome, {first} to {last}",
        dimensions=(
            Dimension("offence_group", "Offence group", total="All offence groups"),
            Dimension("calendar_year", "Calendar year", total="All years"),
            Dimension("outcome", "Custody outcome", total="All outcomes"),
        ),
        measures=(Measure("arrests", "Number of arrests", Role.COUNT),),
        frame=frame.with_columns(pl.col("arrests").cast(pl.Int64)),
        notes=(
            "One arrest is counted per custody record, under its principal offence (the first offence listed).",
            "The custody outcome is the custody record's disposal as at the latest extract; bail and release "
            "under investigation are shown as 'Outcome pending'.",
        ),
    )
    return with_empty_flags(table)


def test_layers_are_built_in_only_from_new_files_and_rebuilt_when_the_sql_changes(tmp_path):
    """A nightly run with no new extracts builds nothing; a new extract is built in on its own; new SQL rebuilds
    everything; a failed build changes nothing and is redone."""
    import shutil

    from flows.config import PROJECT_ROOT, load_settings
    from flows.pipeline import stage_ingest, stage_transform

    settings = load_settings(home=tmp_path / "home", sql_dir=tmp_path / "sql")
    shutil.copytree(PROJECT_ROOT / "sql", settings.sql_dir)
    sample = sorted((PROJECT_ROOT / "data" / "sample").glob("*_20*"))
    settings.landing_dir.mkdir(parents=True)
    for path in sample[:-1]:  # all but the last delivery
        shutil.copy(path, settings.landing_dir)
    stage_ingest(settings)
    assert stage_transform(settings).mode == "full"  # first build
    assert stage_transform(settings).mode == "unchanged"
    (settings.sql_dir / "marts" / "99_extra.sql").write_text(
        "create or replace table marts.extra as select 1 as x"
    )
    rebuilt = stage_transform(settings)
    assert rebuilt.mode == "full" and "marts/99_extra.sql" in rebuilt.ran  # the SQL changed
    assert stage_transform(settings).mode == "unchanged"
    (settings.sql_dir / "marts" / "99_extra.sql").write_text("select * from no_such_table")
    with pytest.raises(duckdb.Error):
        stage_transform(settings)
    with connect(settings, read_only=True) as con:  # the failed build left the last one whole
        assert con.sql("select x from marts.extra").fetchall() == [(1,)]
    (settings.sql_dir / "marts" / "99_extra.sql").unlink()
    assert stage_transform(settings).mode == "full"
    shutil.copy(sample[-1], settings.landing_dir)
    stage_ingest(settings)
    built = stage_transform(settings)
    assert (built.mode, built.files) == ("incremental", 1)  # a new extract (one file): only it is read
