"""The bad-input corpus: each case is a delivered file and the exact outcome ingest must give it.

Files are built here (deterministically) rather than committed, so binary and oversized cases (a zip bomb,
a 2 MiB field) cost nothing in the repository; ``python -m tests.corpus.cases DIR`` writes them all out for
inspection. Personal-looking values carry the marker SECRET so the test can check no message echoes one.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CUSTODY_HEADER = (
    "custody_ref,person_ref,arrest_datetime,offence_seq,offence_code,offence_description,disposal,disposal_date,"
    "age_at_arrest,gender,self_defined_ethnicity,station,extracted_at"
)
CRIME_HEADER = (
    "crime_ref,recorded_date,committed_date,ho_offence_code,offence_description,outcome_code,outcome_date,district,"
    "extracted_at"
)
MARKED_CRIME_HEADER = CRIME_HEADER + ",domestic_abuse,knife_or_sharp_instrument,hate_crime_strands"
STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)


def custody(
    ref: str,
    seq: int = 1,
    code: str = "TH68010",
    disposal: str = "Charged",
    when: str = "05/08/2015 13:04",
    age: str = "30",
    station: str = "Lloyd House",
    extracted: str = "01/01/2016 02:00",
    person: str | None = None,
) -> str:
    disposal_date = "" if disposal in {"Bailed", "Released under investigation"} else "06/08/2015"
    return (
        f"{ref},{person or 'SECRET-' + ref},{when},{seq},{code},desc,{disposal},{disposal_date},{age},Male,W1,"
        f"{station},{extracted}"
    )


def crime(
    ref: str,
    outcome: str = "1",
    code: str = "46",
    recorded: str = "2015-08-05",
    extracted: str = "2016-01-01 02:00",
) -> str:
    return f"{ref},{recorded},{recorded},{code},Shoplifting,{outcome},2015-09-01,Riverside,{extracted}"


def marked_crime(ref: str, domestic: str = "", knife: str = "", strands: str = "", code: str = "8N") -> str:
    return crime(ref, code=code) + f",{domestic},{knife},{strands}"


def text(
    header: str, rows: list[str], *, newline: str = "\n", encoding: str = "utf-8", final: bool = True
) -> bytes:
    body = newline.join([header, *rows]) + (newline if final else "")
    return body.encode(encoding)


@dataclass(frozen=True)
class Case:
    """``quarantined``: (row, column, reason fragment) for every quarantined problem, in row order."""

    name: str
    file_name: str
    build: Callable[[], bytes]
    status: str  # loaded | partly quarantined | rejected
    staged: int = 0
    quarantined: tuple[tuple[int, str | None, str], ...] = ()
    reason: str | None = None  # fragment of the rejection reason
    max_share: float = 1.0
    staged_rows: tuple[int, ...] | None = None  # exact row numbers of the staged rows, where it matters
    unrecognised: tuple[int, int] = (
        0,
        0,
    )  # staged rows with a well-formed code not in the reference, distinct codes
    notes: str = ""
    extra: dict = field(default_factory=dict)


def good(n: int = 3, **kw: str) -> list[str]:
    return [custody(f"C{i}", **kw) for i in range(1, n + 1)]


# --- builders that need more than a few lines ---------------------------------------------------------------


def _embedded_newlines() -> bytes:
    rows = [
        custody("C1", station='"St Anne\'s, ""North""\nCustody Suite"'),
        custody("C2", age="187"),
        custody("C3", station='"Line one\r\nline two\nline three"'),
        "C4,SECRET-C4,05/08/2015 13:04,1,TH68010",
        custody("C5"),
    ]
    return text(CUSTODY_HEADER, rows)


def _blank_lines() -> bytes:
    rows = [custody("C1"), "", custody("C3"), "", "", custody("C6", age="0"), custody("C7")]
    return text(CUSTODY_HEADER, rows)


def _mixed_line_endings() -> bytes:
    return (CUSTODY_HEADER + "\r\n" + custody("C1") + "\n" + custody("C2") + "\r\n").encode()


def _zip_named_csv() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("custody.csv", text(CUSTODY_HEADER, good()))
    return buf.getvalue()


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _custody_cells(ref: str, **kw: object) -> list[object]:
    from datetime import datetime

    row: dict[str, object] = dict(
        custody_ref=ref,
        person_ref=f"SECRET-{ref}",
        arrest_datetime=datetime(2015, 8, 5, 13, 4),
        offence_seq=1,
        offence_code="TH68010",
        offence_description="desc",
        disposal="Charged",
        disposal_date=datetime(2015, 8, 6),
        age_at_arrest=30,
        gender="Male",
        self_defined_ethnicity="W1",
        station="Lloyd House",
        extracted_at=datetime(2016, 1, 1, 2, 0),
    )
    row.update(kw)
    return list(row.values())


def _xlsx_extra_sheets() -> bytes:
    header = CUSTODY_HEADER.split(",")
    return _workbook(
        {
            "Notes": [["Custody extract for FOI team"], ["Run by the BI service"]],
            "Data": [
                header,
                _custody_cells("C1"),
                _custody_cells("C2", age_at_arrest=187),
                [],
                _custody_cells("C4"),
            ],
            "Summary": [["total", 3]],
        }
    )


def _xlsx_two_extract_sheets() -> bytes:
    header = CUSTODY_HEADER.split(",")
    return _workbook({"Jan": [header, _custody_cells("C1")], "Feb": [header, _custody_cells("C2")]})


def _xlsx_zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 << 20))  # 64 MiB of zeros, ~64 KiB compressed
    return buf.getvalue()


def _xlsx_with_macros() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/vbaProject.bin", b"macro")
    return buf.getvalue()


def _parquet_crime() -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = CRIME_HEADER.split(",")
    rows = [crime("CR1").split(","), crime("CR2", outcome="99").split(","), crime("CR3").split(",")]
    table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _parquet_crime_damaged_page() -> bytes:
    """A crime Parquet file whose footer and schema read but whose first column's data page does not: found
    only when the rows are read (the file is read in place, by the checks)."""
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pq.read_table(io.BytesIO(_parquet_crime())), buf, compression="snappy")
    data = bytearray(buf.getvalue())
    column = pq.read_metadata(io.BytesIO(bytes(data))).row_group(0).column(0)
    for i in range(column.data_page_offset + 20, column.data_page_offset + column.total_compressed_size - 2):
        data[i] ^= 0xFF
    return bytes(data)


def _street() -> bytes:
    rows = [
        ",2024-01,City of London Police,City of London Police,-0.1,51.5,On or near X,E01000001,City 001A,"
        "Anti-social behaviour,,",
        "abc,2024-01,City of London Police,City of London Police,-0.1,51.5,On or near Y,E01000001,City 001A,"
        "Theft from the person,Status update unavailable,",
        "abc,2024-01,City of London Police,City of London Police,-0.1,51.5,On or near Z,E01000001,City 001A,"
        "Theft from the person,Investigation complete; no suspect identified,",
        "def,2024-01,City of London Police,City of London Police,,,No location,,,Shoplifting,Awaiting court outcome,",
        "ghi,2024-01,City of London Police,City of London Police,,,No location,,,Alien abduction,,",
    ]
    return text(STREET_HEADER, rows, newline="\r\n")


NICHE_HEADER = (
    "Custody Record No,Person URN,Surname,Forenames,Date of Birth,Home Address,Arrest Date/Time,Offence Seq No,"
    "CJS Offence Code,Offence Wording,Custody Outcome,Outcome Date,Age On Arrest,Sex,SDE Code,Custody Suite,"
    "Report Run Date,Arresting Force"
)


def _niche(run_date: str = "01/01/2016 02:00:00") -> bytes:
    def row(ref: str, outcome: str, seq: int = 1, age: str = "30") -> str:
        return (
            f'{ref},P-{ref},SECRETSURNAME,SECRETFORENAME,01/02/1980,"1 SECRET Street, Town",05/08/2015 13:04,'
            f"{seq},TH68010,Theft from a shop,{outcome},06/08/2015,{age},M,W1,Lloyd House,{run_date},"
            "Example Constabulary"
        )

    return text(
        NICHE_HEADER,
        [row("N1", "NFA"), row("N2", " charged "), row("N3", "RUI"), row("N4", "ARRESTED?")],
        encoding="cp1252",
    )


CASES: tuple[Case, ...] = (
    Case("utf8_plain", "custody.csv", lambda: text(CUSTODY_HEADER, good()), "loaded", staged=3),
    Case(
        "utf8_with_bom",
        "custody.csv",
        lambda: text(CUSTODY_HEADER, good(), encoding="utf-8-sig"),
        "loaded",
        staged=3,
    ),
    Case(
        "windows_1252_curly_quotes",
        "custody.csv",
        lambda: text(CUSTODY_HEADER, good(station="St George’s – Quay €"), encoding="cp1252"),
        "loaded",
        staged=3,
    ),
    Case(
        "windows_1252_undefined_byte",
        "custody.csv",
        lambda: text(CUSTODY_HEADER, good(station="caf\xe9")[:1], encoding="latin-1") + b"\x81\n",
        "rejected",
        reason="neither UTF-8 nor Windows-1252",
    ),
    Case(
        "bom_then_windows_1252",
        "custody.csv",
        lambda: b"\xef\xbb\xbf" + text(CUSTODY_HEADER, good(station="St George’s"), encoding="cp1252"),
        "rejected",
        reason="byte-order mark but is not valid UTF-8",
    ),
    Case(
        "utf16",
        "custody.csv",
        lambda: text(CUSTODY_HEADER, good(), encoding="utf-16"),
        "rejected",
        reason="UTF-16",
    ),
    Case(
        "binary_named_csv",
        "custody.csv",
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "rejected",
        reason="NUL bytes",
    ),
    Case("zip_named_csv", "custody.csv", _zip_named_csv, "rejected", reason="zip archive"),
    Case("empty_file", "custody.csv", lambda: b"", "rejected", reason="empty"),
    Case(
        "header_only",
        "custody.csv",
        lambda: text(CUSTODY_HEADER, []),
        "rejected",
        reason="header but no rows",
    ),
    Case(
        "missing_columns",
        "custody.csv",
        lambda: text(
            "custody_ref,person_ref,arrest_datetime,offence_seq", ["C1,SECRET-1,05/08/2015 13:04,1"]
        ),
        "rejected",
        reason="missing required column(s) offence_code, offence_description, disposal",
    ),
    Case(
        "not_an_extract",
        "custody.csv",
        lambda: text("name,address,phone", ["SECRET,SECRET,SECRET"]),
        "rejected",
        reason="not a recognised extract",
    ),
    Case(
        "semicolon_delimited",
        "custody.csv",
        lambda: text(CUSTODY_HEADER.replace(",", ";"), [custody("C1").replace(",", ";")]),
        "rejected",
        reason="semicolon",
    ),
    Case(
        "repeated_header_column",
        "custody.csv",
        lambda: text(CUSTODY_HEADER + ",station", [custody("C1") + ",X"]),
        "rejected",
        reason="repeats a column name",
    ),
    Case(
        "ragged_rows",
        "custody.csv",
        lambda: text(
            CUSTODY_HEADER,
            [
                custody("C1"),
                "C2,SECRET-C2,05/08/2015 13:04",
                custody("C3"),
                custody("C4") + ",extra,fields",
                custody("C5"),
                custody("C6"),
            ],
        ),
        "partly quarantined",
        staged=4,
        quarantined=(
            (2, "offence_seq", "fewer fields than the header"),
            (4, None, "more fields than the header"),
        ),
        staged_rows=(1, 3, 5, 6),
    ),
    Case(
        "quotes_and_embedded_newlines",
        "custody.csv",
        _embedded_newlines,
        "partly quarantined",
        staged=3,
        quarantined=((2, "age_at_arrest", "outside 10 to 110"), (4, "offence_description", "fewer fields")),
        staged_rows=(1, 3, 5),
    ),
    Case(
        "blank_lines_keep_their_place",
        "custody.csv",
        _blank_lines,
        "partly quarantined",
        staged=3,
        quarantined=((6, "age_at_arrest", "outside 10 to 110"),),
        staged_rows=(1, 3, 7),
    ),
    Case(
        "whitespace_only_line",
        "custody.csv",
        lambda: text(CUSTODY_HEADER, [custody("C1"), "   ", custody("C3")]),
        "partly quarantined",
        staged=2,
        quarantined=((2, "person_ref", "fewer fields"),),
        staged_rows=(1, 3),
    ),
    Case(
        "crlf_line_endings",
        "custody.csv",
        lambda: text(CUSTODY_HEADER, good(), newline="\r\n"),
        "loaded",
        staged=3,
    ),
    Case("mixed_line_endings", "custody.csv", _mixed_line_endings, "rejected", reason="line endings"),
    Case(
        "truncated_last_line",
        "custody.csv",
        lambda: text(CUSTODY_HEADER, [custody("C1"), custody("C2"), custody("C3")[:40]], final=False),
        "partly quarantined",
        staged=2,
        quarantined=((3, "disposal", "truncated last line"),),
    ),
    Case(
        "unterminated_quote",
        "custody.csv",
        lambda: text(
            CUSTODY_HEADER,
            [custody("C1"), custody("C2", station='"Lloyd House'), custody("C3"), custody("C4")],
        ),
        "rejected",
        reason="never closed",
    ),
    Case(
        "huge_field",
        "custody.csv",
        lambda: text(
            CUSTODY_HEADER,
            [custody("C1"), custody("C2", station="S" * (2 << 20)), custody("C3"), custody("C4")],
        ),
        "partly quarantined",
        staged=3,
        quarantined=((2, None, "longer than 1 MiB"),),
    ),
    Case(
        "duplicate_keys",
        "custody.csv",
        lambda: text(CUSTODY_HEADER, [custody("C1"), custody("C2"), custody("C1"), custody("C3")]),
        "partly quarantined",
        staged=2,
        quarantined=(
            (1, "offence_seq", "duplicate custody_ref and offence_seq"),
            (3, "offence_seq", "duplicate custody_ref and offence_seq"),
        ),
    ),
    Case(
        "future_dates",
        "custody.csv",
        lambda: text(CUSTODY_HEADER, [custody("C1"), custody("C2", when="05/08/2017 10:00")]),
        "partly quarantined",
        staged=1,
        quarantined=((2, "arrest_datetime", "after the extract was taken"),),
    ),
    Case(
        "swapped_day_month",
        "custody.csv",
        lambda: text(
            CUSTODY_HEADER,
            [
                custody("C1", when="08/05/2015 13:04"),
                custody("C2", when="12/31/2015 10:00"),
                custody("C3", when="11/06/2015 09:00"),
            ],
        ),
        "rejected",
        reason="day and month swapped",
    ),
    Case(
        "unknown_codes",
        "custody.csv",
        lambda: text(
            CUSTODY_HEADER,
            [custody("C1"), custody("C2", code="ZZ99999"), custody("C3", disposal="Arrested?")],
        ),
        "partly quarantined",
        staged=2,
        quarantined=((3, "disposal", "disposal not in the reference data"),),
        staged_rows=(1, 2),
        unrecognised=(1, 1),
        notes="ZZ99999 is shaped like a CJS code: staged, counted as unrecognised",
    ),
    Case(
        "malformed_vs_well_formed_offence_codes",
        "custody.csv",
        lambda: text(
            CUSTODY_HEADER,
            [
                custody("C1", code="COML999"),
                custody("C2", code="N/A"),
                custody("C3", code="MD71999C"),
                custody("C4", code="Theft from a shop"),
                custody("C5", code="TH6801"),
                custody("C6", code="sx56a99"),
                custody("C7", code=""),
                custody("C8", code="TH68010"),
                custody("C9", code="TH68010XY"),
                custody("C10", code="ZZ99999"),
            ],
        ),
        "partly quarantined",
        staged=5,
        quarantined=tuple((r, "offence_code", "not shaped like a CJS code") for r in (2, 4, 5, 7, 9)),
        staged_rows=(1, 3, 6, 8, 10),
        unrecognised=(4, 4),
        notes="COML999, MD71999C (variant), SX56A99 (lower case) and ZZ99999 are well-formed but unknown",
    ),
    Case(
        "mostly_unrecognised_codes_load_under_the_limit",
        "custody.csv",
        lambda: text(
            CUSTODY_HEADER,
            [custody(f"C{i}", code=f"XX{i % 7:02d}{i:03d}") for i in range(1, 46)]
            + [custody(f"C{i}") for i in range(46, 51)],
        ),
        "loaded",
        staged=50,
        max_share=0.01,
        unrecognised=(45, 45),
        notes="90% of the codes are local codes: the file is trusted, the reference list is behind",
    ),
    Case(
        "absurd_ages",
        "custody.csv",
        lambda: text(
            CUSTODY_HEADER,
            [custody("C1", age="0"), custody("C2", age="-3"), custody("C3"), custody("C4", age="x")],
        ),
        "partly quarantined",
        staged=1,
        quarantined=(
            (1, "age_at_arrest", "outside 10 to 110"),
            (2, "age_at_arrest", "outside 10 to 110"),
            (4, "age_at_arrest", "outside 10 to 110"),
        ),
    ),
    Case(
        "principal_offence_bad_quarantines_record",
        "custody.csv",
        lambda: text(
            CUSTODY_HEADER, [custody("C1", seq=1, code="ZZ-9999"), custody("C1", seq=2), custody("C2")]
        ),
        "partly quarantined",
        staged=1,
        quarantined=(
            (1, "offence_code", "not shaped like a CJS code"),
            (2, "offence_seq", "quarantined whole"),
        ),
    ),
    Case(
        "too_many_bad_rows",
        "custody.csv",
        lambda: text(
            CUSTODY_HEADER,
            [custody(f"C{i}") for i in range(1, 49)] + [custody("C49", age="0"), custody("C50", age="1")],
        ),
        "rejected",
        reason="2 of 50 rows (4.0%) failed checks, above the 1.0% limit",
        max_share=0.01,
    ),
    Case(
        "crime_duplicate_refs",
        "crime.csv",
        lambda: text(CRIME_HEADER, [crime("CR1"), crime("CR1"), crime("CR2")]),
        "partly quarantined",
        staged=1,
        quarantined=((1, "crime_ref", "duplicate crime_ref"), (2, "crime_ref", "duplicate crime_ref")),
    ),
    Case(
        "crime_unknown_codes",
        "crime.csv",
        lambda: text(
            CRIME_HEADER,
            [
                crime("CR1"),
                crime("CR2", outcome="99"),
                crime("CR3", code="999Z"),
                crime("CR4", code="Shoplifting"),
                crime("CR5", code=""),
                crime("CR6", code="08U"),
                crime("CR7", code="37/2"),
                crime("CR8", code="1-4.1"),
            ],
        ),
        "partly quarantined",
        staged=4,
        quarantined=(
            (2, "outcome_code", "outcome type not in the reference data"),
            (4, "ho_offence_code", "not shaped like one"),
            (5, "ho_offence_code", "not shaped like one"),
            (8, "ho_offence_code", "not shaped like one"),
        ),
        staged_rows=(1, 3, 6, 7),
        unrecognised=(2, 2),
        notes="999Z and 08U (8U) are well-formed but unknown; 37/2 is 37.2",
    ),
    Case(
        "crime_markers",
        "crime.csv",
        lambda: text(
            MARKED_CRIME_HEADER,
            [
                marked_crime("CR1", "Y", "N", "race"),
                marked_crime("CR2", "n", "", "Race; Sexual orientation"),
                marked_crime("CR3", "X"),
                marked_crime("CR4", knife="maybe"),
                marked_crime("CR5", strands="race;aliens"),
                marked_crime("CR6", "", "Y", ""),
                marked_crime("CR7", "Yes"),
            ],
        ),
        "partly quarantined",
        staged=3,
        quarantined=(
            (3, "domestic_abuse", "not Y, N or blank"),
            (4, "knife_or_sharp_instrument", "not Y, N or blank"),
            (5, "hate_crime_strands", "strand other than race, religion"),
            (7, "domestic_abuse", "not Y, N or blank"),
        ),
        staged_rows=(1, 2, 6),
    ),
    Case(
        "xlsx_extra_sheets",
        "custody.xlsx",
        _xlsx_extra_sheets,
        "partly quarantined",
        staged=2,
        quarantined=((2, "age_at_arrest", "outside 10 to 110"),),
        staged_rows=(1, 4),
    ),
    Case(
        "xlsx_two_extract_sheets",
        "custody.xlsx",
        _xlsx_two_extract_sheets,
        "rejected",
        reason="several sheets",
    ),
    Case("xlsx_zip_bomb", "custody.xlsx", _xlsx_zip_bomb, "rejected", reason="zip bomb"),
    Case(
        "xlsx_encrypted",
        "custody.xlsx",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
        "rejected",
        reason="encrypted",
    ),
    Case("xlsx_with_macros_renamed", "custody.xlsx", _xlsx_with_macros, "rejected", reason="macros"),
    Case(
        "xlsx_damaged", "custody.xlsx", lambda: b"PK\x03\x04" + b"garbage" * 10, "rejected", reason="damaged"
    ),
    Case(
        "xls_legacy",
        "custody.xls",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64),
        "rejected",
        reason=".xls",
    ),
    Case("xlsm_macro_enabled", "custody.xlsm", _xlsx_with_macros, "rejected", reason="macro-enabled"),
    Case(
        "parquet_crime",
        "crime.parquet",
        _parquet_crime,
        "partly quarantined",
        staged=2,
        quarantined=((2, "outcome_code", "outcome type not in the reference data"),),
    ),
    Case(
        "parquet_damaged",
        "crime.parquet",
        lambda: b"PAR1" + b"\x00garbage" * 8 + b"PAR1",
        "rejected",
        reason="not a readable Parquet",
    ),
    Case(
        "parquet_damaged_page",
        "crime.parquet",
        _parquet_crime_damaged_page,
        "rejected",
        reason="not a readable Parquet",
    ),
    Case(
        "unknown_extension",
        "custody.dat",
        lambda: text(CUSTODY_HEADER, good()),
        "rejected",
        reason="'.dat' files",
    ),
    Case(
        "police_uk_duplicate_and_blank_crime_ids",
        "2024-01-city-of-london-street.csv",
        _street,
        "partly quarantined",
        staged=4,
        quarantined=((5, "crime_type", "not in the data.police.uk list"),),
    ),
    Case(
        "profile_niche_drops_personal_columns",
        "niche_custody_20160101.csv",
        _niche,
        "partly quarantined",
        staged=3,
        quarantined=((4, "disposal", "disposal not in the reference data"),),
    ),
)


def write_all(folder: Path) -> None:
    from tests.corpus.trust_cases import TRUST_CASES

    folder.mkdir(parents=True, exist_ok=True)
    for case in CASES + TRUST_CASES:
        (folder / f"{case.name}{Path(case.file_name).suffix}").write_bytes(case.build())


if __name__ == "__main__":  # pragma: no cover
    write_all(Path(sys.argv[1]))
