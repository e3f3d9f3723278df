"""What each sheet of the workbook says, once, for both spreadsheet writers (XLSX and ODS).

The AF guidance ("Releasing statistics in spreadsheets"), as gptables lays it out: a Cover sheet of text, a
Contents table linking to every sheet, a Notes table numbered ``note N``, then one sheet per table, each with
its title in A1, lines of explanation down column A and one marked-up table below them, nothing beside or
below it. The writers turn a :class:`Sheet` into their own markup; because both read the same sheets, the XLSX
and ODS copies agree cell for cell. Every text cell is neutralised against formula injection here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flows.contracts.tidy import SHORTHAND
from flows.publish.context import OGL_V3_NAME, OGL_V3_URL, SYNTHETIC_BANNER, SYNTHETIC_TITLE, ReleaseContext
from flows.publish.grid import Cell, Grid, NumberFormat
from flows.publish.text_cells import cell_text

WRAP_AT = 90  # characters: longer text in a table column wraps (a readable line, gptables' cover is 85)
COVER_WIDTH = 100  # characters: the Cover's one column, wrapped
MIN_WIDTH = 10
HEADER_WRAP = 20  # a long header wraps over lines rather than widening a column of short numbers
_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}\d+|[RrCc]\d*|[Rr]\d+[Cc]\d+)$")


@dataclass(frozen=True)
class Table:
    name: str  # display name: letters, digits and underscores, unique in the workbook
    headers: list[str]
    rows: list[list[Cell]]  # "" is a blank shorthand-column cell (the sheet explains blanks)
    formats: list[NumberFormat | None]  # per column
    links: bool = False  # the first column names sheets: link each to its sheet's A1


@dataclass(frozen=True)
class Sheet:
    name: str
    lines: list[str]  # down column A from A1 (the title, a heading); the table starts on the next row
    table: Table | None = None

    @property
    def table_top(self) -> int:
        """1-based row of the table's header."""
        return len(self.lines) + 1


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
        text = cell_text(text)
        if text not in texts:
            texts.append(text)
        return texts.index(text) + 1

    general_numbers = [number(t) for t in general]
    refs = [
        general_numbers + [n for n in (number(t) for t in g.notes) if n not in general_numbers] for g in grids
    ]
    return NotePlan(texts, refs)


def cover_title(context: ReleaseContext) -> str:
    return f"{SYNTHETIC_TITLE}: {context.title}" if context.synthetic else context.title


def workbook_sheets(grids: list[Grid], context: ReleaseContext, release_id: str) -> list[Sheet]:
    """Cover, Contents, Notes, then Table_1..n: every cell the workbook holds, in order."""
    notes = plan_notes(context.notes, grids)
    sheets = [Sheet("Cover", cover_lines(context, grids, release_id)), _contents(grids), _notes(notes.texts)]
    sheets += [_table_sheet(i, g, notes.refs[i - 1], context) for i, g in enumerate(grids, start=1)]
    return sheets


def default_description(context: ReleaseContext) -> str:
    if context.request is not None:
        return (
            f"Statistics from {context.organisation} released in response to Freedom of Information request "
            f"{context.reference}."
        )
    return f"Statistics published by {context.organisation} as part of its publication scheme."


def cover_lines(context: ReleaseContext, grids: list[Grid], release_id: str) -> list[str]:
    used = sorted({s for g in grids for s in g.shorthand_used})
    lines = [
        cover_title(context),
        "This worksheet contains no tables. It describes the statistics in this workbook.",
        context.description or default_description(context),
    ]
    if context.synthetic:
        lines.append(
            f"{SYNTHETIC_BANNER}. These figures were generated to demonstrate the software and describe "
            "no real people or events."
        )
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
    return [cell_text(line) for line in lines]


def _when(moment: datetime | None) -> str:
    return f"{moment:%d %B %Y %H:%M}" if moment else "not recorded"


