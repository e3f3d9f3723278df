"""``disclose drafts``: every draft and where it stands, read from the drafts and the publication record.

A reader: it never writes, so it never completes an interrupted step; it says there is one instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.config import Settings
from flows.release.record import open_steps, read_events, release_states
from flows.release.store import all_drafts


@dataclass(frozen=True)
class DraftLine:
    release_id: str
    kind: str
    state: str  # awaiting approval, approved, published, superseded, withdrawn
    created: str
    ran_by: str
    approved_by: str
    title: str


def draft_lines(settings: Settings) -> list[DraftLine]:
    states = release_states(read_events(settings))
    lines = []
    for d in all_drafts(settings):
        rid = str(d.release_id)
        state = {"current": "published"}.get(states.get(rid, ""), states.get(rid, ""))
        if not state:
            state = "approved" if d.approval else "awaiting approval"
        lines.append(
            DraftLine(
                rid,
                "FOI response" if d.record.kind == "foi" else "proactive publication",
                state,
                f"{d.record.created_at:%Y-%m-%d %H:%M}",
                d.record.ran_by,
                d.approval.approved_by if d.approval else "",
                d.record.context.title,
            )
        )
    return lines


def interrupted(settings: Settings) -> list[str]:
    """Steps a crash left open, in words (the next command that writes completes or rolls them back)."""
    return [
        f"{s.action} of {s.release_id}, begun {s.started_at:%Y-%m-%d %H:%M:%S}, was interrupted: the next "
        "draft, approve, publish or withdraw command completes or rolls it back"
        for s in open_steps(settings)
    ]
