"""The publish guard: re-read every file of a release and refuse it on anything that could leak.

Written to be read in one sitting. It trusts nothing the writers did: it opens the bytes on disk, imports
nothing from suppression or the writers, and where it cannot tell whether a number is a count it assumes it
is. What it checks, and the incident each check answers (publishing checklist §1 G and §3):

* XLSX parts: no macros, comments, persons, pivot caches/tables (Islington), external links, connections,
  query tables, embeddings, customXml, ActiveX, drawings, charts or media; no hidden or very hidden sheets
  (PSNI); no hidden or zero-size rows and columns; no formulas; no hidden defined names; no white font;
  author and last-modified-by are the organisation, never "openpyxl" or a person's user name.
* ODS (:mod:`flows.publish.guard_ods`): the same, read from the OpenDocument XML.
* XLSX, ODS and CSV cells (:mod:`flows.publish.guard_rules`): no count from 1 to k-1; shorthand only from
  the AF list; no symbol-only cells; no text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
  tab, carriage return first: OWASP's CSV injection). Count columns come from the manifest's measure roles
  (mapped to headers through the CSVW sidecars); without them, every whole number in a table is treated as a
  count.
* DOCX (the letter): the same forbidden parts (comments, people, macros, custom XML...), no tracked changes
  or hidden text, and the author and last-modified-by are the organisation.
* Release folders: every file in manifest.json exists with the listed size and sha256, nothing unlisted is
  present, and every file name is lowercase words joined by dashes.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from defusedxml.ElementTree import fromstring
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from flows.contracts.manifest import MANIFEST_NAME, Manifest, read_manifest, sha256_file
from flows.publish.guard_ods import MAX_UNZIPPED_BYTES, audit_ods
from flows.publish.guard_rules import (
    Finding,
    Rules,
    author_problem,
    cell_problem,
    header_problems,
    text_problem,
)

__all__ = ["Finding", "Rules", "audit_paths", "cell_problem", "main", "release_folders"]

FILE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*(\.csv-metadata\.json|\.(xlsx|ods|csv|json|md|html|docx))$")
FORBIDDEN_PART = re.compile(
    r"vbaProject|comments|threadedComment|persons/|pivotCache|pivotTable|externalLink|connections\.xml|"
    r"queryTable|embeddings/|customXml|activeX|ctrlProps|/drawings/|/media/|/charts/|people\.xml",
    re.IGNORECASE,
)
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: tracked insertions, deletions and moves, comment anchors, and hidden (vanished) text in a Word document
DOCX_HIDING = ("ins", "del", "moveFrom", "moveTo", "commentReference", "commentRangeStart", "vanish")
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DC = "{http://purl.org/dc/elements/1.1/}"
CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"


def audit_paths(paths: Sequence[Path | str], threshold: int | None = None) -> list[Finding]:
    """Findings for release folders, folders of releases, or single files. Empty means nothing was found."""
    findings: list[Finding] = []
    for path in map(Path, paths):
        if path.is_dir():
            folders = [path] if (path / MANIFEST_NAME).exists() else _release_folders(path)
            if not folders:
                findings.append(Finding(str(path), "no manifest.json here or below: not a release folder"))
            for folder in folders:
                findings += _audit_folder(folder, threshold)
        elif path.is_file():
            manifest = _try_manifest(path.parent)[0] if (path.parent / MANIFEST_NAME).is_file() else None
            findings += _check_name(path) + _audit_file(path, _rules(path.parent, manifest, threshold))
        else:
            findings.append(Finding(str(path), "does not exist"))
    return findings


def main(paths: Sequence[Path | str], threshold: int | None = None) -> int:
    """``disclose audit PATH...``: print every finding; 0 when clean, 1 otherwise."""
    findings = audit_paths(paths, threshold)
    for f in findings:
        print(f)
    print(f"{len(findings)} finding(s): do not publish." if findings else "No findings.")
    return 1 if findings else 0


def release_folders(paths: Sequence[Path | str]) -> list[Path]:
    """Every release folder named by ``paths`` (a release folder, or a folder of releases)."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out += [path] if (path / MANIFEST_NAME).exists() else _release_folders(path)
    return out


