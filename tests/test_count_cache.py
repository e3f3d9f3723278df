"""Counts are reused while the warehouse holds the same data: a request asked again (or a standing dataset
re-drafted on a night with nothing new) does not count again, and a new delivery is counted afresh."""

from __future__ import annotations

import os

import pytest
from conftest import CUSTODY_HEADER, custody_row, write_extract
from test_release_faults import _arrests

import flows.release.make as make
from flows.config import PROJECT_ROOT, load_settings
from flows.db import connect
from flows.pipeline import run_request, stage_ingest, stage_transform
from flows.release.count_cache import identity

SPEC = "requests/wmp-3056-15.yaml"


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    write_extract(home / "landing", "custody.csv", CUSTODY_HEADER, _arrests())
    settings = load_settings(home=home)
    assert not stage_ingest(settings).rejected
    stage_transform(settings)
    monkeypatch.chdir(PROJECT_ROOT / "data")
    return home


@pytest.fixture
def counts(monkeypatch) -> list[str]:
    """Each time a part is really counted."""
    calls: list[str] = []
    real = make.answer_part_planned

    def counting(con, part, *args, **kwargs):
        calls.append(part.id)
        return real(con, part, *args, **kwargs)

    monkeypatch.setattr(make, "answer_part_planned", counting)
    return calls


def _table(settings):
    with connect(settings, read_only=True) as con:
        from flows.release.source import request_source

        answered, _ = make.answer_parts(settings, con, request_source(settings, SPEC))
    return [table.frame for _, table in answered]


def _same(a, b) -> bool:
    return len(a) == len(b) and all(x.equals(y) for x, y in zip(a, b, strict=True))


def test_the_same_request_on_the_same_data_is_counted_once(home, counts):
    settings = load_settings(home=home)
    first = _table(settings)
    again = _table(settings)
    assert len(counts) == len(first) and _same(first, again)
    assert run_request(settings, SPEC).summary_lines()[0].startswith("drafted ")
    assert len(counts) == len(first)  # the request itself reused the counts too


def test_a_new_delivery_is_counted_afresh(home, counts):
    settings = load_settings(home=home)
    with connect(settings, read_only=True) as con:
        before_identity = identity(con)
    before = _table(settings)
    more = [
        custody_row(f"N{i}", code="IM71002", when=f"{d:02d}/07/2015 11:00", extracted="02/09/2015 02:00")
        for i, d in enumerate((1, 2, 3, 6, 7, 8))
    ]
    write_extract(home / "landing", "custody-more.csv", CUSTODY_HEADER, more)
    assert not stage_ingest(settings).rejected
    stage_transform(settings)
    with connect(settings, read_only=True) as con:
        assert identity(con) != before_identity
    after = _table(settings)
    assert len(counts) == 2 * len(before)
    month = after[1]  # part 2: July 2015, where the new arrests fall
    value = [c for c in month.columns if c.startswith("arrests") and not c.endswith("_flag")][0]
    assert month[value].sum() > before[1][value].sum()


def test_a_damaged_entry_is_counted_again(home, counts):
    settings = load_settings(home=home)
    first = _table(settings)
    for entry in (home / "cache" / "counts").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert _same(_table(settings), first) and len(counts) == 2 * len(first)
    assert os.listdir(home / "cache" / "counts")
