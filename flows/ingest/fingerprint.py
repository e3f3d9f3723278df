"""An order-independent content hash per table: proof that two warehouses hold the same rows.

A table's fingerprint is its row count and the sum (as a 128-bit integer, so nothing wraps) of DuckDB's
64-bit hash of each whole row. Row order, storage layout and insertion history do not change it; any
changed, missing or extra row does (a sum of hashes, unlike XOR, does not cancel duplicate rows). It is
computed inside DuckDB, so fingerprinting a national table never moves its rows into Python.
"""

from __future__ import annotations

import hashlib

import duckdb

# What a rebuild recreates from the archive. validation.* and disclosure.* are records of what happened
# (the publication record is carried over, never recomputed).
REBUILT_SCHEMAS = ("raw", "staging", "quarantine", "ref", "core", "marts")


def tables(
    con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] = REBUILT_SCHEMAS, catalog: str | None = None
) -> list[str]:
    rows = con.execute(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "where list_contains(?, schema_name) and not temporary and (? is null or database_name = ?) "
        "and not (schema_name = 'core' and table_name in ('build_state', 'build_files', 'build_changes')) "  # what was built, not what
        "and (schema_name, table_name) <> ('raw', 'delivery_log') "  # the log's own lines: rebuilt from it
        "order by 1",
        [list(schemas), catalog, catalog],
    ).fetchall()
    return [r[0] for r in rows]


def fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """``rows:<n> sha256:<digest of the hash sum>`` for one table (a name from ``tables``)."""
    schema, _, name = table.partition(".")
    if not (schema.isidentifier() and name.isidentifier()):
        raise ValueError(f"not a table name: {table!r}")
    count, total = con.execute(
        f'select count(*), coalesce(sum(hash(t)::hugeint), 0) from "{schema}"."{name}" as t'  # noqa: S608
    ).fetchall()[0]
    return f"rows:{count} sha256:{hashlib.sha256(str(total).encode()).hexdigest()[:16]}"


def fingerprints(
    con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] = REBUILT_SCHEMAS
) -> dict[str, str]:
    return {t: fingerprint(con, t) for t in tables(con, schemas)}


def compare(before: dict[str, str], after: dict[str, str]) -> dict[str, str]:
    """Per table: 'identical', 'different', 'missing' (only before) or 'new' (only after)."""
    out = {}
    for table in sorted(set(before) | set(after)):
        if table not in after:
            out[table] = "missing"
        elif table not in before:
            out[table] = "new"
        else:
            out[table] = "identical" if before[table] == after[table] else "different"
    return out
