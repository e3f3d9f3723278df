"""Shared fixtures: an isolated data home per test, and small hand-written extracts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# tests write extracts whole and ingest them at once (tests/test_landing_rules.py sets the wait itself)
os.environ.setdefault("DISCLOSE_LANDING_SETTLE_SECONDS", "0")

from flows.config import Settings, load_settings  # noqa: E402

CUSTODY_HEADER = (
    "custody_ref,person_ref,arrest_datetime,offence_seq,offence_code,offence_description,disposal,disposal_date,"
    "age_at_arrest,gender,self_defined_ethnicity,station,extracted_at"
)
CRIME_HEADER = (
    "crime_ref,recorded_date,committed_date,ho_offence_code,offence_description,outcome_code,outcome_date,district,"
    "extracted_at"
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home", organisation="Test Constabulary")


def custody_row(
    ref: str,
    seq: int = 1,
    code: str = "TH68010",
    disposal: str = "Charged",
    when: str = "05/08/2015 13:04",
    age: str = "30",
    extracted: str = "01/01/2016 02:00",
    person: str | None = None,
) -> str:
    disposal_date = "" if disposal in {"Bailed", "Released under investigation"} else "06/08/2015"
    return (
        f"{ref},{person or 'P' + ref},{when},{seq},{code},desc,{disposal},{disposal_date},{age},Male,W1,"
        f"Lloyd House,{extracted}"
    )


def write_extract(folder: Path, name: str, header: str, rows: list[str], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for every flow test in the session (starting one costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield
