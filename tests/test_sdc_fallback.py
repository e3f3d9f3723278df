"""Fallbacks: collapsing a dimension (years into one total, offences into groups) and rounding to base 5."""

from __future__ import annotations

import itertools

import polars as pl
from sdc_tables import hidden, with_margins

from flows.contracts.tidy import Role, check_tidy
from flows.sdc.policy import SdcPolicy
from flows.sdc.protect import protect
from flows.sdc.shapes import collapse, collapsible, round_table

OFFENCES = [
    "Assisting unlawful immigration",
    "Facilitating entry for gain",
    "Breach of deportation order",
    "Assisting entry of excluded person",
]
YEARS = ["2018", "2019", "2020", "2021", "2022"]
OUTCOMES = ["Charged", "Outcome pending"]


def mps_table():
    """Like 01.FOI.22.025326: four offences by year and outcome, yearly figures far too small to show."""
    values = itertools.cycle([1, 0, 2, 1, 0, 3, 1, 1, 0, 2, 4, 1])
    inner = {(o, y, c): next(values) for o in OFFENCES for y in YEARS for c in OUTCOMES}
    return with_margins(
        "arrests_by_offence_year_outcome",
        [
            ("offence", OFFENCES, "All offences"),
            ("year", YEARS, "All years"),
            ("outcome", OUTCOMES, "All outcomes"),
        ],
        inner,
    )


def test_auto_combines_years_when_yearly_figures_are_too_small_like_the_mps_did():
    policy = SdcPolicy(group_rule="off", collapse_dimensions=("year",))
    out = protect([mps_table()], policy)
    assert out.strategy_used == "collapse: year"
    (table,) = out.tables
    assert table.dimension_names == ["offence", "outcome"]
    assert out.audit.passed
    text = " ".join(out.explanation)
    assert (
        "combined" in text and "too small" in text and "Method chosen: combining all year categories" in text
    )
    assert "s.40(2)" in out.exemptions
    for offence in OFFENCES:  # the explanation never names a withheld cell
        assert offence not in text


def test_s30_is_cited_when_withheld_cells_concern_pending_outcomes():
    out = protect([mps_table()], SdcPolicy(group_rule="off", strategy="suppress"))
    assert out.exemptions == ["s.40(2)", "s.30(1)"]


def test_collapse_to_total_keeps_the_total_rows_and_notes_why():
    table = collapse(mps_table(), "year")
    check_tidy(table)
    assert table.frame.height == 5 * 3 and "year" not in table.frame.columns
    assert any("combined into one total" in n for n in table.notes)


def test_collapse_offences_into_their_groups():
    parents = {
        "offence": {
            "Robbery of personal property": "Robbery",
            "Robbery of business property": "Robbery",
            "Shoplifting": "Theft",
            "Bicycle theft": "Theft",
        }
    }
    table = with_margins(
        "h",
        [("offence", list(parents["offence"]), "All offences"), ("year", ["2021", "2022"], None)],
        {(o, y): 3 for o in parents["offence"] for y in ("2021", "2022")},
        parents=parents,
    )
    assert "offence" in collapsible(table)
    grouped = collapse(table, "offence")
    check_tidy(grouped)
    assert sorted(set(grouped.frame["offence"])) == ["All offences", "Robbery", "Theft"]
    assert grouped.frame.filter(pl.col("offence") == "Robbery")["arrests"].to_list() == [6, 6]


def test_rounding_to_base_5_marks_low_values_and_is_audited():
    values = itertools.cycle([3, 7, 12, 0, 9, 16, 4, 22, 2, 31])
    inner = {(o, y): next(values) for o in OFFENCES for y in YEARS}
    table = with_margins(
        "by_year", [("offence", OFFENCES, "All offences"), ("year", YEARS, "All years")], inner
    )
    out = protect([table], SdcPolicy(strategy="round"))
    assert out.strategy_used == "round" and out.audit.passed
    (table,) = out.tables
    f = table.frame
    shown = f.filter(pl.col("arrests_flag") == "")["arrests"]
    assert (shown % 5 == 0).all()
    assert f.filter(pl.col("arrests_flag").str.contains("[low]", literal=True)).height > 0
    assert any("rounded to the nearest 5" in n for n in out.explanation)


def test_rounding_is_refused_when_low_values_can_be_differenced_exactly():
    import pytest

    from flows.sdc.protect import ProtectionRefused

    with pytest.raises(ProtectionRefused, match="rounding"):
        protect([mps_table()], SdcPolicy(strategy="round"))


def test_rounding_recomputes_derived_cells_from_rounded_counts():
    table = with_margins("w", [("period", ["2014", "2015"], None)], {("2014",): 12, ("2015",): 3})
    f = table.frame.with_columns(change=pl.Series([None, -9], dtype=pl.Int64), change_flag=pl.lit(""))
    from flows.contracts.tidy import Measure

    table = table.__class__(
        table.name,
        table.title,
        table.dimensions,
        (*table.measures, Measure("change", "Change", Role.CHANGE, ("arrests",))),
        f,
    )
    rounded = round_table(table, SdcPolicy(round_base=5))
    assert rounded.frame["arrests"].to_list() == [10, 5]
    assert rounded.frame["change"].to_list() == [None, -5]


def test_fixed_strategy_suppress_never_collapses():
    out = protect([mps_table()], SdcPolicy(group_rule="off", strategy="suppress"))
    assert out.strategy_used == "suppress" and len(hidden(out.tables[0])) > 0
