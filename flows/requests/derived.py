"""Derived cells (change and percentage change on the same period a year earlier), computed from the
*published* values of their inputs.

A derived cell next to a hidden input would give the input away (this year 12, change +9: last year was 3),
so a derived cell exists only where both inputs are shown: if either input is ``[c]`` the derived cell is
``[c]`` too and holds no value at all. Run :func:`derive_changes` again after every suppression step
(primary, secondary) so derived cells always follow the final flags of their inputs; disclosure control then
audits derived cells like any other.
"""

from __future__ import annotations

import polars as pl

from flows.contracts.tidy import HIDING_FLAGS, Role, TidyTable

DERIVED = (Role.CHANGE, Role.PCT_CHANGE)


def _has(flag: pl.Expr, mark: str) -> pl.Expr:
    return flag.str.contains(mark, literal=True)


def _hides(flag: pl.Expr) -> pl.Expr:
    return pl.any_horizontal([_has(flag, x) for x in HIDING_FLAGS])


def derive_changes(table: TidyTable) -> TidyTable:
    """(Re)compute every CHANGE and PCT_CHANGE measure from its two inputs (current, previous)."""
    f = table.frame
    for m in table.measures:
        if m.role not in DERIVED:
            continue
        current, previous = (table.measure(i) for i in m.inputs)
        cur_flag, prev_flag = pl.col(current.flag), pl.col(previous.flag)
        confidential = _has(cur_flag, "[c]") | _has(prev_flag, "[c]")
        hidden = _hides(cur_flag) | _hides(prev_flag)
        cur, prev = pl.col(current.name), pl.col(previous.name)
        no_base = (prev == 0) if m.role is Role.PCT_CHANGE else pl.lit(False)
        if m.role is Role.CHANGE:
            raw = (cur - prev).cast(pl.Int64)
        else:
            raw = pl.when(prev != 0).then(((cur - prev) * 100.0 / prev).round(1)).otherwise(None)
        value = pl.when(hidden | no_base).then(None).otherwise(raw)
        flag = (
            pl.when(confidential)
            .then(pl.lit("[c]"))
            .when(hidden)
            .then(pl.lit("[x]"))
            .when(no_base)
            .then(pl.lit("[z]"))
            .otherwise(pl.lit(""))
        )
        provisional = _has(cur_flag, "[p]") | _has(prev_flag, "[p]")
        flag = pl.when(provisional).then(flag + "[p]").otherwise(flag)
        f = f.with_columns(value.alias(m.name), flag.alias(m.flag))
    return table.with_frame(f)
