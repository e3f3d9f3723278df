"""A table with a year-earlier column, as disclosure control sees it: two linked tables of counts.

Each row of a comparison table holds this period's figure and the same period's a year earlier. The earlier
figure counts other days, and is often a figure the table shows elsewhere (in a 13-month table last
September is both a row and this September's comparison). Shown as two unrelated cells, one could be
withheld and the other shown. So the table goes to the engine as two tables sharing labels: its own counts,
and the year-earlier counts labelled with the windows they cover (``Comparison.previous_labels``); a window
both tables hold is then one cell. Derived measures (change, percentage change) are left out and recomputed
from the final flags, so they are withheld wherever an input is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import polars as pl

from flows.contracts.tidy import Dimension, Role, TidyTable
from flows.requests.derived import DERIVED, derive_changes
from flows.sdc.history import Axes, MeasureAxes

EARLIER = "__a_year_earlier"


def split(table: TidyTable) -> list[TidyTable]:
    """The counts of ``table`` as linked tables for :func:`flows.sdc.protect` (people companions kept)."""
    c = table.comparison
    counts = [m for m in table.measures if m.role not in DERIVED]
    if c is None:
        return [_keep(table, counts)]
    earlier = {c.previous: c.current, f"{c.previous}_people": f"{c.current}_people"}
    own = _keep(table, [m for m in counts if m.name not in earlier])
    kept = [m for m in counts if m.name in earlier]
    frame = table.frame.select(
        *(
            pl.col(d).replace_strict(dict(c.previous_labels)) if d == c.dimension else pl.col(d)
            for d in table.dimension_names
        ),
        *(
            pl.col(col).alias(col.replace(m.name, earlier[m.name], 1))
            for m in kept
            for col in (m.name, m.flag)
        ),
    )
    dims = tuple(_earlier(d, c.previous_labels) if d.name == c.dimension else d for d in table.dimensions)
    measures = tuple(replace(m, name=earlier[m.name]) for m in kept)
    return [
        own,
        TidyTable(f"{table.name}{EARLIER}", table.title, dims, measures, frame, table.notes, table.additive),
    ]


def split_axes(table: TidyTable, axes: Axes) -> dict[str, Axes]:
    """The populations of :func:`split`'s tables: the year-earlier table's labels count last year's days, and
    its figures are the same fact as the current measure's."""
    c = table.comparison
    if c is None:
        return {table.name: axes}
    before = axes.measures.get(c.previous, MeasureAxes())
    now = axes.measures.get(c.current, MeasureAxes())
    axis, _ = axes.dimensions[c.dimension]
    labels = {
        c.previous_labels[label]: values for label, values in before.dimensions.get(c.dimension, {}).items()
    }
    earlier = replace(
        axes,
        dimensions=dict(axes.dimensions) | {c.dimension: (axis, labels)},
        fixed=dict(axes.fixed) | dict(before.fixed),
        measures={c.current: MeasureAxes(counts=before.counts or now.counts or c.current)},
    )
    return {table.name: axes, f"{table.name}{EARLIER}": earlier}


def join(table: TidyTable, protected: list[TidyTable]) -> TidyTable:
    """``table`` with the values and flags the engine decided, derived measures recomputed.

    If the engine combined a dimension away (or rounded), its own table is the answer: when the period
    dimension itself was combined, the year-earlier comparison no longer has rows to sit in and is dropped."""
    own, *rest = protected
    if own.dimension_names != table.dimension_names:
        return replace(own, comparison=None)
    keys = table.dimension_names
    frame = table.frame.select(keys).join(_columns(own), on=keys, how="left", maintain_order="left")
    measures = [m for m in table.measures if m.role is not Role.PEOPLE]
    c = table.comparison
    if c is not None and rest:
        back = {v: k for k, v in c.previous_labels.items()}
        earlier = rest[0].frame.select(
            pl.col(c.dimension).replace_strict(back, default=None),
            *(d for d in keys if d != c.dimension),
            pl.col(c.current).alias(c.previous),
            pl.col(f"{c.current}_flag").alias(f"{c.previous}_flag"),
        )
        frame = frame.join(
            earlier.filter(pl.col(c.dimension).is_not_null()), on=keys, how="left", maintain_order="left"
        )
    frame = frame.select(*keys, *(col for m in measures if m.role not in DERIVED for col in (m.name, m.flag)))
    out = replace(
        table,
        measures=tuple(measures),
        frame=frame,
        rounded_to=own.rounded_to,
        combined=own.combined,
        public_source=own.public_source,
        notes=tuple(dict.fromkeys([*table.notes, *own.notes])),
    )
    return derive_changes(out)  # adds the change columns back, from the final flags


def _earlier(dim: Dimension, previous_labels: Mapping[str, str]) -> Dimension:
    """The year-earlier total counts other days than the table's total: a category of its own (the parent of
    every earlier window), not the dimension's total, which disclosure control would take for the same cell."""
    if dim.total is None:
        return dim
    top = previous_labels[dim.total]
    return replace(dim, total=None, parents={v: top for k, v in previous_labels.items() if k != dim.total})


def _keep(table: TidyTable, measures: list) -> TidyTable:
    cols = [*table.dimension_names, *(col for m in measures for col in (m.name, m.flag))]
    return replace(table, measures=tuple(measures), frame=table.frame.select(cols), comparison=None)


def _columns(own: TidyTable) -> pl.DataFrame:
    return own.frame.select(*own.dimension_names, *(col for m in own.measures for col in (m.name, m.flag)))


__all__ = ["join", "split", "split_axes"]
