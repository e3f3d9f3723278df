"""The canonical extract formats: which columns each source needs, and how a file is recognised."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    name: str  # custody | crime
    required: tuple[str, ...]
    optional: tuple[str, ...]
    key: tuple[str, ...]  # identifies a row within one delivered file
    checks_sql: str  # sql/staging/<file>: types and checks the rows of one file
    staging_table: str

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


CUSTODY = Source(
    name="custody",
    required=(
        "custody_ref", "person_ref", "arrest_datetime", "offence_seq", "offence_code", "offence_description",
        "disposal", "disposal_date", "age_at_arrest", "gender", "self_defined_ethnicity", "station", "extracted_at",
    ),
    optional=("arresting_agency",),
    key=("custody_ref", "offence_seq"),
    checks_sql="stg_custody_offences__checked.sql",
    staging_table="staging.custody_offences",
)

CRIME = Source(
    name="crime",
    required=(
        "crime_ref", "recorded_date", "committed_date", "ho_offence_code", "offence_description", "outcome_code",
        "outcome_date", "district", "extracted_at",
    ),
    optional=("crime_status",),
    key=("crime_ref",),
    checks_sql="stg_crimes__checked.sql",
    staging_table="staging.crimes",
)

SOURCES = (CUSTODY, CRIME)


def normalise_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").lower().replace(" ", "_")


def classify(header: list[str]) -> tuple[Source | None, list[str]]:
    """Pick the source whose required columns best match; return it and the required columns missing.

    A header with the source's key column is that source even if most columns are missing (then the
    message lists them); a header with neither key and few matches is no source at all."""
    present = {normalise_header(h) for h in header}
    best = max(SOURCES, key=lambda s: len(present & set(s.required)))
    missing = [c for c in best.required if c not in present]
    if best.key[0] not in present and len(missing) > len(best.required) // 2:
        return None, missing
    return best, missing
