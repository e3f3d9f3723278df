"""Known bad rows, injected at a small rate and recorded exactly, so the ingest's quarantine can be checked.

About 0.2% of rows get one bad cell each, never more than 0.5% of a chunk (so under 1% of any file): a date
that cannot be parsed, a date after the file's extracted_at, an offence code in no list, an impossible age, or
a blank custody_ref. Each bad value is detectably bad on its own row. A blank custody_ref is only put on a
secondary offence row: a quarantined principal row must still name its record, or the record would silently
count under its second offence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from flows.generate.clock import MIN_PER_DAY
from flows.generate.rows import format_minutes
from flows.generate.schedule import FileStyle

RATE, MAX_SHARE = 0.002, 0.005
CUSTODY_KINDS = {"unparseable_date": 30.0, "future_date": 20.0, "unknown_offence_code": 25.0, "absurd_age": 15.0,
                 "blank_custody_ref": 30.0}  # fmt: skip
CRIME_KINDS = {"unparseable_date": 40.0, "future_date": 25.0, "unknown_offence_code": 35.0}
BAD_DATES = {
    "iso": ("{y}-02-30", "{y}-13-31", "0000-00-00", "#VALUE!", "N/K"),
    "uk": ("30/02/{y}", "31/13/{y}", "00/00/0000", "#VALUE!", "N/K"),
}
# Not shaped like a code, so ingest quarantines them (flows/contracts/offence_codes.py); a well-formed code the
# reference lacks (ZZ99999) is loaded and counted as unrecognised, so it is not a dirty cell.
UNKNOWN_CODES = {
    "custody": ("ZZ-9999", "XX0001", "TH68999X", "UNKNOWN", "N/A"),
    "crime": ("999ZZ", "8-Z", "N/A", "XX"),
}
ABSURD_AGES = ("0", "187", "999", "-3", "4", "130")
DATE_COLUMNS = {
    "custody": ("arrest_datetime", "disposal_date"),
    "crime": ("recorded_date", "committed_date", "outcome_date"),
}
FUTURE_COLUMNS = {"custody": ("arrest_datetime", "disposal_date"), "crime": ("recorded_date",)}
DATETIME_COLUMNS = frozenset({"arrest_datetime"})


@dataclass(frozen=True)
class DirtyCell:
    """One injected bad cell. `row` counts data rows from 1 after the header."""

    file: str
    row: int
    column: str
    kind: str
    value: str
    ref: str  # the record's custody_ref / crime_ref before any damage
    offence_seq: int | None  # custody rows only


def inject(
    frame: pl.DataFrame, source: str, style: FileStyle, extracted_min: int, rng: np.random.Generator,
    file: str, first_row: int, known_codes: frozenset[str],
) -> tuple[pl.DataFrame, list[DirtyCell]]:  # fmt: skip
    """Damage a few rows of `frame` (rows `first_row`.. of `file`) and say exactly what was done."""
    n = frame.height
    k = min(int(rng.binomial(n, RATE)), int(n * MAX_SHARE))
    if k == 0:
        return frame, []
    rows = np.sort(rng.choice(n, size=k, replace=False))
    weights = CUSTODY_KINDS if source == "custody" else CRIME_KINDS
    kinds = np.array(list(weights))[
        rng.choice(len(weights), size=k, p=np.array(list(weights.values())) / sum(weights.values()))
    ]
    ref_column = "custody_ref" if source == "custody" else "crime_ref"
    refs = frame[ref_column].gather(rows).to_list()
    seqs = frame["offence_seq"].gather(rows).to_list() if source == "custody" else [None] * k
    if source == "custody":
        principal = np.array([s == "1" for s in seqs])
        kinds = np.where((kinds == "blank_custody_ref") & principal, "unknown_offence_code", kinds)

    cells: list[DirtyCell] = []
    changes: dict[str, tuple[list[int], list[str | None]]] = {}
    for i, (row, kind) in enumerate(zip(rows.tolist(), kinds.tolist(), strict=True)):
        column, value = _damage(kind, source, style, extracted_min, rng, frame, row)
        if value in known_codes:
            raise AssertionError(f"injected code {value!r} is a real code")
        changes.setdefault(column, ([], []))
        changes[column][0].append(row)
        changes[column][1].append(value or None)
        seq = int(seqs[i]) if seqs[i] is not None else None
        cells.append(DirtyCell(file, first_row + row + 1, column, kind, value, refs[i], seq))
    for column, (idx, values) in changes.items():
        series = frame[column].clone()
        series.scatter(idx, pl.Series(values, dtype=pl.String))
        frame = frame.with_columns(series)
    return frame, cells


def _damage(
    kind: str,
    source: str,
    style: FileStyle,
    extracted_min: int,
    rng: np.random.Generator,
    frame: pl.DataFrame,
    row: int,
) -> tuple[str, str]:
    """The column to damage and its bad value."""
    if kind == "unparseable_date":
        options = [c for c in DATE_COLUMNS[source] if frame[c][row] is not None]
        column = options[int(rng.integers(len(options)))]
        pattern = BAD_DATES[style.date_style][int(rng.integers(len(BAD_DATES["iso"])))]
        value = pattern.format(y=int(rng.integers(2013, 2026)))
        if column in DATETIME_COLUMNS and value[0].isdigit():
            value += f" {int(rng.integers(0, 24)):02d}:{int(rng.integers(0, 60)):02d}"
        return column, value
    if kind == "future_date":
        column = FUTURE_COLUMNS[source][int(rng.integers(len(FUTURE_COLUMNS[source])))]
        minute = extracted_min + int(rng.integers(2, 2000)) * MIN_PER_DAY
        fmt = style.datetime_format if column in DATETIME_COLUMNS else style.date_format
        return column, format_minutes(np.array([minute]), fmt)[0]
    if kind == "unknown_offence_code":
        codes = UNKNOWN_CODES[source]
        return ("offence_code" if source == "custody" else "ho_offence_code"), codes[
            int(rng.integers(len(codes)))
        ]
    if kind == "absurd_age":
        return "age_at_arrest", ABSURD_AGES[int(rng.integers(len(ABSURD_AGES)))]
    if kind == "blank_custody_ref":
        return "custody_ref", ""
    raise ValueError(f"unknown dirty kind {kind!r}")
