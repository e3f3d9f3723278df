"""From the count query's rows to the full grid of cells: every combination shown (zeros included), rows in
reading order (categories as the reference data orders them, subtotals after their parts, totals last), and
periods near the as-at date flagged provisional ``[p]``."""

from __future__ import annotations

import polars as pl

from flows.requests.plan import PartPlan

PROVISIONAL = "[p]"


def dimension_labels(plan: PartPlan, counted: pl.DataFrame) -> dict[str, list[str]]:
    """Each dimension's labels in reading order; a category found in the data but not in the reference list
    (a new station, say) is kept, just before the total."""
    out = {}
    for d in plan.dims:
        col, labels = d.sql.column, list(d.labels)
        extras = sorted(set(counted[col].to_list()) - set(labels)) if counted.height else []
        if extras:
            at = len(labels) - (1 if d.dimension.total else 0)
            labels[at:at] = extras
        out[col] = labels
    return out


def full_grid(plan: PartPlan, counted: pl.DataFrame) -> pl.DataFrame:
    """Columns: dimensions, ``value``, ``previous`` and the distinct people behind each (``people``,
    ``previous_people``), zeros where nothing was counted, in reading order."""
    labels = dimension_labels(plan, counted)
    columns = list(labels)
    grid = None
    for col, values in labels.items():
        frame = pl.DataFrame(
            {col: values, f"__order_{col}": list(range(len(values)))},
            schema={col: pl.String, f"__order_{col}": pl.Int32},
        )
        grid = frame if grid is None else grid.join(frame, how="cross")
    assert grid is not None  # a part always has its period dimension
    counts = ["value", "previous", "people", "previous_people"]
    joined = grid.join(counted.select([*columns, *counts]), on=columns, how="left")
    return (
        joined.with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in counts)
        .sort([f"__order_{c}" for c in columns])
        .drop([f"__order_{c}" for c in columns])
    )


def provisional_flags(plan: PartPlan, grid: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    """Flag expressions for the current and the comparison counts: ``[p]`` where the window ends within the
    part's provisional_days of the last complete day (a total over periods is provisional if any part is)."""
    cutoff = plan.settled_until
    current = {p.label for p in plan.periods if p.provisional}
    previous = {p.label for p in plan.periods if p.previous is not None and p.previous.end > cutoff}
    period_dim = next(d for d in plan.dims if d.sql.column == "period")
    total = period_dim.dimension.total
    if total is not None:
        current |= {total} if current else set()
        previous |= {total} if previous else set()

    def flag(labels: set[str]) -> pl.Expr:
        return pl.when(pl.col("period").is_in(sorted(labels))).then(pl.lit(PROVISIONAL)).otherwise(pl.lit(""))

    return flag(current), flag(previous)
