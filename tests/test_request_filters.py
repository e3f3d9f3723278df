"""Request filters ("under-18s", "by another agency", "excluding cancelled crimes"): counted as an independent
reading of the extracts counts them, stated in the notes, title and letter, refused with the field and the
closest categories when wrong, and seen by the cumulative checks as the same algebra as a breakdown."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.config import load_settings
from flows.contracts.tidy import check_tidy
from flows.requests.answer import answer_part_planned
from flows.requests.check import reference_data
from flows.requests.errors import SpecError
from flows.requests.filters import check_filter_categories
from flows.requests.letter_facts import letter_facts
from flows.requests.models import DataPart, RequestSpec
from flows.requests.populations import axes_for
from flows.requests.spec import load_spec
from flows.sdc.history import as_at_text, published_cells
from flows.sdc_audit.populations import audit_populations
from tests.independent.custody import Dim, count, ethnicity_group, load_arrests, load_reference
from tests.test_request_examples import generated_home

ROOT = Path(__file__).resolve().parents[1]
OWN = "Example Constabulary"  # the generator's own force, and the default organisation setting


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated warehouse, and the arrests an independent reading of its extracts finds."""
    home = generated_home(tmp_path_factory)
    con = duckdb.connect(str(load_settings(home=home).warehouse_path), read_only=True)
    ref = load_reference(ROOT / "data" / "reference")
    yield con, load_settings(home=home).sql_dir, ref, load_arrests(home / "raw" / "custody", ref)
    con.close()


def request(**fields) -> dict:
    """A one-part request as its YAML reads, the data part's fields overridden by ``fields``."""
    part = {"id": "1", "question": "q", "response": "data", "interpretation": "i",
            "offences": {"all_offences": True}, "periods": [{"calendar_year": 2023}], **fields}  # fmt: skip
    return {"schema_version": 2, "reference": "T-1", "title": "a title", "received": "2025-01-06",
            "request_text": "q", "parts": [part]}  # fmt: skip


def part(**fields) -> DataPart:
    return DataPart.model_validate(request(**fields)["parts"][0])


def answer(generated, organisation: str | None = OWN, **fields):
    con, sql_dir, *_ = generated
    return answer_part_planned(con, part(**fields), sql_dir, margins=True, organisation=organisation)


def cells(table, measure="arrests") -> dict[tuple, int]:
    return {tuple(r[d] for d in table.dimension_names): r[measure] for r in table.frame.iter_rows(named=True)}


def years(first: int, last: int) -> Dim:
    return Dim(lambda a: [str(a.arrested.year)] if first <= a.arrested.year <= last else [], "All periods")


def age_band(age: int) -> str:
    bounds = [
        (18, "10 to 17"),
        (21, "18 to 20"),
        (25, "21 to 24"),
        (30, "25 to 29"),
        (40, "30 to 39"),
        (50, "40 to 49"),
        (60, "50 to 59"),
    ]
    return next((band for limit, band in bounds if age < limit), "60 and over")


def same(engine: dict[tuple, int], independent: dict[tuple, int]) -> None:
    assert not set(independent) - set(engine), sorted(set(independent) - set(engine))[:5]
    wrong = {k: (v, independent.get(k, 0)) for k, v in engine.items() if v != independent.get(k, 0)}
    assert not wrong, sorted(wrong.items())[:5]
    assert sum(engine.values()) > 0


PERIODS = [{"calendar_year": 2022}, {"calendar_year": 2023}, {"calendar_year": 2024}]


def test_under_18s_by_year_and_gender_match_an_independent_count(generated):
    plan, table = answer(
        generated,
        periods=PERIODS,
        breakdowns=["period", "gender"],
        filters=[{"breakdown": "age_band", "keep": ["10 to 17"], "label": "under 18 at arrest"}],
    )
    check_tidy(table)
    kept = [a for a in generated[3] if a.age < 18]
    expected = count(
        kept, [years(2022, 2024), Dim(lambda a: [a.gender], "All genders")], lambda a: a.custody_ref
    )
    same(cells(table), expected)
    assert table.title.startswith("Arrests under 18 at arrest: all offences, by period and gender")
    assert "Only arrests of people aged 10 to 17 at arrest are counted." in table.notes


