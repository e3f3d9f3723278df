"""Corpus cases for content a sender's system gets subtly wrong, each with its exact outcome (issue 15 item 4):
an extraction time in the future, UTF-8 and Windows-1252 mixed in one file, formula cells in a workbook.

Run with the rest of the corpus by tests/test_ingest_corpus.py. Offsets and lines in the expected reasons
are found in the built bytes with plain ``bytes.index``, not by the code under test.
"""

from __future__ import annotations

import io
import zipfile

from tests.corpus.cases import (
    CRIME_HEADER,
    CUSTODY_HEADER,
    Case,
    _custody_cells,
    _niche,
    _workbook,
    crime,
    custody,
    good,
    text,
)

FUTURE = "01/01/2099 02:00"
STRAY = b"caf\xe9"
QUOTE_1252 = "’".encode("cp1252")  # 'café' in Windows-1252: in a UTF-8 file, a byte that is not UTF-8


def _stray_at(data: bytes) -> str:
    """'byte N (line L)' of the stray byte, counted here independently of flows/ingest/encoding.py."""
    at = data.index(STRAY) + len(STRAY) - 1
    line = data.count(b"\n", 0, at) + 1
    return f"byte {at} (line {line})"


def _utf8_with_stray(rows_before: int = 1) -> bytes:
    rows = [custody("C0", station="St George’s")] + good(rows_before) + [custody("CX", station="café")]
    return text(CUSTODY_HEADER, rows).replace("café".encode(), STRAY)


def _utf8_and_windows_1252_rows() -> bytes:
    utf8 = [custody(f"U{i}", station="St George’s").encode() for i in range(3)]
    cp1252 = [custody(f"W{i}", station="St George’s café").encode("cp1252") for i in range(3)]
    return (
        b"\n".join([CUSTODY_HEADER.encode(), *[r for pair in zip(utf8, cp1252, strict=True) for r in pair]])
        + b"\n"
    )


def _windows_1252_with_a_utf8_looking_pair() -> bytes:
    # 'É’' is C9 92 in Windows-1252, which is also a valid UTF-8 sequence; the lone é, ’ and – outnumber it
    rows = [custody("C9", station="JOSÉ’S HOUSE"), *good(3, station="St George’s – café")]
    return text(CUSTODY_HEADER, rows, encoding="cp1252")


def _formula_workbook(**formulas: str) -> bytes:
    header = CUSTODY_HEADER.split(",")
    return _workbook(
        {"Data": [header, _custody_cells("C1"), _custody_cells("C2", **formulas), _custody_cells("C3")]}
    )


