"""The DuckDB warehouse: one file, opened here and nowhere else, with models run from ``sql/`` in layer order.

Only one process may hold the file read-write, and meanwhile no other may open it at all (DuckDB's rule), so
every command opens it, does its work and closes it, under flows/warehouse_lock.py: writers one at a time,
readers only while no writer holds it, each told in one line who holds it. Schemas follow DESIGN.md: raw,
staging, quarantine, ref, core, marts, validation, disclosure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from flows.config import Settings
from flows.db.transform import LAYERS, LayerBuild, build_layers, update_layers
from flows.warehouse_lock import WarehouseBusy, reading, writing

__all__ = [
    "LAYERS",
    "SCHEMAS",
    "LayerBuild",
    "build_layers",
    "connect",
    "read_sql",
    "run_sql_file",
    "scalar",
    "update_layers",
]

SCHEMAS = ("raw", "staging", "quarantine", "ref", "core", "marts", "validation", "disclosure")


@contextmanager
def connect(settings: Settings, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse with the configured memory limit (DuckDB spills beyond it) and thread count, holding
    the warehouse lock for reading or writing while it is open."""
    path = settings.warehouse_path
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `disclose nightly` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    with reading(settings) if read_only else writing(settings):
        con = _open(path, settings, read_only)
        try:
            if not read_only:
                for schema in SCHEMAS:
                    con.execute(f"create schema if not exists {schema}")
            yield con
        finally:
            con.close()


def _open(path: Path, settings: Settings, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(
            str(path),
            read_only=read_only,
            config={
                "memory_limit": settings.duckdb_memory_limit,
                "threads": settings.duckdb_threads,
                "temp_directory": str(path.parent / "spill"),
            },
        )
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        # a process outside disclose (the DuckDB shell, a notebook) has the file open: DuckDB's own message
        # names it ("Conflicting lock is held in <program> (PID n)")
        found = re.search(r"Conflicting lock is held in (.+?) \(PID (\d+)\)", str(exc))
        held = f"{found[1]} (PID {found[2]})" if found else "another process"
        raise WarehouseBusy(
            f"the warehouse {path} is open in {held}, outside disclose: close it and try again"
        ) from None


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
