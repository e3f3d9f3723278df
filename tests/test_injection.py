"""Formula injection (OWASP, CSV injection): hostile station names, offence labels and offence titles go through a
whole release (ingest, request, disclosure control, publish) and reach every format as text that cannot run,
while counts stay numbers; the guard refuses any text cell that was not neutralised, in every format."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import CUSTODY_HEADER
from defusedxml.ElementTree import fromstring
from openpyxl import load_workbook
from test_publish_helpers import csv_rows, publish, sign_off, table_values

from flows.config import load_settings
from flows.pipeline import run_request, stage_ingest, stage_transform
from flows.publish.guard import audit_paths
from flows.publish.text_cells import neutralise

K = 5
# (ingest quarantines a field holding a tab or carriage return: those two are tested on hand-built tables below)
HOSTILE_STATIONS = [
    '=HYPERLINK("http://evil.example/x","Click")',
    "+Plus Lodge",
    "-2+3 Station",
    "@SUM(1+1)",
    "Safe Station",
]
HOSTILE_TITLE = "-1+1 Arson title"  # an offence title in the reference data
HOSTILE_LABEL = '=cmd|" /C calc"!A0'  # a label the request spec gives an offence
STARTS = re.compile(r"^[=+\-@\t\r]")
SPEC = """\
schema_version: 2
reference: "HOSTILE-1"
title: Arrests by custody station and offence, 2015
received: 2016-01-10
request_text: Please give the number of arrests by custody station and offence in 2015.
parts:
  - id: "1"
    question: Arrests by custody station and offence, 2015
    response: data
    title: Arrests by custody station and offence, 2015
    measure: arrests
    offences:
      items:
        - {code: TH68010, label: '=cmd|" /C calc"!A0'}
        - {code: CD71015}
      variants: []
      rule: principal
    date_basis: arrest
    periods: [{calendar_year: 2015}]
    breakdowns: [station, offence]
    interpretation: Arrests by the custody station recorded and the principal offence.
