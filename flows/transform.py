"""Transform: rebuild core and marts from staging with the SQL in ``sql/``, and read marts as tidy tables."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from flows.contracts.tidy import Dimension, Measure, Role, TidyTable, with_empty_flags
from flows.warehouse import build_layers

STANDING_TABLE = "arrests_by_offence_group_year_outcome"


def build_models(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> list[str]:
    return build_layers(con, sql_dir)


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
        name=STANDING_TABLE,
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
