"""Counts done once per warehouse state: a standing dataset re-drafted on a night with nothing new, or a
request asked again, reuses the earlier counts instead of scanning the history again.

At national scale the standing tables' counts are 29 of the 32 seconds a nothing-new night spends on its
standing releases. A part's plan and counted table depend only on the part, the counting options, the SQL in
``sql/``, the code, and what the warehouse holds; the warehouse's content is identified by its ledger (each
file's id, sha256 and status: a file's rows never change once loaded, and deletions arrive as new files),
the files its core and marts were built from, the build's definition key and the reference data version.
Nothing here reads the clock, so a day passing does not change an answer. The entries sit beside the
protection cache (flows/release/protection_cache.py, the same rules: a damaged entry is a miss).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

import duckdb

from flows.release.protection_cache import cached


def counted(settings, con: duckdb.DuckDBPyConnection, inputs: dict, compute: Callable[[], object]) -> object:
    """``compute()`` (a part's plan and table), or its result for the same ``inputs`` and warehouse state."""
    key = {**inputs, "warehouse": identity(con), "sql": _sql_digest(settings.sql_dir)}
    return cached(settings, key, compute, kind="counts")


def identity(con: duckdb.DuckDBPyConnection) -> list:
    """What the warehouse holds, in a few small queries (not a scan of the data)."""
    present = {
        f"{s}.{t}"
        for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in ('raw', 'core', 'ref')"
        ).fetchall()
    }
    queries = {
        "raw.extract_files": "select file_id, sha256, status from raw.extract_files order by file_id",
        "core.build_files": "select file_id from core.build_files order by file_id",
        "core.build_state": "select inputs_sha256 from core.build_state",
        "ref.version": "select * from ref.version",
    }
    return [
        [table, [list(map(str, row)) for row in con.execute(sql).fetchall()] if table in present else None]
        for table, sql in queries.items()
    ]


@cache
def _sql_digest(sql_dir: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(sql_dir.rglob("*.sql")):
        h.update(str(path.relative_to(sql_dir)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
