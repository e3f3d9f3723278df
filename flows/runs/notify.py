"""Tell someone when a run fails: a POST of a small JSON to ``notify_webhook_url`` (off unless set; also on
success with ``notify_on_success``). The body holds the run id, kind, status, the one-line reason and counts,
never a personal value. A notification that cannot be sent never changes the run's outcome: it is recorded
in the run log (``notified``) instead."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import asdict
from typing import Any

from flows.config import Settings
from flows.runs.record import RunRecord

TIMEOUT_SECONDS = 10


def payload(record: RunRecord) -> dict[str, Any]:
    return {
        "run": record.run_id,
        "kind": record.kind,
        "status": record.status,
        "reason": record.reason,
        "finished_at": record.finished_at,
        "counts": asdict(record.counts),
        "releases": sorted({r["release_id"] for r in record.releases}),
    }


def notify(settings: Settings, record: RunRecord) -> str | None:
    """POST the payload; what happened, in words (None when nothing was to be sent)."""
    url = settings.notify_webhook_url
    if not url or (record.status == "completed" and not settings.notify_on_success):
        return None
    request = urllib.request.Request(
        url,
        data=json.dumps(payload(record)).encode("utf-8"),
        headers={"Content-Type": "application/json", "User-Agent": "disclose"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return f"sent to the webhook (HTTP {response.status})"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"the webhook could not be notified: {exc}"
