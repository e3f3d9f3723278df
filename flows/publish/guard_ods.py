"""The publish guard for ODS: re-read an OpenDocument spreadsheet from its XML and refuse anything that could leak.

Part of :mod:`flows.publish.guard`, written to be read in one sitting; it imports no writer. It opens the zip
with the standard library and parses each part with defusedxml. It refuses:

* any part but the five an ODS needs (and settings.xml): no macros (Basic/, Scripts/), embedded objects,
  pictures or thumbnails (an image of a sheet the guard cannot read);
* formulas (``table:formula``), comments (``office:annotation``), scripts and event listeners, macro links,
  forms, drawings, links to outside data, hidden text;
* hidden sheets (a table style with ``table:display="false"``), hidden or filtered rows and columns
  (``table:visibility``), zero-height rows, zero-width columns, white text;
* an author who is not the organisation, and personal metadata (printed-by, custom fields) in meta.xml;
* cells: the rules every format shares (:mod:`flows.publish.guard_rules`): tables are the database ranges,
  their header row gives each column's role; a number outside a table is taken for a count.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from defusedxml.ElementTree import fromstring
from openpyxl.utils import column_index_from_string, get_column_letter

from flows.publish.guard_rules import (
    Finding,
    Rules,
    author_problem,
    cell_problem,
    header_problems,
    text_problem,
)

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ALLOWED_PARTS = frozenset(
    {
        "mimetype",
        "content.xml",
        "styles.xml",
        "meta.xml",
        "settings.xml",
        "manifest.rdf",
        "META-INF/manifest.xml",
    }
)
MAX_UNZIPPED_BYTES = 200 * 2**20
MAX_REPEAT = 1_048_576  # a sheet's rows, as far as any reader goes
_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "script": "urn:oasis:names:tc:opendocument:xmlns:script:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "form": "urn:oasis:names:tc:opendocument:xmlns:form:1.0",
}
FORBIDDEN_ELEMENTS = {
    "office:annotation": "comment (office:annotation)",
    "office:scripts": "scripts (office:scripts)",
    "office:event-listeners": "event listeners (macros run on events)",
    "script:event-listener": "event listener (a macro run on an event)",
    "form:form": "form controls",
    "draw:frame": "drawing, image or embedded object",
    "draw:object": "embedded object",
    "draw:image": "image",
    "table:table-source": "link to outside data (table:table-source)",
    "table:cell-range-source": "link to outside data (table:cell-range-source)",
    "table:dde-links": "DDE link to outside data",
    "office:dde-source": "DDE link to outside data",
    "text:hidden-text": "hidden text",
    "text:hidden-paragraph": "hidden paragraph",
}
_ZERO = re.compile(r"^0+(\.0+)?[a-z]*$")
_ADDRESS = re.compile(r"^\$?(?:'((?:[^']|'')+)'|([^.']*))\.\$?([A-Z]+)\$?(\d+)$")


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


def audit_ods(path: Path, rules: Rules) -> list[Finding]:
    name = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED_BYTES:
                return [Finding(name, "unzips to more than 200 MB: too large to audit safely")]
            parts = zf.namelist()
            findings = [
                Finding(
                    name, f"unexpected part {p}: macros, objects, pictures and thumbnails are not allowed"
                )
                for p in parts
                if p not in ALLOWED_PARTS and not p.endswith("/")
            ]
            if "mimetype" not in parts or zf.read("mimetype").strip() != MIMETYPE.encode():
                return findings + [Finding(name, f"not an ODS spreadsheet: mimetype must be {MIMETYPE}")]
            content = fromstring(zf.read("content.xml"))
            styles = [content] + ([fromstring(zf.read("styles.xml"))] if "styles.xml" in parts else [])
            findings += _markup(name, styles) + _meta(zf, name, rules)
    except (zipfile.BadZipFile, KeyError) as exc:
        return [Finding(name, f"not a readable ODS package: {exc}")]
    return findings + _cells(name, content, rules)


def _markup(name: str, roots: list) -> list[Finding]:
    """Formulas, forbidden elements, macro links, and hiding by style or attribute, in content and styles."""
    findings = []
    formula, visibility = _q("table:formula"), _q("table:visibility")
    forbidden = {_q(k): v for k, v in FORBIDDEN_ELEMENTS.items()}
    for root in roots:
        for el in root.iter():
            if el.tag in forbidden:
                findings.append(Finding(name, f"forbidden: {forbidden[el.tag]}"))
            if el.get(formula) is not None:
                findings.append(Finding(name, f"formula {el.get(formula)[:40]!r}: publish values only"))
            if el.get(visibility, "visible") != "visible":
                findings.append(Finding(name, f"{el.get(visibility)} (hidden) {el.tag.split('}')[1]}"))
            href = el.get(_q("xlink:href"), "")
            if re.match(r"(?i)(vnd\.sun\.star\.script|macro|javascript):", href):
                findings.append(Finding(name, f"link runs a macro or script: {href[:60]!r}"))
        for props in root.iter(_q("style:table-properties")):
            if props.get(_q("table:display")) == "false":
                findings.append(Finding(name, "a sheet style hides sheets (table:display=false)"))
        for tag, attr, what in (
            ("style:table-row-properties", "style:row-height", "zero-height row"),
            ("style:table-column-properties", "style:column-width", "zero-width column"),
        ):
            for props in root.iter(_q(tag)):
                if _ZERO.match(props.get(_q(attr), "1")):
                    findings.append(Finding(name, f"{what} style: nothing may be hidden"))
        for props in root.iter(_q("style:text-properties")):
            if props.get(_q("fo:color"), "").lower() in ("#ffffff", "#fff"):
                findings.append(Finding(name, "white font: text could be hidden in plain sight"))
    return findings


def _meta(zf: zipfile.ZipFile, name: str, rules: Rules) -> list[Finding]:
    if "meta.xml" not in zf.namelist():
        return [Finding(name, "no document properties (meta.xml)")]
    meta = fromstring(zf.read("meta.xml"))
    findings = []
    for label in ("meta:initial-creator", "dc:creator"):
        el = meta.find(f".//{_q(label)}")
        problem = author_problem(label, (el.text or "").strip() if el is not None else "", rules)
        if problem:
            findings.append(Finding(name, problem))
    for label in ("meta:printed-by", "meta:user-defined"):
        if meta.find(f".//{_q(label)}") is not None:
            findings.append(Finding(name, f"personal or custom metadata {label} in meta.xml"))
    return findings


def _text(cell) -> str:
    """A cell's text as a reader sees it: paragraphs by line, spaces, tabs and breaks expanded."""
    s, tab, br = _q("text:s"), _q("text:tab"), _q("text:line-break")

    def flat(el) -> str:
        out = el.text or ""
        for child in el:
            if child.tag == s:
                out += " " * int(child.get(_q("text:c"), "1"))
            elif child.tag == tab:
                out += "\t"
            elif child.tag == br:
                out += "\n"
            else:
                out += flat(child)
            out += child.tail or ""
        return out

    return "\n".join(flat(p) for p in cell.iter(_q("text:p")))


