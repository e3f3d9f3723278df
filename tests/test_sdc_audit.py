"""The independent audit: textbook exposures, the intruder's knowledge, brute force, and release folders."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from audit_helpers import published
from sdc_brute import brute_intervals, every_pattern
from sdc_tables import with_margins

from flows.sdc_audit import AuditTable, KRule, audit_tables
from flows.sdc_audit.release_folder import audit_release_folder

ROW = [("offence", ["A", "B", "C"], "All offences")]
SQUARE = [("offence", ["A", "B"], "All offences"), ("year", ["2021", "2022"], "All years")]
SQUARE_VALUES = {("A", "2021"): 2, ("A", "2022"): 10, ("B", "2021"): 12, ("B", "2022"): 15}


def test_a_row_with_one_withheld_cell_and_a_published_total_is_exposed():
    table = published(ROW, {("A",): 3, ("B",): 20, ("C",): 9}, {("A",)})
    result = audit_tables([table], k=5)
    assert not result.passed
    (problem,) = result.problems
    assert problem.cell == {"offence": "A"} and problem.interval == (3.0, 3.0)
    assert "table.csv" in str(problem) and "offence=A" in str(problem)


def test_two_withheld_cells_in_a_row_can_still_be_bounded_inside_one_to_k_minus_one():
    table = published(ROW, {("A",): 2, ("B",): 1, ("C",): 30}, {("A",), ("B",)})
    result = audit_tables([table], k=5)
    assert {p.cell["offence"] for p in result.problems} == {"A", "B"}  # each is 1 or 2


def test_the_four_cell_pattern_of_a_two_by_two_table_passes_and_three_do_not():
    safe = published(SQUARE, SQUARE_VALUES, {("A", "2021"), ("A", "2022"), ("B", "2021"), ("B", "2022")})
    assert audit_tables([safe], k=5).passed
    unsafe = published(SQUARE, SQUARE_VALUES, {("A", "2021"), ("A", "2022"), ("B", "2021")})
    assert not audit_tables([unsafe], k=5).passed


def test_zeros_published_means_every_withheld_cell_is_at_least_one():
    table = published(ROW, {("A",): 1, ("B",): 2, ("C",): 30}, {("A",), ("B",)})
    assert not audit_tables([table], k=5, zeros_published=True).passed  # A, B in [1, 2]
    assert audit_tables([table], k=5, zeros_published=False, width=1).passed  # A, B in [0, 3]


def test_structural_zeros_are_known_and_protection_width_is_enforced():
    rows = ((("A",), ("[c]",)), (("B",), ("[z]",)), (("C",), ("[c]",)), (("All offences",), (20,)))
    table = AuditTable("z.csv", ("offence",), ("arrests",), rows)
    assert audit_tables([table], k=5).passed  # A + C = 20: each in [1, 19]
    assert not audit_tables([table], k=5, width=30).passed


def test_higher_k_for_a_topic_is_applied():
    table = published(ROW, {("A",): 6, ("B",): 1, ("C",): 30}, {("A",), ("B",)})
    assert audit_tables([table], k=5).passed  # A, B in [1, 6]
    assert not audit_tables([table], k=5, k_rules=[KRule(8, "offence", frozenset({"A"}))]).passed


def test_hierarchies_add_equations_an_intruder_knows():
    parents = {"offence": {"A": "G1", "B": "G1", "C": "G2", "D": "G2"}}
    dims = [("offence", ["A", "B", "C", "D"], "All offences")]
    inner = {("A",): 3, ("B",): 9, ("C",): 8, ("D",): 12}
    table = published(dims, inner, {("A",), ("C",)}, parents)
    unknown = audit_tables([table], k=5)  # groups taken for categories: the total cannot add up
    assert not unknown.passed and "do not fit together" in unknown.problems[0].problem
    result = audit_tables([table], k=5, hierarchies=parents)
    assert [(p.cell, p.interval) for p in result.problems] == [
        ({"offence": "A"}, (3.0, 3.0)),
        ({"offence": "C"}, (8.0, 8.0)),
    ]


def test_linked_tables_are_audited_as_one_system():
    by_year = published(
        SQUARE,
        SQUARE_VALUES,
        {("A", "2021"), ("A", "All years"), ("B", "2021"), ("B", "All years")},
        name="by-year.csv",
    )
    assert audit_tables([by_year], k=5).passed  # A-2021 in [1, 13]
    hidden_too = AuditTable(
        "offences.csv",
        ("offence",),
        ("arrests",),
        ((("A",), ("[c]",)), (("B",), ("[c]",)), (("All offences",), (39,))),
    )
    assert audit_tables([by_year, hidden_too], k=5).passed
    leaked = AuditTable(
        "offences.csv",
        ("offence",),
        ("arrests",),
        ((("A",), (12,)), (("B",), (27,)), (("All offences",), (39,))),
    )
    result = audit_tables([by_year, leaked], k=5)  # A's total, published elsewhere, is A's 'All years' cell
    assert [(p.table, p.cell, p.interval) for p in result.problems] == [
        ("by-year.csv", {"offence": "A", "year": "2021"}, (2.0, 2.0)),
        ("by-year.csv", {"offence": "B", "year": "2021"}, (12.0, 12.0)),
    ]  # exact: narrower than the width


def test_inconsistent_published_figures_are_refused():
    table = AuditTable(
        "bad.csv", ("offence",), ("arrests",), ((("A",), (3,)), (("B",), ("[c]",)), (("All offences",), (2,)))
    )
    result = audit_tables([table], k=5)
    assert not result.passed and "do not fit together" in str(result.problems[0])


def test_rounded_releases_are_audited_with_rounding_intervals():
    ok = published(ROW, {("A",): 5, ("B",): 20, ("C",): 10}, set())
    assert audit_tables([ok], k=5, rounding_base=5).passed
    low = AuditTable(
        "low.csv",
        ("offence",),
        ("arrests",),
        ((("A",), ("[low]",)), (("B",), ("[low]",)), (("All offences",), ("[low]",))),
    )
    result = audit_tables([low], k=5, rounding_base=5)
    assert not result.passed  # A + B in [1, 2] with A, B >= 1: both are 1


def test_derived_cells_next_to_withheld_counts_are_refused():
    rows = ((("2014",), (12, None)), (("2015",), ("[c]", -9)))
    table = AuditTable("w.csv", ("period",), ("arrests", "change"), rows, roles={"change": "change"})
    assert any(
        "withheld count" in p.problem
        for p in audit_tables([table], k=5, comparisons={"change": "period"}).problems
    )
    assert any("not told what" in p.problem for p in audit_tables([table], k=5).problems)
    shown = AuditTable(
        "w.csv",
        ("period",),
        ("arrests", "change"),
        ((("2014",), (12, None)), (("2015",), (15, 3))),
        roles={"change": "change"},
    )
    assert audit_tables([shown], k=5, comparisons={"change": "period"}).passed


def test_group_rule_lets_withheld_zeros_be_zero():
    dims = [("outcome", ["Charged", "NFA", "Pending"], "All outcomes")]
    table = published(
        dims, {("Charged",): 7, ("NFA",): 0, ("Pending",): 0}, {("NFA",), ("Pending",), ("Charged",)}
    )
    with_rule = audit_tables([table], k=5, group_dimension="outcome")
    key = ("table.csv", "arrests", (("outcome", "NFA"),))
    assert with_rule.passed and with_rule.intervals[key][0] == 0
    assert audit_tables([table], k=5).intervals[key][0] == 1  # without the rule a [c] is at least 1


def test_the_audit_imports_nothing_from_the_suppressor():
    for path in Path("flows/sdc_audit").glob("*.py"):
        tree = ast.parse(path.read_text())
        modules = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [
            m
            for m in modules
            if m and (m.startswith("flows.sdc.") or m == "flows.sdc" or m.startswith("flows.contracts"))
        ], path


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_integer_intervals_agree_with_brute_force_on_every_pattern_of_a_small_table(size):
    dims = [("offence", ["A", "B"], "All offences"), ("year", ["2021", "2022", "2023"], None)]
    inner = {
        ("A", "2021"): 2,
        ("A", "2022"): 7,
        ("A", "2023"): 1,
        ("B", "2021"): 5,
        ("B", "2022"): 3,
        ("B", "2023"): 9,
    }
    cells = sorted(
        k for k in [*inner, ("All offences", "2021"), ("All offences", "2022"), ("All offences", "2023")]
    )
    for hidden in every_pattern(cells, size):
        result = audit_tables([published(dims, inner, hidden)], k=5, integer=True)
        brute = brute_intervals(dims, inner, hidden, True, cap=30)
        for cell, (lo, hi) in brute.items():
            key = ("table.csv", "arrests", tuple(zip(("offence", "year"), cell, strict=True)))
            found = result.intervals[key]
            assert found[0] <= lo and (found[1] >= hi if hi < 30 else found[1] >= 30), (hidden, cell)
            if not _certified(found, 5):  # solved exactly: must match
                assert found == (lo, hi), (hidden, cell, found, (lo, hi))


def _certified(interval: tuple[float, float], k: int) -> bool:
    lo, hi = interval
    return hi - lo >= 1 and hi >= k


def test_release_folder_is_audited_from_its_files(tmp_path):
    from test_publish_helpers import publish

    from flows.sdc.policy import SdcPolicy
    from flows.sdc.protect import protect

    table = with_margins(
        "arrests_by_offence_year",
        [("offence", ["A", "B"], "All offences"), ("year", ["2021", "2022"], "All years")],
        SQUARE_VALUES,
    )
    safe = protect([table], SdcPolicy(group_rule="off")).tables
    release = publish(tmp_path / "published", safe).path
    assert audit_release_folder(release).passed
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["tables"][0]["cells_suppressed"] == 4


def test_release_folder_with_a_back_calculable_cell_is_refused(tmp_path):
    from test_publish_helpers import publish

    table = with_margins("arrests_by_offence", ROW, {("A",): 3, ("B",): 20, ("C",): 9})
    f = table.frame.with_columns(
        arrests_flag=table.frame["arrests"].map_elements(
            lambda v: "[c]" if 0 < v < 5 else "", return_dtype=str
        )
    )
    release = publish(tmp_path / "published", [table.with_frame(f)]).path  # guard passes
    result = audit_release_folder(release)
    assert not result.passed
    assert result.problems[0].table.endswith(".csv") and result.problems[0].interval == (3.0, 3.0)


def test_release_folder_audit_takes_the_engine_policy_as_public_rules(tmp_path):
    from test_publish_helpers import publish

    from flows.sdc.gate import audit_options, hierarchies_of
    from flows.sdc.policy import SdcPolicy
    from flows.sdc.protect import protect

    table = with_margins(
        "arrests_by_offence_outcome",
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
            ("B", "Outcome pending"): 3,
        },
    )
    policy = SdcPolicy(strategy="suppress")
    out = protect([table], policy)
    assert out.zeros_may_be_withheld
    release = publish(tmp_path / "published", out.tables).path
    options = audit_options(policy, out.tables, out.comparisons)
    result = audit_release_folder(release, hierarchies_of(out.tables), **options)
    assert result.passed
    zero = ("arrests-by-offence-outcome.csv", "arrests", (("offence", "A"), ("outcome", "No further action")))
    assert result.intervals[zero][0] == 0  # the public group rule: a withheld breakdown cell may be zero
    options["group_dimension"] = None
    assert audit_release_folder(release, hierarchies_of(out.tables), **options).intervals[zero][0] == 1


def test_integer_intervals_solve_the_integer_programme_where_the_lp_optimum_is_fractional():
    """x = y and 0 <= x + y <= 3: the LP says x can reach 1.5, an intruder who knows counts are whole knows
    x <= 1. The LP runs first; its fractional optimum must not be taken as the answer."""
    from flows.sdc_audit.intervals import intervals
    from flows.sdc_audit.knowledge import Knowledge

    know = Knowledge(
        where=[("t", {}, "m"), ("t", {}, "m")],
        lower=[0.0, 0.0],
        upper=[float("inf"), float("inf")],
        withheld=[True, True],
        k=[5, 5],
        equations=[([0, 1], [1.0, -1.0], 0.0, 0.0), ([0, 1], [1.0, 1.0], 0.0, 3.0)],
    )

    def never(i, lo, hi):
        return False

    assert intervals(know, [0], False, never)[0] == (0.0, 1.5)
    assert intervals(know, [0], True, never)[0] == (0.0, 1.0)
