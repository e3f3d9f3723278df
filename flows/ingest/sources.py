"""The extract formats ingest accepts, and how a file's header says which one it is.

Two kinds of source. The force's own canonical extracts (custody, crime) carry ``extracted_at`` and a key
per record; a later extract replaces a record's earlier rows. The public data.police.uk files (street,
outcomes, stop and search, and the 2012 neighbourhood counts) have their own vocabulary and no record key
of ours: within-file duplicate Crime IDs and rows without a Crime ID are legitimate there, so their rows are
keyed by file and row number and nothing is quarantined for being a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass

#: custody ``record_status`` values (lower case; blank means active). A record whose latest delivery says
#: deleted or cancelled leaves the current core tables (sql/core); staging keeps the rows, so history has it.
RECORD_STATUSES = ("active", "deleted", "cancelled")
#: the canonical crime extract's optional ``hate_crime_strands`` values (the Home Office's monitored strands)
HATE_CRIME_STRANDS = ("race", "religion", "sexual_orientation", "disability", "transgender")
#: optional crime marker columns written Y, N or blank (a profile maps a force's own spellings to these)
YES_NO_MARKERS = ("domestic_abuse", "knife_or_sharp_instrument")


@dataclass(frozen=True)
class Source:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    signature: tuple[
        str, ...
    ]  # columns whose presence says "this is that source", even if others are missing
    checks_sql: str  # sql/staging/<file>: types and checks the rows of one file (temp table batch -> checked)
    staging_table: str
    staging_columns: tuple[str, ...]  # inserted from `checked`, after file_id
    has_extracted_at: bool = True  # else the time the file was received stands in for it
    date_columns: tuple[
        tuple[str, str], ...
    ] = ()  # (column, 'date' | 'datetime') parsed with profile formats
    code_column: str | None = (
        None  # the offence code a good row may carry without the reference list knowing it
    )

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


CUSTODY = Source(
    name="custody",
    required=(
        "custody_ref",
        "person_ref",
        "arrest_datetime",
        "offence_seq",
        "offence_code",
        "offence_description",
        "disposal",
        "disposal_date",
        "age_at_arrest",
        "gender",
        "self_defined_ethnicity",
        "station",
        "extracted_at",
    ),
    optional=("arresting_agency", "record_status"),
    signature=("custody_ref",),
    checks_sql="stg_custody_offences__checked.sql",
    staging_table="staging.custody_offences",
    staging_columns=(
        "row_number",
        "custody_ref",
        "person_ref",
        "arrest_at",
        "offence_seq",
        "offence_code",
        "offence_description",
        "disposal",
        "disposal_date",
        "age_at_arrest",
        "gender",
        "self_defined_ethnicity",
        "station",
        "arresting_agency",
        "extracted_at",
        "record_status",
    ),
    date_columns=(("arrest_datetime", "datetime"), ("disposal_date", "date"), ("extracted_at", "datetime")),
    code_column="offence_code",
)

CRIME = Source(
    name="crime",
    required=(
        "crime_ref",
        "recorded_date",
        "committed_date",
        "ho_offence_code",
        "offence_description",
        "outcome_code",
        "outcome_date",
        "district",
        "extracted_at",
    ),
    optional=("crime_status", *YES_NO_MARKERS, "hate_crime_strands"),
    signature=("crime_ref",),
    checks_sql="stg_crimes__checked.sql",
    staging_table="staging.crimes",
    staging_columns=(
        "row_number",
        "crime_ref",
        "recorded_date",
        "committed_date",
        "ho_offence_code",
        "offence_description",
        "outcome_code",
        "outcome_date",
        "district",
        "crime_status",
        "extracted_at",
        "is_domestic_abuse",
        "is_knife_or_sharp_instrument",
        "hate_crime_strands",
    ),
    date_columns=(
        ("recorded_date", "date"),
        ("committed_date", "date"),
        ("outcome_date", "date"),
        ("extracted_at", "datetime"),
    ),
    code_column="ho_offence_code",
)

_POLICE_UK_PLACE = ("longitude", "latitude", "easting", "northing", "lsoa_code", "lsoa_name")

POLICE_UK_STREET = Source(
    name="police_uk_street",
    required=("month", "reported_by", "falls_within", "location", "crime_type"),
    optional=("crime_id", *_POLICE_UK_PLACE, "last_outcome_category", "context"),
    signature=("crime_type", "reported_by"),
    checks_sql="stg_police_uk_street_crimes__checked.sql",
    staging_table="staging.police_uk_street_crimes",
    staging_columns=(
        "row_number",
        "crime_id",
        "month",
        "reported_by",
        "falls_within",
        *_POLICE_UK_PLACE,
        "location",
        "crime_type",
        "last_outcome_category",
        "outcome_category",
        "context",
        "header_format",
        "extracted_at",
    ),
    has_extracted_at=False,
)

POLICE_UK_OUTCOMES = Source(
    name="police_uk_outcomes",
    required=("month", "reported_by", "falls_within", "location", "outcome_type"),
    optional=("crime_id", *_POLICE_UK_PLACE),
    signature=("outcome_type", "reported_by"),
    checks_sql="stg_police_uk_outcomes__checked.sql",
    staging_table="staging.police_uk_outcomes",
    staging_columns=(
        "row_number",
        "crime_id",
        "month",
        "reported_by",
        "falls_within",
        *_POLICE_UK_PLACE,
        "location",
        "outcome_type",
        "outcome_category",
        "header_format",
        "extracted_at",
    ),
    has_extracted_at=False,
)

POLICE_UK_STOP_SEARCH = Source(
    name="police_uk_stop_search",
    required=("type", "date", "object_of_search", "outcome"),
    optional=(
        "part_of_a_policing_operation",
        "policing_operation",
        "latitude",
        "longitude",
        "gender",
        "age_range",
        "self_defined_ethnicity",
        "officer_defined_ethnicity",
        "legislation",
        "outcome_linked_to_object_of_search",
        "removal_of_more_than_just_outer_clothing",
    ),
    signature=("object_of_search",),
    checks_sql="stg_police_uk_stop_searches__checked.sql",
    staging_table="staging.police_uk_stop_searches",
    staging_columns=(
        "row_number",
        "search_type",
        "searched_at",
        "is_part_of_policing_operation",
        "policing_operation",
        "latitude",
        "longitude",
        "gender",
        "age_range",
        "self_defined_ethnicity",
        "officer_defined_ethnicity",
        "legislation",
        "object_of_search",
        "outcome",
        "is_outcome_linked_to_object",
        "is_more_than_outer_clothing_removed",
        "extracted_at",
    ),
    has_extracted_at=False,
)

NEIGHBOURHOOD_CATEGORIES = (
    "burglary",
    "anti_social_behaviour",
    "robbery",
    "vehicle_crime",
    "violent_crime",
    "public_disorder_and_weapons",
    "shoplifting",
    "criminal_damage_and_arson",
    "other_theft",
    "drugs",
    "other_crime",
)

POLICE_UK_NEIGHBOURHOOD = Source(
    name="police_uk_neighbourhood",
    required=("month", "force", "neighbourhood", "all_crime_and_asb"),
    optional=NEIGHBOURHOOD_CATEGORIES,
    signature=("neighbourhood", "all_crime_and_asb"),
    checks_sql="stg_police_uk_neighbourhood_counts__checked.sql",
    staging_table="staging.police_uk_neighbourhood_counts",
    staging_columns=(
        "row_number",
        "month",
        "force",
        "neighbourhood",
        "all_crime_and_asb",
        *NEIGHBOURHOOD_CATEGORIES,
        "extracted_at",
    ),
    has_extracted_at=False,
)

SOURCES = (
    CUSTODY,
    CRIME,
    POLICE_UK_STREET,
    POLICE_UK_OUTCOMES,
    POLICE_UK_STOP_SEARCH,
    POLICE_UK_NEIGHBOURHOOD,
)
BY_NAME = {s.name: s for s in SOURCES}


def normalise_header(name: str) -> str:
    """'Crime ID' -> crime_id, 'Self-defined ethnicity' -> self_defined_ethnicity, a BOM or spaces dropped."""
    return "_".join(name.strip().lstrip("\ufeff").lower().replace("-", " ").split())


def classify(header: list[str]) -> tuple[Source | None, list[str]]:
    """The source this header belongs to, and the required columns it lacks.

    A header carrying a source's signature columns is that source even if other required columns are
    missing (then the message lists them); otherwise the best overlap wins if it covers over half of a
    source's required columns; anything less is no source at all."""
    present = {normalise_header(h) for h in header}
    for source in SOURCES:
        if all(c in present for c in source.signature):
            return source, [c for c in source.required if c not in present]
    best = max(SOURCES, key=lambda s: len(present & set(s.required)) / len(s.required))
    missing = [c for c in best.required if c not in present]
    if len(missing) >= len(best.required) / 2:
        return None, missing
    return best, missing