def test_arrests_by_another_agency_exclude_the_force_named_in_the_settings(generated):
    plan, table = answer(
        generated,
        periods=PERIODS,
        breakdowns=["arresting_agency"],
        filters=[{"breakdown": "arresting_agency", "exclude": ["own force"], "label": "by another agency"}],
    )
    others = [a for a in generated[3] if a.agency != OWN]
    assert 0 < len(others) < len(generated[3])
    expected = count(
        others, [years(2022, 2024), Dim(lambda a: [a.agency], "All agencies")], lambda a: a.custody_ref
    )
    same(cells(table), expected)
    assert (
        OWN not in table.frame["arresting_agency"].to_list()
    )  # a breakdown shows the categories counted only
    assert f"Arrests made by {OWN} are not counted." in table.notes
    with pytest.raises(
        SpecError, match="no arrest names it as the arresting agency; agencies recorded: .*British"
    ):
        answer(
            generated,
            organisation="Other Constabulary",
            periods=PERIODS,
            filters=[{"breakdown": "arresting_agency", "exclude": ["own force"]}],
        )
    with pytest.raises(SpecError, match="none is configured"):
        answer(
            generated,
            organisation=None,
            periods=PERIODS,
            filters=[{"breakdown": "arresting_agency", "keep": ["own force"]}],
        )


def test_two_filters_and_a_breakdown_on_a_filtered_dimension(generated):
    """Women whose self-defined ethnicity is Black or Asian, aged 18 to 24, by age band and outcome group:
    the age bands shown are the two kept, and outcome groups come from the reference data."""
    ref = generated[2]
    groups = ["Black, Black British, Caribbean or African", "Asian or Asian British"]
    plan, table = answer(
        generated,
        periods=PERIODS,
        breakdowns=["age_band", "outcome"],
        filters=[
            {"breakdown": "gender", "keep": ["Female"]},
            {"breakdown": "ethnicity_group", "keep": groups},
            {"breakdown": "age_band", "keep": ["18 to 20", "21 to 24"]},
        ],
    )
    assert set(table.frame["age_band"]) == {"18 to 20", "21 to 24", "All ages"}
    kept = [
        a
        for a in generated[3]
        if a.gender == "Female" and ethnicity_group(a.ethnicity) in groups and 18 <= a.age < 25
    ]
    dims = [
        Dim(lambda a: [age_band(a.age)], "All ages"),
        years(2022, 2024),
        Dim(lambda a: [ref.disposals[a.disposal]["disposal_group"]], "All outcomes"),
    ]
    expected = count(kept, dims, lambda a: a.custody_ref)
    got = {(k[1], k[0], k[2]): v for k, v in cells(table).items()}  # the engine puts period first
    same(got, expected)


def test_an_outcome_filter_is_a_set_of_disposals_under_a_breakdown_on_the_same_axis(generated):
    ref = generated[2]
    plan, table = answer(
        generated,
        periods=PERIODS,
        breakdowns=["disposal"],
        filters=[{"breakdown": "further_action", "keep": ["charged"]}],
    )  # spelt as the data spell it
    charged = {d for d, r in ref.disposals.items() if r["further_action"] == "Charged"}
    expected = count(
        [a for a in generated[3] if a.disposal in charged],
        [years(2022, 2024), Dim(lambda a: [a.disposal], "All disposals")],
        lambda a: a.custody_ref,
    )
    same(cells(table), expected)
    axes = axes_for(generated[0], plan, table)
    assert axes.fixed["outcome"] == charged
    _, labels = axes.dimensions["disposal"]
    assert labels["All disposals"] == charged and all(v <= charged for v in labels.values())


