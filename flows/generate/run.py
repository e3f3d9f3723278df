"""One generator run: build the true history, then write every delivery of both sources in order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from flows.generate import deliveries as route
from flows.generate.crime import CrimeState, build_crimes
from flows.generate.custody import CustodyState, build_custody
from flows.generate.deletions import apply_deletions, draw_deletions
from flows.generate.dirty import DirtyCell, inject
from flows.generate.local_codes import with_local_codes
from flows.generate.names import districts, stations
from flows.generate.reference import Reference, load_reference
from flows.generate.rows import Labels, columns, crime_rows, custody_rows
from flows.generate.scales import SCALES, Scale, ScaleName
from flows.generate.schedule import Delivery, FileStyle, deliveries, legacy_crime_window, style_for
from flows.generate.summary import ExtractFile, GenerateSummary
from flows.generate.write import ExtractSink

SOURCES = ("custody", "crime")
OFFENCES_PER_RECORD_BOUND = 1.5  # custody chunks are sized in records; rows are about this many per record


@dataclass(frozen=True)
class _Run:
    """Everything the delivery loop reads: the true histories, their routes, labels and output settings."""

    seed: int
    out: Path
    fmt: str
    chunk_rows: int
    reference: Reference
    custody: CustodyState
    custody_routes: np.ndarray
    custody_deleted_in: np.ndarray | None  # delivery marking each record deleted; None: no deletions this run
    custody_labels: Labels
    crimes: CrimeState
    crime_routes: dict[str, np.ndarray]
    crime_labels: Labels


def generate(
    seed: int,
    scale: ScaleName | Scale,
    out: Path,
    today: date | None = None,
    fmt: Literal["csv", "parquet"] = "csv",
    deleted_share: float = 0.0,
) -> GenerateSummary:
    """Write seeded synthetic custody and crime extracts for 2013-01-01 to `today` into `out`.

    `scale` is a name in SCALES or a Scale of your own. The same seed and `today` give byte-identical files.
    Files already in `out` with the same names are overwritten; others are left alone. The summary is also
    written to out/generator-summary.json. `deleted_share` > 0 deletes that share of custody records some weeks
    after arrest (deletions.py): every custody file then has a record_status column. Off by default.
    """
    if not isinstance(scale, Scale) and scale not in SCALES:
        raise ValueError(f"scale {scale!r} is not one of {sorted(SCALES)}")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"format {fmt!r} is not csv or parquet")
    spec = scale if isinstance(scale, Scale) else SCALES[scale]
    today = today or date.today()
    schedule = deliveries(today)
    reference = load_reference()
    custody_rng, crime_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    custody = build_custody(custody_rng, spec, today, reference, spec.stations)
    crimes = build_crimes(crime_rng, spec, today, reference.ho, spec.districts, legacy_crime_window(schedule))
    custody_routes = route.custody_routes(custody, schedule)
    deleted_in = None
    if deleted_share > 0:
        deletion_route = route.route(draw_deletions(seed, custody, deleted_share), schedule)
        deleted_in = apply_deletions(custody_routes, deletion_route, len(schedule))
    run = _Run(
        seed=seed,
        out=out,
        fmt=fmt,
        chunk_rows=spec.chunk_rows,
        reference=reference,
        custody=custody,
        custody_routes=custody_routes,
        custody_deleted_in=deleted_in,
        custody_labels=Labels(with_local_codes(reference.cjs), stations(spec.stations)),
        crimes=crimes,
        crime_routes=route.crime_routes(crimes, schedule),
        crime_labels=Labels(reference.ho, districts(spec.districts)),
    )
    out.mkdir(parents=True, exist_ok=True)
    files: list[ExtractFile] = []
    cells: list[DirtyCell] = []
    for delivery in schedule:
        for source in SOURCES:
            written, bad = _write_file(run, source, delivery)
            files.append(written)
            cells.extend(bad)

    last = len(schedule) - 1
    delivered = run.custody_routes[:, 0] <= last
    summary = GenerateSummary(
        seed=seed,
        scale=spec.name,
        today=today.isoformat(),
        format=fmt,
        files=tuple(files),
        custody_records=int(delivered.sum()),
        offence_rows=route.latest_offence_rows(custody, run.custody_routes, last, deleted_in),
        deleted_records=0 if deleted_in is None else int((deleted_in <= last).sum()),
        crimes=int((run.crime_routes["recorded"] <= last).sum()),
        people=int(np.unique(custody.people.person[delivered]).size),
        dirty_cells=tuple(cells),
    )
    summary.write(out)
    return summary


def _write_file(run: _Run, source: str, delivery: Delivery) -> tuple[ExtractFile, list[DirtyCell]]:
    style = style_for(source, delivery, run.fmt)
    name = f"{delivery.file_stem(source)}.{'parquet' if run.fmt == 'parquet' else 'csv'}"
    rng = np.random.default_rng([run.seed, 1 + SOURCES.index(source), delivery.index])
    known = frozenset(run.reference.cjs.codes if source == "custody" else run.reference.ho.codes)
    sink = ExtractSink(run.out / name, style, columns(source, style, run.custody_deleted_in is not None))
    cells: list[DirtyCell] = []
    try:
        for frame in _frames(run, source, delivery, style):
            frame, bad = inject(frame, source, style, delivery.minute, rng, name, sink.rows, known)
            cells.extend(bad)
            sink.append(frame)
    finally:
        sink.close()
    written = ExtractFile(
        path=name,
        source=source,
        kind=delivery.kind,
        rows=sink.rows,
        encoding=style.encoding,
        date_style=style.date_style,
        columns=tuple(sink.columns),
        extracted_at=delivery.extracted_at.isoformat(timespec="minutes"),
        dirty=dict(sorted(Counter(c.kind for c in cells).items())),
    )
    return written, cells


def _frames(run: _Run, source: str, delivery: Delivery, style: FileStyle) -> Iterator[pl.DataFrame]:
    stamp = f"{delivery.extracted_at:{style.datetime_format}}"
    if source == "custody":
        per_chunk = max(int(run.chunk_rows / OFFENCES_PER_RECORD_BOUND), 1)
        deleted_in = run.custody_deleted_in
        for recs, version, deleting in route.custody_in(run.custody_routes, delivery, per_chunk, deleted_in):
            yield custody_rows(
                run.custody,
                recs,
                version,
                run.custody_labels,
                style,
                stamp,
                None if deleted_in is None else deleting,
            )
    else:
        for crimes in route.crimes_in(run.crime_routes, delivery, run.chunk_rows):
            yield crime_rows(
                run.crimes, crimes, delivery.index, run.crime_routes, run.crime_labels, style, stamp
            )
