"""The published files as a reader gets them, on the seed requests and standing datasets over generated data and
on hand-built tables: XLSX, ODS and CSV agree cell for cell; CSVW validates; notes appear once and name no
internal path; widths fit and notes wrap; changes are formatted as changes; titles say what was combined."""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from csvw import CSVW
from defusedxml.ElementTree import fromstring
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from test_publish_helpers import K, csv_rows, district_table, offence_table, publish, sign_off, table_values

from flows.contracts.tidy import Dimension, Measure, Role, TidyTable

ODS_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
INTERNAL_PATH = re.compile(r"\b(data|sql|flows|published|warehouse)/\w|/(home|srv|tmp|work)/|[A-Z]:\\")


def change_table() -> TidyTable:
    """A month-on-year table with a change and a percentage change, negative ones and a withheld one."""
    frame = pl.DataFrame(
        {
            "month": ["January 2024", "February 2024", "March 2024", "April 2024"],
            "arrests": [20, 17, 30, 3],
            "arrests_flag": ["", "", "", "[c]"],
            "change": [5.0, -3.0, 10.0, -1.0],
            "change_flag": ["", "", "", "[c]"],
            "pct": [33.3, -15.0, 50.0, -25.0],
            "pct_flag": ["", "", "[p]", "[c]"],
        }
    )
    return TidyTable(
        name="arrests_by_month_with_change",
        title="Arrests by month, with the change on a year earlier, 2024",
        dimensions=(Dimension("month", "Month"),),
        measures=(
            Measure("arrests", "Number of arrests"),
            Measure("change", "Change on a year earlier", Role.CHANGE, ("arrests",)),
            Measure("pct", "Percentage change on a year earlier", Role.PCT_CHANGE, ("arrests",)),
        ),
        frame=frame,
        notes=("Change is this month's figure minus the same month a year earlier.",),
    )


def small_years_table() -> TidyTable:
    """Offences by year where every yearly figure is small: withholding would hide nearly everything."""
    offences, years = ["Robbery", "Burglary", "Theft"], ["2018", "2019", "2020", "2021", "2022"]
    counts = {"Robbery": [1, 2, 3, 1, 2], "Burglary": [2, 2, 1, 3, 1], "Theft": [3, 1, 2, 2, 3]}
    rows = [(o, y, counts[o][i]) for o in offences for i, y in enumerate(years)]
    rows += [(o, "All periods", sum(counts[o])) for o in offences]
    frame = pl.DataFrame(rows, schema=["offence", "period", "arrests"], orient="row")
    return TidyTable(
        name="arrests_by_offence_year",
        title="Arrests by offence and year, 2018 to 2022",
        dimensions=(Dimension("offence", "Offence"), Dimension("period", "Period", total="All periods")),
        measures=(Measure("arrests", "Number of arrests"),),
        frame=frame.with_columns(arrests_flag=pl.lit("")),
    )