def _release_folders(root: Path) -> list[Path]:
    """Release folders under a published/ root, skipping dot folders (staging areas still being written)."""
    return sorted(
        m.parent
        for m in root.rglob(MANIFEST_NAME)
        if not any(part.startswith(".") for part in m.relative_to(root).parts)
    )


def _try_manifest(folder: Path) -> tuple[Manifest | None, list[Finding]]:
    try:
        return read_manifest(folder), []
    except (OSError, ValueError) as exc:
        return None, [
            Finding(str(folder / MANIFEST_NAME), f"missing or invalid manifest: {exc}".splitlines()[0])
        ]


def _audit_folder(folder: Path, threshold: int | None) -> list[Finding]:
    manifest, findings = _try_manifest(folder)
    listed = {f.path: f for f in manifest.files} if manifest else {}
    present = sorted(folder.iterdir())
    for p in present:
        if not p.is_file():
            findings.append(Finding(str(p), "unexpected folder or special file inside a release folder"))
        elif manifest and p.name != MANIFEST_NAME and p.name not in listed:
            findings.append(Finding(str(p), "not listed in manifest.json"))
    for name, entry in listed.items():
        p = folder / name
        if Path(name).name != name or name in (".", ".."):
            findings.append(
                Finding(str(folder / MANIFEST_NAME), f"listed path {name!r} is not a plain file name")
            )
        elif not p.is_file():
            findings.append(Finding(str(p), "listed in manifest.json but missing"))
        elif p.stat().st_size != entry.bytes or sha256_file(p) != entry.sha256:
            findings.append(
                Finding(str(p), "bytes or sha256 differ from manifest.json: changed after it was built")
            )
    rules = _rules(folder, manifest, threshold)
    for p in present:
        if p.is_file():
            findings += _check_name(p) + _audit_file(p, rules)
    return findings


def _check_name(path: Path) -> list[Finding]:
    if FILE_NAME.match(path.name):
        return []
    return [
        Finding(str(path), "file name must be lowercase words joined by dashes with an allowed extension")
    ]


def _rules(folder: Path, manifest: Manifest | None, threshold: int | None) -> Rules:
    k = threshold or (manifest.disclosure.threshold if manifest else _configured_threshold())
    if manifest is None:
        return Rules(k)
    return Rules(k, manifest.organisation, _header_roles(folder, manifest))


def _configured_threshold() -> int:
    from flows.config import load_settings

    return load_settings().threshold


def _header_roles(folder: Path, manifest: Manifest) -> dict[str, str]:
    """Header text -> role, from the manifest's roles and the sidecars' name -> title map.

    A header that means different roles in different tables is treated as a count (the strict choice).
    """
    dims = {d for t in manifest.tables for d in t.dimensions}
    dims |= {f"{d}_code" for d in dims}
    measure_roles: dict[str, set[str]] = {}
    for t in manifest.tables:
        for name, role in t.measures.items():  # a public table's counts are published already, small ones too
            measure_roles.setdefault(name, set()).add(
                "public count" if t.public_source and role == "count" else role
            )
    by_header: dict[str, set[str]] = {}
    for meta in sorted(folder.glob("*.csv-metadata.json")):
        try:
            columns = [
                (c["name"], c["titles"])
                for c in json.loads(meta.read_text(encoding="utf-8"))["tableSchema"]["columns"]
            ]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # its CSV is then checked as if every whole number were a count
        for name, titles in columns:
            roles = {"dimension"} if name in dims else measure_roles.get(name)
            for title in [titles] if isinstance(titles, str) else titles:
                if roles:
                    by_header.setdefault(str(title), set()).update(roles)
    return {h: next(iter(r)) if len(r) == 1 else "count" for h, r in by_header.items()}


