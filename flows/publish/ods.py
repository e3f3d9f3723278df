"""The ODS copy of the workbook: OpenDocument 1.3, the open format the AF guidance prefers, written with the
standard library.

Same sheets, same cells as the XLSX (both come from :func:`flows.publish.layout.workbook_sheets`): Cover,
Contents, Notes, Table_n; each table marked up as a database range without filter buttons; values only (no
``table:formula``), nothing hidden, no annotations, no scripts, no thumbnail, and the organisation (never a
tool or a person) as author. Written by hand rather than with odfpy because the package is five small XML
parts: this module is shorter than the glue odfpy would need, has no dependency, writes only what is listed
here (odfpy adds its own generator string), and is byte-for-byte reproducible (fixed zip times).
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

from openpyxl.utils import get_column_letter  # A1-style addresses, as the XLSX writer uses

from flows.publish.context import ReleaseContext
from flows.publish.grid import Cell, Grid, NumberFormat
from flows.publish.layout import (
    COVER_WIDTH,
    Sheet,
    Table,
    column_widths,
    cover_title,
    default_description,
    shown_text,
    workbook_sheets,
)

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
for _prefix, _uri in NS.items():
    register_namespace(_prefix, _uri)
VERSION = "1.3"
CM_PER_CHARACTER = 0.23  # Arial 12 pt, with the same allowance as the XLSX widths
_CR = "\ue000"  # stands in for a carriage return until serialised as &#13; (ElementTree would leave it raw)
_WHITESPACE = re.compile(r"\t|\n|^ +| +$| {2,}")
#: number style per grid format: (decimal places, signed)
_NUMBER_STYLES: dict[NumberFormat, tuple[int, bool]] = {
    "integer": (0, False),
    "decimal": (1, False),
    "signed_integer": (0, True),
    "signed_decimal": (1, True),
}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _el(
    parent: Element | None, name: str, attrs: dict[str, str] | None = None, text: str | None = None
) -> Element:
    attrib = {_q(k): v for k, v in (attrs or {}).items()}
    el = Element(_q(name), attrib) if parent is None else SubElement(parent, _q(name), attrib)
    if text is not None:
        el.text = text
    return el


def write_ods(path: Path, grids: list[Grid], context: ReleaseContext, release_id: str) -> None:
    """Write the workbook's ODS copy; same inputs as :func:`flows.publish.xlsx.write_workbook`."""
    sheets = workbook_sheets(grids, context, release_id)
    when = datetime.combine(context.published, datetime.min.time())
    parts = [
        ("mimetype", MIMETYPE.encode("ascii")),
        ("content.xml", _xml(_content(sheets))),
        ("styles.xml", _xml(_styles())),
        ("meta.xml", _xml(_meta(context, when))),
        ("META-INF/manifest.xml", _xml(_manifest())),
    ]
    tmp = path.with_name(f".{path.name}.tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for (
            name,
            data,
        ) in parts:  # mimetype first and stored, so tools can sniff the type (ODF 1.3 part 2, 3.3)
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    tmp.replace(path)


def _xml(root: Element) -> bytes:
    body = tostring(root, encoding="utf-8", xml_declaration=False).replace(_CR.encode("utf-8"), b"&#13;")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _styles() -> Element:
    """Arial 12 pt by default (checklist item 17) and the built-in Heading 1 cell style for A1 (item 18)."""
    root = _el(None, "office:document-styles", {"office:version": VERSION})
    fonts = _el(root, "office:font-face-decls")
    _el(
        fonts,
        "style:font-face",
        {"style:name": "Arial", "svg:font-family": "Arial", "style:font-family-generic": "swiss"},
    )
    styles = _el(root, "office:styles")
    default = _el(styles, "style:default-style", {"style:family": "table-cell"})
    _el(default, "style:text-properties", {"style:font-name": "Arial", "fo:font-size": "12pt"})
    _el(styles, "style:style", {"style:name": "Default", "style:family": "table-cell"})
    heading = _el(
        styles,
        "style:style",
        {
            "style:name": "Heading_20_1",
            "style:display-name": "Heading 1",
            "style:family": "table-cell",
            "style:parent-style-name": "Default",
        },
    )
    _el(heading, "style:text-properties", {"fo:font-size": "16pt", "fo:font-weight": "bold"})
    return root


