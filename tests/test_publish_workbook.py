"""The workbook against the publishing checklist (items 4-36), read back from the saved file."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from test_publish_helpers import ORG, publish, table_values

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publish(tmp_path_factory.mktemp("pub") / "published").path


@pytest.fixture(scope="module")
def xlsx(release: Path) -> Path:
    (path,) = release.glob("*.xlsx")
    return path


def test_file_name_is_lowercase_dashes(xlsx: Path) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.xlsx", xlsx.name) and len(xlsx.name) <= 60


def test_sheet_order_names_and_a1_titles(xlsx: Path) -> None:
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Cover", "Contents", "Notes", "Table_1", "Table_2"]
    for ws in wb.worksheets:
        assert len(ws.title) <= 31 and ws.sheet_state == "visible"
        assert ws["A1"].value and ws["A2"].value, ws.title
        assert ws["A1"].style == "Headline 1", ws.title
    assert wb["Table_1"]["A1"].value.startswith("Table 1: Arrests by offence group and year")
    assert "one table" in wb["Table_1"]["A2"].value


def test_document_properties(xlsx: Path) -> None:
    wb = load_workbook(xlsx)
    p = wb.properties
    assert p.title == wb["Cover"]["A1"].value
    assert p.language == "en-GB"
    assert p.creator == ORG and p.lastModifiedBy == ORG
    assert p.keywords


def test_opens_on_first_sheet_at_a1_without_freeze_panes(xlsx: Path) -> None:
    with zipfile.ZipFile(xlsx) as zf:
        book = fromstring(zf.read("xl/workbook.xml"))
        assert all(v.get("activeTab", "0") == "0" for v in book.iter(f"{NS}workbookView"))
        for name in (n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")):
            sheet = fromstring(zf.read(name))
            assert all(s.get("activeCell", "A1") == "A1" for s in sheet.iter(f"{NS}selection")), name
            assert all(p.get("state") != "frozen" for p in sheet.iter(f"{NS}pane")), name
            assert all(v.get("zoomScale", "100") == "100" for v in sheet.iter(f"{NS}sheetView")), name


def test_tables_are_marked_up_without_filters(xlsx: Path) -> None:
    with zipfile.ZipFile(xlsx) as zf:
        tables = [fromstring(zf.read(n)) for n in zf.namelist() if n.startswith("xl/tables/")]
        sheets = [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    names = {t.get("displayName") for t in tables}
    assert names == {
        "contents_table",
        "notes_table",
        "arrests_by_offence_group_year",
        "arrest_rates_by_district",
    }
    for t in tables:
        assert t.find(f"{NS}autoFilter") is None
        assert t.get("headerRowCount", "1") != "0"
        assert not re.fullmatch(r"Table\d+", t.get("displayName"))
    assert not any(b"autoFilter" in s for s in sheets)


def test_layout_column_a_above_nothing_below_unique_headers(xlsx: Path) -> None:
    wb = load_workbook(xlsx)
    for ws in wb.worksheets[1:]:
        (table,) = ws.tables.values()
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        assert min_col == 1
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.row <= max_row, f"{ws.title}!{cell.coordinate} below the table"
                if cell.row < min_row:
                    assert cell.column == 1, (
                        f"{ws.title}!{cell.coordinate} above the table but not in column A"
                    )
        headers = [ws.cell(min_row, c).value for c in range(min_col, max_col + 1)]
        assert all(headers) and len(set(headers)) == len(headers)


def test_values_numbers_shorthand_text_codes_own_column(xlsx: Path) -> None:
    rows = table_values(xlsx, "Table_1")
    assert rows[0] == [
        "Offence group code",
        "Offence group",
        "Year",
        "Arrests (number)",
        "Arrests (number) shorthand",
    ]
    body = {(r[1], r[2]): r for r in rows[1:]}
    assert body[("Robbery", "2022")][3] == "[c]"
    assert body[("All offences", "2022")][3] == 15 and isinstance(body[("All offences", "2022")][3], int)
    assert body[("All offences", "2023")][4] == "[p]"
    assert body[("Robbery", "2023")][0] == "ROB"
    wb = load_workbook(xlsx)
    above = " ".join(str(c.value) for c in wb["Table_1"]["A"][:6])
    assert "[c] = confidential" in above and "[p] = provisional" in above


def test_no_formulas_merges_fills_comments_and_fonts_at_least_12_sans(xlsx: Path) -> None:
    with zipfile.ZipFile(xlsx) as zf:
        names = zf.namelist()
        styles = fromstring(zf.read("xl/styles.xml"))
        sheets = [fromstring(zf.read(n)) for n in names if n.startswith("xl/worksheets/sheet")]
    assert not [n for n in names if re.search(r"comments|drawings|vbaProject|pivot", n)]
    for s in sheets:
        assert not list(s.iter(f"{NS}f")) and not list(s.iter(f"{NS}mergeCell"))
    assert all(p.get("patternType") in (None, "none", "gray125") for p in styles.iter(f"{NS}patternFill"))
    for font in styles.iter(f"{NS}font"):
        assert float(font.find(f"{NS}sz").get("val")) >= 12
        assert font.find(f"{NS}name").get("val") == "Arial"
        assert font.find(f"{NS}color") is None  # automatic colour


def test_every_note_marker_has_a_note_and_every_note_is_used(xlsx: Path) -> None:
    wb = load_workbook(xlsx)
    used = set()
    for ws in wb.worksheets:
        if ws.title != "Notes":
            for row in ws.iter_rows(values_only=True):
                used |= {int(n) for v in row if isinstance(v, str) for n in re.findall(r"\[note (\d+)\]", v)}
    notes = table_values(xlsx, "Notes")
    assert notes[0] == ["Note number", "Note text"]
    assert {int(r[0].removeprefix("note ")) for r in notes[1:]} == used == {1, 2, 3}


def test_contents_lists_every_table_sheet(xlsx: Path) -> None:
    rows = table_values(xlsx, "Contents")
    assert [r[0] for r in rows[1:]] == ["Notes", "Table_1", "Table_2"]
    wb = load_workbook(xlsx)
    assert wb["Contents"]["A5"].hyperlink.location == "'Table_1'!A1"


def test_synthetic_marking_on_cover_and_every_table_sheet(tmp_path: Path) -> None:
    release = publish(tmp_path / "published", synthetic=True).path
    (xlsx,) = release.glob("*.xlsx")
    wb = load_workbook(xlsx)
    assert wb["Cover"]["A1"].value.startswith("Synthetic demonstration data")
    assert wb.properties.title == wb["Cover"]["A1"].value
    for name in ("Table_1", "Table_2"):
        assert wb[name]["A2"].value.startswith("Synthetic demonstration data")


def test_real_data_is_not_marked_synthetic(xlsx: Path) -> None:
    wb = load_workbook(xlsx)
    assert not any("Synthetic" in str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row)
