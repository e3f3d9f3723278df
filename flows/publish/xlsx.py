"""The XLSX workbook: Cover, Contents, Notes, then one sheet per table, laid out to the AF spreadsheet guidance.

Written with openpyxl because it is the only Python writer that sets ``dc:language`` and the built-in Heading 1
cell style (publishing checklist §5). openpyxl's defaults are wrong for publication in three ways, each undone
here: the author is "openpyxl", the default font is Calibri 11, and tables get filter buttons unless their
columns are given up front. Input is :class:`Grid` only, so the workbook never sees a hidden value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableColumn
from openpyxl.worksheet.worksheet import Worksheet

from flows.contracts.tidy import SHORTHAND, Role
from flows.publish.context import OGL_V3_NAME, OGL_V3_URL, SYNTHETIC_BANNER, SYNTHETIC_TITLE, ReleaseContext
from flows.publish.grid import Grid

FONT = Font(name="Arial", sz=12, family=2)  # sans serif, >= 12 pt, automatic colour (checklist item 17)
BOLD = Font(name="Arial", sz=12, family=2, b=True)
HEADING_STYLE = "Headline 1"  # openpyxl's name for Excel's built-in "Heading 1" (builtinId 16, item 18)
COUNT_FORMAT = "#,##0"  # thousands separators come from the format, not the text (item 36)
DECIMAL_FORMAT = "#,##0.0"
_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}\d+|[RrCc]\d*|[Rr]\d+[Cc]\d+)$")


@dataclass(frozen=True)
class NotePlan:
    """Notes numbered once for the whole workbook: general notes first, then each table's own notes."""

    texts: list[str]
    refs: list[list[int]]  # per grid, the note numbers that apply to it


def sheet_name(index: int) -> str:
    """Stable, short sheet names (<= 31 characters): the n-th table is always ``Table_n``."""
    return f"Table_{index}"


def plan_notes(general: list[str], grids: list[Grid]) -> NotePlan:
    texts: list[str] = []

    def number(text: str) -> int:
        if text not in texts:
            texts.append(text)
        return texts.index(text) + 1

    general_numbers = [number(t) for t in general]
    refs = [general_numbers + [n for n in (number(t) for t in g.notes) if n not in general_numbers] for g in grids]
    return NotePlan(texts, refs)


def cover_title(context: ReleaseContext) -> str:
    return f"{SYNTHETIC_TITLE}: {context.title}" if context.synthetic \
        else context.title


def write_workbook(path: Path, grids: list[Grid], context: ReleaseContext, release_id: str) -> None:
    wb = Workbook()
    _set_fonts(wb)
    notes = plan_notes(context.notes, grids)
    cover = wb.active
    cover.title = "Cover"
    _text_rows(cover, _cover_lines(context, grids, release_id))
    _contents_sheet(wb.create_sheet("Contents"), grids)
    _notes_sheet(wb.create_sheet("Notes"), notes.texts)
    for i, grid in enumerate(grids, start=1):
        _table_sheet(wb.create_sheet(sheet_name(i)), i, grid, notes.refs[i - 1], context)
    _set_properties(wb, context)
    wb.active = 0
    wb.save(path)


def _set_fonts(wb: Workbook) -> None:
    """Replace openpyxl's Calibri 11 default (font 0 and the Normal style) and add an uncoloured Heading 1."""
    wb._fonts = IndexedList([FONT])
    wb._named_styles["Normal"].font = FONT
    wb.add_named_style(NamedStyle(name=HEADING_STYLE, builtinId=16, font=Font(name="Arial", sz=16, b=True,
                                                                               family=2), border=Border()))


def _set_properties(wb: Workbook, context: ReleaseContext) -> None:
    p = wb.properties
    p.title = cover_title(context)
    p.subject = context.category
    p.description = context.description or _default_description(context)
    p.keywords = ", ".join(k.strip() for k in context.keywords if k.strip())
    p.language = "en-GB"
    p.creator = context.organisation
    p.lastModifiedBy = context.organisation
    p.identifier = context.reference
    when = datetime.combine(context.published, datetime.min.time())
    p.created = when
    p.modified = when


def _default_description(context: ReleaseContext) -> str:
    if context.request is not None:
        return (f"Statistics from {context.organisation} released in response to Freedom of Information request "
                f"{context.reference}.")
    return f"Statistics published by {context.organisation} as part of its publication scheme."


def _cover_lines(context: ReleaseContext, grids: list[Grid], release_id: str) -> list[str]:
    used = sorted({s for g in grids for s in g.shorthand_used})
    lines = [cover_title(context),
             "This worksheet contains no tables. It describes the statistics in this workbook.",
             context.description or _default_description(context)]
    if context.synthetic:
        lines.append(f"{SYNTHETIC_BANNER}. These figures were generated to demonstrate the software and describe "
                     "no real people or events.")
    lines += [
        f"Source: {context.source_text}.",
        f"Figures as at: {_when(context.as_at)}.",
        f"Published: {context.published:%d %B %Y}.",
        f"Next update: {context.next_update or 'none planned; this is a one-off release.'}",
        f"Contact: {context.contact}, {context.organisation}.",
        f"Reference: {context.reference}. Release: {release_id}.",
        f"Protecting people in the figures: counts from 1 to {context.threshold - 1} are never published and "
        "are shown as [c]. Other figures may also be shown as [c] so that withheld figures cannot be worked out "
        "from totals.",
        _shorthand_sentence(used, "this workbook") if used else "No shorthand is used in this workbook.",
        "Definitions and counting rules are on the Notes worksheet. The tables are listed on the Contents "
        "worksheet.",
        f"Licence: you may re-use these statistics free of charge under the {OGL_V3_NAME} ({OGL_V3_URL}).",
    ]
    return lines


