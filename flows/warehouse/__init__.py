"""The DuckDB warehouse: one file, opened here and nowhere else, with models run from ``sql/`` in layer order.

Only one process may hold the file read-write (DuckDB's rule), so every command opens it, does its work and
closes it. Schemas follow DESIGN.md: raw, staging, quarantine, ref, core, marts, validation, disclosure.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from flows.config import Settings
from flows.warehouse.transform import LAYERS, LayerBuild, build_layers, update_layers

__all__ = ["LAYERS", "SCHEMAS", "LayerBuild", "build_layers", "connect", "read_sql", "run_sql_file", "scalar",
           "update_layers"]

SCHEMAS = ("raw", "staging", "quarantine", "ref", "core", "marts", "validation", "disclosure")


@contextmanager
def connect(settings: Settings, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse with the configured memory limit (DuckDB spills beyond it) and thread count."""
    path = settings.warehouse_path
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `disclose nightly` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    spill = path.parent / "spill"
    con = duckdb.connect(
        str(path),
        read_only=read_only,
        config={
            "memory_limit": settings.duckdb_memory_limit,
            "threads": settings.duckdb_threads,
            "temp_directory": str(spill),
        },
    )
    try:
        if not read_only:
            for schema in SCHEMAS:
                con.execute(f"create schema if not exists {schema}")
        yield con
    finally:
        con.close()


def read_sql(path: Path) -> str:
    """One statement per file (so DuckDB parameters can be bound); comments allowed."""
    return path.read_text(encoding="utf-8")


def run_sql_file(con: duckdb.DuckDBPyConnection, path: Path, params: dict | None = None) -> None:
    con.execute(read_sql(path), params or {})


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None) -> object:
    """First value of a query, with the result fully consumed (DuckDB 2.0 refuses new work on a connection
    that still has an unfinished result)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None