def _meta(context: ReleaseContext, when: datetime) -> Element:
    root = _el(None, "office:document-meta", {"office:version": VERSION})
    meta = _el(root, "office:meta")
    stamp = when.isoformat()
    for name, value in (
        ("meta:generator", "disclose"),
        ("dc:title", cover_title(context)),
        ("dc:subject", context.category),
        ("dc:description", context.description or default_description(context)),
        ("dc:language", "en-GB"),
        ("meta:initial-creator", context.organisation),
        ("dc:creator", context.organisation),
        ("meta:creation-date", stamp),
        ("dc:date", stamp),
    ):
        _el(meta, name, text=value)
    for keyword in (k.strip() for k in context.keywords if k.strip()):
        _el(meta, "meta:keyword", text=keyword)
    return root


def _manifest() -> Element:
    root = _el(None, "manifest:manifest", {"manifest:version": VERSION})
    _el(
        root,
        "manifest:file-entry",
        {"manifest:full-path": "/", "manifest:version": VERSION, "manifest:media-type": MIMETYPE},
    )
    for part in ("content.xml", "styles.xml", "meta.xml"):
        _el(root, "manifest:file-entry", {"manifest:full-path": part, "manifest:media-type": "text/xml"})
    return root


def _content(sheets: list[Sheet]) -> Element:
    root = _el(None, "office:document-content", {"office:version": VERSION})
    fonts = _el(root, "office:font-face-decls")
    _el(
        fonts,
        "style:font-face",
        {"style:name": "Arial", "svg:font-family": "Arial", "style:font-family-generic": "swiss"},
    )
    auto = _el(root, "office:automatic-styles")
    _automatic_styles(auto)
    book = _el(_el(root, "office:body"), "office:spreadsheet")
    widths: dict[float, str] = {}
    ranges = []
    for sheet in sheets:
        ranges += _sheet(book, auto, sheet, widths)
    if ranges:
        db = _el(book, "table:database-ranges")
        for name, address in ranges:  # a marked-up table without filter buttons (gptables' autofilter=False)
            _el(
                db,
                "table:database-range",
                {
                    "table:name": name,
                    "table:target-range-address": address,
                    "table:display-filter-buttons": "false",
                    "table:contains-header": "true",
                },
            )
    return root


def _automatic_styles(auto: Element) -> None:
    for name, (places, signed) in _NUMBER_STYLES.items():
        if signed:  # "+#,##0;-#,##0;0": the sign is text in each sub-style, applied by value
            _number_style(auto, f"N-{name}-pos", places, "+")
            _number_style(auto, f"N-{name}-neg", places, "-")
            style = _number_style(auto, f"N-{name}", places, None)
            _el(
                style,
                "style:map",
                {"style:condition": "value()>0", "style:apply-style-name": f"N-{name}-pos"},
            )
            _el(
                style,
                "style:map",
                {"style:condition": "value()<0", "style:apply-style-name": f"N-{name}-neg"},
            )
        else:
            _number_style(auto, f"N-{name}", places, None)
        cell = _el(
            auto,
            "style:style",
            {
                "style:name": f"ce-{name}",
                "style:family": "table-cell",
                "style:parent-style-name": "Default",
                "style:data-style-name": f"N-{name}",
            },
        )
        _el(cell, "style:paragraph-properties", {"fo:text-align": "end"})
    table = _el(auto, "style:style", {"style:name": "ta-visible", "style:family": "table"})
    _el(table, "style:table-properties", {"table:display": "true", "style:writing-mode": "lr-tb"})
    cells = {
        "ce-header": (
            {"fo:wrap-option": "wrap", "style:vertical-align": "top"},
            {"fo:font-weight": "bold"},
            None,
        ),
        "ce-wrap": ({"fo:wrap-option": "wrap", "style:vertical-align": "top"}, None, None),
        "ce-shorthand": (None, None, {"fo:text-align": "end"}),
        "ce-text": (None, None, None),
    }
    for name, (cell_props, text_props, para_props) in cells.items():
        style = _el(
            auto,
            "style:style",
            {"style:name": name, "style:family": "table-cell", "style:parent-style-name": "Default"},
        )
        if cell_props:
            _el(style, "style:table-cell-properties", cell_props)
        if para_props:
            _el(style, "style:paragraph-properties", para_props)
        if text_props:
            _el(style, "style:text-properties", text_props)


