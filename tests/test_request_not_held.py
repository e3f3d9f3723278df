""" "Not held in this form": a part needing a column the extracts covering its periods did not supply (custody
arresting_agency before a force added it to its export; a crime marker the warehouse has no column for yet)
is answered as not held with section 16 advice, never counted as 'Not recorded'."""

from __future__ import annotations

import duckdb
import pytest

from flows.config import load_settings
from flows.pipeline import run_request, stage_ingest, stage_transform
from flows.requests.answer import answer_part_planned, answer_spec
from flows.requests.held import NotHeld
from flows.requests.models import DataPart, NotHeldPart, RequestSpec

HEADER = ("custody_ref,person_ref,arrest_datetime,offence_seq,offence_code,offence_description,disposal,"
          "disposal_date,age_at_arrest,gender,self_defined_ethnicity,station,extracted_at")  # fmt: skip
CRIMES = "crime_ref,recorded_date,committed_date,ho_offence_code,offence_description,outcome_code,outcome_date,district,extracted_at"
OWN, BTP = "Test Constabulary", "British Transport Police"


def arrest(ref: str, year: int, extracted: str, agency: str | None = None) -> str:
    row = (
        f"{ref},P{ref},{year}-05-{int(ref[1:]) % 28 + 1:02d} 10:00,1,TH68010,theft,Charged,{year}-06-01,30,"
        f"Male,W1,Lloyd House,{extracted}"
    )
    return row if agency is None else f"{row},{agency}"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """2023 arrests from an export without arresting_agency; 2024 arrests from one with it; a few crimes."""
    settings = load_settings(home=tmp_path_factory.mktemp("not-held"), organisation=OWN)
    landing = settings.landing_dir
    landing.mkdir(parents=True)
    old = [arrest(f"A{i}", 2023, "2024-01-05 02:00") for i in range(1, 21)]
    new = [arrest(f"B{i}", 2024, "2025-01-10 02:00", OWN if i <= 12 else BTP) for i in range(1, 21)]
    crimes = [
        f"CR{i},2024-03-0{i % 9 + 1},2024-03-01,46,Shoplifting,1,2024-04-01,Riverside,2025-01-10 02:00"
        for i in range(1, 11)
    ]
    (landing / "custody-2023.csv").write_text("\n".join([HEADER, *old]) + "\n", encoding="utf-8")
    (landing / "custody-2024.csv").write_text(
        "\n".join([HEADER + ",arresting_agency", *new]) + "\n", encoding="utf-8"
    )
    (landing / "crimes.csv").write_text("\n".join([CRIMES, *crimes]) + "\n", encoding="utf-8")
    assert not stage_ingest(settings).rejected
    stage_transform(settings)
    return settings


def data_part(pid: str, **fields) -> dict:
    return {"id": pid, "question": f"question {pid}", "response": "data", "interpretation": "i",
            "offences": {"all_offences": True}, **fields}  # fmt: skip


SPEC = {
    "schema_version": 2, "reference": "NH-1", "title": "Arrests by agency", "received": "2025-02-03",
    "request_text": "How many arrests were made by other agencies in 2023 and 2024? How many domestic abuse crimes?",
    "parts": [
        data_part("1", periods=[{"calendar_year": 2023}]),
        data_part("2", periods=[{"calendar_year": 2023}], breakdowns=["arresting_agency"]),
        data_part("3", periods=[{"calendar_year": 2024}], breakdowns=["arresting_agency"]),
        data_part("4", periods=[{"calendar_year": 2023}],
                  filters=[{"breakdown": "arresting_agency", "exclude": ["own force"], "label": "by another agency"}]),
        data_part("5", measure="recorded_crimes", periods=[{"calendar_year": 2024}],
                  filters=[{"breakdown": "domestic_abuse", "keep": ["Yes"]}]),
    ],
}  # fmt: skip


