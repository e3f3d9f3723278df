"""What ingest held back and why, for `disclose quarantine`: file, row, column and reason, never the value; what
it loaded without knowing the offence code, for `disclose unrecognised-codes`; and the manifest."""

from __future__ import annotations

from rich.table import Table

from flows.config import Settings
from flows.db import connect


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
            "order by q.file_id, q.row_number limit ?",
            [limit],
        ).fetchall()
    table = Table(
        title=f"Held back: {len(files)} file(s) not loaded cleanly; first {len(rows)} quarantined row(s)"
    )
    for col in ("file", "row", "column", "reason"):
        table.add_column(col)
    for fid, name, status, read, quarantined, reason in files:
        table.add_row(
            f"{name} (#{fid})", "", "", f"{status}: {quarantined or 0} of {read or 0} rows. {reason}"
        )
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
            "rows_read, rows_staged, rows_quarantined, coalesce(reason, ''), purged_at, "
            "case when rows_unrecognised_code > 0 then rows_unrecognised_code || ' (' || unrecognised_codes "
            "|| ' codes)' else '' end "
            "from raw.manifest order by delivery_id desc limit ?",
            [limit],
        ).fetchall()
    table = Table(title=f"Manifest: the last {len(rows)} deliveries (raw.manifest holds all)")
    for col in (
        "#",
        "file",
        "received",
        "status",
        "source",
        "profile",
        "sha256",
        "bytes",
        "read",
        "staged",
        "quarantined",
        "unrecognised code",
        "reason",
    ):
        table.add_column(col)
    for (
        did,
        name,
        received,
        status,
        source,
        profile,
        sha,
        size,
        read,
        staged,
        held,
        reason,
        purged,
        unknown,
    ) in rows:
        note = f"{reason} (archive purged {purged:%Y-%m-%d})" if purged else reason
        table.add_row(
            str(did),
            name,
            f"{received:%Y-%m-%d %H:%M}",
            status,
            source,
            profile,
            sha,
            str(size),
            *(str(v) if v is not None else "" for v in (read, staged, held)),
            unknown,
            note,
        )
    return table


UNRECOGNISED = """
    select 'custody' as source, offences.offence_code as code, count(*) as rows_delivered,
           count(distinct offences.file_id) as files, max(offences.extracted_at) as latest_extract
    from staging.custody_offences as offences
    anti join ref.offences as known on offences.offence_code = known.cjs_code
    group by offences.offence_code
    union all
    select 'crime', crimes.ho_offence_code, count(*), count(distinct crimes.file_id), max(crimes.extracted_at)
    from staging.crimes as crimes
    anti join ref.ho_offence_codes as known on crimes.ho_offence_code = known.ho_offence_code
    group by crimes.ho_offence_code
"""


def unrecognised_codes_summary(settings: Settings, limit: int = 100) -> Table | str:
    """Offence codes staged (well-formed) that today's reference data does not know, commonest first, with the
    rows and files that carried them: codes and counts only, never a record. Counted under 'Unrecognised
    offence code' until the reference data learns them."""
    if not settings.warehouse_path.exists():
        return "no warehouse yet: nothing has been ingested"
    with connect(settings, read_only=True) as con:
        version = con.sql("select version from ref.version").fetchall()
        rows = con.execute(
            f"select * from ({UNRECOGNISED}) order by rows_delivered desc, source, code limit ?",  # noqa: S608
            [limit],
        ).fetchall()
        codes, total = con.sql(
            f"select count(*), coalesce(sum(rows_delivered), 0) from ({UNRECOGNISED})"  # noqa: S608
        ).fetchall()[0]
    if not codes:
        return f"every staged offence code is in the reference data (version {version[0][0] if version else '?'})"
    table = Table(
        title=f"{codes} offence code(s) not in the reference data (version {version[0][0]}), in {total} "
        f"delivered row(s); the first {len(rows)}, commonest first"
    )
    for col in ("source", "code", "rows delivered", "files", "latest extract"):
        table.add_column(col)
    for source, code, n, files, latest in rows:
        table.add_row(source, code, str(n), str(files), f"{latest:%Y-%m-%d %H:%M}")
    return table