"""


def test_neutralise_prefixes_exactly_the_formula_starts() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(f"{start}x") == f"'{start}x"
        assert neutralise(neutralise(f"{start}x")) == f"'{start}x"  # idempotent
    for safe in ("North", "[c]", "'=x", " =x", "2015", ""):
        assert neutralise(safe) == safe


@pytest.fixture(scope="module")
def hostile_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("hostile")
    reference = home / "reference"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "reference", reference)
    offences = reference / "offences.csv"
    with offences.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["cjs_code"] == "CD71015":
            row["offence_title"] = HOSTILE_TITLE
    with offences.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CUSTODY_HEADER.split(","))
    n = 0
    for station in HOSTILE_STATIONS:
        for code, arrests in (("TH68010", 6), ("CD71015", 5)):
            for _ in range(arrests):
                n += 1
                writer.writerow(
                    [
                        f"C{n:04d}",
                        f"P{n:04d}",
                        f"{1 + n % 27:02d}/03/2015 10:00",
                        1,
                        code,
                        "desc",
                        "Charged",
                        "02/04/2015",
                        30,
                        "Male",
                        "W1",
                        station,
                        "01/01/2016 02:00",
                    ]
                )
    (home / "home" / "landing").mkdir(parents=True)
    (home / "home" / "landing" / "custody.csv").write_text(out.getvalue(), encoding="utf-8")
    (home / "spec.yaml").write_text(SPEC, encoding="utf-8")
    settings = load_settings(
        home=home / "home", reference_dir=reference, threshold=K, organisation="Test Police"
    )
    report = stage_ingest(settings)
    assert not report.rejected and all(o.status == "loaded" for o in report.outcomes), [
        o.line() for o in report.outcomes
    ]
    stage_transform(settings)
    (result,) = sign_off(settings, run_request(settings, str(home / "spec.yaml")).releases)
    assert result.status == "published"
    return result.path


def _expected_labels() -> set[str]:
    return {neutralise(s) for s in HOSTILE_STATIONS} | {neutralise(HOSTILE_TITLE), neutralise(HOSTILE_LABEL)}


def _check_cells(cells: list[object]) -> None:
    """Every hostile text arrived neutralised, no text cell can run, and the counts are numbers (never text)."""
    texts = {c for c in cells if isinstance(c, str)}
    assert _expected_labels() <= texts, _expected_labels() - texts
    assert not [t for t in texts if STARTS.match(t)]
    assert {6, 5} <= {c for c in cells if isinstance(c, int | float) and not isinstance(c, bool)}


def test_csv_holds_neutralised_quoted_text_and_bare_numbers(hostile_release: Path) -> None:
    (path,) = hostile_release.glob("*.csv")
    header, *body = csv_rows(path)
    cells: list[object] = [int(v) if re.fullmatch(r"-?\d+", v) else v for row in body for v in row]
    _check_cells(cells)
    data = path.read_text(encoding="utf-8")
    for label in _expected_labels():
        quoted = '"' + label.replace('"', '""') + '"'
        assert quoted in data, label  # text quoted (OWASP), so no reader takes it for a formula or number
    assert re.search(r',6,"', data) and re.search(r',5,"', data)  # counts are bare numbers
    assert audit_paths([hostile_release]) == []


def test_xlsx_holds_neutralised_text_and_numbers(hostile_release: Path) -> None:
    (path,) = hostile_release.glob("*.xlsx")
    rows = table_values(path, "Table_1")
    _check_cells([v for row in rows[1:] for v in row])
    with zipfile.ZipFile(path) as zf:
        sheets = [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any(b"<f>" in s or b"<f " in s for s in sheets)  # openpyxl writes "=..." strings as formulas
    wb = load_workbook(path)
    every_text = [
        c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert not [t for t in every_text if STARTS.match(t)]


def test_ods_holds_neutralised_text_and_numbers(hostile_release: Path) -> None:
    (path,) = hostile_release.glob("*.ods")
    sheets = pd.read_excel(path, engine="odf", sheet_name=None, header=None)
    table = sheets["Table_1"]
    cells = [v for row in table.itertuples(index=False) for v in row if not pd.isna(v)]
    _check_cells(cells)
    with zipfile.ZipFile(path) as zf:
        assert b"table:formula" not in zf.read("content.xml")


def test_letter_has_no_cell_or_line_that_could_run(hostile_release: Path) -> None:
    text = (hostile_release / "letter.md").read_text(encoding="utf-8")
    cells = [
        c.strip() for line in text.splitlines() if line.startswith("|") for c in line.strip("|").split("|")
    ]
    assert not [c for c in cells if STARTS.match(c)]
    assert not [line for line in text.splitlines() if re.match(r"^[=+@\t\r]", line)]


def test_the_guard_refuses_text_left_raw_in_each_format(tmp_path: Path) -> None:
    release = publish(tmp_path / "published").path
    (xlsx,) = release.glob("*.xlsx")
    wb = load_workbook(xlsx)
    wb["Table_2"]["A7"] = "@SUM(1+1)"  # a district label, written raw (as text) over the neutralised one
    wb.save(xlsx)
    assert any("could run as a formula" in str(f) for f in audit_paths([xlsx]))

    csv_path = release / "arrest-rates-by-district.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace('"North"', '"-North"'), encoding="utf-8")
    assert any("could run as a formula" in str(f) and "District" in str(f) for f in audit_paths([csv_path]))

    (ods,) = release.glob("*.ods")
    with zipfile.ZipFile(ods) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["content.xml"] = parts["content.xml"].replace(b"<text:p>North</text:p>", b"<text:p>+North</text:p>")
    with zipfile.ZipFile(ods, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert any("could run as a formula" in str(f) for f in audit_paths([ods]))


def test_negative_changes_stay_numbers_and_pass_the_guard(tmp_path: Path) -> None:
    from test_release_outputs import change_table

    release = publish(tmp_path / "published", [change_table()]).path
    assert audit_paths([release]) == []
    header, *body = csv_rows(release / "arrests-by-month-with-change.csv")
    change = header.index("Change on a year earlier")
    assert "-3" in [r[change] for r in body]
    meta = json.loads((release / "arrests-by-month-with-change.csv-metadata.json").read_text())
    assert {c["name"]: c["datatype"] for c in meta["tableSchema"]["columns"]}["change"] == "decimal"
    assert table_values(next(release.glob("*.xlsx")), "Table_1")[2][2] == -3


def test_tab_and_carriage_return_labels_are_neutralised_in_every_format(tmp_path: Path) -> None:
    import polars as pl
    from test_publish_helpers import district_table

    table = district_table()
    table = table.with_frame(table.frame.with_columns(pl.Series("district", ["\tNorth", "\rSouth", "East"])))
    release = publish(tmp_path / "published", [table]).path
    assert audit_paths([release]) == []
    expected = ["'\tNorth", "'\nSouth", "East"]  # line ends as LF in every format (XLSX readers make CR LF)
    assert [r[0] for r in csv_rows(release / "arrest-rates-by-district.csv")[1:]] == expected
    assert [r[0] for r in table_values(next(release.glob("*.xlsx")), "Table_1")[1:]] == expected
    with zipfile.ZipFile(next(release.glob("*.ods"))) as zf:  # read the XML: pandas' reader turns CR into LF
        content = fromstring(zf.read("content.xml"))
    text_ns = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
    marks = {f"{text_ns}tab": "\t", f"{text_ns}line-break": "\n"}
    paragraphs = [
        (p.text or "") + "".join(marks.get(c.tag, "?") + (c.tail or "") for c in p)
        for p in content.iter(f"{text_ns}p")
    ]
    assert all(label in paragraphs for label in expected), paragraphs[-12:]
