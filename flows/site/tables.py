"""A published table as the site shows it: read back from the release's own CSV and CSVW sidecar.

The site never sees a value the release did not publish: it reads the files the guard already passed, so its
tables hold exactly the released figures and shorthand. Each cell keeps its column's role (from the manifest's
measure roles), so the page can mark count cells and the site guard can check them.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from flows.contracts.tidy import SHORTHAND


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    role: str  # 'dimension', 'code', 'shorthand' or a measure role ('count', 'rate', 'change', ...)


@dataclass(frozen=True)
class SiteTable:
    source: str  # the CSV file name, a download of the same release
    title: str
    notes: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]  # the CSV's cells as text, exactly as published

    @property
    def shorthand(self) -> list[tuple[str, str]]:
        """Each shorthand marker the table uses, with its meaning, for the legend under the table."""
        used = {
            "[" + part
            for row in self.rows
            for cell in row
            if cell.startswith("[")
            for part in cell.split("[")
            if part
        }
        return [(m, SHORTHAND.get(m, "see the notes")) for m in sorted(used)]


def read_tables(folder: Path, measures: dict[str, dict[str, str]]) -> list[SiteTable]:
    """Every table of a published release folder, in file-name order. ``measures``: table name -> measure
    name -> role, from the manifest (a column that is neither is a dimension, code or shorthand column)."""
    tables = []
    for meta_path in sorted(folder.glob("*.csv-metadata.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        roles = measures.get(str(meta.get("dc:identifier", "")), {})
        columns = tuple(_column(c, roles) for c in meta["tableSchema"]["columns"])
        data = (folder / meta["url"]).read_text(encoding="utf-8")
        lines = [ln for ln in data.splitlines(keepends=True) if not ln.startswith("#")]
        header, *body = list(csv.reader(io.StringIO("".join(lines), newline="")))
        if len(header) != len(columns):
            raise ValueError(
                f"{folder / meta['url']}: {len(header)} columns but the sidecar describes {len(columns)}"
            )
        tables.append(
            SiteTable(
                meta["url"],
                str(meta["dc:title"]),
                str(meta.get("dc:description", "")),
                columns,
                tuple(tuple(r) for r in body),
            )
        )
    return tables


def _column(col: dict, roles: dict[str, str]) -> Column:
    name = str(col["name"])
    if name in roles:
        role = roles[name]
    elif name.endswith("_shorthand") or str(col["titles"]).endswith(" shorthand"):
        role = "shorthand"
    elif name.endswith("_code"):
        role = "code"
    else:
        role = "dimension"
    return Column(name, str(col["titles"]), role)
