"""Ingest: take whatever lands, archive it, stage good rows, quarantine bad ones, never corrupt the warehouse.

``ingest_landing`` is the stage entry point (flows/pipeline.py); a file is loaded in two halves (``check_file``
and ``commit_file``, load_file.py) that ``in_order`` overlaps from one file to the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from flows.config import PROJECT_ROOT
from flows.ingest import claims, ledger, tables
from flows.ingest.claims import Claim
from flows.ingest.in_order import in_order
from flows.ingest.landing import sort_landing
from flows.ingest.load_file import FileOutcome, LoadContext, check_file, commit_file
from flows.ingest.prefetch import ahead
from flows.ingest.profiles import load_profiles
from flows.release.faults import fault_at

DEFAULT_PROFILES_DIR = PROJECT_ROOT / "data" / "profiles"
DEFAULT_REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
CHECK_AHEAD = 2  # files read and checked at once (in_order.py): one checks while the one before it commits

__all__ = ["FileOutcome", "IngestReport", "ingest_landing", "landed_files"]


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def rejected(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "rejected"]

    @property
    def duplicates(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "duplicate"]

    @property
    def new_files(self) -> int:
        return sum(o.status in {"loaded", "partly quarantined"} for o in self.outcomes)


def landed_files(landing: Path, settle_seconds: float = 0) -> list[Path]:
    """Files in the landing folder to take now, by name (the rules: landing.py)."""
    return sort_landing(landing, settle_seconds)[0]


def prepare_warehouse(con: duckdb.DuckDBPyConnection, reference_dir: Path = DEFAULT_REFERENCE_DIR) -> None:
    """Tables ingest writes to, and the police.uk vocabularies its checks join to."""
    ledger.ensure_tables(con)
    tables.ensure_tables(con)
    tables.load_police_uk_reference(con, reference_dir)


def reference_label(con: duckdb.DuckDBPyConnection) -> str | None:
    """'<version> <sha256>' of the reference data loaded in ref.version (None before any is loaded)."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'ref' and table_name = 'version'"
    )
    if not exists.fetchall()[0][0]:
        return None
    rows = con.execute("select version || ' ' || sha256 from ref.version").fetchall()
    return rows[0][0] if rows else None


def ingest_landing(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    *,
    raw_dir: Path,
    sql_dir: Path,
    max_share: float | Mapping[str, float],
    remove_landed: bool = True,
    profiles_dir: Path | None = None,
    reference_dir: Path | None = None,
    fault: str | None = None,
    settle_seconds: float = 0,
    extracted_at_tolerance_hours: float = 24,
) -> IngestReport:
    """Load every landed file. Each is first copied into the archive's incoming folder and then removed from
    landing (claims.py), so a crash at any point loses nothing and the next run finishes or redoes it.

    ``max_share`` is the largest share of a file's rows that may be quarantined before the file is
    rejected: one number for every source, or a mapping from source name (custody, crime,
    police_uk_street, ...) with an optional 'default'. A file stamped ``extracted_at`` later than its receipt
    plus ``extracted_at_tolerance_hours`` is rejected (extract_time.py)."""
    prepare_warehouse(con, reference_dir or DEFAULT_REFERENCE_DIR)
    shares = dict(max_share) if isinstance(max_share, Mapping) else {"default": float(max_share)}
    ctx = LoadContext(
        raw_dir=raw_dir,
        sql_dir=sql_dir,
        max_share=shares,
        received_at=datetime.now().replace(microsecond=0),
        profiles=load_profiles(profiles_dir or DEFAULT_PROFILES_DIR),
        reference=reference_label(con),
        fault=fault,
        extracted_at_tolerance_hours=extracted_at_tolerance_hours,
    )
    pending = claims.recover(con, raw_dir, landing, ctx.received_at)  # what a crashed run left
    taken, deferred = sort_landing(landing, settle_seconds)
    items: list[tuple[int, Claim | Path]] = list(enumerate([*pending, *taken], start=1))

    def claimed(item: tuple[int, Claim | Path]) -> Claim | str:
        number, what = item
        if isinstance(what, Claim):
            return what
        try:
            claim = claims.take(what, raw_dir, ctx.received_at, number, remove=remove_landed)
        except claims.NotComplete as exc:
            return str(exc)
        fault_at(fault, "ingest:after_claim")
        return claim

    def check(
        item: tuple[tuple[int, Claim | Path], Claim | str], cursor: duckdb.DuckDBPyConnection
    ) -> object:
        claim = item[1]
        if isinstance(claim, str):
            return claim
        return check_file(cursor, claim.path, ctx, sniffed=claim.sniffed, name=claim.name)

    def commit(checked: object, cursor: duckdb.DuckDBPyConnection) -> FileOutcome | str:
        return checked if isinstance(checked, str) else commit_file(cursor, checked, ctx)

    report = IngestReport()
    with tables.checking_cursors(con, CHECK_AHEAD) as cursors:
        for ((_, what), _), outcome in in_order(ahead(items, claimed), check, commit, cursors):
            if isinstance(outcome, str):  # not taken this time: left in landing
                outcome = FileOutcome(Path(str(what)).name, "waiting", None, None, reason=outcome)
            report.outcomes.append(outcome)
    report.outcomes += [FileOutcome(d.name, d.status, None, None, reason=d.reason) for d in deferred]
    return report
