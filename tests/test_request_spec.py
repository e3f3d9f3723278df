"""Request specs: the seeds and examples load; every bad spec fails with the file, the field and the reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.requests.errors import SpecError
from flows.requests.schema import stale_schemas
from flows.requests.spec import MAX_SPEC_BYTES, load_spec, load_standing

REQUESTS = Path(__file__).resolve().parents[1] / "data" / "requests"
CASE = "schema_version: 2\nreference: ok\ntitle: a title\nreceived: 2020-01-06\nrequest_text: q\n"
DATA = (
    "parts:\n - id: '1'\n   question: q\n   response: data\n   interpretation: i\n"
    "   offences: {items: [{code: IM71105}], variants: []}\n"
)


def test_seed_requests_load_as_version_2():
    wmp, _ = load_spec(REQUESTS / "wmp-3056-15.yaml")
    mps, digest = load_spec(REQUESTS / "mps-01-foi-22-025326.yaml")
    assert [p.response for p in wmp.parts] == ["data", "data", "ncnd"]
    assert wmp.data_parts[0].periods[0].window.start.isoweekday() == 3  # a Wednesday, as asked
    assert wmp.data_parts[0].compare == "same_period_last_year"
    assert mps.data_parts[0].periods[-1].to_date and mps.data_parts[0].offences.variants == ["conspiracy"]
    assert mps.parts[1].response == "not_held" and "Crown Prosecution Service" in mps.parts[1].held_by
    assert len(digest) == 64


def test_due_dates_count_twenty_working_days_without_bank_holidays():
    mps, _ = load_spec(REQUESTS / "mps-01-foi-22-025326.yaml")
    wmp, _ = load_spec(REQUESTS / "wmp-3056-15.yaml")
    assert mps.due == date(2022, 9, 13)  # received Mon 15 Aug 2022; Mon 29 Aug was a bank holiday
    assert wmp.due == date(2015, 9, 3)  # received Wed 5 Aug 2015; Mon 31 Aug was a bank holiday


EXAMPLES = sorted(p for p in REQUESTS.glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_committed_request_loads(path):
    spec, _ = load_spec(path)
    assert spec.parts


def test_at_least_six_examples_besides_the_seeds():
    assert len([p for p in EXAMPLES if p.name.startswith("example-")]) >= 6


@pytest.mark.parametrize("path", sorted((REQUESTS / "standing").glob("*.yaml")), ids=lambda p: p.stem)
def test_standing_publications_load(path):
    spec, _ = load_standing(path)
    assert spec.tables and spec.calendar.frequency


def test_committed_json_schema_is_up_to_date():
    assert stale_schemas(REQUESTS) == [], "run: .venv/bin/python -m flows.requests.schema"


def _part(**fields: str) -> str:
    extra = "".join(f"   {k}: {v}\n" for k, v in fields.items())
    return CASE + DATA + extra


BAD = [
    (
        CASE.replace("2020-01-06", "2020-02-30") + DATA + "   periods: [{calendar_year: 2019}]\n",
        "received",
        "is not a real date",
    ),
    (
        _part(periods="[{window: {start: 2020-02-01, end: 2020-01-01}}]"),
        "parts[0].periods[0].window",
        "ends (2020-01-01) before it starts (2020-02-01)",
    ),
    (_part(periods="[{month: 2015-13}]"), "parts[0].periods[0]", "'2015-13' is not a month"),
    (_part(periods="[{iso_week: 2015-W54}]"), "parts[0].periods[0]", "2015 has no week 54"),
    (_part(periods="[{financial_year: 2022/24}]"), "parts[0].periods[0]", "must run from April"),
    (_part(periods="[{calendar_year: 2019, month: 2019-01}]"), "parts[0].periods[0]", "exactly one of"),
    (
        _part(periods="[{calendar_year: 2019}]", breakdowns="[nationality]"),
        "parts[0].breakdowns[0]",
        "must be 'offence'",
    ),
    (CASE + "parts:\n - {id: '1', question: q}\n", "parts[0]", "has no 'response'"),
    (
        CASE + "parts:\n - {id: '1', question: q, response: maybe}\n",
        "parts[0]",
        "'maybe' is not a kind of response",
    ),
    (
        CASE + "parts:\n - {id: '1', question: q, response: ncnd, text: t}\n",
        "parts[0].exemptions",
        "is required but missing",
    ),
    (
        CASE
        + "parts:\n - {id: '1', question: q, response: text, text: t}\n - {id: '1', question: q, response: text, "
        "text: t}\n",
        "top level",
        "part ids must be unique",
    ),
    (
        CASE + DATA.replace("variants: []", "rule: principal") + "   periods: [{calendar_year: 2019}]\n",
        "parts[0]",
        "say which variant codes count",
    ),
    (
        CASE + "colour: blue\n" + DATA + "   periods: [{calendar_year: 2019}]\n",
        "colour",
        "not a field a request",
    ),
    (
        CASE.replace("schema_version: 2", "schema_version: 1") + DATA,
        "schema_version",
        "version 1 specs are no longer read",
    ),
    (CASE.replace("schema_version: 2\n", "") + DATA, "schema_version", "is required"),
    ("!!python/object/apply:os.system ['true']", "", "not valid YAML"),
    ("a: &x [1]\nb: *x\n", "", "anchors and aliases"),
    (
        CASE
        + "parts:\n - id: '1'\n   question: q\n   response: data\n   interpretation: i\n   measure: police_uk_crimes\n"
        "   offences: {items: [{crime_type: Drugs}]}\n   periods: [{iso_week: 2024-W02}]\n   breakdowns: [gender]\n",
        "parts[0]",
        "no demographics",
    ),
    (
        CASE
        + "parts:\n - id: '1'\n   question: q\n   response: data\n   interpretation: i\n   measure: police_uk_crimes\n"
        "   offences: {items: [{crime_type: Drugs}]}\n   periods: [{iso_week: 2024-W02}]\n",
        "parts[0]",
        "whole months only",
    ),
    (_part(periods="[{calendar_year: 2019}]", as_at="yesterday"), "parts[0].as_at", "is not 'latest'"),
]


@pytest.mark.parametrize(("text", "field", "reason"), BAD, ids=[b[2][:30] for b in BAD])
def test_bad_specs_name_the_file_the_field_and_the_reason(tmp_path, text, field, reason):
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert str(path) in message and reason in message, message
    assert any(f.startswith(field) for f, _ in info.value.problems), info.value.problems


def test_a_spec_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(CASE + "# " + "x" * MAX_SPEC_BYTES)
    with pytest.raises(SpecError, match="byte limit"):
        load_spec(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(SpecError, match="cannot read the request"):
        load_spec(tmp_path / "nope.yaml")
