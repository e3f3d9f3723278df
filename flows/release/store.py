"""Drafts on disk: ``<home>/drafts/<reference>/v<N>/``, internal and never served.

A draft folder holds ``files/`` (every public file exactly as the guard and the audit passed it: workbook, CSV
copies, letter, manifest), ``draft.json`` (who ran it and when, what was checked, and what publication needs:
the release's context, its published grids and the cells for the publication record), for an FOI response
``public-request-text.txt`` (the request as it will be published; the approver may edit this copy), and, once
approved, ``approval.json``. Drafts are written whole (built in a staging folder, then renamed) and never
deleted; whether one was published or withdrawn is the publication record's to say.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from flows.config import Settings
from flows.contracts.release import ReleaseId, check_reference, existing_versions
from flows.errors import ReleaseError
from flows.publish.atomic import replace_file
from flows.publish.context import ReleaseContext
from flows.publish.grid import Grid, GridColumn
from flows.sdc.history import PublishedCell, from_row

DRAFT_FILE = "draft.json"
APPROVAL_FILE = "approval.json"
PUBLIC_TEXT_FILE = "public-request-text.txt"
FILES = "files"
STAGING_PREFIX = ".staging-"


class DraftRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    release_id: str
    kind: Literal["foi", "standing"]
    created_at: datetime
    ran_by: str
    content_sha256: (
        str  # of the figures, titles, notes and request as drafted: an identical re-run adds nothing
    )
    checks: list[str]  # what was checked at draft time, in words
    context: ReleaseContext
    grids: list[dict]  # the published grids (values only), rebuilt into files at publication
    cells: list[list]  # the publication record rows of its cells (published_at filled in at publication)


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    release_id: str
    approved_by: str
    approved_at: datetime
    note: str | None = None
    public_request_text: str | None = None  # FOI responses: what the log and letter publish
    public_text_from: str | None = None  # where that text came from (the spec, the draft's copy, a file)


@dataclass(frozen=True)
class Draft:
    folder: Path
    record: DraftRecord
    approval: Approval | None

    @property
    def release_id(self) -> ReleaseId:
        return ReleaseId.parse(self.record.release_id)

    @property
    def files_dir(self) -> Path:
        return self.folder / FILES

    def grids(self) -> list[Grid]:
        return [_grid(g) for g in self.record.grids]

    def cells(self) -> list[PublishedCell]:
        """Its cells as today's audit reads them: a draft made before an axis existed counted all of it
        (flows.requests.populations.complete_cell), so it still sits beside newer drafts and the record."""
        from flows.requests.populations import complete_cell

        return [complete_cell(from_row(row)) for row in self.record.cells]

    def public_context(self, published: date) -> ReleaseContext:
        """The context as published: that day's date and, for an FOI response, the approved public text."""
        context = self.record.context
        update: dict = {"published": published}
        if context.request is not None and self.approval and self.approval.public_request_text:
            update["request"] = context.request.model_copy(
                update={"request_text": self.approval.public_request_text}
            )
        return context.model_copy(update=update)


def draft_folder(settings: Settings, release_id: ReleaseId) -> Path:
    return release_id.path_under(settings.drafts_dir)


def read_draft(settings: Settings, release_id: ReleaseId) -> Draft:
    folder = draft_folder(settings, release_id)
    path = folder / DRAFT_FILE
    if not path.is_file():
        raise ReleaseError(f"no draft {release_id} (looked for {path})")
    record = DraftRecord.model_validate_json(path.read_text(encoding="utf-8"))
    approval_path = folder / APPROVAL_FILE
    approval = (
        Approval.model_validate_json(approval_path.read_text(encoding="utf-8"))
        if approval_path.is_file()
        else None
    )
    return Draft(folder, record, approval)


def drafts_of(settings: Settings, reference: str) -> list[Draft]:
    """Every draft of ``reference``, oldest first."""
    return [read_draft(settings, rid) for rid in existing_versions(settings.drafts_dir, reference)]


