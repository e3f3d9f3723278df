"""Writing ``manifest.json`` and computing the content hash that makes re-publishing idempotent.

The content hash covers what a reader would see that is not a date: the published cells (from the grids, so
only published values), titles, notes, the request and its answer, and the request spec hash. Re-running a
release the next day with the same figures gives the same hash, so nothing new is published; a changed figure,
note or title gives a new hash and a new version.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from flows.contracts.manifest import MANIFEST_NAME, FileEntry, Manifest, TableEntry, sha256_file
from flows.contracts.release import ReleaseId
from flows.publish.context import ReleaseContext
from flows.publish.grid import Grid

MEDIA_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".csv": "text/csv; charset=utf-8; header=present",
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def media_type(name: str) -> str:
    if name.endswith(".csv-metadata.json"):
        return "application/csvm+json"
    return MEDIA_TYPES[Path(name).suffix]


def content_sha256(grids: list[Grid], context: ReleaseContext) -> str:
    request = context.request.model_dump(mode="json", exclude={"date_responded"}) if context.request else None
    payload = {
        "reference": context.reference,
        "title": context.title,
        "organisation": context.organisation,
        "contact": context.contact,
        "synthetic": context.synthetic,
        "threshold": context.threshold,
        "notes": context.notes,
        "description": context.description,
        "source": context.source,
        "next_update": context.next_update,
        "keywords": context.keywords,
        "category": context.category,
        "file_stem": context.stem,
        "request": request,
        "request_spec_sha256": context.request_spec_sha256,
        "tables": [g.canonical() for g in grids],
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_entry(folder: Path, name: str) -> FileEntry:
    path = folder / name
    return FileEntry(
        path=name, bytes=path.stat().st_size, sha256=sha256_file(path), media_type=media_type(name)
    )


def write_manifest(
    folder: Path, release_id: ReleaseId, grids: list[Grid], context: ReleaseContext, content_hash: str
) -> Manifest:
    """List every other file in the folder (sorted) and write the manifest last, once they are final."""
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST_NAME)
    manifest = Manifest(
        release_id=str(release_id),
        reference=release_id.reference,
        version=release_id.version,
        title=context.title,
        created_at=datetime.now(UTC),
        organisation=context.organisation,
        synthetic=context.synthetic,
        files=[file_entry(folder, n) for n in names],
        tables=[
            TableEntry(
                name=g.name,
                title=g.title,
                rows=len(g.rows),
                dimensions=list(g.dimensions),
                measures=dict(g.measures),
                cells_suppressed=g.cells_suppressed,
                **g.structure,
            )
            for g in grids
        ],
        disclosure=context.policy,
        request_spec_sha256=context.request_spec_sha256,
        request_spec_path=context.request_spec_path,
        reference_data_version=context.reference_data_version,
        reference_data_sha256=context.reference_data_sha256,
        code=context.code,
        warehouse=context.warehouse,
        content_sha256=content_hash,
    )
    (folder / MANIFEST_NAME).write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return manifest
