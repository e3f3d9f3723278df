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
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from flows.config import Settings
from flows.contracts.release import existing_versions
from flows.warehouse import connect

Protect = Callable[..., Any]  # flows.protection.protect_release


def period_reference(dataset: str, key: str) -> str:
    return f"{dataset}.{key.replace('/', '-')}"


def published_periods(published_dir: Path, dataset: str) -> set[str]:
    """Period keys already released for a dataset (any version counts: a period is released once)."""
    if not published_dir.is_dir():
        return set()
    prefix = f"{dataset}."
    keys = set()
    for folder in published_dir.iterdir():
        if folder.name.startswith(prefix) and existing_versions(published_dir, folder.name):
            key = folder.name[len(prefix):]
            keys |= {key, f"{key[:4]}/{key[5:]}"} if re.fullmatch(r"\d{4}-\d{2}", key) else {key}
    return keys


def previous_values(published_dir: Path, dataset: str, before: str, table_name: str) -> pl.DataFrame | None:
    """The latest earlier period's published values of one table, read back from its CSV (column names from
    the CSVW sidecar), as `mark_revisions` expects: dimension and measure columns, null where hidden."""
    prefix = f"{dataset}."
    earlier = sorted(f.name for f in published_dir.iterdir() if f.name.startswith(prefix) and f.name < before) \
        if published_dir.is_dir() else []
    for reference in reversed(earlier):
        versions = existing_versions(published_dir, reference)
        if not versions:
            continue
        folder = versions[-1].path_under(published_dir)
        return _read_table(folder, table_name)
    return None


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


def stage_standing_releases(settings: Settings, protect: Protect, today: date | None = None) -> list[Any]:
    """Release every standing dataset whose calendar has a period due today and not yet published."""
    from flows.release_inputs import publish_tables
    from flows.requests.answer import answer_part_planned
    from flows.requests.calendar import due_release, next_release
    from flows.requests.populations import populations_for
    from flows.requests.revisions import mark_revisions
    from flows.requests.spec import load_standing
    from flows.requests.standing import standing_parts

    today = today or date.today()
    results = []
    for path in sorted((settings.requests_dir / "standing").glob("*.yaml")):
        spec, digest = load_standing(path)
        covered = due_release(spec.calendar, today, published_periods(settings.published_dir, spec.reference))
        if covered is None:
            continue
        reference = period_reference(spec.reference, covered.key)
        with connect(settings, read_only=True) as con:
            answered = [answer_part_planned(con, part, settings.sql_dir, where=f"{path.name} table {part.id}",
                                            margins=True, k=settings.threshold)
                        for part in standing_parts(spec, covered)]
            tables = [table for _, table in answered]
            protected = protect(tables, settings, populations=populations_for(con, answered), reference=reference)
            tables = protected.tables
            tables = [mark_revisions(t, previous_values(settings.published_dir, spec.reference, reference, t.name))
                      for t in tables]
            when, upcoming = next_release(spec.calendar, today)
            results.append(publish_tables(
                settings, con, tables, reference=reference, title=f"{spec.title}, {covered.key}", request=None,
                spec_sha256=digest, spec_path=str(path), next_update=f"{when:%d %B %Y} (covering {upcoming.key})",
                protected=protected,
            ))
    return results
