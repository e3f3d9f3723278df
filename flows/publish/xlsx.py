"""The XLSX workbook: Cover, Contents, Notes, then one sheet per table, laid out to the AF spreadsheet guidance.

Written with openpyxl because it is the only Python writer that sets ``dc:language`` and the built-in Heading 1
cell style (publishing checklist §5). openpyxl's defaults are wrong for publication in three ways, each undone
here: the author is "openpyxl", the default font is Calibri 11, and tables get filter buttons unless their
columns are given up front. What each sheet says comes from :mod:`flows.publish.layout` (shared with the ODS
writer), built from :class:`Grid` only, so the workbook never sees a hidden value.

Column widths fit the table's own header and cells (as gptables does; text above a table runs on to the right
across empty cells); long text (notes) wraps; the Cover's one column wraps at a readable width.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as XlTable
from openpyxl.worksheet.table import TableColumn
from openpyxl.worksheet.worksheet import Worksheet

from flows.publish.context import ReleaseContext
from flows.publish.grid import Grid, NumberFormat
from flows.publish.layout import (
    COVER_WIDTH,
    Sheet,
    Table,
    column_widths,
    cover_title,
    default_description,
    workbook_sheets,
)

FONT = Font(name="Arial", sz=12, family=2)  # sans serif, >= 12 pt, automatic colour (checklist item 17)
BOLD = Font(name="Arial", sz=12, family=2, b=True)
HEADING_STYLE = "Headline 1"  # openpyxl's name for Excel's built-in "Heading 1" (builtinId 16, item 18)
#: thousands separators and signs come from the format, not the text (item 36)
NUMBER_FORMATS: dict[NumberFormat, str] = {
    "integer": "#,##0",
    "decimal": "#,##0.0",
    "signed_integer": "+#,##0;-#,##0;0",
    "signed_decimal": "+#,##0.0;-#,##0.0;0.0",
}
WIDTH_PER_CHARACTER = 1.2  # Excel widths count Calibri 11 digits; Arial 12 characters are about a fifth wider


def write_workbook(path: Path, grids: list[Grid], context: ReleaseContext, release_id: str) -> None:
    wb = Workbook()
    _set_fonts(wb)
    for i, sheet in enumerate(workbook_sheets(grids, context, release_id)):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = sheet.name
        _write_sheet(ws, sheet)
    _set_properties(wb, context)
    wb.active = 0
    wb.save(path)


def _set_fonts(wb: Workbook) -> None:
    """Replace openpyxl's Calibri 11 default (font 0 and the Normal style) and add an uncoloured Heading 1."""
    wb._fonts = IndexedList([FONT])
    wb._named_styles["Normal"].font = FONT
    wb.add_named_style(
        NamedStyle(
            name=HEADING_STYLE,
            builtinId=16,
            font=Font(name="Arial", sz=16, b=True, family=2),
            border=Border(),
        )
    )


def _set_properties(wb: Workbook, context: ReleaseContext) -> None:
    p = wb.properties
    p.title = cover_title(context)
    p.subject = context.category
    p.description = context.description or default_description(context)
    p.keywords = ", ".join(k.strip() for k in context.keywords if k.strip())
    p.language = "en-GB"
    p.creator = context.organisation
    p.lastModifiedBy = context.organisation
    p.identifier = context.reference
    when = datetime.combine(context.published, datetime.min.time())
    p.created = when
    p.modified = when


def _write_sheet(ws: Worksheet, sheet: Sheet) -> None:
    """Lines down column A (A1 as Heading 1), then the table, if any."""
    cover = sheet.table is None
    for r, text in enumerate(sheet.lines, start=1):
        cell = ws.cell(r, 1, text)
        if r == 1:
            cell.style = HEADING_STYLE
        else:
            cell.font = FONT
        if cover:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if cover:
        ws.column_dimensions["A"].width = COVER_WIDTH * WIDTH_PER_CHARACTER
    else:
        _table(ws, sheet.table_top, sheet.table)


def _table(ws: Worksheet, top: int, table: Table) -> None:
    """A marked-up table starting in column A, with no filter buttons and nothing below it."""
    widths = column_widths(table)
    for c, header in enumerate(table.headers, start=1):
        cell = ws.cell(top, c, header)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(table.rows, start=top + 1):
        for c, value in enumerate(values, start=1):
            if value == "":
                continue  # a blank shorthand cell; the sheet explains blanks above the table
            cell = ws.cell(r, c, value)
            cell.font = FONT
            fmt = table.formats[c - 1]
            if isinstance(value, int | float) and fmt:
                cell.number_format = NUMBER_FORMATS[fmt]
            elif isinstance(value, str) and value.startswith("["):
                cell.alignment = Alignment(horizontal="right")
            elif widths[c - 1][1]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if table.links and c == 1:
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{value}'!A1", display=str(value))
    last = f"{get_column_letter(len(table.headers))}{top + len(table.rows)}"
    columns = [
        TableColumn(id=i, name=h) for i, h in enumerate(table.headers, start=1)
    ]  # pre-filled: no autoFilter
    ws.add_table(
        XlTable(displayName=table.name, ref=f"A{top}:{last}", tableColumns=columns, headerRowCount=1)
    )
    for c, (width, _wrap) in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = round(width * WIDTH_PER_CHARACTER, 1)
