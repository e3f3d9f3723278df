"""What ingest held back and why, for `disclose quarantine`: file, row, column and reason, never the value."""

from __future__ import annotations

from rich.table import Table

from flows.config import Settings
from flows.warehouse import connect


def quarantine_summary(settings: Settings, limit: int = 50) -> Table | str:
    if not settings.warehouse_path.exists():
        return "no warehouse yet: nothing has been ingested"
    with connect(settings, read_only=True) as con:
        files = con.sql(
            "select file_id, original_name, status, rows_read, rows_quarantined, coalesce(reason, '') "
            "from raw.extract_files where status <> 'loaded' order by file_id"
        ).fetchall()
        rows = con.execute(
            "select f.original_name, q.row_number, coalesce(q.column_name, ''), q.reason "
            "from quarantine.rows q join raw.extract_files f using (file_id) "
            "order by q.file_id, q.row_number limit ?", [limit],
        ).fetchall()
    table = Table(title=f"Held back: {len(files)} file(s) not loaded cleanly; first {len(rows)} quarantined row(s)")
    for col in ("file", "row", "column", "reason"):
        table.add_column(col)
    for fid, name, status, read, quarantined, reason in files:
        table.add_row(f"{name} (#{fid})", "", "", f"{status}: {quarantined or 0} of {read or 0} rows. {reason}")
    for name, row, column, reason in rows:
        table.add_row(name, str(row), column, reason)
    return table


def manifest_summary(settings: Settings, limit: int = 50) -> Table | str:
    """Every delivery, newest first: name, received, status, source, the profile that mapped it (with the first
    characters of the profile file's sha256), sha256 (short), rows; for `disclose manifest`."""
    if not settings.warehouse_path.exists():
        return "no warehouse yet: nothing has been ingested"
    with connect(settings, read_only=True) as con:
        rows = con.execute(
            "select delivery_id, original_name, received_at, status, coalesce(source, ''), "
            "coalesce(profile || ' @' || left(profile_sha256, 8), profile, ''), left(sha256, 12), bytes, "
            "rows_read, rows_staged, rows_quarantined, coalesce(reason, ''), purged_at "
            "from raw.manifest order by delivery_id desc limit ?", [limit]).fetchall()
    table = Table(title=f"Manifest: the last {len(rows)} deliveries (raw.manifest holds all)")
    for col in ("#", "file", "received", "status", "source", "profile", "sha256", "bytes", "read", "staged",
                "quarantined", "reason"):
        table.add_column(col)
    for did, name, received, status, source, profile, sha, size, read, staged, held, reason, purged in rows:
        note = f"{reason} (archive purged {purged:%Y-%m-%d})" if purged else reason
        table.add_row(str(did), name, f"{received:%Y-%m-%d %H:%M}", status, source, profile, sha, str(size),
                      *(str(v) if v is not None else "" for v in (read, staged, held)), note)
    return table
