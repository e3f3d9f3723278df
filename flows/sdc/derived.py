"""Derived cells (rates, change, percentage change) follow the counts they are computed from.

A change ``x(r) - x(r')`` shown beside a published ``x(r)`` gives ``x(r')`` away; a rate shown beside a
withheld count gives the count away (the population is public). So a derived cell is withheld whenever any
count it uses is withheld, and then it tells an intruder nothing the published counts do not: secondary
suppression can ignore derived cells entirely. A change compares each row with the row holding the
*previous category* (order of first appearance) of one dimension, other labels equal; the dimension comes
from the policy or, failing that, is the one dimension the values agree with.
"""

from __future__ import annotations

import math

import polars as pl

from flows.contracts.tidy import Role, TidyTable
from flows.sdc.policy import SdcPolicy
from flows.sdc.system import SdcInputError

HIDES = ("[c]", "[x]", "[low]")


def previous_rows(table: TidyTable, dim: str) -> dict[int, int]:
    """Row index -> the row with the previous category of ``dim`` (totals never compare)."""
    names = table.dimension_names
    i, total = names.index(dim), table.dimensions[names.index(dim)].total
    labels = [tuple(str(x) for x in row) for row in table.frame.select(names).iter_rows()]
    order = [x for x in dict.fromkeys(row[i] for row in labels) if x != total]
    position = {x: n for n, x in enumerate(order)}
    at = {row: r for r, row in enumerate(labels)}
    out = {}
    for r, row in enumerate(labels):
        p = position.get(row[i])
        if p:
            prev = at.get(row[:i] + (order[p - 1],) + row[i + 1 :])
            if prev is not None:
                out[r] = prev
    return out


def comparison_dimension(table: TidyTable, measure: str, policy: SdcPolicy) -> str:
    """The dimension a change measure is taken along: configured, or the only one its values fit."""
    configured = policy.comparison_for(table.name, measure)
    if configured:
        if configured not in table.dimension_names:
            raise SdcInputError(
                f"table {table.name!r}: comparison dimension {configured!r} for {measure!r} is not "
                f"one of {table.dimension_names}"
            )
        return configured
    fits = [d for d in table.dimension_names if _fits(table, measure, d)]
    if len(fits) != 1:
        raise SdcInputError(
            f"table {table.name!r}: cannot tell what {measure!r} compares (dimensions that fit: "
            f"{fits}); set policy.comparisons['{table.name}.{measure}']"
        )
    return fits[0]


def _fits(table: TidyTable, measure: str, dim: str) -> bool:
    m = table.measure(measure)
    base = table.frame[m.inputs[0]].to_list()
    shown = table.frame[measure].to_list()
    prev = previous_rows(table, dim)
    for r, value in enumerate(shown):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if r not in prev:
            return False
        before, now = base[prev[r]], base[r]
        expected = (
            now - before if m.role is Role.CHANGE else (100.0 * (now - before) / before if before else None)
        )
        if expected is None or abs(float(value) - expected) > 0.5 + 1e-9:
            return False
    return True


def follow_inputs(table: TidyTable, policy: SdcPolicy) -> tuple[TidyTable, dict[str, str]]:
    """Withhold every derived cell with a withheld input; return the table and the comparisons used."""
    f = table.frame
    comparisons: dict[str, str] = {}
    for m in table.measures:
        if m.role is Role.COUNT or not m.inputs:
            continue
        hidden = [_hides(joined) for joined in _any_hidden(f, [table.measure(i).flag for i in m.inputs])]
        if m.role in (Role.CHANGE, Role.PCT_CHANGE):
            dim = comparison_dimension(table, m.name, policy)
            comparisons[f"{table.name}.{m.name}"] = dim
            prev = previous_rows(table, dim)
            hidden = [h or (r in prev and hidden[prev[r]]) for r, h in enumerate(hidden)]
        flags = f[m.flag].to_list()
        f = f.with_columns(
            pl.Series(
                m.flag,
                [
                    _add(flag or "", "[c]") if h and not _hides(flag) else flag or ""
                    for flag, h in zip(flags, hidden, strict=True)
                ],
            )
        )
    return table.with_frame(f), comparisons


def _any_hidden(f: pl.DataFrame, flags: list[str]) -> list[str]:
    return ["".join(parts) for parts in zip(*(f[c].fill_null("").to_list() for c in flags), strict=True)]


def _hides(flag: str | None) -> bool:
    return any(x in (flag or "") for x in HIDES)


def _add(flag: str, mark: str) -> str:
    return flag if mark in flag else mark + flag