def test_a_filtered_figure_is_the_same_population_as_the_breakdown_cell(generated):
    """'Under-18s in 2023' and the '10 to 17' row of a breakdown by age band are one unknown to the audit, and
    'all arrests' minus 'arrests of people 18 and over' is seen as exactly the under-18 sliver."""
    con = generated[0]
    year = [{"calendar_year": 2023}]
    filtered_plan, filtered = answer(
        generated, periods=year, filters=[{"breakdown": "age_band", "keep": ["10 to 17"]}]
    )
    broken_plan, broken = answer(generated, periods=year, breakdowns=["age_band"])
    adults_plan, adults = answer(
        generated, periods=year, filters=[{"breakdown": "age_band", "exclude": ["10 to 17"]}]
    )
    all_plan, everyone = answer(generated, periods=year)

    def published(plan, table, release):
        return published_cells(table, axes_for(con, plan, table), release, as_at_text(plan.as_at))

    (under18,) = published(filtered_plan, filtered, "r1/v1")
    by_band = {dict(c.labels)["age_band"]: c for c in published(broken_plan, broken, "r2/v1")}
    assert under18.population == by_band["10 to 17"].population and under18.shown == by_band["10 to 17"].shown
    (adult,), (total,) = published(adults_plan, adults, "r3/v1"), published(all_plan, everyone, "r4/v1")
    assert total.population["age_band"] - adult.population["age_band"] == {"10 to 17"}
    assert total.shown - adult.shown == under18.shown
    k = under18.shown + 1  # a threshold at which the under-18 figure is small: differencing must be caught
    result = audit_populations([total.for_audit(), adult.for_audit()], k=k)
    assert not result.passed
    (problem,) = result.problems
    assert problem.interval == (under18.shown, under18.shown)
    assert problem.population["age_band"] == {"10 to 17"} == by_band["10 to 17"].population["age_band"]


def test_letter_restates_the_filter_with_the_interpretation(generated):
    con, sql_dir, *_ = generated
    spec = RequestSpec.model_validate(request(
        title="Arrests in 2023", interpretation="Under-18s: aged 10 to 17 when arrested.",
        filters=[{"breakdown": "age_band", "keep": ["10 to 17"], "label": "under 18 at arrest"}]))  # fmt: skip
    plan, table = answer_part_planned(con, spec.data_parts[0], sql_dir, margins=True)
    assert (
        table.title == "Arrests in 2023 (under 18 at arrest)"
    )  # a title that does not say it gets the label
    (answered,) = letter_facts(spec, [table], [plan]).parts
    assert answered.interpretation == (
        "Under-18s: aged 10 to 17 when arrested. Only arrests of people aged 10 to 17 at arrest are counted."
    )


def test_crime_status_can_only_state_the_rule_core_crimes_applies(generated):
    con, sql_dir, *_ = generated
    base = {"measure": "recorded_crimes", "periods": [{"calendar_year": 2023}]}
    plain_plan, plain = answer(generated, **base)
    stated_plan, stated = answer(
        generated,
        **base,
        filters=[{"breakdown": "crime_status", "exclude": ["cancelled", "transferred", "deleted"]}],
    )
    assert cells(plain, "recorded_crimes") == cells(stated, "recorded_crimes")
    assert stated.notes.count("Cancelled, transferred and deleted crimes are not counted.") == 1
    assert axes_for(con, plain_plan).fixed == axes_for(con, stated_plan).fixed  # no new population either
    with pytest.raises(ValueError, match="can only say so: keep: \\[active\\]"):
        part(**base, filters=[{"breakdown": "crime_status", "exclude": ["cancelled"]}])


