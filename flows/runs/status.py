"""``disclose status``: on one screen, the recent runs (the home's run log), how fresh the warehouse is (last
delivery loaded and latest extract time, per source), the drafts awaiting approval and what ingest held back
(counts by file). A reader of the published snapshot: it never writes, and a writer building the next one is
named, not waited for.
Counts, names and times only, never a value from an extract."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from flows.config import Settings
from flows.runs.record import RunRecord, read_records


@dataclass
class Status:
    home: str
    runs: list[RunRecord]
    damaged_run_lines: int
    warehouse: str  # what state it is in, in words
    sources: list[dict[str, Any]] = field(default_factory=list)
    awaiting_approval: list[dict[str, Any]] = field(default_factory=list)
    quarantined_files: list[dict[str, Any]] = field(default_factory=list)
    interrupted: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "runs": [asdict(r) for r in self.runs]}


def gather(settings: Settings, runs: int = 8) -> Status:
    from flows.release.listing import draft_lines, interrupted

    records, damaged = read_records(settings.runs_log)
    status = Status(str(settings.home), records[-runs:][::-1], damaged, "")
    status.warehouse = _warehouse(settings, status)
    status.awaiting_approval = [
        {"release_id": d.release_id, "kind": d.kind, "drafted": d.created, "by": d.ran_by, "title": d.title}
        for d in draft_lines(settings)
        if d.state == "awaiting approval"
    ]
    status.interrupted = interrupted(settings)
    return status


def _warehouse(settings: Settings, status: Status) -> str:
    """Fill in the sources and quarantined files; say what state the warehouse is in."""
    from flows.db import connect, snapshots
    from flows.warehouse_lock import WarehouseBusy, holder

    if not settings.warehouse_path.exists():
        return f"no warehouse yet at {settings.warehouse_path}: run `disclose nightly`"
    writer = holder(settings)
    building = f"; the next is being built by {writer}" if writer else ""
    try:
        with connect(settings, read_only=True) as con:
            state = snapshots.read_state(con)
            published = con.sql(
                "select max(published_at) from snapshot.state" if state else "select null"
            ).fetchall()[0][0]
            what = f"snapshot {state.snapshot_id}, published {_iso(published)}" if state else "a single file"
            ledger = con.sql(
                "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'extract_files'"
            ).fetchall()[0][0]
            if not ledger:
                return f"{settings.warehouse_path} ({what}, nothing loaded yet){building}"
            sources = con.sql(
                "select source, count(*), max(received_at), arg_max(original_name, received_at), "
                "max(extracted_at) from raw.extract_files "
                "where status in ('loaded', 'partly quarantined') group by source order by source"
            ).fetchall()
            held = con.sql(
                "select original_name, status, coalesce(rows_read, 0), coalesce(rows_quarantined, 0), "
                "coalesce(reason, '') from raw.extract_files "
                "where status <> 'loaded' or rows_quarantined > 0 order by file_id"
            ).fetchall()
    except WarehouseBusy as exc:
        return str(exc)
    status.sources = [
        {
            "source": source or "unknown",
            "files_loaded": files,
            "last_received_at": _iso(received),
            "last_file": name,
            "latest_extracted_at": _iso(extracted),
        }
        for source, files, received, name, extracted in sources
    ]
    status.quarantined_files = [
        {"file": name, "status": st, "rows_read": read, "rows_quarantined": q, "reason": reason}
        for name, st, read, q, reason in held
    ]
    return f"{settings.warehouse_path} ({what}){building}"


def _iso(value: Any) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value is not None else None
