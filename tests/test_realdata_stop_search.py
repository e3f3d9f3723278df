"""Stop and search from the real data.police.uk files in ../shared/realdata/police_uk_city_of_london: the
``stop_searches`` measure, its breakdowns and filters, against a count made independently with the csv module,
end to end through a published release. Skipped when the shared folder is absent.

The files hold City of London 2015-03 to 2017-03 and one Metropolitan Police month (2016-01); City of London
2016-01 is delivered twice (the same rows, other line endings), so it must count once, while the Met's 2016-01
is another force's month and counts as well (PROVENANCE: 18,061 rows, 17,911 once the repeat is dropped).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from flows.config import PROJECT_ROOT, load_settings
from flows.db import build_layers, connect
from flows.ingest import ingest_landing
from flows.reference.load import load_reference
from flows.requests.answer import answer_request_planned
from flows.requests.models import DataPart
from flows.requests.populations import axes_for
from flows.requests.spec import load_spec
from flows.sdc.history import published_cells

REALDATA = PROJECT_ROOT.parent / "shared" / "realdata"
FILES = sorted(REALDATA.glob("police_uk_*/**/*-stop-and-search.csv")) if REALDATA.is_dir() else []
pytestmark = pytest.mark.skipif(not FILES, reason="../shared/realdata is not available")
SPEC = PROJECT_ROOT / "data" / "requests" / "example-police-uk-stop-search-drugs.yaml"
LONDON = ZoneInfo("Europe/London")
GROUPS = {"asian": "Asian or Asian British", "black": "Black, Black British, Caribbean or African",
          "mixed": "Mixed or multiple", "white": "White", "chinese": "Other ethnic group",
          "other": "Other ethnic group"}  # fmt: skip


def searches() -> list[dict[str, str]]:
    """Every search once: one file per force and month (the name says both), as the csv module reads it."""
    chosen: dict[tuple[str, str], Path] = {}
    for path in FILES:
        month, force = re.fullmatch(r"(\d{4}-\d{2})-(.+)-stop-and-search\.csv", path.name).groups()
        chosen[(force, month)] = path  # a repeated force-month holds the same rows: either copy will do
    rows = []
    for path in chosen.values():
        with path.open(encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh))
    return rows


def day(row: dict[str, str]) -> date:
    return datetime.fromisoformat(row["Date"]).astimezone(LONDON).date()


def group(text: str) -> str:
    return next((g for word, g in GROUPS.items() if text.lower().startswith(word)), "Not stated")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    settings = load_settings(
        home=tmp_path_factory.mktemp("stop-search"), organisation="City of London Police"
    )
    settings.landing_dir.mkdir(parents=True)
    for path in FILES:  # flattened; the folder names keep the two 2016-01 City of London files apart
        shutil.copyfile(path, settings.landing_dir / "__".join(path.relative_to(REALDATA).parts))
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        report = ingest_landing(
            con, settings.landing_dir, raw_dir=settings.raw_dir, sql_dir=settings.sql_dir, max_share=0.01
        )
        build_layers(con, settings.sql_dir)
    assert [o.line() for o in report.outcomes if o.status != "loaded"] == []
    return settings


def answer(settings, **fields):
    part = DataPart.model_validate(
        {
            "id": "1",
            "question": "q",
            "response": "data",
            "interpretation": "i",
            "measure": "stop_searches",
            "offences": {"all_offences": True},
            **fields,
        }
    )
    from flows.requests.answer import answer_part_planned

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        plan, table = answer_part_planned(con, part, settings.sql_dir, margins=True)
        return plan, table, axes_for(con, plan, table)


def test_every_search_once_by_month(home):
    rows = searches()
    assert len(rows) == 17911
    months = [f"{y}-{m:02d}" for y in (2015, 2016, 2017) for m in range(1, 13)][2:27]  # 2015-03 .. 2017-03
    _, table, _ = answer(home, periods=[{"month": m} for m in months], breakdowns=["period"])
    got = {r["period"]: r["stop_searches"] for r in table.frame.iter_rows(named=True)}
    expected = Counter(f"{day(r):%B %Y}" for r in rows)
    assert {k: v for k, v in got.items() if k != "All periods"} == {
        f"{date.fromisoformat(m + '-01'):%B %Y}": expected[f"{date.fromisoformat(m + '-01'):%B %Y}"]
        for m in months
    }
    assert got["January 2016"] == 150 + 15026  # City of London once, and the Met's month
    assert got["All periods"] == 17911


@pytest.mark.parametrize("breakdown, column", [
    ("outcome", "Outcome"), ("object_of_search", "Object of search"), ("legislation", "Legislation"),
    ("gender", "Gender"), ("age_range", "Age range"), ("officer_defined_ethnicity", "Officer-defined ethnicity"),
    ("ethnicity_group", "Self-defined ethnicity"),
])  # fmt: skip
def test_each_breakdown_matches_the_csv_module(home, breakdown, column):
    _, table, _ = answer(home, periods=[{"calendar_year": 2016}], breakdowns=[breakdown])
    label = group if breakdown == "ethnicity_group" else (lambda v: v or "Not recorded")
    expected = Counter(label(r[column]) for r in searches() if day(r).year == 2016)
    got = {r[breakdown]: r["stop_searches"] for r in table.frame.iter_rows(named=True) if r["stop_searches"]}
    total = got.pop(next(d.total for d in table.dimensions if d.name == breakdown))
    assert got == dict(expected) and total == sum(expected.values())


def test_filters_keep_and_exclude_the_files_own_categories(home):
    rows = [r for r in searches() if day(r).year == 2016]
    _, drugs, axes = answer(
        home,
        periods=[{"calendar_year": 2016}],
        breakdowns=["officer_defined_ethnicity"],
        filters=[
            {"breakdown": "object_of_search", "keep": ["Controlled drugs"]},
            {"breakdown": "age_range", "exclude": ["over 34"]},
        ],
    )
    expected = Counter(
        r["Officer-defined ethnicity"] or "Not recorded"
        for r in rows
        if r["Object of search"] == "Controlled drugs" and r["Age range"] != "over 34"
    )
    got = {
        r["officer_defined_ethnicity"]: r["stop_searches"]
        for r in drugs.frame.iter_rows(named=True)
        if r["stop_searches"]
    }
    assert got.pop("All ethnic groups") == sum(expected.values()) and got == dict(expected)
    assert (
        "Only stop and searches where the object of search was Controlled drugs are counted." in drugs.notes
    )
    assert axes.fixed["object_of_search"] == {"Controlled drugs"} and "over 34" not in axes.fixed["age_range"]
    (cell,) = [
        c
        for c in published_cells(drugs, axes, "r1/v1", "")
        if dict(c.labels)["officer_defined_ethnicity"] == "White"
    ]
    assert cell.population["source"] == {"stop_search"} and cell.population["offence"] == {"n/a"}
    assert cell.population["station"] == {"n/a"} and cell.population["officer_defined_ethnicity"] == {"White"}


def test_the_example_spec_end_to_end(home):
    """The committed example through the request pipeline: every published figure is the independent count,
    and a withheld one is a count the threshold protects."""
    from flows.pipeline import run_request

    quarters = [
        ("January to March 2016", 1),
        ("April to June 2016", 4),
        ("July to September 2016", 7),
        ("October to December 2016", 10),
    ]
    expected: Counter = Counter()
    for r in searches():
        d = day(r)
        if r["Object of search"] == "Controlled drugs" and d.year == 2016:
            q = next(label for label, first in reversed(quarters) if d.month >= first)
            for period in (q, "All periods"):
                for eth in (group(r["Self-defined ethnicity"]), "All ethnic groups"):
                    for outcome in (r["Outcome"] or "Not recorded", "All outcomes"):
                        expected[(period, eth, outcome)] += 1
    spec, _ = load_spec(SPEC)
    with duckdb.connect(str(home.warehouse_path), read_only=True) as con:
        ((_, table),) = answer_request_planned(con, spec, home.sql_dir, margins=True)
    truth = {
        (r["period"], r["ethnicity_group"], r["outcome"]): r["stop_searches"]
        for r in table.frame.iter_rows(named=True)
    }
    assert {k: v for k, v in truth.items() if v} == dict(expected)

    (release,) = run_request(home, str(SPEC)).releases
    folder = release.path / "files"  # the draft's public files
    (path,) = folder.glob("part-1.csv")
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    reader = csv.reader(lines)
    header = next(reader)
    # disclosure control may combine a dimension (the quarters into one total) when suppression alone would
    # hide too much: a column it dropped counts its total
    columns = {
        "Period": "All periods",
        "Self-defined ethnicity": "All ethnic groups",
        "Outcome": "All outcomes",
    }
    (entry,) = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["tables"]
    rounded = entry.get("rounded_to")
    shown, withheld = 0, []
    for row in reader:
        key = tuple(row[header.index(c)] if c in header else total for c, total in columns.items())
        value = row[header.index("Number of stop and searches (data.police.uk)")]
        if value.startswith("["):
            withheld.append(expected.get(key, 0))
        else:  # exact, or within the base the last-resort rounding used
            assert abs(int(value) - expected.get(key, 0)) < (rounded or 1), key
            shown += 1
    assert shown > 10 and any(1 <= n <= home.threshold - 1 for n in withheld)
    letter = (folder / "letter.md").read_text(encoding="utf-8")
    assert "Only stop and searches where the object of search was Controlled drugs are counted." in letter


def test_the_real_request_for_searches_by_outcome(home):
    """data/requests/real/r20: every search in January to March 2016 once, by month and outcome as published."""
    spec, _ = load_spec(PROJECT_ROOT / "data" / "requests" / "real" / "r20-stop-search-by-outcome.yaml")
    expected: Counter = Counter()
    for r in searches():
        d = day(r)
        if d.year == 2016 and d.month <= 3:
            for period in (f"{d:%B %Y}", "All periods"):
                for outcome in (r["Outcome"] or "Not recorded", "All outcomes"):
                    expected[(period, outcome)] += 1
    with duckdb.connect(str(home.warehouse_path), read_only=True) as con:
        ((_, table),) = answer_request_planned(con, spec, home.sql_dir, margins=True)
    got = {(r["period"], r["outcome"]): r["stop_searches"] for r in table.frame.iter_rows(named=True)}
    assert {k: v for k, v in got.items() if v} == dict(expected) and expected
