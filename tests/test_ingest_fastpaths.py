"""The shortcuts ingest takes for speed give exactly the slow way's answers, and the prefetch keeps file order."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.ingest import tables
from flows.ingest.dates import ordered_formats
from flows.ingest.encoding import sniff
from flows.ingest.extract_time import file_extracted_at, file_extracted_at_text
from flows.ingest.prefetch import sniffed_ahead

VALUES = [
    None,
    "",
    " ",
    "   ",
    "a",
    " a",
    "a ",
    "  a b  ",
    "a\t",
    "\ta",
    "\u00a0a\u00a0",
    "x" * 40,
    " " + "x" * 40,
]


@pytest.fixture
def con():
    con = duckdb.connect()
    for macro in tables.MACROS:
        con.execute(macro)
    yield con
    con.close()


def test_clean_text_matches_its_starts_with_ends_with_definition(con):
    rows = con.execute(
        "select x, clean_text(x), "
        "case when starts_with(x, ' ') or ends_with(x, ' ') then nullif(trim(x), '') else nullif(x, '') end "
        "from unnest(?::varchar[]) as t(x)",
        [VALUES],
    ).fetchall()
    assert [(x, new) for x, new, _ in rows] == [(x, was) for x, _, was in rows]


@pytest.mark.parametrize(
    "values",
    [
        ["2016-01-31 02:00"] * 3,
        [" 2016-01-31 02:00 "] * 2,
        [None, None],
        ["  ", "  "],
        [None, "", "x"],
        ["b", "a", "b", None],
        ["\u00a0x", "\u00a0x"],
        [],
    ],
)
def test_file_extracted_at_text_is_the_mode(con, values):
    con.execute("create temp table t as select unnest(?::varchar[]) as extracted_at", [values])
    con.execute("create temp view batch as select * from t")
    mode = con.execute("select mode(nullif(trim(extracted_at), '')) from batch").fetchall()[0][0]
    assert file_extracted_at_text(con) == mode


@pytest.mark.parametrize(
    "values",
    [
        [datetime(2016, 1, 31, 2)] * 2,
        [None],
        [datetime(2016, 1, 1), None, datetime(2016, 2, 1), datetime(2016, 2, 1)],
    ],
)
def test_file_extracted_at_is_the_mode(con, values):
    con.execute("create temp table checked as select unnest(?::timestamp[]) as extracted_at", [values])
    assert file_extracted_at(con) == con.execute("select mode(extracted_at) from checked").fetchall()[0][0]


def test_formats_of_every_date_column_are_ordered_in_one_query(con):
    con.execute(
        "create temp view batch as select * from (values ('31/01/2016', '2016-01-31', 'x'), "
        "(' 01/02/2016', '2016-02-01', null)) as t(uk, iso, other)"
    )
    formats = ["%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y"]
    queries = []
    original = con.execute

    class Counting:
        def execute(self, sql, *args):
            queries.append(sql)
            return original(sql, *args)

    got = ordered_formats(Counting(), {"uk": formats, "iso": formats, "other": formats, "one": ["%Y"]})
    assert got == {
        "uk": ["%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y"],
        "iso": formats,
        "other": formats,
        "one": ["%Y"],
    }
    assert len(queries) == 1


def test_prefetch_keeps_order_and_sniffs_the_next_file_while_this_one_loads(tmp_path: Path):
    paths = []
    for i in range(4):
        paths.append(tmp_path / f"f{i}.csv")
        paths[-1].write_text(f"a,b\n{i},x\n")
    items = [*paths[:2], None, *paths[2:]]  # None: an item with nothing to sniff (a purged archive file)
    asked: list[Path] = []
    lock = threading.Lock()

    def path_of(item):
        with lock:
            asked.append(item)
        return item

    seen = []
    for item, sniffed in sniffed_ahead(items, path_of):
        seen.append(item)
        assert sniffed == (sniff(item) if item is not None else None)
        position = len(seen)
        if position < len(items):  # the next item's sniff was started before this one was handed over
            assert items[position] in asked
    assert seen == items


def test_prefetch_raises_a_failed_sniff_at_its_own_item(tmp_path: Path):
    good = tmp_path / "good.csv"
    good.write_text("a\n1\n")
    got = []
    with pytest.raises(FileNotFoundError):
        for item, _ in sniffed_ahead([good, tmp_path / "missing.csv"], lambda p: p):
            got.append(item)
    assert got == [good]
