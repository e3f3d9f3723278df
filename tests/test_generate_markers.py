"""The crime markers the generator writes (shared contract: domestic_abuse and knife_or_sharp_instrument Y/N/blank,
hate_crime_strands ';'-separated strands): columns that arrive over time, "not recorded" before that, and rates
by offence like the published figures. Files are re-read with the csv module (tests/generated.py)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest

from flows.generate.reference import load_reference
from tests.generated import latest_state, parse, read_all, tiny_run, when, without_dirty_rows

DOMESTIC, KNIFE, HATE = "domestic_abuse", "knife_or_sharp_instrument", "hate_crime_strands"
STRANDS = {"race", "religion", "sexual_orientation", "disability", "transgender"}
REFERENCE = load_reference()
HO_GROUP = dict(zip(REFERENCE.ho.codes, REFERENCE.ho.groups, strict=True))
HO_TITLE = dict(zip(REFERENCE.ho.codes, REFERENCE.ho.titles, strict=True))


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    """Crime files with their dirty rows (dirty.py: bad dates and codes, not a marker question) left out."""
    out, summary = tiny_run(tmp_path_factory)
    return [e for e in without_dirty_rows(read_all(out, summary), summary) if e[0].source == "crime"]


@pytest.fixture(scope="module")
def recent(extracts):
    """Crimes recorded from 2021 (every flag recorded by then), at their latest clean delivery."""
    rows = [rows[0] for rows in latest_state(extracts)["crime"].values()]
    return [r for r in rows if (t := when(r, "recorded_date")) and t >= datetime(2021, 1, 1)]


def test_marker_columns_arrive_over_time(extracts):
    seen = set()
    for f, header, _ in extracts:
        taken = datetime.fromisoformat(f.extracted_at).date()
        markers = tuple(c for c in (DOMESTIC, KNIFE, HATE) if c in header)
        assert header[len(header) - len(markers) :] == list(markers), f.path  # last, in the contract's order
        if taken < date(2018, 1, 1):
            assert markers == (), f.path  # the legacy system exported none
        elif taken < date(2020, 4, 1):
            assert markers == (DOMESTIC, HATE), f.path
        else:
            assert markers == (DOMESTIC, KNIFE, HATE), f.path
        seen.add(markers)
    assert len(seen) == 3


def test_flags_are_blank_for_crimes_from_before_they_were_recorded(extracts):
    since = {DOMESTIC: datetime(2018, 1, 1), KNIFE: datetime(2020, 4, 1)}
    checked = Counter()
    for f, header, rows in extracts:
        for row in rows:
            r = dict(zip(header, row, strict=True))
            recorded = parse(r["recorded_date"], f.date_style)
            for flag, first in since.items():
                if flag in r:
                    assert (r[flag] == "") == (recorded < first), (f.path, r["crime_ref"], flag, r[flag])
                    assert r[flag] in {"", "Y", "N"}
                    checked[flag, recorded < first] += 1
            if HATE in r and recorded < since[DOMESTIC]:
                assert r[HATE] == "", (f.path, r["crime_ref"])
    assert all(checked[flag, before] > 0 for flag in since for before in (True, False))


def test_domestic_abuse_by_offence(recent):
    share = _share(recent, lambda r: r[DOMESTIC] == "Y")
    assert 0.25 < share["VAP"] < 0.5
    assert 0.05 < share["CDA"] < 0.3
    assert share["THF"] < 0.05 and share["DRG"] == 0
    stalking_harassment = [r for r in recent if r["ho_offence_code"] in {"8L", "8Q"}]
    assert sum(r[DOMESTIC] == "Y" for r in stalking_harassment) / len(stalking_harassment) > share["VAP"]


def test_knife_or_sharp_instrument_by_offence(recent):
    flagged = {HO_GROUP[r["ho_offence_code"]] for r in recent if r[KNIFE] == "Y"}
    assert flagged <= {"VAP", "ROB", "SEX"} and {"VAP", "ROB"} <= flagged
    assert 0.03 < _share(recent, lambda r: r[KNIFE] == "Y")["ROB"] < 0.25


def test_hate_crime_strands(recent):
    hate = [r for r in recent if r[HATE]]
    assert 0.01 < len(hate) / len(recent) < 0.05
    strands = Counter(s for r in hate for s in r[HATE].split(";"))
    assert set(strands) <= STRANDS and strands.most_common(1)[0][0] == "race"
    assert all(len(set(r[HATE].split(";"))) == len(r[HATE].split(";")) for r in hate)  # each strand once
    assert any(";" in r[HATE] for r in hate)  # several strands now and then
    groups = Counter(HO_GROUP[r["ho_offence_code"]] for r in hate)
    assert (groups["POF"] + groups["VAP"]) / len(hate) > 0.7
    aggravated = [r for r in recent if HO_TITLE[r["ho_offence_code"]].startswith("Racially or religiously")]
    assert aggravated and all({"race", "religion"} & set(r[HATE].split(";")) for r in aggravated)


def _share(rows: list[dict[str, str]], flagged) -> dict[str, float]:
    total, hits = Counter(), Counter()
    for r in rows:
        group = HO_GROUP[r["ho_offence_code"]]
        total[group] += 1
        hits[group] += bool(flagged(r))
    return {g: hits[g] / total[g] for g in total}