def _value(cell) -> object:
    kind = cell.get(_q("office:value-type"))
    if kind in ("float", "percentage", "currency"):
        return float(cell.get(_q("office:value")))
    text = _text(cell)
    return text if text or kind else None


def _boxes(content) -> dict[str, list[tuple[int, int, int, int]]]:
    """Database ranges (the marked-up tables) by sheet: (first column, first row, last column, last row), 1-based."""
    boxes: dict[str, list[tuple[int, int, int, int]]] = {}
    for rng in content.iter(_q("table:database-range")):
        start, _, end = rng.get(_q("table:target-range-address"), "").partition(":")
        a, b = _ADDRESS.match(start), _ADDRESS.match(end)
        if a and b:
            sheet = (a.group(1) or "").replace("''", "'") or a.group(2)
            boxes.setdefault(sheet, []).append(
                (
                    column_index_from_string(a.group(3)),
                    int(a.group(4)),
                    column_index_from_string(b.group(3)),
                    int(b.group(4)),
                )
            )
    return boxes


def _cells(name: str, content, rules: Rules) -> list[Finding]:
    """Every cell of every sheet: table bodies get the full cell rule, other cells the count and formula rules."""
    findings: list[Finding] = []
    boxes = _boxes(content)
    cell_tags = (_q("table:table-cell"), _q("table:covered-table-cell"))
    for sheet in content.iter(_q("table:table")):
        title = sheet.get(_q("table:name"))
        grid: dict[tuple[int, int], object] = {}
        r = 0
        for row in sheet.iter(_q("table:table-row")):
            r += 1
            c = 0
            for cell in (x for x in row if x.tag in cell_tags):
                c += 1
                value = _value(cell)
                if value is not None:
                    grid[(r, c)] = value  # a repeated cell is checked once, where it starts
                c += min(int(cell.get(_q("table:number-columns-repeated"), "1")), MAX_REPEAT) - 1
            r += min(int(row.get(_q("table:number-rows-repeated"), "1")), MAX_REPEAT) - 1
        sheet_boxes = boxes.get(title, [])
        headers = {}
        for left, top, right, _bottom in sheet_boxes:
            header = [grid.get((top, col)) for col in range(left, right + 1)]
            headers[(left, top)] = header
            findings += header_problems(name, header, title)
        for (r, c), value in sorted(grid.items()):
            box = next((b for b in sheet_boxes if b[0] <= c <= b[2] and b[1] <= r <= b[3]), None)
            if box and r == box[1]:
                continue  # header row, checked above
            if isinstance(value, str) and (problem := text_problem(value)):
                pass  # any text cell, in a table or above one, must not run as a formula
            elif box:
                header = headers[(box[0], box[1])][c - box[0]]
                problem = cell_problem(value, rules.roles.get(str(header)), rules.k)
            else:
                problem = None if isinstance(value, str) else cell_problem(value, None, rules.k)
            if problem:
                findings.append(Finding(name, problem, sheet=title, row=r, column=get_column_letter(c)))
    return findings