def _audit_file(path: Path, rules: Rules) -> list[Finding]:
    """Any failure to read a file is itself a finding: what the guard cannot read, it does not pass."""
    try:
        if path.suffix == ".xlsx":
            return _audit_xlsx(path, rules)
        if path.suffix == ".csv":
            return _audit_csv(path, rules)
        if path.suffix == ".docx":
            return _audit_docx(path, rules)
        if path.suffix == ".ods":
            return audit_ods(path, rules)
    except Exception as exc:  # noqa: BLE001 - hostile or broken input must be refused, not crash the audit
        return [Finding(str(path), f"could not be audited ({type(exc).__name__}: {exc})")]
    return []


def _audit_csv(path: Path, rules: Rules) -> list[Finding]:
    name = str(path)
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        return [Finding(name, "starts with a byte-order mark: write UTF-8 without BOM")]
    try:
        lines = data.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError as exc:
        return [Finding(name, f"not UTF-8: {exc}")]
    skipped = 0
    while skipped < len(lines) and lines[skipped].startswith("#"):
        skipped += 1  # comment lines, declared in the sidecar's dialect
    try:
        rows = list(csv.reader(io.StringIO("".join(lines[skipped:]), newline="")))
    except csv.Error as exc:
        return [Finding(name, f"not valid CSV: {exc}")]
    if not rows:
        return [Finding(name, "no header row")]
    header, findings = rows[0], header_problems(name, rows[0], None)
    for n, row in enumerate(rows[1:], start=skipped + 2):
        if len(row) != len(header):
            findings.append(Finding(name, f"{len(row)} fields but the header has {len(header)}", row=n))
        for col, value in zip(header, row, strict=False):
            problem = cell_problem(value, rules.roles.get(col), rules.k)
            if problem:
                findings.append(Finding(name, problem, row=n, column=col))
    return findings


def _audit_xlsx(path: Path, rules: Rules) -> list[Finding]:
    name = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            findings, readable = _package_problems(zf, name)
            if not readable:
                return findings
            findings += _workbook_parts(zf, name) + _styles_part(zf, name) + _core_part(zf, name, rules)
    except (zipfile.BadZipFile, KeyError) as exc:
        return [Finding(name, f"not a readable XLSX package: {exc}")]  # e.g. a missing workbook part
    return findings + _xlsx_cells(path, rules)


def _package_problems(zf: zipfile.ZipFile, name: str) -> tuple[list[Finding], bool]:
    """What every Office package is checked for (size, forbidden parts, macros); False: too large to read on."""
    if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED_BYTES:
        return [Finding(name, "unzips to more than 200 MB: too large to audit safely")], False
    findings = [Finding(name, f"forbidden part {p}") for p in zf.namelist() if FORBIDDEN_PART.search(p)]
    if b"macroEnabled" in zf.read("[Content_Types].xml"):
        findings.append(Finding(name, "declared macro-enabled in [Content_Types].xml"))
    return findings, True


def _audit_docx(path: Path, rules: Rules) -> list[Finding]:
    """A letter goes to the requester as sent: nothing in it may be hidden, tracked or personal."""
    name = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            findings, readable = _package_problems(zf, name)
            if not readable:
                return findings
            body = fromstring(zf.read("word/document.xml"))
            found = sorted({tag for tag in DOCX_HIDING if next(body.iter(f"{W}{tag}"), None) is not None})
            findings += [
                Finding(name, f"w:{tag} in word/document.xml: tracked changes, comments or hidden text")
                for tag in found
            ]
            return findings + _core_part(zf, name, rules)
    except (zipfile.BadZipFile, KeyError) as exc:
        return [Finding(name, f"not a readable DOCX package: {exc}")]


def _workbook_parts(zf: zipfile.ZipFile, name: str) -> list[Finding]:
    """Hidden sheets and names from workbook.xml; formulas and hidden rows/columns from each sheet part."""
    book = fromstring(zf.read("xl/workbook.xml"))
    rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "").lstrip("/") for r in rels.iter(f"{PKG_REL_NS}Relationship")}
    findings = []
    for dn in book.iter(f"{NS}definedName"):
        if dn.get("hidden") in ("1", "true"):
            findings.append(Finding(name, f"hidden defined name {dn.get('name')!r}"))
    for sheet in book.iter(f"{NS}sheet"):
        title = sheet.get("name")
        if sheet.get("state", "visible") != "visible":
            findings.append(Finding(name, f"sheet is {sheet.get('state')}", sheet=title))
        target = targets.get(sheet.get(f"{REL_NS}id"), "")
        part = target if target.startswith("xl/") else f"xl/{target}"
        findings += _sheet_part(fromstring(zf.read(part)), name, title)
    return findings


