"""Per-file check queries run only for files not checked before; each file's row is kept in ``checks.<query>``.

A check query that takes ``$checked_file_ids`` returns one row of violation counts per ``file_id`` and leaves
out the files in that list. A file's staging and quarantine rows and its ledger entry are written once, in its
load's transaction, and never changed (flows/ingest/load_file.py), so its row stays true while nothing else the
query reads changes. Its SQL and parameters, the content of the ref.* tables it joins, the columns of the tables
it reads and DuckDB's version make a key; a stored row is reused only under the same key and while its file's
ledger entry is the same. Ledger files that gave no row are remembered too, so a night with no new files reads
no staging rows (DuckDB skips them by their file_id ranges), yet GX still validates every file's row and a file
that failed keeps failing. Rows of a file the ledger does not know are never reused.

The ``checks`` schema is derived state: ``disclose rebuild`` neither carries it over nor fingerprints it, so a
rebuilt warehouse recomputes every file. On a read-only connection stored rows are reused and new ones not kept.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import duckdb

from flows.db.catalog import table_exists
from flows.validate.suites import SuiteError

if TYPE_CHECKING:
    import pyarrow as pa

PARAM = "checked_file_ids"
SCHEMA = "checks"
KEY, LEDGER_ENTRY, CHECKED_AT, HAS_ROW = "_check_key", "_ledger_entry", "_checked_at", "_has_row"
_TABLE = re.compile(
    r"\b(raw|staging|quarantine|ref|core|marts|validation|disclosure|checks)\.([A-Za-z_]\w*)", re.I
)
_COMMENT = re.compile(r"--[^\n]*")
_STRING = re.compile(r"'(?:[^']|'')*'")


def sql_code(sql: str) -> str:
    """The SQL with comments dropped and string literals emptied: what names tables and parameters."""
    return _STRING.sub("''", _COMMENT.sub("", sql))


def takes_file_ids(used_params: set[str]) -> bool:
    return PARAM in used_params


def per_file_rows(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, Any],
    *,
    query: str,
    suite: str,
    reuse: bool = True,
) -> pa.Table:
    """Every file's row (stored rows reused, the rest computed now; with ``reuse`` false, as a full validation
    pass asks, every file's computed now), ordered by ``file_id`` like the query's own result. ``params`` are
    the query's other parameters."""
    reads = tables_read(sql, query, suite)
    name = PurePosixPath(query).stem  # checks/staging.crimes.sql -> checks."staging.crimes"
    table = f'{SCHEMA}."{name.replace(chr(34), chr(34) * 2)}"'
    try:
        key = check_key(con, sql, query, params, reads)
        stored = {KEY, LEDGER_ENTRY, CHECKED_AT, HAS_ROW} <= _columns(con, SCHEMA, name)  # else made anew
        checked = _reusable(con, table if stored and reuse else None, key)
        body = sql.strip().rstrip(";")
        con.execute(f"create or replace temp table checks_new as {body}", {**params, PARAM: checked})  # noqa: S608
        result = con.execute("select * from checks_new limit 0")
        columns = [d[0] for d in result.description]
        result.fetchall()
        if "file_id" not in columns:
            raise SuiteError(f"suite {suite!r}: {query} takes ${PARAM}, so it must return a file_id column")
        listed = ", ".join(f'"{c}"' for c in columns)  # the query's own output names, quoted
        _merge(con, listed, key, checked)
        unchanged = stored and _count(con, "checks_rows") == len(checked) == _count(con, table)
        if not unchanged and not _read_only(con):
            con.execute(f"create schema if not exists {SCHEMA}")
            con.execute(f"create or replace table {table} as select * from checks_rows")  # noqa: S608
        rows = f"select {listed} from checks_rows where {HAS_ROW} order by file_id nulls last"  # noqa: S608
        return con.sql(rows).to_arrow_table()
    except duckdb.Error as exc:
        raise SuiteError(f"suite {suite!r}: check query {query} failed: {exc}") from None
    finally:
        for temp in ("checks_ledger", "checks_reused", "checks_new", "checks_rows"):
            con.execute(f"drop table if exists temp.{temp}")


