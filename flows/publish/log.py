"""The public disclosure log: one JSON Lines entry per release, plus a CSV rendering of the same entries.

Each release folder carries its own entry (``disclosure-log-entry.json``, hashed in the manifest), written
before the folder is renamed into place. The log is then brought up to date by :func:`record_releases`, which
appends an entry for every complete release folder that the log lacks. So a crash between the rename and the
append heals itself on the next publish of anything, and running it twice adds nothing. Existing lines are
never rewritten (append-only); files are replaced atomically under an exclusive lock, so two publishers on
one machine cannot lose each other's entries.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from flows.contracts.manifest import FileEntry
from flows.contracts.release import ReleaseId, ReleaseIdError, existing_versions
from flows.publish.context import OGL_V3_NAME, ReleaseContext
from flows.publish.text_cells import neutralise

ENTRY_NAME = "disclosure-log-entry.json"
LOG_NAME = "disclosure-log.jsonl"
LOG_CSV_NAME = "disclosure-log.csv"
_LOCK_NAME = ".disclosure-log.lock"


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    format: str
    bytes: int
    sha256: str


class DisclosureLogEntry(BaseModel):
    """The checklist §2 fields. ``request_text`` is published, so it must hold no personal data."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    reference: str
    release_id: str
    title: str
    date_received: date | None
    date_responded: date | None
    date_published: date
    request_text: str
    response_summary: str
    outcome: str
    exemptions: list[str]
    ncnd: bool
    ncnd_sections: list[str]
    attachments: list[Attachment]
    category: str
    url: str
    complaint_rights: str
    publisher: str
    licence: str
    synthetic: bool


class LogError(RuntimeError):
    """The log cannot be read or brought up to date; the message names the file and line."""


def build_entry(context: ReleaseContext, release_id: ReleaseId, files: list[FileEntry]) -> DisclosureLogEntry:
    req = context.request
    return DisclosureLogEntry(
        reference=context.reference,
        release_id=str(release_id),
        title=context.title,
        date_received=req.date_received if req else None,
        date_responded=context.date_responded,
        date_published=context.published,
        request_text=req.request_text if req else "",
        response_summary=" ".join(req.response_parts) if req and req.response_parts else _summary(context),
        outcome=req.outcome if req else "Published proactively",
        exemptions=[e.section for e in req.exemptions] if req else [],
        ncnd=req.ncnd if req else False,
        ncnd_sections=req.ncnd_sections if req else [],
        attachments=[Attachment(file=f.path, format=_format(f.path), bytes=f.bytes, sha256=f.sha256) for f in files],
        category=context.category,
        url=f"{release_id.reference}/v{release_id.version}/",
        complaint_rights=complaint_rights(context),
        publisher=context.organisation,
        licence=OGL_V3_NAME,
        synthetic=context.synthetic,
    )


def complaint_rights(context: ReleaseContext) -> str:
    """The complaint rights in one sentence (the letter states them in the force's own words, in its template)."""
    return (f"If you are dissatisfied with this response you may ask for an internal review by writing to "
            f"{context.contact}, {context.organisation}, within 40 working days of this response. If you are "
            "still dissatisfied after the internal review you may complain to the Information Commissioner's "
            "Office (ico.org.uk/make-a-complaint).")


def _summary(context: ReleaseContext) -> str:
    return f"{context.title}: tables published as a workbook with CSV copies."


def _format(name: str) -> str:
    return "CSVW metadata" if name.endswith(".csv-metadata.json") else Path(name).suffix.lstrip(".").upper()


def write_entry(folder: Path, entry: DisclosureLogEntry) -> None:
    (folder / ENTRY_NAME).write_text(entry.model_dump_json(indent=2) + "\n", encoding="utf-8")


def record_releases(published_dir: Path) -> list[str]:
    """Append entries for complete release folders missing from the log; re-render the CSV. Returns ids added."""
    log_path = published_dir / LOG_NAME
    published_dir.mkdir(parents=True, exist_ok=True)
    with _locked(published_dir / _LOCK_NAME):
        old = log_path.read_bytes() if log_path.exists() else b""
        entries = _parse(old, log_path)
        known = {e.release_id for e in entries}
        missing = [e for e in _folder_entries(published_dir) if e.release_id not in known]
        missing.sort(key=lambda e: (e.date_published, e.reference, ReleaseId.parse(e.release_id).version))
        if missing:
            if old and not old.endswith(b"\n"):
                old += b"\n"
            new_lines = "".join(e.model_dump_json() + "\n" for e in missing).encode("utf-8")
            _replace(log_path, old + new_lines)
            entries += missing
        csv_path = published_dir / LOG_CSV_NAME
        rendered = render_csv(entries)
        if not csv_path.exists() or csv_path.read_bytes() != rendered:
            _replace(csv_path, rendered)
    return [e.release_id for e in missing]


def read_log(published_dir: Path) -> list[DisclosureLogEntry]:
    path = published_dir / LOG_NAME
    return _parse(path.read_bytes(), path) if path.exists() else []


def _parse(data: bytes, path: Path) -> list[DisclosureLogEntry]:
    entries = []
    for n, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        if line.strip():
            try:
                entries.append(DisclosureLogEntry.model_validate_json(line))
            except ValueError as exc:
                raise LogError(f"{path} line {n} is not a valid log entry: {exc}") from None
    return entries


def _folder_entries(published_dir: Path) -> list[DisclosureLogEntry]:
    """Entries of every complete release folder: only renamed ``<reference>/v<N>`` folders count."""
    found = []
    for ref_dir in sorted(p for p in published_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            versions = existing_versions(published_dir, ref_dir.name)
        except ReleaseIdError:
            continue  # not a release reference (e.g. a site/ folder)
        for rid in versions:
            entry_file = rid.path_under(published_dir) / ENTRY_NAME
            if entry_file.is_file():
                found.append(DisclosureLogEntry.model_validate_json(entry_file.read_text(encoding="utf-8")))
    return found


CSV_COLUMNS = list(DisclosureLogEntry.model_fields)


def render_csv(entries: list[DisclosureLogEntry]) -> bytes:
    """Every field quoted and text neutralised (a request text starting "=" must not run in a spreadsheet)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        row = e.model_dump(mode="json")
        row["exemptions"] = "; ".join(e.exemptions)
        row["ncnd_sections"] = "; ".join(e.ncnd_sections)
        row["attachments"] = "; ".join(f"{a.file} ({a.format}, {a.bytes} bytes, sha256 {a.sha256})"
                                       for a in e.attachments)
        writer.writerow(["" if row[c] is None else str(row[c]).lower() if isinstance(row[c], bool)
                         else neutralise(str(row[c])) for c in CSV_COLUMNS])
    return out.getvalue().encode("utf-8")


def _replace(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    with lock_path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
