"""Publishing an approved draft: one serialised, recoverable step.

Under the release lock: recovery first; then the disclosure-control check of the draft's cells together with
everything published (so two drafts that were safe alone cannot both be published if together they expose a
cell, however the two publishes interleave); the intent in the record's journal; the public files built
again from the approved draft (publication date, approved request text) in a staging folder under
``published/`` and re-read by the guard and the independent audit; the rename into
``published/<reference>/v<N>/``; one transaction recording the cells, the 'published' event (and
'superseded' for the version it replaces) and closing the intent; the public log regenerated; and the
transparency site rebuilt (flows/site/).
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import date

from flows.config import Settings
from flows.contracts.manifest import read_manifest
from flows.errors import PublicationRefused, ReleaseError
from flows.publish.log import build_entry
from flows.publish.release import write_release
from flows.release.faults import fault_point
from flows.release.lock import release_lock
from flows.release.protection import audit_release
from flows.release.public_log import refresh_public_log
from flows.release.record import (
    audit_record,
    begin_step,
    finish_publish,
    read_events,
    release_states,
    roll_back,
)
from flows.release.recovery import recover
from flows.release.result import ReleaseResult
from flows.release.store import STAGING_PREFIX, find_draft
from flows.site.build import rebuild_after


def publish(settings: Settings, name: str, today: date | None = None) -> ReleaseResult:
    """Publish the draft ``name`` names (``<reference>/v<N>``, or a reference's latest approved draft)."""
    with release_lock(settings, f"publish {name}"):
        recover(settings)
        draft = find_draft(settings, name, approved=True)
        release_id = draft.release_id
        target = release_id.path_under(settings.published_dir)
        states = release_states(read_events(settings))
        state = states.get(str(release_id))
        if state is not None:
            return ReleaseResult("unchanged", str(release_id), target, message=f"already published ({state})")
        if draft.approval is None:
            raise ReleaseError(
                f"{release_id} is not approved: `disclose approve {release_id} --by NAME` first"
            )
        newer = [
            rid
            for rid in states
            if rid.rsplit("/v", 1)[0] == release_id.reference
            and int(rid.rsplit("/v", 1)[1]) > release_id.version
        ]
        if newer:
            raise ReleaseError(f"{release_id} is older than {max(newer)}, which is already published")
        check = audit_record(settings, extra=draft.cells())
        if not check.passed:
            raise PublicationRefused(
                release_id,
                [f"together with what has been published since it was drafted: {p}" for p in check.problems]
                + [
                    "draft it again (re-run the request or the nightly run) so that disclosure "
                    "control sees everything published"
                ],
            )
        fault_point(settings, "publish:after_check")
        staging = f"{STAGING_PREFIX}{uuid.uuid4().hex}"
        step = begin_step(
            settings,
            str(release_id),
            "publish",
            {
                "staging": staging,
                "approved_by": draft.approval.approved_by,
                "published_at": _now_text(),
                "published_on": (today or date.today()).isoformat(),
            },
        )
        fault_point(settings, "publish:after_intent")
        context = draft.public_context(today or date.today())
        try:
            built = write_release(
                settings.published_dir / staging, draft.grids(), context, release_id, audit=audit_release
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(built.path, target)
        except BaseException:
            shutil.rmtree(settings.published_dir / staging, ignore_errors=True)
            roll_back(settings, step)
            raise
        fault_point(settings, "publish:after_files")
        finish_publish(
            settings, step, draft.cells(), build_entry(context, read_manifest(target)).model_dump(mode="json")
        )
        fault_point(settings, "publish:after_record")
        refresh_public_log(settings)
        fault_point(settings, "publish:after_log")
        site = rebuild_after(settings)
    return ReleaseResult("published", str(release_id), target, built.files, message=site)


def _now_text() -> str:
    from flows.release.record import now

    return now().isoformat()
