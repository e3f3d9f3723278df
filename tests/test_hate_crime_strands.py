"""Hate crime strands, a set-valued breakdown: a crime flagged with two strands is counted under each and once
in the total, and for the cumulative audit each cell counts the combinations of strands that contain its
own, so a filter on a strand and that strand's row in a breakdown are one figure."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.config import load_settings
from flows.requests import set_valued
from flows.requests.answer import answer_part_planned
from flows.requests.models import DataPart
from flows.requests.populations import axes_for
from flows.sdc.history import as_at_text, published_cells
from flows.sdc_audit.populations import audit_populations
from tests.independent.crimes import STRANDS, load_crime_reference, load_crimes
from tests.test_request_examples import generated_home
from tests.test_request_populations import withheld

ROOT = Path(__file__).resolve().parents[1]
YEAR = [{"calendar_year": 2023}]
STRAND = "hate_crime_strand"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    home = generated_home(tmp_path_factory)
    con = duckdb.connect(str(load_settings(home=home).warehouse_path), read_only=True)
    crimes = load_crimes(home / "raw" / "crime", load_crime_reference(ROOT / "data" / "reference"))
    yield con, load_settings(home=home).sql_dir, crimes
    con.close()


def answer(warehouse, **fields):
    """Crimes recorded in 2023 of every offence, answered as a request is (filters applied), with every margin."""
    part = DataPart.model_validate(
        {
            "id": "1",
            "question": "q",
            "response": "data",
            "interpretation": "i",
            "measure": "recorded_crimes",
            "offences": {"all_offences": True},
            "periods": YEAR,
            **fields,
        }
    )
    return answer_part_planned(warehouse[0], part, warehouse[1], margins=True)


def combination(strands: frozenset[str] | None) -> str:
    """A crime's value on the strand axis, from the raw extracts (the README's strand order)."""
    if strands is None:
        return "Not recorded"
    if not strands:
        return "Not a hate crime"
    return set_valued.JOIN.join(label for label in STRANDS.values() if label in strands)


def cells(warehouse, plan, table, release: str):
    return published_cells(table, axes_for(warehouse[0], plan, table), release, as_at_text(plan.as_at))


def test_each_strand_cell_counts_the_crimes_of_its_population(warehouse):
    """Recounted from the raw extracts with nothing but each cell's population: the combinations it holds."""
    plan, table = answer(
        warehouse,
        breakdowns=[STRAND],
    )
    crimes = warehouse[2]
    assert any(c.strands and len(c.strands) > 1 and c.recorded.year == 2023 for c in crimes)
    for cell in cells(warehouse, plan, table, "r1/v1"):
        p = cell.population
        expected = sum(1 for c in crimes if c.recorded in p["day"] and combination(c.strands) in p[STRAND])
        assert cell.shown == expected, dict(cell.labels)
    frame = dict(table.frame.select(STRAND, "recorded_crimes").iter_rows())
    strands = sum(frame[label] for label in STRANDS.values())
    assert strands > frame["All crimes"] - frame["Not a hate crime"] - frame.get("Not recorded", 0)


def test_a_strand_filter_and_the_strands_row_are_one_figure(warehouse):
    """Withheld as a row of the strand table, a strand's figure cannot be given away by a request that keeps
    that strand only: the audit sees the same unknown (every combination containing the strand)."""
    by_strand = answer(
        warehouse,
        breakdowns=[STRAND],
        filters=[{"breakdown": STRAND, "keep": list(STRANDS.values())}],
    )
    first = withheld(cells(warehouse, *by_strand, "r1/v1"), {STRAND: "Disability"}, {STRAND: "Religion"})
    only = answer(
        warehouse,
        filters=[{"breakdown": STRAND, "keep": ["Disability"]}],
    )
    second = cells(warehouse, *only, "r2/v1")
    assert audit_populations([c.for_audit() for c in first], k=5).passed
    exposed = audit_populations([c.for_audit() for c in first + second], k=5)
    assert not exposed.passed
    assert any(STRAND in str(p) or "Disability" in str(p) for p in exposed.problems)


def test_excluding_a_strand_drops_every_crime_flagged_with_it(warehouse):
    """A crime in two strands, one of them excluded, is not counted at all (the filter reads its whole list)."""
    plan, table = answer(
        warehouse,
        filters=[{"breakdown": STRAND, "exclude": ["Race", "Not a hate crime", "Not recorded"]}],
    )
    crimes = warehouse[2]
    expected = sum(1 for c in crimes if c.recorded.year == 2023 and c.strands and "Race" not in c.strands)
    assert table.frame["recorded_crimes"].to_list() == [expected]
