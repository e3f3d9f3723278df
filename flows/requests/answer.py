"""Answer the data parts of a request: resolve offences through the reference data, count with a SQL template
filled only with DuckDB parameters, and return tidy tables (true values; suppression comes next)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from flows.contracts.tidy import Dimension, Measure, Role, TidyTable, with_empty_flags
from flows.requests.spec import DataPart, RequestSpec, SpecError

TEMPLATE = Path("requests") / "arrests_by_selection_period_outcome.sql"


def resolve_selections(con: duckdb.DuckDBPyConnection, names: list[str]) -> list[dict[str, str]]:
    """Each named selection's codes; an unknown name is an error that lists the names that exist."""
    rows = con.execute(
        "select selection, selection_label, cjs_code from ref.offence_selections where selection in (select unnest(?))",
        [names],
    ).fetchall()
    found = {r[0] for r in rows}
    unknown = [n for n in names if n not in found]
    if unknown:
        known = [r[0] for r in con.sql("select distinct selection from ref.offence_selections order by 1").fetchall()]
        raise SpecError(f"offences.selections: unknown selection(s) {unknown}; known selections are {known}")
    order = {n: i for i, n in enumerate(names)}
    return [{"selection_label": label, "cjs_code": code} for _, label, code in sorted(rows, key=lambda r: order[r[0]])]


def answer_part(con: duckdb.DuckDBPyConnection, part: DataPart, sql_dir: Path, table_name: str) -> TidyTable:
    codes = resolve_selections(con, part.offences.selections)
    if part.offences.by == "none":
        codes = [{"selection_label": "Selected offences", "cjs_code": c["cjs_code"]} for c in codes]
    windows = [{"period": w.label, "start_date": w.start, "end_date": w.end} for w in part.periods]
    frame = con.sql(
        (sql_dir / TEMPLATE).read_text(encoding="utf-8"),
        params={"selections": codes, "windows": windows, "outcome_column": part.outcome},
    ).pl()
    frame = _in_spec_order(frame, codes, [w["period"] for w in windows])
    dims = [
        Dimension("offence", "Offence"),
        Dimension("period", "Period"),
        Dimension("outcome", "Outcome" if part.outcome != "further_action" else "Further action"),
    ]
    if part.outcome == "none":
        frame, dims = frame.drop("outcome"), dims[:2]
    table = TidyTable(
        name=table_name,
        title=_title(part),
        dimensions=tuple(dims),
        measures=(Measure("arrests", "Number of arrests", Role.COUNT),),
        frame=frame.with_columns(pl.col("arrests").cast(pl.Int64)),
        notes=(part.interpretation, codes_note(con, part.offences.selections)),
    )
    return with_empty_flags(table)


def codes_note(con: duckdb.DuckDBPyConnection, names: list[str]) -> str:
    """The recorded interpretation in full: every CJS code each selection was taken to cover."""
    rows = con.execute(
        "select s.selection, s.selection_label, s.cjs_code, o.offence_title from ref.offence_selections s "
        "join ref.offences o using (cjs_code) where s.selection in (select unnest(?)) order by s.cjs_code",
        [names],
    ).fetchall()
    parts = []
    for name in names:
        label = next((r[1] for r in rows if r[0] == name), name)
        codes = "; ".join(f"{code} {title}" for sel, _, code, title in rows if sel == name)
        parts.append(f"{label}: {codes}")
    return "CJS offence codes counted. " + " | ".join(parts) + "."


def answer_request(con: duckdb.DuckDBPyConnection, spec: RequestSpec, sql_dir: Path) -> list[TidyTable]:
    return [answer_part(con, part, sql_dir, f"part_{part.id}") for part in spec.data_parts]


def _in_spec_order(frame: pl.DataFrame, codes: list[dict], periods: list[str]) -> pl.DataFrame:
    offence_order = {label: i for i, label in enumerate(dict.fromkeys(c["selection_label"] for c in codes))}
    period_order = {p: i for i, p in enumerate(periods)}
    return (
        frame.with_columns(
            pl.col("offence").replace_strict(offence_order, return_dtype=pl.Int32).alias("__o"),
            pl.col("period").replace_strict(period_order, return_dtype=pl.Int32).alias("__p"),
        )
        .sort(["__o", "__p", "outcome"])
        .drop(["__o", "__p"])
    )


def _title(part: DataPart) -> str:
    first, last = part.periods[0], part.periods[-1]
    span = first.label if len(part.periods) == 1 else f"{first.label} to {last.label}"
    return f"Arrests for the offences requested, {span}"[:200]