def _when(moment: datetime | None) -> str:
    return f"{moment:%d %B %Y %H:%M}" if moment else "not recorded"


def _shorthand_sentence(markers: list[str], where: str) -> str:
    meanings = "; ".join(f"{m} = {SHORTHAND.get(m, 'see the Notes worksheet')}" for m in markers)
    return f"Some cells in {where} contain shorthand instead of a number: {meanings}."


def _contents_sheet(ws: Worksheet, grids: list[Grid]) -> None:
    row = _text_rows(ws, ["Contents", "This worksheet contains one table. It lists the worksheets in this "
                          "workbook; select a sheet name to go to that worksheet."])
    body = [["Notes", "Notes, definitions and counting rules"]]
    body += [[sheet_name(i), f"Table {i}: {g.title}"] for i, g in enumerate(grids, start=1)]
    _table(ws, row, "contents_table", ["Sheet name", "Table title"], body, {})
    for r, (name, _title) in enumerate(body, start=row + 1):
        ws.cell(r, 1).hyperlink = Hyperlink(ref=f"A{r}", location=f"'{name}'!A1", display=name)


def _notes_sheet(ws: Worksheet, texts: list[str]) -> None:
    row = _text_rows(ws, ["Notes", "This worksheet contains one table. The table worksheets refer to these "
                          "notes as [note N]."])
    body = [[f"note {n}", text] for n, text in enumerate(texts, start=1)] or [["note 1", "No notes."]]
    _table(ws, row, "notes_table", ["Note number", "Note text"], body, {})


def _table_sheet(ws: Worksheet, index: int, grid: Grid, refs: list[int], context: ReleaseContext) -> None:
    banner = f"{SYNTHETIC_BANNER}. " if context.synthetic else ""
    about = "This worksheet contains one table."
    if refs:
        about += " Some cells refer to notes, which can be found on the Notes worksheet."
    lines = [f"Table {index}: {grid.title}", banner + about]
    if refs:
        lines.append("Notes for this table: " + " ".join(f"[note {n}]" for n in refs))
    if grid.shorthand_used:
        lines.append(_shorthand_sentence(grid.shorthand_used, "this table"))
    if grid.has_shorthand_columns:
        lines.append("A blank cell in a shorthand column means no shorthand applies to that figure.")
    lines.append(f"Source: {context.source_text}. Figures as at {_when(context.as_at)}.")
    row = _text_rows(ws, lines)
    formats = {i: (COUNT_FORMAT if c.role == Role.COUNT else DECIMAL_FORMAT)
               for i, c in enumerate(grid.columns) if c.kind == "measure"}
    _table(ws, row, _display_name(grid.name), grid.headers, [list(r) for r in grid.rows], formats)


def _display_name(name: str) -> str:
    """A meaningful table name Excel accepts: letters, digits and underscores, not like a cell (item 20)."""
    clean = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not re.match(r"^[A-Za-z_]", clean) or _CELL_LIKE.match(clean) or re.fullmatch(r"(?i)table\d*", clean):
        clean = f"table_{clean}"
    if clean in ("contents_table", "notes_table"):
        clean = f"data_{clean}"
    return clean[:255]


def _text_rows(ws: Worksheet, lines: list[str]) -> int:
    """Write lines down column A (A1 as Heading 1); return the row after the last one."""
    for r, text in enumerate(lines, start=1):
        cell = ws.cell(r, 1, text)
        if r == 1:
            cell.style = HEADING_STYLE
        else:
            cell.font = FONT
    ws.column_dimensions["A"].width = 40
    return len(lines) + 1


def _table(ws: Worksheet, top: int, display_name: str, headers: list[str], body: list[list[object]],
           formats: dict[int, str]) -> None:
    """A marked-up table starting in column A, with no filter buttons and nothing below it."""
    for c, header in enumerate(headers, start=1):
        cell = ws.cell(top, c, header)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(body, start=top + 1):
        for c, value in enumerate(values, start=1):
            if value == "" or value is None:
                continue  # a blank shorthand cell; the sheet explains blanks above the table
            cell = ws.cell(r, c, value)
            cell.font = FONT
            if isinstance(value, int | float) and (c - 1) in formats:
                cell.number_format = formats[c - 1]
            elif isinstance(value, str) and value.startswith("["):
                cell.alignment = Alignment(horizontal="right")
    last = f"{get_column_letter(len(headers))}{top + len(body)}"
    columns = [TableColumn(id=i, name=h) for i, h in enumerate(headers, start=1)]  # pre-filled: no autoFilter
    ws.add_table(Table(displayName=display_name, ref=f"A{top}:{last}", tableColumns=columns, headerRowCount=1))
    for c, header in enumerate(headers, start=1):
        longest = max([len(header)] + [len(str(v[c - 1])) for v in body])
        letter = get_column_letter(c)
        current = ws.column_dimensions[letter].width or 0
        ws.column_dimensions[letter].width = max(current, min(60, max(12, longest + 2)))