def all_drafts(settings: Settings) -> list[Draft]:
    if not settings.drafts_dir.is_dir():
        return []
    refs = sorted(p.name for p in settings.drafts_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    return [d for ref in refs for d in drafts_of(settings, ref)]


def find_draft(settings: Settings, name: str, *, approved: bool = False) -> Draft:
    """The draft ``name`` names: ``<reference>/v<N>``, or a reference's latest draft (latest approved one
    with ``approved``)."""
    if re.fullmatch(r".+/v\d+", name):
        return read_draft(settings, ReleaseId.parse(name))
    drafts = drafts_of(settings, check_reference(name))
    if approved:
        drafts = [d for d in drafts if d.approval is not None]
    if not drafts:
        what = "approved draft" if approved else "draft"
        raise ReleaseError(f"no {what} of {name} in {settings.drafts_dir} (`disclose drafts` lists them)")
    return drafts[-1]


def pending_drafts(settings: Settings, states: dict[str, str], but: str) -> list[Path]:
    """The ``draft.json`` of every draft that may still be published: the latest draft of each reference other
    than ``but`` that the record has neither published nor withdrawn. A new draft is protected with their cells
    as if they were published, so drafts made one after another (a nightly run's standing datasets, a request
    drafted while another awaits approval) stay safe together whatever order they are published in. Drafts
    made at the same moment cannot see each other: the publish-time check catches those."""
    if not settings.drafts_dir.is_dir():
        return []
    paths = []
    for ref in sorted(p.name for p in settings.drafts_dir.iterdir() if p.is_dir() and p.name[0] != "."):
        versions = existing_versions(settings.drafts_dir, ref) if ref != but else []
        if versions and str(versions[-1]) not in states:
            paths.append(draft_folder(settings, versions[-1]) / DRAFT_FILE)
    return paths


def latest_draft_file(settings: Settings, reference: str, dataset: str | None = None) -> Path | None:
    """The ``draft.json`` of ``reference``'s latest draft (every version, published or not, was one); with
    none, and a standing ``dataset``, that of its latest earlier period (``<dataset>.<period>``)."""
    if not settings.drafts_dir.is_dir():
        return None
    versions = existing_versions(settings.drafts_dir, reference)
    if not versions and dataset is not None:
        earlier = sorted(
            p.name
            for p in settings.drafts_dir.iterdir()
            if p.is_dir() and p.name.startswith(f"{dataset}.") and p.name < reference
        )
        versions = existing_versions(settings.drafts_dir, earlier[-1]) if earlier else []
    path = draft_folder(settings, versions[-1]) / DRAFT_FILE if versions else None
    return path if path is not None and path.is_file() else None


_CELLS: dict[tuple, tuple[PublishedCell, ...]] = {}
_DIGESTS: dict[tuple, str] = {}
DRAFT_CELLS_CACHE = "draft-cells"  # <home>/cache/<this>: a draft's cells, decoded once for every process


def draft_cells(path: Path, settings: Settings | None = None) -> tuple[PublishedCell, ...]:
    """A draft's cells, completed as :meth:`Draft.cells` does. A standing draft holds ten years of a table's
    cells with their code lists (tens of MB of JSON, half a second to decode), and every request reads them as
    history: they are kept in this process while the file is unchanged (a draft is written once, by a rename),
    and, given ``settings``, decoded once for every process into the home's cache, keyed by the file's hash
    (and the code, like every cache entry: flows/release/protection_cache.py)."""
    key = _stat_key(path)
    if key not in _CELLS:
        if settings is None:
            cells = _decoded(path)
        else:
            from flows.release.protection_cache import cached

            # a few MB each; only the drafts still pending are read
            cells = cached(
                settings, {"draft": draft_digest(path)}, lambda: _decoded(path), DRAFT_CELLS_CACHE, keep=32
            )
        if len(_CELLS) >= 64:
            _CELLS.clear()
        _CELLS[key] = cells
    return _CELLS[key]


def draft_digest(path: Path) -> str:
    """The draft file's sha256, kept in this process while the file is unchanged."""
    from flows.contracts.manifest import sha256_file

    key = _stat_key(path)
    if key not in _DIGESTS:
        if len(_DIGESTS) >= 256:
            _DIGESTS.clear()
        _DIGESTS[key] = sha256_file(path)
    return _DIGESTS[key]


def _decoded(path: Path) -> tuple[PublishedCell, ...]:
    from flows.requests.populations import complete_cell

    record = DraftRecord.model_validate_json(path.read_text(encoding="utf-8"))
    return tuple(complete_cell(from_row(row)) for row in record.cells)


def _stat_key(path: Path) -> tuple:
    stat = path.stat()
    return (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


def next_version(settings: Settings, reference: str, recorded: set[str]) -> ReleaseId:
    """One more than any version drafted, published, withdrawn or recorded for ``reference``."""
    versions = [
        rid.version
        for root in (settings.drafts_dir, settings.published_dir, settings.withdrawn_dir)
        for rid in existing_versions(root, reference)
    ]
    versions += [int(rid.rsplit("/v", 1)[1]) for rid in recorded if rid.rsplit("/v", 1)[0] == reference]
    return ReleaseId(reference, max(versions, default=0) + 1)


def write_json(path: Path, model: BaseModel) -> None:
    """Write ``path`` whole or not at all (temp file, fsync, rename), readable by everyone (0644)."""
    replace_file(path, (model.model_dump_json(indent=2) + "\n").encode("utf-8"))


def grid_to_json(grid: Grid) -> dict:
    return dataclasses.asdict(grid)


def _grid(data: dict) -> Grid:
    """A grid back from :func:`grid_to_json`: JSON lists become the tuples the writers expect."""
    values = dict(data)
    values["columns"] = tuple(GridColumn(**c) for c in values["columns"])
    values["rows"] = tuple(tuple(r) for r in values["rows"])
    for f in dataclasses.fields(Grid):
        if isinstance(values.get(f.name), list):
            values[f.name] = tuple(values[f.name])
    return Grid(**values)
