"""`disclose reference report`: coverage by rule and group, and what changed between two reference versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.reference import report

OFFENCES = "cjs_code,offence_title,offence_group_code,offence_group,variant,is_notifiable,group_rule_id\n"
GROUPS = (
    "offence_group_code,offence_group,display_order,is_notifiable,description\n"
    "VAP,Violence,1,true,x\nSUM,Summary,2,false,x\nNCL,Not classified,3,,x\n"
)
RULES = (
    "rule_id,tier,act_prefix,match,offence_group_code,is_notifiable,reasoning\n"
    "t-assault,title,,assault,VAP,true,why\nc-summary,category,,CS,SUM,false,why\nt-unused,title,,nothing,VAP,true,why\n"
)
SELECTIONS = "selection,selection_label,cjs_code,reasoning\n"


def _version(folder: Path, version: str, offences: list[str], selections: list[str]) -> Path:
    folder.mkdir()
    (folder / "VERSION").write_text(version + "\n")
    (folder / "offences.csv").write_text(OFFENCES + "".join(f"{r}\n" for r in offences))
    (folder / "offence_selections.csv").write_text(SELECTIONS + "".join(f"{r}\n" for r in selections))
    (folder / "offence_groups.csv").write_text(GROUPS)
    (folder / "offence_group_rules.csv").write_text(RULES)
    return folder


@pytest.fixture
def two_versions(tmp_path):
    old = _version(
        tmp_path / "old",
        "1",
        [
            "AB12001,Assault,VAP,Violence,substantive,true,t-assault",
            "AB12001A,Attempt assault,VAP,Violence,attempt,true,t-assault",
            "AB12002,Nuisance,SUM,Summary,substantive,false,c-summary",
            "AB12003,Gone,SUM,Summary,substantive,false,c-summary",
        ],
        ["s,S,AB12001,why", "s,S,AB12003,why"],
    )
    new = _version(
        tmp_path / "new",
        "2",
        [
            "AB12001,Assault by beating,VAP,Violence,substantive,true,t-assault",
            "AB12001A,Attempt assault,VAP,Violence,attempt,true,t-assault",
            "AB12002,Nuisance,VAP,Violence,substantive,true,t-assault",
            "AB12004,Unknown thing,NCL,Not classified,substantive,,none",
        ],
        ["s,S,AB12001,why", "s,S,AB12004,why"],
    )
    return old, new


def test_coverage_counts_codes_per_rule_and_group_and_lists_the_unclassified(two_versions):
    cov = report.coverage(report.read_folder(two_versions[1], "new"))
    by_rule = {r.rule_id: (r.direct, r.variants) for r in cov.rules}
    assert by_rule == {"t-assault": (2, 1), "c-summary": (0, 0), "t-unused": (0, 0)}
    assert [(code, n) for code, _, _, n in cov.groups] == [("VAP", 3), ("SUM", 0), ("NCL", 1)]
    assert cov.unclassified == (("AB12004", "Unknown thing"),) and cov.unused_rules == (
        "c-summary",
        "t-unused",
    )


def test_diff_says_what_was_added_removed_retitled_regrouped_and_reselected(two_versions):
    old, new = (report.read_folder(p, p.name) for p in two_versions)
    d = report.diff(old, new)
    assert d.before == "old (1)" and d.after == "new (2)"
    assert d.added == (("AB12004", "Unknown thing"),) and d.removed == (("AB12003", "Gone"),)
    assert d.retitled == (report.Change("AB12001", "Assault", "Assault by beating"),)
    assert d.regrouped == (report.Change("AB12002", "SUM", "VAP"),)
    assert d.selections_added == (("s", "AB12004"),) and d.selections_removed == (("s", "AB12003"),)


def test_another_version_from_git_or_a_folder_and_refusals(two_versions, tmp_path):
    head = report.other_version("HEAD")  # this repository's committed reference files
    assert head.label == "git HEAD" and head.rows("offences.csv")
    assert report.other_version(str(two_versions[0])).version == "1"
    for bad in ("--output=x", "no-such-revision-xyz"):
        with pytest.raises(report.ReportError):
            report.other_version(bad)
    with pytest.raises(report.ReportError, match="no offences.csv"):
        report.read_folder(tmp_path, "empty")


def test_the_report_command_prints_coverage_and_changes(two_versions, monkeypatch):
    monkeypatch.setattr(report, "REFERENCE_DIR", two_versions[1])
    monkeypatch.setattr(report, "current", lambda folder=two_versions[1]: report.read_folder(folder, "new"))
    result = CliRunner().invoke(app, ["reference", "report", "--against", str(two_versions[0])])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "Unclassified (NCL): 1 of 4 codes (25.00%)" in out and "AB12004 Unknown thing" in out
    assert (
        "codes regrouped: 1" in out
        and "AB12002 SUM -> VAP" in out
        and "Rules that group no code: c-summary, t-unused" in out
    )
    bad = CliRunner().invoke(app, ["reference", "report", "--against", "no-such-revision-xyz"])
    assert bad.exit_code == 1


def test_the_build_command_refuses_a_wrong_source_folder(tmp_path):
    result = CliRunner().invoke(
        app, ["reference", "build", "--source", str(tmp_path), "--out", str(tmp_path)]
    )
    assert result.exit_code == 1 and "missing cjs_offence_codes/cjs-offences.json" in " ".join(
        result.output.split()
    )
