"""Load one delivered file: sniff, plan, read as text, check row by row, stage good rows, quarantine the rest.

Two halves: ``check_file`` (sniff, plan, read, check: temp tables only, so the next file can be checked while
this one commits) and ``commit_file`` (ids, staging, quarantine, ledger, in delivery order). Everything a file
changes in the warehouse happens in that one transaction, so a file is loaded whole or not at all, and a
rejected file changes nothing but the ledger. Messages name the file, row and column, never the
personal values (those stay in quarantine.rows, inside the warehouse).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from flows.contracts.offence_codes import code_pattern_params
from flows.db import scalar
from flows.ingest import ledger
from flows.ingest.archive import append_line, archive_path, log_line, relative_to_raw
from flows.ingest.claims import place
from flows.ingest.dates import ordered_formats
from flows.ingest.encoding import Sniffed, sniff
from flows.ingest.extract_time import file_extracted_at, file_extracted_at_text, future_extracted_at
from flows.ingest.prepare import Plan, Rejected, as_windows_1252, plan_file
from flows.ingest.profiles import Profile
from flows.ingest.read import BatchRead, FileUnreadable, RejectedRow, read_batch
from flows.ingest.sources import HATE_CRIME_STRANDS
from flows.ingest.xlsx import XlsxLimits
from flows.release.faults import fault_at

DEFAULT_MAX_SHARE = 0.01
SWAPPED = "date reads only with day and month swapped"
# Below this, finding the file's date formats (one ~7 ms query) costs more than it saves: a value in the
# list's last format costs ~5 us more than in its first (a 12,000-row custody file: 110 ms, against 40 ms).
ORDER_FORMATS_FROM_ROWS = 1_000
GOOD = "coalesce(len(problems), 0) = 0"  # the check SQL leaves problems null (or empty) for a good row


@dataclass(frozen=True)
class FileOutcome:
    name: str
    status: str  # loaded | partly quarantined | rejected | duplicate | waiting | refused (left in landing: landing.py)
    file_id: int | None
    source: str | None
    rows_read: int = 0
    rows_staged: int = 0
    rows_quarantined: int = 0
    reason: str | None = None
    rows_unrecognised_code: int = 0  # staged rows whose (well-formed) offence code the reference list lacks
    unrecognised_codes: int = 0  # distinct such codes

    def line(self) -> str:
        counts = (
            f" ({self.rows_read} rows read, {self.rows_staged} staged, {self.rows_quarantined} quarantined)"
        )
        why = f": {self.reason}" if self.reason else ""
        unknown = (
            f"; {self.rows_unrecognised_code} staged row(s) with {self.unrecognised_codes} offence code(s) "
            "not in the reference data (counted as unrecognised)"
            if self.rows_unrecognised_code
            else ""
        )
        return f"{self.name}: {self.status}{counts if self.rows_read else ''}{unknown}{why}"


@dataclass(frozen=True)
class LoadContext:
    raw_dir: Path
    sql_dir: Path
    max_share: Mapping[str, float]  # per source name; 'default' for the rest
    received_at: datetime
    profiles: tuple[Profile, ...] = ()
    xlsx_limits: XlsxLimits = field(default_factory=XlsxLimits)
    log: bool = True  # append to the archive's delivery log (a rebuild replays without writing it)
    reference: str | None = None  # reference-data version the checks used, recorded in the log
    fault: str | None = None  # testing only: a fault point to stop at (flows/release/faults.py)
    extracted_at_tolerance_hours: float = 24.0  # a later extracted_at than receipt plus this rejects the file

    def share_limit(self, source: str) -> float:
        return float(self.max_share.get(source, self.max_share.get("default", DEFAULT_MAX_SHARE)))


@dataclass(frozen=True)
class Replay:
    """A rebuild replays an archived file under the identity the archive log gave it."""

    file_id: int
    delivery_id: int
    original_name: str
    received_at: datetime
    max_share: float | None = None  # the limit the original load applied, so the same decision is made
    # likewise the extracted_at tolerance; None: the file was loaded before extracted_at was checked
    extracted_at_tolerance_hours: float | None = None


@dataclass
class Checked:
    """What reading and checking one file found, waiting to be written by :func:`commit_file` (its good and bad
    rows wait in the temp table ``checked`` of the cursor that checked it)."""

    entry: _Entry
    previous: tuple[int, str, str] | None = None  # a file with the same bytes is already in the ledger
    rejected: Rejected | None = None
    bad: int = 0  # rows the check SQL found bad
    rejected_rows: list[RejectedRow] = field(default_factory=list)  # rows DuckDB could not split into fields
    extracted_at: object = None


def check_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    ctx: LoadContext,
    replay: Replay | None = None,
    *,
    sniffed: Sniffed | None = None,
    name: str | None = None,
) -> Checked:
    """The half of a load that writes nothing but temp tables: sniff, plan, read, check, and decide whether the
    file is rejected. Files may be checked in any order and at once (in_order.py); see commit_file.
    ``sniffed`` is the file's sniff when it was taken ahead (prefetch.py); ``name`` the name it was delivered
    under (``path`` is its claim, claims.py). Only a bug raises: every expected problem is an outcome."""
    sniffed = sniffed or sniff(path)
    entry = _Entry(
        replay.original_name if replay else name or path.name,
        sniffed,
        replay.received_at if replay else ctx.received_at,
        path,
        replay,
        max_share=replay.max_share if replay else None,
        tolerance_hours=replay.extracted_at_tolerance_hours if replay else ctx.extracted_at_tolerance_hours,
    )
    if replay is None and (previous := ledger.seen(con, sniffed.sha256)):
        return Checked(entry, previous=previous)  # a re-delivery is not read at all
    with tempfile.TemporaryDirectory(prefix="disclose-ingest-") as scratch:
        try:
            plan = plan_file(path, entry.name, sniffed, Path(scratch), ctx.profiles, ctx.xlsx_limits)
            entry.plan = plan
            try:
                return _check(con, ctx, entry, _read(con, plan, entry, Path(scratch)))
            except duckdb.Error as exc:
                if plan.file_format != "parquet":
                    raise
                first = str(exc).splitlines()[0]  # a Parquet file is read in place, by the checks (read.py)
                raise Rejected(f"not a readable Parquet file ({first})", plan.source, "parquet") from None
        except Rejected as exc:
            return Checked(
                entry, rejected=exc
            )  # commit_file drops a `checked` left by a share-limit rejection
        finally:
            _drop_batch(con, keep_checked=True)


def commit_file(con: duckdb.DuckDBPyConnection, checked: Checked, ctx: LoadContext) -> FileOutcome:
    """The half of a load that writes the warehouse, in one transaction: give the file its ids, then record it as
    a duplicate, a rejection, or staged and quarantined rows. Run in delivery order, one file at a time, on
    the cursor that checked the file."""
    entry, replay = checked.entry, checked.entry.replay
    try:
        previous = None if replay else (checked.previous or ledger.seen(con, entry.sniffed.sha256))
        entry.delivery_id = replay.delivery_id if replay else ledger.next_delivery_id(con)
        if previous:  # also a file delivered twice in one batch: its twin was committed just before it
            return _duplicate(con, ctx, entry, previous)
        entry.file_id = replay.file_id if replay else ledger.next_file_id(con)
        if checked.rejected is not None:
            return _reject(con, ctx, entry, checked.rejected)
        return _stage(con, ctx, entry, checked)
    finally:
        con.execute("drop table if exists checked")


def _drop_batch(con: duckdb.DuckDBPyConnection, keep_checked: bool = False) -> None:
    temp_tables = (
        "batch_raw",
        "batch_gaps",
        "batch_values",
        "batch_withheld",
        *(() if keep_checked else ("checked",)),
    )
    # one round trip for all of them: a file's fixed costs add up over hundreds of files (a Parquet file's
    # batch_raw is a view, a CSV's a table: the one that is not there is skipped)
    con.execute(
        "; ".join(
            [
                "drop view if exists batch",
                *(f"drop table if exists {t}" for t in temp_tables if t != "batch_raw"),
                "drop view if exists batch_raw"
                if _is_view(con, "batch_raw")
                else "drop table if exists batch_raw",
            ]
        )
    )


def _is_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_views() where temporary and view_name = ?", [name]
        ).fetchall()[0][0]
    )


@dataclass
class _Entry:
    name: str
    sniffed: Sniffed
    received_at: datetime
    path: Path
    replay: Replay | None = None
    max_share: float | None = None
    tolerance_hours: float | None = None  # for extracted_at (extract_time.py); None: not checked
    plan: Plan | None = None
    counts: dict = field(default_factory=dict)
    file_id: int = 0  # given by commit_file, in delivery order
    delivery_id: int = 0

    @property
    def source(self) -> str | None:
        return self.plan.source.name if self.plan else None


def _read(con: duckdb.DuckDBPyConnection, plan: Plan, entry: _Entry, scratch: Path) -> BatchRead:
    if plan.profile is not None and any(
        c.has_value_map for c in plan.columns
    ):  # only these join batch_values
        con.execute(
            "create or replace temp table batch_values (column_name varchar, spelling varchar, code varchar)"
        )
        if rows := plan.profile.value_rows():
            con.executemany("insert into batch_values values (?, ?, ?)", rows)
    try:
        batch = read_batch(con, plan.prepared, plan.columns)
        if batch.invalid_encoding:
            try:
                as_windows_1252(entry.path, plan.prepared, entry.sniffed, scratch)
            except Rejected as exc:
                raise Rejected(exc.reason, plan.source, plan.file_format) from None
            batch = read_batch(con, plan.prepared, plan.columns)
    except FileUnreadable as exc:
        raise Rejected(str(exc), plan.source, plan.file_format) from None
    if batch.rows_read == 0:
        raise Rejected("the file has a header but no rows", plan.source, plan.file_format)
    return batch


def _check(con: duckdb.DuckDBPyConnection, ctx: LoadContext, entry: _Entry, batch: BatchRead) -> Checked:
    plan = entry.plan
    assert plan is not None
    source = plan.source
    params = dict(plan.params)
    if not source.has_extracted_at:
        params["extracted_at"] = entry.received_at
    if batch.rows_read >= ORDER_FORMATS_FROM_ROWS and source.date_columns:
        ordered = ordered_formats(con, {c: params[f"{c}_formats"] for c, _ in source.date_columns})
        params |= {f"{c}_formats": formats for c, formats in ordered.items()}
    if source.has_extracted_at:
        params["file_extracted_at"] = file_extracted_at_text(con)
    params |= code_pattern_params() | {
        "hate_crime_strands": list(HATE_CRIME_STRANDS),
        "has_hate_crime_strands": any(
            c.name == "hate_crime_strands" and c.position is not None for c in plan.columns
        ),
    }
    sql = (ctx.sql_dir / "staging" / source.checks_sql).read_text(encoding="utf-8")
    con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
    _drop_batch(con, keep_checked=True)  # the text copy is no longer needed: free its memory before staging
    extracted_at = file_extracted_at(con) if source.has_extracted_at else entry.received_at
    if source.has_extracted_at and entry.tolerance_hours is not None:
        if why := future_extracted_at(
            con, plan, extracted_at, params["file_extracted_at"], entry.received_at, entry.tolerance_hours
        ):
            raise Rejected(why, source, plan.file_format)
    bad, unrecognised, codes = _count_checked(con, source.code_column)
    quarantined = bad + len(batch.rejected)
    entry.counts = dict(
        rows_read=batch.rows_read,
        rows_staged=batch.rows_read - quarantined,
        rows_quarantined=quarantined,
        rows_unrecognised_code=unrecognised,
        unrecognised_codes=codes,
    )
    swapped = _problems(con, [], 1, reason=SWAPPED) if bad else ""
    if swapped:
        n = int(
            scalar(
                con,
                "select count(*) from (select unnest(problems) as p from checked) where p.reason = ?",
                [SWAPPED],
            )
        )
        raise Rejected(
            f"{n} date(s) read only with day and month swapped (first: {swapped}), so the file's other "
            "dates cannot be trusted either: check the export's date format",
            source,
            plan.file_format,
        )
    limit = entry.max_share if entry.max_share is not None else ctx.share_limit(source.name)
    entry.max_share = limit
    if quarantined / batch.rows_read > limit:
        raise Rejected(
            f"{quarantined} of {batch.rows_read} rows ({quarantined / batch.rows_read:.1%}) failed checks, above the "
            f"{limit:.1%} limit for a {source.name} file; first problems: {_problems(con, batch.rejected)}",
            source,
            plan.file_format,
        )
    return Checked(entry, bad=bad, rejected_rows=batch.rejected, extracted_at=extracted_at)


def _count_checked(con: duckdb.DuckDBPyConnection, code_column: str | None) -> tuple[int, int, int]:
    """Bad rows; good rows whose well-formed offence code the reference list lacks, and how many such codes."""
    if code_column is None:
        return int(scalar(con, f"select count(*) from checked where not {GOOD}")), 0, 0  # noqa: S608 - constant
    unrecognised = f"{GOOD} and is_unrecognised_offence_code"  # code_column is a Source constant
    bad, rows, codes = con.execute(
        f"select count(*) filter (where not {GOOD}), count(*) filter (where {unrecognised}), "  # noqa: S608
        f"count(distinct {code_column}) filter (where {unrecognised}) from checked"
    ).fetchall()[0]
    return int(bad), int(rows), int(codes)


def _stage(con: duckdb.DuckDBPyConnection, ctx: LoadContext, entry: _Entry, checked: Checked) -> FileOutcome:
    plan = entry.plan
    assert plan is not None
    source = plan.source
    status = "partly quarantined" if entry.counts["rows_quarantined"] else "loaded"
    stored = archive_path(ctx.raw_dir, source.name, entry.sniffed.sha256, entry.path.suffix)
    columns = ", ".join(source.staging_columns)

    def write() -> None:
        con.execute(
            f"insert into {source.staging_table} (file_id, {columns}) "  # noqa: S608 - Source constants only
            f"select ?::bigint, {columns} from checked where {GOOD}",
            [entry.file_id],
        )
        if checked.bad:
            con.execute(
                "insert into quarantine.rows select ?::bigint, row_number, p.column_name, p.reason, p.raw_value "
                "from (select row_number, unnest(problems) as p from checked)",
                [entry.file_id],
            )
        if checked.rejected_rows:
            con.executemany(
                "insert into quarantine.rows values (?, ?, ?, ?, null)",
                [(entry.file_id, r.row_number, r.column, r.reason) for r in checked.rejected_rows],
            )
        _record(con, ctx, entry, status, None, stored, checked.extracted_at)

    _commit(con, ctx, entry, write, stored, _line(ctx, entry, status, None, stored, checked.extracted_at))
    return FileOutcome(entry.name, status, entry.file_id, source.name, **entry.counts)


def _commit(
    con: duckdb.DuckDBPyConnection,
    ctx: LoadContext,
    entry: _Entry,
    write: Callable[[], None],
    stored: Path | None,
    line: str | None,
) -> None:
    """One transaction: ``write`` (staging, quarantine, ledger) and the delivery's line for the log; then the
    claim to its archive name (``stored``; None: a duplicate, dropped) and the line to the log (claims.py)."""
    con.execute("begin transaction")
    try:
        write()
        if line is not None:
            con.execute("insert into raw.delivery_log values (?, ?)", [entry.delivery_id, line])
        fault_at(ctx.fault, "ingest:before_commit")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    fault_at(ctx.fault, "ingest:after_commit")
    if entry.replay is not None:
        pass  # a rebuild reads the archive in place and moves nothing
    elif stored is None:
        entry.path.unlink(missing_ok=True)
    else:
        place(entry.path, stored)
    fault_at(ctx.fault, "ingest:after_archive")
    if line is not None:
        append_line(ctx.raw_dir, line)
    fault_at(ctx.fault, "ingest:after_log")


def _problems(
    con: duckdb.DuckDBPyConnection, rejected: list, limit: int = 3, reason: str | None = None
) -> str:
    """'row R column C: why' for the first few problems (never the value)."""
    rows = con.execute(
        "select row_number, p.column_name, p.reason from (select row_number, unnest(problems) as p from checked) "
        "where ?::varchar is null or p.reason = ?::varchar order by row_number limit ?",
        [reason, reason, limit],
    ).fetchall()
    items = sorted(
        [(r, c, why) for r, c, why in rows] + [(r.row_number, r.column, r.reason) for r in rejected[:limit]],
        key=lambda t: t[0],
    )
    return "; ".join(f"row {r} column {c or '?'}: {why}" for r, c, why in items[:limit])


def _reject(con: duckdb.DuckDBPyConnection, ctx: LoadContext, entry: _Entry, exc: Rejected) -> FileOutcome:
    source = exc.source.name if exc.source else None
    stored = archive_path(ctx.raw_dir, source or "unknown", entry.sniffed.sha256, entry.path.suffix)
    _commit(
        con,
        ctx,
        entry,
        lambda: _record(
            con, ctx, entry, "rejected", exc.reason, stored, None, source=source, file_format=exc.file_format
        ),
        stored,
        _line(ctx, entry, "rejected", exc.reason, stored, None, source=source),
    )
    counts = {k: v for k, v in entry.counts.items() if k in ("rows_read", "rows_quarantined")}
    return FileOutcome(entry.name, "rejected", entry.file_id, source, reason=exc.reason, **counts)


def _record(
    con,
    ctx: LoadContext,
    entry: _Entry,
    status: str,
    reason: str | None,
    stored: Path,
    extracted_at: object,
    *,
    source: str | None = None,
    file_format: str | None = None,
) -> None:
    plan = entry.plan
    counts = {k: v for k, v in entry.counts.items() if k.startswith("rows_") or k == "unrecognised_codes"}
    ledger.record(
        con,
        file_id=entry.file_id,
        sha256=entry.sniffed.sha256,
        original_name=entry.name,
        source=source or entry.source,
        encoding=_encoding(entry),
        bytes=entry.sniffed.bytes,
        received_at=entry.received_at,
        extracted_at=extracted_at,
        status=status,
        reason=reason,
        archive_path=relative_to_raw(ctx.raw_dir, stored),
        file_format=plan.file_format if plan else file_format,
        profile=plan.profile.name if plan and plan.profile else None,
        profile_sha256=plan.profile.sha256 if plan and plan.profile else None,
        note=plan.prepared.note if plan else None,
        **counts,
    )
    ledger.record_delivery(
        con,
        delivery_id=entry.delivery_id,
        file_id=entry.file_id,
        sha256=entry.sniffed.sha256,
        original_name=entry.name,
        bytes=entry.sniffed.bytes,
        received_at=entry.received_at,
        status=status,
        reason=reason,
    )


def _encoding(entry: _Entry) -> str | None:
    if entry.plan is not None and entry.plan.prepared.encoding:
        return entry.plan.prepared.encoding
    return entry.sniffed.encoding if entry.sniffed.kind == "text" and entry.sniffed.problem is None else None


def _line(
    ctx: LoadContext,
    entry: _Entry,
    status: str,
    reason: str | None,
    stored: Path,
    extracted_at: object,
    *,
    source: str | None = None,
) -> str | None:
    """The delivery's line for raw/deliveries.jsonl (None for a rebuild's replay, which keeps the log as is)."""
    if not ctx.log:
        return None
    return log_line(
        {
            "event": "delivery",
            "delivery_id": entry.delivery_id,
            "file_id": entry.file_id,
            "sha256": entry.sniffed.sha256,
            "original_name": entry.name,
            "bytes": entry.sniffed.bytes,
            "received_at": entry.received_at,
            "extracted_at": extracted_at,
            "source": source or entry.source,
            "archive_path": relative_to_raw(ctx.raw_dir, stored),
            "status": status,
            "reason": reason,
            "reference": ctx.reference,
            "max_share": entry.max_share,
            "extracted_at_tolerance_hours": entry.tolerance_hours,
            "profile": entry.plan.profile.name if entry.plan and entry.plan.profile else None,
            "profile_sha256": entry.plan.profile.sha256 if entry.plan and entry.plan.profile else None,
        }
    )


def _duplicate(
    con: duckdb.DuckDBPyConnection, ctx: LoadContext, entry: _Entry, previous: tuple[int, str, str]
) -> FileOutcome:
    file_id, status, first_name = previous
    name, sniffed, delivery_id, received_at = entry.name, entry.sniffed, entry.delivery_id, entry.received_at
    reason = f"same bytes as file {file_id} ({first_name}, {status}): nothing changed"
    line = (
        log_line(
            {
                "event": "delivery",
                "delivery_id": delivery_id,
                "file_id": file_id,
                "sha256": sniffed.sha256,
                "original_name": name,
                "bytes": sniffed.bytes,
                "received_at": received_at,
                "status": "duplicate",
                "reason": reason,
                "reference": ctx.reference,
            }
        )
        if ctx.log
        else None
    )
    _commit(
        con,
        ctx,
        entry,
        lambda: ledger.record_delivery(
            con,
            delivery_id=delivery_id,
            file_id=file_id,
            sha256=sniffed.sha256,
            original_name=name,
            bytes=sniffed.bytes,
            received_at=received_at,
            status="duplicate",
            reason=reason,
        ),
        None,
        line,
    )
    return FileOutcome(name, "duplicate", file_id, None, reason=reason)
