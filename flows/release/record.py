"""The publication record (``<home>/record/publication-record.duckdb``): the system of record for releases,
kept apart from the warehouse because a rebuild must never touch it.

Three tables, none of whose rows is ever deleted:

* ``published_cells``: every cell ever released, with the population it counts, for cumulative disclosure
  control. A release replaced by a later version is marked ``superseded``, a release taken down
  ``withdrawn``: their figures are still in the world, so they count in every later check.
* ``release_events``: the append-only event log (published, superseded, withdrawn) from which the public
  disclosure log is regenerated. A withdrawal keeps who, when and why: the incident entry.
* ``release_steps``: the journal. A publication or withdrawal is begun here (an intent), then its files are
  moved, then one transaction records its cells and events and closes the step. Recovery
  (:mod:`flows.release.recovery`) completes or rolls back a step left open by a crash.

Only the holder of the release lock (:mod:`flows.release.lock`) writes; readers open the file read-only,
retrying while a writer has it, and see only what a committed transaction recorded.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.config import Settings
from flows.sdc.history import INSERT_CELL_SQL, PUBLISHED_CELLS_DDL, PublishedCell, from_row, to_row
from flows.sdc.policy import SdcPolicy
from flows.sdc_audit.model import AuditResult

RECORD_NAME = "publication-record.duckdb"
_BUSY_SECONDS = 30  # how long to retry while another process has the file open

EVENTS_DDL = """
create table if not exists disclosure.release_events (
    seq         integer   not null primary key,  -- 1, 2, 3 ... in the order things happened
    release_id  varchar   not null,              -- '<reference>/v<N>'
    event       varchar   not null,              -- 'published', 'superseded' or 'withdrawn'
    happened_at timestamp not null,
    actor       varchar   not null,              -- who approved or withdrew it; for 'superseded', the new version
    detail_json varchar   not null               -- published: the public log entry; withdrawn: {"reason": ...}
);
create table if not exists disclosure.release_steps (
    release_id  varchar   not null,
    action      varchar   not null,              -- 'publish' or 'withdraw'
    started_at  timestamp not null,
    state       varchar   not null,              -- 'open', 'done' or 'rolled back'
    detail_json varchar   not null,              -- what completing the step needs (folders, approver, reason)
    primary key (release_id, action, started_at)
);
"""


EVENTS_SQL = (
    "select seq, release_id, event, happened_at, actor, detail_json from disclosure.release_events "
    "order by seq"
)


@dataclass(frozen=True)
class Event:
    seq: int
    release_id: str
    event: str
    at: datetime
    actor: str
    detail: dict

    @property
    def reference(self) -> str:
        return self.release_id.rsplit("/v", 1)[0]

    @property
    def version(self) -> int:
        return int(self.release_id.rsplit("/v", 1)[1])


@dataclass(frozen=True)
class Step:
    release_id: str
    action: str
    started_at: datetime
    detail: dict


def record_path(settings: Settings) -> Path:
    return settings.record_dir / RECORD_NAME


def now() -> datetime:
    """The record's clock: UTC, to the second, without a zone (DuckDB timestamps)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@contextmanager
