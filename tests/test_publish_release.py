"""One release folder as the writers build it: no small value anywhere, CSV = workbook, manifest, letter, synthetic."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_publish_helpers import (
    HIDDEN_VALUES,
    REFERENCE,
    K,
    csv_rows,
    publish,
    table_values,
)

from flows.contracts.manifest import read_manifest, sha256_file


def _numbers_in_xlsx(path: Path) -> list[float]:
    wb = load_workbook(path)
    return [
        float(c.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, int | float)
    ]


def test_no_hidden_or_small_count_appears_in_any_published_file(tmp_path: Path) -> None:
    release = publish(tmp_path / "published").path
    (xlsx,) = release.glob("*.xlsx")
    numbers = _numbers_in_xlsx(xlsx)
    assert numbers, "the workbook should hold numbers"
    assert not HIDDEN_VALUES & set(numbers)
    with zipfile.ZipFile(xlsx) as zf:
        raw_values = {
            float(v)
            for n in zf.namelist()
            if n.startswith("xl/worksheets/")
            for v in re.findall(rb"<v>([^<]*)</v>", zf.read(n))
        }
    assert not HIDDEN_VALUES & raw_values
    for csv_path in release.glob("*.csv"):
        header, *body = csv_rows(csv_path)
        for row in body:
            for col, value in zip(header, row, strict=True):
                if col == "Arrests (number)":
                    assert value.startswith("[") or value == "0" or int(value) >= K, (csv_path.name, row)
                if re.fullmatch(r"[\d.]+", value):
                    assert float(value) not in HIDDEN_VALUES, (csv_path.name, row)


def test_csv_matches_the_workbook_table(tmp_path: Path) -> None:
    release = publish(tmp_path / "published").path
    (xlsx,) = release.glob("*.xlsx")
    for sheet, name in (
        ("Table_1", "arrests-by-offence-group-year.csv"),
        ("Table_2", "arrest-rates-by-district.csv"),
    ):
        from_xlsx = [[_comparable(v) for v in row] for row in table_values(xlsx, sheet)]
        assert [[_comparable(v) for v in row] for row in csv_rows(release / name)] == from_xlsx


def _comparable(value: object) -> object:
    """Numbers compare by value (Excel stores 2.0 as 2); text and blanks compare as text."""
    if isinstance(value, int | float):
        return float(value)
    text = "" if value is None else str(value)
    return float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else text


def test_csv_is_rfc4180_with_csvw_sidecar(tmp_path: Path) -> None:
    release = publish(tmp_path / "published").path
    data = (release / "arrests-by-offence-group-year.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.startswith(b'"Offence group code","Offence group","Year",')  # text quoted, numbers bare
    assert b'"Robbery","2023",9,""\r\n' in data
    assert data.count(b"\r\n") == 7 and b"\n" not in data.replace(b"\r\n", b"")
    meta = json.loads((release / "arrests-by-offence-group-year.csv-metadata.json").read_text())
    assert meta["url"] == "arrests-by-offence-group-year.csv"
    assert meta["dc:publisher"] and "open-government-licence/version/3" in meta["dc:license"]["@id"]
    columns = {c["name"]: c for c in meta["tableSchema"]["columns"]}
    assert columns["arrests"]["datatype"] == "nonNegativeInteger" and "[c]" in columns["arrests"]["null"]
    assert [c["titles"] for c in meta["tableSchema"]["columns"]] == csv_rows(
        release / "arrests-by-offence-group-year.csv"
    )[0]


def test_manifest_lists_every_file_with_right_hashes_and_tables(tmp_path: Path) -> None:
    result = publish(tmp_path / "published")
    manifest = read_manifest(result.path)
    listed = {f.path: f for f in manifest.files}
    on_disk = {p.name for p in result.path.iterdir()} - {"manifest.json"}
    assert set(listed) == on_disk
    for name, entry in listed.items():
        assert entry.bytes == (result.path / name).stat().st_size
        assert entry.sha256 == sha256_file(result.path / name)
    assert listed["letter.md"].media_type.startswith("text/markdown")
    assert listed["letter.docx"].media_type.endswith("wordprocessingml.document")
    tables = {t.name: t for t in manifest.tables}
    assert tables["arrests_by_offence_group_year"].rows == 6
    assert tables["arrests_by_offence_group_year"].cells_suppressed == 2
    assert tables["arrest_rates_by_district"].measures == {"arrests": "count", "rate": "rate"}
    assert manifest.release_id == f"{REFERENCE}/v1" and manifest.content_sha256 == result.content_sha256
    assert manifest.disclosure.threshold == K and manifest.organisation == "Test Constabulary"


def test_letter_restates_request_and_explains_without_figures(tmp_path: Path) -> None:
    release = publish(tmp_path / "published").path
    text = (release / "letter.md").read_text()
    for expected in (
        REFERENCE,
        "number of arrests for robbery and theft",
        "Section 40(2)(3A)(a) – Personal Information",
        "Section 30(1)(a)(b)(c)(2) – Investigations",
        "Notes worksheet",
        "internal review",
        "Information Commissioner",
        "counted once",
    ):
        assert expected in text, expected
    assert not re.search(r"\b(3|12)\b", text.replace(REFERENCE, ""))  # no hidden value
    assert "North" not in text and "Robbery" not in text  # and no cell named
    assert not text.startswith("Synthetic")


def test_synthetic_marking_in_csv_sidecar_and_letter(tmp_path: Path) -> None:
    release = publish(tmp_path / "published", synthetic=True).path
    data = (release / "arrests-by-offence-group-year.csv").read_text(encoding="utf-8")
    assert data.splitlines()[0] == "# Synthetic demonstration data: not real police figures"
    meta = json.loads((release / "arrests-by-offence-group-year.csv-metadata.json").read_text())
    assert meta["dialect"]["commentPrefix"] == "#"
    assert (release / "letter.md").read_text().splitlines()[0].startswith("Synthetic demonstration data")
    assert read_manifest(release).synthetic


def test_standing_dataset_has_no_letter(tmp_path: Path) -> None:
    result = publish(tmp_path / "published", reference="arrests-by-offence-group", request=None)
    assert "letter.md" not in result.files and "manifest.json" in result.files


def test_no_tables_is_an_error(tmp_path: Path) -> None:
    from test_publish_helpers import make_context

    from flows.publish import prepare_grids

    with pytest.raises(ValueError, match="no tables"):
        prepare_grids([], make_context())
