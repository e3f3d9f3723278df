"""The pandas baseline computes the same standing table as the floor's SQL, from the same files."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from bench.pandas_baseline import standing_table
from bench.tasks import _csvs, _encodings, _utf8, floor_sql

ROOT = Path(__file__).resolve().parents[1]
SAMPLE, REFERENCE = ROOT / "data" / "sample", ROOT / "data" / "reference"


def _floor_counts() -> dict[tuple[str, int, str], int]:
    con = duckdb.connect()
    con.execute(
        "create table ref_offences as select * from read_csv(?, all_varchar = true)",
        [str(REFERENCE / "offences.csv")],
    )
    con.execute(
        "create table ref_disposals as select * from read_csv(?, all_varchar = true)",
        [str(REFERENCE / "custody_disposals.csv")],
    )
    enc = _encodings(SAMPLE)
    with tempfile.TemporaryDirectory() as scratch:
        files = [str(_utf8(p, enc[p.name], Path(scratch))) for p in _csvs(SAMPLE, "custody")]
        rows = con.execute(floor_sql(files), {"files": files}).fetchall()
    return {(group, int(year), outcome): n for group, year, outcome, n in rows if year is not None}


def test_pandas_matches_the_floor(tmp_path: Path) -> None:
    table = standing_table(SAMPLE, REFERENCE, tmp_path / "arrests.xlsx")
    found = {
        (group, int(year), outcome): int(n)
        for (group, year), row in table.iterrows()
        for outcome, n in row.items()
        if n
    }
    assert found == _floor_counts()
    assert (tmp_path / "arrests.xlsx").stat().st_size > 0