def _open(settings: Settings, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A connection (None for a reader when there is no record yet), retried while another process has it."""
    path = record_path(settings)
    if not write and not path.is_file():
        yield None
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + _BUSY_SECONDS
    while True:
        try:
            con = duckdb.connect(str(path), read_only=not write)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    try:
        if write:
            con.execute(PUBLISHED_CELLS_DDL)
            con.execute(EVENTS_DDL)
        yield con
    finally:
        con.close()


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = 'disclosure' "
            "and table_name = ?",
            [table],
        ).fetchall()[0][0]
    )


# ------------------------------------------------------------------------------------------------ reading


def _rows(settings: Settings, table: str, sql: str) -> list[tuple]:
    """A reader's query: no rows when there is no record, or no such table yet (a record an older disclose made)."""
    with _open(settings, write=False) as con:
        if con is None or not _has(con, table):
            return []
        return con.sql(sql).fetchall()


def load_history(settings: Settings) -> list[PublishedCell]:
    """Every recorded cell, current, superseded and withdrawn alike, on every population axis (a cell recorded
    before an axis existed counted all of it: flows.requests.populations.complete_cell)."""
    from flows.requests.populations import complete_cell

    sql = "select * from disclosure.published_cells order by published_at, release_id"
    return [complete_cell(from_row(r)) for r in _rows(settings, "published_cells", sql)]


def read_events(settings: Settings) -> list[Event]:
    return [_event(r) for r in _rows(settings, "release_events", EVENTS_SQL)]


def open_steps(settings: Settings) -> list[Step]:
    sql = (
        "select release_id, action, started_at, detail_json from disclosure.release_steps "
        "where state = 'open' order by started_at"
    )
    return [Step(r[0], r[1], r[2], json.loads(r[3])) for r in _rows(settings, "release_steps", sql)]


def recorded_releases(settings: Settings) -> dict[str, tuple[str, datetime]]:
    """Release id -> (the status of its cells, when they were recorded), for every release with cells."""
    sql = (
        "select release_id, min(status), min(published_at) from disclosure.published_cells "
        "group by release_id"
    )
    return {r[0]: (r[1], r[2]) for r in _rows(settings, "published_cells", sql)}


def release_states(events: Sequence[Event]) -> dict[str, str]:
    """Each release's state from the events: 'current', 'superseded' or 'withdrawn' (the latest event wins)."""
    states: dict[str, str] = {}
    for e in events:
        states[e.release_id] = {"published": "current"}.get(e.event, e.event)
    return states


def audit_record(
    settings: Settings, policy: SdcPolicy | None = None, extra: Sequence[PublishedCell] = ()
) -> AuditResult:
    """Every release ever published (and ``extra``, a release about to be), audited as one system over
    population atoms (flows.sdc_audit)."""
    policy = policy or SdcPolicy(k=settings.threshold, **settings.disclosure)
    cells = [c.for_audit() for c in [*load_history(settings), *extra]]
    if not cells:
        return AuditResult((), 0, "nothing published yet")
    from flows.sdc_audit.populations import audit_populations  # the LP solver and SciPy: not on every night

    return audit_populations(
        cells,
        policy.k,
        policy.zeros == "publish",
        policy.protection_width,
        public=frozenset(policy.public_facts),
    )


# ------------------------------------------------------------------------------------------------ writing
# Only under the release lock.


def begin_step(settings: Settings, release_id: str, action: str, detail: dict) -> Step:
    """Record the intent to publish or withdraw ``release_id`` before touching any file."""
    step = Step(release_id, action, datetime.now(UTC).replace(tzinfo=None), detail)  # to the microsecond
    with _open(settings, write=True) as con:
        con.execute(
            "insert into disclosure.release_steps values (?, ?, ?, 'open', ?)",
            [release_id, action, step.started_at, json.dumps(detail, sort_keys=True)],
        )
    return step


def roll_back(settings: Settings, step: Step) -> None:
    _close_step(settings, step, "rolled back")


def _close_step(
    settings: Settings, step: Step, state: str, con: duckdb.DuckDBPyConnection | None = None
) -> None:
    sql = (
        "update disclosure.release_steps set state = ? where release_id = ? and action = ? and started_at = ? "
        "and state = 'open'"
    )
    args = [state, step.release_id, step.action, step.started_at]
    if con is not None:
        con.execute(sql, args)
        return
    with _open(settings, write=True) as own:
        own.execute(sql, args)


def finish_publish(settings: Settings, step: Step, cells: Sequence[PublishedCell], entry: dict) -> None:
    """In one transaction: the release's cells, its 'published' event, 'superseded' for every earlier current
    version of the reference, and the step closed. Idempotent for a release already recorded."""
    published_at = step.detail["published_at"]
    reference = step.release_id.rsplit("/v", 1)[0]
    with _open(settings, write=True) as con:
        con.execute("begin")
        if not _has_event(con, step.release_id, "published"):
            earlier = [
                rid
                for rid, state in release_states(_events(con)).items()
                if state == "current"
                and rid.rsplit("/v", 1)[0] == reference
                and int(rid.rsplit("/v", 1)[1]) < int(step.release_id.rsplit("/v", 1)[1])
            ]
            con.execute(
                "update disclosure.published_cells set status = 'superseded' where status = 'current' "
                "and release_id in (select unnest(?::varchar[]))",
                [earlier],
            )
            if cells:
                con.executemany(INSERT_CELL_SQL, [to_row(c, published_at) for c in cells])
            _append(con, step.release_id, "published", published_at, step.detail["approved_by"], entry)
            for rid in earlier:
                _append(con, rid, "superseded", published_at, step.release_id, {})
        _close_step(settings, step, "done", con)
        con.execute("commit")


def finish_withdraw(settings: Settings, step: Step) -> None:
    """In one transaction: the cells marked withdrawn (they keep counting), the 'withdrawn' event with who and
    why (the incident entry), and the step closed."""
    with _open(settings, write=True) as con:
        con.execute("begin")
        if not _has_event(con, step.release_id, "withdrawn"):
            con.execute(
                "update disclosure.published_cells set status = 'withdrawn' where release_id = ?",
                [step.release_id],
            )
            _append(
                con,
                step.release_id,
                "withdrawn",
                step.detail["at"],
                step.detail["by"],
                {"reason": step.detail["reason"]},
            )
        _close_step(settings, step, "done", con)
        con.execute("commit")


def adopt(
    settings: Settings, release_id: str, published_at: object, actor: str, entry: dict, status: str
) -> None:
    """Events for a release an older disclose published and recorded cells for (flows/release/legacy.py)."""
    with _open(settings, write=True) as con:
        con.execute("begin")
        if not _has_event(con, release_id):
            _append(con, release_id, "published", published_at, actor, entry)
            if status in ("superseded", "withdrawn"):
                _append(
                    con,
                    release_id,
                    status,
                    published_at,
                    actor,
                    {"reason": "recorded before incidents were kept"} if status == "withdrawn" else {},
                )
        con.execute("commit")


def _has_event(con: duckdb.DuckDBPyConnection, release_id: str, event: str | None = None) -> bool:
    """Whether the event log has ``event`` (any event, if None) for ``release_id``: completing is idempotent."""
    sql = "select count(*) from disclosure.release_events where release_id = ? and event = coalesce(?, event)"
    return bool(con.execute(sql, [release_id, event]).fetchall()[0][0])


def _events(con: duckdb.DuckDBPyConnection) -> list[Event]:
    return [_event(r) for r in con.sql(EVENTS_SQL).fetchall()]


def _event(row: tuple) -> Event:
    return Event(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]))


def _append(
    con: duckdb.DuckDBPyConnection, release_id: str, event: str, at: object, actor: str, detail: dict
) -> None:
    seq = con.execute("select coalesce(max(seq), 0) + 1 from disclosure.release_events").fetchall()[0][0]
    con.execute(
        "insert into disclosure.release_events values (?, ?, ?, ?, ?, ?)",
        [seq, release_id, event, at, actor, json.dumps(detail, sort_keys=True)],
    )
