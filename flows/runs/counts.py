"""Each stage's counts in one line, and a run's totals: files, rows staged and quarantined, checks failed,
cells withheld, release ids and paths. Counts, file names and paths only: never a value from an extract."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RunCounts:
    files: int = 0  # new files loaded (wholly or with rows quarantined)
    files_rejected: int = 0
    files_duplicate: int = 0
    rows_staged: int = 0
    rows_quarantined: int = 0
    checks_failed: int = 0  # expectations that failed, warnings included
    cells_withheld: int = 0  # over the distinct releases the run drafted, published or found unchanged


def withheld_cells(path: Path) -> int | None:
    """Cells withheld in the release at ``path`` (a draft folder or a published one), from its manifest."""
    from flows.contracts.manifest import read_manifest
    from flows.release.store import FILES

    for folder in (path / FILES, path):
        if (folder / "manifest.json").is_file():
            return sum(t.cells_suppressed for t in read_manifest(folder).tables)
    return None


def release_entries(releases: list) -> list[dict[str, Any]]:
    """Each release step's id, status, path and cells withheld; a standing dataset not due yet (its ``path``
    says why, flows/requests/calendar.py NotDue) has no folder and no count."""
    return [
        {
            "release_id": r.release_id,
            "status": r.status,
            "path": str(r.path),
            "cells_withheld": withheld_cells(r.path) if isinstance(r.path, Path) else None,
        }
        for r in releases
    ]


def run_counts(ingest: Any, validations: list, releases: list[dict[str, Any]]) -> RunCounts:
    outcomes = ingest.outcomes if ingest is not None else []
    withheld = {r["release_id"]: r["cells_withheld"] or 0 for r in releases}
    return RunCounts(
        files=sum(o.status in {"loaded", "partly quarantined"} for o in outcomes),
        files_rejected=sum(o.status == "rejected" for o in outcomes),
        files_duplicate=sum(o.status == "duplicate" for o in outcomes),
        rows_staged=sum(o.rows_staged for o in outcomes),
        rows_quarantined=sum(o.rows_quarantined for o in outcomes),
        checks_failed=sum(not r.success for v in validations for r in v.results),
        cells_withheld=sum(withheld.values()),
    )


def stage_line(stage: str, result: Any) -> str:
    """What one stage did, in one line with its counts."""
    from flows.db.transform import LayerBuild
    from flows.ingest import IngestReport
    from flows.release.result import ReleaseResult
    from flows.requests.calendar import NotDue
    from flows.validate.report import ValidationReport

    if isinstance(result, IngestReport):
        c = run_counts(result, [], [])
        waiting = sum(o.status == "waiting" for o in result.outcomes)
        refused = sum(o.status == "refused" for o in result.outcomes)  # links, pipes: never taken
        return (
            f"{stage}: {len(result.outcomes)} file(s) in landing: {c.files} loaded, {c.files_rejected} rejected, "
            f"{c.files_duplicate} duplicate, {waiting} left waiting, {refused} refused; {c.rows_staged:,} rows staged, "
            f"{c.rows_quarantined:,} quarantined"
        )
    if result == []:
        return f"{stage}: none"
    if isinstance(result, str):
        return f"{stage}: {result}"
    if isinstance(result, LayerBuild):
        return f"{stage}: {result.mode} from {result.files} new file(s), {len(result.ran)} model(s) built"
    scope = ""
    if hasattr(result, "scope") and hasattr(result, "reports"):  # flows.pipeline.ValidationRun
        scope, result = f" ({result.line().removeprefix('validation: ')})", result.reports
    if isinstance(result, list) and all(isinstance(r, ValidationReport) for r in result):
        checks = [r for v in result for r in v.results]
        failed = [r for r in checks if not r.success]
        critical = sum(r.severity == "critical" for r in failed)
        return (
            f"{stage}{scope}: {len(result)} suite(s), {len(checks)} check(s), {len(failed)} failed "
            f"({critical} critical, {len(failed) - critical} warning(s))"
        )
    if isinstance(result, list) and all(isinstance(r, ReleaseResult | NotDue) for r in result):
        parts = [
            f"{e['status']} {e['release_id']}: {e['path']}"
            if e["status"] == "not due"
            else f"{e['status']} {e['release_id']} ({_withheld(e['cells_withheld'])}) at {e['path']}"
            for e in release_entries(result)
        ]
        return f"{stage}: {len(parts)} release step(s)" + (": " + "; ".join(parts) if parts else "")
    return f"{stage}: done"


def _withheld(cells: int | None) -> str:
    return "no manifest" if cells is None else f"{cells} cell(s) withheld"
