"""Build and run the one query that counts a data part: a units template plus the grouping-sets count.

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

from flows.requests.catalogue import BREAKDOWNS
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


def compose(sql_dir: Path, source: str, dims: list[DimPlan], as_at: datetime | None) -> tuple[str, dict]:
    """The SQL text and the parameter names it uses for totals (values are bound by the caller)."""
    template, slot, rows = UNITS[source]
    units = _strip_comments((sql_dir / FOLDER / template).read_text(encoding="utf-8"))
    if slot is not None:
        fragment = (sql_dir / FOLDER / f"{rows}_{'latest' if as_at is None else 'as_at'}.sql").read_text("utf-8")
        units = units.replace("{" + slot + "}", _indent(_strip_comments(fragment)))
    labels, levels, totals = [], [], {}
    for i, d in enumerate(dims):
        col = _ident(d.column)
        parent = _ident(d.parent) if d.parent else None
        if d.total is not None:
            totals[f"total_{i}"] = d.total
        if parent:
            labels.append(f"case when grouping({col}) = 0 then {col} when grouping({parent}) = 0 then {parent} "
                          f"else $total_{i} end as {col}")
            levels.append([[parent, col], [parent], []])
        elif d.total is not None:
            labels.append(f"case when grouping({col}) = 0 then {col} else $total_{i} end as {col}")
            levels.append([[col], []])
        else:
            labels.append(col)
            levels.append([[col]])
    sets = [sorted({c for level in combo for c in level}) for combo in itertools.product(*levels)]
    grouping_sets = ", ".join("(" + ", ".join(s) + ")" for s in sets)
    count = (sql_dir / FOLDER / "count_cells.sql").read_text(encoding="utf-8")
    count = _strip_comments(count)
    sql = count.replace("{units}", units).replace("{labels}", ",\n        ".join(labels or ["'All' as all_units"]))
    return sql.replace("{grouping_sets}", grouping_sets), totals


def run_count(
    con: duckdb.DuckDBPyConnection, sql_dir: Path, source: str, dims: list[DimPlan], as_at: datetime | None,
    params: dict,
) -> pl.DataFrame:
    """Columns: one per dimension, ``value`` (current windows) and ``previous`` (comparison windows)."""
    check_source(con, source)
    sql, totals = compose(sql_dir, source, dims, as_at)
    bound = {**params, **totals}
    if as_at is not None and source != "police_uk":
        bound["as_at"] = as_at
    used = {k: v for k, v in bound.items() if re.search(rf"\${k}\b", sql)}  # DuckDB refuses unused parameters
    return con.sql(sql, params=used).pl()


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
