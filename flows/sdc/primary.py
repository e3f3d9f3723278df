"""Primary suppression: a count from 1 to k-1 is sensitive and is shown as ``[c]``.

Derived measures (change, percentage change, rates) inherit ``[c]`` from any suppressed input, because a
derived value next to a hidden input would give it away.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from flows.contracts.tidy import Role, TidyTable


def _add_flag(flag: pl.Expr, mark: str, when: pl.Expr) -> pl.Expr:
    return pl.when(when & ~flag.str.contains(mark, literal=True)).then(flag + mark).otherwise(flag)


def suppress_primary(table: TidyTable, threshold: int) -> TidyTable:
    """Flag counts in [1, threshold-1]; zeros stay publishable (a zero reveals nobody)."""
    f = table.frame
    counts = [m for m in table.measures if m.role is Role.COUNT]
    f = f.with_columns(
        _add_flag(pl.col(m.flag), "[c]", pl.col(m.name).is_between(1, threshold - 1)).alias(m.flag) for m in counts
    )
    for m in table.measures:
        if m.role is Role.COUNT or not m.inputs:
            continue
        hidden_input = pl.any_horizontal([pl.col(table.measure(i).flag).str.contains("[c]", literal=True) for i in m.inputs])
        f = f.with_columns(_add_flag(pl.col(m.flag), "[c]", hidden_input).alias(m.flag))
    return table.with_frame(f)


def drop_margins(table: TidyTable) -> TidyTable:
    """Remove every margin row (any dimension at its total or a parent category) and forget the totals.

    Until secondary suppression runs, a published total would let anyone recover a ``[c]`` cell by
    subtraction, so tables carry cells only.
    """
    f = table.frame
    for d in table.dimensions:
        parents = set(d.parents.values()) | ({d.total} if d.total else set())
        if parents:
            f = f.filter(~pl.col(d.name).is_in(sorted(parents)))
    dims = tuple(type(d)(d.name, d.title, None, {}, d.codes) for d in table.dimensions)
    return replace(table, dimensions=dims, frame=f)


def cells_suppressed(table: TidyTable) -> int:
    return int(sum(table.frame[m.flag].str.contains("[c]", literal=True).sum() for m in table.measures))
