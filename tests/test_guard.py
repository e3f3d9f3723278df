"""The publish guard on crafted bad files, on tampered release folders, and inside drafting a release."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.worksheet.table import Table, TableColumn
from test_publish_helpers import ORG, REFERENCE, K, district_table, draft, offence_table, publish

import flows.publish.release as release_module
from flows.config import load_settings
from flows.contracts.manifest import sha256_file
from flows.errors import PublicationRefused
from flows.publish import audit_paths
from flows.publish.guard import main

# ---------------------------------------------------------------- crafted workbooks


def _workbook(body: list[list[object]], creator: str | None = ORG) -> Workbook:
    """A workbook that passes the guard unless a test spoils it: one table of counts >= k."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Table_1"
    ws["A1"] = "Table 1: Arrests by district"
    rows = [["District", "Arrests"], *body]
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            ws.cell(r, c, v)
    ws.add_table(
        Table(
            displayName="arrests_by_district",
            ref=f"A2:B{len(rows) + 1}",
            headerRowCount=1,
            tableColumns=[TableColumn(id=1, name="District"), TableColumn(id=2, name="Arrests")],
        )
    )
    if creator is not None:
        wb.properties.creator = creator
        wb.properties.lastModifiedBy = creator
    return wb


GOOD_BODY = [["North", 25], ["South", "[c]"], ["East", 0]]


def _spoil(mutate: Callable[[Workbook], None], tmp_path: Path) -> list[str]:
    wb = _workbook([list(r) for r in GOOD_BODY])
    mutate(wb)
    path = tmp_path / "arrests-by-district.xlsx"
    wb.save(path)
    return [str(f) for f in audit_paths([path], threshold=K)]


def test_a_clean_crafted_workbook_passes(tmp_path: Path) -> None:
    assert _spoil(lambda wb: None, tmp_path) == []


def _creator(wb: Workbook, name: str) -> None:
    wb.properties.creator = name


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda wb: wb.active.cell(6, 1, "=SUM(B3:B5)"), "formula"),
        (lambda wb: setattr(wb.create_sheet("Staff list"), "sheet_state", "hidden"), "sheet is hidden"),
        (
            lambda wb: setattr(wb.create_sheet("Staff list"), "sheet_state", "veryHidden"),
            "sheet is veryHidden",
        ),
        (lambda wb: setattr(wb.active["A1"], "comment", Comment("see raw data", "jsmith")), "forbidden part"),
        (lambda wb: setattr(wb.active.row_dimensions[4], "hidden", True), "hidden or zero-height row"),
        (lambda wb: setattr(wb.active.column_dimensions["C"], "hidden", True), "hidden or zero-width column"),
        (lambda wb: setattr(wb.active["A1"], "font", Font(color="FFFFFFFF")), "white font"),
        (lambda wb: _creator(wb, "openpyxl"), "dc:creator is 'openpyxl'"),
        (lambda wb: _creator(wb, "john.smith"), "dc:creator is 'john.smith'"),
        (lambda wb: wb.active.cell(3, 2, 3), "count 3 is below the threshold"),
        (lambda wb: wb.active.cell(3, 2, "3"), "count 3 is below the threshold"),
        (lambda wb: wb.active.cell(3, 2, 1.0), "count 1 is below the threshold"),
        (lambda wb: wb.active.cell(20, 5, 2), "count 2 is below the threshold"),
        (lambda wb: wb.active.cell(4, 2, "[k]"), "not in the allowed list"),
        (lambda wb: wb.active.cell(4, 2, "*"), "symbol-only"),
        (lambda wb: wb.active.cell(4, 2, "12 [r]"), "value and shorthand"),
        (lambda wb: wb.active.cell(2, 2, "District"), "duplicate column header"),
    ],
)
def test_guard_finds_each_kind_of_leak_in_a_workbook(
    mutate: Callable[[Workbook], None], expected: str, tmp_path: Path
) -> None:
    findings = _spoil(mutate, tmp_path)
    assert any(expected in f for f in findings), findings
    assert all(f.startswith(str(tmp_path / "arrests-by-district.xlsx")) for f in findings)


def test_finding_names_sheet_row_and_column(tmp_path: Path) -> None:
    (finding,) = audit_paths([_saved(_workbook([["North", 4]]), tmp_path)], threshold=K)
    assert (finding.file, finding.sheet, finding.row, finding.column) == (
        str(tmp_path / "t.xlsx"),
        "Table_1",
        3,
        "B",
    )
    assert str(finding).startswith(
        f"{tmp_path / 't.xlsx'} (sheet Table_1, row 3, column B): count 4 is below"
    )


def _saved(wb: Workbook, tmp_path: Path) -> Path:
    wb.save(tmp_path / "t.xlsx")
    return tmp_path / "t.xlsx"


