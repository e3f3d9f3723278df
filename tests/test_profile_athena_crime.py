"""The Athena-style crime profile: its own headers, Oracle-style dates and outcome and status spellings load
through the same profile machinery as the custody ones, and its personal columns never reach the warehouse."""

from __future__ import annotations

from flows.config import PROJECT_ROOT
from flows.ingest.profiles import choose_profile, load_profiles
from flows.ingest.sources import BY_NAME
from tests.test_ingest_history import query
from tests.test_ingest_profiles import all_text_in_warehouse, ingest

PROFILES = PROJECT_ROOT / "data" / "profiles"
HEADER = (
    "OCCURRENCE_REF,VICTIM_NAME,VICTIM_DOB,CRIME_RECORDED_DT,OFFENCE_FROM_DTTM,HO_CLASS,HO_CLASS_DESC,OUTCOME,"
    "OUTCOME_DT,LPA_NAME,LOCATION_ADDRESS,SUSPECT_NAME,CRIME_STATUS,EXTRACT_DTTM"
)
PERSONAL = ("SECRETVICTIM", "SECRETSUSPECT", "SECRETROAD", "14-FEB-1981")


def athena_crime(
    ref: str,
    outcome: str = "OC1 CHARGE/SUMMONS",
    outcome_dt: str = "01-SEP-2015",
    status: str = "CONFIRMED",
    code: str = "46",
    recorded: str = "05-AUG-2015",
) -> str:
    return (
        f"{ref},SECRETVICTIM {ref},14-FEB-1981,{recorded},04-AUG-2015 22:30:00,{code},Shoplifting,{outcome},"
        f'{outcome_dt},North LPA,"1 SECRETROAD, Town",SECRETSUSPECT {ref},{status},31-DEC-2015 02:00:00'
    )


def test_the_profile_is_valid_and_is_chosen_only_for_its_own_files():
    profiles = {p.name: p for p in load_profiles(PROFILES)}
    athena = profiles["athena_crime"]
    assert athena.source == "crime" and set(athena.columns) == set(
        BY_NAME["crime"].columns
    )  # markers included
    assert all(header != canonical for canonical, header in athena.columns.items())  # nothing canonical
    assert athena.values["outcome_code"]["OC14 EVIDENTIAL DIFFICULTIES - SUSPECT NOT IDENTIFIED"] == "14"
    chosen, why = choose_profile(tuple(profiles.values()), "athena_crime_2015.csv", HEADER.split(","))
    assert (chosen.name, why) == ("athena_crime", None)
    assert choose_profile(tuple(profiles.values()), "athena_custody_2015.csv", HEADER.split(",")) == (
        None,
        None,
    )


def test_an_athena_crime_export_loads_with_its_dates_and_spellings(settings):
    rows = [
        athena_crime("CR1"),
        athena_crime("CR2", outcome="oc14 evidential difficulties - suspect not identified"),
        athena_crime("CR3", outcome="UNDER INVESTIGATION", outcome_dt=""),
        athena_crime("CR4", outcome="", outcome_dt="", status="NO CRIME"),
        athena_crime("CR5", outcome="OC99 SENT TO THE MOON"),
        athena_crime("CR6", recorded="2015-08-05"),  # ISO is not this export's date style
    ]
    (outcome,) = ingest(settings, "athena_crime_2015.csv", "\n".join([HEADER, *rows]) + "\n")
    assert (outcome.status, outcome.rows_staged, outcome.rows_quarantined) == ("partly quarantined", 4, 2)
    staged = query(
        settings,
        "select crime_ref, recorded_date::varchar, committed_date::varchar, outcome_code, "
        "outcome_date::varchar, district, crime_status, extracted_at::varchar "
        "from staging.crimes order by 1",
    )
    assert staged == [
        ("CR1", "2015-08-05", "2015-08-04", "1", "2015-09-01", "North LPA", None, "2015-12-31 02:00:00"),
        ("CR2", "2015-08-05", "2015-08-04", "14", "2015-09-01", "North LPA", None, "2015-12-31 02:00:00"),
        ("CR3", "2015-08-05", "2015-08-04", None, None, "North LPA", None, "2015-12-31 02:00:00"),
        ("CR4", "2015-08-05", "2015-08-04", None, None, "North LPA", "cancelled", "2015-12-31 02:00:00"),
    ]
    assert query(settings, "select row_number, column_name from quarantine.rows order by 1") == [
        (5, "outcome_code"),
        (6, "recorded_date"),
    ]
    assert query(settings, "select profile, source from raw.extract_files") == [("athena_crime", "crime")]
    text = all_text_in_warehouse(settings)
    assert not any(value in text for value in PERSONAL)


def test_cancelled_athena_crimes_are_kept_but_withdrawn(settings):
    from flows.db import build_layers, connect

    ingest(
        settings,
        "athena_crime_2015.csv",
        "\n".join([HEADER, athena_crime("CR1", status="Cancelled"), athena_crime("CR2")]) + "\n",
    )
    with connect(settings) as con:
        build_layers(con, settings.sql_dir)
    assert query(settings, "select crime_ref, outcome_group, is_withdrawn from core.crimes order by 1") == [
        ("CR1", "Charged or summonsed", True),
        ("CR2", "Charged or summonsed", False),
    ]
