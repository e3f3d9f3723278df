"""Drawing codes from weighted tables whose entries are only valid between dates.

Offences come and go (the Nationality and Borders Act 2022 replaced the s.25 codes on 28 June 2022); a table
lists each code with the dates it may be used, and a code may appear twice with different weights either side
of a change so old codes fade out rather than stop dead, as they do in real recording.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from flows.generate.clock import MIN_PER_DAY, day_number


@dataclass(frozen=True)
class Weighted:
    code: str
    weight: float
    start: date | None = None  # first day the entry applies
    end: date | None = None  # first day it no longer applies


def draw_codes(
    rng: np.random.Generator, table: Sequence[Weighted], minutes: np.ndarray, code_index: dict[str, int]
) -> np.ndarray:
    """For each event time, a code drawn from the entries valid at that time (as an index into the code list)."""
    bounds = sorted({day_number(d) * MIN_PER_DAY for e in table for d in (e.start, e.end) if d is not None})
    era = np.searchsorted(np.array(bounds, dtype=np.int64), minutes, side="right")
    entry_code = np.array([code_index[e.code] for e in table], dtype=np.int16)
    out = np.empty(minutes.size, dtype=np.int16)
    for k in range(len(bounds) + 1):
        at = (bounds[k - 1] if k else -1) // MIN_PER_DAY
        weights = np.array([e.weight if valid_on(e, at) else 0.0 for e in table])
        where = np.flatnonzero(era == k)
        if where.size:
            out[where] = entry_code[rng.choice(len(table), size=where.size, p=weights / weights.sum())]
    return out


def draw_labels(rng: np.random.Generator, weights: dict, size: int) -> np.ndarray:
    """Indices into `list(weights)` drawn with the given weights."""
    p = np.array(list(weights.values()), dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum()).astype(np.int16)


def valid_on(entry: Weighted, day: int) -> bool:
    return (entry.start is None or day >= day_number(entry.start)) and (entry.end is None or day < day_number(entry.end))
