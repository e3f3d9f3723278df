"""End to end, the differencing a filter invites: publish "all arrests by year", then "arrests of people aged 18
and over by year". The second, subtracted from the first, is the under-18s; where that is small the second
release withholds what would give it away, exactly as it would withhold the '10 to 17' row of a breakdown by
age band, because the cumulative checks see a filter as the same population algebra."""

from __future__ import annotations

import csv

import duckdb
import pytest
import yaml

from flows.config import load_settings
from flows.pipeline import run_request, stage_ingest, stage_transform
from flows.release.record import audit_record, load_history
from flows.requests.answer import answer_request_planned
from flows.requests.populations import axes_for
from flows.requests.spec import load_spec
from flows.sdc.history import as_at_text, published_cells
from flows.sdc_audit.populations import audit_populations

HEADER = ("custody_ref,person_ref,arrest_datetime,offence_seq,offence_code,offence_description,disposal,"
          "disposal_date,age_at_arrest,gender,self_defined_ethnicity,station,extracted_at")  # fmt: skip
UNDER_18 = {2023: 3, 2024: 7}  # the 2023 figure is small (1 to k-1); 2024's is not
ADULTS = {2023: 30, 2024: 30}


def rows() -> list[str]:
    out, n = [], 0
    for year in (2023, 2024):
        ages = [15] * UNDER_18[year] + [18 + (i * 7) % 60 for i in range(ADULTS[year])]
        for age in ages:
            n += 1
            out.append(
                f"R{n},P{n},{year}-{n % 12 + 1:02d}-10 10:00,1,TH68010,theft,Charged,{year}-12-20,{age},"
                f"Male,W1,Lloyd House,2025-01-10 02:00"
            )
    return out


def spec(reference: str, title: str, **part) -> dict:
    return {"schema_version": 2, "reference": reference, "title": title, "received": "2025-02-03",
            "request_text": title, "parts": [{
                "id": "1", "question": title, "response": "data", "interpretation": "As asked.",
                "offences": {"all_offences": True}, "periods": [{"calendar_year": 2023}, {"calendar_year": 2024}],
                **part}]}  # fmt: skip


ALL = spec("CUM-ALL", "All arrests by year")
ADULT = spec(
    "CUM-ADULT",
    "Arrests of people aged 18 and over by year",
    filters=[{"breakdown": "age_band", "exclude": ["10 to 17"], "label": "of people aged 18 and over"}],
)
BY_AGE = spec("CUM-AGE", "All arrests by year and age band", breakdowns=["period", "age_band"])


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    settings = load_settings(
        home=tmp_path_factory.mktemp("cumulative"), organisation="Test Constabulary", threshold=5
    )
    settings.landing_dir.mkdir(parents=True)
    (settings.landing_dir / "custody.csv").write_text("\n".join([HEADER, *rows()]) + "\n", encoding="utf-8")
    assert not stage_ingest(settings).rejected
    stage_transform(settings)
    return settings


def write(folder, body: dict):
    path = folder / f"{body['reference'].lower()}.yaml"
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    return path


def published(settings, release) -> dict[str, str]:
    (path,) = (settings.published_dir / release.release_id).glob("part-1.csv")
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    header, *body = list(csv.reader(lines))
    return {r[0]: r[header.index("Number of arrests")].replace("[p]", "") for r in body}  # [p]: provisional


def signed_off(settings, result):
    """Approve (a second person) and publish the request's draft: only published figures count later."""
    from flows.release.approve import approve
    from flows.release.publish import publish

    (drafted,) = result.releases
    approve(settings, drafted.release_id, by="Second Officer")
    return publish(settings, drafted.release_id)


def naive_cells(settings, path, release_id: str):
    """The cells of a spec as they would be published with no disclosure control at all."""
    loaded, _ = load_spec(path)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        ((plan, table),) = answer_request_planned(con, loaded, settings.sql_dir, margins=True)
        return published_cells(table, axes_for(con, plan, table), release_id, as_at_text(plan.as_at))


def test_the_18_and_over_release_is_protected_against_differencing_with_all_arrests(home, tmp_path):
    first = signed_off(home, run_request(home, str(write(tmp_path, ALL))))
    assert published(home, first) == {"2023": "33", "2024": "37", "All periods": "70"}

    # published as they stand, the adults' figures give the under-18s away: 33 - 30 = 3
    adult_path = write(tmp_path, ADULT)
    naive = naive_cells(home, adult_path, "CUM-ADULT/v1")
    assert {dict(c.labels)["period"]: c.shown for c in naive} == {"2023": 30, "2024": 30, "All periods": 60}
    exposed = audit_populations([c.for_audit() for c in load_history(home) + naive], k=5)
    assert not exposed.passed
    (sliver,) = exposed.problems
    assert sliver.interval == (3, 3) and sliver.population["age_band"] == {"10 to 17"}

    # ... the same population as the '10 to 17' cell of 2023 in a breakdown by age band, which is withheld
    by_age = {
        tuple(dict(c.labels).values()): c for c in naive_cells(home, write(tmp_path, BY_AGE), "CUM-AGE/v1")
    }
    under_18 = by_age[("2023", "10 to 17")]
    assert under_18.shown == 3 and under_18.population == {**under_18.population, **sliver.population}

    second = signed_off(home, run_request(home, str(adult_path)))
    shown = published(home, second)
    assert shown["2023"] == "[c]"  # withheld, as the under-18 row of a breakdown would be
    assert shown["2024"] in ("30", "[c]") and shown["All periods"] in ("60", "[c]")
    assert list(shown.values()).count("[c]") >= 2  # and no sum gives it back
    assert audit_record(home).passed  # every release together: nothing withheld can be worked out
    letter = (home.published_dir / second.release_id / "letter.md").read_text(encoding="utf-8")
    assert "Arrests of people aged 10 to 17 at arrest are not counted." in letter
