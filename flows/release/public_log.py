"""The public disclosure log as a view of the publication record's event log: regenerated whole, never edited.

One row per release (reference): the entry of its latest published version, whether that is current or was
withdrawn, and every version's state (superseded versions flagged). Links are built from
``release.site_url`` when the force sets it (else relative to the log, which sits at the top of
``published/``), and a withdrawn version has none: its files are no longer served.
"""

from __future__ import annotations

from collections.abc import Sequence

from flows.config import Settings
from flows.publish.log import LogEntry, LogRow, VersionState, write_log
from flows.release.record import Event, read_events


def log_rows(events: Sequence[Event], site_url: str | None) -> list[LogRow]:
    published = {e.release_id: e for e in events if e.event == "published"}
    changes = {e.release_id: e for e in events if e.event in ("superseded", "withdrawn")}  # the latest wins
    by_reference: dict[str, list[Event]] = {}
    for e in published.values():
        by_reference.setdefault(e.reference, []).append(e)
    rows = []
    for reference, versions in by_reference.items():
        versions.sort(key=lambda e: e.version)
        states = []
        for e in versions:
            change = changes.get(e.release_id)
            status = "current" if change is None else change.event
            url = None if status == "withdrawn" else f"{site_url or ''}{reference}/v{e.version}/"
            states.append(
                VersionState(
                    version=e.version,
                    date_published=e.detail["date_published"],
                    status=status,
                    status_date=change.at.date() if change else None,
                    url=url,
                )
            )
        latest = versions[-1]
        status = "withdrawn" if states[-1].status == "withdrawn" else "current"
        rows.append(
            LogRow(
                entry=LogEntry.model_validate(latest.detail),
                status=status,
                url=states[-1].url,
                first_published=states[0].date_published,
                versions=states,
            )
        )
    rows.sort(key=lambda r: (r.first_published, r.entry.reference))
    return rows


def refresh_public_log(settings: Settings) -> bool:
    """Regenerate the log files from the record when they differ (or are missing); True when any changed."""
    events = read_events(settings)
    if not events and not settings.published_dir.is_dir():
        return False
    return write_log(
        settings.published_dir, log_rows(events, settings.release.site_url), settings.organisation
    )
