"""Rebuild the committed code lists from the public sources: ``disclose reference build --source ../shared/reference``.

Writes, under data/reference/: ``offences.csv`` (every CJS code in the MoJ standing data, grouped by the rules
in ``offence_group_rules.csv``), ``offence_standing_data.csv`` (each code's category, recordable flag, source
lists and PNC title), ``offence_selections.csv`` (from ``offence_selection_rules.csv``),
``ho_offence_codes.csv`` (flows/reference/build_ho.py) and ``sources.csv`` (where each source file came from
and its sha256). The hand-made inputs (groups, rules, selection rules) are read, never written. Everything is
computed first and written last, each file through a temporary name, so a build that fails on its inputs
changes nothing; the same inputs give the same bytes. ``VERSION`` is bumped by hand when the output changes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from flows.reference import build_ho
from flows.reference.group_rules import Grouping, read_groups, read_rules
from flows.reference.group_rules import classify as classify_codes
from flows.reference.selections import SELECTIONS_HEADER, build_selections, selection_records
from flows.reference.standing_data import CJS_FILE, PNC_FILE, StandingCode, read_standing_data

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
CJS_DIR, HO_DIR = "cjs_offence_codes", "ho_offence_classification"
CYPHER = "ons_crime-offence.cypher"
OFFENCES_HEADER = (
    "cjs_code", "offence_title", "offence_group_code", "offence_group", "variant", "is_notifiable", "group_rule_id",
)  # fmt: skip
#: The standing data's own facts about each code, in a file of their own so offences.csv stays a plain CSV of
#: about 4 MB (diffable, and read by the generator and the independent tests with the csv module).
STANDING_HEADER = (
    "cjs_code",
    "category",
    "is_recordable",
    "recordable_conflict",
    "source_lists",
    "pnc_title",
)
#: Where each source file came from (../shared/PROVENANCE.md sections 2 and 3); the sha256 is computed.
SOURCES = (
    (f"{CJS_DIR}/{CJS_FILE}", "ministryofjustice/bichard7-next-data", "6b2cf0a4c4c86be6a94f74a64a543219fded92bd",
     "input-data/offence-code/cjs-offences.json", "CJS offence codes: title, category, recordable flag"),
    (f"{CJS_DIR}/{PNC_FILE}", "ministryofjustice/bichard7-next-data", "6b2cf0a4c4c86be6a94f74a64a543219fded92bd",
     "input-data/offence-code/pnc-ccjs-cjs-offences.json", "PNC CJS offence codes: title, recordable flag, historical codes"),
    (f"{HO_DIR}/{CYPHER}", "ONSdigital/dp-hierarchy-builder", "c37ff5aa89f10e55417834c639e8b3b874d23389",
     "cypher-scripts/crime-offence.cypher", "Home Office offence codes under their groups (checked against the parse below)"),
    (f"{HO_DIR}/{build_ho.SOURCE_NAME}", "ONSdigital/dp-hierarchy-builder", "c37ff5aa89f10e55417834c639e8b3b874d23389",
     "(our parse of cypher-scripts/crime-offence.cypher)", "ho_offence_codes.csv is built from this parse"),
)  # fmt: skip


class BuildError(ValueError):
    """The sources or the hand-made inputs disagree; nothing was written."""


@dataclass(frozen=True)
class BuildResult:
    codes: int
    unclassified: int
    selections: int
    ho_codes: int
    written: tuple[Path, ...]


def build(source: Path, out: Path = REFERENCE_DIR) -> BuildResult:
    """Compute every output from ``source`` and the hand-made files in ``out``, then write them."""
    missing = [name for name, *_ in SOURCES if not (source / name).is_file()]
    if missing:
        raise BuildError(f"{source}: not the shared reference folder (missing {', '.join(missing)})")
    codes = read_standing_data(source / CJS_DIR)
    groups = read_groups(out / "offence_groups.csv")
    grouping = classify_codes(codes, read_rules(out / "offence_group_rules.csv", groups))
    selections = build_selections(out / "offence_selection_rules.csv", codes)
    ho_rows = _ho_codes(source / HO_DIR, {g.code: g.name for g in groups.values()})
    files = {
        "offences.csv": _csv(OFFENCES_HEADER, [_offence_row(c, grouping[c.code], groups) for c in codes]),
        "offence_standing_data.csv": _csv(
            STANDING_HEADER,
            [
                (
                    c.code,
                    c.category,
                    str(c.is_recordable).lower(),
                    str(c.recordable_conflict).lower(),
                    c.source_lists,
                    c.pnc_title,
                )
                for c in codes
            ],
        ),
        "offence_selections.csv": _csv(SELECTIONS_HEADER, selection_records(selections)),
        "ho_offence_codes.csv": _csv(build_ho.COLUMNS, ho_rows),
        "sources.csv": _csv(
            ("file", "repo", "commit", "path_in_repo", "sha256", "used_for"),
            [
                (name, repo, commit, path, _sha256(source / name), why)
                for name, repo, commit, path, why in SOURCES
            ],
        ),
    }
    written = tuple(_write(out / name, text) for name, text in files.items())
    unclassified = sum(1 for g in grouping.values() if g.group == "NCL")
    return BuildResult(len(codes), unclassified, len(selections), len(ho_rows), written)


def _offence_row(c: StandingCode, g: Grouping, groups: dict) -> tuple[str, ...]:
    group = groups[g.group]
    flag = "" if group.is_notifiable is None else str(group.is_notifiable).lower()
    return c.code, c.title, group.code, group.name, c.variant, flag, g.rule_id


def _ho_codes(folder: Path, group_names: dict[str, str]) -> list[list[str]]:
    """The HO codes from the parsed hierarchy, after checking the parse holds every node of the cypher file."""
    with (folder / build_ho.SOURCE_NAME).open(encoding="utf-8", newline="") as fh:
        hierarchy = list(csv.DictReader(fh))
    in_cypher = set(re.findall(r"code:'([^']+)'", (folder / CYPHER).read_text(encoding="utf-8")))
    parsed = {r["code"] for r in hierarchy}
    if in_cypher != parsed:
        raise BuildError(
            f"{folder / build_ho.SOURCE_NAME} does not hold the nodes of {CYPHER}: "
            f"missing {sorted(in_cypher - parsed)}, extra {sorted(parsed - in_cypher)}"
        )
    return build_ho.build_rows(hierarchy, group_names)


def _csv(header: tuple[str, ...], rows: list) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(path: Path, text: str) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    os.replace(tmp, path)
    return path
