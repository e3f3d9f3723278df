"""Readers never wait for the writer: they read the published snapshot while the next one is built beside it.

``warehouse/disclose.duckdb`` is always the published snapshot: requests, ``status``, ``quarantine`` and the
reports open it read-only, and nothing ever opens it read-write. A writer builds the next snapshot in
``disclose.next.duckdb`` and publishes it by renaming it over ``disclose.duckdb``; the snapshot it replaces is
kept, hard-linked, as ``disclose.prev.duckdb`` (a reader still in it keeps reading its open file). The next
build starts from that previous snapshot, renamed to ``disclose.next.duckdb`` and caught up with the published
one: the staged and quarantined rows of the files loaded since (a file's rows are never changed), the small
tables whole (ledger, reference data, per-file checks, validation results), then core and marts built in from
those files by the same SQL as any night (transform.py). So a night costs what that night and the one before
added, never a copy of the history; a whole copy happens once, when there is no previous snapshot of the same
lineage (the second build of a new home, the first after an upgrade from a single file or after ``disclose
rebuild``). Disk: two snapshots, sharing nothing.

Each file's ``snapshot.state`` (generation, lineage, status) is written in the same transactions as its data,
so a crash leaves a build either unstarted, in progress (the next writer goes on with it: a nightly run whose
validation failed is never published) or marked published and not yet renamed (the next writer finishes the
rename). The rename itself is atomic. A build a nightly run started holds ``snapshot.unvalidated`` until that
run (or the next) validated it: any other writer that resumes it (a purge after the run was killed) leaves it
unpublished rather than publish files nobody validated.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from flows.config import Settings
from flows.db.transform import LAYERS, definition_key, update_layers
from flows.durable import sync_dir
from flows.release.faults import fault_at

STATE_DDL = (
    "create schema if not exists snapshot",
    "create table if not exists snapshot.state (generation bigint not null, lineage varchar not null, "
    "status varchar not null, snapshot_id varchar, started_at timestamp, published_at timestamp)",
)
#: schemas whose tables hold each file's rows for good: caught up by file id
BY_FILE = ("staging", "quarantine")
_RETRY_SECONDS = 0.2
_deferred: set[Path] = set()
_depth: dict[Path, int] = {}
_guard = threading.Lock()
_log = logging.getLogger(__name__)


class SnapshotError(RuntimeError):
    """The warehouse cannot be opened as asked; the message says why."""


@dataclass(frozen=True)
class State:
    generation: int
    lineage: str
    status: str  # catching up | building | published
    snapshot_id: str | None = None


def next_path(settings: Settings) -> Path:
    return settings.warehouse_path.with_name("disclose.next.duckdb")


def prev_path(settings: Settings) -> Path:
    return settings.warehouse_path.with_name("disclose.prev.duckdb")


def config(settings: Settings) -> dict[str, object]:
    return {
        "memory_limit": settings.duckdb_memory_limit,
        "threads": settings.duckdb_threads,
        "temp_directory": str(settings.warehouse_path.parent / "spill"),
    }


@contextmanager
def deferred(settings: Settings) -> Iterator[None]:
    """Writers inside the block leave their work unpublished (the nightly run publishes once it has validated);
    process-wide, so Prefect's task threads see it too."""
    key = settings.warehouse_path.resolve()
    with _guard:
        _deferred.add(key)
    try:
        yield
    finally:
        with _guard:
            _deferred.discard(key)


@contextmanager
def writer(settings: Settings) -> Iterator[None]:
    """A writer's block: when the outermost one in this process ends without an error, and publication is not
    deferred, the build is published."""
    key = settings.warehouse_path.resolve()
    with _guard:
        _depth[key] = _depth.get(key, 0) + 1
    try:
        yield
    except BaseException:
        with _guard:
            _depth[key] -= 1
        raise
    with _guard:
        _depth[key] -= 1
        outermost, defer = _depth[key] == 0, key in _deferred
    if outermost and not defer:
        publish(settings)


def published_state(settings: Settings) -> State | None:
    """The published snapshot's state (generation 0 for a single-file warehouse from before snapshots)."""
    path = settings.warehouse_path
    if not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        return read_state(con) or State(0, "", "published", "single-file")


