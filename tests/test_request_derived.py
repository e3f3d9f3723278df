"""Derived cells follow the published values of their inputs; revisions are marked [r]; the letter's facts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from flows.contracts.tidy import Dimension, Measure, Role, TidyTable, check_tidy
from flows.requests.derived import derive_changes
from flows.requests.letter_facts import letter_facts
from flows.requests.revisions import mark_revisions
from flows.requests.spec import load_spec

REQUESTS = Path(__file__).resolve().parents[1] / "data" / "requests"


def _hide_small(table: TidyTable, k: int = 5) -> TidyTable:
    """Counts 1..k-1 flagged [c], as disclosure control would (this test is about what follows the flags)."""
    counts = [m for m in table.measures if m.role is Role.COUNT]
    return table.with_frame(
        table.frame.with_columns(
            pl.when(pl.col(m.name).is_between(1, k - 1))
            .then(pl.lit("[c]") + pl.col(m.flag))
            .otherwise(pl.col(m.flag))
            .alias(m.flag)
            for m in counts
        )
    )


def _table(now: list[int], before: list[int], flags: list[str] | None = None) -> TidyTable:
    n = len(now)
    frame = pl.DataFrame(
        {
            "period": [f"p{i}" for i in range(n)],
            "arrests": now,
            "arrests_flag": flags or [""] * n,
            "arrests_last_year": before,
            "arrests_last_year_flag": [""] * n,
            "change": [None] * n,
            "change_flag": [""] * n,
            "pct_change": [None] * n,
            "pct_change_flag": [""] * n,
        },
        schema_overrides={"change": pl.Int64, "pct_change": pl.Float64},
    )
    measures = (
        Measure("arrests", "Arrests", Role.COUNT),
        Measure("arrests_last_year", "A year earlier", Role.COUNT),
        Measure("change", "Change", Role.CHANGE, ("arrests", "arrests_last_year")),
        Measure("pct_change", "% change", Role.PCT_CHANGE, ("arrests", "arrests_last_year")),
    )
    return TidyTable("t", "a test table", (Dimension("period", "Period"),), measures, frame)


def test_changes_are_computed_where_both_inputs_are_shown():
    table = derive_changes(_table([12, 6, 7], [8, 0, 7], ["", "", "[p]"]))
    check_tidy(table)
    f = table.frame
    assert f["change"].to_list() == [4, 6, 0] and f["pct_change"].to_list() == [50.0, None, 0.0]
    assert f["pct_change_flag"].to_list() == ["", "[z]", "[p]"] and f["change_flag"].to_list() == [
        "",
        "",
        "[p]",
    ]


def test_a_derived_cell_with_a_confidential_input_is_confidential_and_empty():
    suppressed = _hide_small(derive_changes(_table([12, 3], [9, 20])))
    again = derive_changes(suppressed)  # after suppression: recompute from what will be published
    f = again.frame
    assert f["arrests_flag"].to_list() == ["", "[c]"]
    assert f["change_flag"].to_list() == ["", "[c]"] and f["pct_change_flag"].to_list() == ["", "[c]"]
    assert f["change"].to_list() == [3, None] and f["pct_change"].to_list() == [33.3, None]


def test_revisions_are_marked_only_where_a_shown_figure_changed():
    table = _hide_small(derive_changes(_table([12, 3, 40, 9], [9, 20, 30, 9])))
    previous = pl.DataFrame(
        {"period": ["p0", "p1", "p2"], "arrests": [11, 3, 40], "arrests_last_year": [9, None, 30]}
    )
    marked = mark_revisions(table, previous).frame
    assert marked["arrests_flag"].to_list() == ["[r]", "[c]", "", ""]
    assert marked["arrests_last_year_flag"].to_list() == ["", "", "", ""]
    assert mark_revisions(table, None) is table


def test_letter_facts_restate_the_interpretation_and_who_holds_what():
    spec, _ = load_spec(REQUESTS / "mps-01-foi-22-025326.yaml")
    facts = letter_facts(spec, [])
    assert facts.due == date(2022, 9, 13)
    data, convictions = facts.parts
    assert (data.response, convictions.response) == ("data", "not_held")
    assert data.interpretation.startswith("The four offences were taken to be")
    assert convictions.held_by == "the Crown Prosecution Service"
    assert "Petty France" in convictions.held_by_contact  # the s.16 advice names how to ask them
    wmp, _ = load_spec(REQUESTS / "wmp-3056-15.yaml")
    assert letter_facts(wmp, []).exemptions == ("s.23(5)", "s.24(2)", "s.31(3)")
