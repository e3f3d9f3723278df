"""The public disclosure log: what each published version says about itself (:class:`LogEntry`), and the log a
force can put on its website, one row per release (:class:`LogRow`), as CSV with CSVW metadata and as JSON.

The fields are those of the publishing checklist (§2 and items 54-58): reference, title, type, dates received,
responded and published, the request (as approved for publication: no requester, no third party), the
response, outcome, exemptions with their reasons, NCND, attachments (title, format, size, checksum), category,
a link, complaint rights, publisher and licence. Readers get titles, dates and links, never internal paths.
The rows are built from the publication record's event log (:mod:`flows.release.public_log`); this module only
renders and writes them, each file whole (temp file, rename) and readable by everyone (0644).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from flows.contracts.manifest import Manifest
from flows.publish.atomic import replace_file
from flows.publish.context import OGL_V3_NAME, OGL_V3_URL, ReleaseContext
from flows.publish.text_cells import neutralise

LOG_CSV_NAME = "disclosure-log.csv"
LOG_CSVW_NAME = "disclosure-log.csv-metadata.json"
LOG_JSON_NAME = "disclosure-log.json"
FOI_RESPONSE = "FOI response"
PROACTIVE = "Proactive publication"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Attachment(_Frozen):
    title: str
    file: str
    format: str
    bytes: int
    sha256: str


class LogEntry(_Frozen):
    """One published version, as the log shows it. ``request_text`` is the approved public text."""

    reference: str
    version: int
    title: str
    type: Literal["FOI response", "Proactive publication"]
    date_received: date | None
    date_responded: date | None
    date_published: date
    request_text: str
    response_text: str
    outcome: str
    exemptions: list[str]
    reasons: list[str]
    ncnd: bool
    ncnd_sections: list[str]
    attachments: list[Attachment]
    category: str
    complaint_rights: str
    publisher: str
    licence: str
    synthetic: bool


class VersionState(_Frozen):
    version: int
    date_published: date
    status: Literal["current", "superseded", "withdrawn"]
    status_date: date | None = None  # when it was superseded or withdrawn
    url: str | None = None  # None once withdrawn: its files are no longer served


class LogRow(_Frozen):
    """One release (one reference): its current version's entry, its state, and every version's."""

    entry: LogEntry
    status: Literal["current", "withdrawn"]
    url: str | None
    first_published: date
    versions: list[VersionState]


def build_entry(context: ReleaseContext, manifest: Manifest) -> LogEntry:
    """The entry of a release version from its context and the manifest of its built folder."""
    req = context.request
    titles = {f"{t.name.replace('_', '-')}.csv": t.title for t in manifest.tables}
    attachments = [
        Attachment(
            title=attachment_title(f.path, context.title, titles),
            file=f.path,
            format=_format(f.path),
            bytes=f.bytes,
            sha256=f.sha256,
        )
        for f in manifest.files
    ]
    return LogEntry(
        reference=context.reference,
        version=manifest.version,
        title=context.title,
        type=FOI_RESPONSE if req else PROACTIVE,
        date_received=req.date_received if req else None,
        date_responded=context.date_responded,
        date_published=context.published,
        request_text=req.request_text if req else "",
        response_text=" ".join(req.response_parts)
        if req and req.response_parts
        else f"{context.title}: tables published as a workbook with CSV copies.",
        outcome=req.outcome if req else "Published proactively",
        exemptions=[e.section for e in req.exemptions] if req else [],
        reasons=[reason(e.section) for e in req.exemptions] if req else [],
        ncnd=req.ncnd if req else False,
        ncnd_sections=req.ncnd_sections if req else [],
        attachments=attachments,
        category=context.category,
        complaint_rights=complaint_rights(context),
        publisher=context.organisation,
        licence=OGL_V3_NAME,
        synthetic=context.synthetic,
    )


def complaint_rights(context: ReleaseContext) -> str:
    """The complaint rights in one sentence (the letter states them in the force's own words, in its template)."""
    return (
        f"If you are dissatisfied with this response you may ask for an internal review by writing to "
        f"{context.contact}, {context.organisation}, within 40 working days of this response. If you are "
        "still dissatisfied after the internal review you may complain to the Information Commissioner's "
        "Office (ico.org.uk/make-a-complaint)."
    )


#: FOIA s.2(3): the absolute exemptions (s.36 only for the Houses of Parliament); every other one is qualified
ABSOLUTE = frozenset({21, 23, 32, 34, 40, 41, 44})


def reason(section: str) -> str:
    """Where an exemption's reasons are: the response letter, in the force's words (its templates)."""
    number = int(re.match(r"s\.(\d+)", section).group(1))
    if number in ABSOLUTE:
        return f"{section}: absolute exemption; why it applies is set out in the response letter."
    return (
        f"{section}: qualified exemption; the harm and the public interest test are set out in the response "
        "letter."
    )


def attachment_title(name: str, title: str, tables: dict[str, str]) -> str:
    if name.endswith(".csv-metadata.json"):
        return f"Metadata (CSVW) for: {tables.get(name.removesuffix('-metadata.json'), name)}"
    if name in tables:
        return f"Table: {tables[name]}"
    return {
        ".xlsx": f"Workbook: {title}",
        ".ods": f"Workbook (OpenDocument): {title}",
        ".md": "Response letter",
        ".html": "Response letter",
        ".docx": "Response letter",
        ".json": "Manifest (what was published, from what, and checksums)",
    }.get(Path(name).suffix, name)


def _format(name: str) -> str:
    return "CSVW metadata" if name.endswith(".csv-metadata.json") else Path(name).suffix.lstrip(".").upper()


# ------------------------------------------------------------------------------------------------ the log files

#: CSV columns: (name, title, CSVW datatype, required)
COLUMNS = (
    ("reference", "Reference", "string", True),
    ("title", "Title", "string", True),
    ("type", "Type", "string", True),
    ("status", "Status", "string", True),
    ("version", "Current version", "integer", True),
    ("date_received", "Date received", "date", False),
    ("date_responded", "Date responded", "date", False),
    ("date_published", "Date published", "date", True),
    ("first_published", "First published", "date", True),
    ("request_text", "Request", "string", False),
    ("response_text", "Response", "string", True),
    ("outcome", "Outcome", "string", True),
    ("exemptions", "Exemptions", "string", False),
    ("reasons", "Reasons for exemptions", "string", False),
    ("ncnd", "Neither confirm nor deny", "boolean", True),
    ("ncnd_sections", "NCND provisions", "string", False),
    ("attachments", "Attachments", "string", False),
    ("attachment_checksums", "Attachment checksums (SHA-256)", "string", False),
    ("url", "Link", "anyURI", False),
    ("superseded_versions", "Superseded versions", "string", False),
    ("withdrawn_on", "Withdrawn on", "date", False),
    ("category", "Category", "string", True),
    ("complaint_rights", "Complaint rights", "string", True),
    ("publisher", "Publisher", "string", True),
    ("licence", "Licence", "string", True),
    ("synthetic", "Synthetic demonstration data", "boolean", True),
)


def write_log(published_dir: Path, rows: list[LogRow], publisher: str) -> bool:
    """Write the log's CSV, its CSVW metadata and its JSON; True when any file changed."""
    published_dir.mkdir(parents=True, exist_ok=True)
    files = {
        LOG_CSV_NAME: render_csv(rows),
        LOG_CSVW_NAME: render_csvw(publisher),
        LOG_JSON_NAME: render_json(rows, publisher),
    }
    changed = False
    for name, data in files.items():
        path = published_dir / name
        if not path.is_file() or path.read_bytes() != data or (path.stat().st_mode & 0o777) != 0o644:
            replace_file(path, data)
            changed = True
    return changed


def render_csv(rows: list[LogRow]) -> bytes:
    """Every field quoted and text neutralised (a request text starting "=" must not run in a spreadsheet)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([title for _, title, _, _ in COLUMNS])
    for row in rows:
        values = _flat(row)
        writer.writerow(
            [neutralise(values[name]) if kind == "string" else values[name] for name, _, kind, _ in COLUMNS]
        )
    return out.getvalue().encode("utf-8")


def _flat(row: LogRow) -> dict[str, str]:
    e = row.entry
    shown = row.status == "current"
    return {
        "reference": e.reference, "title": e.title, "type": e.type, "status": row.status, "version": str(e.version),
        "date_received": _date(e.date_received), "date_responded": _date(e.date_responded),
        "date_published": _date(e.date_published), "first_published": _date(row.first_published),
        "request_text": e.request_text, "response_text": e.response_text, "outcome": e.outcome,
        "exemptions": "; ".join(e.exemptions), "reasons": " ".join(e.reasons), "ncnd": _bool(e.ncnd),
        "ncnd_sections": "; ".join(e.ncnd_sections),
        "attachments": "; ".join(f"{a.title} ({a.format}, {_size(a.bytes)})" for a in e.attachments) if shown else "",
        "attachment_checksums": "; ".join(f"{a.file} {a.sha256}" for a in e.attachments) if shown else "",
        "url": row.url or "",
        "superseded_versions": "; ".join(f"v{v.version} (published {_date(v.date_published)}, superseded "
                                         f"{_date(v.status_date)})" for v in row.versions if v.status == "superseded"),
        "withdrawn_on": next((_date(v.status_date) for v in row.versions
                              if v.version == e.version and v.status == "withdrawn"), ""),
        "category": e.category, "complaint_rights": e.complaint_rights, "publisher": e.publisher,
        "licence": e.licence, "synthetic": _bool(e.synthetic),
    }  # fmt: skip


def render_csvw(publisher: str) -> bytes:
    meta = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": LOG_CSV_NAME,
        "dc:title": "Freedom of Information disclosure log",
        "dc:description": "One row per release: FOI responses and proactive publications, each at its current "
        "version; superseded and withdrawn versions are flagged.",
        "dc:publisher": publisher,
        "dc:license": {"@id": OGL_V3_URL},
        "tableSchema": {
            "columns": [
                {
                    "name": name,
                    "titles": title,
                    "datatype": datatype,
                    "required": required,
                    **({} if required else {"null": [""]}),
                }
                for name, title, datatype, required in COLUMNS
            ],
            "primaryKey": "reference",
        },
    }
    return (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render_json(rows: list[LogRow], publisher: str) -> bytes:
    payload = {
        "title": "Freedom of Information disclosure log",
        "publisher": publisher,
        "licence": OGL_V3_NAME,
        "releases": [
            {
                **row.entry.model_dump(
                    mode="json", exclude={"attachments"} if row.status != "current" else set()
                ),
                "status": row.status,
                "url": row.url,
                "first_published": _date(row.first_published),
                "versions": [v.model_dump(mode="json") for v in row.versions],
            }
            for row in rows
        ],
    }
    return (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def read_log(published_dir: Path) -> list[dict[str, str]]:
    """The log's CSV rows by column name (for tests and checks)."""
    path = published_dir / LOG_CSV_NAME
    if not path.is_file():
        return []
    names = [name for name, _, _, _ in COLUMNS]
    body = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))[1:]
    return [dict(zip(names, r, strict=True)) for r in body]


def _date(d: date | None) -> str:
    return d.isoformat() if d else ""


def _bool(b: bool) -> str:
    return "true" if b else "false"


def _size(n: int) -> str:
    return (
        f"{n} bytes" if n < 1024 else f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"
    )
