"""Primary suppression and the no-margins rule of the foundation release."""

from __future__ import annotations

import polars as pl

from flows.contracts.tidy import Dimension, Measure, Role, TidyTable, check_tidy
from flows.sdc.primary import cells_suppressed, drop_margins, suppress_primary


def _table():
    frame = pl.DataFrame({
        "offence": ["A", "B", "All", "A", "B", "All"],
        "year": ["2020", "2020", "2020", "2021", "2021", "2021"],
        "arrests": [0, 4, 4, 5, 1, 6],
        "change": [None, None, None, 5, -3, 2],
    }).with_columns(pl.lit("").alias("arrests_flag"), pl.lit("").alias("change_flag"),
                    pl.col("change").cast(pl.Int64))
    return TidyTable("t", "T", (Dimension("offence", "Offence", total="All"), Dimension("year", "Year")),
                     (Measure("arrests", "Arrests"), Measure("change", "Change", Role.CHANGE, ("arrests",))), frame)


def test_counts_1_to_k_minus_1_are_flagged_and_derived_cells_follow():
    out = suppress_primary(_table(), threshold=5)
    assert out.frame["arrests_flag"].to_list() == ["", "[c]", "[c]", "", "[c]", ""]
    assert out.frame["change_flag"].to_list() == ["", "[c]", "[c]", "", "[c]", ""]
    assert cells_suppressed(out) == 6
    assert suppress_primary(out, 5).frame["arrests_flag"].to_list() == out.frame["arrests_flag"].to_list()


def test_drop_margins_removes_totals_so_nothing_can_be_subtracted():
    out = drop_margins(_table())
    assert "All" not in out.frame["offence"].to_list()
    assert all(d.total is None for d in out.dimensions)
    check_tidy(out)
