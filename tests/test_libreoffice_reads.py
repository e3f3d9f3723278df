"""A real spreadsheet application opens both workbooks and shows the same thing: LibreOffice (when installed; CI
skips this) exports every sheet of the XLSX and of the ODS as the cells are displayed, number formats applied."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from test_publish_helpers import district_table, offence_table, publish
from test_release_outputs import change_table

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
# CSV filter options: comma, double quote, UTF-8, from row 1, -, -, -, cells as shown, -, -, -, every sheet
AS_SHOWN_EVERY_SHEET = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,false,true,false,false,-1"


def _shown(path: Path, out: Path, profile: Path) -> dict[str, list[list[str]]]:
    out.mkdir()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            AS_SHOWN_EVERY_SHEET,
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheets = {}
    for sheet in sorted(out.glob("*.csv")):
        with sheet.open(newline="", encoding="utf-8") as fh:
            sheets[sheet.stem.removeprefix(f"{path.stem}-")] = [r for r in csv.reader(fh)]
    return sheets


def test_libreoffice_shows_the_xlsx_and_the_ods_alike(tmp_path: Path) -> None:
    release = publish(tmp_path / "published", [offence_table(), district_table(), change_table()]).path
    (xlsx,), (ods,) = release.glob("*.xlsx"), release.glob("*.ods")
    profile = tmp_path / "profile"
    from_xlsx = _shown(xlsx, tmp_path / "xlsx", profile)
    from_ods = _shown(ods, tmp_path / "ods", profile)
    assert (
        sorted(from_xlsx)
        == sorted(from_ods)
        == ["Contents", "Cover", "Notes", "Table_1", "Table_2", "Table_3"]
    )
    for name, rows in from_xlsx.items():
        assert from_ods[name] == rows, name
    body = {r[0]: r[1:4] for r in from_ods["Table_3"] if r and r[0].endswith("2024")}
    assert body["January 2024"] == ["20", "+5", "+33.3"]
    assert body["February 2024"] == ["17", "-3", "-15.0"]
    assert body["April 2024"] == ["[c]", "[c]", "[c]"]
