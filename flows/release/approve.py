"""Approval: a named person signs a draft off, with the request text as it may be published.

The ICO's 2024 penalty on PSNI cited inadequate sign-off. So publication needs an approval recorded in the
draft (``approval.json``: who, when, a note), and by default (``release.second_approver``) the approver must be
someone other than whoever ran the request. For an FOI response the approver also fixes the public version of
the request text: without the requester and any third party named. It comes from ``--public-text FILE``, else
from the draft's ``public-request-text.txt`` (which the approver may edit), which starts as the spec's text.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from flows.config import Settings
from flows.errors import ReleaseError
from flows.publish.context import FoiRequest
from flows.release.faults import fault_point
from flows.release.lock import release_lock
from flows.release.record import now, read_events, release_states
from flows.release.recovery import recover
from flows.release.result import ReleaseResult
from flows.release.store import APPROVAL_FILE, PUBLIC_TEXT_FILE, Approval, Draft, find_draft, write_json


def approve(
    settings: Settings, name: str, by: str, note: str | None = None, public_text: Path | None = None
) -> ReleaseResult:
    """Approve the draft ``name`` names (``<reference>/v<N>``, or a reference's latest draft)."""
    by = by.strip()
    if not by:
        raise ReleaseError("--by: name the person approving")
    with release_lock(settings, f"approve {name}"):
        recover(settings)
        draft = find_draft(settings, name)
        release_id = str(draft.release_id)
        state = release_states(read_events(settings)).get(release_id)
        if state is not None:
            raise ReleaseError(f"{release_id} is already published ({state}); there is nothing to approve")
        if settings.release.second_approver and by.casefold() == draft.record.ran_by.casefold():
            raise ReleaseError(
                f"{release_id} was drafted by {draft.record.ran_by}: a second person must approve it "
                "(release.second_approver in disclose.toml)"
            )
        text, source = _public_text(draft, public_text)
        approval = Approval(
            release_id=release_id,
            approved_by=by,
            approved_at=now(),
            note=note,
            public_request_text=text,
            public_text_from=source,
        )
        fault_point(settings, "approve:before_write")
        write_json(draft.folder / APPROVAL_FILE, approval)
        fault_point(settings, "approve:after_write")
    was = f" (replacing the approval by {draft.approval.approved_by})" if draft.approval else ""
    return ReleaseResult("approved", release_id, draft.folder, message=f"approved by {by}{was}")


def _public_text(draft: Draft, given: Path | None) -> tuple[str | None, str | None]:
    """The request text to publish, and where it came from; checked like the spec's (no contact details)."""
    request = draft.record.context.request
    if request is None:
        return None, None
    if given is not None:
        text, source = _read(given), str(given)
    elif (draft.folder / PUBLIC_TEXT_FILE).is_file():
        text, source = _read(draft.folder / PUBLIC_TEXT_FILE), f"the draft's {PUBLIC_TEXT_FILE}"
    else:
        text, source = request.request_text, "the request spec"
    try:
        FoiRequest.model_validate({**request.model_dump(), "request_text": text})
    except ValidationError as exc:
        raise ReleaseError(
            f"{source}: the public request text cannot be published: "
            + "; ".join(e["msg"] for e in exc.errors())
        ) from None
    return text, source


def _read(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ReleaseError(f"{path}: cannot read the public request text ({exc})") from None
    if not text:
        raise ReleaseError(f"{path}: the public request text is empty")
    return text
