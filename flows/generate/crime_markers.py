"""The flags forces keep on crimes for Home Office returns: domestic abuse, knife or sharp instrument, hate crime.

Rates are per Home Office offence code, shaped like the published England and Wales figures: about a third of
violence against the person is domestic abuse related (more for stalking and harassment, threats to kill and
rape of a woman), as is some criminal damage; a knife or sharp instrument is recorded for a share of the
offences the Home Office collects the flag for (homicide, attempted murder, threats to kill, assault with
injury or intent, robbery, rape and sexual assault); hate crime is about 2% of crime, mostly public order and
violence, mostly race, and now and then several strands at once. Racially or religiously aggravated offences
are hate crimes by definition.

The force's crime system only records each flag from a date (schedule.MARKERS_FROM): older crimes, migrated
from the legacy system, carry a blank ("not recorded") in rows.py, and extracts taken before then have no such
column at all, so a warehouse sees both kinds of "not recorded" the way real histories do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: the hate crime strands in canonical order, one bit each
STRANDS = ("race", "religion", "sexual_orientation", "disability", "transgender")

DOMESTIC_ABUSE_RATE = {
    "1-4.1-4.10-4.2": 0.2, "2": 0.25, "3A": 0.1, "3B": 0.45, "5D": 0.25, "5E": 0.15, "8N": 0.38, "105A": 0.4,
    "8L": 0.45, "8Q": 0.55, "8R": 0.3, "11A": 0.2, "13": 0.3, "36": 0.2, "4.7": 0.3, "104": 0.01, "8S": 0.01,
    "8M": 0.05, "8P": 0.05, "105B": 0.05, "106": 0.02,
    "19C": 0.4, "19D": 0.15, "19E": 0.15, "19F": 0.2, "19G": 0.1, "19H": 0.1, "20A": 0.1, "20B": 0.1,
    "22A": 0.15, "23": 0.5, "17A": 0.05, "17B": 0.05, "22B": 0.05, "88E": 0.03,
    "58A": 0.3, "58B": 0.03, "58C": 0.15, "58D": 0.12, "56A": 0.2, "56B": 0.08, "59": 0.3,
    "40": 0.15, "49": 0.03, "28E": 0.04, "28A": 0.04, "9A": 0.12, "79": 0.2, "34B": 0.02,
}  # fmt: skip
KNIFE_RATE = {
    "1-4.1-4.10-4.2": 0.4, "2": 0.35, "3B": 0.1, "5D": 0.2, "8N": 0.04, "34A": 0.12, "34B": 0.1, "19C": 0.005,
    "19D": 0.005, "19F": 0.005, "20A": 0.003,
}  # fmt: skip
#: racially or religiously aggravated: always a hate crime, race or religion.
AGGRAVATED = ("8M", "8P", "105B", "9B", "58J")
HATE_RATE = {
    "9A": 0.08, "66": 0.1, "105A": 0.02, "8N": 0.01, "8L": 0.03, "8R": 0.04, "8Q": 0.01, "3B": 0.02, "5D": 0.01,
    "58A": 0.01, "58B": 0.01, "58C": 0.005, "58D": 0.01, "56A": 0.005, "56B": 0.005, "34B": 0.003, "20A": 0.005,
    **dict.fromkeys(AGGRAVATED, 1.0),
}  # fmt: skip
STRAND_WEIGHTS = {"race": 60, "sexual_orientation": 18, "disability": 10, "religion": 7, "transgender": 5}
AGGRAVATED_STRAND_WEIGHTS = {"race": 85, "religion": 15}
SECOND_STRAND, THIRD_STRAND = 0.08, 0.015  # chance a hate crime has a second (and a third) strand


@dataclass(frozen=True)
class Markers:
    """Per crime: the flags as the force's system holds them (whether recorded at all is by date, in rows.py)."""

    domestic_abuse: np.ndarray  # bool
    knife: np.ndarray  # bool
    hate_strands: np.ndarray  # uint8 bit mask over STRANDS; 0 = not a hate crime


def draw_markers(rng: np.random.Generator, code: np.ndarray, ho_codes: tuple[str, ...]) -> Markers:
    """Flags for crimes with Home Office code indices `code`."""
    n = code.size
    domestic = rng.random(n) < _rates(DOMESTIC_ABUSE_RATE, ho_codes)[code]
    knife = rng.random(n) < _rates(KNIFE_RATE, ho_codes)[code]
    hate = rng.random(n) < _rates(HATE_RATE, ho_codes)[code]
    aggravated = np.isin(code, [ho_codes.index(c) for c in AGGRAVATED])
    strands = np.zeros(n, dtype=np.uint8)
    any_kind, race_or_religion = (
        _strand_bits(rng, STRAND_WEIGHTS, n),
        _strand_bits(rng, AGGRAVATED_STRAND_WEIGHTS, n),
    )
    first = np.where(aggravated, race_or_religion, any_kind)
    strands[hate] = first[hate]
    for share in (SECOND_STRAND, THIRD_STRAND):
        more = hate & (rng.random(n) < share)
        strands[more] |= _strand_bits(rng, STRAND_WEIGHTS, n)[more]  # now and then the same strand: no change
    return Markers(domestic_abuse=domestic, knife=knife, hate_strands=strands)


#: each bit mask as the canonical column text: strands in STRANDS order, ';'-separated, blank for none.
STRAND_TEXT = tuple(
    ";".join(s for k, s in enumerate(STRANDS) if m >> k & 1) for m in range(1 << len(STRANDS))
)


def _rates(table: dict[str, float], ho_codes: tuple[str, ...]) -> np.ndarray:
    unknown = set(table) - set(ho_codes)
    if unknown:
        raise KeyError(f"marker rates name Home Office codes not in the reference list: {sorted(unknown)}")
    return np.array([table.get(c, 0.0) for c in ho_codes])


def _strand_bits(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    p = np.array(list(weights.values()))
    bits = np.array([1 << STRANDS.index(s) for s in weights], dtype=np.uint8)
    return bits[rng.choice(p.size, size=n, p=p / p.sum())]
