"""Revisions: a standing release marks ``[r]`` on every figure that differs from the one published for the
same cell in the previous release, so readers can see what changed (late records, updated outcomes).

Only figures shown in both releases are compared: a cell hidden then or now has no published figure to
revise. Call this after disclosure control, on the final flags.
"""

from __future__ import annotations

import polars as pl

from flows.contracts.tidy import HIDING_FLAGS, TidyTable, published_view

REVISED = "[r]"


def mark_revisions(table: TidyTable, previous: pl.DataFrame | None) -> TidyTable:
    """``previous``: the earlier release's published values (dimension columns, and for each measure its
    value column, null where hidden). Adds ``[r]`` where both are shown and the values differ."""
    if previous is None or previous.height == 0:
        return table
    keys = table.dimension_names
    now = published_view(table)
    measures = [m for m in table.measures if m.name in previous.columns]
    before = previous.select([*keys, *(pl.col(m.name).alias(f"__before_{m.name}") for m in measures)])
    joined = now.join(before, on=keys, how="left", maintain_order="left")
    updates = []
    for m in measures:
        shown_now = pl.col(m.name).is_not_null()
        changed = (
            shown_now
            & pl.col(f"__before_{m.name}").is_not_null()
            & (pl.col(m.name).cast(pl.Float64) != pl.col(f"__before_{m.name}").cast(pl.Float64))
        )
        hidden = pl.any_horizontal([pl.col(m.flag).str.contains(x, literal=True) for x in HIDING_FLAGS])
        already = pl.col(m.flag).str.contains(REVISED, literal=True)
        updates.append(
            pl.when(changed & ~hidden & ~already)
            .then(pl.col(m.flag) + REVISED)
            .otherwise(pl.col(m.flag))
            .alias(m.flag)
        )
    flags = joined.select(updates)
    return table.with_frame(table.frame.with_columns(flags))
