"""Secondary suppression on textbook cases: each pattern is the known answer, and the audit agrees."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest
from sdc_tables import flags, hidden, with_margins

from flows.contracts.tidy import Dimension, Measure, Role, TidyTable, with_empty_flags
from flows.sdc.gate import audit_protected
from flows.sdc.policy import SdcPolicy
from flows.sdc.protect import ProtectionRefused, protect
from flows.sdc.system import SdcInputError

PLAIN = SdcPolicy(group_rule="off", strategy="suppress")
HEURISTIC = PLAIN.model_copy(update={"exact_max_cells": 0})


def two_by_two(small: int = 2) -> object:
    return with_margins(
        "t",
        [("offence", ["Robbery", "Theft"], "All offences"), ("year", ["2021", "2022"], "All years")],
        {("Robbery", "2021"): small, ("Robbery", "2022"): 10, ("Theft", "2021"): 12, ("Theft", "2022"): 15},
    )


@pytest.mark.parametrize("policy", [PLAIN, HEURISTIC], ids=["exact", "heuristic"])
def test_a_two_by_two_table_with_one_small_cell_needs_all_four_inner_cells_hidden(policy):
    out = protect([two_by_two()], policy)
    assert hidden(out.tables[0]) == {
        ("Robbery", "2021"),
        ("Robbery", "2022"),
        ("Theft", "2021"),
        ("Theft", "2022"),
    }
    assert out.audit.passed
    assert out.cells_suppressed == 4
    assert out.decisions[("t", (("offence", "Robbery"), ("year", "2021")), "arrests")][0].startswith(
        "threshold"
    )
    assert "secondary" in out.decisions[("t", (("offence", "Theft"), ("year", "2022")), "arrests")][0]


def test_nothing_is_hidden_when_nothing_is_small():
    out = protect([two_by_two(small=7)], PLAIN)
    assert not hidden(out.tables[0]) and out.exemptions == []


def test_a_row_with_one_small_cell_hides_a_partner_in_the_same_row():
    table = with_margins(
        "r", [("offence", ["A", "B", "C"], "All offences")], {("A",): 3, ("B",): 20, ("C",): 9}
    )
    out = protect([table], PLAIN)
    assert hidden(out.tables[0]) == {("A",), ("C",)}  # cheapest partner by value; the total stays
    assert flags(out.tables[0])[("All offences",)] == ""


def test_cost_cells_may_hide_the_total_instead_of_two_cells():
    table = with_margins("r", [("offence", ["A", "B"], "All offences")], {("A",): 3, ("B",): 20})
    by_value = protect([table], PLAIN)
    assert hidden(by_value.tables[0]) == {("A",), ("B",)}
    assert protect([table], PLAIN.model_copy(update={"cost": "cells"})).audit.passed


def test_hierarchy_offence_group_total_is_respected():
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
        {
            ("Robbery of personal property", "2021"): 2,
            ("Robbery of personal property", "2022"): 8,
            ("Robbery of business property", "2021"): 9,
            ("Robbery of business property", "2022"): 11,
            ("Shoplifting", "2021"): 30,
            ("Shoplifting", "2022"): 25,
            ("Bicycle theft", "2021"): 7,
            ("Bicycle theft", "2022"): 6,
        },
        parents=parents,
    )
    out = protect([table], PLAIN)
    assert out.audit.passed
    assert ("Robbery of personal property", "2021") in hidden(out.tables[0])
    assert len(hidden(out.tables[0])) >= 2


def test_linked_tables_hide_a_shared_cell_in_both():
    by_year = with_margins(
        "by_year",
        [("offence", ["A", "B"], "All offences"), ("year", ["2021", "2022"], "All years")],
        {("A", "2021"): 6, ("A", "2022"): 8, ("B", "2021"): 9, ("B", "2022"): 12},
    )
    by_outcome = with_margins(
        "by_outcome",
        [("offence", ["A", "B"], "All offences"), ("outcome", ["Charged", "Other"], "All outcomes")],
        {("A", "Charged"): 2, ("A", "Other"): 12, ("B", "Charged"): 10, ("B", "Other"): 11},
    )
    out = protect([by_year, by_outcome], PLAIN)
    assert out.audit.passed
    year_total = {k[0] for k in hidden(out.tables[0]) if k[1] == "All years"}
    outcome_total = {k[0] for k in hidden(out.tables[1]) if k[1] == "All outcomes"}
    assert year_total == outcome_total  # the offence totals are one cell in both tables


def test_linked_tables_that_disagree_are_refused_with_a_clear_error():
    a = with_margins("a", [("offence", ["A", "B"], "All offences")], {("A",): 6, ("B",): 9})
    b = with_margins("b", [("offence", ["A", "B"], "All offences")], {("A",): 7, ("B",): 9})
    with pytest.raises(SdcInputError, match="disagree"):
        protect([a, b], PLAIN)


def test_a_non_additive_margin_is_modelled_as_bounds_not_a_sum():
    frame = pl.DataFrame({"offence": ["A", "B", "Any offence"], "arrests": [3, 9, 10]})
    table = with_empty_flags(
        TidyTable(
            "any",
            "Any",
            (Dimension("offence", "Offence", total="Any offence"),),
            (Measure("arrests", "Arrests"),),
            frame,
        )
    )
    policy = PLAIN.model_copy(update={"non_additive": ("offence",)})
    out = protect([table], policy)
    assert ("A",) in hidden(out.tables[0]) and out.audit.passed
    with pytest.raises(Exception, match="does not match its parts|margin"):
        protect([table], PLAIN)
    flagged_in_contract = protect([replace(table, additive=False)], PLAIN)  # the contract's own flag
    assert ("A",) in hidden(flagged_in_contract.tables[0]) and flagged_in_contract.audit.passed


def test_three_dimensional_table_with_margins_is_protected_and_audited():
    inner = {
        (o, y, c): v
        for (o, y, c), v in zip(
            [(o, y, c) for o in "AB" for y in ("2021", "2022") for c in ("Charged", "Other")],
            [1, 6, 7, 8, 9, 10, 11, 3],
            strict=True,
        )
    }
    table = with_margins(
        "cube",
        [
            ("offence", ["A", "B"], "All offences"),
            ("year", ["2021", "2022"], "All years"),
            ("outcome", ["Charged", "Other"], "All outcomes"),
        ],
        inner,
    )
    for policy in (PLAIN, HEURISTIC):
        out = protect([table], policy)
        assert {("A", "2021", "Charged"), ("B", "2022", "Other")} <= hidden(out.tables[0])
        assert audit_protected(out.tables, policy, {}).passed


def test_strategy_suppress_refuses_rather_than_publish_when_a_cell_cannot_be_protected():
    frame = pl.DataFrame(
        {"offence": ["A", "B", "All"], "arrests": [3, 0, 3], "arrests_flag": ["", "[z]", ""]}
    )
    table = TidyTable(
        "z", "Z", (Dimension("offence", "Offence", total="All"),), (Measure("arrests", "Arrests"),), frame
    )
    out = protect([table], PLAIN)  # the total can be hidden with the small cell
    assert hidden(out.tables[0]) == {("A",), ("All",)}


def test_group_rule_hides_zeros_in_a_small_row_where_everyone_shares_an_outcome():
    table = with_margins(
        "g",
        [
            ("offence", ["A", "B"], "All offences"),
            ("outcome", ["Charged", "No further action", "Outcome pending"], "All outcomes"),
        ],
        {
            ("A", "Charged"): 7,
            ("A", "No further action"): 0,
            ("A", "Outcome pending"): 0,
            ("B", "Charged"): 20,
            ("B", "No further action"): 15,
            ("B", "Outcome pending"): 12,
        },
    )
    out = protect([table], SdcPolicy(strategy="suppress"))
    shown = flags(out.tables[0])
    assert "[c]" in shown[("A", "No further action")] and "[c]" in shown[("A", "Outcome pending")]
    assert out.audit.passed and out.zeros_may_be_withheld
    assert any("same outcome" in n for n in out.explanation)
    off = protect([table], PLAIN)
    assert not hidden(off.tables[0])


def test_a_single_category_and_its_total_are_hidden_together():
    frame = pl.DataFrame({"offence": ["A", "All"], "arrests": [3, 3]})
    table = with_empty_flags(
        TidyTable(
            "one",
            "One",
            (Dimension("offence", "Offence", total="All"),),
            (Measure("arrests", "Arrests"),),
            frame,
        )
    )
    out = protect([table], PLAIN)
    assert hidden(out.tables[0]) == {("A",), ("All",)}


def test_refusal_says_what_was_tried_when_rounding_cannot_protect():
    table = with_margins("low", [("offence", ["A", "B"], "All offences")], {("A",): 1, ("B",): 1})
    with pytest.raises(ProtectionRefused, match="rounding to base 5 still let figures be worked out"):
        protect([table], PLAIN.model_copy(update={"strategy": "round"}))


def test_people_rule_hides_cells_counting_few_people_and_the_people_column_is_not_published():
    people = {("A",): 2, ("B",): 9, ("All offences",): 11}
    table = with_margins(
        "p",
        [("offence", ["A", "B"], "All offences")],
        {("A",): 8, ("B",): 12},
        extra={"arrests_people": people},
    )
    out = protect([table], PLAIN)
    assert ("A",) in hidden(out.tables[0])
    assert "arrests_people" not in out.tables[0].frame.columns
    assert any(r.startswith("person rule") for r in out.decisions[("p", (("offence", "A"),), "arrests")])


def test_threshold_override_raises_k_for_a_topic_and_its_children():
    from flows.sdc.policy import ThresholdOverride

    parents = {"offence": {"Rape": "Sexual offences", "Other sexual": "Sexual offences", "Burglary": "Theft"}}
    table = with_margins(
        "k",
        [("offence", list(parents["offence"]), "All offences")],
        {("Rape",): 7, ("Other sexual",): 30, ("Burglary",): 7},
        parents=parents,
    )
    policy = PLAIN.model_copy(
        update={"overrides": (ThresholdOverride(k=10, dimension="offence", labels=("Sexual offences",)),)}
    )
    out = protect([table], policy)
    assert ("Rape",) in hidden(out.tables[0]) and ("Burglary",) not in hidden(out.tables[0])
    assert any("higher threshold" in n for n in out.explanation)


def test_derived_change_follows_both_counts_it_compares():
    frame = pl.DataFrame({"period": ["2014 week", "2015 week"], "arrests": [12, 3], "change": [None, -9]})
    frame = frame.with_columns(pl.col("change").cast(pl.Int64))
    table = with_empty_flags(
        TidyTable(
            "w",
            "W",
            (Dimension("period", "Period"),),
            (Measure("arrests", "Arrests"), Measure("change", "Change", Role.CHANGE, ("arrests",))),
            frame,
        )
    )
    out = protect([table], PLAIN)
    f = out.tables[0].frame
    assert f["arrests_flag"].to_list() == ["", "[c]"] and f["change_flag"].to_list() == ["", "[c]"]
    assert out.comparisons == {"w.change": "period"}
