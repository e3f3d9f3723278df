"""How much of a table's population the reference data could not classify, as the notes state it.

Two kinds of unit are counted but say little about the offence: one whose offence code is not in the reference
data at all (well-formed, so ingest kept it: a force's local code, or one newer than the standing data; counted
under "Unrecognised offence code", UNR) and one whose code the reference rules leave unclassified ("Other / not
classified", NCL). A reader weighing the figures needs to know how many there are, but the exact number could
be a small number, or could undo a withheld cell. So the notes give a share of the table's whole population,
rounded to a whole per cent ("less than 1%" below that), and only for a population of at least
``MIN_UNITS_PER_K * k``: then every statement (a 1% band, or "less than 1%") spans at least k possible counts and
never confines the count to 1..k-1, whatever the table itself shows. Smaller tables get the words without the
share; a count of zero is stated as none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb

DEFAULT_K = 5  # Settings.threshold's default; callers with settings pass theirs
#: the population must be at least this many times k for a share to be stated (a half-percent band >= k)
MIN_UNITS_PER_K = 200
COLUMNS = ("is_unrecognised_code", "is_not_classified")  # flags of each counted unit (custody_units.sql)
_NOUN = {"custody record": "arrests", "person": "people", "crime": "crimes"}


@dataclass(frozen=True)
class CodeShares:
    """Distinct units in the table's current periods, and how many of them had each kind of code. Exact
    counts: used to word the notes, never published."""

    units: int
    unrecognised: int
    not_classified: int
    unrecognised_label: str = "Unrecognised offence code"
    not_classified_label: str = "Other / not classified"


def measure(con: duckdb.DuckDBPyConnection, units_table: str) -> CodeShares:
    """Count the flags over the part's units (``units_table`` is query.py's own temp table name)."""
    units, unrecognised, not_classified = con.execute(
        f"select count(distinct unit_key) filter (where is_current), "  # noqa: S608 - our own temp table
        f"count(distinct unit_key) filter (where is_current and is_unrecognised_code), "
        f"count(distinct unit_key) filter (where is_current and is_not_classified) from {units_table}"
    ).fetchall()[0]
    labels = dict(
        con.execute(
            "select offence_group_code, offence_group from ref.offence_groups "
            "where offence_group_code in ('UNR', 'NCL')"
        ).fetchall()
    )
    return CodeShares(
        int(units),
        int(unrecognised),
        int(not_classified),
        labels.get("UNR", CodeShares.unrecognised_label),
        labels.get("NCL", CodeShares.not_classified_label),
    )


def share_phrase(count: int, population: int, k: int) -> str | None:
    """'none', 'less than 1%', 'N%' (whole per cent, halves rounded up), or None when the population is too
    small to state a share safely."""
    if count == 0:
        return "none"
    if population < MIN_UNITS_PER_K * k:
        return None
    percent = 100 * count / population
    if percent < 1:
        return "less than 1%"
    whole = math.floor(percent + 0.5)
    return "more than 99%" if whole == 100 and count < population else f"{whole}%"


def share_notes(shares: CodeShares, *, unit: str, k: int, unrecognised: bool, groups: bool) -> list[str]:
    """The notes' sentences: unrecognised codes where the table could count them (every offence, or a local
    code named), not-classified offences where the table counts offence groups."""
    noun = _NOUN.get(unit, "units")
    notes = []
    if unrecognised:
        notes.append(
            _sentence(
                shares.unrecognised,
                shares.units,
                k,
                noun,
                "an offence code that is not in the "
                "reference data (a force's local code, or one newer than the standing data)",
                shares.unrecognised_label,
            )
        )
    if groups:
        notes.append(
            _sentence(
                shares.not_classified,
                shares.units,
                k,
                noun,
                "an offence that the reference data's rules place in no offence group",
                shares.not_classified_label,
            )
        )
    return notes


def _sentence(count: int, population: int, k: int, noun: str, what: str, label: str) -> str:
    phrase = share_phrase(count, population, k)
    if phrase == "none":
        return f"None of the {noun} counted had {what}."
    counted = f"they are counted under '{label}'"
    if phrase is None:
        return (
            f"Some of the {noun} counted had {what}; {counted}. The share is not stated for a table this "
            "small, so that it cannot reveal a small number."
        )
    return (
        f"{phrase[0].upper()}{phrase[1:]} of the {noun} counted in this table had {what}; {counted}. "
        "The share is rounded to a whole per cent."
    )
