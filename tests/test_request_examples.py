"""Every committed request and standing publication runs on a generated warehouse, gives tables that keep the
tidy contract, and a request from a warehouse answers quickly."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.config import load_settings
from flows.contracts.tidy import check_tidy
from flows.generate import generate
from flows.pipeline import stage_ingest, stage_transform
from flows.requests.answer import answer_part, answer_request, is_additive
from flows.requests.calendar import due_release
from flows.requests.errors import SpecError
from flows.requests.models import DataPart
from flows.requests.periods import natural_span, standard_label
from flows.requests.query import DimPlan, compose
from flows.requests.spec import load_spec, load_standing
from flows.requests.standing import standing_parts

REQUESTS = Path(__file__).resolve().parents[1] / "data" / "requests"
TODAY = date(2025, 7, 15)
CUSTODY_AND_CRIME = sorted(p for p in REQUESTS.glob("*.yaml") if "police-uk" not in p.name)


def generated_home(tmp_path_factory) -> Path:
    """One generated tiny warehouse per test session (test_request_independent.py uses it too)."""
    home = tmp_path_factory.getbasetemp() / "request-warehouse"
    if not (home / "ready").exists():
        generate(seed=5, scale="tiny", out=home / "landing", today=TODAY)
        settings = load_settings(home=home)
        assert not stage_ingest(settings).rejected
        stage_transform(settings)
        (home / "ready").touch()
    return home


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    settings = load_settings(home=generated_home(tmp_path_factory))
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    yield con, settings.sql_dir
    con.close()


@pytest.mark.parametrize("path", CUSTODY_AND_CRIME, ids=[p.stem for p in CUSTODY_AND_CRIME])
def test_each_request_answers_with_tidy_tables(warehouse, path):
    con, sql_dir = warehouse
    spec, _ = load_spec(path)
    cells_only = answer_request(con, spec, sql_dir)
    with_totals = answer_request(con, spec, sql_dir, margins=True)
    assert [t.name for t in cells_only] == [f"part_{p.id}" for p in spec.data_parts]
    for plain, full in zip(cells_only, with_totals, strict=True):
        check_tidy(plain)
        assert all(d.total is None and not d.parents for d in plain.dimensions)
        assert (
            plain.notes
            and plain.notes[0]
            == next(p for p in spec.data_parts if f"part_{p.id}" == plain.name).interpretation.strip()
        )
        if is_additive(full):
            check_tidy(full)
        assert _cells_only(full).equals(plain.frame)  # the same cells, whatever the margins


def test_non_additive_tables_are_marked(warehouse):
    con, sql_dir = warehouse
    spec, _ = load_spec(REQUESTS / "example-persons-by-ethnicity.yaml")
    (table,) = answer_request(con, spec, sql_dir, margins=True)
    assert not is_additive(table)
    f = table.frame
    total = f.filter((pl.col("period") == "All periods") & (pl.col("ethnicity_group") == "All ethnic groups"))
    years = f.filter((pl.col("period") != "All periods") & (pl.col("ethnicity_group") == "All ethnic groups"))
    assert (
        total["persons_arrested"].item() < years["persons_arrested"].sum()
    )  # people arrested in several years


def test_police_uk_needs_police_uk_data(warehouse):
    con, sql_dir = warehouse
    spec, _ = load_spec(REQUESTS / "example-police-uk-drugs-by-month-outcome.yaml")
    with pytest.raises(SpecError) as info:
        answer_request(con, spec, sql_dir)
    assert info.value.problems[0][0] == "parts[0].measure"
    assert "no data.police.uk street-level crime file has been loaded" in str(info.value)


def test_problems_found_against_the_warehouse_name_the_field(warehouse):
    con, sql_dir = warehouse
    part = DataPart.model_validate(
        {
            "id": "1",
            "question": "q",
            "response": "data",
            "interpretation": "i",
            "offences": {"items": [{"code": "IM71105X"}], "variants": []},
            "periods": [{"calendar_year": 2026}],
        }
    )
    spec = load_spec(REQUESTS / "example-not-held.yaml")[0].model_copy(update={"parts": [part]})
    with pytest.raises(SpecError) as info:
        answer_request(con, spec, sql_dir)
    fields = [f for f, _ in info.value.problems]
    assert fields == ["parts[0].periods[0]"]  # periods are checked first: 2026 is after the data
    part = part.model_copy(
        update={"periods": part.periods[:0] + [part.periods[0].model_copy(update={"calendar_year": 2024})]}
    )
    with pytest.raises(SpecError, match=r"parts\[0\].offences.items\[0\].code: .*closest known: IM71105"):
        answer_request(con, spec.model_copy(update={"parts": [part]}), sql_dir)


def test_labels_reach_sql_only_as_parameters(warehouse):
    con, sql_dir = warehouse
    hostile = "x'); drop table core.arrests; --"
    part = DataPart.model_validate(
        {
            "id": "1",
            "question": "q",
            "response": "data",
            "interpretation": "i",
            "offences": {"items": [{"code": "TH68010", "label": hostile}], "variants": []},
            "periods": [{"calendar_year": 2024, "label": hostile + " period"}],
            "breakdowns": ["offence"],
        }
    )
    spec = load_spec(REQUESTS / "example-not-held.yaml")[0].model_copy(update={"parts": [part]})
    (table,) = answer_request(con, spec, sql_dir, margins=True)
    assert (
        table.frame["offence"][0] == hostile
        and con.sql("select count(*) from core.arrests").fetchall()[0][0] > 0
    )
    with pytest.raises(ValueError, match="not an allow-listed breakdown column"):
        compose(sql_dir, "custody", [DimPlan("gender from core.arrests; --")], None)


@pytest.mark.parametrize("path", sorted((REQUESTS / "standing").glob("*.yaml")), ids=lambda p: p.stem)
def test_standing_publications_answer_for_the_period_due(warehouse, path):
    con, sql_dir = warehouse
    spec, _ = load_standing(path)
    covered = due_release(spec.calendar, TODAY)
    for i, part in enumerate(standing_parts(spec, covered)):
        table = answer_part(con, part, sql_dir, where=f"tables[{i}]", margins=True)
        check_tidy(table)
        last = part.periods[-1]
        assert natural_span(last).end == covered.end
        assert standard_label(last, natural_span(last)) in table.frame["period"].to_list()


def test_a_request_answers_in_well_under_five_seconds(warehouse):
    con, sql_dir = warehouse
    spec, _ = load_spec(REQUESTS / "mps-01-foi-22-025326.yaml")
    start = time.perf_counter()
    answer_request(con, spec, sql_dir, margins=True)
    elapsed = time.perf_counter() - start
    assert elapsed < 5, f"{elapsed:.2f} s"


def _cells_only(table):
    """The table's frame without its margin rows (any dimension at its total or at a parent category)."""
    f = table.frame
    for d in table.dimensions:
        margins = set(d.parents.values()) | ({d.total} if d.total else set())
        f = f.filter(~pl.col(d.name).is_in(sorted(margins)))
    return f
