"""XLSX extracts, read safely and turned into a plain UTF-8 CSV for the same DuckDB path as every other file.

A workbook is a zip of XML, so it is inspected before anything parses it: a zip bomb (an entry that inflates
far beyond its compressed size, or a total over the limit), encrypted entries, macros (``vbaProject.bin``)
and non-workbook zips are refused. openpyxl then reads it in read-only streaming mode with defusedxml
guarding the XML (no entity expansion, no external entities). Exactly one sheet must carry an extract
header; other sheets (notes, pivots) are ignored and named in the ledger. A formula's text is never
written, nor its cached result (which may be stale or missing): each formula cell is listed, and a row with
one in a column ingest reads is quarantined (read.py).
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

HEADER_SEARCH_ROWS = 10


class WorkbookRejected(ValueError):
    """The workbook cannot be read safely; the message says why without echoing its contents."""


@dataclass(frozen=True)
class XlsxLimits:
    max_entries: int = 10_000
    max_uncompressed: int = 1 << 30  # bytes, whole workbook
    max_ratio: float = 200.0  # inflated / compressed size of one entry
    ratio_floor: int = 1 << 20  # entries smaller than this are never called bombs


@dataclass(frozen=True)
class ConvertedSheet:
    csv_path: Path
    sheet: str
    header: list[str]
    blank_records: list[int]  # data rows (1-based after the header) that are empty
    other_sheets: list[str]
    formulas: list[tuple[int, int, str]]  # (data row, column position, "sheet 'S' cell G3"), written blank


def inspect_zip(path: Path, limits: XlsxLimits | None = None) -> None:
    """Refuse a workbook that is not a plain, unencrypted, macro-free XLSX of sane inflated size."""
    limits = limits or XlsxLimits()
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        raise WorkbookRejected("not a readable XLSX workbook (the zip container is damaged)") from None
    names = {i.filename for i in infos}
    if len(infos) > limits.max_entries:
        raise WorkbookRejected(
            f"the workbook holds {len(infos)} parts, over the limit of {limits.max_entries}"
        )
    if any(i.flag_bits & 0x1 for i in infos):
        raise WorkbookRejected("the workbook is encrypted: deliver it without a password")
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise WorkbookRejected("a zip archive, not an XLSX workbook")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise WorkbookRejected("the workbook contains macros: save it as a plain .xlsx without macros")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise WorkbookRejected(
                f"zip bomb: part {info.filename} inflates {ratio:.0f}-fold (limit {limits.max_ratio:.0f})"
            )
    if total > limits.max_uncompressed:
        raise WorkbookRejected(
            f"zip bomb: the workbook inflates to {total / 2**20:.0f} MiB (limit {limits.max_uncompressed / 2**20:.0f} MiB)"
        )


def convert(
    path: Path, scratch: Path, recognise: Callable[[list[str]], bool], limits: XlsxLimits | None = None
) -> ConvertedSheet:
    """The one sheet with an extract header, written as UTF-8 CSV (data rows keep their numbers)."""
    import openpyxl
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a locked dependency
        raise WorkbookRejected("defusedxml is not installed: refusing to parse workbook XML unguarded")
    inspect_zip(path, limits)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)  # formula cells show as such
    except Exception:  # noqa: BLE001 - openpyxl raises many types for damaged parts; none may echo content
        raise WorkbookRejected("not a readable XLSX workbook (openpyxl could not open it)") from None
    try:
        found = []
        for ws in wb.worksheets:
            ws.reset_dimensions()
            header_at = _header_row(ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), recognise)
            if header_at is not None:
                found.append((ws, *header_at))
        names = [ws.title for ws in wb.worksheets]
        if not found:
            raise WorkbookRejected(f"no sheet has an extract header (sheets: {', '.join(names)})")
        if len(found) > 1:
            raise WorkbookRejected(
                f"several sheets look like extracts ({', '.join(ws.title for ws, _, _ in found)}): deliver one per file"
            )
        ws, header_row, header = found[0]
        out = scratch / (path.stem + ".xlsx.csv")
        blanks, formulas = _write_rows(ws.iter_rows(min_row=header_row + 1), header, out, ws.title)
    except WorkbookRejected:
        raise
    except Exception:  # noqa: BLE001
        raise WorkbookRejected("not a readable XLSX workbook (a sheet could not be read)") from None
    finally:
        wb.close()
    return ConvertedSheet(out, ws.title, header, blanks, [n for n in names if n != ws.title], formulas)


def _header_row(
    rows: Iterable[tuple], recognise: Callable[[list[str]], bool]
) -> tuple[int, list[str]] | None:
    for number, row in enumerate(rows, start=1):
        header = _trim([cell_text(v) for v in row])
        if header and recognise(header):
            return number, header
    return None


def _write_rows(
    rows: Iterable[tuple], header: list[str], out: Path, sheet: str
) -> tuple[list[int], list[tuple[int, int, str]]]:
    """Write data rows; empty rows become blank records, trailing empty rows are dropped, formula cells are
    written blank and listed."""
    width = len(header)
    blanks: list[int] = []
    formulas: list[tuple[int, int, str]] = []
    pending_blank = 0
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        number = 0
        for row in rows:
            number += 1
            found = [
                (number, i, f"sheet '{sheet}' cell {c.coordinate}")
                for i, c in enumerate(row)
                if c.data_type == "f"
            ]
            formulas += found
            cells = _trim([cell_text(None if c.data_type == "f" else c.value) for c in row])
            if not cells and not found:  # a row of formulas alone is still a row
                pending_blank += 1
                continue
            for k in range(pending_blank):
                fh.write("\n")
                blanks.append(number - pending_blank + k)
            pending_blank = 0
            writer.writerow(cells + [""] * (width - len(cells)))
    return blanks, formulas


def _trim(cells: list[str]) -> list[str]:
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold: ISO dates, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
