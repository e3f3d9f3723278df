"""Shapes an answer can take besides the requested one: publish less detail instead of withholding much.

Collapsing a dimension (years into one total, as the MPS did in 01.FOI.22.025326; offences into their group)
turns many small cells into fewer larger ones, which then go through suppression again. Rounding to base 5
publishes every cell approximately: a non-zero count that rounds to 0 is shown as ``[low]``, margins are
rounded on their own (so they may not add up), and derived cells are recomputed from the rounded counts so
they carry no extra precision. Both return ordinary tidy tables; the audit checks them like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from flows.contracts.tidy import Dimension, Role, TidyTable
from flows.sdc.derived import comparison_dimension, previous_rows
from flows.sdc.policy import SdcPolicy
from flows.sdc.system import nearest_present_parent

HIDING = ("[c]", "[x]", "[low]", "[z]")
#: how every note about a combined dimension ends (explain repeats these notes word for word, so they are one note)
COMBINED_BECAUSE = (
    "because figures for single categories were too small to publish without risk of identifying people."
)


@dataclass(frozen=True)
class Alternative:
    """One way to answer: the tables in that shape (true values), named as the notes will name it."""

    name: str  # "suppress" (the requested shape), "collapse: <dim>[, <dim>]", "round"
    tables: list[TidyTable]
    combined: tuple[tuple[str, str], ...] = ()  # (dimension, "groups" or "total"), in the order applied

    @property
    def rounded(self) -> bool:
        return self.name == "round"


def alternatives(tables: list[TidyTable], policy: SdcPolicy, rounding: bool = True) -> list[Alternative]:
    """The shapes the policy allows, the requested one first: combining one dimension, then a second one (or
    the same one a level further: offences into groups, then into the total), then rounding to base 5."""
    allowed = {
        "auto": ("suppress", "collapse", "round"),
        "suppress": ("suppress",),
        "collapse": ("collapse",),
        "round": ("round",),
    }[policy.strategy]
    out = [Alternative("suppress", tables)] if "suppress" in allowed else []
    if "collapse" in allowed:
        seen: set[tuple] = set()
        frontier = [Alternative("suppress", tables)]
        for _ in range(2):
            grown = []
            for alt in frontier:
                for dim in _dimensions(alt.tables, policy):
                    kind = "groups" if any(_grouped(t, dim) for t in alt.tables) else "total"
                    shaped = [collapse(t, dim) if dim in collapsible(t) else t for t in alt.tables]
                    shape = tuple((t.name, tuple(t.dimension_names), t.frame.height) for t in shaped)
                    if shape in seen:
                        continue
                    seen.add(shape)
                    combined = (*alt.combined, (dim, kind))
                    name = "collapse: " + ", ".join(dict.fromkeys(d for d, _ in combined))
                    grown.append(Alternative(name, shaped, combined))
            out += grown
            frontier = grown
    if "round" in allowed and rounding:
        out.append(Alternative("round", [round_table(t, policy) for t in tables]))
    return out


def _grouped(table: TidyTable, dim: str) -> bool:
    """Would collapsing ``dim`` map categories to their groups (rather than into the total)?"""
    if dim not in table.dimension_names:
        return False
    i = table.dimension_names.index(dim)
    return _has_groups(table, i, set(table.frame[dim].cast(pl.String).to_list()))


def _dimensions(tables: list[TidyTable], policy: SdcPolicy) -> list[str]:
    found = list(dict.fromkeys(d for t in tables for d in collapsible(t)))
    return [d for d in policy.collapse_dimensions if d in found] if policy.collapse_dimensions else found


def collapsible(table: TidyTable) -> list[str]:
    """Dimensions that can be collapsed: those with a total row or a hierarchy below the total (a table keeps
    at least one dimension)."""
    out = []
    for i, d in enumerate(table.dimensions):
        if len(table.dimensions) == 1 and not _has_groups(table, i, set(table.frame[d.name].cast(pl.String))):
            continue
        present = set(table.frame[d.name].cast(pl.String).to_list())
        if (d.total in present and len(present) > 1) or _has_groups(table, i, present):
            out.append(d.name)
    return out


def _has_groups(table: TidyTable, i: int, present: set[str]) -> bool:
    d = table.dimensions[i]
    return any(d.parent_of(c) not in (None, d.total) for c in present)


def collapse(table: TidyTable, dim: str) -> TidyTable:
    """Offences into their groups where a hierarchy exists; otherwise the whole dimension into its total."""
    i = table.dimension_names.index(dim)
    present = set(table.frame[dim].cast(pl.String).to_list())
    if _has_groups(table, i, present):
        return _to_groups(table, i, present)
    return _to_total(table, i)


def _to_total(table: TidyTable, i: int) -> TidyTable:
    """Keep the total rows (counts and rates); without them, add the rows up (counts only). Changes go:
    what they compared may be the dimension that is gone."""
    d = table.dimensions[i]
    dims = table.dimensions[:i] + table.dimensions[i + 1 :]
    f = table.frame
    if d.total is not None and f[d.name].cast(pl.String).eq(d.total).any():
        keep = [m for m in table.measures if m.role in (Role.COUNT, Role.RATE)]
        f = f.filter(pl.col(d.name).cast(pl.String) == d.total)
    else:
        keep = [m for m in table.measures if m.role is Role.COUNT]
        f = _sum_rows(f, [x.name for x in dims], keep)
    columns = [x.name for x in dims] + [c for m in keep for c in (m.name, m.flag)]
    f = f.select(columns).with_columns(
        pl.col(m.flag).map_elements(_clear, return_dtype=pl.String) for m in keep
    )
    note = f"{d.title}: categories are combined into one total, {COMBINED_BECAUSE}"
    what = (
        f"{d.total[:1].lower()}{d.total[1:]} combined"
        if d.total
        else f"{d.title.lower()} categories combined"
    )
    return replace(
        table,
        dimensions=dims,
        measures=tuple(keep),
        frame=f,
        notes=(*table.notes, note),
        combined=(*table.combined, what),
    )


def _to_groups(table: TidyTable, i: int, present: set[str]) -> TidyTable:
    """Drop categories whose parent is shown; map the rest one level up and add them together."""
    d = table.dimensions[i]
    parent = nearest_present_parent(table, i, present)
    shown_parents = set(parent.values())
    detail = {c for c, p in parent.items() if p != d.total} | {
        c for c in present if c not in parent and d.parent_of(c) not in (None, d.total)
    }
    up = {c: parent.get(c) or d.parent_of(c) for c in detail}
    f = table.frame.filter(~pl.col(d.name).is_in(sorted(c for c in detail if up[c] in shown_parents)))
    f = f.with_columns(pl.col(d.name).replace(up))
    counts = [m for m in table.measures if m.role is Role.COUNT]
    f = _sum_rows(f, table.dimension_names, counts)
    parents = {c: p for c, p in d.parents.items() if c not in detail}
    dims = (
        table.dimensions[:i]
        + (Dimension(d.name, d.title, d.total, parents, d.codes),)
        + table.dimensions[i + 1 :]
    )
    note = f"{d.title}: shown by group only, {COMBINED_BECAUSE}"
    return replace(
        table,
        dimensions=dims,
        measures=tuple(counts),
        frame=f,
        notes=(*table.notes, note),
        combined=(*table.combined, f"{d.title.lower()} shown by group only"),
    )


def _sum_rows(f: pl.DataFrame, dims: list[str], counts: list) -> pl.DataFrame:
    return (
        f.group_by(dims, maintain_order=True)
        .agg(
            [pl.col(m.name).sum() for m in counts]
            + [
                pl.col(m.flag).map_elements(_clear, return_dtype=pl.String).str.join("").alias(m.flag)
                for m in counts
            ]
        )
        .with_columns(pl.col(m.flag).map_elements(_unique_marks, return_dtype=pl.String) for m in counts)
    )


def _clear(flag: str | None) -> str:
    """Keep what qualifies a value ([p], [r]); drop what hid it (disclosure control runs again)."""
    flag = flag or ""
    for h in HIDING[:3]:
        flag = flag.replace(h, "")
    return flag


def _unique_marks(flag: str) -> str:
    return "".join(sorted({"[" + p for p in flag.split("[") if p}))


def round_table(table: TidyTable, policy: SdcPolicy) -> TidyTable:
    """Counts to the nearest ``policy.round_base`` (halves up); a non-zero count that rounds to 0 becomes
    ``[low]``."""
    base = policy.round_base
    f = table.frame
    exprs = []
    for m in table.measures:
        if m.role is not Role.COUNT:
            continue
        rounded = (
            ((pl.col(m.name) + base // 2) // base * base).cast(pl.Int64)
            if base % 2
            else ((pl.col(m.name) * 2 + base) // (2 * base) * base).cast(pl.Int64)
        )
        low = (pl.col(m.name) > 0) & (rounded == 0)
        flag = pl.col(m.flag).fill_null("")
        exprs += [
            rounded.alias(m.name),
            pl.when(low & ~flag.str.contains("[low]", literal=True))
            .then(pl.lit("[low]") + flag)
            .otherwise(flag)
            .alias(m.flag),
        ]
    out = f.with_columns(exprs)
    return replace(_rederive(table, out, policy), rounded_to=base)


def _rederive(table: TidyTable, rounded: pl.DataFrame, policy: SdcPolicy) -> TidyTable:
    """Derived cells from rounded counts; where an input is [low] the derived cell is not available."""
    f = rounded
    result = table.with_frame(f)
    for m in table.measures:
        if m.role is Role.COUNT or not m.inputs:
            continue
        src = m.inputs[0]
        now, was = f[src].to_list(), table.frame[src].to_list()
        low = ["[low]" in (x or "") for x in f[table.measure(src).flag].to_list()]
        values, flags = f[m.name].to_list(), f[m.flag].fill_null("").to_list()
        if m.role is Role.RATE:
            new = [
                None if v is None else (v * now[r] / was[r] if was[r] else 0.0) for r, v in enumerate(values)
            ]
            gone = low
        else:
            prev = previous_rows(result, comparison_dimension(table, m.name, policy))
            new = [None] * len(values)
            for r, p in prev.items():
                new[r] = (
                    now[r] - now[p]
                    if m.role is Role.CHANGE
                    else (round(100.0 * (now[r] - now[p]) / now[p], 1) if now[p] else None)
                )
            gone = [low[r] or (r in prev and low[prev[r]]) for r in range(len(values))]
        flags = [("[x]" + fl if g and "[x]" not in fl else fl) for fl, g in zip(flags, gone, strict=True)]
        f = f.with_columns(
            pl.Series(m.name, new, dtype=f[m.name].dtype, strict=False), pl.Series(m.flag, flags)
        )
    return table.with_frame(f)
