"""Build and run the queries that count a data part: a units template, then a count per grouping set.

User input reaches SQL only as DuckDB parameters. The only text put into the SQL is (1) the fixed fragments in
``sql/requests/`` and (2) column names taken from the allow-list in :mod:`flows.requests.catalogue`; anything
else is refused before a query is built.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from flows.requests import code_shares
from flows.requests.catalogue import BREAKDOWNS
from flows.requests.code_shares import CodeShares
from flows.requests.errors import SpecError

FOLDER = Path("requests")
UNITS = {"custody": ("custody_units.sql", "offence_rows", "custody_rows"),
         "crime": ("crime_units.sql", "crime_rows", "crime_rows"),
         "police_uk": ("police_uk_units.sql", None, None)}  # fmt: skip
_IDENTIFIER = re.compile(r"^[a-z][a-z_]{0,40}$")
#: tables each source needs; a missing one is reported in words, not as a catalog error.
NEEDS = {"custody": ("core.arrest_offences",), "crime": ("core.crimes",),
         "police_uk": ("staging.police_uk_street_crimes",)}


@dataclass(frozen=True)
class DimPlan:
    """One output dimension: its column, the label of its total (None: no total) and, for offence -> offence
    group, the parent column whose level is a subtotal inside the same dimension."""

    column: str
    total: str | None = None
    parent: str | None = None


def _ident(name: str) -> str:
    if name not in BREAKDOWNS or not _IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not an allow-listed breakdown column")
    return name


@dataclass(frozen=True)
class Composed:
    """The units query (to fill a temp table) and one count query per grouping set over that table."""

    units: str
    counts: tuple[str, ...]
    totals: dict


UNITS_TABLE = "request_units"


def compose(sql_dir: Path, source: str, dims: list[DimPlan], as_at: datetime | None) -> Composed:
    """The SQL texts and the parameter names they use for totals (values are bound by the caller)."""
    template, slot, rows = UNITS[source]
    units = _strip_comments((sql_dir / FOLDER / template).read_text(encoding="utf-8"))
    if slot is not None:
        fragment = (sql_dir / FOLDER / f"{rows}_{'latest' if as_at is None else 'as_at'}.sql").read_text("utf-8")
        units = units.replace("{" + slot + "}", _indent(_strip_comments(fragment)))
    levels, totals, columns = [], {}, []
    for i, d in enumerate(dims):
        col = _ident(d.column)
        parent = _ident(d.parent) if d.parent else None
        columns += [col, *([parent] if parent else [])]
        if d.total is not None:
            totals[f"total_{i}"] = d.total
        if parent:  # the category, its group (a subtotal), the total
            levels.append([[parent, col], [parent], []])
        elif d.total is not None:
            levels.append([[col], []])
        else:
            levels.append([[col]])
    flags = code_shares.COLUMNS if source in ("custody", "crime") else ()
    units += "\nselect " + ", ".join([*dict.fromkeys(columns), "unit_key", "person_key", "is_current", *flags]) + " from units"
    count = _strip_comments((sql_dir / FOLDER / "count_cells.sql").read_text(encoding="utf-8"))
    counts = []
    for combo in itertools.product(*levels):
        grouped = {c for level in combo for c in level}
        labels = [_label(i, d, grouped) for i, d in enumerate(dims)] or ["'All' as all_units"]
        counts.append(count.replace("{labels}", ",\n    ".join(labels)).replace("{units_table}", UNITS_TABLE)
                      .replace("{grouping_set}", ", ".join(sorted(grouped))))
    return Composed(units, tuple(counts), totals)


def _label(i: int, d: DimPlan, grouped: set[str]) -> str:
    """The dimension's output column in one grouping set: its category, its parent's, or its total's label
    (as text, as a total label is; a dimension without a total is in every set and keeps its type)."""
    if d.total is None:
        return d.column
    if d.column in grouped:
        return f"cast({d.column} as varchar) as {d.column}"
    if d.parent and d.parent in grouped:
        return f"cast({d.parent} as varchar) as {d.column}"
    return f"cast($total_{i} as varchar) as {d.column}"


@dataclass(frozen=True)
class Counted:
    """The counts (columns: one per dimension, ``value`` for current windows, ``previous`` for comparison
    windows, and the distinct people behind each) and, for custody and crime, how many of the units had codes
    the reference data could not classify (for the notes)."""

    cells: pl.DataFrame
    shares: CodeShares | None = None


def run_count(
    con: duckdb.DuckDBPyConnection, sql_dir: Path, source: str, dims: list[DimPlan], as_at: datetime | None,
    params: dict,
) -> Counted:
    """The units are computed once into a temp table (a read-only connection may write temp tables), then
    counted one grouping set at a time."""
    check_source(con, source)
    composed = compose(sql_dir, source, dims, as_at)
    bound = {**params, **composed.totals}
    if as_at is not None and source != "police_uk":
        bound["as_at"] = as_at

    def used(sql: str) -> dict:  # DuckDB refuses unused parameters
        return {k: v for k, v in bound.items() if re.search(rf"\${k}\b", sql)}

    con.execute(f"create or replace temp table {UNITS_TABLE} as {composed.units}", used(composed.units))  # noqa: S608
    try:
        cells = pl.concat([con.sql(sql, params=used(sql)).pl() for sql in composed.counts], how="vertical")
        return Counted(cells, code_shares.measure(con, UNITS_TABLE) if source in ("custody", "crime") else None)
    finally:
        con.execute(f"drop table if exists {UNITS_TABLE}")


def check_source(con: duckdb.DuckDBPyConnection, source: str) -> None:
    present = {f"{s}.{t}" for s, t in con.sql(
        "select schema_name, table_name from duckdb_tables() union all "
        "select schema_name, view_name from duckdb_views() where not internal").fetchall()}
    missing = [t for t in NEEDS[source] if t not in present]
    if missing:
        what = {"police_uk": "data.police.uk crimes have not been loaded into this warehouse (the police.uk "
                             "ingest provides them)"}.get(source, "run `disclose nightly` first")
        raise SpecError([("measure", f"the warehouse has no {', '.join(missing)}: {what}")])


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--")).strip()


def _indent(sql: str) -> str:
    return sql.replace("\n", "\n    ")
