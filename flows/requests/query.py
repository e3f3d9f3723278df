"""Build and run the queries that count a data part: a units template, then a count per grouping set.

User input reaches SQL only as DuckDB parameters. The only text put into the SQL is (1) the fixed fragments in
``sql/requests/`` and (2) column names taken from the allow-list in :mod:`flows.requests.catalogue`; anything
else is refused before a query is built.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

import duckdb
import polars as pl

from flows.requests import code_shares
from flows.requests.catalogue import BREAKDOWNS, NOT_RECORDED, OptionalColumn
from flows.requests.code_shares import CodeShares
from flows.requests.errors import SpecError

FOLDER = Path("requests")
UNITS = {"custody": ("custody_units.sql", "offence_rows", "custody_rows"),
         "crime": ("crime_units.sql", "crime_rows", "crime_rows"),
         "police_uk": ("police_uk_units.sql", None, None),
         "stop_search": ("stop_search_units.sql", None, None)}  # fmt: skip
_IDENTIFIER = re.compile(r"^[a-z][a-z_]{0,40}$")
#: tables each source needs; a missing one is reported in words, not as a catalog error.
NEEDS = {
    "custody": ("core.arrest_offences",),
    "crime": ("core.crimes",),
    "police_uk": ("staging.police_uk_street_crimes",),
    "stop_search": ("staging.police_uk_stop_searches",),
}
#: the relation each rows fragment reads (latest, as at), for optional columns it may or may not have yet
RELATION = {"custody": ("core.arrest_offences", "core.arrest_offences_as_known_at(timestamp '2000-01-01')"),
            "crime": ("core.crimes", "core.crimes_as_known_at(timestamp '2000-01-01')")}  # fmt: skip
#: the date a record of the source is dated by, in its rows fragment (for "does any record have a value")
RECORD_DATE = {"custody": "cast(arrest_at as date)", "crime": "recorded_date"}


class Filtering(Protocol):
    """A resolved filter (flows.requests.filters.ResolvedFilter): keep or exclude ``values`` of ``name``."""

    name: str
    mode: str
    values: tuple[str, ...]

    @property
    def in_sql(self) -> bool: ...


@dataclass(frozen=True)
class DimPlan:
    """One output dimension: its column, the label of its total (None: no total) and, for offence -> offence
    group, the parent column whose level is a subtotal inside the same dimension."""

    column: str
    total: str | None = None
    parent: str | None = None


#: identifiers the builder may write: breakdown columns of the units, and the optional source columns
ALLOWED = frozenset(BREAKDOWNS) | {b.optional.column for b in BREAKDOWNS.values() if b.optional}


def _ident(name: str) -> str:
    if name not in ALLOWED or not _IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not an allow-listed breakdown column")
    return name


@dataclass(frozen=True)
class Composed:
    """The units query (to fill a temp table) and one count query per grouping set over that table."""

    units: str
    counts: tuple[str, ...]
    totals: dict


UNITS_TABLE = "request_units"


def compose(
    sql_dir: Path,
    source: str,
    dims: list[DimPlan],
    as_at: datetime | None,
    filters: Sequence[Filtering] = (),
    present: frozenset[str] = frozenset(),
) -> Composed:
    """The SQL texts and the parameter names they use for totals and filters (values are bound by the caller).
    ``present``: the optional columns the source's rows have (the others are not held: every label is
    'Not recorded')."""
    template, slot, rows = UNITS[source]
    units = _strip_comments((sql_dir / FOLDER / template).read_text(encoding="utf-8"))
    if slot is not None:
        units = units.replace("{" + slot + "}", _indent(rows_fragment(sql_dir, source, as_at, present)))
    labels = ""
    for b in BREAKDOWNS.values():
        if b.optional and b.optional.source == source and b.optional.label_sql:
            known = b.optional.column in present
            label = (
                b.optional.label_sql.format(c=f"{slot}.{_ident(b.optional.column)}")
                if known
                else (f"['{NOT_RECORDED}']" if b.set_valued else f"'{NOT_RECORDED}'")
            )
            labels += f",\n        {label} as {_ident(b.name)}"
    units = units.replace("{optional_labels}", labels)
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
    conditions = []
    for i, f in enumerate(x for x in filters if x.in_sql):
        col = _ident(f.name)
        test = "list_has_any" if BREAKDOWNS[f.name].set_valued else "list_contains"  # a unit's list, whole
        conditions.append(f"{'' if f.mode == 'keep' else 'not '}{test}($filter_{i}, {col})")
    flags = code_shares.COLUMNS if source in ("custody", "crime") else ()
    selected = [  # a unit with several categories of a set-valued column is a row under each
        f"unnest({c}) as {c}" if BREAKDOWNS.get(c) and BREAKDOWNS[c].set_valued else c
        for c in dict.fromkeys(columns)
    ]
    units += (
        "\nselect "
        + ", ".join([*selected, "unit_key", "person_key", "is_current", *flags])
        + "\nfrom units"
        + ("\nwhere " + "\n    and ".join(conditions) if conditions else "")
    )
    count = _strip_comments((sql_dir / FOLDER / "count_cells.sql").read_text(encoding="utf-8"))
    counts = []
    for combo in itertools.product(*levels):
        grouped = {c for level in combo for c in level}
        labels = [_label(i, d, grouped) for i, d in enumerate(dims)] or ["'All' as all_units"]
        names = [_ident(d.column) for d in dims] or ["all_units"]
        counts.append(
            count.replace("{labels}", ",\n        ".join(labels))
            .replace("{units_table}", UNITS_TABLE)
            .replace("{grouping_set}", ", ".join(sorted(grouped)))
            .replace(
                "{coalesced}",
                ",\n    ".join(f"coalesce(current_window.{n}, previous_window.{n}) as {n}" for n in names),
            )
            .replace(
                "{matched}",
                "\n    and ".join(
                    f"current_window.{n} is not distinct from previous_window.{n}" for n in names
                ),
            )
        )
    return Composed(units, tuple(counts), totals)


def rows_fragment(sql_dir: Path, source: str, as_at: datetime | None, present: frozenset[str]) -> str:
    """The source's rows (latest, or as known at ``as_at``) with the optional columns it has."""
    _, _, rows = UNITS[source]
    fragment = (sql_dir / FOLDER / f"{rows}_{'latest' if as_at is None else 'as_at'}.sql").read_text("utf-8")
    extra = "".join(
        f",\n    {_ident(b.optional.column)}"
        for b in BREAKDOWNS.values()
        if b.optional
        and b.optional.source == source
        and b.optional.label_sql
        and b.optional.column in present
    )
    return _strip_comments(fragment).replace("{optional_columns}", extra)


