"""The Word copy of the letter: python-docx paragraphs from the parsed Markdown, and nothing personal in it.

python-docx starts from its own template, which says it was written by "python-docx" on a Mac in 2013 and
carries a thumbnail and a customXml part. The letter's author and last editor are the organisation, its
dates are the response date, and the extras are dropped; there are no comments or tracked changes. The zip
entries carry the response date too, so the same letter gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

FONT = "Arial"  # a sans-serif font, as GOV.UK accessibility guidance asks


@dataclass(frozen=True)
class DocxProperties:
    title: str
    subject: str
    organisation: str
    identifier: str
    when: date


def docx_bytes(tokens: list, properties: DocxProperties) -> bytes:
    """The document for markdown-it ``tokens`` (headings, paragraphs, lists, quotes, emphasis, links)."""
    doc = Document()
    _drop_template_extras(doc)
    _set_styles(doc)
    _write_blocks(doc, tokens)
    _set_properties(doc, properties)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _stable_zip(buffer.getvalue(), properties.when)


def _drop_template_extras(doc: DocxDocument) -> None:
    package_rels = doc.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype in (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES):  # a picture; "Microsoft Macintosh Word"
            package_rels.pop(rid)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype == RT.CUSTOM_XML:
            doc.part.rels.pop(rid)


def _set_styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    for level, size in ((1, 16), (2, 14), (3, 12), (4, 12)):
        style = doc.styles[f"Heading {level}"]
        style.font.name, style.font.size, style.font.bold = FONT, Pt(size), True
        style.font.color.rgb = RGBColor(0, 0, 0)


def _set_properties(doc: DocxDocument, p: DocxProperties) -> None:
    core = doc.core_properties
    core.author = core.last_modified_by = p.organisation
    core.title, core.subject, core.identifier = p.title, p.subject, p.identifier
    core.comments = core.keywords = core.content_status = ""
    core.category = "Freedom of Information response"
    core.language = "en-GB"
    core.created = core.modified = datetime.combine(p.when, datetime.min.time())
    core.revision = 1


STYLES = (
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Heading 4",
    "List Bullet",
    "List Bullet 2",
    "List Continue",
    "Quote",
)


def _write_blocks(doc: DocxDocument, tokens: list) -> None:
    styles = {name: doc.styles[name] for name in STYLES}  # by object: python-docx looks a name up every time
    lists: list[list] = []  # [kind, item number, first paragraph of the item still to come]
    quote = heading = 0
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            heading = int(token.tag[1:])
        elif kind == "heading_close":
            heading = 0
        elif kind in ("bullet_list_open", "ordered_list_open"):
            lists.append([kind, int(token.attrGet("start") or 1) - 1, False])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            lists[-1][1] += 1
            lists[-1][2] = True
        elif kind in ("blockquote_open", "blockquote_close"):
            quote += 1 if kind == "blockquote_open" else -1
        elif kind == "inline":
            _add_runs(_paragraph(doc, styles, heading, lists, quote), token.children or [])
        elif kind in ("code_block", "fence"):
            doc.add_paragraph(token.content.rstrip("\n"))


def _paragraph(doc: DocxDocument, styles: dict, heading: int, lists: list[list], quote: int) -> Paragraph:
    if heading:
        return doc.add_paragraph(style=styles[f"Heading {min(heading, 4)}"])
    if lists:
        kind, number, first = lists[-1]
        lists[-1][2] = False
        if not first:
            return doc.add_paragraph(style=styles["List Continue"])
        if kind == "bullet_list_open":
            return doc.add_paragraph(style=styles["List Bullet" if len(lists) == 1 else "List Bullet 2"])
        paragraph = doc.add_paragraph(
            style=styles["List Continue"]
        )  # numbers as written: Word's would run on
        paragraph.add_run(f"{number}. ")
        return paragraph
    return doc.add_paragraph(style=styles["Quote"] if quote else None)


def _add_runs(paragraph: Paragraph, children: list) -> None:
    bold = italic = False
    href, link_text = None, ""
    for child in children:
        kind = child.type
        if kind in ("strong_open", "strong_close"):
            bold = kind == "strong_open"
        elif kind in ("em_open", "em_close"):
            italic = kind == "em_open"
        elif kind == "link_open":
            href, link_text = str(child.attrGet("href") or "").removeprefix("mailto:"), ""
        elif kind == "link_close":
            if href and href not in link_text:
                paragraph.add_run(f" ({href})")
            href = None
        elif kind == "hardbreak":
            paragraph.add_run().add_break()
        elif kind in ("text", "code_inline", "softbreak"):
            text = " " if kind == "softbreak" else child.content
            run = paragraph.add_run(text)
            run.bold, run.italic = bold or None, italic or None
            link_text += text if href is not None else ""


def _stable_zip(data: bytes, when: date) -> bytes:
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(
                zipfile.ZipInfo(info.filename, date_time=stamp),
                source.read(info.filename),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()
