"""The DuckDB warehouse: one file, opened here and nowhere else, with models run from ``sql/`` in layer order.

Only one process may hold the file read-write, and meanwhile no other may open it at all (DuckDB's rule), so
every command opens it, does its work and closes it, under flows/warehouse_lock.py: writers one at a time,
readers only while no writer holds it, each told in one line who holds it. Schemas follow DESIGN.md: raw,
staging, quarantine, ref, core, marts, validation, disclosure.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from flows.config import Settings
from flows.warehouse_lock import WarehouseBusy, reading, writing

SCHEMAS = ("raw", "staging", "quarantine", "ref", "core", "marts", "validation", "disclosure")
LAYERS = ("core", "marts")  # rebuilt from staging on every run, in this order


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
        return duckdb.connect(str(path), read_only=read_only, config={
            "memory_limit": settings.duckdb_memory_limit,
            "threads": settings.duckdb_threads,
            "temp_directory": str(path.parent / "spill"),
        })
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        # a process outside disclose (the DuckDB shell, a notebook) has the file open: DuckDB's own message
        # names it ("Conflicting lock is held in <program> (PID n)")
        found = re.search(r"Conflicting lock is held in (.+?) \(PID (\d+)\)", str(exc))
        held = f"{found[1]} (PID {found[2]})" if found else "another process"
        raise WarehouseBusy(f"the warehouse {path} is open in {held}, outside disclose: close it and try "
                            "again") from None


def read_sql(path: Path) -> str:
    """One statement per file (so DuckDB parameters can be bound); comments allowed."""
    return path.read_text(encoding="utf-8")


def run_sql_file(con: duckdb.DuckDBPyConnection, path: Path, params: dict | None = None) -> None:
    con.execute(read_sql(path), params or {})


def build_layers(con: duckdb.DuckDBPyConnection, sql_dir: Path, layers: tuple[str, ...] = LAYERS) -> list[str]:
    """Run every model in each layer folder in name order (prefix files 01_, 02_ for dependencies)."""
    ran = []
    for layer in layers:
        for path in sorted((sql_dir / layer).glob("*.sql")):
            run_sql_file(con, path)
            ran.append(f"{layer}/{path.name}")
    return ran


def build_layers_if_changed(con: duckdb.DuckDBPyConnection, sql_dir: Path,
                            layers: tuple[str, ...] = LAYERS) -> list[str]:
    """:func:`build_layers`, unless nothing they are built from changed since the last complete build (a
    nightly run with no new extracts then spends nothing re-deriving the same tables). The marker is dropped
    before building and written after, so a failed build is redone next time."""
    key = layer_inputs_key(con, sql_dir, layers)
    con.execute("create table if not exists core.build_state (inputs_sha256 varchar not null, built_at timestamp)")
    if scalar(con, "select count(*) from core.build_state where inputs_sha256 = ?", [key]):
        return []
    con.execute("delete from core.build_state")
    ran = build_layers(con, sql_dir, layers)
    con.execute("insert into core.build_state values (?, current_timestamp)", [key])
    return ran


def layer_inputs_key(con: duckdb.DuckDBPyConnection, sql_dir: Path, layers: tuple[str, ...] = LAYERS) -> str:
    """A hash of what core and marts are built from: the SQL, the reference data loaded, and the ledger of
    files (every change to staging goes through ingest, which writes the ledger, or a rebuild)."""
    h = hashlib.sha256()
    for layer in layers:
        for path in sorted((sql_dir / layer).glob("*.sql")):
            h.update(f"{layer}/{path.name}\0".encode() + path.read_bytes())
    state = [("ref", _rows(con, "ref", "version", "select * from ref.version")),
             ("ledger", _rows(con, "raw", "extract_files",
                              "select count(*), max(file_id), max(received_at), string_agg(status || ':' || "
                              "coalesce(purged_at::varchar, ''), ',' order by file_id) from raw.extract_files"))]
    h.update(repr(state).encode())
    return h.hexdigest()


def _rows(con: duckdb.DuckDBPyConnection, schema: str, table: str, sql: str) -> list:
    exists = scalar(con, "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
                    [schema, table])
    return con.execute(sql).fetchall() if exists else []


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None) -> object:
    """First value of a query, with the result fully consumed (DuckDB 2.0 refuses new work on a connection
    that still has an unfinished result)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None
