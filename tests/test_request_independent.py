"""The request engine against an independent computation (tests/independent, which imports nothing from
flows/) on generated data: every cell and margin of the seed requests and of several examples must agree.

The independent side is given its parameters by hand here (codes, windows and labels written out), so it
checks the spec's resolution (selections, variants, periods, labels) as well as the counting.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from flows.config import load_settings
from flows.contracts.tidy import TidyTable
from flows.requests.answer import answer_request
from flows.requests.spec import load_spec
from tests.independent.custody import Dim, count, ethnicity_group, load_arrests, load_reference
from tests.test_request_examples import generated_home

ROOT = Path(__file__).resolve().parents[1]
REQUESTS = ROOT / "data" / "requests"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    home = generated_home(tmp_path_factory)
    settings = load_settings(home=home)
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    ref = load_reference(ROOT / "data" / "reference")
    yield con, settings.sql_dir, ref, load_arrests(home / "raw" / "custody", ref), home / "raw" / "custody"
    con.close()


def _engine(con, sql_dir, name: str) -> list[TidyTable]:
    spec, _ = load_spec(REQUESTS / name)
    return answer_request(con, spec, sql_dir, margins=True)


def _cells(table: TidyTable, measure: str) -> dict[tuple, int]:
    return {tuple(r[d] for d in table.dimension_names): r[measure] for r in table.frame.iter_rows(named=True)}


def _same(engine: dict[tuple, int], independent: dict[tuple, int]) -> None:
    """Every engine cell equals the independent count (0 where the independent side saw no unit)."""
    extra = set(independent) - set(engine)
    assert not extra, f"cells the engine does not have: {sorted(extra)[:5]}"
    wrong = {k: (v, independent.get(k, 0)) for k, v in engine.items() if v != independent.get(k, 0)}
    assert not wrong, f"{len(wrong)} cells differ (engine, independent), e.g. {sorted(wrong.items())[:5]}"
    assert sum(engine.values()) > 0, "nothing counted: the comparison would prove nothing"


def _codes(ref, selection: str, variants: set[str]) -> list[str]:
    kept = [c for c in ref.selections[selection] if ref.offences[c]["variant"] in {"substantive", *variants}]
    extra = [
        c for c, r in ref.offences.items() if r["variant"] in variants and c[:-1] in kept and c not in kept
    ]
    return kept + extra


def _periods(
    windows: list[tuple[str, date, date]], total: str | None, when=lambda a: a.arrested.date()
) -> Dim:
    return Dim(lambda a: [label for label, s, e in windows if s <= when(a) <= e], total)


def _years(first: int, last: int) -> list[tuple[str, date, date]]:
    return [(str(y), date(y, 1, 1), date(y, 12, 31)) for y in range(first, last + 1)]


def _principal(categories: dict[str, list[str]]) -> Dim:
    return Dim(
        lambda a: [label for label, codes in categories.items() if a.codes[0] in codes],
        "All offences requested",
    )


def _further_action(ref) -> Dim:
    return Dim(lambda a: [ref.disposals[a.disposal]["further_action"]], "All outcomes")


def test_mps_seed(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _engine(con, sql_dir, "mps-01-foi-22-025326.yaml")
    names = [
        "assisting_unlawful_immigration",
        "facilitating_asylum_seekers_for_gain",
        "assisting_entry_breach_of_deportation_order",
        "assisting_entry_of_excluded_person",
    ]
    labels = [
        "Assisting unlawful immigration (s.25)",
        "Facilitating entry by asylum seekers for gain (s.25A)",
        "Assisting entry in breach of a deportation or exclusion order (s.25B(1))",
        "Assisting entry or remaining of an excluded person (s.25B(3))",
    ]
    categories = {label: _codes(ref, n, {"conspiracy"}) for label, n in zip(labels, names, strict=True)}
    dims = [_principal(categories), _periods(_years(2018, 2022), "All periods"), _further_action(ref)]
    _same(_cells(table, "arrests"), count(arrests, dims, lambda a: a.custody_ref))


def test_wmp_seed_with_comparisons(generated):
    con, sql_dir, ref, arrests, _ = generated
    week, month = _engine(con, sql_dir, "wmp-3056-15.yaml")
    codes = {"all": _codes(ref, "immigration_act_1971", {"attempt", "aiding", "conspiracy", "inciting"})}
    offence = Dim(lambda a: ["x"] if a.codes[0] in codes["all"] else [])
    for table, label, now, before in (
        (
            week,
            "Wed 29 Jul 2015 to Wed 5 Aug 2015",
            (date(2015, 7, 29), date(2015, 8, 5)),
            (date(2014, 7, 30), date(2014, 8, 6)),
        ),
        (month, "July 2015", (date(2015, 7, 1), date(2015, 7, 31)), (date(2014, 7, 1), date(2014, 7, 31))),
    ):
        current = count(arrests, [offence, _periods([(label, *now)], None)], lambda a: a.custody_ref)
        previous = count(arrests, [offence, _periods([(label, *before)], None)], lambda a: a.custody_ref)
        row = table.frame.row(0, named=True)
        assert (row["period"], row["arrests"], row["arrests_last_year"]) == (
            label,
            current.get(("x", label), 0),
            previous.get(("x", label), 0),
        )
        assert row["change"] == row["arrests"] - row["arrests_last_year"]


def test_persons_by_ethnicity(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _engine(con, sql_dir, "example-persons-by-ethnicity.yaml")
    dims = [
        _periods(_years(2020, 2024), "All periods"),
        Dim(lambda a: [ethnicity_group(a.ethnicity)], "All ethnic groups"),
    ]
    _same(_cells(table, "persons_arrested"), count(arrests, dims, lambda a: a.person_ref))


def test_any_offence_rule(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _engine(con, sql_dir, "example-any-offence.yaml")
    labels = {"Assault of an emergency worker": "CJ88159", "Assault on a constable": "PL96001"}
    offence = Dim(
        lambda a: [label for label, code in labels.items() if code in a.codes], "All offences requested"
    )
    dims = [offence, _periods([("2024/25", date(2024, 4, 1), date(2025, 3, 31))], None), _further_action(ref)]
    _same(_cells(table, "arrests"), count(arrests, dims, lambda a: a.custody_ref))


def test_offence_group_hierarchy(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _engine(con, sql_dir, "example-offence-group-hierarchy.yaml")
    labels = {
        "MD71210": "Possession of cocaine",
        "MD71211": "Possession of heroin",
        "MD71230": "Possession with intent to supply cocaine",
        "MD71231": "Possession with intent to supply heroin",
        "TH68010": "Theft from a shop",
        "TH68001": "Theft from the person",
    }
    group = {label: ref.offences[code]["offence_group"] for code, label in labels.items()}
    offence = Dim(
        lambda a: [labels[a.codes[0]]] if a.codes[0] in labels else [],
        "All offences requested",
        parent=group.__getitem__,
    )
    _same(
        _cells(table, "arrests"),
        count(arrests, [offence, _periods(_years(2023, 2024), "All periods")], lambda a: a.custody_ref),
    )


def test_legislation_prefix_by_agency(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _engine(con, sql_dir, "example-not-held.yaml")
    im71 = {
        c
        for c, r in ref.offences.items()
        if c.startswith("IM71") and r["variant"] in {"substantive", "conspiracy"}
    }
    dims = [
        _periods(_years(2024, 2024), None),
        Dim(lambda a: [a.agency] if a.codes[0] in im71 else [], "All agencies"),
    ]
    _same(_cells(table, "arrests"), count(arrests, dims, lambda a: a.custody_ref))


def test_financial_years_by_outcome(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _engine(con, sql_dir, "example-financial-year-turn.yaml")
    drugs = {
        c
        for c, r in ref.offences.items()
        if r["offence_group"] == "Drug offences" and r["variant"] == "substantive"
    }
    years = [
        ("2022/23", date(2022, 4, 1), date(2023, 3, 31)),
        ("2023/24", date(2023, 4, 1), date(2024, 3, 31)),
    ]
    outcome = Dim(
        lambda a: [ref.disposals[a.disposal]["disposal_group"]] if a.codes[0] in drugs else [], "All outcomes"
    )
    _same(
        _cells(table, "arrests"),
        count(arrests, [_periods(years, "All periods"), outcome], lambda a: a.custody_ref),
    )


def test_as_at_an_earlier_extract(generated):
    """Records re-delivered later (a changed outcome) are counted as the earlier extract had them."""
    con, sql_dir, ref, latest_arrests, raw = generated
    from flows.requests.answer import answer_part
    from flows.requests.models import DataPart

    as_at = datetime(2019, 6, 30, 2, 0)
    part = DataPart.model_validate(
        {
            "id": "1",
            "question": "q",
            "response": "data",
            "offences": {"all_offences": True},
            "periods": [{"calendar_year": 2018}],
            "breakdowns": ["further_action"],
            "as_at": "2019-06-30T02:00",
            "interpretation": "i",
        }
    )
    table = answer_part(con, part, sql_dir, margins=True)
    earlier = load_arrests(raw, ref, as_at)
    dims = [_periods(_years(2018, 2018), None), _further_action(ref)]
    expected = count(earlier, dims, lambda a: a.custody_ref)
    _same(_cells(table, "arrests"), expected)
    latest = count(latest_arrests, dims, lambda a: a.custody_ref)
    assert expected != latest, "the generated history should have outcomes that changed after mid-2019"
