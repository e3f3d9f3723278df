"""Load one delivered file: sniff, archive, read as text, check row by row, stage good rows, quarantine the rest.

Everything a file changes in the warehouse happens in one transaction, so a file is loaded whole or not at
all. Messages name the file, row and column, never the personal values (those stay in quarantine.rows).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from flows.ingest import ledger
from flows.ingest.archive import archive
from flows.ingest.encoding import EncodingRejected, as_utf8, read_header, sniff
from flows.ingest.sources import Source, classify, normalise_header
from flows.warehouse import scalar

ACCEPTED_SUFFIXES = {".csv"}


@dataclass(frozen=True)
class FileOutcome:
    name: str
    status: str  # loaded | partly quarantined | rejected | duplicate
    file_id: int | None
    source: str | None
    rows_read: int = 0
    rows_staged: int = 0
    rows_quarantined: int = 0
    reason: str | None = None

    def line(self) -> str:
        counts = f" ({self.rows_read} rows read, {self.rows_staged} staged, {self.rows_quarantined} quarantined)"
        why = f": {self.reason}" if self.reason else ""
        return f"{self.name}: {self.status}{counts if self.rows_read else ''}{why}"


def load_file(
    con: duckdb.DuckDBPyConnection, path: Path, *, raw_dir: Path, sql_dir: Path, max_share: float, received_at: datetime
) -> FileOutcome:
    try:
        sniffed = sniff(path)
    except EncodingRejected as exc:
        return _reject_unsniffable(con, path, raw_dir, received_at, str(exc))
    previous = ledger.seen(con, sniffed.sha256)
    if previous:
        return FileOutcome(path.name, "duplicate", previous[0], None, reason=f"same bytes as file {previous[0]} ({previous[1]})")
    file_id = ledger.next_file_id(con)
    base = dict(file_id=file_id, sha256=sniffed.sha256, original_name=path.name, encoding=sniffed.encoding,
                bytes=sniffed.bytes, received_at=received_at)

    def reject(reason: str, source: Source | None = None, **counts: int) -> FileOutcome:
        stored = archive(path, raw_dir, source.name if source else "unknown", sniffed.sha256)
        ledger.record(con, **base, source=source.name if source else None, status="rejected", reason=reason,
                      archive_path=str(stored), **counts)
        return FileOutcome(path.name, "rejected", file_id, source.name if source else None, reason=reason,
                           rows_read=counts.get("rows_read", 0), rows_quarantined=counts.get("rows_quarantined", 0))

    suffix = path.suffix.lower()
    if suffix in {".xls", ".xlsm"}:
        return reject(f"{suffix} workbooks are not accepted (legacy or macro-enabled): export the extract as CSV")
    if suffix not in ACCEPTED_SUFFIXES:
        return reject(f"'{suffix or 'no extension'}' files are not accepted: deliver CSV")
    if sniffed.bytes == 0:
        return reject("the file is empty")
    header = read_header(path, sniffed.encoding)
    source, missing = classify(header)
    if source is None:
        return reject("not a custody or crime extract: the header matches neither canonical format")
    if missing:
        return reject(f"missing required column(s) {', '.join(missing)}", source)
    names = [normalise_header(h) for h in header]
    if len(set(names)) != len(names):
        return reject("the header repeats a column name", source)

    with tempfile.TemporaryDirectory(prefix="disclose-ingest-") as scratch:
        readable = as_utf8(path, sniffed.encoding, Path(scratch))
        accepted, rejected_rows = _read_batch(con, readable, names, source)
    rows_read = accepted + len(rejected_rows)
    if rows_read == 0:
        return reject("the file has a header but no rows", source)
    con.execute((sql_dir / "staging" / source.checks_sql).read_text(encoding="utf-8"))
    bad = int(scalar(con, "select count(*) from checked where len(problems) > 0"))
    quarantined = bad + len(rejected_rows)
    extracted_at = scalar(con, "select mode(extracted_at) from checked")
    counts = dict(rows_read=rows_read, rows_staged=rows_read - quarantined, rows_quarantined=quarantined)
    if quarantined / rows_read > max_share:
        first = _first_problems(con, rejected_rows)
        return reject(
            f"{quarantined} of {rows_read} rows ({quarantined / rows_read:.1%}) failed checks, above the "
            f"{max_share:.1%} limit for a file; first problems: {first}", source, **counts)

    stored = archive(path, raw_dir, source.name, sniffed.sha256)
    con.execute("begin transaction")
    try:
        columns = ", ".join(_staging_columns(source))
        con.execute(f"insert into {source.staging_table} ({columns}) "  # noqa: S608 - Source constants only
                    f"select {columns} from (select ?::bigint as file_id, * from checked) where len(problems) = 0",
                    [file_id])
        con.execute(
            "insert into quarantine.rows select ?::bigint, row_number, p.column_name, p.reason, p.raw_value "
            "from (select row_number, unnest(problems) as p from checked)", [file_id])
        for row_number, column, reason in rejected_rows:
            con.execute("insert into quarantine.rows values (?, ?, ?, ?, null)", [file_id, row_number, column, reason])
        status = "partly quarantined" if quarantined else "loaded"
        ledger.record(con, **base, source=source.name, status=status, reason=None, extracted_at=extracted_at,
                      archive_path=str(stored), **counts)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return FileOutcome(path.name, status, file_id, source.name, **counts)


def _read_batch(con: duckdb.DuckDBPyConnection, path: Path, names: list[str], source: Source) -> tuple[int, list]:
    """Read every field as text; structural problems (wrong column count, bad quoting) become rejected rows."""
    present = set(names)
    select = ", ".join(c if c in present else f"null::varchar as {c}" for c in source.columns)
    con.execute(  # noqa: S608 - canonical column names only; the path and header names are parameters
        f"""create or replace temp table batch_accepted as
            select row_number() over () as ordinal, {select}
            from read_csv($path, header = true, all_varchar = true, names = $names, store_rejects = true,
                          rejects_scan = 'disclose_reject_scans', rejects_table = 'disclose_reject_errors',
                          quote = '"', escape = '"', max_line_size = 1048576)""",  # noqa: S608
        {"path": str(path), "names": names},
    )
    rejected = con.sql(
        "select line - 1 as row_number, any_value(column_name), string_agg(distinct error_type, '; ') "
        "from disclose_reject_errors group by line order by line"
    ).fetchall()
    rejected_rows = [(int(r), c, f"malformed row: {e.lower()}") for r, c, e in rejected]
    # accepted row k (1-based) sits after every rejected row whose position among data rows precedes it
    gaps = [r - j for j, (r, _, _) in enumerate(rejected_rows, start=1)]
    con.execute("create or replace temp table batch_gaps as select unnest(?::bigint[]) as gap", [gaps])
    con.execute(
        "create or replace temp table batch as select ordinal + (select count(*) from batch_gaps where gap < ordinal) "
        "as row_number, * exclude (ordinal) from batch_accepted"
    )
    accepted = int(scalar(con, "select count(*) from batch"))
    return accepted, rejected_rows


def _staging_columns(source: Source) -> list[str]:
    if source.name == "custody":
        return ["file_id", "row_number", "custody_ref", "person_ref", "arrest_at", "offence_seq", "offence_code",
                "offence_description", "disposal", "disposal_date", "age_at_arrest", "gender",
                "self_defined_ethnicity", "station", "arresting_agency", "extracted_at"]
    return ["file_id", "row_number", "crime_ref", "recorded_date", "committed_date", "ho_offence_code",
            "offence_description", "outcome_code", "outcome_date", "district", "crime_status", "extracted_at"]


def _first_problems(con: duckdb.DuckDBPyConnection, rejected_rows: list, limit: int = 3) -> str:
    rows = con.execute(
        "select row_number, p.column_name, p.reason from (select row_number, unnest(problems) as p from checked) "
        "order by row_number limit ?", [limit],
    ).fetchall()
    items = [f"row {r} column {c}: {why}" for r, c, why in rows] + [
        f"row {r} column {c or '?'}: {why}" for r, c, why in rejected_rows[:limit]]
    return "; ".join(items[:limit])


def _reject_unsniffable(con, path: Path, raw_dir: Path, received_at: datetime, reason: str) -> FileOutcome:
    import hashlib

    with path.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    previous = ledger.seen(con, digest)
    if previous:
        return FileOutcome(path.name, "duplicate", previous[0], None, reason=f"same bytes as file {previous[0]}")
    file_id = ledger.next_file_id(con)
    stored = archive(path, raw_dir, "unknown", digest)
    ledger.record(con, file_id=file_id, sha256=digest, original_name=path.name, bytes=path.stat().st_size,
                  received_at=received_at, status="rejected", reason=reason, archive_path=str(stored))
    return FileOutcome(path.name, "rejected", file_id, None, reason=reason)
