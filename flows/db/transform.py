"""Core and marts kept up to date from staging: only what the new files touch, or everything when a definition
changed.

Each model file in ``sql/core`` and ``sql/marts`` (run in name order) maintains its tables from the files listed in
``temp.transform_files``: the ledger's files not yet built in (``core.build_files``). A custody record or crime is
looked at again only when one of those files carries it, replaced only when that delivery is later than the one
it has, and the mart cells it falls in move by the difference. A full build is the same SQL run on empty tables
with every file listed, so there is one statement of each rule; it runs when the SQL or the reference data
changed since the last build (``core.build_state``), and always for ``disclose rebuild``. Everything happens in
one transaction, so a failed build leaves the previous one whole and is redone next time. An incremental build
also keeps the records it changed, with the file that changed them, in ``core.build_changes`` (from the models'
own ``temp.custody_changed`` and ``temp.crimes_changed``): validation checks those records and no others until
its next full pass (flows/validate/scope.py). A full build empties it: every record is new, and the
validation after it is full anyway (the SQL or the reference data changed, or there was none before). Model tables are
declared with explicit columns: DuckDB 2.0.0 loses the rows inserted, in the same transaction, into a large table
made by ``create table ... as select ... with no data`` (it then reads as empty).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.db.catalog import table_exists
from flows.release.faults import fault_at

LAYERS = ("core", "marts")  # built from staging, in this order
BOOKKEEPING = ("build_state", "build_files", "build_changes")  # what was built, not what the data say

STATE_DDL = (
    "create schema if not exists core",
    "create schema if not exists marts",
    "create table if not exists core.build_state (inputs_sha256 varchar not null, built_at timestamp)",
    "create table if not exists core.build_files (file_id bigint not null)",
    "create table if not exists core.build_changes (file_id bigint not null, subject varchar not null, "
    "record_ref varchar not null)",
)
#: the records an incremental build changed: subject -> (the model's temp table, its records as (ref, the file
#: whose delivery is now the record's latest)); removed custody records included
CHANGED = {
    "custody": ("custody_changed", "select custody_ref, file_id from temp.custody_changed"),
    "crime": (
        "crimes_changed",
        "select changed.crime_ref, crimes.file_id from temp.crimes_changed as changed "
        "inner join staging.crimes as crimes on crimes.rowid = changed.row_id",
    ),
}


@dataclass(frozen=True)
class LayerBuild:
    """What one transform did: ``full``, ``incremental`` or ``unchanged``, from how many new files."""

    mode: str
    files: int
    ran: tuple[str, ...] = ()


def build_layers(
    con: duckdb.DuckDBPyConnection, sql_dir: Path, layers: tuple[str, ...] = LAYERS
) -> LayerBuild:
    """Rebuild core and marts from every staged file."""
    return _build(con, sql_dir, layers, full=True)


def update_layers(
    con: duckdb.DuckDBPyConnection, sql_dir: Path, layers: tuple[str, ...] = LAYERS, fault: str | None = None
) -> LayerBuild:
    """Build in the files not built in yet; everything when the SQL or the reference data changed."""
    return _build(con, sql_dir, layers, full=False, fault=fault)


def _build(
    con: duckdb.DuckDBPyConnection,
    sql_dir: Path,
    layers: tuple[str, ...],
    *,
    full: bool,
    fault: str | None = None,
) -> LayerBuild:
    for statement in STATE_DDL:
        con.execute(statement)
    key = definition_key(con, sql_dir, layers)
    built = con.execute("select inputs_sha256 from core.build_state").fetchall()
    full = full or [(key,)] != built
    files = _ledger_files(con) if full else _new_files(con)
    if not full and not files:
        return LayerBuild("unchanged", 0)
    models = [path for layer in layers for path in sorted((sql_dir / layer).glob("*.sql"))]
    con.execute("begin transaction")
    try:
        if full:
            _drop_models(con, layers)
            con.execute("delete from core.build_files")
        con.execute("create or replace temp table transform_files (file_id bigint not null)")
        if files:  # a first nightly may find every landed file still settling: the models are built empty
            con.executemany("insert into temp.transform_files values (?)", [[f] for f in files])
        for layer in layers:
            for path in (m for m in models if m.parent.name == layer):
                con.execute(path.read_text(encoding="utf-8"))
            fault_at(
                fault, f"transform:after_{layer}"
            )  # testing: a crash inside the transaction rolls it back
        _keep_changes(con, full)
        con.execute("insert into core.build_files select file_id from temp.transform_files")
        con.execute("delete from core.build_state")
        con.execute("insert into core.build_state values (?, current_timestamp)", [key])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return LayerBuild(
        "full" if full else "incremental",
        len(files),
        tuple(f"{path.parent.name}/{path.name}" for path in models),
    )


def _keep_changes(con: duckdb.DuckDBPyConnection, full: bool) -> None:
    if full:
        con.execute("delete from core.build_changes")
        return
    temps = {r[0] for r in con.execute("select table_name from duckdb_tables() where temporary").fetchall()}
    for subject, (temp, query) in CHANGED.items():
        if temp in temps:  # a build of only some layers may lack one
            con.execute(
                f"insert into core.build_changes select changed.file_id, ?, changed.ref "  # noqa: S608 - CHANGED
                f"from ({query}) as changed (ref, file_id)",
                [subject],
            )


def definition_key(con: duckdb.DuckDBPyConnection, sql_dir: Path, layers: tuple[str, ...] = LAYERS) -> str:
    """A hash of what a build means: the SQL of every model and the reference data loaded."""
    h = hashlib.sha256()
    for layer in layers:
        for path in sorted((sql_dir / layer).glob("*.sql")):
            h.update(f"{layer}/{path.name}\0".encode() + path.read_bytes())
    if table_exists(con, "ref", "version"):
        h.update(repr(con.execute("select * from ref.version").fetchall()).encode())
    return h.hexdigest()


def _ledger_files(con: duckdb.DuckDBPyConnection) -> list[int]:
    if not table_exists(con, "raw", "extract_files"):
        return []
    return [r[0] for r in con.execute("select file_id from raw.extract_files order by file_id").fetchall()]


def _new_files(con: duckdb.DuckDBPyConnection) -> list[int]:
    if not table_exists(con, "raw", "extract_files"):
        return []
    return [
        r[0]
        for r in con.execute(
            "select file_id from raw.extract_files anti join core.build_files using (file_id) order by file_id"
        ).fetchall()
    ]


def _drop_models(con: duckdb.DuckDBPyConnection, layers: tuple[str, ...]) -> None:
    """Every table of the layers but the bookkeeping (macros stay: the model files replace them)."""
    rows = con.execute(
        "select schema_name, table_name from duckdb_tables() where list_contains(?, schema_name) "
        "and not temporary and database_name = current_database()",
        [list(layers)],
    ).fetchall()
    for schema, table in rows:
        if (schema, table) not in (("core", name) for name in BOOKKEEPING):
            con.execute(f'drop table "{schema}"."{table}"')  # names read from the catalog, quoted
