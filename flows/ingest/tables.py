"""The tables ingest writes: staging (one per source), quarantine, and the police.uk reference vocabularies.

Created if missing, and widened with ``add column if not exists`` so a warehouse made by an older version
keeps working. The ledger's own tables live in ``ledger.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

POLICE_UK_PLACE = """longitude double, latitude double, easting integer, northing integer, lsoa_code varchar,
        lsoa_name varchar, location varchar"""

DDL = (
    """create table if not exists staging.custody_offences (
        file_id bigint not null, row_number bigint not null, custody_ref varchar not null, person_ref varchar,
        arrest_at timestamp not null, offence_seq integer not null, offence_code varchar not null,
        offence_description varchar, disposal varchar not null, disposal_date date, age_at_arrest integer,
        gender varchar, self_defined_ethnicity varchar, station varchar, arresting_agency varchar,
        extracted_at timestamp not null)""",
    # added after the table existed: appended by ALTER so old and new warehouses have the same column order
    "alter table staging.custody_offences add column if not exists record_status varchar",
    """create table if not exists staging.crimes (
        file_id bigint not null, row_number bigint not null, crime_ref varchar not null, recorded_date date not null,
        committed_date date, ho_offence_code varchar, offence_description varchar, outcome_code varchar,
        outcome_date date, district varchar, crime_status varchar, extracted_at timestamp not null)""",
    # optional markers (null: the extract did not record them), appended like record_status above
    "alter table staging.crimes add column if not exists is_domestic_abuse boolean",
    "alter table staging.crimes add column if not exists is_knife_or_sharp_instrument boolean",
    "alter table staging.crimes add column if not exists hate_crime_strands varchar[]",
    f"""create table if not exists staging.police_uk_street_crimes (
        file_id bigint not null, row_number bigint not null, crime_id varchar, month date not null,
        reported_by varchar not null, falls_within varchar, {POLICE_UK_PLACE}, crime_type varchar not null,
        last_outcome_category varchar, outcome_category varchar, context varchar, header_format varchar not null,
        extracted_at timestamp not null)""",
    f"""create table if not exists staging.police_uk_outcomes (
        file_id bigint not null, row_number bigint not null, crime_id varchar, month date not null,
        reported_by varchar not null, falls_within varchar, {POLICE_UK_PLACE}, outcome_type varchar not null,
        outcome_category varchar not null, header_format varchar not null, extracted_at timestamp not null)""",
    """create table if not exists staging.police_uk_stop_searches (
        file_id bigint not null, row_number bigint not null, search_type varchar not null,
        searched_at timestamptz not null, is_part_of_policing_operation boolean, policing_operation varchar,
        latitude double, longitude double, gender varchar, age_range varchar, self_defined_ethnicity varchar,
        officer_defined_ethnicity varchar, legislation varchar, object_of_search varchar, outcome varchar,
        is_outcome_linked_to_object boolean, is_more_than_outer_clothing_removed boolean,
        extracted_at timestamp not null)""",
    """create table if not exists staging.police_uk_neighbourhood_counts (
        file_id bigint not null, row_number bigint not null, month date not null, force varchar,
        neighbourhood varchar, all_crime_and_asb integer not null, burglary integer, anti_social_behaviour integer,
        robbery integer, vehicle_crime integer, violent_crime integer, public_disorder_and_weapons integer,
        shoplifting integer, criminal_damage_and_arson integer, other_theft integer, drugs integer,
        other_crime integer, extracted_at timestamp not null)""",
    """create table if not exists quarantine.rows (
        file_id bigint not null, row_number bigint not null, column_name varchar, reason varchar not null,
        raw_value varchar)""",
)

# Text as the checks want it: surrounding spaces dropped, empty as null. Trimming only values that start or
# end with a space is about twice as fast as trimming every value (DuckDB's trim always copies), and
# prefix/suffix test that faster than starts_with/ends_with (measured: clean_text over ten columns of 2.3M
# rows, 0.49 s against 0.73 s); it is the single most used function of the check SQL.
MACROS = (
    """create or replace temp macro clean_text(x) as
        case when prefix(x, ' ') or suffix(x, ' ') then nullif(trim(x), '') else nullif(x, '') end""",
)

POLICE_UK_REFERENCE = {
    "police_uk_crime_types": "police_uk_crime_types.csv",
    "police_uk_outcome_categories": "police_uk_outcome_categories.csv",
}


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in (*DDL, *MACROS):
        con.execute(statement)


@contextmanager
def checking_cursors(con: duckdb.DuckDBPyConnection, n: int) -> Iterator[list[duckdb.DuckDBPyConnection]]:
    """``n`` more connections to the same warehouse, each able to run the check SQL (temp macros belong to a
    connection), closed afterwards."""
    cursors = []
    try:
        for _ in range(n):
            cursor = con.cursor()
            cursors.append(cursor)
            for statement in MACROS:
                cursor.execute(statement)
        yield cursors
    finally:
        for cursor in cursors:
            cursor.close()


def load_police_uk_reference(con: duckdb.DuckDBPyConnection, reference_dir: Path) -> None:
    """The data.police.uk vocabularies the police.uk checks join to (text columns, as published)."""
    con.execute("create schema if not exists ref")
    for table, name in POLICE_UK_REFERENCE.items():
        con.execute(  # table names come from the constant above
            f"create or replace table ref.{table} as select * from read_csv(?, header = true, all_varchar = true)",  # noqa: S608
            [str(reference_dir / name)],
        )
