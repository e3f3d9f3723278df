"""Releases published before the publication record kept an event log (an older disclose wrote straight into
``published/`` with a ``disclosure-log-entry.json`` in each folder): recovery adopts them into the event log
once, so the public log keeps listing them and later versions supersede them.

Only a folder whose cells the record holds is adopted: its figures are in every disclosure check. A folder the
record does not know (the old crash between the rename and the record) is reported, never adopted: nothing
says what its cells count, so later checks cannot include it. Withdraw it or re-issue it.
"""

from __future__ import annotations

import json
from pathlib import Path

from flows.config import Settings
from flows.contracts.release import ReleaseId, ReleaseIdError, existing_versions
from flows.publish.log import FOI_RESPONSE, PROACTIVE, Attachment, LogEntry, attachment_title, reason
from flows.release.record import adopt, read_events, recorded_releases

LEGACY_ENTRY = "disclosure-log-entry.json"
OLD_LOG_FILES = ("disclosure-log.jsonl", ".disclosure-log.lock")
UNRECORDED = "not recorded (published before sign-off was recorded)"


def adopt_legacy(settings: Settings) -> list[str]:
    published = settings.published_dir
    if not published.is_dir():
        return []
    known = {e.release_id for e in read_events(settings)}
    statuses = recorded_releases(settings)  # release id -> (status of its cells, first published_at)
    found: list[tuple[object, ReleaseId, Path]] = []
    notes = []
    for ref_dir in sorted(p for p in published.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            versions = existing_versions(published, ref_dir.name)
        except ReleaseIdError:
            continue
        for rid in versions:
            entry = rid.path_under(published) / LEGACY_ENTRY
            if str(rid) in known or not entry.is_file():
                continue
            if str(rid) not in statuses:
                notes.append(
                    f"{rid}: published by an older disclose but not in the publication record, so its "
                    "figures are in no disclosure check: withdraw it (disclose withdraw) or re-issue it"
                )
                continue
            found.append((statuses[str(rid)][1], rid, entry))
    for published_at, rid, path in sorted(found, key=lambda f: (str(f[0]), str(f[1]))):
        adopt(settings, str(rid), published_at, UNRECORDED, _entry(rid, path), statuses[str(rid)][0])
        notes.append(f"{rid}: adopted into the event log (published by an older disclose)")
    for old in OLD_LOG_FILES:  # the log is now a view of the record (disclosure-log.csv and .json)
        if (published / old).is_file() and (found or known):
            (published / old).unlink()
            notes.append(f"removed the older log file {old} (the log is regenerated from the record)")
    return notes


def _entry(rid: ReleaseId, path: Path) -> dict:
    old = json.loads(path.read_text(encoding="utf-8"))
    exemptions = list(old.get("exemptions") or [])
    return LogEntry(
        reference=rid.reference, version=rid.version, title=old["title"],
        type=FOI_RESPONSE if old.get("request_text") else PROACTIVE,
        date_received=old.get("date_received"), date_responded=old.get("date_responded"),
        date_published=old["date_published"], request_text=old.get("request_text", ""),
        response_text=old.get("response_summary", ""), outcome=old["outcome"], exemptions=exemptions,
        reasons=[reason(s) for s in exemptions], ncnd=bool(old.get("ncnd")),
        ncnd_sections=list(old.get("ncnd_sections") or []),
        attachments=[Attachment(title=attachment_title(a["file"], old["title"], {}), **a)
                     for a in old.get("attachments", [])],
        category=old.get("category", "Crime statistics"), complaint_rights=old.get("complaint_rights", ""),
        publisher=old["publisher"], licence=old["licence"], synthetic=bool(old.get("synthetic")),
    ).model_dump(mode="json")  # fmt: skip
