"""Real requests as the acceptance test: the specs in data/requests/real/ (the kinds of request UK forces log in
their disclosure logs) against golden tables computed independently (tests/independent, which imports nothing
from flows/) on a generated real-shaped warehouse, then each through the release path to a draft.

The independent side is given its parameters by hand (codes, windows, labels, filters written out), so it
checks how the spec was read as well as the counting. The stop-and-search request (r20) needs the real
data.police.uk files and is checked in tests/test_realdata_stop_search.py.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.config import load_settings
from flows.contracts.tidy import TidyTable
from flows.requests.answer import answer_request
from flows.requests.spec import load_spec
from tests.independent.crimes import load_crime_reference, load_crimes
from tests.independent.custody import (
    Dim,
    count,
    ethnicity_group,
    load_arrests,
    load_reference,
    offence_group,
)
from tests.test_request_examples import generated_home

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "requests" / "real"
SPECS = sorted(REAL.glob("r*.yaml"))
OWN_FORCE = "Example Constabulary"  # the generated home's organisation, as its custody extracts name it
VARIANTS = {"attempt": "A", "aiding": "B", "conspiracy": "C", "inciting": "I"}
AGE_BANDS = [(10, 17, "10 to 17"), (18, 20, "18 to 20"), (21, 24, "21 to 24"), (25, 29, "25 to 29"),
             (30, 39, "30 to 39"), (40, 49, "40 to 49"), (50, 59, "50 to 59"), (60, 200, "60 and over")]  # fmt: skip


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    home = generated_home(tmp_path_factory)
    settings = load_settings(home=home)
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    ref = load_reference(ROOT / "data" / "reference")
    crime_ref = load_crime_reference(ROOT / "data" / "reference")
    yield (
        con,
        settings.sql_dir,
        ref,
        load_arrests(home / "raw" / "custody", ref),
        load_crimes(home / "raw" / "crime", crime_ref),
    )
    con.close()


def _tables(con, sql_dir, name: str) -> list[TidyTable]:
    spec, _ = load_spec(REAL / name)
    return answer_request(con, spec, sql_dir, margins=True, organisation=OWN_FORCE)


def _cells(table: TidyTable, measure: str) -> dict[frozenset, int]:
    """Cells keyed by their labels as a set: the independent side need not know the column order."""
    return {
        frozenset(r[d] for d in table.dimension_names): r[measure] for r in table.frame.iter_rows(named=True)
    }


def _same(table: TidyTable, measure: str, independent: dict[tuple, int]) -> None:
    """Every engine cell equals the independent count (0 where the independent side saw no unit), and the
    independent side has no cell the engine lacks."""
    engine = _cells(table, measure)
    independent = {frozenset(k): v for k, v in independent.items()}
    assert all(len(k) == len(table.dimension_names) for k in engine), "a label shared by two dimensions"
    extra = {k for k, v in independent.items() if v} - set(engine)
    assert not extra, f"cells the engine does not have: {sorted(extra)[:5]}"
    wrong = {k: (v, independent.get(k, 0)) for k, v in engine.items() if v != independent.get(k, 0)}
    assert not wrong, f"{len(wrong)} cells differ (engine, independent), e.g. {sorted(wrong.items())[:5]}"
    assert sum(engine.values()) > 0, "nothing counted: the comparison would prove nothing"


def _years(*years: int) -> list[tuple[str, date, date]]:
    return [(str(y), date(y, 1, 1), date(y, 12, 31)) for y in years]


def _fin_years(*firsts: int) -> list[tuple[str, date, date]]:
    return [(f"{y}/{(y + 1) % 100:02d}", date(y, 4, 1), date(y + 1, 3, 31)) for y in firsts]


def _period(windows, total: str | None = "All periods", when=lambda a: a.arrested.date()) -> Dim:
    return Dim(lambda u: [label for label, s, e in windows if s <= when(u) <= e], total)


def _recorded(windows, total: str | None = "All periods") -> Dim:
    return _period(windows, total, when=lambda c: c.recorded)


def _only(codes: set[str]) -> Dim:
    """No column: keeps the arrests whose principal offence is one of ``codes``."""
    return Dim(lambda a: ["x"] if a.codes[0] in codes else [])


def _with_variants(ref, codes: set[str], variants: set[str]) -> set[str]:
    letters = {VARIANTS[v] for v in variants}
    return codes | {c for c in ref.offences if c[-1] in letters and c[:-1] in codes}


def _further_action(ref) -> Dim:
    return Dim(lambda a: [ref.disposals[a.disposal]["further_action"]], "All outcomes")


def _age_band(age: int) -> str:
    return next(label for low, high, label in AGE_BANDS if low <= age <= high)


def _strip(counted: dict[tuple, int]) -> dict[tuple, int]:
    """Drop the leading 'x' of an _only() dimension."""
    return {k[1:]: v for k, v in counted.items() if k[0] == "x"}


def test_r01_under_18s_by_offence_group(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r01-under-18s-by-offence-group.yaml")
    dims = [
        _period(_fin_years(2023), None),
        Dim(lambda a: [offence_group(a.codes[0], ref)], "All offence groups"),
    ]
    children = [a for a in arrests if 10 <= a.age <= 17]
    _same(table, "arrests", count(children, dims, lambda a: a.custody_ref))


def test_r02_drug_possession_by_ethnicity(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r02-drug-possession-by-ethnicity.yaml")
    codes = {"MD71210", "MD71211", "MD71530", "MD71225"}
    dims = [_only(codes), _period(_years(2021, 2022, 2023, 2024)),
            Dim(lambda a: [ethnicity_group(a.ethnicity)], "All ethnic groups")]  # fmt: skip
    _same(table, "arrests", _strip(count(arrests, dims, lambda a: a.custody_ref)))


def test_r03_emergency_worker_assaults_by_outcome(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r03-emergency-worker-assaults-by-outcome.yaml")
    dims = [_only({"CJ88159", "CJ88160"}), _period(_fin_years(2021, 2022, 2023, 2024)), _further_action(ref)]
    _same(table, "arrests", _strip(count(arrests, dims, lambda a: a.custody_ref)))


def test_r04_immigration_offences_by_year(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r04-immigration-offences-by-year.yaml")
    im71 = {c for c in ref.offences if c.startswith("IM71")}  # every IM71 code, every variant
    dims = [_only(im71), _period(_years(*range(2016, 2025)))]
    _same(table, "arrests", _strip(count(arrests, dims, lambda a: a.custody_ref)))


def test_r05_knife_crime_by_year_and_outcome(generated):
    con, sql_dir, _, _, crimes = generated
    (table,) = _tables(con, sql_dir, "r05-knife-crime-by-year-and-outcome.yaml")
    dims = [_recorded(_years(2022, 2023, 2024)), Dim(lambda c: [c.outcome], "All outcomes")]
    expected = count([c for c in crimes if c.knife == "Yes"], dims, lambda c: c.crime_ref)
    _same(table, "recorded_crimes", expected)


def test_r06_domestic_abuse_by_outcome(generated):
    con, sql_dir, _, _, crimes = generated
    (table,) = _tables(con, sql_dir, "r06-domestic-abuse-by-outcome.yaml")
    dims = [_recorded(_years(2024), None), Dim(lambda c: [c.outcome], "All outcomes")]
    expected = count([c for c in crimes if c.domestic_abuse == "Yes"], dims, lambda c: c.crime_ref)
    _same(table, "recorded_crimes", expected)


def test_r21_hate_crime_by_strand(generated):
    """A crime in two strands is in both rows and once in the total; only flagged crimes are counted."""
    con, sql_dir, _, _, crimes = generated
    (table,) = _tables(con, sql_dir, "r21-hate-crime-by-strand.yaml")
    dims = [Dim(lambda c: sorted(c.strands), "All crimes"), _recorded(_years(2022, 2023, 2024))]
    hate = [c for c in crimes if c.strands]
    assert any(len(c.strands) > 1 for c in hate if 2022 <= c.recorded.year <= 2024), "nothing overlaps"
    _same(table, "recorded_crimes", count(hate, dims, lambda c: c.crime_ref))


def test_r07_arrests_by_gender_by_year(generated):
    con, sql_dir, _, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r07-arrests-by-gender-by-year.yaml")
    dims = [_period(_years(*range(2019, 2025))), Dim(lambda a: [a.gender], "All genders")]
    _same(table, "arrests", count(arrests, dims, lambda a: a.custody_ref))


def test_r08_arrests_by_ethnicity_by_year(generated):
    con, sql_dir, _, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r08-arrests-by-ethnicity-by-year.yaml")
    dims = [
        _period(_years(*range(2020, 2025))),
        Dim(lambda a: [ethnicity_group(a.ethnicity)], "All ethnic groups"),
    ]
    _same(table, "arrests", count(arrests, dims, lambda a: a.custody_ref))


def test_r09_drink_drug_driving_christmas(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r09-drink-drug-driving-christmas.yaml")
    codes = {"RT88007", "RT88008", "RT88009", "RT88010", "RT88011", "RT88339", "RT88584", "RT88585"}
    windows = [(f"1 Dec {y} to 1 Jan {y + 1}", date(y, 12, 1), date(y + 1, 1, 1)) for y in range(2019, 2025)]
    dims = [_only(codes), _period(windows), _further_action(ref)]
    _same(table, "arrests", _strip(count(arrests, dims, lambda a: a.custody_ref)))


def test_r10_shoplifting_by_month(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r10-shoplifting-by-month.yaml")
    months = [
        (f"{date(2024, m, 1):%B %Y}", date(2024, m, 1), date(2024 + m // 12, m % 12 + 1, 1))
        for m in range(1, 13)
    ]
    months = [(label, start, date.fromordinal(end.toordinal() - 1)) for label, start, end in months]
    dims = [_only(_with_variants(ref, {"TH68010"}, {"attempt"})), _period(months)]
    _same(table, "arrests", _strip(count(arrests, dims, lambda a: a.custody_ref)))


def test_r11_rape_by_financial_year_and_outcome(generated):
    con, sql_dir, _, _, crimes = generated
    (table,) = _tables(con, sql_dir, "r11-rape-by-financial-year-and-outcome.yaml")
    rape = {"19C", "19D", "19E", "19F", "19G", "19H"}
    dims = [_recorded(_fin_years(2022, 2023)), Dim(lambda c: [c.outcome], "All outcomes")]
    expected = count([c for c in crimes if c.ho_code in rape], dims, lambda c: c.crime_ref)
    _same(table, "recorded_crimes", expected)


def test_r12_arrests_at_a_custody_suite(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r12-arrests-at-a-custody-suite.yaml")
    dims = [_period(_years(2022, 2023, 2024)), _further_action(ref)]
    at = [a for a in arrests if a.station == "St Anne’s Custody Suite"]
    _same(table, "arrests", count(at, dims, lambda a: a.custody_ref))


def test_r13_arrests_by_other_agencies(generated):
    con, sql_dir, _, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r13-arrests-by-other-agencies.yaml")
    dims = [_period(_years(2024), None), Dim(lambda a: [a.agency], "All agencies")]
    others = [a for a in arrests if a.agency != OWN_FORCE]
    _same(table, "arrests", count(others, dims, lambda a: a.custody_ref))


def test_r14_crimes_excluding_cancelled_by_district(generated):
    con, sql_dir, _, _, crimes = generated
    (table,) = _tables(con, sql_dir, "r14-crimes-excluding-cancelled-by-district.yaml")
    dims = [_recorded(_years(2024), None), Dim(lambda c: [c.district], "All districts")]
    _same(table, "recorded_crimes", count(crimes, dims, lambda c: c.crime_ref))  # live crimes only


def test_r15_modern_slavery_and_county_lines_by_year(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r15-modern-slavery-county-lines-by-year.yaml")
    every = {"attempt", "aiding", "conspiracy", "inciting"}
    categories = {
        "Offences under the Modern Slavery Act 2015": {c for c in ref.offences if c.startswith("MS15")},
        "Possession with intent to supply cocaine": _with_variants(ref, {"MD71230"}, every),
        "Possession with intent to supply heroin": _with_variants(ref, {"MD71231"}, every),
    }
    offence = Dim(
        lambda a: [label for label, codes in categories.items() if a.codes[0] in codes],
        "All offences requested",
    )
    dims = [offence, _period(_years(*range(2019, 2025))), _further_action(ref)]
    _same(table, "arrests", count(arrests, dims, lambda a: a.custody_ref))


def test_r16_knife_possession_by_age(generated):
    con, sql_dir, _, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r16-knife-possession-by-age.yaml")
    window = [("2022 to 2024", date(2022, 1, 1), date(2024, 12, 31))]
    dims = [
        _only({"CJ88144", "CJ88152", "CJ88154"}),
        _period(window, None),
        Dim(lambda a: [_age_band(a.age)], "All ages"),
    ]
    _same(table, "arrests", _strip(count(arrests, dims, lambda a: a.custody_ref)))


def test_r17_violence_arrests_of_women_by_outcome(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r17-violence-arrests-women-by-outcome.yaml")
    violent = {
        c
        for c, r in ref.offences.items()
        if r["offence_group"] == "Violence against the person" and r["variant"] == "substantive"
    }
    dims = [
        _only(violent),
        _period(_years(2023, 2024)),
        Dim(lambda a: [ref.disposals[a.disposal]["disposal_group"]], "All outcomes"),
    ]
    women = [a for a in arrests if a.gender == "Female"]
    _same(table, "arrests", _strip(count(women, dims, lambda a: a.custody_ref)))


def test_r18_not_held_part_beside_a_counted_one(generated):
    con, sql_dir, ref, arrests, _ = generated
    (table,) = _tables(con, sql_dir, "r18-nationality-not-held.yaml")  # the not-held part has no table
    im71 = {c for c in ref.offences if c.startswith("IM71")}
    dims = [_only(im71), _period(_years(2024), None), _further_action(ref)]
    _same(table, "arrests", _strip(count(arrests, dims, lambda a: a.custody_ref)))


def test_r19_not_held_location_with_the_nearest_figures(generated):
    con, sql_dir, _, _, crimes = generated
    (table,) = _tables(con, sql_dir, "r19-hospital-grounds-not-held.yaml")
    codes = load_crime_reference(ROOT / "data" / "reference").ho_offences
    violent = {c for c, r in codes.items() if r["ho_offence_group"] == "Violence against the person"}
    dims = [_recorded(_years(2024), None), Dim(lambda c: [c.district], "All districts")]
    _same(
        table,
        "recorded_crimes",
        count([c for c in crimes if c.ho_code in violent], dims, lambda c: c.crime_ref),
    )


@pytest.fixture(scope="module")
def drafting_home(tmp_path_factory):
    """A copy of the generated home shared by the module's drafts: each later draft is checked with every draft
    still awaiting publication, as a force's disclosure officer would leave them (the cumulative audit's
    atoms once multiplied across the axes these requests cut; the 14th draft did not finish)."""
    source = generated_home(tmp_path_factory)
    home = tmp_path_factory.mktemp("real-requests") / "home"
    shutil.copytree(source, home, ignore=shutil.ignore_patterns("landing"))
    return home


@pytest.mark.parametrize("spec", [s for s in SPECS if "stop-search" not in s.name], ids=lambda p: p.stem)
def test_each_real_request_drafts_a_safe_release(drafting_home, spec):
    """End to end: disclosure control, validation, the guard, the files written; every figure shown is the
    engine's count or withheld, and the manifest says how much of the question was answered."""
    import json

    from flows.pipeline import run_request

    settings = load_settings(home=drafting_home, organisation=OWN_FORCE)
    (release,) = run_request(settings, str(spec)).releases
    manifest = json.loads((release.path / "files" / "manifest.json").read_text())
    assert manifest["reference"] == load_spec(spec)[0].reference
    for answered in manifest["disclosure"]["answered"]:
        assert 0 <= answered["figures_published_exactly"] <= answered["figures_requested"]
    letter = (release.path / "files" / "letter.md").read_text(encoding="utf-8")
    for part in load_spec(spec)[0].parts:
        if part.response == "not_held":  # said in words, never a guessed figure; s.16 names who holds it
            assert part.text.split(".")[0] in " ".join(letter.split())
            assert not part.held_by or f"held by {part.held_by}" in " ".join(letter.split())
