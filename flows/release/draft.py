"""Drafting: a request or a due standing period becomes a draft under ``<home>/drafts/`` (flows/release/store.py).

The draft is built whole in a staging folder (its public files re-read by the guard and the independent audit,
and its cells checked together with everything already published) and renamed into place under the release
lock. A re-run whose figures, titles, notes and request equal the latest draft's adds nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid

from flows.config import Settings
from flows.contracts.manifest import read_manifest
from flows.contracts.release import existing_versions
from flows.contracts.tidy import TidyTable
from flows.errors import PublicationRefused
from flows.publish.atomic import replace_file
from flows.publish.context import ReleaseContext
from flows.publish.manifest_write import content_sha256
from flows.publish.release import prepare_grids, write_release
from flows.release.faults import fault_point
from flows.release.lock import release_lock
from flows.release.protection import Protected
from flows.release.record import audit_record, now, read_events, release_states
from flows.release.recovery import recover
from flows.release.result import ReleaseResult
from flows.release.store import (
    DRAFT_FILE,
    FILES,
    PUBLIC_TEXT_FILE,
    STAGING_PREFIX,
    DraftRecord,
    draft_cells,
    draft_folder,
    drafts_of,
    grid_to_json,
    next_version,
    write_json,
)
from flows.sdc.history import to_row


def write_draft(
    settings: Settings, tables: list[TidyTable], context: ReleaseContext, protected: Protected, kind: str
) -> ReleaseResult:
    """Draft ``tables`` (through disclosure control) as the next version of ``context.reference``."""
    grids, context = prepare_grids(tables, context)
    content = content_sha256(grids, context)
    with release_lock(settings, f"draft {context.reference}"):
        recover(settings)
        events = read_events(settings)
        states = release_states(events)
        same = _same_as_latest(settings, context.reference, content, states)
        if same is not None:
            return same
        release_id = next_version(settings, context.reference, set(states))
        cells = protected.cells(str(release_id))
        cumulative = audit_record(settings, extra=cells)
        if not cumulative.passed:  # protection saw the record; something was published while it ran
            raise PublicationRefused(
                release_id, [f"with everything published: {p}" for p in cumulative.problems]
            )
        staging = settings.drafts_dir / f"{STAGING_PREFIX}{uuid.uuid4().hex}"
        settings.drafts_dir.mkdir(parents=True, exist_ok=True)
        try:
            built = write_release(staging / FILES, grids, context, release_id, audit=protected.audit)
            record = DraftRecord(
                release_id=str(release_id),
                kind=kind,
                created_at=now(),
                ran_by=settings.operator,
                content_sha256=content,
                checks=[
                    "publish guard: no findings",
                    "disclosure audit of the files: passed",
                    f"with everything published before: {cumulative.summary()}",
                ],
                context=context,
                grids=[grid_to_json(g) for g in grids],
                cells=[list(to_row(c, "")) for c in cells],
            )
            write_json(staging / DRAFT_FILE, record)
            if context.request is not None:
                replace_file(
                    staging / PUBLIC_TEXT_FILE, (context.request.request_text.strip() + "\n").encode()
                )
            fault_point(settings, "draft:after_build")
            target = draft_folder(settings, release_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        fault_point(settings, "draft:after_rename")
    # decoded for the next request now (a standing draft: ten years of cells); a cache it cannot write is a miss
    with contextlib.suppress(OSError):
        draft_cells(target / DRAFT_FILE, settings)
    return ReleaseResult("drafted", str(release_id), target, tuple(f"{FILES}/{n}" for n in built.files))


def _same_as_latest(
    settings: Settings, reference: str, content: str, states: dict[str, str]
) -> ReleaseResult | None:
    """The latest draft (or, before any draft, the latest version an older disclose published) when its
    figures, titles, notes and request are these: then there is nothing new to draft."""
    drafts = drafts_of(settings, reference)
    if drafts:
        latest = drafts[-1]
        if latest.record.content_sha256 == content and states.get(str(latest.release_id)) != "withdrawn":
            return ReleaseResult(
                "unchanged",
                str(latest.release_id),
                latest.folder,
                message="the same as the latest draft: nothing new",
            )
        return None
    shown = [
        rid
        for rid in existing_versions(settings.published_dir, reference)
        if states.get(str(rid)) == "current"
    ]
    if shown and read_manifest(shown[-1].path_under(settings.published_dir)).content_sha256 == content:
        return ReleaseResult(
            "unchanged",
            str(shown[-1]),
            shown[-1].path_under(settings.published_dir),
            message="the same as the published version: nothing new",
        )
    return None
