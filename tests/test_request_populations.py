"""Populations of request tables (flows/requests/populations.py): every cell says exactly which units it counts,
so releases of different shapes are audited as one system."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.config import load_settings
from flows.contracts.tidy import TidyTable
from flows.requests.answer import build_table
from flows.requests.models import DataPart
from flows.requests.plan import PartPlan, plan_part
from flows.requests.populations import AXES, axes_for
from flows.requests.query import run_count
from flows.requests.spec import load_spec
from flows.sdc.history import (
    INSERT_CELL_SQL,
    PUBLISHED_CELLS_DDL,
    PublishedCell,
    as_at_text,
    days,
    from_row,
    published_cells,
    to_row,
)
from flows.sdc.policy import SdcPolicy
from flows.sdc.protect import protect
from flows.sdc_audit.populations import atoms, audit_populations
from tests.independent.custody import Arrest, ethnicity_group, load_arrests, load_reference
from tests.test_request_examples import generated_home

ROOT = Path(__file__).resolve().parents[1]
POLICY = SdcPolicy(group_rule="off", strategy="suppress")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    home = generated_home(tmp_path_factory)
    settings = load_settings(home=home)
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    ref = load_reference(ROOT / "data" / "reference")
    yield con, settings.sql_dir, load_arrests(home / "raw" / "custody", ref)
    con.close()


def answer(warehouse, margins: bool = True, **fields) -> tuple[PartPlan, TidyTable]:
    con, sql_dir, _ = warehouse
    part = DataPart.model_validate(
        {"id": "1", "question": "q", "response": "data", "interpretation": "i", **fields}
    )
    plan = plan_part(con, part, "part", margins=margins)
    counted = run_count(
        con, sql_dir, plan.info.source, [d.sql for d in plan.dims], plan.as_at_if_requested, plan.params()
    )
    return plan, build_table(plan, counted.cells, counted.shares)


def cells(warehouse, plan: PartPlan, table: TidyTable, release: str = "r1/v1") -> list[PublishedCell]:
    return published_cells(table, axes_for(warehouse[0], plan, table), release, as_at_text(plan.as_at))


def population(cells_: list[PublishedCell], measure: str | None = None, **labels: str) -> PublishedCell:
    (found,) = [
        c
        for c in cells_
        if all(dict(c.labels).get(k) == v for k, v in labels.items())
        and (measure is None or c.measure == measure)
    ]
    return found


def withheld(cells_: list[PublishedCell], *which: dict[str, str]) -> list[PublishedCell]:
    """The cells as if the ones with the given labels had been published as [c]."""

    def hit(c: PublishedCell) -> bool:
        return any(dict(c.labels).items() >= labels.items() for labels in which)

    return [
        PublishedCell(
            c.release_id,
            c.table,
            c.measure,
            c.labels,
            "[c]",
            c.as_at,
            c.population,
            c.status,
            c.counts,
            c.additive,
        )
        if hit(c)
        else c
        for c in cells_
    ]


def drugs(**fields) -> dict:
    return {"offences": {"items": [{"group": "Drug offences"}], "variants": []}, **fields}


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


def inside(a: Arrest, p, rule: str) -> bool:
    """Is the arrest in the population? Computed from the raw extracts (tests/independent), not the warehouse."""
    codes = a.codes if rule == "any" else a.codes[:1]
    values = {
        "day": a.arrested.date(),
        "outcome": a.disposal,
        "gender": a.gender,
        "age_band": age_band(a.age),
        "ethnicity_group": ethnicity_group(a.ethnicity),
        "station": a.station,
        "arresting_agency": a.agency,
    }
    return any(c in p["offence"] for c in codes) and all(v in p[axis] for axis, v in values.items())


@pytest.mark.parametrize(
    "fields",
    [
        drugs(
            periods=[{"calendar_year": 2023}, {"financial_year": "2023/24"}],
            breakdowns=["period", "gender", "outcome"],
        ),
        drugs(
            periods=[{"calendar_year": 2022}], breakdowns=["age_band", "further_action", "ethnicity_group"]
        ),
        {
            "offences": {"items": [{"code": "CJ88159"}, {"code": "PL96001"}], "variants": [], "rule": "any"},
            "periods": [{"financial_year": "2024/25"}],
            "breakdowns": ["offence", "station"],
        },
        {
            "measure": "persons_arrested",
            "offences": {"all_offences": True},
            "periods": [{"calendar_year": 2023}, {"calendar_year": 2024}],
            "breakdowns": ["offence_group", "arresting_agency"],
        },
    ],
    ids=["overlapping-periods", "demographics", "any-offence", "persons"],
)
def test_each_cell_counts_exactly_the_units_of_its_population(warehouse, fields):
    """Recount every cell from the raw extracts using nothing but its population."""
    plan, table = answer(warehouse, **fields)
    unit = (lambda a: a.person_ref) if plan.info.unit == "person" else (lambda a: a.custody_ref)
    published = cells(warehouse, plan, table)
    assert published and all(set(c.population) == set(AXES) for c in published)
    for c in published:
        assert c.shown == len(
            {unit(a) for a in warehouse[2] if inside(a, c.population, plan.part.offences.rule)}
        ), c


def test_a_calendar_year_and_a_financial_year_share_april_to_december(warehouse):
    plan, table = answer(warehouse, **drugs(periods=[{"calendar_year": 2023}, {"financial_year": "2023/24"}]))
    assert not plan.additive  # the period total is not the sum of overlapping periods...
    axes = axes_for(warehouse[0], plan, table)
    assert axes.additive  # ...but every cell is still the sum of its atoms
    got = cells(warehouse, plan, table)
    year, fy = population(got, period="2023").population, population(got, period="2023/24").population
    assert year["day"] & fy["day"] == days(date(2023, 4, 1), date(2023, 12, 31))
    assert population(got, period="All periods").population["day"] == days(
        date(2023, 1, 1), date(2024, 3, 31)
    )
    assert {a: v for a, v in year.items() if a != "day"} == {a: v for a, v in fy.items() if a != "day"}
    assert len(set(atoms([year, fy])["day"].values())) == 3  # Jan-Mar 2023, Apr-Dec 2023, Jan-Mar 2024


def test_a_month_and_a_wednesday_window_inside_it(warehouse):
    weapons = {"offences": {"items": [{"group": "Possession of weapons offences"}], "variants": []}}
    month_plan, month_table = answer(warehouse, periods=[{"month": "2024-03"}], **weapons)
    week_plan, week_table = answer(
        warehouse, periods=[{"window": {"start": "2024-03-06", "end": "2024-03-13"}}], **weapons
    )
    month, week = (
        cells(warehouse, month_plan, month_table, "r1/v1"),
        cells(warehouse, week_plan, week_table, "r2/v1"),
    )
    (m,), (w,) = month, week
    assert w.population["day"] == days(date(2024, 3, 6), date(2024, 3, 13)) < m.population["day"]
    assert w.identity == m.identity and w.as_at == m.as_at
    # the rest of March is a sliver no one published: it is the difference, and checked
    rest = m.shown - w.shown
    result = audit_populations([c.for_audit() for c in month + week], k=max(rest + 1, 5))
    assert not result.passed and result.problems[0].interval == (rest, rest)


def test_an_offence_group_contains_its_member_offences(warehouse):
    con = warehouse[0]
    spec, _ = load_spec(ROOT / "data" / "requests" / "example-offence-group-hierarchy.yaml")
    plan = plan_part(con, spec.data_parts[0], "parts[0]", margins=True)
    axes = axes_for(con, plan)
    _, offences = axes.dimensions["offence"]
    assert offences["Drug offences"] == {"MD71210", "MD71211", "MD71230", "MD71231"}
    assert offences["Theft offences"] == offences["Theft from a shop"] | offences["Theft from the person"]
    assert offences["All offences requested"] == offences["Drug offences"] | offences["Theft offences"]

    group_plan, _ = answer(
        warehouse,
        offences={"all_offences": True},
        periods=[{"calendar_year": 2023}],
        breakdowns=["offence_group"],
    )
    _, groups = axes_for(con, group_plan).dimensions["offence_group"]
    in_group = {
        r[0]
        for r in con.sql("select cjs_code from ref.offences where offence_group = 'Drug offences'").fetchall()
    }
    assert groups["Drug offences"] == in_group > offences["Drug offences"]
    # every code in the list, and the well-formed codes the list lacks that the extracts carry (a force's own)
    listed = {r[0] for r in con.sql("select cjs_code from ref.offences").fetchall()}
    local = {c for a in warehouse[2] for c in a.codes} - listed
    assert local, "the generated extracts carry a few local codes"
    everything = listed | local
    assert groups["All offence groups"] == everything == axes_for(con, group_plan).fixed["offence"]
    # the group named as an item: without variants its attempts, aiding and conspiracies are left out, with every
    # variant it is the whole group, as the breakdown counts it
    variant_codes = {
        r[0]
        for r in con.sql(
            "select cjs_code from ref.offences where offence_group = 'Drug offences' "
            "and variant <> 'substantive'"
        ).fetchall()
    }
    assert variant_codes
    by_item, _ = answer(warehouse, **drugs(periods=[{"calendar_year": 2023}]))
    assert axes_for(con, by_item).fixed["offence"] == groups["Drug offences"] - variant_codes
    every = {
        "items": [{"group": "Drug offences"}],
        "variants": ["attempt", "aiding", "conspiracy", "inciting"],
    }
    with_variants, _ = answer(warehouse, offences=every, periods=[{"calendar_year": 2023}])
    assert axes_for(con, with_variants).fixed["offence"] == groups["Drug offences"]


def test_outcome_groups_and_further_action_cut_the_same_disposals(warehouse):
    base = drugs(periods=[{"calendar_year": 2022}])
    group_plan, group_table = answer(warehouse, breakdowns=["outcome"], **base)
    action_plan, action_table = answer(warehouse, breakdowns=["further_action"], **base)
    groups = cells(warehouse, group_plan, group_table, "r1/v1")
    actions = cells(warehouse, action_plan, action_table, "r2/v1")

    def pop(cs, dim, label):
        return population(cs, **{dim: label}).population["outcome"]

    not_charged = pop(actions, "further_action", "Not charged")
    assert pop(groups, "outcome", "Out of court disposal") < not_charged
    assert not_charged == (
        pop(groups, "outcome", "Out of court disposal")
        | pop(groups, "outcome", "No further action")
        | pop(groups, "outcome", "Transferred or other")
    )
    assert pop(groups, "outcome", "All outcomes") == pop(actions, "further_action", "All outcomes")
    # withholding one outcome group does not survive a further-action table of the same arrests
    hide = {"outcome": "Transferred or other"}
    assert audit_populations(
        [c.for_audit() for c in withheld(groups, hide, {"outcome": "All outcomes"})], k=5
    ).passed
    together = audit_populations(
        [c.for_audit() for c in withheld(groups, hide, {"outcome": "All outcomes"}) + actions], k=5
    )
    assert not together.passed and {p.cell.get("outcome") for p in together.problems} >= {
        "Transferred or other"
    }

    both_plan, both_table = answer(warehouse, breakdowns=["outcome", "further_action"], **base)
    both = cells(warehouse, both_plan, both_table)
    cell = population(both, outcome="Out of court disposal", further_action="Charged")
    assert (
        cell.population["outcome"] == frozenset() and cell.shown == 0
    )  # two dimensions on one axis intersect


def test_last_years_column_is_the_same_fact_as_last_years_figure(warehouse):
    weapons = {
        "offences": {"items": [{"group": "Possession of weapons offences"}], "variants": ["attempt"]},
        "breakdowns": ["period", "further_action"],
    }
    now_plan, now_table = answer(
        warehouse,
        periods=[{"window": {"start": "2025-01-29", "end": "2025-03-12"}}],
        compare="same_period_last_year",
        **weapons,
    )
    then_plan, then_table = answer(
        warehouse, periods=[{"window": {"start": "2024-01-31", "end": "2024-03-13"}}], **weapons
    )
    now, then = (
        cells(warehouse, now_plan, now_table, "r2/v1"),
        cells(warehouse, then_plan, then_table, "r1/v1"),
    )
    previous = [c for c in now if c.measure == "arrests_last_year"]
    assert previous and all(
        c.identity == "arrests" and c.population["day"] == days(date(2024, 1, 31), date(2024, 3, 13))
        for c in previous
    )
    current = population(now, "arrests", further_action="All outcomes")
    assert current.population["day"] == days(date(2025, 1, 29), date(2025, 3, 12))
    for c in previous:  # one unknown: the figure published last year for those days, whatever its labels
        same = population(then, further_action=dict(c.labels)["further_action"])
        assert (same.identity, same.population, same.as_at, same.shown) == (
            c.identity,
            c.population,
            c.as_at,
            c.shown,
        )
    small = min((c for c in then if c.shown), key=lambda c: c.shown)  # withheld last year (never a zero)
    hide = dict(small.labels)
    result = audit_populations([c.for_audit() for c in withheld(then, hide) + now], k=5)
    assert not result.passed and ("r1/v1/part_1", hide) in [(p.table, dict(p.cell)) for p in result.problems]


def test_2018_to_2021_then_2018_to_2022_published_naively_is_caught(warehouse):
    fraud = {"offences": {"items": [{"group": "Fraud offences"}], "variants": []}}
    first_plan, first_table = answer(
        warehouse, periods=[{"window": {"start": "2018-01-01", "end": "2021-12-31"}}], **fraud
    )
    second_plan, second_table = answer(
        warehouse, periods=[{"window": {"start": "2018-01-01", "end": "2022-12-31"}}], **fraud
    )
    as_at = as_at_text(first_plan.as_at)
    first = protect([first_table], POLICY, release_id="r1/v1", as_at=as_at)
    history = cells(warehouse, first_plan, first.tables[0], "r1/v1")
    (old,) = history
    naive = cells(warehouse, second_plan, protect([second_table], POLICY).tables[0], "r2/v1")
    (new,) = naive
    assert isinstance(old.shown, int) and isinstance(new.shown, int) and 1 <= new.shown - old.shown <= 4
    result = audit_populations([c.for_audit() for c in history + naive], k=5)
    assert not result.passed
    (problem,) = result.problems  # 2022 alone, worked out by subtraction
    assert problem.table == "atoms" and problem.population["day"] == days(
        date(2022, 1, 1), date(2022, 12, 31)
    )

    safe = protect(
        [second_table],
        POLICY,
        history,
        populations={second_table.name: axes_for(warehouse[0], second_plan, second_table)},
        release_id="r2/v1",
        as_at=as_at,
    )
    assert safe.tables[0].frame["arrests_flag"].to_list() == ["[c]"]
    assert audit_populations(
        [c.for_audit() for c in history + cells(warehouse, second_plan, safe.tables[0], "r2/v1")], k=5
    ).passed


def test_distinct_counts_are_opaque_facts_not_sums_of_atoms(warehouse):
    plan, table = answer(
        warehouse,
        measure="persons_arrested",
        offences={"all_offences": True},
        periods=[{"calendar_year": 2023}, {"calendar_year": 2024}],
    )
    got = cells(warehouse, plan, table)
    years = sum(population(got, period=y).shown for y in ("2023", "2024"))
    assert population(got, period="All periods").shown < years  # people arrested in both years count once
    assert not any(c.additive for c in got)
    assert audit_populations([c.for_audit() for c in got], k=5).passed
    as_sums = [
        PublishedCell(c.release_id, c.table, c.measure, c.labels, c.shown, c.as_at, c.population) for c in got
    ]
    assert "do not fit together" in audit_populations([c.for_audit() for c in as_sums], k=5).summary()
    # the same persons figure in a later release is still the same fact: withholding it there does not help
    again = withheld(cells(warehouse, plan, table, "r2/v1"), {"period": "2023"})
    result = audit_populations([c.for_audit() for c in got + again], k=5)
    assert not result.passed and {(p.table, p.cell.get("period")) for p in result.problems} == {
        ("r2/v1/part_1", "2023")
    }


def test_any_offence_rule_and_units_never_share_an_unknown(warehouse):
    items = {"items": [{"code": "CJ88159"}, {"code": "PL96001"}], "variants": []}
    periods = [{"financial_year": "2024/25"}]
    principal_plan, principal = answer(warehouse, offences=items, periods=periods)
    any_plan, any_table = answer(warehouse, offences={**items, "rule": "any"}, periods=periods)
    by_date_plan, by_date = answer(warehouse, offences=items, periods=periods, date_basis="outcome")
    a, b, c = (
        cells(warehouse, p, t)[0]
        for p, t in ((principal_plan, principal), (any_plan, any_table), (by_date_plan, by_date))
    )
    assert a.population["rule"] != b.population["rule"] and not b.additive
    assert a.population["date_basis"] != c.population["date_basis"]
    assert a.population["day"] == b.population["day"] == c.population["day"]


def test_crime_outcome_types_map_to_outcome_codes(warehouse):
    con = warehouse[0]
    plan, table = answer(
        warehouse,
        measure="crime_outcomes",
        offences={"items": [{"group": "Robbery"}]},
        periods=[{"calendar_year": 2023}],
        breakdowns=["outcome", "district"],
    )
    axes = axes_for(con, plan, table)
    _, outcomes = axes.dimensions["outcome"]
    assert outcomes["Under investigation"] == {"0"}
    assert outcomes["All outcomes"] == {
        r[0] for r in con.sql("select outcome_code from ref.ho_outcome_types").fetchall()
    }
    got = published_cells(table, axes, "r1/v1", "")
    assert {c.identity for c in got} == {"crimes"} and all(c.population["gender"] == {"n/a"} for c in got)
    recorded_plan, _ = answer(
        warehouse,
        measure="recorded_crimes",
        offences={"items": [{"group": "Robbery"}]},
        periods=[{"calendar_year": 2023}],
        date_basis="outcome",
    )
    assert axes_for(con, recorded_plan).fixed == {**axes.fixed, "district": axes.fixed["district"]}


def test_cells_round_trip_through_the_publication_record(warehouse):
    plan, table = answer(
        warehouse,
        measure="persons_arrested",
        offences={"all_offences": True},
        periods=[{"month": "2024-03"}],
        compare="same_period_last_year",
    )
    got = cells(warehouse, plan, table)
    db = duckdb.connect()
    db.execute(PUBLISHED_CELLS_DDL)
    db.executemany(INSERT_CELL_SQL, [to_row(c, "2025-07-16 09:00:00") for c in got])
    back = [from_row(r) for r in db.sql("select * from disclosure.published_cells").fetchall()]
    assert sorted(back, key=lambda c: c.measure) == sorted(got, key=lambda c: c.measure)
    assert {c.measure: c.identity for c in back} == {
        "persons_arrested": "persons_arrested",
        "persons_arrested_last_year": "persons_arrested",
    }


def test_a_collapsed_dimension_counts_the_union_of_its_labels_for_every_measure(warehouse):
    plan, table = answer(
        warehouse,
        **drugs(
            periods=[{"month": "2024-03"}, {"month": "2024-04"}],
            compare="same_period_last_year",
            breakdowns=["period", "gender"],
        ),
    )
    axes = axes_for(warehouse[0], plan, table).keeping(["gender"])
    assert list(axes.dimensions) == ["gender"]
    assert axes.fixed["day"] == days(date(2024, 3, 1), date(2024, 4, 30))
    assert axes.measures["arrests_last_year"].fixed["day"] == days(date(2023, 3, 1), date(2023, 4, 30))
    assert axes.measures["arrests_last_year"].dimensions == {} and axes.as_at == as_at_text(plan.as_at)


def test_cells_recorded_before_later_axes_are_completed_on_load(warehouse, tmp_path):
    """A publication record written before the stop-and-search and crime-marker axes existed still audits with
    today's cells: a crime cell counted every marker value, an arrest cell has none of them."""
    from flows.release.record import load_history, record_path
    from flows.requests.populations import complete

    new_axes = (
        "age_range",
        "officer_defined_ethnicity",
        "legislation",
        "object_of_search",
        "domestic_abuse",
        "knife_or_sharp_instrument",
    )
    arrests_plan, arrests_table = answer(warehouse, **drugs(periods=[{"calendar_year": 2023}]))
    crimes_plan, crimes_table = answer(
        warehouse,
        measure="recorded_crimes",
        offences={"items": [{"group": "Robbery"}]},
        periods=[{"calendar_year": 2023}],
    )
    now = cells(warehouse, arrests_plan, arrests_table) + cells(warehouse, crimes_plan, crimes_table, "r2/v1")
    old = [
        PublishedCell(
            c.release_id,
            c.table,
            c.measure,
            c.labels,
            c.shown,
            c.as_at,
            {a: v for a, v in c.population.items() if a not in new_axes},
        )
        for c in now
    ]
    settings = load_settings(home=tmp_path)
    record_path(settings).parent.mkdir(parents=True)
    with duckdb.connect(str(record_path(settings))) as db:
        db.execute(PUBLISHED_CELLS_DDL)
        db.executemany(INSERT_CELL_SQL, [to_row(c, "2025-07-16 09:00:00") for c in old])
    back = {(c.release_id, c.measure): c.population for c in load_history(settings)}
    assert back == {(c.release_id, c.measure): c.population for c in now}
    crime = next(c for c in now if c.population["source"] == {"crime"})
    assert (
        crime.population["domestic_abuse"]
        == {"Yes", "No", "Not recorded"}
        == complete({a: v for a, v in crime.population.items() if a != "domestic_abuse"})["domestic_abuse"]
    )
    assert audit_populations([c.for_audit() for c in [*load_history(settings), *now]], k=5).passed
