"""Cumulative disclosure: releases of different shapes audited together, and the engine withholding more."""

from __future__ import annotations

from datetime import date

import pytest
from sdc_tables import hidden, with_margins

from flows.sdc.history import (
    Axes,
    PublishedCell,
    days,
    population_from_json,
    population_json,
    published_cells,
)
from flows.sdc.policy import SdcPolicy
from flows.sdc.protect import ProtectionRefused, protect
from flows.sdc_audit.populations import PopulationCell, atoms, audit_populations

POLICY = SdcPolicy(group_rule="off", strategy="suppress")
CODES = frozenset({"IM11001", "IM11002"})
VALUES = {"2018": 30, "2019": 3, "2020": 8, "2021": 40, "2022": 6}


def year(y: str) -> frozenset[date]:
    return days(date(int(y), 1, 1), date(int(y), 12, 31))


def by_year(years: list[str]):
    first, last = years[0], years[-1]
    table = with_margins(
        "arrests_by_year", [("year", years, f"{first} to {last}")], {(y,): VALUES[y] for y in years}
    )
    labels = {y: year(y) for y in years} | {
        f"{first} to {last}": frozenset().union(*(year(y) for y in years))
    }
    return table, Axes({"year": ("day", labels)}, {"offence_code": CODES})


def cell(release: str, label: str, window: frozenset, shown, as_at: str = "2023-01-05") -> PopulationCell:
    return PopulationCell(
        release, "t", {"period": label}, "arrests", {"day": window, "offence_code": CODES}, shown, as_at
    )


def test_atoms_are_the_blocks_every_published_set_contains_whole_or_misses():
    blocks = atoms([{"day": frozenset({1, 2, 3, 4})}, {"day": frozenset({3, 4, 5})}])
    ids = blocks["day"]
    assert ids[1] == ids[2] and ids[3] == ids[4] and len(set(ids.values())) == 3


def test_2018_to_2021_then_2018_to_2022_by_year_expose_a_cell_only_together():
    first = [
        cell("r1", "2018", year("2018"), 30),
        cell("r1", "2019", year("2019"), "[c]"),
        cell("r1", "2020", year("2020"), "[c]"),
        cell("r1", "2021", year("2021"), 40),
        cell("r1", "all", frozenset().union(*(year(y) for y in ("2018", "2019", "2020", "2021"))), 81),
    ]
    second = [
        cell("r2", "2018", year("2018"), 30),
        cell("r2", "2019", year("2019"), "[c]"),
        cell("r2", "2020", year("2020"), 8),
        cell("r2", "2021", year("2021"), 40),
        cell("r2", "2022", year("2022"), "[c]"),
        cell("r2", "all", frozenset().union(*(year(y) for y in VALUES)), 87),
    ]
    assert audit_populations(first, k=5).passed
    assert audit_populations(second, k=5).passed
    together = audit_populations(first + second, k=5)
    assert not together.passed
    assert {(p.table, p.cell.get("period")) for p in together.problems} >= {
        ("r1/t", "2019"),
        ("r2/t", "2019"),
    }


def test_a_week_window_after_a_year_exposes_the_sliver_between_them():
    whole = [cell("r1", "2021", year("2021"), 50)]
    almost = [cell("r2", "1 Jan to 28 Dec 2021", days(date(2021, 1, 1), date(2021, 12, 28)), 47)]
    result = audit_populations(whole + almost, k=5)
    (problem,) = result.problems
    assert problem.table == "atoms" and problem.interval == (3.0, 3.0) and "sliver" in problem.problem
    assert audit_populations(
        whole + [cell("r2", "x", days(date(2021, 1, 1), date(2021, 12, 28)), 45)], k=5
    ).passed


def test_a_cell_nobody_can_be_in_counts_zero():
    """A population with no unit in it (a category a filter excluded) is 0: shown so, it fits; shown as
    anything else, the figures do not fit together."""
    whole = [cell("r1", "2021", year("2021"), 50)]
    assert audit_populations([*whole, cell("r2", "none", frozenset(), 0)], k=5).passed
    assert not audit_populations([*whole, cell("r2", "none", frozenset(), 7)], k=5).passed


def test_revisions_are_different_facts_but_a_small_change_is_exposed():
    old = [cell("r1", "2021", year("2021"), 12, as_at="2022-01-05")]
    small_change = [cell("r2", "2021", year("2021"), 14, as_at="2023-01-05")]
    result = audit_populations(old + small_change, k=5)
    assert not result.passed and "revision" in result.problems[0].problem
    assert audit_populations(old + [cell("r2", "2021", year("2021"), 12, as_at="2023-01-05")], k=5).passed
    assert audit_populations(old + [cell("r2", "2021", year("2021"), 19, as_at="2023-01-05")], k=5).passed


def test_populations_round_trip_through_the_publication_record_as_day_ranges():
    population = {"day": year("2021") | year("2022"), "offence_code": CODES}
    text = population_json(population)
    assert '"2021-01-01", "2022-12-31"' in text
    assert population_from_json(text) == population


def test_the_engine_withholds_more_so_a_second_release_does_not_expose_the_first():
    table1, axes1 = by_year(["2018", "2019", "2020", "2021"])
    first = protect([table1], POLICY)
    assert hidden(first.tables[0]) == {("2019",), ("2020",)}
    history = published_cells(first.tables[0], axes1, "r1/v1", "2023-01-05")

    table2, axes2 = by_year(["2018", "2019", "2020", "2021", "2022"])
    alone = protect([table2], POLICY)
    assert ("2020",) not in hidden(alone.tables[0])  # on its own, 2020 would be published...
    new = published_cells(alone.tables[0], axes2, "r2/v1", "2023-01-05")
    assert not audit_populations([c.for_audit() for c in history + new], k=5).passed  # ...exposing 2019

    safe = protect(
        [table2],
        POLICY,
        history,
        populations={"arrests_by_year": axes2},
        release_id="r2/v1",
        as_at="2023-01-05",
    )
    assert ("2020",) in hidden(safe.tables[0])
    final = published_cells(safe.tables[0], axes2, "r2/v1", "2023-01-05")
    assert audit_populations([c.for_audit() for c in history + final], k=5).passed
    assert any(
        r.startswith("history") for r in safe.decisions[("arrests_by_year", (("year", "2020"),), "arrests")]
    )


def test_withdrawn_releases_still_count():
    table1, axes1 = by_year(["2018", "2019", "2020", "2021"])
    first = protect([table1], POLICY)
    history = [
        PublishedCell(
            c.release_id, c.table, c.measure, c.labels, c.shown, c.as_at, c.population, status="withdrawn"
        )
        for c in published_cells(first.tables[0], axes1, "r1/v1", "t")
    ]
    table2, axes2 = by_year(["2018", "2019", "2020", "2021", "2022"])
    safe = protect([table2], POLICY, history, populations={"arrests_by_year": axes2}, as_at="t")
    assert ("2020",) in hidden(safe.tables[0])


def test_history_without_populations_for_the_new_tables_is_an_error():
    table1, axes1 = by_year(["2018", "2019", "2020", "2021"])
    history = published_cells(protect([table1], POLICY).tables[0], axes1, "r1/v1", "t")
    with pytest.raises((ProtectionRefused, ValueError)):
        protect([by_year(["2018", "2019"])[0]], POLICY, history, populations={}, as_at="t")