def _shorthand_sentence(markers: list[str], where: str) -> str:
    meanings = "; ".join(f"{m} = {SHORTHAND.get(m, 'see the Notes worksheet')}" for m in markers)
    return f"Some cells in {where} contain shorthand instead of a number: {meanings}."


def _contents(grids: list[Grid]) -> Sheet:
    lines = [
        "Contents",
        "This worksheet contains one table. It lists the worksheets in this workbook; select a "
        "sheet name to go to that worksheet.",
    ]
    body: list[list[Cell]] = [["Notes", "Notes, definitions and counting rules"]]
    body += [[sheet_name(i), cell_text(f"Table {i}: {g.title}")] for i, g in enumerate(grids, start=1)]
    return Sheet(
        "Contents",
        lines,
        Table("contents_table", ["Sheet name", "Table title"], body, [None, None], links=True),
    )


def _notes(texts: list[str]) -> Sheet:
    lines = [
        "Notes",
        "This worksheet contains one table. The table worksheets refer to these notes as [note N].",
    ]
    body: list[list[Cell]] = [[f"note {n}", text] for n, text in enumerate(texts, start=1)] or [
        ["note 1", "No notes."]
    ]
    return Sheet("Notes", lines, Table("notes_table", ["Note number", "Note text"], body, [None, None]))


def _table_sheet(index: int, grid: Grid, refs: list[int], context: ReleaseContext) -> Sheet:
    banner = f"{SYNTHETIC_BANNER}. " if context.synthetic else ""
    about = "This worksheet contains one table."
    if refs:
        about += " Some cells refer to notes, which can be found on the Notes worksheet."
    lines = [cell_text(f"Table {index}: {grid.title}"), banner + about]
    if refs:
        lines.append("Notes for this table: " + " ".join(f"[note {n}]" for n in refs))
    if grid.shorthand_used:
        lines.append(_shorthand_sentence(grid.shorthand_used, "this table"))
    if grid.has_shorthand_columns:
        lines.append("A blank cell in a shorthand column means no shorthand applies to that figure.")
    lines.append(cell_text(f"Source: {context.source_text}. Figures as at {_when(context.as_at)}."))
    table = Table(
        display_name(grid.name),
        grid.headers,
        [list(r) for r in grid.rows],
        [c.number_format for c in grid.columns],
    )
    return Sheet(sheet_name(index), lines, table)


def display_name(name: str) -> str:
    """A meaningful table name Excel accepts: letters, digits and underscores, not like a cell (item 20)."""
    clean = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not re.match(r"^[A-Za-z_]", clean) or _CELL_LIKE.match(clean) or re.fullmatch(r"(?i)table\d*", clean):
        clean = f"table_{clean}"
    if clean in ("contents_table", "notes_table"):
        clean = f"data_{clean}"
    return clean[:255]


def shown_text(value: Cell, fmt: NumberFormat | None) -> str:
    """How a cell reads on screen, for sizing its column: numbers as their format shows them."""
    if isinstance(value, str):
        return value
    if fmt in ("signed_integer", "signed_decimal"):
        return f"{value:+,.0f}" if fmt == "signed_integer" else f"{value:+,.1f}"
    return f"{value:,.0f}" if fmt == "integer" else f"{value:,.1f}"


def column_widths(table: Table) -> list[tuple[float, bool]]:
    """(width in characters, wrap) per column: the widest cell, a long header wrapping over lines, long text
    wrapping at :data:`WRAP_AT`. Widths are characters of the 12 pt font; writers scale them to their units."""
    out = []
    for c, header in enumerate(table.headers):
        body = max((len(shown_text(r[c], table.formats[c])) for r in table.rows), default=0)
        head_word = max((len(w) for w in header.split()), default=0)
        head = min(len(header), max(HEADER_WRAP, head_word))
        widest = max(body, head)
        out.append((float(max(MIN_WIDTH, min(WRAP_AT, widest)) + 2), body > WRAP_AT))
    return out
