"""Sensitivity rules, derived-cell inference, explanations and the benchmark builder."""

from __future__ import annotations

import polars as pl
import pytest
from pydantic import ValidationError
from sdc_tables import with_margins

from flows.contracts.tidy import Dimension, Measure, Role, TidyTable, with_empty_flags
from flows.sdc.bench import SIZES, seeded_table
from flows.sdc.derived import comparison_dimension
from flows.sdc.explain import Facts, explain
from flows.sdc.policy import SdcPolicy, ThresholdOverride
from flows.sdc.rules import FIXED, FREE, HIDDEN, cell_threshold, sensitivity
from flows.sdc.system import SdcInputError, build_system


def _requirements(table, policy):
    system = build_system([table], policy)
    req = sensitivity([table], system, policy)
    state = {}
    for var, refs in enumerate(system.refs):
        row = table.frame.select(table.dimension_names).row(refs[0].row)
        state[row] = (int(req.state[var]), float(req.upl[var]), float(req.lower[var]))
    return state


def test_threshold_cells_need_to_rise_to_k_and_zeros_are_fixed():
    table = with_margins(
        "t", [("offence", ["A", "B", "C"], "All offences")], {("A",): 3, ("B",): 0, ("C",): 9}
    )
    state = _requirements(table, SdcPolicy(group_rule="off"))
    assert state[("A",)] == (HIDDEN, 2.0, 1.0)  # hi >= 5 and lo known to be >= 1
    assert state[("B",)][0] == FIXED and state[("C",)][0] == FREE
    may = _requirements(table, SdcPolicy(group_rule="off", zeros="may_suppress"))
    assert may[("B",)][0] == FREE and may[("A",)][2] == 0.0


def test_protection_width_raises_the_level_for_every_withheld_cell():
    table = with_margins("t", [("offence", ["A", "B"], "All offences")], {("A",): 4, ("B",): 9})
    state = _requirements(table, SdcPolicy(group_rule="off", protection_width=3))
    assert state[("A",)][1] == 3.0  # max(k - v, width)


def test_overrides_apply_below_the_labelled_group_and_never_lower_k():
    d = Dimension("offence", "Offence", total="All", parents={"Rape": "Sexual offences"})
    table = TidyTable("t", "T", (d,), (Measure("arrests", "Arrests"),), pl.DataFrame({"offence": ["Rape"]}))
    policy = SdcPolicy(overrides=(ThresholdOverride(k=10, dimension="offence", labels=("Sexual offences",)),))
    assert cell_threshold(table, {"offence": "Rape"}, policy.k, policy.overrides) == 10
    assert cell_threshold(table, {"offence": "Burglary"}, policy.k, policy.overrides) == 5
    with pytest.raises(ValidationError, match="only raise"):
        SdcPolicy(k=5, overrides=(ThresholdOverride(k=3, dimension="offence", labels=("x",)),))


def test_a_structural_zero_with_a_value_is_an_input_error():
    frame = pl.DataFrame(
        {"offence": ["A", "B", "All"], "arrests": [3, 4, 7], "arrests_flag": ["", "[z]", ""]}
    )
    table = TidyTable(
        "z", "Z", (Dimension("offence", "Offence", total="All"),), (Measure("arrests", "A"),), frame
    )
    with pytest.raises(SdcInputError, match="structural"):
        _requirements(table, SdcPolicy())


def test_group_rule_marks_zeros_of_a_small_single_outcome_row_and_lets_them_be_zero():
    table = with_margins(
        "g",
        [("offence", ["A"], "All offences"), ("outcome", ["Charged", "NFA"], "All outcomes")],
        {("A", "Charged"): 6, ("A", "NFA"): 0},
    )
    state = _requirements(table, SdcPolicy())
    assert state[("A", "NFA")] == (HIDDEN, 1.0, 0.0)
    not_small = _requirements(table, SdcPolicy(group_max_total=5))[("A", "NFA")]
    assert (
        not_small[0] == FREE and not_small[2] == 0.0
    )  # 6 is not small; the zero may still be a secondary cell
    assert _requirements(table, SdcPolicy(group_rule="off"))[("A", "NFA")][0] == FIXED


def test_change_dimension_is_inferred_or_must_be_configured():
    frame = pl.DataFrame(
        {
            "offence": ["A", "A", "B", "B"],
            "year": ["2021", "2022"] * 2,
            "arrests": [9, 12, 7, 7],
            "change": [None, 3, None, 0],
        }
    ).with_columns(pl.col("change").cast(pl.Int64))
    table = with_empty_flags(
        TidyTable(
            "c",
            "C",
            (Dimension("offence", "O"), Dimension("year", "Y")),
            (Measure("arrests", "A"), Measure("change", "Ch", Role.CHANGE, ("arrests",))),
            frame,
        )
    )
    assert comparison_dimension(table, "change", SdcPolicy()) == "year"
    broken = table.with_frame(
        frame.with_columns(pl.Series("change", [None, 5, None, 0])).with_columns(
            pl.lit("").alias("arrests_flag"), pl.lit("").alias("change_flag")
        )
    )
    with pytest.raises(SdcInputError, match="comparisons"):
        comparison_dimension(broken, "change", SdcPolicy())
    assert comparison_dimension(broken, "change", SdcPolicy(comparisons={"c.change": "year"})) == "year"


def test_explanations_are_general_and_cite_the_right_sections():
    policy = SdcPolicy()
    notes, sections = explain(Facts("suppress", withheld=6, primary_kinds={"threshold"}, secondary=3), policy)
    assert sections == ["s.40(2)"] and any("worked out" in n for n in notes)
    notes, sections = explain(
        Facts("suppress", withheld=2, primary_kinds={"threshold"}, pending_withheld=True), policy
    )
    assert sections == ["s.40(2)", "s.30(1)"]
    assert explain(Facts("suppress"), policy) == ([], [])


def test_benchmark_tables_are_seeded_and_have_every_margin():
    small = seeded_table("small", seed=7)
    assert small.frame.height == 9 * 6 * 5
    assert small.frame.equals(seeded_table("small", seed=7).frame)
    assert not small.frame.equals(seeded_table("small", seed=8).frame)
    assert SIZES["large"] == (150, 12, 22)
    from flows.contracts.tidy import check_tidy

    check_tidy(small)


def test_the_notes_say_a_zero_may_be_withheld_exactly_when_one_is():
    """Notes, README and audit agree: where a breakdown zero is shown as [c], the notes do not claim that zeros
    are shown as 0, and the audit lets a [c] in that breakdown be 0."""
    from flows.sdc.protect import protect

    policy = SdcPolicy(strategy="suppress")
    small_row = with_margins(
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
    out = protect([small_row], policy)
    assert out.zeros_may_be_withheld and "Zeros are shown as 0." not in out.explanation
    assert any("a zero may be shown as [c]" in n for n in out.explanation)
    no_zero = with_margins(
        "n",
        [("offence", ["A", "B"], "All offences"), ("outcome", ["Charged", "Other"], "All outcomes")],
        {("A", "Charged"): 3, ("A", "Other"): 9, ("B", "Charged"): 8, ("B", "Other"): 11},
    )
    plain = protect([no_zero], policy)
    assert not plain.zeros_may_be_withheld and "Zeros are shown as 0." in plain.explanation
    hidden_zeros = protect(
        [no_zero], policy.model_copy(update={"zeros": "may_suppress", "group_rule": "off"})
    )
    assert any("[c] does not mean that a figure is at least 1" in n for n in hidden_zeros.explanation)