@pytest.fixture(scope="module")
def seed_releases(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The standing datasets and both seed requests, on generated data, through the plain pipeline."""
    from flows.config import load_settings
    from flows.generate import generate
    from flows.pipeline import run_nightly, run_request

    home = tmp_path_factory.mktemp("seeds")
    generate(seed=7, scale="tiny", out=home / "landing")
    # the annual table's exact loop would run to its 120 s time limit; the files' shape does not depend on it
    settings = load_settings(home=home, synthetic=True, threshold=K, disclosure={"time_limit_s": 15})
    results = run_nightly(settings).releases
    for spec in ("wmp-3056-15.yaml", "mps-01-foi-22-025326.yaml"):
        results += run_request(settings, spec).releases
    assert len(results) == 4
    return [r.path for r in sign_off(settings, results)]


@pytest.fixture(scope="module")
def hand_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publish(
        tmp_path_factory.mktemp("hand") / "published", [offence_table(), district_table(), change_table()]
    ).path


@pytest.fixture(scope="module")
def releases(seed_releases: list[Path], hand_release: Path) -> list[Path]:
    return [*seed_releases, hand_release]


def _comparable(value: object) -> object:
    """Numbers compare by value, blanks as empty text (each reader has its own idea of both)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return str(value)


def _sheets(path: Path, engine: str) -> dict[str, list[list[object]]]:
    frames = pd.read_excel(path, engine=engine, sheet_name=None, header=None, dtype=object)
    out = {}
    for name, frame in frames.items():
        rows = [[_comparable(v) for v in row] for row in frame.itertuples(index=False)]
        out[name] = [row[: max((i + 1 for i, v in enumerate(row) if v != ""), default=0)] for row in rows]
    return out


def _csv_for(folder: Path, table: str) -> Path:
    meta = next(
        m
        for m in folder.glob("*.csv-metadata.json")
        if json.loads(m.read_text(encoding="utf-8"))["dc:identifier"] == table
    )
    return folder / json.loads(meta.read_text(encoding="utf-8"))["url"]


def _csv_values(path: Path) -> list[list[object]]:
    """Text is quoted and numbers are not, so the reader can tell them apart: "2016" is text, 2016 a number."""
    lines = [
        ln for ln in path.read_text(encoding="utf-8").splitlines(keepends=True) if not ln.startswith("#")
    ]
    return list(csv.reader(io.StringIO("".join(lines), newline=""), quoting=csv.QUOTE_NONNUMERIC))


def test_xlsx_ods_and_csv_agree_cell_for_cell(releases: list[Path]) -> None:
    for folder in releases:
        (xlsx,), (ods,) = folder.glob("*.xlsx"), folder.glob("*.ods")
        from_xlsx, from_ods = _sheets(xlsx, "openpyxl"), _sheets(ods, "odf")
        assert (
            list(from_ods)
            == list(from_xlsx)
            == ["Cover", "Contents", "Notes"] + [f"Table_{i}" for i in range(1, len(from_xlsx) - 2)]
        )
        for name, rows in from_xlsx.items():
            assert from_ods[name] == rows, (folder.name, name)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for i, table in enumerate(manifest["tables"], start=1):
            from_csv = [[_comparable(v) for v in row] for row in _csv_values(_csv_for(folder, table["name"]))]
            in_sheet = [[_comparable(v) for v in row] for row in table_values(xlsx, f"Table_{i}")]
            assert from_csv == in_sheet, (folder.name, table["name"])


def test_ods_marks_up_the_same_tables_without_filters_and_only_values(releases: list[Path]) -> None:
    for folder in releases:
        (xlsx,), (ods,) = folder.glob("*.xlsx"), folder.glob("*.ods")
        wb = load_workbook(xlsx)
        refs = {
            t.displayName: f"'{ws.title}'.{t.ref.replace(':', f':{chr(39)}{ws.title}{chr(39)}.')}"
            for ws in wb.worksheets
            for t in ws.tables.values()
        }
        with zipfile.ZipFile(ods) as zf:
            assert (
                zf.namelist()[0] == "mimetype" and zf.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
            )
            content, meta = fromstring(zf.read("content.xml")), fromstring(zf.read("meta.xml"))
        ranges = {
            r.get(f"{{{ODS_NS['table']}}}name"): r
            for r in content.iter(f"{{{ODS_NS['table']}}}database-range")
        }
        assert {n: r.get(f"{{{ODS_NS['table']}}}target-range-address") for n, r in ranges.items()} == refs
        assert all(r.get(f"{{{ODS_NS['table']}}}display-filter-buttons") == "false" for r in ranges.values())
        assert not [e for e in content.iter() if f"{{{ODS_NS['table']}}}formula" in e.attrib]
        organisation = json.loads((folder / "manifest.json").read_text())["organisation"]
        assert meta.find(f".//{{{ODS_NS['meta']}}}initial-creator").text == organisation
        assert meta.find(f".//{{{ODS_NS['dc']}}}language").text == "en-GB"
        assert meta.find(f".//{{{ODS_NS['dc']}}}title").text == wb.properties.title


def test_csvw_metadata_validates_and_nulls_every_shorthand_string(releases: list[Path]) -> None:
    checked = 0
    for folder in releases:
        for meta_path in folder.glob("*.csv-metadata.json"):
            described = CSVW(str(meta_path), validate=True)
            assert described.is_valid, (meta_path, [str(w.message) for w in described.warnings])
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            header, *body = csv_rows(folder / meta["url"])
            for i, column in enumerate(meta["tableSchema"]["columns"]):
                if column["datatype"] == "string" and not column["name"].endswith("_code"):
                    continue
                shorthand = sorted({r[i] for r in body if re.fullmatch(r"(\[[a-z]+\])+", r[i])})
                assert column.get("null", []) == shorthand, (meta_path.name, column["name"])
            checked += 1
    assert checked >= 7
    combos = [
        c
        for f in releases
        for m in f.glob("*.csv-metadata.json")
        for c in json.loads(m.read_text())["tableSchema"]["columns"]
        for n in c.get("null", [])
        if n.count("[") > 1
    ]
    assert combos, (
        "a combination such as [c][p] should be listed somewhere (the hand-built change table has one)"
    )


def test_each_note_once_and_no_internal_paths(releases: list[Path]) -> None:
    for folder in releases:
        (xlsx,) = folder.glob("*.xlsx")
        notes = [str(r[1]) for r in table_values(xlsx, "Notes")[1:]]
        assert len(set(notes)) == len(notes)
        for a, b in ((a, b) for i, a in enumerate(notes) for b in notes[i + 1 :]):
            assert difflib.SequenceMatcher(None, a, b).ratio() < 0.8, (folder.name, a, b)
        assert not [n for n in notes if INTERNAL_PATH.search(n)]


def test_widths_fit_the_table_and_long_notes_wrap(releases: list[Path]) -> None:
    for folder in releases:
        (xlsx,) = folder.glob("*.xlsx")
        wb = load_workbook(xlsx)
        for ws in wb.worksheets[1:]:
            (table,) = ws.tables.values()
            min_col, min_row, max_col, max_row = range_boundaries(table.ref)
            widths = []
            for c in range(min_col, max_col + 1):
                letter = ws.cell(min_row, c).column_letter
                width = ws.column_dimensions[letter].width
                widths.append(width)
                assert width <= 120, (ws.title, letter)  # long text wraps instead of making a huge column
                for r in range(min_row + 1, max_row + 1):
                    cell = ws.cell(r, c)
                    shown = f"{cell.value:,}" if isinstance(cell.value, int) else str(cell.value or "")
                    assert len(shown) <= width or cell.alignment.wrap_text, (ws.title, cell.coordinate)
        notes = wb["Notes"]
        long_notes = [c for c in notes["B"] if isinstance(c.value, str) and len(c.value) > 100]
        assert all(c.alignment.wrap_text for c in long_notes)


def test_widths_follow_content_not_a_fixed_size(hand_release: Path) -> None:
    (xlsx,) = hand_release.glob("*.xlsx")
    ws = load_workbook(xlsx)["Table_1"]
    code, group, year = (ws.column_dimensions[x].width for x in "ABC")
    assert (
        year < group < code
    )  # "Year" / "2022" against "Theft offences", against the header "Offence group code"


def test_change_and_percentage_change_are_signed_numbers_with_their_unit(hand_release: Path) -> None:
    (xlsx,) = hand_release.glob("*.xlsx")
    rows = table_values(xlsx, "Table_3")
    assert rows[0][:4] == [
        "Month",
        "Number of arrests",
        "Change on a year earlier",
        "Percentage change on a year earlier (%)",
    ]
    assert rows[2][1:4] == [17, -3, -15.0] and isinstance(rows[2][2], int)
    ws = load_workbook(xlsx)["Table_3"]
    top = len(rows) and next(r for r in range(1, 20) if ws.cell(r, 1).value == "Month")
    formats = [ws.cell(top + 2, c).number_format for c in (2, 3, 4)]
    assert formats == ["#,##0", "+#,##0;-#,##0;0", "+#,##0.0;-#,##0.0;0.0"]
    (ods,) = hand_release.glob("*.ods")
    with zipfile.ZipFile(ods) as zf:
        content = zf.read("content.xml").decode()
    assert 'office:value="-3"' in content and 'office:value="-15.0"' in content
    assert re.search(
        r'table:style-name="ce-signed_integer" office:value-type="float" office:value="-3"|'
        r'office:value-type="float" office:value="-3" table:style-name="ce-signed_integer"',
        content,
    )


def test_a_title_says_what_disclosure_control_combined(tmp_path: Path) -> None:
    from flows.sdc.policy import SdcPolicy
    from flows.sdc.protect import protect

    result = protect([small_years_table()], SdcPolicy(k=K))
    assert result.strategy_used == "collapse: period"
    release = publish(tmp_path / "published", result.tables, notes=result.explanation).path
    (xlsx,) = release.glob("*.xlsx")
    wb = load_workbook(xlsx)
    expected = "Arrests by offence and year, 2018 to 2022 (all periods combined)"
    assert wb["Table_1"]["A1"].value == f"Table 1: {expected}"
    assert table_values(xlsx, "Contents")[2][1] == f"Table 1: {expected}"
    assert wb["Cover"]["A1"].value.endswith("(all periods combined)")
    meta = json.loads(next(release.glob("*-metadata.json")).read_text())
    assert meta["dc:title"] == expected
    notes = [r[1] for r in table_values(xlsx, "Notes")[1:]]
    assert sum("combined" in n for n in notes) == 1, notes  # the engine's note and the table's are one note


def test_the_ods_copy_is_reproducible(tmp_path: Path) -> None:
    """The same release written twice gives the same bytes (fixed zip times, no generator stamp of a tool)."""
    from test_publish_helpers import make_context

    from flows.publish.grid import build_grid
    from flows.publish.ods import write_ods

    grids = [build_grid(offence_table()), build_grid(change_table())]
    for name in ("a.ods", "b.ods"):
        write_ods(tmp_path / name, grids, make_context(), "01.FOI.22.025326/v1")
    assert (tmp_path / "a.ods").read_bytes() == (tmp_path / "b.ods").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.ods") as zf:
        assert b"<meta:generator>disclose</meta:generator>" in zf.read("meta.xml")
