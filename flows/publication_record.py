"""The publication record: every cell ever released, with the population it counts, kept apart from the
warehouse (``<home>/record/publication-record.duckdb``) because a rebuild must never touch it.

Disclosure control reads it before protecting a release (so no figure, together with earlier ones, gives a
withheld one away) and the release stages append to it after publishing. Rows are never deleted: a release
replaced by a later version is marked ``superseded``, since its figures are still in the world.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.config import Settings
from flows.sdc.history import PUBLISHED_CELLS_DDL, PublishedCell, from_row, to_row
from flows.sdc.policy import SdcPolicy
from flows.sdc_audit import AuditResult, audit_populations


def record_path(settings: Settings) -> Path:
    return settings.home / "record" / "publication-record.duckdb"


def load_history(settings: Settings) -> list[PublishedCell]:
    """Every recorded cell, current, superseded and withdrawn alike, on every population axis (a cell recorded
    before an axis existed counted all of it: flows.requests.populations.complete)."""
    from flows.requests.populations import complete_cell

    path = record_path(settings)
    if not path.is_file():
        return []
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.sql("select * from disclosure.published_cells order by published_at, release_id").fetchall()
    return [complete_cell(from_row(r)) for r in rows]


def audit_record(settings: Settings, policy: SdcPolicy | None = None) -> AuditResult:
    """Every release ever published, audited as one system over population atoms (flows.sdc_audit)."""
    policy = policy or SdcPolicy(k=settings.threshold, **settings.disclosure)
    cells = [c.for_audit() for c in load_history(settings)]
    if not cells:
        return AuditResult((), 0, "nothing published yet")
    return audit_populations(cells, policy.k, policy.zeros == "publish", policy.protection_width)


def withdraw(settings: Settings, release_id: str) -> int:
    """Mark a release withdrawn. Its cells stay and keep counting in every later check: what was published
    cannot be unpublished. Returns the number of cells marked."""
    path = record_path(settings)
    if not path.is_file():
        raise LookupError(f"no publication record at {path}")
    with duckdb.connect(str(path)) as con:
        found = con.execute("select count(*) from disclosure.published_cells where release_id = ?",
                            [release_id]).fetchall()[0][0]
        if not found:
            raise LookupError(f"{release_id} is not in the publication record")
        con.execute("update disclosure.published_cells set status = 'withdrawn' where release_id = ?", [release_id])
    return int(found)


def record_release(settings: Settings, release_id: str, cells: Sequence[PublishedCell]) -> int:
    """Append one published release's cells (idempotent) and mark earlier versions of it superseded."""
    path = record_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    reference = release_id.rsplit("/v", 1)[0]
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    with duckdb.connect(str(path)) as con:
        con.execute(PUBLISHED_CELLS_DDL)
        con.execute("begin")
        con.execute("update disclosure.published_cells set status = 'superseded' "
                    "where status = 'current' and release_id like $prefix || '/v%' and release_id <> $id",
                    {"prefix": reference, "id": release_id})
        con.executemany("insert or ignore into disclosure.published_cells values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [to_row(c, now) for c in cells])
        con.execute("commit")
    return len(cells)
