"""One generated tiny run per test session, re-read independently of the generator with the csv module (shared
by the generator's test modules: generating and reading it takes seconds)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

from flows.generate import SUMMARY_NAME, ExtractFile, GenerateSummary, generate, read_summary

TODAY = date(2026, 11, 21)
FORMATS = {"iso": ("%Y-%m-%d", "%Y-%m-%d %H:%M"), "uk": ("%d/%m/%Y", "%d/%m/%Y %H:%M")}
Records = dict[str, list[dict[str, str]]]  # ref -> its rows


def tiny_run(tmp_path_factory) -> tuple[Path, GenerateSummary]:
    out = tmp_path_factory.getbasetemp() / "generated-tiny"
    if not (out / SUMMARY_NAME).exists():
        generate(1, "tiny", out, today=TODAY)
    return out, read_summary(out)


def read_extract(path: Path, encoding: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows, read in the encoding the summary declares."""
    text = path.read_bytes().decode("utf-8-sig" if encoding == "utf-8-sig" else encoding)
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    return header, rows


def read_all(out: Path, summary: GenerateSummary) -> list[tuple[ExtractFile, list[str], list[list[str]]]]:
    """Every file re-read: (summary entry, header, data rows), in delivery order."""
    return [(f, *read_extract(out / f.path, f.encoding)) for f in summary.files]


def without_dirty_rows(extracts, summary: GenerateSummary):
    """The files with the rows dirty.py damaged left out (their bad dates and codes are the ingest's question)."""
    dirty = {(c.file, c.row) for c in summary.dirty_cells}
    return [
        (f, header, [row for n, row in enumerate(rows, start=1) if (f.path, n) not in dirty])
        for f, header, rows in extracts
    ]


def latest_state(extracts) -> dict[str, Records]:
    """The state a warehouse should hold: per source, each ref's rows from the last file that had it."""
    state: dict[str, Records] = {"custody": {}, "crime": {}}
    for f, header, rows in extracts:
        key = "custody_ref" if f.source == "custody" else "crime_ref"
        fresh: Records = defaultdict(list)
        for row in rows:
            if row[header.index(key)]:
                fresh[row[header.index(key)]].append(dict(zip(header, row, strict=True)))
        state[f.source].update(fresh)
    return state


def parse(value: str, style: str) -> datetime | None:
    for fmt in FORMATS[style]:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            pass
    return None


def principal(records: Records) -> list[dict[str, str]]:
    return [r for rows in records.values() for r in rows if r["offence_seq"] == "1"]


def when(row: dict[str, str], column: str) -> datetime | None:
    return parse(row[column], "iso") or parse(row[column], "uk")
