"""``disclose status`` as rich tables, sized for one screen (the full lists: ``disclose quarantine``,
``disclose drafts``, ``--json``)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from flows.runs.status import Status

SHOWN = 10


def render(status: Status) -> RenderableType:
    return Group(
        Text(f"data home {status.home}; warehouse: {status.warehouse}"),
        _runs(status),
        _sources(status),
        _drafts(status),
        _quarantine(status),
        *(Text(line, style="yellow") for line in status.interrupted),
    )


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left")
    for name in columns:
        table.add_column(name, overflow="fold")
    return table


def _runs(status: Status) -> RenderableType:
    damaged = f"; {status.damaged_run_lines} damaged line(s) skipped" if status.damaged_run_lines else ""
    if not status.runs:
        return Text(f"no runs recorded yet{damaged}")
    table = _table(
        f"Recent runs (newest first){damaged}", "finished (UTC)", "run", "status", "counts", "releases or why"
    )
    for r in status.runs:
        c = r.counts
        counts = (
            f"{c.files} files, {c.rows_staged:,} rows staged, {c.rows_quarantined:,} quarantined, "
            f"{c.checks_failed} checks failed, {c.cells_withheld} cells withheld"
            + (f"; {r.validation}" if r.validation else "")
        )
        table.add_row(
            r.finished_at[:16].replace("T", " "),
            r.kind,
            Text(f"{r.status} ({r.seconds:.0f} s)", style="red" if r.status == "failed" else "green"),
            counts,
            r.reason or ", ".join(sorted({e["release_id"] for e in r.releases})),
        )
    return table


def _sources(status: Status) -> RenderableType:
    if not status.sources:
        return Text("freshness: nothing loaded")
    table = _table(
        "Freshness", "source", "files loaded", "last delivery loaded", "file", "latest extracted_at"
    )
    for s in status.sources:
        table.add_row(
            s["source"],
            str(s["files_loaded"]),
            s["last_received_at"],
            s["last_file"],
            s["latest_extracted_at"],
        )
    return table


def _drafts(status: Status) -> RenderableType:
    if not status.awaiting_approval:
        return Text("no drafts awaiting approval")
    table = _table(f"Drafts awaiting approval ({len(status.awaiting_approval)})", "release", "drafted", "by")
    for d in status.awaiting_approval[:SHOWN]:
        table.add_row(d["release_id"], d["drafted"], d["by"])
    if len(status.awaiting_approval) > SHOWN:
        table.caption = f"and {len(status.awaiting_approval) - SHOWN} more: disclose drafts"
    return table


def _quarantine(status: Status) -> RenderableType:
    files = status.quarantined_files
    if not files:
        return Text("nothing quarantined")
    rows = sum(f["rows_quarantined"] for f in files)
    table = _table(
        f"Quarantined: {rows:,} row(s) in {len(files)} file(s)", "file", "status", "rows quarantined", "of"
    )
    for f in files[-SHOWN:]:
        table.add_row(f["file"], f["status"], f"{f['rows_quarantined']:,}", f"{f['rows_read']:,}")
    if len(files) > SHOWN:
        table.caption = f"the latest {SHOWN} files; every row and reason: disclose quarantine"
    return table
