"""The manifest of every file ever seen.

``raw.extract_files`` has one row per distinct file (by sha256): what it was, how many rows it had and what
became of them; its ``file_id`` is what staging and quarantine rows point to. ``raw.deliveries`` has one row
per arrival, so delivering the same bytes again is recorded (status ``duplicate``) and changes nothing
else. ``raw.manifest`` joins the two: sha256, size, rows read, source, received time, status and reason, and for a
file read through a profile, the profile's name and the sha256 of the profile file; and how many staged rows carried an offence code the
reference data did not know at load (well-formed: a local or newer code), and how many distinct such codes.
Status is one of loaded, partly quarantined, rejected, duplicate.
"""

from __future__ import annotations

import duckdb

from flows.db import scalar

DDL = (
    """create table if not exists raw.extract_files (
        file_id bigint primary key, sha256 varchar not null unique, original_name varchar not null,
        source varchar, encoding varchar, bytes bigint not null, rows_read bigint, rows_staged bigint,
        rows_quarantined bigint, received_at timestamp not null, extracted_at timestamp, status varchar not null,
        reason varchar, archive_path varchar not null)""",
    "alter table raw.extract_files add column if not exists file_format varchar",
    "alter table raw.extract_files add column if not exists profile varchar",
    "alter table raw.extract_files add column if not exists note varchar",
    "alter table raw.extract_files add column if not exists purged_at timestamp",
    # sha256 of the profile file the rows were read through: which mapping produced them
    "alter table raw.extract_files add column if not exists profile_sha256 varchar",
    # staged rows whose well-formed offence code was not in the reference data at load, and how many codes
    "alter table raw.extract_files add column if not exists rows_unrecognised_code bigint",
    "alter table raw.extract_files add column if not exists unrecognised_codes bigint",
    """create table if not exists raw.deliveries (
        delivery_id bigint primary key, file_id bigint not null, sha256 varchar not null,
        original_name varchar not null, bytes bigint not null, received_at timestamp not null,
        status varchar not null, reason varchar)""",
    # each delivery's line for raw/deliveries.jsonl, committed with its ledger entry (flows/ingest/claims.py)
    "create table if not exists raw.delivery_log (delivery_id bigint primary key, line varchar not null)",
    """create or replace view raw.manifest as
        select deliveries.delivery_id, deliveries.original_name, deliveries.received_at, deliveries.status,
               coalesce(deliveries.reason, files.reason) as reason, deliveries.sha256, deliveries.bytes,
               files.file_id, files.source, files.profile, files.profile_sha256, files.file_format, files.encoding, files.extracted_at,
               -- a re-delivery read nothing: its rows are the first delivery's, counted there
               case when deliveries.status <> 'duplicate' then files.rows_read end as rows_read,
               case when deliveries.status <> 'duplicate' then files.rows_staged end as rows_staged,
               case when deliveries.status <> 'duplicate' then files.rows_quarantined end as rows_quarantined,
               files.archive_path, files.purged_at,
               case when deliveries.status <> 'duplicate' then files.rows_unrecognised_code end
                   as rows_unrecognised_code,
               case when deliveries.status <> 'duplicate' then files.unrecognised_codes end as unrecognised_codes
        from raw.deliveries as deliveries
        inner join raw.extract_files as files on deliveries.file_id = files.file_id""",
)

LEDGER_COLUMNS = frozenset(
    {
        "file_id",
        "sha256",
        "original_name",
        "source",
        "encoding",
        "bytes",
        "rows_read",
        "rows_staged",
        "rows_quarantined",
        "received_at",
        "extracted_at",
        "status",
        "reason",
        "archive_path",
        "file_format",
        "profile",
        "note",
        "purged_at",
        "profile_sha256",
        "rows_unrecognised_code",
        "unrecognised_codes",
    }
)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)
    # a warehouse from before raw.deliveries: every file it knows arrived once, as recorded
    con.execute(
        """insert into raw.deliveries
           select coalesce((select max(delivery_id) from raw.deliveries), 0) + row_number() over (order by file_id),
                  file_id, sha256, original_name, bytes, received_at, status, null
           from raw.extract_files
           where file_id not in (select file_id from raw.deliveries)"""
    )


def seen(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[int, str, str] | None:
    """(file id, status, original name) of an earlier delivery of the same bytes."""
    rows = con.execute(
        "select file_id, status, original_name from raw.extract_files where sha256 = ?", [sha256]
    ).fetchall()
    return (int(rows[0][0]), str(rows[0][1]), str(rows[0][2])) if rows else None


def next_file_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(scalar(con, "select coalesce(max(file_id), 0) + 1 from raw.extract_files"))


def next_delivery_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(scalar(con, "select coalesce(max(delivery_id), 0) + 1 from raw.deliveries"))


def record(con: duckdb.DuckDBPyConnection, **entry: object) -> None:
    columns = list(entry)
    unknown = set(columns) - LEDGER_COLUMNS
    if unknown:
        raise ValueError(f"not ledger columns: {sorted(unknown)}")
    # column names are checked against LEDGER_COLUMNS above; values are parameters
    con.execute(
        f"insert into raw.extract_files ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",  # noqa: S608
        list(entry.values()),
    )


def record_delivery(
    con: duckdb.DuckDBPyConnection,
    *,
    delivery_id: int,
    file_id: int,
    sha256: str,
    original_name: str,
    bytes: int,
    received_at: object,
    status: str,  # noqa: A002
    reason: str | None = None,
) -> None:
    con.execute(
        "insert into raw.deliveries values (?, ?, ?, ?, ?, ?, ?, ?)",
        [delivery_id, file_id, sha256, original_name, bytes, received_at, status, reason],
    )