def _reusable(con: duckdb.DuckDBPyConnection, table: str | None, key: str) -> list[int]:
    """Files whose stored row (or stored "no row") still holds: same key, same ledger entry. Rows of a file
    the ledger does not know are never reused."""
    con.execute(
        "create or replace temp table checks_ledger as "
        "select file_id, hash(entry) as entry from raw.extract_files as entry"
        if table_exists(con, "raw", "extract_files")
        else "create or replace temp table checks_ledger (file_id bigint, entry ubigint)"
    )
    if table is None:
        return []
    con.execute(
        f"""create or replace temp table checks_reused as
        select stored.* from {table} as stored
        inner join checks_ledger as ledger on stored.file_id = ledger.file_id and stored.{LEDGER_ENTRY} = ledger.entry
        where stored.{KEY} = ?""",  # noqa: S608 - our own table name
        [key],
    )
    return [r[0] for r in con.execute("select file_id from checks_reused").fetchall()]


def _merge(con: duckdb.DuckDBPyConnection, listed: str, key: str, checked: list[int]) -> None:
    """checks_rows: the new rows, a "no row" marker for every other ledger file just checked (so the next
    run leaves it out too, and the scan skips whole ranges of files), and the reused rows."""
    meta = f"?::varchar as {KEY}, ledger.entry as {LEDGER_ENTRY}, now()::timestamp as {CHECKED_AT}"
    con.execute(
        f"""create or replace temp table checks_rows as
        select {listed}, {meta}, true as {HAS_ROW}
        from checks_new left join checks_ledger as ledger using (file_id)""",  # noqa: S608
        [key],
    )
    con.execute(
        f"""insert into checks_rows (file_id, {KEY}, {LEDGER_ENTRY}, {CHECKED_AT}, {HAS_ROW})
        select ledger.file_id, {meta}, false
        from checks_ledger as ledger
        where not list_contains(?::bigint[], ledger.file_id)
            and ledger.file_id not in (select checks_new.file_id from checks_new where checks_new.file_id is not null)
        """,  # noqa: S608
        [key, checked],
    )
    if checked:
        reused = f"select {listed}, {KEY}, {LEDGER_ENTRY}, {CHECKED_AT}, {HAS_ROW} from checks_reused"  # noqa: S608
        con.execute(f"insert into checks_rows {reused}")


def tables_read(sql: str, query: str, suite: str) -> list[tuple[str, str]]:
    """The warehouse tables a per-file query names; only tables whose rows belong to one file and never change
    (staging, quarantine, the ledger) or whose content goes into the key (ref) may be read."""
    code = sql_code(sql)
    reads = sorted({(s.lower(), t.lower()) for s, t in _TABLE.findall(code)})
    bad = [
        f"{s}.{t}"
        for s, t in reads
        if not (s in ("staging", "quarantine", "ref") or (s, t) == ("raw", "extract_files"))
    ]
    if bad:
        raise SuiteError(
            f"suite {suite!r}: {query} takes ${PARAM} but reads {bad}, which are not kept per file: "
            "a per-file check may read staging.*, quarantine.*, raw.extract_files and ref.* only"
        )
    return reads


def check_key(
    con: duckdb.DuckDBPyConnection, sql: str, query: str, params: dict[str, Any], reads: list[tuple[str, str]]
) -> str:
    """What a stored row depends on besides its file's own rows."""
    names = [f"{s}.{t}" for s, t in reads]
    columns = con.execute(
        "select schema_name, table_name, column_name, data_type from duckdb_columns() "
        "where list_contains(?::varchar[], schema_name || '.' || table_name) "
        "and database_name = current_database() order by all",
        [names],
    ).fetchall()
    content = (
        'select count(*), coalesce(sum(hash(r)::hugeint), 0) from ref."{}" as r'  # names matched \w+ above
    )
    refs = [
        (t, con.execute(content.format(t)).fetchall())
        for s, t in reads
        if s == "ref" and table_exists(con, "ref", t)
    ]
    state = [query, sql, sorted((k, repr(v)) for k, v in params.items()), duckdb.__version__, columns, refs]
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() where schema_name = ? "
            "and table_name = ? and database_name = current_database()",
            [schema, table],
        ).fetchall()
    }


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"select count(*) from {table}").fetchall()[0][0])  # noqa: S608 - our own names


def _read_only(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "select readonly from duckdb_databases() where database_name = current_database()"
        ).fetchall()[0][0]
    )
