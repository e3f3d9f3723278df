"""The open-format copy of each table: an RFC 4180 CSV and its CSVW ``<name>.csv-metadata.json`` sidecar.

The ICO asks for CSV in FOI replies (advisory note, Sept 2023) and GOV.UK's tabular data standard asks for
RFC 4180: UTF-8 without a byte-order mark, CRLF line ends, one header row, one table per file. The headers and
cells are the workbook table's, from the same :class:`Grid`. Synthetic data carries a ``#`` comment first line;
the sidecar declares ``commentPrefix`` so CSVW tools skip it rather than read it as the header.

Every text field is quoted and numbers are not (OWASP's advice against formula injection: the grid has already
put a single quote before text a spreadsheet would run), so a reader can tell ``"-3"`` text from ``-3`` a number.
The sidecar's ``null`` lists name every exact shorthand string in a column (``[c]``, ``[c][p]``, ``[z]``), so
CSVW tools read them as "no value here" rather than as text in a number column.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

from flows.contracts.tidy import Role
from flows.publish.context import OGL_V3_URL, SYNTHETIC_BANNER, SYNTHETIC_TITLE, ReleaseContext, slugify
from flows.publish.grid import Grid, GridColumn

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
SHORTHAND_CELL = re.compile(r"^(\[[a-z]+\])+$")
_DATATYPES = {
    Role.COUNT: "nonNegativeInteger",
    Role.RATE: "decimal",
    Role.CHANGE: "decimal",
    Role.PCT_CHANGE: "decimal",
}


def csv_name(grid: Grid) -> str:
    """``arrests_by_offence_year`` -> ``arrests-by-offence-year.csv`` (lowercase, dashes, <= 44 characters)."""
    return f"{slugify(grid.name, 40)}.csv"


def csv_bytes(grid: Grid, synthetic: bool) -> bytes:
    out = io.StringIO(newline="")
    if synthetic:
        out.write(f"# {SYNTHETIC_BANNER}\r\n")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(grid.headers)
    writer.writerows(grid.rows)  # ints and floats bare (repr: no precision lost), text quoted
    return out.getvalue().encode("utf-8")


def write_csv(folder: Path, grid: Grid, context: ReleaseContext, published: date) -> list[Path]:
    """Write the CSV and its sidecar; return both paths."""
    name = csv_name(grid)
    data = folder / name
    data.write_bytes(csv_bytes(grid, context.synthetic))
    meta = folder / f"{name}-metadata.json"
    meta.write_text(
        json.dumps(csvw_metadata(name, grid, context, published), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return [data, meta]


def csvw_metadata(name: str, grid: Grid, context: ReleaseContext, published: date) -> dict[str, object]:
    title = f"{SYNTHETIC_TITLE}: {grid.title}" if context.synthetic else grid.title
    return {
        "@context": CSVW_CONTEXT,
        "url": name,
        "dc:title": title,
        "dc:description": " ".join([*context.notes, *grid.notes]) or grid.title,
        "dc:publisher": context.organisation,
        "dc:license": {"@id": OGL_V3_URL},
        "dc:issued": published.isoformat(),
        "dc:identifier": grid.name,
        "dialect": {"commentPrefix": "#", "header": True, "headerRowCount": 1, "encoding": "utf-8"},
        "tableSchema": {
            "columns": [_column(c, grid) for c in grid.columns],
            "primaryKey": list(grid.dimensions),
        },
    }


def _column(col: GridColumn, grid: Grid) -> dict[str, object]:
    entry: dict[str, object] = {"name": col.name, "titles": col.header}
    if col.kind == "measure":
        entry |= {"datatype": _DATATYPES.get(Role(col.role), "decimal"), "required": False}
    else:
        entry |= {"datatype": "string", "required": col.kind == "dimension"}
    if col.kind in ("measure", "code"):  # a code column shows [z] where a label has no code
        i = grid.columns.index(col)
        markers = sorted({r[i] for r in grid.rows if isinstance(r[i], str) and SHORTHAND_CELL.match(r[i])})
        if markers:
            entry["null"] = markers  # shorthand cells are "no value here", not text in a number column
    return entry
