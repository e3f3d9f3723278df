"""Row numbers are exact: data row N is the Nth CSV record after the header, whatever the file holds
(quoted newlines, blank lines, rows with the wrong number of fields), for staged and quarantined rows alike.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from flows.config import PROJECT_ROOT
from flows.db import connect
from flows.ingest import ingest_landing
from flows.ingest.rownumbers import gap_table, number_of
from flows.reference.load import load_reference
from tests.corpus.cases import CUSTODY_HEADER, custody


def test_gap_table_numbers_accepted_rows_around_skipped_records():
    skipped = [2, 3, 7]  # e.g. a rejected row, a blank line, another rejected row
    gaps = gap_table(skipped)
    assert [number_of(k, gaps) for k in range(1, 6)] == [1, 4, 5, 6, 8]
    assert gap_table([]) == [] and number_of(4, []) == 4


def _messy_file(seed: int, newline: str) -> tuple[bytes, dict[str, int], dict[int, str]]:
    """A custody file with awkward records, the record number of every good row's custody_ref, and the
    record number -> kind of every row that must be quarantined."""
    rng = random.Random(seed)
    records: list[str] = []
    good: dict[str, int] = {}
    bad: dict[int, str] = {}
    for i in range(1, 1501):
        roll = rng.random()
        if roll < 0.05:
            records.append("")  # a blank line: not a row, but it keeps its place in the numbering
            continue
        ref = f"R{i}"
        if roll < 0.25:
            station = '"Suite ' + rng.choice(["A\nB", 'A\r\nB,""quoted""', "\n\nA", "A,B\nC\nD"]) + '"'
            records.append(custody(ref, station=station))
            good[ref] = len(records)
        elif roll < 0.28:
            records.append(f"{ref},SECRET,05/08/2015 13:04,1")
            bad[len(records)] = "fewer fields"
        elif roll < 0.30:
            records.append(custody(ref) + ",surplus")
            bad[len(records)] = "more fields"
        elif roll < 0.33:
            records.append(custody(ref, age="0"))
            bad[len(records)] = "outside 10 to 110"
        else:
            records.append(custody(ref))
            good[ref] = len(records)
    data = (newline.join([CUSTODY_HEADER, *records]) + newline).encode()
    return data, good, bad


@pytest.mark.parametrize(("seed", "newline"), [(1, "\n"), (2, "\r\n"), (3, "\n")])
def test_row_numbers_are_exact_in_a_messy_file(settings, seed, newline):
    data, good, bad = _messy_file(seed, newline)
    settings.landing_dir.mkdir(parents=True)
    (settings.landing_dir / "custody.csv").write_bytes(data)
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        (outcome,) = ingest_landing(
            con, settings.landing_dir, raw_dir=settings.raw_dir, sql_dir=settings.sql_dir, max_share=1.0
        ).outcomes
        staged = dict(con.sql("select custody_ref, row_number from staging.custody_offences").fetchall())
        quarantined = dict(
            con.sql("select row_number, string_agg(reason, '; ') from quarantine.rows group by 1").fetchall()
        )
    assert (outcome.rows_staged, outcome.rows_quarantined) == (len(good), len(bad))
    assert staged == good
    assert set(quarantined) == set(bad)
    assert all(bad[n] in why for n, why in quarantined.items())


def test_every_bad_cell_the_generator_injected_is_quarantined_at_its_exact_row(settings):
    """The committed synthetic sample (data/sample) lists every injected bad cell by file, row and column."""
    sample = PROJECT_ROOT / "data" / "sample"
    summary = json.loads((sample / "generator-summary.json").read_text(encoding="utf-8"))
    with connect(settings) as con:
        load_reference(con, settings.reference_dir)
        ingest_landing(
            con,
            sample,
            raw_dir=settings.raw_dir,
            sql_dir=settings.sql_dir,
            max_share=0.01,
            remove_landed=False,
        )
        got = con.sql(
            "select f.original_name, q.row_number, q.column_name, q.reason from quarantine.rows as q "
            "inner join raw.extract_files as f using (file_id)"
        ).fetchall()
        read = dict(con.sql("select original_name, rows_read from raw.extract_files").fetchall())
        statuses = {s for (s,) in con.sql("select distinct status from raw.extract_files").fetchall()}
    assert statuses <= {"loaded", "partly quarantined"}
    assert read == {f["path"]: f["rows"] for f in summary["files"]}
    injected = {(c["file"], c["row"]): c["column"] for c in summary["dirty_cells"]}
    found = {(f, r): c for f, r, c, why in got if "quarantined whole" not in why}
    assert found == injected
    cascades = {(f, r) for f, r, c, why in got if "quarantined whole" in why}
    assert not cascades & set(injected)


def test_the_sample_folder_is_untouched_after_loading_with_remove_landed_false():
    assert len(list((PROJECT_ROOT / "data" / "sample").glob("*.csv"))) > 0
    assert Path(PROJECT_ROOT / "data" / "sample" / "generator-summary.json").exists()
