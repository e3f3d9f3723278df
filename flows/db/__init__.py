"""The DuckDB warehouse, opened here and nowhere else, with models run from ``sql/`` in layer order.

Readers open the published snapshot (``warehouse/disclose.duckdb``) read-only and never wait: a writer builds
the next snapshot beside it and publishes it by a rename (flows/db/snapshots.py). Writers take the writer lock
one at a time (flows/warehouse_lock.py), each told in one line who holds it. A writer's work is published when
its block ends, unless it runs inside :func:`snapshots.deferred` (the nightly run publishes once validation
has passed). Schemas follow DESIGN.md: raw, staging, quarantine, ref, core, marts, validation, disclosure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from flows.config import Settings
from flows.db import snapshots
from flows.db.transform import LAYERS, LayerBuild, build_layers, update_layers
from flows.warehouse_lock import WarehouseBusy, writing

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
    """The published snapshot (``read_only``), or the next one being built, holding the writer lock, with the
    configured memory limit (DuckDB spills beyond it) and thread count."""
    path = settings.warehouse_path
    if read_only:
        if not path.exists():
            raise FileNotFoundError(f"no warehouse at {path}: run `disclose nightly` first")
        con = _open(path, settings, read_only=True)
        try:
            yield con
        finally:
            con.close()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with writing(settings), snapshots.writer(settings), snapshots.open_build(settings) as con:
        for schema in SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
        yield con


def _open(path: Path, settings: Settings, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(
            str(path),
            read_only=read_only,
            config=snapshots.config(settings),
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
