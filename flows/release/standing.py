"""Standing publications (transparency datasets) issued on their calendar, not nightly.

The nightly run refreshes the warehouse every night, but a standing dataset is released only when its
calendar says a period is due (data/requests/standing/*.yaml): republishing daily would let anyone difference
two days' figures and see individual changes. Each period is its own reference,
``<dataset>.<period>`` (e.g. ``arrests-by-month-further-action.2026-09``); figures that differ from the
previous period's release are marked ``[r]``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl

from flows.config import Settings
from flows.contracts.release import ReleaseId
from flows.release.record import Event, read_events, release_states
from flows.release.source import ReleaseSource
from flows.requests.calendar import NotDue


def period_reference(dataset: str, key: str) -> str:
    return f"{dataset}.{key.replace('/', '-')}"


def published_periods(events: Sequence[Event], dataset: str) -> set[str]:
    """Period keys already released for a dataset, by the publication record (any version counts, withdrawn
    ones too: a period is released once, and a withdrawn one is not re-issued behind anyone's back)."""
    prefix = f"{dataset}."
    keys = set()
    for e in events:
        if e.event == "published" and e.reference.startswith(prefix):
            key = e.reference[len(prefix) :]
            keys |= {key, f"{key[:4]}/{key[5:]}"} if re.fullmatch(r"\d{4}-\d{2}", key) else {key}
    return keys


def previous_values(
    published_dir: Path, events: Sequence[Event], dataset: str, before: str, table_name: str
) -> pl.DataFrame | None:
    """The latest earlier period's published values of one table, read back from its CSV (column names from
    the CSVW sidecar), as `mark_revisions` expects: dimension and measure columns, null where hidden. Only
    versions the record says are published and not withdrawn count."""
    states = release_states(events)
    shown = [ReleaseId.parse(rid) for rid, state in states.items() if state != "withdrawn"]
    earlier = [rid for rid in shown if rid.reference.startswith(f"{dataset}.") and rid.reference < before]
    if not earlier:
        return None
    latest = max(earlier, key=lambda rid: (rid.reference, rid.version))
    return _read_table(latest.path_under(published_dir), table_name)


def _read_table(folder: Path, table_name: str) -> pl.DataFrame | None:
    slug = table_name.replace("_", "-")
    path = folder / f"{slug}.csv"
    meta = folder / f"{slug}.csv-metadata.json"
    if not path.is_file() or not meta.is_file():
        return None
    columns = [c["name"] for c in json.loads(meta.read_text(encoding="utf-8"))["tableSchema"]["columns"]]
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    rows = list(csv.reader(lines))[1:]
    data = {name: [r[i] for r in rows] for i, name in enumerate(columns)}
    frame = pl.DataFrame(data)
    return frame.with_columns(
        pl.col(c).cast(pl.Float64, strict=False) for c in columns if all(_numeric_or_flag(v) for v in data[c])
    )


def _numeric_or_flag(value: str) -> bool:
    return value.startswith("[") or value.replace(".", "", 1).lstrip("-").isdigit()


def due_sources(settings: Settings, today: date | None = None) -> tuple[list[ReleaseSource], list[NotDue]]:
    """A source for every standing dataset whose calendar has a period due today and not yet released, and a
    "not due: data covers up to D" for each whose due period the data do not reach yet (the run carries on)."""
    from flows.db import connect
    from flows.requests.calendar import due_for_data, due_release, next_release
    from flows.requests.spec import load_standing
    from flows.requests.standing import data_covers_until, standing_parts

    today = today or date.today()
    events = read_events(settings)
    sources, not_due = [], []
    for path in sorted((settings.requests_dir / "standing").glob("*.yaml")):
        spec, digest = load_standing(path)
        published = published_periods(events, spec.reference)
        if due_release(spec.calendar, today, published) is None:
            continue
        with connect(settings, read_only=True) as con:
            covered = due_for_data(
                spec.calendar, today, published, data_covers_until(con, spec), spec.reference
            )
        if isinstance(covered, NotDue):
            not_due.append(covered)
            continue
        when, upcoming = next_release(spec.calendar, today)
        parts = tuple((part, f"table {part.id}") for part in standing_parts(spec, covered))
        sources.append(
            ReleaseSource(
                period_reference(spec.reference, covered.key),
                f"{spec.title}, {covered.key}",
                parts,
                str(path),
                digest,
                next_update=f"{when:%d %B %Y} (covering {upcoming.key})",
                revisions_of=spec.reference,
            )
        )
    return sources, not_due
