"""Ingest: take whatever lands, archive it, stage good rows, quarantine bad ones, never corrupt the warehouse."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from flows.ingest import ledger
from flows.ingest.load_file import FileOutcome, load_file

IGNORED_SUFFIXES = {".json", ".md", ".txt", ".partial"}


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def rejected(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "rejected"]

    @property
    def new_files(self) -> int:
        return sum(o.status in {"loaded", "partly quarantined"} for o in self.outcomes)


def landed_files(landing: Path) -> list[Path]:
    """Files waiting in the landing folder, oldest name first; hidden and sidecar files are ignored."""
    if not landing.is_dir():
        return []
    return sorted(
        p for p in landing.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in IGNORED_SUFFIXES
    )


def ingest_landing(
    con: duckdb.DuckDBPyConnection, landing: Path, *, raw_dir: Path, sql_dir: Path, max_share: float,
    remove_landed: bool = True,
) -> IngestReport:
    """Load every landed file; each file is archived first, so removing it from landing loses nothing."""
    ledger.ensure_tables(con)
    report = IngestReport()
    received_at = datetime.now().replace(microsecond=0)
    for path in landed_files(landing):
        outcome = load_file(con, path, raw_dir=raw_dir, sql_dir=sql_dir, max_share=max_share, received_at=received_at)
        report.outcomes.append(outcome)
        if remove_landed:
            path.unlink()
    return report