BAD = [
    (
        {"filters": [{"breakdown": "age_band", "keep": ["under 18"]}]},
        "filters[0].keep[0]",
        "'under 18' is not one of the age_band categories; categories: 10 to 17",
    ),
    ({"filters": [{"breakdown": "offence", "keep": ["x"]}]}, "filters[0].breakdown", "must be"),
    ({"filters": [{"breakdown": "period", "keep": ["2023"]}]}, "filters[0].breakdown", "not 'period'"),
    (
        {
            "filters": [
                {"breakdown": "gender", "keep": ["Female"]},
                {"breakdown": "gender", "exclude": ["Male"]},
            ]
        },
        "filters[1].breakdown",
        "a second filter on gender",
    ),
    (
        {"filters": [{"breakdown": "gender", "keep": ["Female"], "exclude": ["Male"]}]},
        "filters[0]",
        "exactly one of keep, exclude",
    ),
    (
        {"filters": [{"breakdown": "gender", "keep": []}]},
        "filters[0]",
        "keep must list at least one category",
    ),
    (
        {"filters": [{"breakdown": "gender", "keep": ["Female", "female"]}]},
        "filters[0]",
        "the same category twice",
    ),
    (
        {"measure": "recorded_crimes", "filters": [{"breakdown": "gender", "keep": ["Female"]}]},
        "filters[0].breakdown",
        "crime records hold no details of the people involved",
    ),
]


@pytest.mark.parametrize(("fields", "where", "reason"), BAD, ids=[b[2][:30] for b in BAD])
def test_bad_filters_name_the_field_and_the_reason(tmp_path, fields, where, reason):
    import yaml

    spec = request(**fields)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert str(path) in message and reason in message and where in message, message


def test_check_and_request_agree_on_categories_from_the_reference_data_and_the_warehouse(generated, tmp_path):
    """`disclose check` reads the reference data with the queries the request uses (the committed files when
    there is no warehouse: categories only a warehouse knows are then checked when the part is answered), and
    a warehouse's own categories when there is one, with the closest ones suggested."""
    spec = RequestSpec.model_validate(request(filters=[
        {"breakdown": "further_action", "keep": ["Chraged"]},
        {"breakdown": "station", "keep": ["Nowhere Custody Suite"]}]))  # fmt: skip
    with reference_data(load_settings(home=tmp_path)) as (con, against):
        assert "committed reference data" in against
        problems, later = check_filter_categories(con, spec)
    assert problems == [
        (
            "parts[0].filters[0].keep[0]",
            "'Chraged' is not one of the further_action categories; "
            "categories: Charged, Not charged, Outcome pending",
        )
    ]
    assert later == ["parts[0].filters[1] (station)"]
    problems, later = check_filter_categories(generated[0], spec)
    assert [f for f, _ in problems] == [
        "parts[0].filters[0].keep[0]",
        "parts[0].filters[1].keep[0]",
    ] and not later
    with pytest.raises(SpecError) as info:
        answer(generated, periods=[{"calendar_year": 2023}], filters=spec.data_parts[0].filters)
    fields = dict(info.value.problems)
    assert "'Chraged' is not one of the further_action categories" in fields["part.filters[0].keep[0]"]
    assert "'Nowhere Custody Suite' is not one of the station categories" in fields["part.filters[1].keep[0]"]


def test_every_committed_filter_example_checks_clean(tmp_path):
    with reference_data(load_settings(home=tmp_path)) as (con, _):
        for path in sorted((ROOT / "data" / "requests").glob("*.yaml")):
            spec, _ = load_spec(path)
            assert check_filter_categories(con, spec)[0] == [], path


def test_disclose_check_refuses_a_category_the_reference_data_do_not_have(tmp_path):
    import yaml
    from typer.testing import CliRunner

    from flows.cli import app

    path, home = (
        tmp_path / "spec.yaml",
        ["--home", str(tmp_path / "home")],
    )  # no warehouse: the committed files
    path.write_text(yaml.safe_dump(request(filters=[{"breakdown": "further_action", "keep": ["Chraged"]}])))
    refused = CliRunner().invoke(app, ["check", str(path), *home])
    said = " ".join(refused.output.split())  # rich wraps long lines
    assert refused.exit_code == 2 and "'Chraged' is not one of the further_action categories" in said
    path.write_text(yaml.safe_dump(request(filters=[{"breakdown": "station", "exclude": ["Lloyd House"]}])))
    valid = CliRunner().invoke(app, ["check", str(path), *home])
    said = " ".join(valid.output.split())
    assert valid.exit_code == 0 and "checked against the warehouse when answered: categories of" in said
