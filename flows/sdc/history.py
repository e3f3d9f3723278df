"""The publication record: every released cell with the exact population it counts, for cumulative checks.

A figure is only safe relative to everything published before it. So each released cell is recorded with
its population as value sets per axis (days, offence codes, outcomes, filters such as the force) and the
as-at time of the data; :func:`flows.sdc_audit.populations.audit_populations` cuts the axes into atoms and
audits all releases as one system. Rows are never deleted: superseded and withdrawn releases stay, because
their figures are still in the world.

:class:`Axes` says how one table's labels map to populations: which axis each dimension varies, the values
behind each label (a total label is the union), and the values fixed for the whole table (its filters).
A measure may count other values than its row's labels say (last year's column: other days) and be the same
fact as another measure (:class:`MeasureAxes`). Cells whose units can sit in several populations (distinct
people; the any-offence rule) are not sums of atoms: they are marked ``additive=False`` and audited as opaque
facts, equal only to a figure of exactly the same population (:meth:`PublishedCell.for_audit`).

Stored in the warehouse as ``disclosure.published_cells`` (:data:`PUBLISHED_CELLS_DDL`), with days written as
ranges so a five-year window is one pair of dates, not 1,826 values.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache

from flows.contracts.tidy import Role, TidyTable, published_view
from flows.sdc.system import SdcInputError
from flows.sdc_audit.model import PopulationCell

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
    counts          varchar,             -- the fact the figure is, when not the measure (arrests_last_year -> arrests)
    additive        boolean   not null default true,  -- false: not a sum of atoms (distinct people, any offence)
    primary key (release_id, table_name, measure, labels_json)
);
alter table disclosure.published_cells add column if not exists counts varchar;
alter table disclosure.published_cells add column if not exists additive boolean default true;
-- true: a withheld cell the public group rule may have hidden although it is zero (lower bound 0, not 1)
alter table disclosure.published_cells add column if not exists may_be_zero boolean default false;
"""
#: one row of :func:`to_row` into ``disclosure.published_cells`` (a release's cells are never inserted twice)
INSERT_CELL_SQL = (
    "insert or ignore into disclosure.published_cells values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class MeasureAxes:
    """One measure's exceptions to its table's axes. Last year's column counts what ``counts`` counts, over
    last year's days: so that figure and the same figure in an earlier release are one unknown."""

    counts: str | None = None  # the fact this measure is (default: its own name)
    dimensions: Mapping[str, Mapping[str, frozenset]] = field(
        default_factory=dict
    )  # dimension -> label -> values
    fixed: Mapping[str, frozenset] = field(
        default_factory=dict
    )  # axis -> values, over the table's fixed ones


@dataclass(frozen=True)
class Axes:
    """How a table's cells map to populations."""

    dimensions: Mapping[str, tuple[str, Mapping[str, frozenset]]]  # dimension -> (axis, label -> values)
    fixed: Mapping[str, frozenset] = field(default_factory=dict)  # axis -> values, for the whole table
    measures: Mapping[str, MeasureAxes] = field(default_factory=dict)  # measure -> its exceptions
    additive: bool = True  # False: cells are distinct counts, not sums of atoms
    as_at: str | None = None  # the data's as-at time when this table's differs from the release's

    def keeping(self, names: Iterable[str]) -> Axes:
        """The axes once the dimensions not in ``names`` are collapsed away: a dimension that is gone counts
        everything its labels did (their union), for every measure."""
        kept = set(names)
        gone = [d for d in self.dimensions if d not in kept]

        def union(labels: Mapping[str, frozenset]) -> frozenset:
            return frozenset().union(*labels.values())

        fixed = dict(self.fixed) | {self.dimensions[d][0]: union(self.dimensions[d][1]) for d in gone}
        measures = {
            m: replace(
                o,
                dimensions={d: v for d, v in o.dimensions.items() if d in kept},
                fixed=dict(o.fixed)
                | {self.dimensions[d][0]: union(o.dimensions[d]) for d in gone if d in o.dimensions},
            )
            for m, o in self.measures.items()
        }
        return replace(
            self,
            dimensions={d: v for d, v in self.dimensions.items() if d in kept},
            fixed=fixed,
            measures=measures,
        )


@dataclass(frozen=True)
class PublishedCell:
    release_id: str
    table: str
    measure: str  # the table's measure column
    labels: tuple[tuple[str, str], ...]
    shown: int | str
    as_at: str
    population: Mapping[str, frozenset]
    status: str = "current"
    counts: str = ""  # the fact the figure is, when not ``measure`` (see :class:`MeasureAxes`)
    additive: bool = True  # False: a distinct count, not the sum of its atoms
    may_be_zero: bool = False  # withheld, and the public group rule may withhold zeros here

    @property
    def identity(self) -> str:
        """What the figure counts, for the audit: figures with the same identity, population and as-at are one."""
        return self.counts or self.measure

    def for_audit(self) -> PopulationCell:
        """The cell for :func:`audit_populations`. A distinct count is one opaque unknown per population (each
        axis a single token): a person in two cells' populations is counted in both, so it must not be cut into
        atoms that add up; it still equals the same population's figure in any release."""
        population = self.population if self.additive else opaque(self.population)
        return PopulationCell(
            self.release_id,
            self.table,
            dict(self.labels),
            self.identity,
            population,
            self.shown,
            self.as_at,
            self.may_be_zero,
        )


def opaque(population: Mapping[str, frozenset]) -> dict[str, frozenset]:
    token = "distinct " + hashlib.sha256(population_json(population).encode()).hexdigest()[:16]
    return {axis: frozenset({token}) for axis in population}


@lru_cache(maxsize=4096)
def days(first: date, last: date) -> frozenset[date]:
    """Every day from ``first`` to ``last``, both included (periods include their first and last days).
    Cached: the record repeats the same periods in many cells."""
    return frozenset(first + timedelta(n) for n in range((last - first).days + 1))


def published_cells(
    table: TidyTable, axes: Axes, release_id: str, as_at: str, group: str | None = None
) -> list[PublishedCell]:
    """The released count cells of one flagged table, as readers see them, with their populations.

    A dimension's values replace the table's fixed ones on its axis; two dimensions on one axis (outcome group
    and further action) intersect. ``group`` is the dimension the group rule hid zeros along (None: the rule
    is off): a withheld cell off its total may be a zero, and every audit must allow 0 for it."""
    totals = {d.name: d.total for d in table.dimensions}
    missing = [d for d in table.dimension_names if d not in axes.dimensions]
    if missing:
        raise SdcInputError(f"table {table.name!r}: no population given for dimension {missing[0]!r}")
    view = published_view(table)
    out = []
    for rec in view.iter_rows(named=True):
        labels = tuple((d, str(rec[d])) for d in table.dimension_names)
        for m in table.measures:
            if m.role is not Role.COUNT:
                continue
            extra = axes.measures.get(m.name, MeasureAxes())
            population = dict(axes.fixed) | dict(extra.fixed)
            set_here: set[str] = set()
            for d, label in labels:
                axis, values = axes.dimensions[d]
                values = extra.dimensions.get(d, values)
                if label not in values:
                    raise SdcInputError(f"table {table.name!r}: no population given for {d}={label!r}")
                population[axis] = population[axis] & values[label] if axis in set_here else values[label]
                set_here.add(axis)
            shown = rec[m.name] if rec[m.name] is not None else (rec[m.flag] or "[x]")
            group_zero = group in totals and rec[group] != totals[group] and "[c]" in str(shown)
            out.append(
                PublishedCell(
                    release_id,
                    table.name,
                    m.name,
                    labels,
                    shown,
                    axes.as_at or as_at,
                    population,
                    counts=extra.counts or "",
                    additive=axes.additive,
                    may_be_zero=group_zero,
                )
            )
    return out


def to_row(cell: PublishedCell, published_at: str) -> tuple:
    """One ``disclosure.published_cells`` row, columns in :data:`PUBLISHED_CELLS_DDL` order."""
    return (
        cell.release_id,
        cell.status,
        cell.table,
        cell.measure,
        json.dumps(dict(cell.labels), sort_keys=True),
        str(cell.shown),
        cell.as_at,
        population_json(cell.population),
        published_at,
        cell.counts or None,
        cell.additive,
        cell.may_be_zero,
    )


def from_row(row: Sequence) -> PublishedCell:
    """A cell back from a ``disclosure.published_cells`` row (as :func:`to_row` wrote it; timestamps may come
    back as datetimes)."""
    release_id, status, table, measure, labels, shown, as_at, population, _, *rest = row
    counts, additive, may_be_zero = (list(rest) + [None, True, False][len(rest) :])[:3]
    text = str(shown)
    return PublishedCell(
        release_id,
        table,
        measure,
        tuple(json.loads(labels).items()),
        int(text) if text.lstrip("-").isdigit() else text,
        _text(as_at),
        population_from_json(population),
        status,
        counts or "",
        True if additive is None else bool(additive),
        bool(may_be_zero),
    )


def as_at_text(moment: datetime) -> str:
    """The one spelling of an as-at time in the record: figures are the same fact only if these are equal."""
    return moment.isoformat(timespec="seconds")


def _text(moment: object) -> str:
    return as_at_text(moment) if isinstance(moment, datetime) else str(moment)


def population_json(population: Mapping[str, frozenset]) -> str:
    return json.dumps(
        {axis: _axis_json(frozenset(values)) for axis, values in sorted(population.items())}, sort_keys=True
    )


@lru_cache(maxsize=256)
def _axis_json(values: frozenset) -> list:
    """One axis's values as stored; cells share their axes' sets (ten years of days in every cell of a
    standing table), so each set is sorted once, not once per cell (1.8 s of a national draft). A draft holds
    well under 256 distinct sets; a larger cache would keep old day sets alive in a long-lived service."""
    return _ranges(values) if _all_dates(values) else sorted(map(str, values))


def population_from_json(text: str) -> dict[str, frozenset]:
    return {
        axis: _axis_values(
            tuple(map(tuple, values)) if values and isinstance(values[0], list) else tuple(values)
        )
        for axis, values in json.loads(text).items()
    }


@lru_cache(maxsize=16384)
def _axis_values(values: tuple) -> frozenset:
    """One axis's value set, built once per distinct list: the record repeats the same periods and code lists
    across thousands of cells."""
    if values and isinstance(values[0], tuple):
        return frozenset().union(*(days(date.fromisoformat(a), date.fromisoformat(b)) for a, b in values))
    return frozenset(values)


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


def cells_of(
    tables: Sequence[TidyTable],
    axes: Mapping[str, Axes],
    release_id: str,
    as_at: str,
    groups: Mapping[str, str] | None = None,
) -> list[PublishedCell]:
    """Every table's cells (:func:`published_cells`); ``groups``: table -> its group rule's dimension."""
    missing = [t.name for t in tables if t.name not in axes]
    if missing:
        raise SdcInputError(f"populations are needed for every table to check history; missing {missing}")
    groups = groups or {}
    return [
        c for t in tables for c in published_cells(t, axes[t.name], release_id, as_at, groups.get(t.name))
    ]