def present_columns(con: duckdb.DuckDBPyConnection, source: str, as_at: datetime | None) -> frozenset[str]:
    """The optional columns of the source that its rows relation has (a warehouse built before a column
    existed has not)."""
    wanted = [b.optional.column for b in BREAKDOWNS.values() if b.optional and b.optional.source == source]
    if not wanted or source not in RELATION:
        return frozenset()
    relation = RELATION[source][0 if as_at is None else 1]  # constants
    try:
        have = {r[0] for r in con.sql(f"describe select * from {relation}").fetchall()}  # noqa: S608
    except duckdb.Error:
        return frozenset()
    return frozenset(c for c in wanted if c in have)


def columns_held(
    con: duckdb.DuckDBPyConnection,
    sql_dir: Path,
    source: str,
    columns: Sequence[OptionalColumn],
    as_at: datetime | None,
    first: date,
    last: date,
) -> dict[str, bool]:
    """Does any record dated from ``first`` to ``last`` have a value in each optional column? A column the
    rows do not have at all is not held either."""
    present = present_columns(con, source, as_at)
    out = {c.column: False for c in columns}
    asked = [c.column for c in columns if c.column in present]
    if not asked:
        return out
    checks = ", ".join(f"count({_ident(c)}) > 0" for c in asked)
    sql = (
        f"with rows as (\n    {_indent(rows_fragment(sql_dir, source, as_at, present))}\n)\n"  # noqa: S608
        f"select {checks} from rows where {RECORD_DATE[source]} between $first and $last"
    )
    params = {"first": first, "last": last} | ({"as_at": as_at} if as_at is not None else {})
    found = con.sql(sql, params=params).fetchall()[0]
    return out | dict(zip(asked, found, strict=True))


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
    con: duckdb.DuckDBPyConnection,
    sql_dir: Path,
    source: str,
    dims: list[DimPlan],
    as_at: datetime | None,
    params: dict,
    filters: Sequence[Filtering] = (),
) -> Counted:
    """The units are computed once into a temp table (a read-only connection may write temp tables), keeping
    the units the filters keep, then counted one grouping set at a time (rows, when no unit has two)."""
    check_source(con, source)
    composed = compose(sql_dir, source, dims, as_at, filters, present_columns(con, source, as_at))
    bound = {
        **params,
        **composed.totals,
        **{f"filter_{i}": list(f.values) for i, f in enumerate(x for x in filters if x.in_sql)},
    }
    if as_at is not None and source != "police_uk":
        bound["as_at"] = as_at

    def used(sql: str) -> dict:  # DuckDB refuses unused parameters
        return {k: v for k, v in bound.items() if re.search(rf"\${k}\b", sql)}

    con.execute(f"create or replace temp table {UNITS_TABLE} as {composed.units}", used(composed.units))  # noqa: S608
    try:
        check = f"select count(*) = count(distinct unit_key) from {UNITS_TABLE}"  # noqa: S608 - a constant
        one_row_each = con.sql(check).fetchall()[0][0]
        unit_count = "count(*)" if one_row_each else "count(distinct unit_key)"
        counts = [sql.replace("{unit_count}", unit_count) for sql in composed.counts]
        cells = pl.concat([con.sql(sql, params=used(sql)).pl() for sql in counts], how="vertical")
        return Counted(
            cells, code_shares.measure(con, UNITS_TABLE) if source in ("custody", "crime") else None
        )
    finally:
        con.execute(f"drop table if exists {UNITS_TABLE}")


def check_source(con: duckdb.DuckDBPyConnection, source: str) -> None:
    present = {
        f"{s}.{t}"
        for s, t in con.sql(
            "select schema_name, table_name from duckdb_tables() union all "
            "select schema_name, view_name from duckdb_views() where not internal"
        ).fetchall()
    }
    missing = [t for t in NEEDS[source] if t not in present]
    if missing:
        what = {
            "police_uk": "data.police.uk crimes have not been loaded into this warehouse (the police.uk "
            "ingest provides them)",
            "stop_search": "data.police.uk stop-and-search files have not been loaded into this warehouse",
        }.get(source, "run `disclose nightly` first")
        raise SpecError([("measure", f"the warehouse has no {', '.join(missing)}: {what}")])


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--")).strip()


def _indent(sql: str) -> str:
    return sql.replace("\n", "\n    ")