def _with_cached_value(data: bytes, formula: bytes, value: bytes) -> bytes:
    """The workbook as Excel saves it: the formula's last result cached beside it (openpyxl writes none)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b"<f>" + formula + b"</f><v></v>", b"<f>" + formula + b"</f><v>" + value + b"</v>"
                )
                assert value in body
            dst.writestr(info, body)
    return out.getvalue()


def _text_starting_with_equals() -> bytes:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(_formula_workbook()))
    cell = wb["Data"]["L3"]  # station
    cell.value, cell.data_type = "=Lloyd House", "s"  # a text value that only looks like a formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _formula_in_a_column_not_read() -> bytes:
    header = [*CUSTODY_HEADER.split(","), "Notes"]
    rows = [[*_custody_cells(f"C{i}"), f"=LEN(A{i + 1})"] for i in (1, 2, 3)]
    return _workbook({"Data": [header, *rows]})


TRUST_CASES: tuple[Case, ...] = (
    Case(
        "future_extracted_at",
        "custody.csv",
        lambda: text(CUSTODY_HEADER, good(3, extracted=FUTURE)),
        "rejected",
        reason=f"extracted_at '{FUTURE}' (row 1, column extracted_at) reads as 2099-01-01 02:00, later than "
        "the file was received",
    ),
    Case(
        "future_extracted_at_crime",
        "crime.csv",
        lambda: text(
            CRIME_HEADER,
            [crime("CR1", extracted="2099-06-30 02:00"), crime("CR2", extracted="2099-06-30 02:00")],
        ),
        "rejected",
        reason="extracted_at '2099-06-30 02:00' (row 1, column extracted_at) reads as 2099-06-30 02:00",
    ),
    Case(
        "future_extracted_at_in_a_profile_column",
        "niche_custody_20160101.csv",
        lambda: _niche(run_date="01/01/2099 02:00:00"),
        "rejected",
        reason="extracted_at '01/01/2099 02:00:00' (row 1, column extracted_at ('Report Run Date')) reads as "
        "2099-01-01 02:00",
    ),
    Case(
        "one_row_with_a_future_extracted_at",
        "custody.csv",
        lambda: text(CUSTODY_HEADER, [custody("C1"), custody("C2", extracted=FUTURE), custody("C3")]),
        "partly quarantined",
        staged=2,
        quarantined=((2, "extracted_at", "different from the rest of the file"),),
        staged_rows=(1, 3),
        notes="the file's extraction time is its rows' common one: a single odd row is quarantined, not the file",
    ),
    Case(
        "utf8_with_a_stray_byte",
        "custody.csv",
        _utf8_with_stray,
        "rejected",
        reason=f"mixed encodings: {_stray_at(_utf8_with_stray())} is not UTF-8",
    ),
    Case(
        "utf8_with_a_stray_byte_after_the_first_mebibyte",
        "custody.csv",
        lambda: _utf8_with_stray(rows_before=12_000),
        "rejected",
        reason=f"mixed encodings: {_stray_at(_utf8_with_stray(rows_before=12_000))} is not UTF-8",
        notes="the first non-ASCII block is valid UTF-8, so DuckDB finds the stray byte while reading",
    ),
    Case(
        "utf8_and_windows_1252_rows_mixed",
        "custody.csv",
        _utf8_and_windows_1252_rows,
        "rejected",
        reason=f"mixed encodings: byte {_utf8_and_windows_1252_rows().index(QUOTE_1252)} (line 3) is not UTF-8",
    ),
    Case(
        "windows_1252_with_a_utf8_looking_pair",
        "custody.csv",
        _windows_1252_with_a_utf8_looking_pair,
        "loaded",
        staged=4,
        notes="one pair that is also UTF-8 (É’) among lone high bytes: still plausibly Windows-1252",
    ),
    Case(
        "xlsx_formula_cell",
        "custody.xlsx",
        lambda: _formula_workbook(age_at_arrest="=20+10"),
        "partly quarantined",
        staged=2,
        quarantined=((2, "age_at_arrest", "formula in sheet 'Data' cell I3 (column age_at_arrest)"),),
        staged_rows=(1, 3),
    ),
    Case(
        "xlsx_formula_with_cached_value",
        "custody.xlsx",
        lambda: _with_cached_value(_formula_workbook(age_at_arrest="=20+10"), b"20+10", b"30"),
        "partly quarantined",
        staged=2,
        quarantined=((2, "age_at_arrest", "formula in sheet 'Data' cell I3 (column age_at_arrest)"),),
        staged_rows=(1, 3),
        notes="Excel caches a formula's last result; it may be stale, so it is not staged either",
    ),
    Case(
        "xlsx_formulas_in_two_cells_of_a_row",
        "custody.xlsx",
        lambda: _formula_workbook(station='="Lloyd "&"House"', disposal='=IF(1,"Charged","")'),
        "partly quarantined",
        staged=2,
        quarantined=(
            (
                2,
                "disposal",
                "formula in sheet 'Data' cell G3 (column disposal), sheet 'Data' cell L3 (column station)",
            ),
        ),
        staged_rows=(1, 3),
    ),
    Case(
        "xlsx_formula_in_a_column_not_read",
        "custody.xlsx",
        _formula_in_a_column_not_read,
        "loaded",
        staged=3,
        notes="a helper column ingest does not read may hold formulas",
    ),
    Case(
        "xlsx_text_starting_with_equals",
        "custody.xlsx",
        _text_starting_with_equals,
        "loaded",
        staged=3,
        notes="a text cell whose value starts with '=' is a value, not a formula",
    ),
)
