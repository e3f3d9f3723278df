"""Answer the data parts of a request: plan each part against the warehouse, count it with one query, and
return tidy tables holding true values (disclosure control comes next).

``margins`` decides whether totals and subtotals are included. Releases turn it on: disclosure control
(:mod:`flows.release.protection`) protects totals like any cell. It defaults to False for callers that want cells only.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import polars as pl

from flows.contracts.tidy import Comparison, Measure, Role, TidyTable
from flows.requests.catalogue import COMPARISON_SUFFIX
from flows.requests.cells import full_grid, provisional_flags
from flows.requests.code_shares import DEFAULT_K, CodeShares
from flows.requests.derived import derive_changes
from flows.requests.errors import SpecError
from flows.requests.held import NotHeld, check_held
from flows.requests.models import DataPart, RequestSpec
from flows.requests.notes import table_notes
from flows.requests.plan import PartPlan, plan_part
from flows.requests.query import run_count

NON_ADDITIVE_NOTE = "Totals in this table count each unit once"
PEOPLE = "_people"  # the distinct-people companion of a count (SdcPolicy.people_suffix); never published


def answer_request(
    con: duckdb.DuckDBPyConnection,
    spec: RequestSpec,
    sql_dir: Path,
    *,
    margins: bool = False,
    k: int = DEFAULT_K,
    organisation: str | None = None,
) -> list[TidyTable]:
    """One tidy table per data part, in the order of the parts."""
    return [
        table
        for _, table in answer_request_planned(
            con, spec, sql_dir, margins=margins, k=k, organisation=organisation
        )
    ]


def answer_request_planned(
    con: duckdb.DuckDBPyConnection,
    spec: RequestSpec,
    sql_dir: Path,
    *,
    margins: bool = False,
    k: int = DEFAULT_K,
    organisation: str | None = None,
) -> list[tuple[PartPlan, TidyTable]]:
    """Each data part's plan (what its cells count, for the publication record) and table. ``k`` (the
    threshold) decides how precisely the notes may state shares of the population (code_shares.py). A part
    needing a column the extracts did not supply raises :class:`~flows.requests.held.NotHeld` (see
    :func:`answer_spec`)."""
    return [
        answer_part_planned(
            con, part, sql_dir, where=f"parts[{index}]", margins=margins, k=k, organisation=organisation
        )
        for index, part in enumerate(spec.parts)
        if isinstance(part, DataPart)
    ]


def answer_spec(
    con: duckdb.DuckDBPyConnection,
    spec: RequestSpec,
    sql_dir: Path,
    *,
    margins: bool = False,
    k: int = DEFAULT_K,
    organisation: str | None = None,
) -> tuple[RequestSpec, list[tuple[PartPlan, TidyTable]]]:
    """The request as answered: each data part's plan and table, and the spec with every part the extracts
    cannot answer (a column they did not supply for its periods) turned into a "not held in this form" part
    with advice (s.16), so the letter says so instead of guessing."""
    answered, parts = [], []
    for index, part in enumerate(spec.parts):
        if not isinstance(part, DataPart):
            parts.append(part)
            continue
        try:
            answered.append(
                answer_part_planned(
                    con,
                    part,
                    sql_dir,
                    where=f"parts[{index}]",
                    margins=margins,
                    k=k,
                    organisation=organisation,
                )
            )
            parts.append(part)
        except NotHeld as exc:
            parts.append(exc.part)
    return spec.model_copy(update={"parts": parts}), answered


def answer_part(
    con: duckdb.DuckDBPyConnection,
    part: DataPart,
    sql_dir: Path,
    *,
    where: str = "part",
    margins: bool = False,
    k: int = DEFAULT_K,
) -> TidyTable:
    return answer_part_planned(con, part, sql_dir, where=where, margins=margins, k=k)[1]


def answer_part_planned(
    con: duckdb.DuckDBPyConnection,
    part: DataPart,
    sql_dir: Path,
    *,
    where: str = "part",
    margins: bool = False,
    k: int = DEFAULT_K,
    organisation: str | None = None,
) -> tuple[PartPlan, TidyTable]:
    plan = plan_part(con, part, where, margins=margins, organisation=organisation)
    check_held(con, sql_dir, plan, where)
    counted = run_count(
        con,
        sql_dir,
        plan.info.source,
        [d.sql for d in plan.dims],
        plan.as_at_if_requested,
        plan.params(),
        plan.filters,
    )
    return plan, build_table(plan, counted.cells, counted.shares, k=k)


def build_table(
    plan: PartPlan, counted: pl.DataFrame, shares: CodeShares | None = None, *, k: int = DEFAULT_K
) -> TidyTable:
    grid = full_grid(plan, counted)
    name = plan.info.name
    current_flag, previous_flag = provisional_flags(plan, grid)
    people = plan.info.source == "custody" and plan.info.unit != "person"  # the person rule needs them
    measures = [Measure(name, plan.info.title, Role.COUNT)]
    columns = [pl.col("value").alias(name), current_flag.alias(f"{name}_flag")]
    if people:
        measures.append(Measure(f"{name}{PEOPLE}", "Distinct people (never published)", Role.PEOPLE))
        columns += [pl.col("people").alias(f"{name}{PEOPLE}"), pl.lit("").alias(f"{name}{PEOPLE}_flag")]
    comparison = None
    if plan.part.compare != "none":
        previous = f"{name}{COMPARISON_SUFFIX}"
        comparison = Comparison(name, previous, "period", previous_labels(plan))
        if people:
            measures.append(Measure(f"{previous}{PEOPLE}", "Distinct people (never published)", Role.PEOPLE))
            columns += [
                pl.col("previous_people").alias(f"{previous}{PEOPLE}"),
                pl.lit("").alias(f"{previous}{PEOPLE}_flag"),
            ]
        measures += [
            Measure(previous, f"{plan.info.title} in the same period a year earlier", Role.COUNT),
            Measure("change", "Change on the same period a year earlier", Role.CHANGE, (name, previous)),
            Measure(
                "pct_change",
                "Percentage change on the same period a year earlier",
                Role.PCT_CHANGE,
                (name, previous),
            ),
        ]
        columns += [
            pl.col("previous").alias(previous),
            previous_flag.alias(f"{previous}_flag"),
            pl.lit(None, pl.Int64).alias("change"),
            pl.lit("").alias("change_flag"),
            pl.lit(None, pl.Float64).alias("pct_change"),
            pl.lit("").alias("pct_change_flag"),
        ]
    dims = [d.dimension for d in plan.dims]
    frame = grid.select([*(d.name for d in dims), *columns])
    table = TidyTable(
        name=f"part_{plan.part.id.lower()}",
        title=table_title(plan),
        dimensions=tuple(dims),
        measures=tuple(measures),
        frame=frame,
        notes=table_notes(plan, shares, k),
        comparison=comparison,
    )
    table = derive_changes(table)
    return table if plan.additive else mark_non_additive(table)


def previous_labels(plan: PartPlan) -> dict[str, str]:
    """Each period label -> the label of the window its comparison figure covers: the row with that window
    where the table has one (one figure, shown twice), else a label of its own."""
    by_span = {p.span: p.label for p in plan.periods}
    out = {
        p.label: by_span.get(p.previous) or f"{p.previous_label} (compared with {p.label})"
        for p in plan.periods
        if p.previous is not None
    }
    total = next(d.dimension.total for d in plan.dims if d.sql.column == "period")
    if total is not None:
        out[total] = f"{total}, a year earlier"
    return out


def is_additive(table: TidyTable) -> bool:
    """False for a table whose totals are distinct counts, not sums (persons; the any-offence rule)."""
    if hasattr(table, "additive"):
        return bool(table.additive)
    return not any(n.startswith(NON_ADDITIVE_NOTE) for n in table.notes)


def mark_non_additive(table: TidyTable) -> TidyTable:
    """Record that margins are not sums: in the contract's ``additive`` field once it has one (proposed to the
    lead), and always in the notes, which readers see."""
    if "additive" in {f.name for f in dataclasses.fields(table)}:
        return dataclasses.replace(table, additive=False)
    return table


def default_title(plan: PartPlan) -> str:
    dims = [d.dimension.title.lower() for d in plan.dims]
    by = f", by {', '.join(dims[:-1])} and {dims[-1]}" if len(dims) > 1 else ""
    first, last = plan.periods[0].label, plan.periods[-1].label
    span = first if len(plan.periods) == 1 else f"{first} to {last}"
    what = plan.offences.all_label
    return f"{plan.info.noun}{filter_title(plan)}: {what[0].lower() + what[1:]}{by}, {span}"[:200]


def table_title(plan: PartPlan) -> str:
    """The part's own title, with each filter it does not already name (a filter changes what the table
    counts); else the default title, which names them."""
    if not plan.part.title:
        return default_title(plan)
    missing = [
        f.title for f in plan.filters if f.title and f.title.casefold() not in plan.part.title.casefold()
    ]
    return f"{plan.part.title} ({'; '.join(missing)})"[:200] if missing else plan.part.title


def filter_title(plan: PartPlan) -> str:
    """' of people aged 10 to 17 at arrest, made by British Transport Police' (empty without filters)."""
    return "".join(f"{',' if i else ''} {f.title}" for i, f in enumerate(x for x in plan.filters if x.title))


__all__ = ["SpecError", "answer_part", "answer_request", "build_table", "is_additive", "mark_non_additive"]