def test_parts_the_extracts_cannot_answer_become_not_held_with_advice(home):
    with duckdb.connect(str(home.warehouse_path), read_only=True) as con:
        spec, answered = answer_spec(
            con, RequestSpec.model_validate(SPEC), home.sql_dir, margins=True, organisation=OWN
        )
    assert [p.response for p in spec.parts] == ["data", "not_held", "data", "not_held", "not_held"]
    assert [plan.part.id for plan, _ in answered] == ["1", "3"]
    by_agency = {r["arresting_agency"]: r["arrests"] for r in answered[1][1].frame.iter_rows(named=True)}
    assert by_agency == {OWN: 12, BTP: 8, "Not recorded": 0, "All agencies": 20}
    agency, excluding, marker = (p for p in spec.parts if isinstance(p, NotHeldPart))
    assert all("Advice and assistance (section 16)" in p.text for p in (agency, excluding, marker))
    assert agency.text.startswith(
        "This information is not held in the form requested: arresting agency is not recorded in the custody "
        "extracts covering 01 January 2023 to 31 December 2023."
    )
    assert "the same figures without the breakdown by arresting agency" in agency.text
    assert "without the restriction to arrests by another agency" in excluding.text
    assert "domestic abuse is not recorded in the crime extracts" in marker.text


def test_a_standing_or_direct_answer_says_why_it_cannot_count(home):
    part = DataPart.model_validate(
        data_part("2", periods=[{"calendar_year": 2023}], breakdowns=["arresting_agency"])
    )
    with duckdb.connect(str(home.warehouse_path), read_only=True) as con, pytest.raises(NotHeld) as info:
        answer_part_planned(con, part, home.sql_dir, where="parts[1]")
    assert info.value.problems[0][0] == "parts[1]" and "not held in this form" in info.value.problems[0][1]


def test_the_letter_says_not_held_in_the_form_requested(home, tmp_path):
    import yaml

    path = tmp_path / "nh-1.yaml"
    path.write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    (release,) = run_request(home, str(path)).releases
    folder = release.path / "files"  # the draft's public files
    letter = (folder / "letter.md").read_text(encoding="utf-8")
    assert letter.count("This information is not held in the form requested") == 3
    assert "Advice and assistance (section 16)" in letter
    assert sorted(p.name for p in folder.glob("part-*.csv")) == ["part-1.csv", "part-3.csv"]


def test_a_crime_marker_counts_where_the_extract_supplies_it(tmp_path):
    """The markers plug in by their catalogue line: where a crime extract supplies domestic_abuse it counts
    (blank is 'Not recorded'); its sibling column, not supplied, is not held; and a warehouse built before
    core.crimes had the column answers it as not held too."""
    settings = load_settings(home=tmp_path / "home", organisation=OWN)
    settings.landing_dir.mkdir(parents=True)
    flags = {1: "Y", 2: "Y", 3: "Y", 4: "", 5: ""}
    crimes = [f"CR{i},2024-03-0{i % 9 + 1},2024-03-01,46,Shoplifting,1,2024-04-01,Riverside,2025-01-10 02:00,"
              f"{flags.get(i, 'N')}" for i in range(1, 11)]  # fmt: skip
    (settings.landing_dir / "crimes.csv").write_text("\n".join([CRIMES + ",domestic_abuse", *crimes]) + "\n")
    assert not stage_ingest(settings).rejected
    stage_transform(settings)
    part = DataPart.model_validate(
        data_part(
            "5", measure="recorded_crimes", periods=[{"calendar_year": 2024}], breakdowns=["domestic_abuse"]
        )
    )
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        _, table = answer_part_planned(con, part, settings.sql_dir, margins=True)
        got = {r["domestic_abuse"]: r["recorded_crimes"] for r in table.frame.iter_rows(named=True)}
        assert got == {"Yes": 3, "No": 5, "Not recorded": 2, "All crimes": 10}
        knife = part.model_copy(update={"breakdowns": ["knife_or_sharp_instrument"]})
        with pytest.raises(NotHeld, match="knife or sharp instrument is not recorded"):
            answer_part_planned(con, knife, settings.sql_dir)
    with duckdb.connect(str(settings.warehouse_path)) as con:  # as a warehouse built before the markers
        con.execute("alter table core.crimes drop column is_domestic_abuse")
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con, pytest.raises(NotHeld):
        answer_part_planned(con, part, settings.sql_dir)
