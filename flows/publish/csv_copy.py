"""The open-format copy of each table: an RFC 4180 CSV and its CSVW ``<name>.csv-metadata.json`` sidecar.

The ICO asks for CSV in FOI replies (advisory note, Sept 2023) and GOV.UK's tabular data standard asks for
RFC 4180: UTF-8 without a byte-order mark, CRLF line ends, one header row, one table per file. The headers and
cells are the workbook table's, from the same :class:`Grid`. Synthetic data carries a ``#`` comment first line;
the sidecar declares ``commentPrefix`` so CSVW tools skip it rather than read it as the header.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from flows.contracts.tidy import Role
from flows.publish.context import OGL_V3_URL, SYNTHETIC_BANNER, SYNTHETIC_TITLE, ReleaseContext, slugify
from flows.publish.grid import Grid, GridColumn

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
_DATATYPES = {Role.COUNT: "nonNegativeInteger", Role.RATE: "decimal", Role.CHANGE: "decimal",
              Role.PCT_CHANGE: "decimal"}


def csv_name(grid: Grid) -> str:
    """``arrests_by_offence_year`` -> ``arrests-by-offence-year.csv`` (lowercase, dashes, <= 44 characters)."""
    return f"{slugify(grid.name, 40)}.csv"


def csv_bytes(grid: Grid, synthetic: bool) -> bytes:
    out = io.StringIO(newline="")
    if synthetic:
        out.write(f"# {SYNTHETIC_BANNER}\r\n")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(grid.headers)
    writer.writerows([_text(v) for v in row] for row in grid.rows)
    return out.getvalue().encode("utf-8")


def _text(value: object) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def write_csv(folder: Path, grid: Grid, context: ReleaseContext, published: date) -> list[Path]:
    """Write the CSV and its sidecar; return both paths."""
    name = csv_name(grid)
    data = folder / name
    data.write_bytes(csv_bytes(grid, context.synthetic))
    meta = folder / f"{name}-metadata.json"
    meta.write_text(json.dumps(csvw_metadata(name, grid, context, published), indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return [data, meta]


def csvw_metadata(name: str, grid: Grid, context: ReleaseContext, published: date) -> dict[str, object]:
    title = f"{SYNTHETIC_TITLE}: {grid.title}" if context.synthetic \
        else grid.title
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
        i = grid.columns.index(col)
        markers = sorted({r[i] for r in grid.rows if isinstance(r[i], str)})
        entry |= {"datatype": _DATATYPES.get(Role(col.role), "decimal"), "required": False}
        if markers:
            entry["null"] = markers  # shorthand cells are "no value here", not text in a number column
    else:
        entry |= {"datatype": "string", "required": col.kind == "dimension"}
    return entry
