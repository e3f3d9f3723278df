"""Golden tables: hand-written extracts (tests/golden/extracts) answered by the request engine must give the
tables worked out by hand (tests/golden/expected), cell for cell, flags included.

Hand workings (as-at 2 Apr 2024 02:00, last whole day 1 Apr 2024, provisional after 2 Jan 2024):
- MPS: s.25 = M01 (2018 charged), M02 (2018 NFA -> not charged), M07, M08 (2022 charged; M08 is the
  conspiracy code IM71142C, included); s.25A = M03 (2019 charged), M04 (2019 caution, IM71105C); s.25B(1) = M05
  (2020 RUI -> pending); s.25B(3) = M06 (2021 bailed -> pending). M09 (2017), M10 (2023), M11 (secondary offence
  only), M12 (IM71002) are not counted. Total 8.
- WMP week: 2015-07-29..08-05 = W01, W02, W09 = 3; 2014-07-30..08-06 = W05, W06, W11 = 3. July 2015 = W01, W04,
  W08 = 3; July 2014 = W05, W07, W10, W11 = 4 (change -1, -25.0%).
- FY: 2022/23 = F01 (31 Mar 2023 23:59), F03; 2023/24 = F02 (1 Apr 2023 00:00), F05; F04 is 2021/22.
- Leap day: Feb 2024 = L01 (29th), L02; Feb 2023 (to the 28th) = L03. Window Wed 28 Feb-Fri 1 Mar 2024 = L01, L05;
  364 days earlier (1-3 Mar 2023) = L04.
- To date: 2024-01-01..04-01 = T03, T01 (T02 is 2 Apr); 2023-01-01..04-01 = T06, T04 (T05 is 2 Apr).
- Changed outcome: latest = C01 charged, C02 charged; as at 10 Mar 02:00 = C01 bailed (pending), C02 charged.
- Several offences: principal = S02 (constable), S03 (emergency worker); any = constable S01, S02, S03,
  emergency worker S01, S03, total 3 records; people (any) = constable {PS1, PS3}, worker {PS1, PS3}, total 2.
- Persons 2023: 11 arrests by 10 people (PS1 twice); only PS3 (S03) is Black, everyone else White.
- police.uk (tests/golden/police_uk, three monthly street files): Drugs in January = a01, a02 (drugs possession
  warning), a03 (court result unavailable); February = b01 (under investigation), b02-b04 (court result
  unavailable); March has none (c01 is a weapons crime); a04 (shoplifting) and the anti-social behaviour row
  are other crime types.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.config import load_settings
from flows.contracts.tidy import Role, TidyTable
from flows.pipeline import stage_ingest, stage_transform
from flows.requests.answer import answer_request
from flows.requests.spec import load_spec

GOLDEN = Path(__file__).parent / "golden"
REQUESTS = Path(__file__).resolve().parents[1] / "data" / "requests"
CASES = {
    "mps": REQUESTS / "mps-01-foi-22-025326.yaml",
    "wmp": REQUESTS / "wmp-3056-15.yaml",
    "police_uk": REQUESTS / "example-police-uk-drugs-by-month-outcome.yaml",
    **{p.stem: p for p in sorted((GOLDEN / "specs").glob("*.yaml"))},
}


@pytest.fixture(scope="module")
def golden_con(tmp_path_factory):
    home = tmp_path_factory.mktemp("golden")
    shutil.copytree(GOLDEN / "extracts", home / "landing")
    for path in (GOLDEN / "police_uk").glob("*.csv"):
        shutil.copy(path, home / "landing" / path.name)
    settings = load_settings(home=home)
    report = stage_ingest(settings)
    assert not report.rejected and all(o.status == "loaded" for o in report.outcomes), [
        o.line() for o in report.outcomes
    ]
    stage_transform(settings)
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    yield con, settings.sql_dir
    con.close()


def _answers(golden_con, case: str) -> dict[str, TidyTable]:
    con, sql_dir = golden_con
    spec, _ = load_spec(CASES[case])
    return {t.name: t for t in answer_request(con, spec, sql_dir, margins=True)}


def _expected(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _text(value: object) -> str:
    return "" if value is None else f"{value:.1f}" if isinstance(value, float) else str(value)


EXPECTED = sorted((GOLDEN / "expected").glob("*.csv"))


@pytest.mark.parametrize("path", EXPECTED, ids=[p.stem for p in EXPECTED])
def test_golden_table(golden_con, path):
    case, part = path.stem.rsplit("_part_", 1)
    table = _answers(golden_con, case)[f"part_{part}"]
    rows = _expected(path)
    dims = table.dimension_names
    assert list(rows[0])[: len(dims)] == dims, "expected file's dimension columns"
    got = {tuple(r[d] for d in dims): r for r in table.frame.iter_rows(named=True)}
    listed = set()
    for row in rows:
        key = tuple(row[d] for d in dims)
        assert key in got, f"{path.name}: no row {key}; rows are {sorted(got)[:6]}..."
        listed.add(key)
        for column in list(row)[len(dims) :]:
            assert _text(got[key][column]) == row[column], f"{path.name} {key} {column}"
    counts = [m.name for m in table.measures if m.role is Role.COUNT]
    for key, record in got.items():
        if key not in listed:
            assert all(record[c] == 0 for c in counts), f"{path.name}: {key} should be 0, is {record}"


def test_every_golden_case_has_an_expected_table():
    covered = {p.stem.rsplit("_part_", 1)[0] for p in EXPECTED}
    assert covered == set(CASES)


def test_a_changed_outcome_is_counted_as_it_was_known(golden_con):
    tables = _answers(golden_con, "changed_outcome")
    now, then = (
        t.frame.filter(pl.col("further_action") == "Outcome pending")["arrests"].item()
        for t in (tables["part_1"], tables["part_2"])
    )
    assert (now, then) == (0, 1)
