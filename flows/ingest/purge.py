"""Retention: delete raw extracts older than the retention period, and say what a rebuild can no longer redo.

The archive holds extracts as delivered, personal columns included, so it is kept only as long as the
retention period. Purging deletes the archived bytes, appends a ``purge`` event to the delivery log and
stamps ``purged_at`` in the ledger; the warehouse's staged rows stay (they hold only mapped columns). What
is lost is reproducibility: the report counts, per table, the rows whose content came from purged files,
which a rebuild from the archive would drop or replace with an older delivery. A dry run (the default)
reports without deleting.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

from flows.config import Settings
from flows.db import connect
from flows.ingest.archive import append_log
from flows.ingest.fingerprint import tables


@dataclass
class PurgeReport:
    cutoff: datetime
    dry_run: bool
    files: list[tuple[int, str, str | None, datetime]] = field(
        default_factory=list
    )  # id, name, source, received
    unreproducible: dict[str, int] = field(default_factory=dict)  # table -> rows coming from purged files

    def lines(self) -> list[str]:
        verb = "would purge" if self.dry_run else "purged"
        out = [f"{verb} {len(self.files)} archived file(s) received before {self.cutoff:%Y-%m-%d %H:%M}"]
        out += [
            f"  file {fid} {name} ({source or 'rejected'}, received {received:%Y-%m-%d})"
            for fid, name, source, received in self.files
        ]
        if self.unreproducible:
            out.append("a rebuild from the archive could no longer reproduce:")
            out += [f"  {table}: {rows} row(s)" for table, rows in self.unreproducible.items()]
        elif self.files:
            out.append("no warehouse rows depend on these files: a rebuild still reproduces every table")
        return out


def purge(settings: Settings, *, older_than: datetime, dry_run: bool = True) -> PurgeReport:
    """Purge archived files received before ``older_than`` (e.g. now minus the retention period)."""
    report = PurgeReport(older_than, dry_run)
    if not settings.warehouse_path.exists():
        return report
    with connect(settings, read_only=dry_run) as con:
        rows = con.execute(
            "select file_id, sha256, original_name, source, received_at, archive_path from raw.extract_files "
            "where received_at < ? and purged_at is null order by file_id",
            [older_than],
        ).fetchall()
        report.files = [(fid, name, source, received) for fid, _, name, source, received, _ in rows]
        ids = [r[0] for r in rows]
        if ids:
            report.unreproducible = _rows_from(con, ids)
        if dry_run or not ids:
            return report
        now = datetime.now().replace(microsecond=0)
        for fid, sha, _, _, _, stored in rows:
            path = settings.raw_dir / stored
            if path.exists():
                os.chmod(path, 0o644)
                path.unlink()
            append_log(
                settings.raw_dir,
                {
                    "event": "purge",
                    "file_id": fid,
                    "sha256": sha,
                    "purged_at": now,
                    "reason": f"received before {older_than:%Y-%m-%d}: retention period over",
                },
            )
        con.execute("update raw.extract_files set purged_at = ? where list_contains(?, file_id)", [now, ids])
    return report


def _rows_from(con, file_ids: list[int]) -> dict[str, int]:
    """Rows per table whose file_id is one of ``file_ids`` (staging, quarantine and core keep file_id)."""
    out = {}
    for table in tables(con, ("staging", "quarantine", "core")):
        schema, name = table.split(".")
        has = con.execute(
            "select count(*) from duckdb_columns() where schema_name = ? and table_name = ? "
            "and column_name = 'file_id'",
            [schema, name],
        ).fetchall()[0][0]
        if has:
            n = con.execute(
                f'select count(*) from "{schema}"."{name}" where list_contains(?, file_id)',  # noqa: S608
                [file_ids],
            ).fetchall()[0][0]
            if n:
                out[table] = int(n)
    return out
