"""Audit a release folder from its public files: the CSV copies, their CSVW sidecars and ``manifest.json``.

This is the audit the publish step runs: it reads the bytes a reader will get, never the engine's memory.
The manifest gives each table's dimensions and measure roles and the threshold k; each sidecar maps the CSV's
human headers back to column names (``dc:identifier`` names the table). Margins are recognised from labels
(a dimension's one label starting "All ") and from the reference hierarchies passed in. Earlier release
folders can be passed too: their figures are known to an intruder, and their withheld cells must stay safe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from flows.sdc_audit.audit import audit_tables
from flows.sdc_audit.knowledge import Hierarchies
from flows.sdc_audit.model import AuditResult, AuditTable, KRule, Problem


def read_release(folder: Path) -> tuple[dict, list[AuditTable], list[Problem]]:
    """The manifest, one AuditTable per table in it, and problems reading them."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    as_at = (manifest.get("warehouse") or {}).get("as_at")
    described = {t["name"]: t for t in manifest.get("tables", [])}
    tables, problems, found = [], [], set()
    for meta_path in sorted(folder.glob("*.csv-metadata.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        name = meta.get("dc:identifier")
        if name not in described:
            problems.append(Problem(meta_path.name, {}, "", f"table {name!r} is not described in manifest.json"))
            continue
        found.add(name)
        tables.append(_read_csv(folder / meta["url"], meta, described[name], as_at))
    problems += [Problem("manifest.json", {}, "", f"table {n!r} has no CSV copy to audit")
                 for n in described if n not in found]
    return manifest, tables, problems


def _read_csv(path: Path, meta: dict, entry: dict, as_at: str | None) -> AuditTable:
    lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
    body = "".join(line for line in lines if not line.startswith("#"))
    header, *rows = list(csv.reader(io.StringIO(body, newline="")))
    by_title = {}
    for col in meta["tableSchema"]["columns"]:
        for title in [col["titles"]] if isinstance(col["titles"], str) else col["titles"]:
            by_title[title] = col["name"]
    position = {by_title.get(h, h): i for i, h in enumerate(header)}
    dims, measures = list(entry["dimensions"]), list(entry["measures"])
    missing = [c for c in dims + measures if c not in position]
    if missing:
        raise ValueError(f"{path.name}: columns {missing} from manifest.json are not in the CSV header")
    parsed = []
    for row in rows:
        labels = tuple(row[position[d]] for d in dims)
        parsed.append((labels, tuple(_value(row[position[m]]) for m in measures)))
    roles = {m: r for m, r in entry["measures"].items() if r != "count"}
    return AuditTable(entry["name"], tuple(dims), tuple(measures), tuple(parsed), {}, roles, as_at, path.name)


def _value(text: str) -> int | float | str:
    text = text.strip()
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def audit_release_folder(folder: Path, reference_hierarchies: Hierarchies | None = None, *,
                         earlier_folders: Sequence[Path] = (), zeros_published: bool = True, width: int = 1,
                         rounding_base: int | None = None, group_dimension: str | None = None,
                         k_rules: Sequence[KRule] = (),
                         non_additive: Sequence[str] = (), comparisons: Mapping[str, str] | None = None,
                         integer: bool | None = None) -> AuditResult:
    """Refuse (``passed`` False) when any withheld figure in ``folder`` (or an earlier release) is exposed."""
    try:
        manifest, tables, problems = read_release(Path(folder))
        earlier = [t for f in earlier_folders for t in read_release(Path(f))[1]]
    except (OSError, ValueError, KeyError) as exc:
        return AuditResult((Problem(str(folder), {}, "", f"cannot be read for the audit: {exc}"),), 0, "none")
    result = audit_tables(tables, manifest["disclosure"]["threshold"], zeros_published, reference_hierarchies,
                          earlier, width=width, rounding_base=rounding_base, group_dimension=group_dimension,
                          k_rules=k_rules, non_additive=non_additive,
                          comparisons=comparisons, integer=integer)
    if not problems:
        return result
    return AuditResult(tuple(problems) + result.problems, result.cells_checked, result.method, result.intervals)
