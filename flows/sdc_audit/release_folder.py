"""Audit a release folder from its public files: the CSV copies, their CSVW sidecars and ``manifest.json``.

This is the audit the publish step runs: it reads the bytes a reader will get, never the engine's memory.
The manifest gives each table's dimensions, measure roles and public structure (totals, hierarchies,
additivity, which counts a change uses, which column counts the same thing a year earlier) and the public
rules (k, zeros published, the group rule, higher thresholds for some topics); each sidecar maps the CSV's
human headers back to column names (``dc:identifier`` names the table). A year-earlier column is read as a
second table whose labels name the windows it covers, so a figure shown both as a row and as another row's
comparison is one unknown. Each table is audited on its own (tables in one release count different things
unless ``linked``); earlier release folders can be passed too: their figures are known to an intruder.
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
            problems.append(
                Problem(meta_path.name, {}, "", f"table {name!r} is not described in manifest.json")
            )
            continue
        found.add(name)
        tables.append(_read_csv(folder / meta["url"], meta, described[name], as_at))
    problems += [
        Problem("manifest.json", {}, "", f"table {n!r} has no CSV copy to audit")
        for n in described
        if n not in found
    ]
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
    inputs = {m: tuple(i) for m, i in (entry.get("derived_inputs") or {}).items()}
    return AuditTable(
        entry["name"],
        tuple(dims),
        tuple(measures),
        tuple(parsed),
        dict(entry.get("totals") or {}),
        roles,
        as_at,
        path.name,
        inputs,
    )


def split_comparison(table: AuditTable, comparison: Mapping | None) -> tuple[list[AuditTable], Hierarchies]:
    """The table as counts an intruder can relate: its own figures, and its year-earlier figures as a second
    table labelled with the windows they cover (the derived-cell check still sees both columns in one row).
    The year-earlier total is no total of the table's (it counts other days): it becomes the parent of every
    earlier window, returned as a hierarchy."""
    if not comparison:
        return [table], {}
    current, previous, dim = comparison["current"], comparison["previous"], comparison["dimension"]
    i, j = table.dimensions.index(dim), table.measures.index(previous)
    relabel = comparison["previous_labels"]
    own = AuditTable(
        table.name,
        table.dimensions,
        table.measures,
        table.rows,
        table.totals,
        {**table.roles, previous: "comparison"},
        table.as_at,
        table.file,
        table.inputs,
    )
    rows = tuple(
        (labels[:i] + (relabel[labels[i]],) + labels[i + 1 :], (values[j],)) for labels, values in table.rows
    )
    total = table.totals.get(dim)
    totals = {**table.totals, dim: ""}  # no label is the total: every label is a population of its own
    earlier = AuditTable(
        f"{table.name} (a year earlier)",
        table.dimensions,
        (current,),
        rows,
        totals,
        {},
        table.as_at,
        f"{table.label} ({previous})",
    )
    up = {v: relabel[total] for k, v in relabel.items() if k != total} if total else {}
    return [own, earlier], {dim: up}


def _value(text: str) -> int | float | str:
    text = text.strip()
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


_UNSET = object()


def audit_release_folder(
    folder: Path,
    reference_hierarchies: Hierarchies | None = None,
    *,
    earlier_folders: Sequence[Path] = (),
    linked: bool = False,
    zeros_published=_UNSET,
    width=_UNSET,
    rounding_base=_UNSET,
    group_dimension=_UNSET,
    k_rules=_UNSET,
    non_additive: Sequence[str] = (),
    comparisons: Mapping[str, str] | None = None,
    integer: bool | None = None,
) -> AuditResult:
    """Refuse (``passed`` False) when any withheld figure in ``folder`` (or an earlier release) is exposed.

    The rules come from the manifest (``disclosure.audit``, each table's ``rounded_to``); a keyword given here
    overrides them (a reviewer asking "what if zeros were not published?")."""
    try:
        manifest, tables, problems = read_release(Path(folder))
        earlier = [t for f in earlier_folders for t in read_release(Path(f))[1]]
    except (OSError, ValueError, KeyError) as exc:
        return AuditResult((Problem(str(folder), {}, "", f"cannot be read for the audit: {exc}"),), 0, "none")
    rules = manifest["disclosure"].get("audit") or {}
    entries = {t["name"]: t for t in manifest.get("tables", [])}
    units = [tables] if linked else [[t] for t in tables]
    results = []
    for unit in units:
        described = [entries[t.name] for t in unit]
        hierarchies = {d: dict(p) for d, p in (reference_hierarchies or {}).items()}
        audited = []
        for table, entry in zip(unit, described, strict=True):
            split, earlier_up = split_comparison(table, entry.get("comparison"))
            audited += split
            for d, parents in [*(entry.get("parents") or {}).items(), *earlier_up.items()]:
                hierarchies.setdefault(d, {}).update(parents)
        rounded = {e.get("rounded_to") for e in described} - {None}

        def pick(given, key, default):
            return given if given is not _UNSET else rules.get(key, default)

        results.append(
            audit_tables(
                audited,
                manifest["disclosure"]["threshold"],
                pick(zeros_published, "zeros_published", True),
                hierarchies,
                earlier,
                width=pick(width, "protection_width", 1),
                rounding_base=rounding_base
                if rounding_base is not _UNSET
                else (max(rounded) if rounded else None),
                group_dimension=group_dimension
                if group_dimension is not _UNSET
                else next(
                    (
                        d
                        for d in rules.get("group_dimensions", [])
                        if any(d in e["dimensions"] for e in described)
                    ),
                    None,
                ),
                k_rules=k_rules
                if k_rules is not _UNSET
                else [
                    KRule(r["k"], r["dimension"], frozenset(r["labels"])) for r in rules.get("k_rules", [])
                ],
                non_additive=[
                    *non_additive,
                    *rules.get("non_additive", []),
                    *(
                        f"{e['name']}.{d}"
                        for e in described
                        if not e.get("additive", True)
                        for d in e["dimensions"]
                    ),
                ],
                comparisons=comparisons,
                integer=integer,
            )
        )
    return _combined(problems, results)


def _combined(problems: list[Problem], results: list[AuditResult]) -> AuditResult:
    intervals: dict = {}
    for r in results:
        intervals.update(r.intervals)
    methods = sorted({r.method for r in results if r.method != "none"}) or ["none"]
    return AuditResult(
        tuple(problems) + tuple(p for r in results for p in r.problems),
        sum(r.cells_checked for r in results),
        " and ".join(methods),
        intervals,
    )
