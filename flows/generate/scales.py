"""How big a generated force is. Volumes are for the reference span 2013-2026; a run to an earlier `today`
gets the share of that volume that falls before it, so the rate per day does not depend on `today`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ScaleName = Literal["tiny", "force", "national"]


@dataclass(frozen=True)
class Scale:
    """Volumes and sizes of one scale.

    Rare immigration offences get their own expected yearly counts rather than a share of all arrests, so the
    tiny demo still has a few in the FOI seed windows while a force has a realistic handful.
    """

    name: str
    arrests: int  # custody records over 2013-2026, excluding the immigration process below
    crimes: int
    immigration_per_year: float  # Immigration Act 1971 arrests other than facilitation (s.25/25A/25B)
    facilitation_per_year: float  # s.25, s.25A and s.25B arrests
    stations: int
    districts: int
    max_arrests_per_person: int
    chunk_rows: int  # rows per frame when writing a big file


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 4_700, 20_000, 14.0, 4.0, 6, 8, 40, 200_000),
    "force": Scale("force", 1_000_000, 10_000_000, 150.0, 25.0, 16, 32, 150, 1_000_000),
    "national": Scale("national", 8_000_000, 60_000_000, 1_200.0, 200.0, 96, 200, 150, 2_000_000),
}

#: the committed sample under data/sample: a fifth of tiny, same shape (see flows.generate.sample).
SAMPLE = Scale("sample", 1_000, 4_000, 4.0, 1.0, 4, 6, 30, 200_000)
