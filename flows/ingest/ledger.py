"""The ledger of every file ever seen (``raw.extract_files``) and the tables ingest writes to.

A file is identified by its sha256: delivering the same bytes again is recorded nowhere new and changes
nothing. Status is one of loaded, partly quarantined, rejected.
"""

from __future__ import annotations

import duckdb

from flows.warehouse import scalar

DDL = (
    """create table if not exists raw.extract_files (
        file_id bigint primary key, sha256 varchar not null unique, original_name varchar not null,
        source varchar, encoding varchar, bytes bigint not null, rows_read bigint, rows_staged bigint,
        rows_quarantined bigint, received_at timestamp not null, extracted_at timestamp, status varchar not null,
        reason varchar, archive_path varchar not null)""",
    """create table if not exists staging.custody_offences (
        file_id bigint not null, row_number bigint not null, custody_ref varchar not null, person_ref varchar,
        arrest_at timestamp not null, offence_seq integer not null, offence_code varchar not null,
        offence_description varchar, disposal varchar not null, disposal_date date, age_at_arrest integer,
        gender varchar, self_defined_ethnicity varchar, station varchar, arresting_agency varchar,
        extracted_at timestamp not null)""",
    """create table if not exists staging.crimes (
        file_id bigint not null, row_number bigint not null, crime_ref varchar not null, recorded_date date not null,
        committed_date date, ho_offence_code varchar, offence_description varchar, outcome_code varchar,
        outcome_date date, district varchar, crime_status varchar, extracted_at timestamp not null)""",
    """create table if not exists quarantine.rows (
        file_id bigint not null, row_number bigint not null, column_name varchar, reason varchar not null,
        raw_value varchar)""",
)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def seen(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[int, str] | None:
    rows = con.execute("select file_id, status from raw.extract_files where sha256 = ?", [sha256]).fetchall()
    return (int(rows[0][0]), str(rows[0][1])) if rows else None


def next_file_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(scalar(con, "select coalesce(max(file_id), 0) + 1 from raw.extract_files"))


LEDGER_COLUMNS = frozenset({
    "file_id", "sha256", "original_name", "source", "encoding", "bytes", "rows_read", "rows_staged",
    "rows_quarantined", "received_at", "extracted_at", "status", "reason", "archive_path",
})


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
