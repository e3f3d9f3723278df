"""Recreate the warehouse from the raw archive alone, and prove the result identical.

The archive (``raw/<source>/<sha256>.<ext>`` plus the delivery log ``raw/deliveries.jsonl``) says which
file arrived when, under which name and file id, and with which reference-data version. A rebuild loads
that reference data (refusing a different version unless told otherwise), replays every archived file in
``extracted_at`` order under its original identity, re-records re-deliveries, rebuilds core and marts, and
carries the publication record (``disclosure.*``) and validation history over unchanged; it warns when a
file is replayed through a profile that changed since the file was loaded (profile_drift.py). Each table's
order-independent fingerprint is compared with the live warehouse's; the new warehouse replaces the old
(kept alongside) unless ``check_only``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from flows.config import Settings
from flows.db import build_layers, connect, snapshots
from flows.ingest import CHECK_AHEAD, claims, ledger, prepare_warehouse, reference_label, tables
from flows.ingest.archive import read_log, read_log_lines
from flows.ingest.fingerprint import compare, fingerprints
from flows.ingest.in_order import in_order
from flows.ingest.load_file import Checked, FileOutcome, LoadContext, Replay, check_file, commit_file
from flows.ingest.prefetch import sniffed_ahead
from flows.ingest.profile_drift import profile_warnings
from flows.ingest.profiles import load_profiles
from flows.reference.load import load_reference
from flows.warehouse_lock import writing

CARRIED_SCHEMAS = ("disclosure", "validation")


class RebuildRefused(RuntimeError):
    """The archive cannot reproduce the warehouse as asked; the message says why and what to do."""


@dataclass
class RebuildReport:
    warehouse: Path
    replayed: list[FileOutcome] = field(default_factory=list)
    not_replayed: list[str] = field(default_factory=list)  # purged or missing archive files, with why
    tables: dict[str, str] = field(default_factory=dict)  # table -> identical | different | new | missing
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    previous: Path | None = None  # where the replaced warehouse was kept
    warnings: list[str] = field(default_factory=list)  # e.g. a profile changed since a file was loaded

    @property
    def identical(self) -> bool:
        return all(v == "identical" for v in self.tables.values())

    def lines(self) -> list[str]:
        out = [f"replayed {len(self.replayed)} archived file(s) into {self.warehouse}"]
        out += [f"not replayed: {why}" for why in self.not_replayed]
        out += [f"warning: {why}" for why in self.warnings]
        out += [
            f"{table}: {state} ({self.after.get(table) or self.before.get(table)})"
            for table, state in self.tables.items()
        ]
        out.append(
            "identical to the warehouse it replaces"
            if self.identical
            else "DIFFERENT from the warehouse it replaces"
        )
        if self.previous:
            out.append(f"previous warehouse kept at {self.previous}")
        return out


@dataclass(frozen=True)
class _Archived:
    file_id: int
    delivery_id: int
    sha256: str
    name: str
    received_at: datetime
    extracted_at: datetime | None
    path: Path
    reference: str | None
    max_share: float | None
    profile: str | None = None  # the profile the file was read through, and the sha256 of its file, as logged
    profile_sha256: str | None = None
    extracted_at_tolerance_hours: float | None = None  # as logged; None: loaded before it was checked


def archive_entries(raw_dir: Path) -> tuple[list[_Archived], list[dict], dict[str, dict]]:
    """(first deliveries, re-deliveries, purge events by sha256) from the delivery log."""
    firsts: dict[str, _Archived] = {}
    duplicates, purged = [], {}
    for entry in read_log(raw_dir):
        if entry.get("event") == "purge":
            purged[entry["sha256"]] = entry
        elif entry.get("status") == "duplicate" or entry["sha256"] in firsts:
            duplicates.append(entry)
        else:
            firsts[entry["sha256"]] = _Archived(
                int(entry["file_id"]),
                int(entry["delivery_id"]),
                entry["sha256"],
                entry["original_name"],
                _when(entry["received_at"]),
                _when(entry.get("extracted_at")),
                raw_dir / entry["archive_path"],
                entry.get("reference"),
                entry.get("max_share"),
                entry.get("profile"),
                entry.get("profile_sha256"),
                entry.get("extracted_at_tolerance_hours"),
            )
    _add_unlogged(raw_dir, firsts, purged, duplicates)
    return (
        sorted(firsts.values(), key=lambda a: (a.extracted_at or a.received_at, a.file_id)),
        duplicates,
        purged,
    )


def _add_unlogged(raw_dir: Path, firsts: dict[str, _Archived], purged: dict, duplicates: list[dict]) -> None:
    """Archived files the log does not mention (an archive from before the log, or a crash between loading
    and logging) are replayed too, under new ids, named by their hash and received at their file time."""
    next_file = (
        max([a.file_id for a in firsts.values()] + [int(d["file_id"]) for d in duplicates], default=0) + 1
    )
    next_delivery = (
        max([a.delivery_id for a in firsts.values()] + [int(d["delivery_id"]) for d in duplicates], default=0)
        + 1
    )
    for path in sorted(
        p
        for p in raw_dir.glob("*/*")
        if p.is_file() and not p.name.endswith(".partial") and p.parent.name != claims.INCOMING
    ):
        sha = path.stem
        if sha in firsts or sha in purged or len(sha) != 64:
            continue
        received = datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
        firsts[sha] = _Archived(next_file, next_delivery, sha, path.name, received, None, path, None, None)
        next_file, next_delivery = next_file + 1, next_delivery + 1


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def rebuild(
    settings: Settings,
    *,
    check_only: bool = False,
    allow_reference_change: bool = False,
    max_share: float | dict[str, float] | None = None,
    profiles_dir: Path | None = None,
) -> RebuildReport:
    """Replay the archive into a new warehouse and compare; a writer, so nothing else writes meanwhile."""
    with writing(settings, "rebuild --check-only" if check_only else "rebuild"):
        return _rebuild(
            settings,
            check_only=check_only,
            allow_reference_change=allow_reference_change,
            max_share=max_share,
            profiles_dir=profiles_dir,
        )


def _rebuild(
    settings: Settings,
    *,
    check_only: bool,
    allow_reference_change: bool,
    max_share: float | dict[str, float] | None,
    profiles_dir: Path | None,
) -> RebuildReport:
    _settle(settings)
    files, duplicates, purged = archive_entries(settings.raw_dir)
    if not files:
        raise RebuildRefused(f"nothing to rebuild from: {settings.raw_dir} holds no archived extracts")
    before = _live_fingerprints(settings)
    target = settings.warehouse_path.with_name("disclose.rebuild.duckdb")
    for leftover in (target, target.with_name(target.name + ".wal")):
        leftover.unlink(missing_ok=True)
    work = settings.model_copy(update={"home": settings.home / ".rebuild"})
    work.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    report = RebuildReport(settings.warehouse_path if not check_only else target, before=before)
    with connect(work) as con:
        load_reference(con, settings.reference_dir)
        prepare_warehouse(con)
        _check_reference(con, files, allow_reference_change)
        shares = max_share if max_share is not None else settings.quarantine_max_share
        ctx = LoadContext(
            raw_dir=settings.raw_dir,
            sql_dir=settings.sql_dir,
            max_share=shares if isinstance(shares, dict) else {"default": float(shares)},
            received_at=datetime.now(),
            profiles=load_profiles(profiles_dir or settings.profiles_dir),
            log=False,
            reference=reference_label(con),
        )

        def replayable(item: _Archived) -> Path | None:  # None: purged or missing, nothing to sniff
            return item.path if item.sha256 not in purged and item.path.exists() else None

        def check(pair: tuple[_Archived, object], cursor: duckdb.DuckDBPyConnection) -> Checked | None:
            item, sniffed = pair
            if sniffed is None:  # purged or missing: recorded as not replayed, in order
                return None
            replay = Replay(
                item.file_id,
                item.delivery_id,
                item.name,
                item.received_at,
                item.max_share,
                item.extracted_at_tolerance_hours,
            )
            return check_file(cursor, item.path, ctx, replay, sniffed=sniffed)

        def commit(checked: Checked | None, cursor: duckdb.DuckDBPyConnection) -> FileOutcome | None:
            return commit_file(cursor, checked, ctx) if checked is not None else None

        with tables.checking_cursors(con, CHECK_AHEAD) as cursors:
            for (item, _), outcome in in_order(sniffed_ahead(files, replayable), check, commit, cursors):
                if outcome is not None:
                    report.replayed.append(outcome)
                elif item.sha256 in purged:
                    when = purged[item.sha256]["purged_at"]
                    report.not_replayed.append(f"{item.name} (file {item.file_id}) purged on {when}")
                    _record_unreplayable(con, item, f"purged from the archive on {when}", _when(when))
                else:  # not purged, so missing (replayable looked once)
                    report.not_replayed.append(f"{item.name} (file {item.file_id}) missing from the archive")
                    _record_unreplayable(con, item, "missing from the archive")
        report.warnings += profile_warnings(
            con,
            {
                i.file_id: (i.profile, i.profile_sha256)
                for i in files
                if i.profile and i.path.exists() and i.sha256 not in purged
            },
        )
        for entry in duplicates:
            ledger.record_delivery(
                con,
                delivery_id=int(entry["delivery_id"]),
                file_id=int(entry["file_id"]),
                sha256=entry["sha256"],
                original_name=entry["original_name"],
                bytes=int(entry["bytes"]),
                received_at=_when(entry["received_at"]),
                status="duplicate",
                reason=entry.get("reason"),
            )
        if lines := [(d, line) for d, line in read_log_lines(settings.raw_dir) if d is not None]:
            con.executemany("insert into raw.delivery_log values (?, ?)", lines)
        build_layers(con, settings.sql_dir)
        _carry_over(con, settings.warehouse_path)
        report.after = fingerprints(con)
    shutil.move(work.warehouse_path, target)
    shutil.rmtree(work.home, ignore_errors=True)
    report.tables = compare(before, report.after)
    if not check_only:
        report.previous = snapshots.install(settings, target)
    return report


def _settle(settings: Settings) -> None:
    """First finish what a crashed ingest left in the archive and its log (claims.py), so the archive says
    what the warehouse holds; files it never committed stay in raw/.incoming for the next nightly run."""
    if settings.warehouse_path.exists():
        with connect(settings, read_only=True) as con:
            if con.sql(
                "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'deliveries'"
            ).fetchall()[0][0]:
                claims.settle(con, settings.raw_dir)


def _live_fingerprints(settings: Settings) -> dict[str, str]:
    if not settings.warehouse_path.exists():
        return {}
    with connect(settings, read_only=True) as con:
        return fingerprints(con)


def _check_reference(con: duckdb.DuckDBPyConnection, files: list[_Archived], allow_change: bool) -> None:
    """Pin the reference data: the version the latest archived file was loaded with must be the one loaded now."""
    pinned = next(
        (f.reference for f in sorted(files, key=lambda f: f.delivery_id, reverse=True) if f.reference), None
    )
    now = reference_label(con)
    if pinned and now != pinned and not allow_change:
        raise RebuildRefused(
            f"the reference data in data/reference ({now}) are not the version the archive was loaded with "
            f"({pinned}): check out that version of data/reference, or rebuild with allow_reference_change"
        )


def _record_unreplayable(
    con: duckdb.DuckDBPyConnection, item: _Archived, why: str, purged_at: datetime | None = None
) -> None:
    ledger.record(
        con,
        file_id=item.file_id,
        sha256=item.sha256,
        original_name=item.name,
        bytes=0,
        received_at=item.received_at,
        extracted_at=item.extracted_at,
        status="not replayed",
        reason=why,
        archive_path=str(item.path),
        purged_at=purged_at,
    )
    ledger.record_delivery(
        con,
        delivery_id=item.delivery_id,
        file_id=item.file_id,
        sha256=item.sha256,
        original_name=item.name,
        bytes=0,
        received_at=item.received_at,
        status="not replayed",
        reason=why,
    )


def _carry_over(con: duckdb.DuckDBPyConnection, old: Path) -> None:
    """Copy the publication record and validation history from the old warehouse, definitions and rows."""
    if not old.exists():
        return
    con.execute("attach ? as previous (read_only)", [str(old)])
    try:
        rows = con.execute(
            "select schema_name, table_name, sql from duckdb_tables() where database_name = 'previous' "
            "and list_contains(?, schema_name)",
            [list(CARRIED_SCHEMAS)],
        ).fetchall()
        for schema, table, ddl in rows:
            name = f'"{schema}"."{table}"'  # names read from the old warehouse's catalog, quoted
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(f"drop table if exists {name}")
            con.execute(ddl)  # the old warehouse's own CREATE TABLE statement
            con.execute(f"insert into {name} select * from previous.{name}")  # noqa: S608
    finally:
        con.execute("detach previous")
