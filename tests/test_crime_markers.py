"""Optional crime markers (domestic abuse, knife or sharp instrument, hate crime strands) and Home Office code
spellings: what a crime extract says arrives in staging.crimes and core.crimes exactly, a file without the
columns loads as before with the markers null (not recorded), and the Athena profile maps its own spellings."""

from __future__ import annotations

from flows.db import build_layers, connect
from tests.corpus.cases import CRIME_HEADER, MARKED_CRIME_HEADER, crime, marked_crime
from tests.test_ingest_history import query
from tests.test_ingest_profiles import ingest
from tests.test_profile_athena_crime import HEADER as ATHENA_HEADER
from tests.test_profile_athena_crime import athena_crime

MARKERS = "crime_ref, is_domestic_abuse, is_knife_or_sharp_instrument, hate_crime_strands"


def _core(settings):
    with connect(settings) as con:
        build_layers(con, settings.sql_dir)
    return query(settings, f"select {MARKERS} from core.crimes order by crime_ref")  # noqa: S608 - constant


def test_markers_are_carried_as_recorded(settings):
    rows = [
        marked_crime("CR1", "Y", "N", "race"),
        marked_crime("CR2", "n", "", "Sexual orientation; RACE;race"),
        marked_crime("CR3", "", "y", ""),
        marked_crime("CR4", " N ", "N", "disability;transgender;religion"),
    ]
    (outcome,) = ingest(settings, "crime.csv", "\n".join([MARKED_CRIME_HEADER, *rows]) + "\n")
    assert (outcome.status, outcome.rows_staged) == ("loaded", 4)
    expected = [
        ("CR1", True, False, ["race"]),
        # blank: not recorded; strands sorted, once each
        ("CR2", False, None, ["race", "sexual_orientation"]),
        ("CR3", None, True, []),  # a blank strand list in a file that has the column: no strand
        ("CR4", False, False, ["disability", "religion", "transgender"]),
    ]
    assert query(settings, f"select {MARKERS} from staging.crimes order by 1") == expected  # noqa: S608
    assert _core(settings) == expected


def test_a_file_without_the_columns_loads_as_before_with_markers_not_recorded(settings):
    (outcome,) = ingest(settings, "crime.csv", "\n".join([CRIME_HEADER, crime("CR1"), crime("CR2")]) + "\n")
    assert (outcome.status, outcome.rows_staged) == ("loaded", 2)
    assert _core(settings) == [("CR1", None, None, None), ("CR2", None, None, None)]


def test_home_office_codes_are_staged_as_the_reference_list_writes_them(settings):
    rows = [
        crime("CR1", code="08N"),
        crime("CR2", code="37/2"),
        crime("CR3", code="105a"),
        crime("CR4", code="8N"),
    ]
    (outcome,) = ingest(settings, "crime.csv", "\n".join([CRIME_HEADER, *rows]) + "\n")
    assert (outcome.status, outcome.rows_unrecognised_code) == ("loaded", 0)
    assert query(settings, "select ho_offence_code from staging.crimes order by crime_ref") == [
        ("8N",),
        ("37.2",),
        ("105A",),
        ("8N",),
    ]


def test_the_athena_profile_maps_its_own_marker_spellings(settings):
    header = ATHENA_HEADER + ",DA_FLAG,KNIFE_SHARP_INSTRUMENT,HATE_CRIME_STRANDS"
    rows = [
        athena_crime("CR1") + ",YES,NO,RACE;SEXUAL ORIENTATION",
        athena_crime("CR2") + ",no,,NONE",
        athena_crime("CR3") + ",,YES,RELIGION/FAITH",
        athena_crime("CR4") + ",MAYBE,NO,NONE",
    ]
    (outcome,) = ingest(settings, "athena_crime_2015.csv", "\n".join([header, *rows]) + "\n")
    assert (outcome.status, outcome.rows_staged, outcome.rows_quarantined) == ("partly quarantined", 3, 1)
    assert query(settings, f"select {MARKERS} from staging.crimes order by 1") == [  # noqa: S608
        ("CR1", True, False, ["race", "sexual_orientation"]),
        ("CR2", False, None, []),
        ("CR3", None, True, ["religion"]),
    ]
    assert query(settings, "select row_number, column_name from quarantine.rows") == [(4, "domestic_abuse")]
    # an export from before the flags: the profile's optional columns are absent
    older = [athena_crime("CR9")]
    (outcome,) = ingest(settings, "athena_crime_2014.csv", "\n".join([ATHENA_HEADER, *older]) + "\n")
    assert outcome.status == "loaded"
    assert query(settings, f"select {MARKERS} from staging.crimes where crime_ref = 'CR9'") == [  # noqa: S608
        ("CR9", None, None, None)
    ]
