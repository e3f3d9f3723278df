"""Column-mapping profiles: a force's own headers, date formats and spellings load without code changes, and
the personal columns it carries never reach the warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.config import PROJECT_ROOT
from flows.db import connect
from flows.ingest import ingest_landing
from flows.ingest.profiles import ProfileError, choose_profile, load_profile, load_profiles
from flows.reference.load import load_reference

PROFILES = PROJECT_ROOT / "data" / "profiles"
ATHENA_HEADER = (
    "CUSTODY_ID,NOMINAL_ID,NOMINAL_NAME,NOMINAL_ADDRESS,NOMINAL_DOB,ARREST_DTTM,OFFENCE_ORDER,HOCJS_CODE,"
    "OFFENCE_DESC,DISPOSAL_TYPE,DISPOSAL_DT,AGE_AT_ARREST,GENDER,ETHNICITY_SDE,CUSTODY_SUITE,EXTRACT_DTTM"
)
PERSONAL = ("SECRETNAME", "SECRETSTREET", "1979")


def athena_row(ref: str, seq: int, code: str, disposal: str, when: str = "05-AUG-2015 13:04:00") -> str:
    return (
        f'{ref},NOM-{ref},SECRETNAME {ref},"12 SECRETSTREET, Town",01-JAN-1979,{when},{seq},{code},desc,'
        f"{disposal},06-Aug-2015,31,FEMALE,W1,Lloyd House,31-DEC-2015 02:00:00"
    )


def ingest(settings, name: str, body: str):
    settings.landing_dir.mkdir(parents=True, exist_ok=True)
    (settings.landing_dir / name).write_text(body, encoding="utf-8")
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        return ingest_landing(
            con, settings.landing_dir, raw_dir=settings.raw_dir, sql_dir=settings.sql_dir, max_share=1.0
        ).outcomes


def all_text_in_warehouse(settings) -> str:
    """Every text value in every table that holds delivered data, so a test can prove a personal value is nowhere
    (the ref schema is the committed public code lists, whose titles name Acts of 1979 and the like)."""
    with connect(settings, read_only=True) as con:
        columns = con.sql(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where data_type = 'VARCHAR' and not internal and schema_name <> 'ref'"
        ).fetchall()
        parts = []
        for schema, table, column in columns:
            rows = con.sql(f'select string_agg("{column}", \'|\') from "{schema}"."{table}"').fetchall()  # noqa: S608
            parts.append(rows[0][0] or "")
    return "|".join(parts)


def test_the_shipped_profiles_are_valid_and_differ():
    profiles = {p.name: p for p in load_profiles(PROFILES)}
    assert set(profiles) >= {"niche_custody", "athena_custody"}
    niche, athena = profiles["niche_custody"], profiles["athena_custody"]
    assert niche.columns["custody_ref"] != athena.columns["custody_ref"]
    assert niche.datetime_formats != athena.datetime_formats
    assert (
        niche.values["disposal"]["NFA"]
        == athena.values["disposal"]["NO FURTHER ACTION"]
        == "No further action"
    )


def test_an_athena_style_export_loads_with_its_own_dates_and_spellings(settings):
    rows = [
        athena_row("A1", 1, "TH68010", "CHARGE/SUMMONS"),
        athena_row("A1", 2, "CD71039", "CHARGE/SUMMONS"),
        athena_row("A2", 1, "OF61102", "adult caution"),
        athena_row("A3", 1, "TH68010", "PENALTY NOTICE FOR DISORDER"),
        athena_row("A4", 1, "TH68010", "ARRESTED"),
    ]
    (outcome,) = ingest(settings, "athena_custody_2015.csv", "\n".join([ATHENA_HEADER, *rows]) + "\n")
    assert (outcome.status, outcome.rows_staged, outcome.rows_quarantined) == ("partly quarantined", 4, 1)
    with connect(settings, read_only=True) as con:
        staged = con.sql(
            "select custody_ref, offence_seq, arrest_at::varchar, disposal, disposal_date::varchar, gender "
            "from staging.custody_offences order by 1, 2"
        ).fetchall()
        ledger = con.sql("select profile, source from raw.extract_files").fetchall()
        quarantined = con.sql("select row_number, column_name, raw_value from quarantine.rows").fetchall()
    assert staged[0] == ("A1", 1, "2015-08-05 13:04:00", "Charged", "2015-08-06", "Female")
    assert [r[3] for r in staged] == ["Charged", "Charged", "Caution", "Penalty notice"]
    assert ledger == [("athena_custody", "custody")]
    assert quarantined == [(5, "disposal", "ARRESTED")]
    text = all_text_in_warehouse(settings)
    assert not any(value in text for value in PERSONAL)


def test_a_niche_style_export_never_stores_its_personal_columns(settings):
    from tests.corpus.cases import CASES

    case = next(c for c in CASES if c.name == "profile_niche_drops_personal_columns")
    settings.landing_dir.mkdir(parents=True, exist_ok=True)
    (settings.landing_dir / case.file_name).write_bytes(case.build())
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        ingest_landing(
            con, settings.landing_dir, raw_dir=settings.raw_dir, sql_dir=settings.sql_dir, max_share=1.0
        )
    text = all_text_in_warehouse(settings)
    assert "P-N1" in text and "No further action" in text
    assert not any(
        value in text for value in ("SECRETSURNAME", "SECRETFORENAME", "SECRET Street", "01/02/1980")
    )


def test_a_profile_file_missing_a_mapped_header_is_rejected_naming_the_header(settings):
    header = ATHENA_HEADER.replace("HOCJS_CODE", "OFFENCE_CODE")
    (outcome,) = ingest(
        settings, "athena_custody_x.csv", "\n".join([header, athena_row("A1", 1, "TH68010", "OTHER")])
    )
    assert (
        outcome.status == "rejected"
        and outcome.reason == "profile athena_custody: missing column(s) HOCJS_CODE"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("source: custody", "source: arrests"), "source: Value error, must be one of"),
        (("  custody_ref: CUSTODY_ID\n", ""), "required canonical column(s) ['custody_ref'] are not mapped"),
        (
            ("  station: CUSTODY_SUITE", "  station: CUSTODY_SUITE\n  surname: NOMINAL_NAME"),
            "['surname'] are not canonical",
        ),
        (('date_formats: ["%d-%b-%Y"', 'date_formats: ["%d-%Q-%Y"'), "is not a date format"),
        (("  station: CUSTODY_SUITE", "  station: CUSTODY_ID"), "two canonical columns read the same header"),
        (("values:\n", "values:\n  district: {X: Y}\n"), "['district'] are not mapped columns"),
        (("name: athena_custody", "name: other_name"), "must match the file name"),
    ],
)
def test_a_bad_profile_is_refused_naming_the_file_and_field(tmp_path, change, message):
    text = (PROFILES / "athena_custody.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / "athena_custody.yaml"
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(ProfileError, match="athena_custody.yaml") as exc:
        load_profile(path)
    assert message in str(exc.value)


def test_a_header_that_fits_two_profiles_is_ambiguous(tmp_path):
    text = (PROFILES / "athena_custody.yaml").read_text(encoding="utf-8")
    for name in ("athena_a", "athena_b"):
        body = text.replace("name: athena_custody", f"name: {name}").replace(
            'file_pattern: "athena_custody*"', 'file_pattern: "*"'
        )
        (tmp_path / f"{name}.yaml").write_text(body, encoding="utf-8")
    profile, why = choose_profile(load_profiles(tmp_path), "x.csv", ATHENA_HEADER.split(","))
    assert profile is None and "fits several profiles (athena_a, athena_b)" in why


def test_profiles_folder_may_be_absent():
    assert load_profiles(Path("/nonexistent")) == ()
