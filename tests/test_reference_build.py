"""The reference build: the whole standing data, reproducible to the byte, its sources recorded, and the named
selections rebuilt from the law. Tests that need ../shared skip cleanly without it (CI has no copy)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from flows.reference.build import BuildError, build
from flows.reference.group_rules import RuleError
from flows.reference.standing_data import read_standing_data, readable

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"
SHARED = ROOT.parent / "shared" / "reference"
needs_shared = pytest.mark.skipif(
    not (SHARED / "cjs_offence_codes").is_dir(), reason="../shared/reference not here"
)
HAND_MADE = ("offence_groups.csv", "offence_group_rules.csv", "offence_selection_rules.csv")
BUILT = (
    "offences.csv",
    "offence_standing_data.csv",
    "offence_selections.csv",
    "ho_offence_codes.csv",
    "sources.csv",
)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _inputs(folder: Path) -> Path:
    folder.mkdir()
    for name in HAND_MADE:
        shutil.copy(REFERENCE / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    if not (SHARED / "cjs_offence_codes").is_dir():
        pytest.skip("../shared/reference not here")
    out = _inputs(tmp_path_factory.mktemp("ref") / "a")
    build(SHARED, out)
    return out


@needs_shared
def test_build_is_reproducible_and_the_committed_files_are_its_output(built, tmp_path):
    again = _inputs(tmp_path / "b")
    build(SHARED, again)
    for name in BUILT:
        assert (
            (built / name).read_bytes() == (again / name).read_bytes() == (REFERENCE / name).read_bytes()
        ), name


@needs_shared
def test_every_code_of_both_lists_is_there_once(built):
    lists = {
        name: {item["cjsCode"] for item in json.loads((SHARED / "cjs_offence_codes" / name).read_text())}
        for name in ("cjs-offences.json", "pnc-ccjs-cjs-offences.json")
    }
    union = set().union(*lists.values())
    rows = _read(built / "offences.csv")
    assert [r["cjs_code"] for r in rows] == sorted(union) and len(union) > 24_000
    standing = {r["cjs_code"]: r for r in _read(built / "offence_standing_data.csv")}
    assert set(standing) == union
    only_pnc = lists["pnc-ccjs-cjs-offences.json"] - lists["cjs-offences.json"]
    assert {c for c, r in standing.items() if r["source_lists"] == "pnc-ccjs"} == only_pnc
    assert standing["IM71131"]["source_lists"] == "pnc-ccjs" and standing["IM71142"]["source_lists"] == "both"


@needs_shared
def test_sources_record_repo_commit_and_the_hash_of_each_file(built):
    for row in _read(built / "sources.csv"):
        assert row["sha256"] == hashlib.sha256((SHARED / row["file"]).read_bytes()).hexdigest()
        assert len(row["commit"]) == 40 and "/" in row["repo"]


@needs_shared
def test_every_home_office_code_of_the_classification_is_kept(built):
    hierarchy = _read(SHARED / "ho_offence_classification" / "ons_crime_offence_hierarchy.csv")
    parents = {r["parent_code"] for r in hierarchy}
    leaves = {r["code"] for r in hierarchy if r["code"] not in parents and r["code"] != "offence"}
    assert {r["ho_offence_code"] for r in _read(built / "ho_offence_codes.csv")} == leaves and len(
        leaves
    ) == 136


@needs_shared
def test_a_bad_rule_file_stops_the_build_before_anything_is_written(tmp_path):
    out = _inputs(tmp_path / "bad")
    (out / "offence_group_rules.csv").write_text(
        "rule_id,tier,act_prefix,match,offence_group_code,is_notifiable,reasoning\nx,code,,ZZ99999,VAP,true,why\n"
    )
    with pytest.raises(RuleError, match="ZZ99999"):
        build(SHARED, out)
    assert not (out / "offences.csv").exists()


def test_a_folder_that_is_not_the_shared_reference_is_refused(tmp_path):
    with pytest.raises(BuildError, match="missing cjs_offence_codes/cjs-offences.json"):
        build(tmp_path, _inputs(tmp_path / "out"))


def test_standing_data_merge_titles_variants_and_recordable(tmp_path):
    (tmp_path / "cjs-offences.json").write_text(
        json.dumps(
            [
                {
                    "cjsCode": "AB12001",
                    "offenceCategory": "CE",
                    "offenceTitle": "Mixed case title",
                    "recordableOnPnc": False,
                },
                {
                    "cjsCode": "AB12001C",
                    "offenceCategory": "CI",
                    "offenceTitle": "Conspire to it",
                    "recordableOnPnc": True,
                },
                {
                    "cjsCode": "AB12009C",
                    "offenceCategory": "CI",
                    "offenceTitle": "Conspire, no base",
                    "recordableOnPnc": True,
                },
            ]
        )
    )
    (tmp_path / "pnc-ccjs-cjs-offences.json").write_text(
        json.dumps(
            [
                {"cjsCode": "AB12001", "offenceTitle": "MIXED CASE TITLE", "recordableOnPnc": True},
                {
                    "cjsCode": "AB12002",
                    "offenceTitle": "ENTER UNITED KINGDOM IN BREACH OF EU CLASS A ORDER",
                    "recordableOnPnc": False,
                },
            ]
        )
    )
    got = {c.code: c for c in read_standing_data(tmp_path)}
    one, pnc_only = got["AB12001"], got["AB12002"]
    assert one.title == "Mixed case title" and one.pnc_title == ""  # same words: no second title
    assert one.is_recordable and one.recordable_conflict and one.source_lists == "both"  # either list says so
    assert (
        pnc_only.title == "Enter United Kingdom in breach of EU Class A order" and not pnc_only.is_recordable
    )
    assert pnc_only.category == "" and pnc_only.source_lists == "pnc-ccjs"
    assert (
        got["AB12001C"].variant == "conspiracy" and got["AB12009C"].variant == "substantive"
    )  # no base code
    assert readable("ASSAULT ON HM FORCES - PSV") == "Assault on HM forces - PSV"


# ---- selections, from the committed files (no ../shared needed) ---------------------------------------


def _selections() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in _read(REFERENCE / "offence_selections.csv"):
        assert r["reasoning"], r  # every code's inclusion is reasoned
        out.setdefault(r["selection"], []).append(r["cjs_code"])
    return out


def test_section_25_covers_every_version_of_the_offence():
    s25 = _selections()["assisting_unlawful_immigration"]
    # pre-2003 (IM71014), 2003-2022 (IM71131), the EU member-state limb (IM71104), since June 2022 (IM71142)
    assert {"IM71014", "IM71131", "IM71104", "IM71142"} <= set(s25)
    assert not {"IM71015", "IM71142C"} & set(s25)  # harbouring is not counted; variants come from the request
    assert {"IM71081", "IM71105", "IM71143"} <= set(_selections()["facilitating_asylum_seekers_for_gain"])


def test_immigration_act_1971_is_every_im71_code():
    codes = {r["cjs_code"] for r in _read(REFERENCE / "offences.csv") if r["cjs_code"].startswith("IM71")}
    assert set(_selections()["immigration_act_1971"]) == codes and len(codes) > 170


def test_selection_rules_name_only_real_substantive_codes(tmp_path):
    from flows.reference.selections import build_selections
    from flows.reference.standing_data import StandingCode

    codes = [
        StandingCode("AB12001", "t", "", "CE", True, False, "both", "substantive"),
        StandingCode("AB12001C", "t", "", "CI", True, False, "both", "conspiracy"),
    ]
    rules = tmp_path / "rules.csv"
    header = "selection,selection_label,kind,match,reasoning\n"
    rules.write_text(header + "s,S,code,AB12001C,why\n")
    with pytest.raises(RuleError, match="conspiracy variant"):
        build_selections(rules, codes)
    rules.write_text(header + "s,S,code,AB12002,why\n")
    with pytest.raises(RuleError, match="row 2, column match"):
        build_selections(rules, codes)
    rules.write_text(header + "s,S,prefix,AB12,why\ns,S,exclude,AB12001,left out\n")
    assert [r.cjs_code for r in build_selections(rules, codes)] == ["AB12001", "AB12001C"]
