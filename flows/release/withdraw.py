"""Withdrawal: take a published release down, and keep the incident.

The folder moves out of ``published/`` into ``<home>/withdrawn/`` (kept as evidence, never served); the record
marks its cells withdrawn (they still count in every later disclosure check: what was published cannot be
unpublished) and appends a 'withdrawn' event with who, when and why, the incident entry; the public log then
shows the release as withdrawn, without links, and the rebuilt site keeps only its withdrawal notice. Like
publication, it is begun in the journal first, so a crash part-way is completed by the next command that
writes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from flows.config import Settings
from flows.contracts.release import ReleaseId, check_reference
from flows.errors import ReleaseError
from flows.release.faults import fault_point
from flows.release.lock import release_lock
from flows.release.public_log import refresh_public_log
from flows.release.record import begin_step, finish_withdraw, now, read_events, release_states
from flows.release.recovery import recover
from flows.release.result import ReleaseResult
from flows.site.build import rebuild_after


def withdraw(settings: Settings, name: str, reason: str, by: str | None = None) -> ReleaseResult:
    """Withdraw ``<reference>/v<N>``, or a reference's current version."""
    reason = reason.strip()
    if not reason:
        raise ReleaseError("--reason: say why the release is withdrawn (it is kept as an incident entry)")
    with release_lock(settings, f"withdraw {name}"):
        recover(settings)
        states = release_states(read_events(settings))
        release_id = _resolve(name, states, settings.published_dir)
        if states.get(str(release_id)) == "withdrawn":
            return ReleaseResult(
                "unchanged",
                str(release_id),
                release_id.path_under(settings.withdrawn_dir),
                message="already withdrawn",
            )
        step = begin_step(
            settings,
            str(release_id),
            "withdraw",
            {"by": by or settings.operator, "reason": reason, "at": now().isoformat()},
        )
        fault_point(settings, "withdraw:after_intent")
        source, target = (
            release_id.path_under(settings.published_dir),
            release_id.path_under(settings.withdrawn_dir),
        )
        if source.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(source, target)
        fault_point(settings, "withdraw:after_files")
        finish_withdraw(settings, step)
        fault_point(settings, "withdraw:after_record")
        refresh_public_log(settings)
        fault_point(settings, "withdraw:after_log")
        site = rebuild_after(settings)
    return ReleaseResult(
        "withdrawn",
        str(release_id),
        target,
        message=f"its figures still count in every later disclosure check; {site}",
    )


def _resolve(name: str, states: dict[str, str], published: Path) -> ReleaseId:
    """The release ``name`` names; a folder an older disclose published counts even if the record lacks it."""
    if re.fullmatch(r".+/v\d+", name):
        release_id = ReleaseId.parse(name)
        if str(release_id) not in states and not release_id.path_under(published).is_dir():
            raise ReleaseError(f"{release_id} has not been published")
        return release_id
    reference = check_reference(name)
    versions = [ReleaseId.parse(rid) for rid in states if rid.rsplit("/v", 1)[0] == reference]
    if not versions:
        raise ReleaseError(f"{reference} has not been published")
    return max(versions, key=lambda r: r.version)
