"""Drawing codes from weighted tables whose entries are only valid between dates.

Offences come and go (the Nationality and Borders Act 2022 replaced the s.25 codes on 28 June 2022); a table
lists each code with the dates it may be used, and a code may appear twice with different weights either side
of a change so old codes fade out rather than stop dead, as they do in real recording. Hand-written tables
are tuples of `Weighted`; the long tail of the standing data (offence_tail.py) is tens of thousands of
entries, so every table is drawn from as arrays (`CodeTable`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from flows.generate.clock import MIN_PER_DAY, day_number

ALWAYS_FROM, NEVER_UNTIL = np.iinfo(np.int32).min, np.iinfo(np.int32).max  # open ends of a validity window


@dataclass(frozen=True)
class Weighted:
    code: str
    weight: float
    start: date | None = None  # first day the entry applies
    end: date | None = None  # first day it no longer applies


@dataclass(frozen=True)
class CodeTable:
    """Entries as parallel arrays: code (index into a code list), weight, and the days [start, end) it applies."""

    code: np.ndarray  # int32
    weight: np.ndarray  # float64
    start: np.ndarray  # int32 day number; ALWAYS_FROM when open
    end: np.ndarray  # int32 day number; NEVER_UNTIL when open

    @classmethod
    def of(cls, entries: Sequence[Weighted], code_index: dict[str, int]) -> CodeTable:
        return cls(
            code=np.array([code_index[e.code] for e in entries], dtype=np.int32),
            weight=np.array([e.weight for e in entries], dtype=np.float64),
            start=np.array(
                [ALWAYS_FROM if e.start is None else day_number(e.start) for e in entries], dtype=np.int32
            ),
            end=np.array(
                [NEVER_UNTIL if e.end is None else day_number(e.end) for e in entries], dtype=np.int32
            ),
        )

    @classmethod
    def concat(cls, *tables: CodeTable) -> CodeTable:
        return cls(
            *(np.concatenate([getattr(t, f) for t in tables]) for f in ("code", "weight", "start", "end"))
        )

    def weights_on(self, day: int) -> np.ndarray:
        """Each entry's weight on `day` (0 where it does not apply)."""
        return np.where((self.start <= day) & (day < self.end), self.weight, 0.0)

    def bounds(self) -> np.ndarray:
        """The days on which some entry starts or stops applying, sorted."""
        days = np.concatenate([self.start, self.end])
        return np.unique(days[(days != ALWAYS_FROM) & (days != NEVER_UNTIL)])


def draw_codes(
    rng: np.random.Generator,
    table: CodeTable | Sequence[Weighted],
    minutes: np.ndarray,
    code_index: dict[str, int],
) -> np.ndarray:
    """For each event time, a code drawn from the entries valid at that time (as an index into the code list)."""
    if not isinstance(table, CodeTable):
        table = CodeTable.of(table, code_index)
    bounds = table.bounds().astype(np.int64)
    era = np.searchsorted(bounds * MIN_PER_DAY, minutes, side="right")
    out = np.empty(minutes.size, dtype=np.int32)
    for k in range(bounds.size + 1):
        where = np.flatnonzero(era == k)
        if where.size:
            weights = table.weights_on(int(bounds[k - 1]) if k else ALWAYS_FROM)
            out[where] = table.code[rng.choice(weights.size, size=where.size, p=weights / weights.sum())]
    return out


def draw_labels(rng: np.random.Generator, weights: dict, size: int) -> np.ndarray:
    """Indices into `list(weights)` drawn with the given weights."""
    p = np.array(list(weights.values()), dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum()).astype(np.int16)


def valid_on(entry: Weighted, day: int) -> bool:
    return (entry.start is None or day >= day_number(entry.start)) and (
        entry.end is None or day < day_number(entry.end)
    )
