"""Protection is solved once per input: a re-run with the same tables, populations, policy and publication
record reuses the earlier result (the nightly run re-drafting a standing period that awaits approval), and
anything new in the record is solved again, never answered from a stale entry."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sdc_tables import with_margins
from test_publish_helpers import make_context
from test_release_lifecycle import year_axes, year_table

import flows.sdc.protect
from flows.config import PROJECT_ROOT, load_settings
from flows.release.draft import write_draft
from flows.release.protection import protect_release
from flows.release.protection_cache import digest

HALVES = {("H1",): 17, ("H2",): 3}


@pytest.fixture
def settings(tmp_path):
    return load_settings(home=tmp_path / "home", organisation="Test Constabulary", operator="analyst")


@pytest.fixture
def solves(monkeypatch):
    """How many times the disclosure-control engine ran."""
    calls = []
    real = flows.sdc.protect.protect

    def counting(*args, **kwargs):
        calls.append(kwargs.get("release_id"))
        return real(*args, **kwargs)

    monkeypatch.setattr(flows.sdc.protect, "protect", counting)
    return calls


def protect_halves(settings):
    table = with_margins("h", [("period", ["H1", "H2"], None)], HALVES)
    return protect_release([table], settings, populations={"h": year_axes(["H1", "H2"])}, reference="halves")


def shown(protected) -> list:
    return protected.tables[0].frame.select("period", "arrests", "arrests_flag").rows()


def test_the_same_inputs_are_protected_once(settings, solves):
    first = protect_halves(settings)
    again = protect_halves(settings)
    assert len(solves) == 1
    assert shown(again) == shown(first) and again.explanation == first.explanation
    assert ("H2", 3, "[c]") in shown(first)


def test_a_new_draft_in_the_record_is_solved_again_and_changes_the_answer(settings, solves):
    alone = protect_halves(settings)
    assert ("H1", 17, "") in shown(alone)  # alone, only H2 needs withholding
    yearly = protect_release(
        [year_table("2021", 20)], settings, populations={"y": year_axes(["2021"])}, reference="yearly"
    )
    write_draft(settings, yearly.tables, make_context(reference="yearly", request=None), yearly, "standing")
    solves.clear()
    with_yearly = protect_halves(settings)
    assert len(solves) == 1  # the record changed: not answered from the entry made without it
    assert ("H1", 17, "[c]") in shown(with_yearly)  # 2021 = 20 is awaiting publication: 20 - 17 = H2


def test_a_pending_draft_whose_file_changed_is_read_and_solved_again(settings, solves):
    """Pending drafts are keyed by their file's hash and their cells kept per process while the file is
    unchanged: a different draft.json at the same path (a re-made draft) is read again and solved again."""
    import json

    from flows.release.store import find_draft

    yearly = protect_release(
        [year_table("2021", 20)], settings, populations={"y": year_axes(["2021"])}, reference="yearly"
    )
    write_draft(settings, yearly.tables, make_context(reference="yearly", request=None), yearly, "standing")
    assert ("H1", 17, "[c]") in shown(protect_halves(settings))
    path = find_draft(settings, "yearly").folder / "draft.json"
    record = json.loads(path.read_text())
    record["cells"] = []  # as if the pending draft held nothing: H1 alone no longer discloses H2
    path.write_text(json.dumps(record))
    solves.clear()
    assert ("H1", 17, "") in shown(protect_halves(settings)) and len(solves) == 1


def test_a_damaged_entry_is_solved_again(settings, solves):
    protect_halves(settings)
    for entry in (settings.home / "cache" / "protection").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert ("H2", 3, "[c]") in shown(protect_halves(settings))
    assert len(solves) == 2


def test_the_key_is_the_same_in_every_process():
    """Sets have no fixed order between processes (hash seeds differ): the key must not depend on it."""
    code = (
        "from flows.release.protection_cache import digest\n"
        "from test_release_lifecycle import year_axes\n"
        "print(digest({'axes': year_axes(['H1', 'H2']), 'labels': frozenset('abcdefgh')}))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=PROJECT_ROOT / "tests",
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1
    assert digest({"labels": frozenset("abcdefgh")}) != digest({"labels": frozenset("abcdefg")})


def test_sets_with_the_same_text_are_different_keys():
    """Sets are hashed whole (fast, for the record's ten-year day sets); what they hold still tells keys apart."""
    from datetime import date

    assert digest({"s": frozenset({"a,b", "c"})}) != digest({"s": frozenset({"a", "b,c"})})
    assert digest({"s": frozenset({'a", "b'})}) != digest({"s": frozenset({"a", "b"})})
    assert digest({"s": frozenset({date(2021, 1, 1)})}) != digest({"s": frozenset({"2021-01-01"})})
    assert digest({"s": frozenset({1, 2})}) != digest({"s": frozenset({"1", "2"})})
    assert digest({"s": {date(2021, 1, 1), date(2021, 1, 2)}}) == digest(
        {"s": frozenset({date(2021, 1, 2), date(2021, 1, 1)})}
    )
