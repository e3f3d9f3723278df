"""Writing one release version's public files into a folder, and letting the guard and the audit re-read them.

The caller (:mod:`flows.release`) decides where the folder is and when it moves: a draft is built in a staging
folder and renamed into ``drafts/``; at publication the approved draft is built again, with the publication
date and the approved public text, in a staging folder under ``published/`` and renamed into place. Either way a
release folder appears whole or not at all, and nothing in it was not re-read by the guard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flows.contracts.release import ReleaseId
from flows.contracts.tidy import TidyTable, check_tidy
from flows.errors import PublicationRefused
from flows.publish.context import ReleaseContext, check_public_text
from flows.publish.csv_copy import csv_name, write_csv
from flows.publish.grid import Grid, build_grid, published_title
from flows.publish.guard import Finding, audit_paths
from flows.publish.manifest_write import content_sha256, write_manifest
from flows.publish.ods import write_ods
from flows.publish.xlsx import write_workbook


@dataclass(frozen=True)
class BuiltRelease:
    release_id: str  # "<reference>/v<N>"
    path: Path
    content_sha256: str
    files: tuple[str, ...]


def prepare_grids(tables: list[TidyTable], context: ReleaseContext) -> tuple[list[Grid], ReleaseContext]:
    """The published grids of ``tables`` (already through disclosure control): from here on only published
    values exist. Returns the context the files are written with (its title says what was combined)."""
    if not tables:
        raise ValueError(f"release {context.reference}: no tables to publish")
    for table in tables:
        check_tidy(table)
    grids = [build_grid(t) for t in tables]
    for grid in grids:
        for note in grid.notes:
            check_public_text(note, f"table {grid.name!r} note")
    context = context.model_copy(
        update={"title": published_title(context.title, _combined_everywhere(tables))}
    )
    names = [csv_name(g) for g in grids]
    if len(set(names)) != len(names):
        raise ValueError(
            f"release {context.reference}: table names must give distinct CSV file names, got {names}"
        )
    return grids, context


def write_release(
    folder: Path,
    grids: list[Grid],
    context: ReleaseContext,
    release_id: ReleaseId,
    audit: Callable[[Path], list[Finding]] | None = None,
) -> BuiltRelease:
    """Write every file into ``folder`` (created here; it must not exist), then re-read them with the guard and,
    if it finds nothing, the independent disclosure audit. Raises :class:`PublicationRefused` on any finding;
    the caller removes the folder."""
    content_hash = content_sha256(grids, context)
    folder.mkdir(parents=True)
    _build(folder, grids, context, release_id, content_hash)
    findings = audit_paths([folder], threshold=context.threshold)
    if audit is not None and not findings:
        findings = audit(folder)  # the independent disclosure audit, on the files as written
    if findings:
        raise PublicationRefused(release_id, findings)
    return BuiltRelease(
        str(release_id), folder, content_hash, tuple(sorted(p.name for p in folder.iterdir()))
    )


def _combined_everywhere(tables: list[TidyTable]) -> tuple[str, ...]:
    """What disclosure control combined in every table: the release's own title says so too."""
    first, *rest = [t.combined for t in tables]
    return tuple(c for c in first if all(c in other for other in rest))


def _build(
    folder: Path, grids: list[Grid], context: ReleaseContext, release_id: ReleaseId, content_hash: str
) -> None:
    """Workbook (XLSX and ODS), CSV copies, letter (Markdown, HTML, DOCX), and the manifest last (it hashes all
    the others)."""
    workbook, open_copy = f"{context.stem}.xlsx", f"{context.stem}.ods"
    write_workbook(folder / workbook, grids, context, str(release_id))
    write_ods(folder / open_copy, grids, context, str(release_id))
    attachments = [workbook, open_copy]
    for grid in grids:
        attachments += [p.name for p in write_csv(folder, grid, context, context.published)]
    if (
        context.request is not None
    ):  # the letter's libraries (Jinja2, python-docx) load only for FOI responses
        from flows.publish.letter import write_letter
        from flows.publish.letter_facts import letter_facts, table_summaries

        facts = letter_facts(context, str(release_id), table_summaries(grids), attachments)
        attachments += write_letter(folder, facts, context.templates_dir)
    write_manifest(folder, release_id, grids, context, content_hash)