def _number_style(auto: Element, name: str, places: int, sign: str | None) -> Element:
    style = _el(auto, "number:number-style", {"style:name": name})
    if sign:
        _el(style, "number:text", text=sign)
    _el(
        style,
        "number:number",
        {
            "number:decimal-places": str(places),
            "number:min-decimal-places": str(places),
            "number:min-integer-digits": "1",
            "number:grouping": "true",
        },
    )
    return style


def _column_style(auto: Element, widths: dict[float, str], chars: float) -> str:
    if chars not in widths:
        widths[chars] = f"co{len(widths) + 1}"
        style = _el(auto, "style:style", {"style:name": widths[chars], "style:family": "table-column"})
        _el(
            style,
            "style:table-column-properties",
            {"style:column-width": f"{chars * CM_PER_CHARACTER:.2f}cm"},
        )
    return widths[chars]


def _sheet(book: Element, auto: Element, sheet: Sheet, widths: dict[float, str]) -> list[tuple[str, str]]:
    """One table:table; returns its database range (name, address) if it holds a table."""
    ws = _el(book, "table:table", {"table:name": sheet.name, "table:style-name": "ta-visible"})
    table = sheet.table
    sizes = column_widths(table) if table else [(float(COVER_WIDTH), True)]
    for chars, _wrap in sizes:
        _el(
            ws,
            "table:table-column",
            {
                "table:style-name": _column_style(auto, widths, chars),
                "table:default-cell-style-name": "Default",
            },
        )
    for r, line in enumerate(sheet.lines):
        style = "Heading_20_1" if r == 0 else ("ce-wrap" if table is None else "ce-text")
        _text_cell(_el(ws, "table:table-row"), line, style)
    if table is None:
        return []
    header = _el(ws, "table:table-row")
    for h in table.headers:
        _text_cell(header, h, "ce-header")
    for values in table.rows:
        row = _el(ws, "table:table-row")
        for c, value in enumerate(values):
            _body_cell(row, value, table, c, sizes[c][1])
    last = get_column_letter(len(table.headers)) + str(sheet.table_top + len(table.rows))
    return [(table.name, f"'{sheet.name}'.A{sheet.table_top}:'{sheet.name}'.{last}")]


def _body_cell(row: Element, value: Cell, table: Table, c: int, wrap: bool) -> None:
    if value == "":
        _el(row, "table:table-cell")  # a blank shorthand cell; the sheet explains blanks above the table
    elif isinstance(value, int | float):
        fmt = table.formats[c] or "decimal"
        cell = _el(
            row,
            "table:table-cell",
            {"office:value-type": "float", "office:value": repr(value), "table:style-name": f"ce-{fmt}"},
        )
        _el(cell, "text:p", text=shown_text(value, fmt))
    elif table.links and c == 0:
        cell = _el(row, "table:table-cell", {"office:value-type": "string", "table:style-name": "ce-text"})
        _paragraph(
            _el(_el(cell, "text:p"), "text:a", {"xlink:href": f"#{value}.A1", "xlink:type": "simple"}), value
        )
    else:
        style = "ce-shorthand" if value.startswith("[") else ("ce-wrap" if wrap else "ce-text")
        _text_cell(row, value, style)


def _text_cell(row: Element, text: str, style: str) -> None:
    cell = _el(row, "table:table-cell", {"office:value-type": "string", "table:style-name": style})
    _paragraph(_el(cell, "text:p"), text)


def _paragraph(p: Element, text: str) -> None:
    """Text as ODF keeps it: readers collapse white space in ``text:p``, so tabs, line ends and runs of spaces
    are elements (ODF 1.3 part 3, 6.1.2) and a carriage return a character reference."""
    text = text.replace("\r", _CR)
    last: Element | None = None
    pos = 0

    def add(chunk: str) -> None:
        if not chunk:
            return
        if last is None:
            p.text = (p.text or "") + chunk
        else:
            last.tail = (last.tail or "") + chunk

    for m in _WHITESPACE.finditer(text):
        add(text[pos : m.start()])
        found = m.group()
        if found == "\t":
            last = _el(p, "text:tab")
        elif found == "\n":
            last = _el(p, "text:line-break")
        else:
            last = _el(p, "text:s", {"text:c": str(len(found))})
        pos = m.end()
    add(text[pos:])
