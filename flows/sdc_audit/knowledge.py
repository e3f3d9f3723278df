"""What an intruder knows from published tables: one unknown per distinct count cell, its known bounds, and
the additivity equations rebuilt from the labels alone.

A cell is its population: (as-at, measure, the non-total labels). The same population in two tables (or in
an earlier release with the same as-at) is one unknown. A shown number fixes it (or, under rounding, bounds
it); ``[z]`` is 0; a withheld cell is at least 1 when zeros are published, unless the public group rule may
have hidden a zero there. A dimension's total is the label the table names, else the one starting "All ";
a category's parent is given by the reference hierarchies, else the total, and each margin equals the sum
of the categories whose nearest present ancestor it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flows.sdc_audit.model import AuditTable, KRule, Problem

Hierarchies = Mapping[str, Mapping[str, str]]  # dimension -> category -> parent category
HIDING = ("[c]", "[x]", "[low]")


@dataclass
class Knowledge:
    where: list[tuple[str, dict[str, str], str]] = field(
        default_factory=list
    )  # var -> table, labels, measure
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    withheld: list[bool] = field(default_factory=list)
    k: list[int] = field(default_factory=list)
    equations: list[tuple[list[int], list[float], float, float]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    index: dict[tuple, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Rules:
    k: int
    zeros_published: bool = True
    width: int = 1
    rounding_base: int | None = None
    group_dimension: str | None = None  # the public group rule, when on
    k_rules: Sequence[KRule] = ()
    non_additive: frozenset[str] = frozenset()  # "dimension" or "table.dimension"


def total_label(table: AuditTable, dim: str) -> str | None:
    if dim in table.totals:
        return table.totals[dim]
    i = table.dimensions.index(dim)
    found = sorted({labels[i] for labels, _ in table.rows if labels[i].startswith("All ")})
    if len(found) > 1:
        raise ValueError(
            f"{table.label}: dimension {dim!r} has several labels starting 'All ' {found}; name its "
            "total explicitly"
        )
    return found[0] if found else None


def parents(table: AuditTable, dim: str, hierarchies: Hierarchies) -> dict[str, str]:
    """Each present category -> its nearest present ancestor."""
    i, total = table.dimensions.index(dim), total_label(table, dim)
    present = {labels[i] for labels, _ in table.rows}
    up_of = dict(hierarchies.get(dim, {}))
    out = {}
    for label in present - {total}:
        up, steps = up_of.get(label, total), 0
        while up is not None and up not in present and steps < 100:
            up, steps = (up_of.get(up, total) if up != total else None), steps + 1
        if up is not None and up in present:
            out[label] = up
    return out


def gather(tables: Sequence[AuditTable], rules: Rules, hierarchies: Hierarchies) -> Knowledge:
    know = Knowledge()
    for table in tables:
        totals = {d: total_label(table, d) for d in table.dimensions}
        may_be_zero = _group_zero_rows(table, rules, hierarchies, totals)
        for labels, values in table.rows:
            cell = dict(zip(table.dimensions, labels, strict=True))
            for m, value in zip(table.measures, values, strict=True):
                if table.role(m) != "count":
                    continue
                key = (table.as_at, m, tuple(sorted((d, v) for d, v in cell.items() if v != totals[d])))
                lo, hi, hidden = _bounds(value, rules, (table.name, labels, m) in may_be_zero)
                var = know.index.get(key)
                if var is None:
                    know.index[key] = len(know.lower)
                    know.where.append((table.label, cell, m))
                    know.lower.append(lo)
                    know.upper.append(hi)
                    know.withheld.append(hidden)
                    know.k.append(_k(table, cell, rules, hierarchies))
                    continue
                know.lower[var], know.upper[var] = max(know.lower[var], lo), min(know.upper[var], hi)
                know.withheld[var] = know.withheld[var] and hidden
                know.k[var] = max(know.k[var], _k(table, cell, rules, hierarchies))
                if know.lower[var] > know.upper[var]:
                    know.problems.append(Problem(table.label, cell, m, "shown differently in another table"))
        _equations(table, totals, rules, hierarchies, know)
    return know


def _bounds(value: object, rules: Rules, may_be_zero: bool) -> tuple[float, float, bool]:
    """(least, greatest, withheld) for one shown value."""
    text = str(value).strip() if value is not None else ""
    if "[z]" in text:
        return 0.0, 0.0, False
    if rules.rounding_base and "[low]" in text:
        return 1.0, float((rules.rounding_base - 1) // 2), True
    if any(h in text for h in HIDING) or not text:
        least = 0.0 if (not rules.zeros_published or may_be_zero or "[x]" in text or not text) else 1.0
        return least, float("inf"), True
    number = float(text.replace(",", ""))
    if rules.rounding_base and number > 0:
        b = rules.rounding_base
        return max(0.0, number - b // 2), number + (b - 1) // 2, True
    return number, number, False


def _k(table: AuditTable, cell: dict[str, str], rules: Rules, hierarchies: Hierarchies) -> int:
    k = rules.k
    for rule in rules.k_rules:
        label, steps = cell.get(rule.dimension), 0
        while label is not None and steps < 100:
            if label in rule.labels:
                k = max(k, rule.k)
                break
            label, steps = hierarchies.get(rule.dimension, {}).get(label), steps + 1
    return k


def _group_zero_rows(
    table: AuditTable, rules: Rules, hierarchies: Hierarchies, totals: dict[str, str | None]
) -> set[tuple[str, tuple[str, ...], str]]:
    """Withheld cells the public group rule says may be zero: any cell in the group dimension's breakdown
    (its label there is not the total)."""
    d = rules.group_dimension
    if d is None or d not in table.dimensions:
        return set()
    i = table.dimensions.index(d)
    return {
        (table.name, labels, m) for labels, _ in table.rows if labels[i] != totals[d] for m in table.measures
    }


def _equations(
    table: AuditTable, totals: dict[str, str | None], rules: Rules, hierarchies: Hierarchies, know: Knowledge
) -> None:
    at = {labels: n for n, (labels, _) in enumerate(table.rows)}
    counts = [m for m in table.measures if table.role(m) == "count"]
    for i, d in enumerate(table.dimensions):
        up = parents(table, d, hierarchies)
        sums: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for labels, _ in table.rows:
            if labels[i] in up:
                parent = labels[:i] + (up[labels[i]],) + labels[i + 1 :]
                if parent in at:
                    sums.setdefault(parent, []).append(labels)
        additive = d not in rules.non_additive and f"{table.name}.{d}" not in rules.non_additive
        for parent, children in sums.items():
            for m in counts:
                p, cs = (
                    _var(know, table, parent, m, totals),
                    [_var(know, table, c, m, totals) for c in children],
                )
                if additive:
                    know.equations.append(([p, *cs], [1.0] + [-1.0] * len(cs), 0.0, 0.0))
                else:  # the any-offence rule: the margin is at least each part and at most their sum
                    know.equations.append(([p, *cs], [1.0] + [-1.0] * len(cs), float("-inf"), 0.0))
                    know.equations += [([c, p], [1.0, -1.0], float("-inf"), 0.0) for c in cs]


def _var(
    know: Knowledge, table: AuditTable, labels: tuple[str, ...], m: str, totals: dict[str, str | None]
) -> int:
    return know.index[
        (
            table.as_at,
            m,
            tuple(sorted((d, v) for d, v in zip(table.dimensions, labels, strict=True) if v != totals[d])),
        )
    ]
