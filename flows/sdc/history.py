"""The publication record: every released cell with the exact population it counts, for cumulative checks.

A figure is only safe relative to everything published before it. So each released cell is recorded with
its population as value sets per axis (days, offence codes, outcomes, filters such as the force) and the
as-at time of the data; :func:`flows.sdc_audit.populations.audit_populations` cuts the axes into atoms and
audits all releases as one system. Rows are never deleted: superseded and withdrawn releases stay, because
their figures are still in the world.

:class:`Axes` says how one table's labels map to populations: which axis each dimension varies, the values
behind each label (a total label is the union), and the values fixed for the whole table (its filters).
Stored in the warehouse as ``disclosure.published_cells`` (:data:`PUBLISHED_CELLS_DDL`), with days written as
ranges so a five-year window is one pair of dates, not 1,826 values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from flows.contracts.tidy import Role, TidyTable, published_view
from flows.sdc.linear import SdcInputError
from flows.sdc_audit.populations import PopulationCell

PUBLISHED_CELLS_DDL = """
create schema if not exists disclosure;
create table if not exists disclosure.published_cells (
    release_id      varchar   not null,  -- '<reference>/v<N>'
    status          varchar   not null,  -- 'current', 'superseded' or 'withdrawn'; rows are never deleted
    table_name      varchar   not null,
    measure         varchar   not null,
    labels_json     varchar   not null,  -- {"offence": "Robbery", "year": "2021"}
    shown           varchar   not null,  -- what readers saw: '12', '0', '[c]', '[low]', '[z]'
    as_at           timestamp not null,  -- the data's as-at time: same population, other as-at = other fact
    population_json varchar   not null,  -- {"day": [["2021-01-01", "2021-12-31"]], "offence_code": [...], ...}
    published_at    timestamp not null,
    primary key (release_id, table_name, measure, labels_json)
);
"""


@dataclass(frozen=True)
class Axes:
    """How a table's cells map to populations."""

    dimensions: Mapping[str, tuple[str, Mapping[str, frozenset]]]  # dimension -> (axis, label -> values)
    fixed: Mapping[str, frozenset] = field(default_factory=dict)  # axis -> values, for the whole table


@dataclass(frozen=True)
class PublishedCell:
    release_id: str
    table: str
    measure: str
    labels: tuple[tuple[str, str], ...]
    shown: int | str
    as_at: str
    population: Mapping[str, frozenset]
    status: str = "current"

    def for_audit(self) -> PopulationCell:
        return PopulationCell(self.release_id, self.table, dict(self.labels), self.measure, self.population,
                              self.shown, self.as_at)


def days(first: date, last: date) -> frozenset[date]:
    """Every day from ``first`` to ``last``, both included (periods include their first and last days)."""
    return frozenset(first + timedelta(n) for n in range((last - first).days + 1))


def published_cells(table: TidyTable, axes: Axes, release_id: str, as_at: str) -> list[PublishedCell]:
    """The released count cells of one flagged table, as readers see them, with their populations."""
    view = published_view(table)
    out = []
    for rec in view.iter_rows(named=True):
        population = dict(axes.fixed)
        for d in table.dimension_names:
            if d not in axes.dimensions:
                raise SdcInputError(f"table {table.name!r}: no population given for dimension {d!r}")
            axis, values = axes.dimensions[d]
            label = str(rec[d])
            if label not in values:
                raise SdcInputError(f"table {table.name!r}: no population given for {d}={label!r}")
            population[axis] = values[label]
        for m in table.measures:
            if m.role is not Role.COUNT:
                continue
            shown = rec[m.name] if rec[m.name] is not None else (rec[m.flag] or "[x]")
            labels = tuple((d, str(rec[d])) for d in table.dimension_names)
            out.append(PublishedCell(release_id, table.name, m.name, labels, shown, as_at, population))
    return out


def to_row(cell: PublishedCell, published_at: str) -> tuple:
    """One ``disclosure.published_cells`` row."""
    return (cell.release_id, cell.status, cell.table, cell.measure, json.dumps(dict(cell.labels), sort_keys=True),
            str(cell.shown), cell.as_at, population_json(cell.population), published_at)


def population_json(population: Mapping[str, frozenset]) -> str:
    return json.dumps({axis: _ranges(values) if _all_dates(values) else sorted(map(str, values))
                       for axis, values in sorted(population.items())}, sort_keys=True)


def population_from_json(text: str) -> dict[str, frozenset]:
    out = {}
    for axis, values in json.loads(text).items():
        if values and isinstance(values[0], list):
            out[axis] = frozenset().union(*(days(date.fromisoformat(a), date.fromisoformat(b)) for a, b in values))
        else:
            out[axis] = frozenset(values)
    return out


def _all_dates(values: Iterable[object]) -> bool:
    values = list(values)
    return bool(values) and all(isinstance(v, date) for v in values)


def _ranges(values: Iterable[date]) -> list[list[str]]:
    ordered, out = sorted(values), []
    for d in ordered:
        if out and (d - out[-1][1]).days == 1:
            out[-1][1] = d
        else:
            out.append([d, d])
    return [[a.isoformat(), b.isoformat()] for a, b in out]


def cells_of(tables: Sequence[TidyTable], axes: Mapping[str, Axes], release_id: str,
             as_at: str) -> list[PublishedCell]:
    missing = [t.name for t in tables if t.name not in axes]
    if missing:
        raise SdcInputError(f"populations are needed for every table to check history; missing {missing}")
    return [c for t in tables for c in published_cells(t, axes[t.name], release_id, as_at)]