def _sheet_part(root: object, name: str, sheet: str | None) -> list[Finding]:
    findings = [
        Finding(name, "formula: publish values only", sheet=sheet, column=c.get("r"))
        for c in root.iter(f"{NS}c")
        if c.find(f"{NS}f") is not None
    ]
    findings += [
        Finding(name, "hidden or zero-height row", sheet=sheet, row=int(r.get("r", 0)))
        for r in root.iter(f"{NS}row")
        if r.get("hidden") in ("1", "true") or r.get("ht") in ("0", "0.0")
    ]
    findings += [
        Finding(name, "hidden or zero-width column", sheet=sheet, column=f"{c.get('min')}-{c.get('max')}")
        for c in root.iter(f"{NS}col")
        if c.get("hidden") in ("1", "true") or c.get("width") in ("0", "0.0")
    ]
    return findings


def _styles_part(zf: zipfile.ZipFile, name: str) -> list[Finding]:
    """White text is the classic way to hide data in plain sight (security.gov.uk)."""
    if "xl/styles.xml" not in zf.namelist():
        return []
    findings = []
    for font in fromstring(zf.read("xl/styles.xml")).iter(f"{NS}font"):
        color = font.find(f"{NS}color")
        if color is not None and (
            color.get("rgb", "").upper().endswith("FFFFFF")
            or color.get("theme") == "0"
            or color.get("indexed") in ("1", "9")
        ):
            findings.append(Finding(name, "white font in styles.xml: text could be hidden in plain sight"))
    return findings


def _core_part(zf: zipfile.ZipFile, name: str, rules: Rules) -> list[Finding]:
    if "docProps/core.xml" not in zf.namelist():
        return [Finding(name, "no document properties (docProps/core.xml)")]
    core = fromstring(zf.read("docProps/core.xml"))
    findings = []
    for label, tag in (("dc:creator", f"{DC}creator"), ("cp:lastModifiedBy", f"{CP}lastModifiedBy")):
        el = core.find(tag)
        problem = author_problem(label, (el.text or "").strip() if el is not None else "", rules)
        if problem:
            findings.append(Finding(name, problem))
    return findings


def _xlsx_cells(path: Path, rules: Rules) -> list[Finding]:
    """Every cell of every sheet: table bodies get the full cell rule, other cells the count rule."""
    wb = load_workbook(path, read_only=False, data_only=False, keep_links=False, keep_vba=False)
    findings: list[Finding] = []
    try:
        for ws in wb.worksheets:
            boxes = []
            for table in ws.tables.values():
                min_col, min_row, max_col, max_row = range_boundaries(table.ref)
                header = [ws.cell(min_row, c).value for c in range(min_col, max_col + 1)]
                findings += header_problems(str(path), header, ws.title)
                boxes.append((min_col, min_row, max_col, max_row, header))
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is None:
                        continue
                    box = next(
                        (b for b in boxes if b[0] <= cell.column <= b[2] and b[1] <= cell.row <= b[3]), None
                    )
                    if box and cell.row == box[1]:
                        continue  # header row, checked above
                    role = rules.roles.get(str(box[4][cell.column - box[0]])) if box else None
                    if isinstance(cell.value, str) and (not box or cell.data_type == "s"):
                        # text above a table (titles, notes) or a text cell in one: never a formula; the count
                        # rule still reads digits typed as text in a table
                        problem = text_problem(cell.value) or (
                            cell_problem(cell.value, role, rules.k) if box else None
                        )
                    else:
                        problem = cell_problem(cell.value, role, rules.k)
                    if problem:
                        findings.append(
                            Finding(
                                str(path), problem, sheet=ws.title, row=cell.row, column=cell.column_letter
                            )
                        )
    finally:
        wb.close()
    return findings
