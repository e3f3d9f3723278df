"""A run recorded however it ends: the webhook told (if configured), the record appended to the home's run
log, then handed to the caller's reporter (the Prefect artifacts). A failure is recorded and re-raised
unchanged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from flows.config import Settings
from flows.runs.counts import release_entries, run_counts
from flows.runs.notify import notify
from flows.runs.reason import one_line
from flows.runs.record import RunRecord, append_record

Reporter = Callable[[RunRecord], None]


@contextmanager
def recorded(settings: Settings, kind: str, result: Any, report: Reporter | None = None) -> Iterator[None]:
    """Record the run ``result`` (a flows.pipeline.RunResult, filled in as the stages go) when the block ends:
    notify the webhook if configured, append the record to the run log, then hand it to ``report`` (the
    Prefect artifacts). A failure is recorded and re-raised unchanged."""
    started = datetime.now(UTC)
    try:
        yield
    except BaseException as exc:
        try:
            _finish(settings, _record(kind, result, started, "failed", one_line(exc)), report)
        except Exception as lost:  # the run's own failure is what the caller must see
            exc.add_note(f"and the failed run could not be recorded: {lost}")
        raise
    _finish(settings, _record(kind, result, started, "completed", None), report)


def _record(kind: str, result: Any, started: datetime, status: str, reason: str | None) -> RunRecord:
    finished = datetime.now(UTC)
    releases = release_entries(result.releases)
    return RunRecord(
        run_id=result.run_id,
        kind=kind,
        status=status,
        started_at=started.isoformat(timespec="seconds"),
        finished_at=finished.isoformat(timespec="seconds"),
        seconds=round((finished - started).total_seconds(), 2),
        reason=reason,
        counts=run_counts(result.ingest, result.validations, releases),
        stages=list(result.stages),
        releases=releases,
        validation=getattr(result, "validation", None),
    )


def _finish(settings: Settings, record: RunRecord, report: Reporter | None) -> None:
    record = replace(record, notified=notify(settings, record))
    append_record(settings.runs_log, record)
    if report is not None:
        report(record)