def read_state(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> State | None:
    catalog = catalog or con.execute("select current_database()").fetchall()[0][0]
    found = con.execute(
        "select count(*) from duckdb_tables() where database_name = ? and schema_name = 'snapshot' "
        "and table_name = 'state'",
        [catalog],
    ).fetchall()[0][0]
    if not found:
        return None
    rows = con.execute(
        f'select generation, lineage, status, snapshot_id from "{catalog}".snapshot.state'  # noqa: S608
    ).fetchall()
    return State(*rows[0]) if rows else None


@contextmanager
def open_build(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """The next snapshot, read-write (the caller holds the writer lock): the build under way, or a new one
    started from the previous snapshot caught up with the published one."""
    while True:
        con = _start_build(settings)
        if con is not None:
            break
    try:
        if settings.warehouse_path.resolve() in _deferred:  # a nightly run's: published only once validated
            con.execute("create table if not exists snapshot.unvalidated (since timestamp default now())")
        yield con
    finally:
        con.close()


def publish(settings: Settings, *, validated: bool = False) -> str | None:
    """Make the build the published snapshot; its id. Nothing built: the published one stays, and its id.
    A build holding a nightly run's unvalidated work is published only ``validated`` (else None)."""
    target = next_path(settings)
    if not target.exists():
        state = published_state(settings)
        return state.snapshot_id if state and state.snapshot_id else "none"
    con = _open_writable(settings, target)
    try:
        state = read_state(con)
        if state is None or state.status != "building":
            raise SnapshotError(f"{target}: holds no build in progress ({state}); nothing to publish")
        held = ("snapshot", "unvalidated") in _tables(con, _catalog(con))
        if held and not validated:
            _log.warning("%s holds a nightly run's unvalidated work: left for the next nightly run", target)
            return None
        con.execute("begin")
        if held:
            con.execute("drop table snapshot.unvalidated")
        snapshot_id = _mark_published(con, state.generation)
        con.execute("commit")
        con.execute("checkpoint")
    finally:
        con.close()
    fault_at(settings.fault, "snapshot:after_mark")
    _swap(settings)
    return snapshot_id


def install(settings: Settings, built: Path) -> Path | None:
    """Publish a whole warehouse built elsewhere (``disclose rebuild``) as a new lineage. The published one it
    replaces is kept beside it (returned); the next build starts from a copy of the new one."""
    old = published_state(settings)
    with duckdb.connect(str(built)) as con:
        for statement in STATE_DDL:
            con.execute(statement)
        generation = (old.generation if old else 0) + 1
        _set_state(con, State(generation, uuid.uuid4().hex, "building"))
        _mark_published(con, generation)
    for stale in (next_path(settings), prev_path(settings)):  # another lineage: never caught up from
        _remove(settings, stale)
    live = settings.warehouse_path
    kept = None
    if live.exists():
        kept = live.with_name(f"disclose.before-rebuild-{datetime.now():%Y%m%dT%H%M%S}.duckdb")
        os.link(live, kept)  # readers in the old one keep reading their open file
    os.replace(built, live)
    sync_dir(live.parent)
    return kept


def _start_build(settings: Settings) -> duckdb.DuckDBPyConnection | None:
    """A connection to the build, or None when the state moved under it (then try again)."""
    target = next_path(settings)
    published = published_state(settings)
    if not target.exists():
        _prepare(settings, published)
    con = _open_writable(settings, target)
    try:
        for statement in STATE_DDL:
            con.execute(statement)
        state = read_state(con)
        expected = (published.generation if published else 0) + 1
        if state is not None and state.generation == expected and state.status == "published":
            con.close()  # marked published, not yet renamed: finish that first
            _swap(settings)
            return None
        if state is not None and state.generation == expected and state.status == "catching up":
            _finish_catching_up(con, settings)
            return con
        if state is not None and state.generation == expected and state.status == "building":
            return con  # a build under way (an earlier stage of this run, or a run that stopped)
        if state is not None and published and state.status == "published" and _one_behind(state, published):
            _catch_up(con, settings, published)
            return con
        if state is None and published is None:
            _set_state(con, State(1, uuid.uuid4().hex, "building"))
            return con
    except BaseException:
        con.close()
        raise
    con.close()  # anything else is stale: start again from a copy of the published snapshot
    _remove(settings, target)
    _copy_published(settings, published)
    return None


def _prepare(settings: Settings, published: State | None) -> None:
    """Take the previous snapshot for the build, else a copy of the published one, else start empty."""
    prev = prev_path(settings)
    if prev.exists():
        _rename_with_wal(prev, next_path(settings))
    elif published is not None:
        _copy_published(settings, published)


def _one_behind(state: State, published: State) -> bool:
    return state.generation == published.generation - 1 and state.lineage == published.lineage


def _copy_published(settings: Settings, published: State | None) -> None:
    target = next_path(settings)
    if published is None:
        return
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(settings.warehouse_path, partial)
    with duckdb.connect(str(partial)) as con:
        for statement in STATE_DDL:
            con.execute(statement)
        lineage = published.lineage or uuid.uuid4().hex  # a single-file warehouse starts a lineage
        _set_state(con, State(published.generation + 1, lineage, "building"))
    os.replace(partial, target)


def _catch_up(con: duckdb.DuckDBPyConnection, settings: Settings, published: State) -> None:
    """Make this file (the snapshot before the published one) hold what the published one holds, as the next
    generation's build: new files' staged and quarantined rows, the other tables whole, core and marts built
    in from the new files."""
    con.execute("attach ? as published (read_only)", [str(settings.warehouse_path)])
    try:
        con.execute("begin transaction")
        new_files = [
            r[0]
            for r in con.execute(
                "select file_id from published.raw.extract_files "
                "where file_id not in (select file_id from raw.extract_files)"
            ).fetchall()
        ]
        mine = set(_tables(con, _catalog(con)))
        for schema, table in _tables(con, "published"):
            if schema not in (*LAYERS, "snapshot"):
                _sync_table(con, schema, table, new_files, (schema, table) in mine)
        for schema, table in mine - set(_tables(con, "published")):
            if schema not in (*LAYERS, "snapshot"):
                con.execute(f'drop table "{schema}"."{table}"')  # names from the catalog, quoted
        rebuild_layers = _built_here(con, settings)
        if not rebuild_layers:  # core and marts copied like any other table
            mine = set(_tables(con, _catalog(con)))
            for schema, table in _tables(con, "published"):
                if schema in LAYERS:
                    _sync_table(con, schema, table, [], (schema, table) in mine)
            for schema, table in mine - set(_tables(con, "published")):
                if schema in LAYERS:
                    con.execute(f'drop table "{schema}"."{table}"')  # names from the catalog, quoted
        _sync_views(con)
        status = "catching up" if rebuild_layers else "building"
        _set_state(con, State(published.generation + 1, published.lineage, status))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.execute("detach published")
    fault_at(settings.fault, "snapshot:after_catch_up")
    if rebuild_layers:
        _finish_catching_up(con, settings)


def _finish_catching_up(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The published core and marts hold every file: built in here from the new ones (its own transaction;
    a crash before the state says 'building' is resumed from here)."""
    update_layers(con, settings.sql_dir)
    con.execute("update snapshot.state set status = 'building'")


def _built_here(con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """Can the published core and marts be rebuilt here from the new files alone? Yes when they were built from
    every file of its ledger (as a nightly run leaves them) by the SQL and reference data this build has now;
    otherwise (an ingest published on its own, new SQL) they are copied, and this build's transform does the
    rest."""
    tables = set(_tables(con, "published"))
    if not {("core", "build_files"), ("core", "build_state"), ("raw", "extract_files")} <= tables:
        return False
    (unbuilt,) = con.execute(
        "select count(*) from published.raw.extract_files anti join published.core.build_files using (file_id)"
    ).fetchall()[0]
    keys = con.execute("select inputs_sha256 from published.core.build_state").fetchall()
    return unbuilt == 0 and keys == [(definition_key(con, settings.sql_dir),)]


def _sync_table(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, new_files: list[int], present: bool
) -> None:
    """The published table's rows here: for a table of files' rows, only the new files' (unless rows changed
    outside a file's load, as a purge does); otherwise all of them. Tables are never re-created from a query,
    which would drop their defaults: a new or changed table takes the published one's own definition."""
    name = f'"{schema}"."{table}"'  # names read from the catalog, quoted
    columns = _columns(con, "published", schema, table)
    if not present or _columns(con, _catalog(con), schema, table) != columns:
        (ddl,) = con.execute(
            "select sql from duckdb_tables() where database_name = 'published' and schema_name = ? "
            "and table_name = ?",
            [schema, table],
        ).fetchall()[0]
        con.execute(f'create schema if not exists "{schema}"')
        con.execute(f"drop table if exists {name}")
        con.execute(ddl)  # the published warehouse's own CREATE TABLE statement
    elif schema in BY_FILE and "file_id" in {c for c, _ in columns}:
        con.execute(
            f"insert into {name} select * from published.{name} where list_contains(?, file_id)",  # noqa: S608
            [new_files],
        )
        if _count(con, name) == _count(con, f"published.{name}"):
            return
        con.execute(f"delete from {name}")  # noqa: S608
    else:
        con.execute(f"delete from {name}")  # noqa: S608
    con.execute(f"insert into {name} select * from published.{name}")  # noqa: S608


def _sync_views(con: duckdb.DuckDBPyConnection) -> None:
    views = con.execute(
        "select sql from duckdb_views() where database_name = 'published' and not internal and not temporary"
    ).fetchall()
    for (sql,) in views:
        con.execute(sql.replace("CREATE VIEW", "CREATE OR REPLACE VIEW", 1))


def _swap(settings: Settings) -> None:
    """The build becomes the published snapshot; the published one is kept as the previous."""
    live, built, prev = settings.warehouse_path, next_path(settings), prev_path(settings)
    if built.with_name(built.name + ".wal").exists():
        raise SnapshotError(f"{built}: its write-ahead log was not checkpointed; not published")
    if live.exists():
        link = prev.with_name(prev.name + ".partial")
        link.unlink(missing_ok=True)
        os.link(live, link)
        os.replace(link, prev)
    fault_at(settings.fault, "snapshot:after_link")
    os.replace(built, live)
    sync_dir(live.parent)


def _mark_published(con: duckdb.DuckDBPyConnection, generation: int) -> str:
    """The build's state says published, with its id (generation and time); the id."""
    now = datetime.now().replace(microsecond=0)
    snapshot_id = f"{generation}-{now:%Y%m%dT%H%M%S}"
    con.execute(
        "update snapshot.state set status = 'published', snapshot_id = ?, published_at = ?",
        [snapshot_id, now],
    )
    return snapshot_id


def _set_state(con: duckdb.DuckDBPyConnection, state: State) -> None:
    con.execute("delete from snapshot.state")
    con.execute(
        "insert into snapshot.state (generation, lineage, status, started_at) values (?, ?, ?, ?)",
        [state.generation, state.lineage, state.status, datetime.now().replace(microsecond=0)],
    )


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ? and not temporary "
        "order by 1, 2",
        [catalog],
    ).fetchall()


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? and schema_name = ? "
        "and table_name = ? order by column_index",
        [catalog, schema, table],
    ).fetchall()


def _count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    return int(con.execute(f"select count(*) from {name}").fetchall()[0][0])  # noqa: S608 - catalog names


def _catalog(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_database()").fetchall()[0][0]


def _open_writable(settings: Settings, path: Path) -> duckdb.DuckDBPyConnection:
    """Read-write, once any reader still in this file (it was the snapshot before the published one when they
    opened it) has finished: the writer waits, readers never do."""
    deadline = time.monotonic() + settings.snapshot_wait_seconds
    while True:
        try:
            return duckdb.connect(str(path), config=config(settings))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise SnapshotError(
                    f"{path}: could not open the next snapshot for writing within "
                    f"{settings.snapshot_wait_seconds:.0f} s: {str(exc).splitlines()[0]}"
                ) from None
            time.sleep(_RETRY_SECONDS)


def _remove(settings: Settings, path: Path) -> None:
    if path.exists():
        _open_writable(settings, path).close()  # wait for readers still in it
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


def _rename_with_wal(source: Path, target: Path) -> None:
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        os.replace(wal, target.with_name(target.name + ".wal"))
    os.replace(source, target)
