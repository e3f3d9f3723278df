"""Publishing a release: build every file in a staging folder, let the guard re-read it, then rename it into place.

A release appears whole or not at all. Files are written to ``published/.staging-<uuid>/`` on the same
filesystem, audited by :mod:`flows.publish.guard`, and only then renamed to ``published/<reference>/v<N>/`` in
one step; on any problem the staging folder is deleted and the last good version is untouched. Versions are
never rewritten: a changed figure makes ``v<N+1>``, and an unchanged re-run publishes nothing.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from flows.contracts.manifest import read_manifest
from flows.contracts.release import ReleaseId, existing_versions, next_release_id
from flows.contracts.tidy import TidyTable, check_tidy
from flows.errors import PublicationRefused
from flows.publish.context import ReleaseContext, check_public_text
from flows.publish.csv_copy import csv_name, write_csv
from flows.publish.grid import Grid, build_grid, published_title
from flows.publish.guard import Finding, audit_paths
from flows.publish.log import build_entry, record_releases, write_entry
from flows.publish.manifest_write import content_sha256, file_entry, write_manifest
from flows.publish.ods import write_ods
from flows.publish.xlsx import write_workbook


@dataclass(frozen=True)
class PublishResult:
    status: Literal["published", "unchanged"]
    release_id: str  # "<reference>/v<N>": also the folder's path under published/
    path: Path
    content_sha256: str
    files: tuple[str, ...] = ()
    log_entries_added: tuple[str, ...] = ()


def publish_release(tables: list[TidyTable], context: ReleaseContext, published_dir: Path,
                    audit: Callable[[Path], list[Finding]] | None = None) -> PublishResult:
    """Publish ``tables`` (already through disclosure control) as the next version of ``context.reference``."""
    if not tables:
        raise ValueError(f"release {context.reference}: no tables to publish")
    for table in tables:
        check_tidy(table)
    grids = [build_grid(t) for t in tables]  # from here on only published values exist
    for grid in grids:
        for note in grid.notes:
            check_public_text(note, f"table {grid.name!r} note")
    context = context.model_copy(update={"title": published_title(context.title, _combined_everywhere(tables))})
    names = [csv_name(g) for g in grids]
    if len(set(names)) != len(names):
        raise ValueError(f"release {context.reference}: table names must give distinct CSV file names, got {names}")
    content_hash = content_sha256(grids, context)
    published_dir.mkdir(parents=True, exist_ok=True)

    latest = existing_versions(published_dir, context.reference)
    if latest and _content_of(latest[-1], published_dir) == content_hash:
        added = record_releases(published_dir)  # heal a log left behind by an earlier crash
        return PublishResult("unchanged", str(latest[-1]), latest[-1].path_under(published_dir), content_hash,
                             log_entries_added=tuple(added))

    release_id = next_release_id(published_dir, context.reference)
    staging = published_dir / f".staging-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        _build(staging, grids, context, release_id, content_hash)
        findings = audit_paths([staging], threshold=context.threshold)
        if audit is not None and not findings:
            findings = audit(staging)  # the independent disclosure audit, on the files as written
        if findings:
            raise PublicationRefused(release_id, findings)
        target = release_id.path_under(published_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise FileExistsError(f"{target} appeared while this release was being built (another publisher?); "
                                  "re-run to publish as the next version")
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    added = record_releases(published_dir)
    files = tuple(sorted(p.name for p in target.iterdir()))
    return PublishResult("published", str(release_id), target, content_hash, files, tuple(added))


def _combined_everywhere(tables: list[TidyTable]) -> tuple[str, ...]:
    """What disclosure control combined in every table: the release's own title says so too."""
    first, *rest = [t.combined for t in tables]
    return tuple(c for c in first if all(c in other for other in rest))


def _content_of(release_id: ReleaseId, published_dir: Path) -> str:
    folder = release_id.path_under(published_dir)
    try:
        return read_manifest(folder).content_sha256
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"{folder}: cannot read manifest.json of the latest version ({exc}); fix or audit it "
                           "before publishing a new version") from None


def _build(folder: Path, grids: list[Grid], context: ReleaseContext, release_id: ReleaseId,
           content_hash: str) -> None:
    """Workbook (XLSX and ODS), CSV copies, letter (Markdown, HTML, DOCX), log entry, and the manifest last (it
    hashes all the others)."""
    workbook, open_copy = f"{context.stem}.xlsx", f"{context.stem}.ods"
    write_workbook(folder / workbook, grids, context, str(release_id))
    write_ods(folder / open_copy, grids, context, str(release_id))
    attachments = [workbook, open_copy]
    for grid in grids:
        attachments += [p.name for p in write_csv(folder, grid, context, context.published)]
    if context.request is not None:  # the letter's libraries (Jinja2, python-docx) load only for FOI responses
        from flows.publish.letter import write_letter
        from flows.publish.letter_facts import letter_facts, table_summaries

        facts = letter_facts(context, str(release_id), table_summaries(grids), attachments)
        attachments += write_letter(folder, facts, context.templates_dir)
    write_entry(folder, build_entry(context, release_id, [file_entry(folder, n) for n in attachments]))
    write_manifest(folder, release_id, grids, context, content_hash)
