"""The chooser answers as an analyst would: it tries the requested shape, combined periods, categories and
groups, and rounding, and keeps the safe answer that gives the requester most (flows/sdc/score.py)."""

from __future__ import annotations

import polars as pl
from sdc_tables import hidden, with_margins

from flows.contracts.tidy import Dimension, Measure, TidyTable, with_empty_flags
from flows.sdc.choose import in_words
from flows.sdc.policy import ScoreWeights, SdcPolicy
from flows.sdc.protect import protect
from flows.sdc.score import score
from flows.sdc.shapes import alternatives
from flows.sdc.suppress import suppress_tables

OFFENCES = [
    "Assisting unlawful immigration (s.25)",
    "Facilitating entry for gain (s.25A)",
    "Assisting entry in breach of a deportation order (s.25B(1))",
    "Assisting entry of excluded person (s.25B(3))",
]
YEARS = ["2018", "2019", "2020", "2021", "2022"]
FURTHER = ["Charged", "Not charged", "Outcome pending"]
# yearly figures all small (0 to 4), five-year figures 5 or more: what the MPS faced in 01.FOI.22.025326
YEARLY = {
    OFFENCES[0]: [[2, 3, 1, 2, 4], [1, 2, 2, 1, 1], [0, 1, 1, 1, 3]],
    OFFENCES[1]: [[1, 2, 1, 0, 1], [2, 1, 1, 2, 0], [1, 0, 2, 1, 1]],
    OFFENCES[2]: [[1, 0, 1, 1, 2], [1, 1, 2, 0, 1], [0, 2, 1, 1, 1]],
    OFFENCES[3]: [[2, 1, 0, 1, 1], [0, 2, 1, 1, 1], [1, 0, 1, 2, 1]],
}


def mps_seed() -> TidyTable:
    inner = {
        (o, y, f): YEARLY[o][FURTHER.index(f)][YEARS.index(y)]
        for o in OFFENCES
        for y in YEARS
        for f in FURTHER
    }
    return with_margins(
        "part_1",
        [
            ("offence", OFFENCES, "All offences requested"),
            ("period", YEARS, "All periods"),
            ("further_action", FURTHER, "All outcomes"),
        ],
        inner,
    )


def test_the_mps_seed_with_small_yearly_figures_gets_the_table_the_mps_published():
    """Four offences by further action (charged, not charged, outcome pending, all) for 2018 to 2022 combined,
    every offence and further-action total published."""
    out = protect([mps_seed()], SdcPolicy(group_dimension="further_action"))
    assert out.strategy_used == "collapse: period" and out.audit.passed
    (table,) = out.tables
    assert table.dimension_names == ["offence", "further_action"]
    assert set(table.frame["offence"]) == {*OFFENCES, "All offences requested"}
    assert set(table.frame["further_action"]) == {*FURTHER, "All outcomes"}
    totals = table.frame.filter(
        (pl.col("offence") == "All offences requested") | (pl.col("further_action") == "All outcomes")
    )
    assert totals.height == 8 and (totals["arrests_flag"] == "").all()  # every total published
    five_years = table.frame.filter(pl.col("offence") == OFFENCES[0], pl.col("further_action") == "Charged")
    assert five_years["arrests"].item() == sum(YEARLY[OFFENCES[0]][0])
    text = " ".join(out.explanation)
    assert (
        "Method chosen: combining all period categories, which of the ways considered gives the most" in text
    )
    assert (
        "withholding figures in the table as requested" in text
    )  # what else was considered, in general terms
    assert "s.40(2)" in out.exemptions
    assert all(o not in text for o in OFFENCES)  # never names a cell


def test_the_chooser_keeps_the_best_scoring_safe_answer_and_skipping_never_loses_it():
    """Scored one by one without the chooser's shortcut (skip what cannot beat the best found), the chosen
    answer is still the best."""
    table = mps_seed()
    policy = SdcPolicy(group_dimension="further_action")
    scores = {}
    for alt in alternatives([table], policy):
        if alt.rounded:
            continue
        result = suppress_tables(alt.tables, policy)
        scores[alt.name] = score(
            [table], result.tables, policy.score_weights, "_people", [d for d, _ in alt.combined]
        )
    best = max(scores, key=lambda name: scores[name].value)
    out = protect([table], policy)
    assert out.strategy_used == best and out.score.value == scores[best].value


def test_a_table_with_nothing_small_is_answered_as_asked():
    table = with_margins(
        "t",
        [("offence", ["A", "B"], "All offences"), ("period", ["2021", "2022"], "All periods")],
        {("A", "2021"): 9, ("A", "2022"): 12, ("B", "2021"): 7, ("B", "2022"): 30},
    )
    out = protect([table], SdcPolicy())
    assert out.strategy_used == "suppress" and not hidden(out.tables[0])
    assert out.score.exact == out.score.requested == 9 and out.exemptions == []


def test_the_score_follows_the_formula():
    """By hand: offences A (3) and B (9) in two periods; combining periods publishes A and B over both periods,
    which are requested totals (the 'All periods' column)."""
    table = with_margins(
        "t",
        [("offence", ["A", "B"], "All offences"), ("period", ["2021", "2022"], "All periods")],
        {("A", "2021"): 1, ("A", "2022"): 2, ("B", "2021"): 4, ("B", "2022"): 5},
    )
    weights = ScoreWeights(exact=1, covered=1, total=10, combined={}, combined_other=0.5)
    f = table.frame.filter(pl.col("period") == "All periods").drop("period")
    combined = with_empty_flags(
        TidyTable(
            "t",
            "T",
            (Dimension("offence", "Offence", total="All offences"),),
            (Measure("arrests", "Arrests"),),
            f,
        )
    )
    found = score([table], [combined], weights, "_people", ["period"])
    # 3 requested totals exact (A, B, all offences over both periods): 3 x (1 + 10); each covers two yearly
    # cells at its level (A 2021 and A 2022, ...): 3 figures x 2 cells x 1/2; then x 0.5 for combining
    assert found.value == (3 * 11 + 3 * 2 * 0.5) * 0.5 and found.exact == 3 and found.totals == 3
    zero = combined.with_frame(combined.frame.with_columns(arrests=pl.Series([0, 9, 9])))
    assert (
        score([table], [zero], weights, "_people", ["period"]).exact == 3 + 2
    )  # A's years are known to be 0
    asked = score([table], [table], weights, "_people")
    assert asked.value == 9 + 5 * 10 and asked.share == 1.0  # 9 figures, 5 of them totals


def test_combining_is_named_in_words():
    table = mps_seed()
    names = [in_words(a) for a in alternatives([table], SdcPolicy())]
    assert (
        names[0] == "withholding figures in the table as requested"
        and names[-1] == "rounding every figure to base 5"
    )
    assert "combining all period categories" in names
