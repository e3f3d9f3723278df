"""The published grid: the one place a tidy table becomes the header row and cells a reader will see.

The workbook, the CSV copy, the CSVW schema and the content hash are all built from a :class:`Grid`, so they
cannot disagree, and the grid is built from :func:`published_view` only, so no writer ever holds a value that
disclosure control hid. Layout rules (AF "Releasing statistics in spreadsheets"):

* codes sit in their own column, before the label they code (checklist item 26);
* a hidden value shows its shorthand, e.g. ``[c]``; a shown value is a number, never ``12 [p]`` (item 29);
  shorthand that qualifies a shown value (``[p]``, ``[r]``) goes in a "shorthand" column after the value;
* a value that is missing without a flag is ``[x]`` (not available), a label without a code is ``[z]``:
  no table cell is left blank unless it is a shorthand-column cell, which the sheet explains (item 31);
* text (titles, notes, headers, labels, codes) is neutralised against formula injection here, once, so every
  format and the content hash hold the same text; numbers stay numbers;
* each measure column says how its numbers are shown (:data:`NumberFormat`), so XLSX and ODS agree: counts
  whole with thousands separators, changes signed, percentage changes signed to one decimal with ``(%)`` in
  the header.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

import polars as pl

from flows.contracts.tidy import HIDING_FLAGS, Role, TidyTable, published_view
from flows.publish.text_cells import cell_text

Cell = str | int | float
ColumnKind = Literal["dimension", "code", "measure", "shorthand"]
#: how a measure column's numbers are displayed; each writer maps these to its own format codes
NumberFormat = Literal["integer", "decimal", "signed_integer", "signed_decimal"]


@dataclass(frozen=True)
class GridColumn:
    name: str  # machine name: CSVW column name
    header: str  # what the reader sees: XLSX and CSV header
    kind: ColumnKind
    role: str | None = None  # measure role for measure columns
    number_format: NumberFormat | None = None  # measure columns only


@dataclass(frozen=True)
class Grid:
    name: str
    title: str
    notes: tuple[str, ...]
    columns: tuple[GridColumn, ...]
    rows: tuple[tuple[Cell, ...], ...]
    dimensions: tuple[str, ...]
    measures: dict[str, str]  # measure name -> role
    cells_suppressed: int
    structure: dict = field(default_factory=dict)  # totals, hierarchies, links: manifest TableEntry fields

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def shorthand_used(self) -> list[str]:
        """Each single marker used in the body, e.g. ``[c]`` and ``[p]`` from ``[c][p]``."""
        found: set[str] = set()
        for row in self.rows:
            for value in row:
                if isinstance(value, str) and value.startswith("["):
                    found.update("[" + part for part in value.split("[") if part)
        return sorted(found)

    @property
    def has_shorthand_columns(self) -> bool:
        return any(c.kind == "shorthand" for c in self.columns)

    def canonical(self) -> dict[str, object]:
        """Plain data for hashing: everything a reader of this table would see."""
        return {
            "name": self.name,
            "title": self.title,
            "notes": list(self.notes),
            "headers": self.headers,
            "rows": [list(r) for r in self.rows],
        }


class GridError(ValueError):
    """A table cannot be laid out for publication; the message names the table and column."""


def build_grid(table: TidyTable) -> Grid:
    private = [m.name for m in table.measures if m.role is Role.PEOPLE]
    if private:
        raise GridError(
            f"table {table.name!r}: {private} count people for disclosure control and are never "
            "published; protect the table first"
        )
    view = published_view(table)
    columns = _columns(table, view)
    rows = [_row(table, record, columns) for record in view.iter_rows(named=True)]
    columns = [
        _with_number_format(c, [r[i] for r in rows]) if c.kind == "measure" else c
        for i, c in enumerate(columns)
    ]
    suppressed = sum(int(view[m.flag].str.contains("[c]", literal=True).sum()) for m in table.measures)
    return Grid(
        name=table.name,
        title=cell_text(published_title(table.title, table.combined)),
        notes=tuple(cell_text(n) for n in table.notes),
        columns=tuple(columns),
        rows=tuple(rows),
        dimensions=tuple(table.dimension_names),
        measures={m.name: str(m.role) for m in table.measures},
        cells_suppressed=suppressed,
        structure=table_structure(table),
    )


def table_structure(table: TidyTable) -> dict:
    """What the figures' labels alone do not say (totals, hierarchies, additivity, links between measures),
    for the manifest: the independent audit rebuilds what an intruder knows from the files plus this."""
    c, n = table.comparison, cell_text  # labels as the files show them
    return {
        "totals": {d.name: n(d.total) for d in table.dimensions if d.total is not None},
        "parents": {
            d.name: {n(k): n(v) for k, v in d.parents.items()} for d in table.dimensions if d.parents
        },
        "additive": table.additive,
        "derived_inputs": {m.name: list(m.inputs) for m in table.measures if m.inputs},
        "comparison": None
        if c is None
        else {
            "current": c.current,
            "previous": c.previous,
            "dimension": c.dimension,
            "previous_labels": {n(k): n(v) for k, v in c.previous_labels.items()},
        },
        "rounded_to": table.rounded_to,
        "public_source": table.public_source,
    }


def _columns(table: TidyTable, view: pl.DataFrame) -> list[GridColumn]:
    cols: list[GridColumn] = []
    for d in table.dimensions:
        if any(
            label in d.codes for label in view[d.name].unique().to_list()
        ):  # a code column only if it has codes
            cols.append(GridColumn(f"{d.name}_code", cell_text(f"{d.title} code"), "code"))
        cols.append(GridColumn(d.name, cell_text(d.title), "dimension"))
    for m in table.measures:
        cols.append(GridColumn(m.name, cell_text(_with_unit(m.title, m.role)), "measure", str(m.role)))
        shown_with_flag = view.filter(pl.col(m.name).is_not_null() & (pl.col(m.flag) != ""))
        if shown_with_flag.height:
            cols.append(GridColumn(f"{m.name}_shorthand", cell_text(f"{m.title} shorthand"), "shorthand"))
    names = [c.name for c in cols]
    headers = [c.header for c in cols]
    for label, values in (("column name", names), ("header", headers)):
        dupes = sorted({v for v in values if values.count(v) > 1})
        if dupes:
            raise GridError(
                f"table {table.name!r}: duplicate {label}(s) {dupes}; give dimensions and measures "
                "distinct titles"
            )
    empty = [c.name for c in cols if not c.header.strip()]
    if empty:
        raise GridError(f"table {table.name!r}: empty header for column(s) {empty}")
    return cols


def _row(table: TidyTable, record: dict[str, object], columns: list[GridColumn]) -> tuple[Cell, ...]:
    dims = {d.name: d for d in table.dimensions}
    cells: list[Cell] = []
    for col in columns:
        if col.kind == "dimension":
            cells.append(cell_text(str(record[col.name])))
        elif col.kind == "code":
            d = dims[col.name.removesuffix("_code")]
            cells.append(cell_text(d.codes.get(str(record[d.name]), "[z]")))
        elif col.kind == "measure":
            cells.append(_measure_cell(record[col.name], str(record[f"{col.name}_flag"] or ""), col.role))
        else:
            name = col.name.removesuffix("_shorthand")
            shown = record[name] is not None
            cells.append(str(record[f"{name}_flag"] or "") if shown else "")
    return tuple(cells)


def _measure_cell(value: object, flag: str, role: str | None) -> Cell:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return flag if any(h in flag for h in HIDING_FLAGS) else "[x]" + flag
    if role == Role.COUNT or (role == Role.CHANGE and float(value).is_integer()):  # type: ignore[arg-type]
        return int(value)  # type: ignore[call-overload]
    return float(value)  # type: ignore[arg-type]


def _with_unit(title: str, role: Role) -> str:
    """A percentage change says it is one in its header; its cells are plain numbers (-15.8, not -0.158)."""
    return f"{title} (%)" if role is Role.PCT_CHANGE and "%" not in title else title


def _with_number_format(col: GridColumn, values: list[Cell]) -> GridColumn:
    numbers = [v for v in values if isinstance(v, int | float)]
    whole = all(isinstance(v, int) for v in numbers)
    fmt: NumberFormat = {Role.COUNT: "integer", Role.PCT_CHANGE: "signed_decimal"}.get(
        Role(col.role),
        ("signed_integer" if whole else "signed_decimal") if col.role == Role.CHANGE else "decimal",
    )
    return replace(col, number_format=fmt)


def published_title(title: str, combined: tuple[str, ...]) -> str:
    """A title that says what was published: "..., 2018 to 2022 (all periods combined)" once disclosure control
    combined a dimension (:mod:`flows.sdc.shapes` records what in ``TidyTable.combined``)."""
    return f"{title} ({'; '.join(combined)})" if combined else title
