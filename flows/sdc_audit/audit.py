"""The release audit: may these published tables go out?

It rebuilds what an intruder knows from the published values alone (:mod:`flows.sdc_audit.knowledge`),
including earlier releases, and refuses the release when any withheld cell can be bounded inside
``[1, k-1]`` or narrowed below the protection width. Under rounding every count is uncertain, and a cell is
exposed when its interval is narrower than the width and may hold a value from 1 to k-1. Derived figures are
checked by rule: a rate or change shown next to a withheld input would give that input away. It imports
nothing from the suppressor, so a bug there cannot hide itself here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flows.sdc_audit.intervals import Inconsistent, intervals
from flows.sdc_audit.knowledge import Hierarchies, Knowledge, Rules, gather, total_label
from flows.sdc_audit.model import AuditResult, AuditTable, KRule, Problem

MILP_MAX_WITHHELD = 150  # integer programming per cell below this many withheld cells


def audit_tables(
    tables: Sequence[AuditTable],
    k: int,
    zeros_published: bool = True,
    hierarchies: Hierarchies | None = None,
    earlier: Sequence[AuditTable] = (),
    *,
    width: int = 1,
    rounding_base: int | None = None,
    group_dimension: str | None = None,
    k_rules: Sequence[KRule] = (),
    non_additive: Sequence[str] = (),
    comparisons: Mapping[str, str] | None = None,
    integer: bool | None = None,
) -> AuditResult:
    """Audit ``tables`` (with ``earlier`` releases, whose withheld cells must stay protected too).

    ``group_dimension``: the group rule is on, so withheld cells in that dimension's breakdown may be zero.
    ``integer`` None: integer programming when the system is small, else LP; True/False forces it.
    ``comparisons`` maps "table.measure" or "measure" to the dimension a change is measured along.
    """
    rules = Rules(
        k, zeros_published, width, rounding_base, group_dimension, tuple(k_rules), frozenset(non_additive)
    )
    everything = [*earlier, *tables]
    try:
        know = gather(everything, rules, hierarchies or {})
    except (ValueError, KeyError) as exc:
        return AuditResult(
            (Problem("release", {}, "", f"cannot read the tables' structure: {exc}"),), 0, "none"
        )
    problems = list(know.problems) + _derived_problems(tables, comparisons or {})
    cells = [i for i, w in enumerate(know.withheld) if w]
    use_milp = integer if integer is not None else len(cells) <= MILP_MAX_WITHHELD
    method = "integer programming (HiGHS MIP)" if use_milp else "linear programming (HiGHS LP)"
    try:
        found = intervals(know, cells, use_milp, lambda i, lo, hi: _passes(know, rules, i, lo, hi))
    except Inconsistent as exc:
        problems.append(
            Problem(
                "release",
                {},
                "",
                f"the published figures do not fit together ({exc}); "
                "check margins, links between tables and the rules given",
            )
        )
        return AuditResult(tuple(problems), len(cells), method)
    for i, (lo, hi) in found.items():
        if not _passes(know, rules, i, lo, hi):
            table, cell, measure = know.where[i]
            problems.append(Problem(table, cell, measure, _why(know, rules, i, lo, hi), (lo, hi)))
    keyed = {
        (know.where[i][0], know.where[i][2], tuple(know.where[i][1].items())): v for i, v in found.items()
    }
    return AuditResult(tuple(problems), len(cells), method, keyed)


def _passes(know: Knowledge, rules: Rules, i: int, lo: float, hi: float) -> bool:
    """Not exposed. Solver noise (1e-6) counts as the intruder knowing the nearer whole number."""
    k, tol = know.k[i], 1e-6
    wide = hi - lo >= rules.width - tol
    if rules.rounding_base:
        return wide or hi < 1 - tol or lo > k - 1 + tol
    return wide and not (lo >= 1 - tol and hi <= k - 1 + tol)


def _why(know: Knowledge, rules: Rules, i: int, lo: float, hi: float) -> str:
    if not rules.rounding_base and lo >= 1 - 1e-6 and hi <= know.k[i] - 1 + 1e-6:
        return f"can be shown to lie between 1 and {know.k[i] - 1}"
    return f"can be narrowed to an interval narrower than {rules.width}"


def _derived_problems(tables: Sequence[AuditTable], comparisons: Mapping[str, str]) -> list[Problem]:
    """A shown rate needs its count shown in the same row; a shown change needs both compared counts shown."""
    problems = []
    for t in tables:
        counts = [j for j, m in enumerate(t.measures) if t.role(m) == "count"]
        for j, m in enumerate(t.measures):
            role = t.role(m)
            if role in ("count", "comparison"):  # "comparison": a count audited as its own table
                continue
            along = comparisons.get(f"{t.name}.{m}") or comparisons.get(m)
            same_row = [t.measures.index(x) for x in t.inputs.get(m, ()) if x in t.measures]
            before = _previous_rows(t, along) if along and not same_row else {}
            for labels, values in t.rows:
                if _hidden(values[j]):
                    continue
                cell = dict(zip(t.dimensions, labels, strict=True))
                rows = [values] + ([before[labels]] if labels in before else [])
                if same_row:
                    if any(_hidden(values[c]) for c in same_row):
                        problems.append(
                            Problem(
                                t.label,
                                cell,
                                m,
                                f"{role} is shown next to a withheld count it is computed from",
                            )
                        )
                elif role in ("change", "pct_change") and not along:
                    problems.append(
                        Problem(
                            t.label,
                            cell,
                            m,
                            "a change is shown but the audit was not told what "
                            "it compares, so it cannot check it",
                        )
                    )
                elif any(_hidden(r[c]) for r in rows for c in counts):
                    problems.append(
                        Problem(
                            t.label, cell, m, f"{role} is shown next to a withheld count it is computed from"
                        )
                    )
    return problems


def _previous_rows(t: AuditTable, dim: str) -> dict[tuple[str, ...], tuple]:
    """Each row -> the row with the previous category of ``dim`` (order of appearance), other labels equal."""
    i, total = t.dimensions.index(dim), total_label(t, dim)
    order = [x for x in dict.fromkeys(labels[i] for labels, _ in t.rows) if x != total]
    by_labels = {labels: values for labels, values in t.rows}
    out = {}
    for labels, _ in t.rows:
        if labels[i] in order and order.index(labels[i]) > 0:
            prev = labels[:i] + (order[order.index(labels[i]) - 1],) + labels[i + 1 :]
            if prev in by_labels:
                out[labels] = by_labels[prev]
    return out


def _hidden(value: object) -> bool:
    text = "" if value is None else str(value)
    return not text.strip() or any(h in text for h in ("[c]", "[x]", "[low]", "[z]"))