def _rezip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """Copy an XLSX package part by part, replacing or adding the given parts (what openpyxl will not write)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, replace.pop(item.filename, src.read(item.filename)))
        for name, data in replace.items():
            dst.writestr(name, data)
    return target


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ("xl/pivotCache/pivotCacheDefinition1.xml", "forbidden part xl/pivotCache"),
        ("xl/externalLinks/externalLink1.xml", "forbidden part xl/externalLinks"),
        ("xl/vbaProject.bin", "forbidden part xl/vbaProject.bin"),
        ("customXml/item1.xml", "forbidden part customXml"),
        ("xl/persons/person.xml", "forbidden part xl/persons"),
    ],
)
def test_guard_finds_parts_that_can_carry_hidden_data(part: str, expected: str, tmp_path: Path) -> None:
    clean = _saved(_workbook([list(r) for r in GOOD_BODY]), tmp_path)
    spoiled = _rezip(clean, tmp_path / "spoiled.xlsx", {part: b"<x/>"})
    assert any(expected in str(f) for f in audit_paths([spoiled], threshold=K))


def test_unreadable_or_hostile_workbooks_are_refused_not_crashed_on(tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip at all")
    clean = _saved(_workbook([list(r) for r in GOOD_BODY]), tmp_path)
    with zipfile.ZipFile(clean) as zf:
        book = zf.read("xl/workbook.xml")
    entity = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]>' + book.split(b"?>", 1)[-1]
    hostile = _rezip(clean, tmp_path / "hostile.xlsx", {"xl/workbook.xml": entity})
    findings = [str(f) for f in audit_paths([junk, hostile], threshold=K)]
    assert any("junk.xlsx" in f and "not a readable XLSX" in f for f in findings), findings
    assert any("hostile.xlsx" in f and "could not be audited" in f for f in findings), findings


# ---------------------------------------------------------------- crafted CSVs


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"District,Arrests\r\nNorth,25\r\nSouth,3\r\n", "count 3 is below the threshold"),
        (b"District,Arrests\r\nNorth,25\r\nSouth,[k]\r\n", "not in the allowed list"),
        (b"District,Arrests\r\nNorth,25\r\nSouth,..\r\n", "symbol-only"),
        (b"District,Arrests\r\nNorth,25\r\nSouth\r\n", "1 fields but the header has 2"),
        (b"\xef\xbb\xbfDistrict,Arrests\r\nNorth,25\r\n", "byte-order mark"),
        (b"District,District\r\nNorth,25\r\n", "duplicate column header"),
    ],
)
def test_guard_finds_problems_in_a_csv(content: bytes, expected: str, tmp_path: Path) -> None:
    path = tmp_path / "arrests.csv"
    path.write_bytes(content)
    findings = [str(f) for f in audit_paths([path], threshold=K)]
    assert any(expected in f for f in findings), findings


def test_a_clean_csv_with_comment_line_and_shorthand_passes(tmp_path: Path) -> None:
    path = tmp_path / "arrests.csv"
    path.write_bytes(
        b"# Synthetic demonstration data\r\nDistrict,Arrests\r\nNorth,25\r\nSouth,[c][p]\r\nEast,0\r\n"
    )
    assert audit_paths([path], threshold=K) == []


# ---------------------------------------------------------------- release folders


@pytest.fixture
def release(tmp_path: Path) -> Path:
    return publish(tmp_path / "published").path


def test_a_published_release_is_clean_and_main_says_so(
    release: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert audit_paths([release]) == []
    assert main([str(release.parent.parent)]) == 0  # the published/ root: finds release folders below it
    assert "No findings" in capsys.readouterr().out


def test_a_tampered_byte_is_found(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = release / "arrest-rates-by-district.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"60", b"61"))
    findings = [str(f) for f in audit_paths([release])]
    assert any("arrest-rates-by-district.csv" in f and "sha256 differ" in f for f in findings), findings
    assert main([release]) == 1
    assert "sha256 differ" in capsys.readouterr().out


def test_unlisted_missing_and_badly_named_files_are_found(release: Path) -> None:
    (release / "Final Report.csv").write_text("a,b\r\n")
    (release / "letter.md").unlink()
    findings = [str(f) for f in audit_paths([release])]
    assert any("Final Report.csv" in f and "not listed" in f for f in findings)
    assert any("Final Report.csv" in f and "file name" in f for f in findings)
    assert any("letter.md" in f and "missing" in f for f in findings)


def test_k_comes_from_the_manifest(release: Path) -> None:
    manifest = json.loads((release / "manifest.json").read_text())
    manifest["disclosure"]["threshold"] = 10  # the published 9 is now a small count
    (release / "manifest.json").write_text(json.dumps(manifest))
    findings = [str(f) for f in audit_paths([release])]
    assert any("count 9 is below the threshold k=10" in f for f in findings), findings


def test_manifest_roles_exempt_rates_but_a_lone_file_is_checked_strictly(
    release: Path, tmp_path: Path
) -> None:
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(release / "arrest-rates-by-district.csv", lone)
    findings = [str(f) for f in audit_paths([lone / "arrest-rates-by-district.csv"], threshold=K)]
    assert any("count 2 is below" in f for f in findings), (
        findings
    )  # the rate 2.0, unknown without a manifest
    assert audit_paths([release / "arrest-rates-by-district.csv"]) == []  # in its folder: a rate, not a count


def test_creator_must_equal_the_manifest_organisation(release: Path) -> None:
    manifest = json.loads((release / "manifest.json").read_text())
    manifest["organisation"] = "Another Constabulary"
    (release / "manifest.json").write_text(json.dumps(manifest))
    findings = [str(f) for f in audit_paths([release])]
    assert any("not the organisation 'Another Constabulary'" in f for f in findings), findings


@pytest.mark.parametrize(
    ("creator", "organisation", "passes"),
    [
        ("Kent", "Kent", True),  # a one-word force name is the organisation, not a user name
        ("Kent", None, False),  # without a manifest nothing says so: one token looks like a user name
        ("jsmith", "Kent", False),
    ],
)
def test_a_one_word_organisation_is_not_a_person(tmp_path: Path, creator, organisation, passes) -> None:
    from flows.publish.guard import Rules, _core_part

    path = tmp_path / "t.xlsx"
    _workbook([list(r) for r in GOOD_BODY], creator=creator).save(path)
    with zipfile.ZipFile(path) as zf:
        assert (_core_part(zf, str(path), Rules(K, organisation)) == []) is passes


# ---------------------------------------------------------------- inside drafting a release


def _spoil_workbook(monkeypatch: pytest.MonkeyPatch, mutate: Callable[[Workbook], None]) -> None:
    original = release_module.write_workbook

    def write_then_spoil(path: Path, *args: object, **kwargs: object) -> None:
        original(path, *args, **kwargs)
        wb = load_workbook(path)
        mutate(wb)
        wb.save(path)

    monkeypatch.setattr(release_module, "write_workbook", write_then_spoil)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda wb: wb["Table_1"].cell(8, 4, "=B8*2"), "formula"),
        (lambda wb: setattr(wb.create_sheet("Raw extract"), "sheet_state", "hidden"), "sheet is hidden"),
        (lambda wb: setattr(wb["Cover"]["A1"], "comment", Comment("internal", "Analyst")), "forbidden part"),
    ],
)
def test_drafting_refuses_a_spoiled_workbook_and_leaves_nothing(
    mutate: Callable[[Workbook], None], expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _spoil_workbook(monkeypatch, mutate)
    settings = load_settings(home=tmp_path / "home")
    with pytest.raises(PublicationRefused) as refused:
        draft(settings)
    assert expected in str(refused.value) and ".xlsx" in str(refused.value)
    assert list(settings.drafts_dir.iterdir()) == []


def test_drafting_refuses_an_unflagged_small_count(tmp_path: Path) -> None:
    leaky = offence_table()
    leaky = leaky.with_frame(leaky.frame.with_columns(pl.lit("").alias("arrests_flag")))
    settings = load_settings(home=tmp_path / "home")
    with pytest.raises(PublicationRefused) as refused:
        draft(settings, [leaky, district_table()])
    message = str(refused.value)
    assert "arrests-by-offence-group-year.csv" in message and "count 3 is below the threshold" in message
    assert list(settings.drafts_dir.iterdir()) == []


def test_drafting_refuses_a_tampered_file_and_keeps_the_last_good_draft(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = load_settings(home=tmp_path / "home")
    good = draft(settings)
    v1 = {p.name: sha256_file(p) for p in good.path.rglob("*") if p.is_file()}
    original = release_module.write_manifest

    def manifest_then_tamper(folder: Path, *args: object, **kwargs: object) -> object:
        result = original(folder, *args, **kwargs)
        path = folder / "arrest-rates-by-district.csv"
        path.write_bytes(path.read_bytes().replace(b"60", b"61"))
        return result

    monkeypatch.setattr(release_module, "write_manifest", manifest_then_tamper)
    with pytest.raises(PublicationRefused, match="arrest-rates-by-district.csv"):
        draft(settings, [offence_table(robbery_2023=30), district_table()])
    assert not (settings.drafts_dir / REFERENCE / "v2").exists()
    assert not list(settings.drafts_dir.glob(".staging-*"))
    assert {p.name: sha256_file(p) for p in good.path.rglob("*") if p.is_file()} == v1
