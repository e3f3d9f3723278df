"""A run as Prefect shows it: its one-line outcome in the flow run's log, a markdown summary and a table of
counts (with each release id and its draft's path) as artifacts. Called inside a flow run (flows/nightly.py,
flows/request.py); the markdown and the table are plain data, built without Prefect."""

from __future__ import annotations

from typing import Any

from flows.runs.record import RunRecord

COUNT_NAMES = {
    "files": "files loaded",
    "files_rejected": "files rejected",
    "files_duplicate": "files already delivered",
    "rows_staged": "rows staged",
    "rows_quarantined": "rows quarantined",
    "checks_failed": "checks failed (warnings included)",
    "cells_withheld": "cells withheld",
}


def markdown(record: RunRecord) -> str:
    lines = [f"# {record.kind} run `{record.run_id}`: {record.status}", ""]
    if record.reason:
        lines += [f"**Why it failed:** {record.reason}", ""]
    lines += [f"Started {record.started_at}, took {record.seconds:.1f} s.", "", "## Stages", ""]
    lines += [f"- {stage}" for stage in record.stages] or ["- none completed"]
    lines += ["", "## Releases", ""]
    for r in record.releases:
        withheld = "" if r["cells_withheld"] is None else f", {r['cells_withheld']} cell(s) withheld"
        lines.append(f"- {r['status']} **{r['release_id']}**{withheld}: `{r['path']}`")
        if r["status"] == "drafted":
            lines.append(
                f"  - next: `disclose approve {r['release_id']} --by NAME`, then "
                f"`disclose publish {r['release_id']}`"
            )
    if not record.releases:
        lines.append("- none")
    if record.notified:
        lines += ["", f"Notification: {record.notified}"]
    return "\n".join(lines) + "\n"


def table(record: RunRecord) -> list[dict[str, Any]]:
    """One row per count of the run, then one per release (its cells withheld, id and path)."""
    counts = record.counts.__dict__
    rows = [{"count": COUNT_NAMES[k], "value": v, "release": "", "path": ""} for k, v in counts.items()]
    rows += [
        {
            "count": f"{r['status']}: cells withheld",
            "value": r["cells_withheld"],
            "release": r["release_id"],
            "path": r["path"],
        }
        for r in record.releases
    ]
    return rows


def publish_run(record: RunRecord) -> None:
    """Log the run's outcome and write its two artifacts (keys ``<kind>-run`` and ``<kind>-run-counts``, so
    the UI keeps each kind's history)."""
    from prefect import get_run_logger
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    logger = get_run_logger()
    (logger.error if record.status == "failed" else logger.info)(record.line())
    create_markdown_artifact(
        markdown=markdown(record), key=f"{record.kind}-run", description=f"{record.kind} run summary"
    )
    create_table_artifact(
        table=table(record), key=f"{record.kind}-run-counts", description=f"{record.kind} run counts"
    )
