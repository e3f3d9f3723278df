"""The constraint system: what an intruder can write down from a release, as one variable per distinct count
cell and the additivity relations between them.

Why a separate model: secondary suppression is about what *published* figures imply, and that is a matter of
linear algebra over cells, not of frames. Cells are identified by their population, written as a key: the
measure plus every (dimension, label) pair whose label is not that dimension's total. So the
``All years`` row of an offence-by-year table and the only row of an offence table are the same variable
when their labels agree: linked tables share cells by identical labels, and the suppressor must hide them
consistently. A margin equals the sum of the categories whose nearest ancestor *present in the table* it is
(offences add up to the total even when their groups are not shown). A dimension declared non-additive (the
any-offence rule, distinct people; ``TidyTable.additive`` False or the policy's ``non_additive``) gives
inequalities instead: the margin is at least each part and at most their sum. The true values must satisfy
every relation (a margin that does not add up is refused here, naming it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from flows.contracts.tidy import Role, TidyTable
from flows.sdc.policy import SdcPolicy

Key = tuple[str, frozenset[tuple[str, str]]]
CellKey = tuple[str, tuple[tuple[str, str], ...], str]  # table name, (dimension, label) pairs, measure


class SdcInputError(ValueError):
    """Tables that disclosure control cannot model safely; the message names the table and cell."""


@dataclass(frozen=True)
class CellRef:
    table: int  # index into the list of tables
    row: int  # row index in that table's frame
    measure: str


@dataclass(frozen=True)
class Relation:
    """lower <= sum(coef * x[var]) <= upper, in true values."""

    vars: tuple[int, ...]
    coefs: tuple[float, ...]
    lower: float
    upper: float

    @property
    def is_equality(self) -> bool:
        return self.lower == self.upper


@dataclass
class System:
    keys: list[Key] = field(default_factory=list)
    refs: list[list[CellRef]] = field(default_factory=list)
    values: list[int] = field(default_factory=list)
    margin: list[bool] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    var_of: dict[CellRef, int] = field(default_factory=dict)
    parents: dict[str, dict[str, str | None]] = field(
        default_factory=dict
    )  # dim -> label -> parent (None: total)
    measures: list[list[str]] = field(default_factory=list)  # per table: the count measures that are cells
    people: dict[tuple[int, str], str] = field(
        default_factory=dict
    )  # (table, measure) -> its people companion

    @property
    def size(self) -> int:
        return len(self.keys)

    def value_array(self) -> np.ndarray:
        return np.asarray(self.values, dtype=np.float64)

    def find(
        self, tables: Sequence[TidyTable], cells: Sequence[tuple[str, Mapping[str, str], str]]
    ) -> list[int]:
        """The variables of cells named by table name, labels and measure (labels may name only some
        dimensions: every row that matches counts)."""
        found = []
        for name, labels, measure in cells:
            for t, table in enumerate(tables):
                if table.name != name:
                    continue
                match = table.frame.with_row_index("__r").filter(
                    pl.all_horizontal([pl.col(d).cast(pl.String) == v for d, v in labels.items()])
                )
                found += [
                    self.var_of[CellRef(t, r, measure)]
                    for r in match["__r"].to_list()
                    if CellRef(t, r, measure) in self.var_of
                ]
        return found


def count_measures(table: TidyTable, people_suffix: str) -> list[str]:
    """The count measures that are published cells (a ``<m><people_suffix>`` companion is not one of them)."""
    names = {m.name for m in table.measures}
    return [
        m.name
        for m in table.measures
        if m.role is Role.COUNT
        and not (m.name.endswith(people_suffix) and m.name[: -len(people_suffix)] in names)
    ]


def nearest_present_parent(table: TidyTable, dim_index: int, present: set[str]) -> dict[str, str]:
    """Each present category -> its nearest ancestor that is also present (skipping levels not shown)."""
    d = table.dimensions[dim_index]
    out: dict[str, str] = {}
    for label in present:
        seen, up = {label}, d.parent_of(label)
        while up is not None and up not in present:
            if up in seen:
                raise SdcInputError(
                    f"table {table.name!r}: dimension {d.name!r} hierarchy has a cycle at {up!r}"
                )
            seen.add(up)
            up = d.parent_of(up)
        if up is not None:
            out[label] = up
    return out


def build_system(tables: Sequence[TidyTable], policy: SdcPolicy) -> System:
    """Variables for every count cell of every table (linked by key) and every additivity relation, checked
    against the true values."""
    system = System()
    index: dict[Key, int] = {}
    for t, table in enumerate(tables):
        labels = _labels(table)
        system.measures.append(count_measures(table, policy.people_suffix))
        names = {m.name for m in table.measures}
        system.people |= {
            (t, m): f"{m}{policy.people_suffix}"
            for m in system.measures[t]
            if f"{m}{policy.people_suffix}" in names
        }
        for m in system.measures[t]:
            values = table.frame[m].to_list()
            for r, row in enumerate(labels):
                if values[r] is None:
                    raise SdcInputError(
                        f"table {table.name!r}: {m} is empty at {dict(zip(table.dimension_names, row, strict=True))};"
                        " counts need their true value"
                    )
                key = _key(table, m, row)
                var = index.get(key)
                if var is None:
                    var = index[key] = system.size
                    system.keys.append(key)
                    system.refs.append([])
                    system.values.append(int(values[r]))
                    system.margin.append(False)
                elif system.values[var] != int(values[r]):
                    first = system.refs[var][0]
                    raise SdcInputError(
                        f"tables {tables[first.table].name!r} and {table.name!r} both hold {m} for "
                        f"{dict(sorted(key[1]))} but disagree ({system.values[var]} vs {values[r]}); give them "
                        "different labels or measure names, or protect them separately"
                    )
                ref = CellRef(t, r, m)
                system.refs[var].append(ref)
                system.var_of[ref] = var
        additive = {
            d.name: getattr(table, "additive", True) and not policy.is_non_additive(table.name, d.name)
            for d in table.dimensions
        }
        _add_relations(system, t, table, labels, additive)
    system.relations = _unique(system.relations)
    _check_relations(system, tables)
    return system


def _labels(table: TidyTable) -> list[tuple[str, ...]]:
    return [tuple(str(x) for x in row) for row in table.frame.select(table.dimension_names).iter_rows()]


def _key(table: TidyTable, measure: str, row: tuple[str, ...]) -> Key:
    return measure, frozenset(
        (d.name, label) for d, label in zip(table.dimensions, row, strict=True) if label != d.total
    )


def _add_relations(
    system: System, t: int, table: TidyTable, labels: list[tuple[str, ...]], additive: Mapping[str, bool]
) -> None:
    row_of = {row: r for r, row in enumerate(labels)}
    measures = system.measures[t]
    for i, d in enumerate(table.dimensions):
        present = {row[i] for row in labels}
        parent = nearest_present_parent(table, i, present)
        known = system.parents.setdefault(d.name, {})
        for label in present - {d.total}:
            up = parent.get(label)
            known.setdefault(label, None if up == d.total else up)
        if not parent:
            continue
        groups: dict[int, list[int]] = {}
        for r, row in enumerate(labels):
            up = parent.get(row[i])
            if up is None:
                continue
            pr = row_of.get(row[:i] + (up,) + row[i + 1 :])
            if pr is not None:
                groups.setdefault(pr, []).append(r)
        for pr, children in groups.items():
            for m in measures:
                pv = system.var_of[CellRef(t, pr, m)]
                system.margin[pv] = True
                cv = [system.var_of[CellRef(t, c, m)] for c in children]
                if additive[d.name]:
                    system.relations.append(Relation((pv, *cv), (1.0, *([-1.0] * len(cv))), 0.0, 0.0))
                    continue
                system.relations.append(Relation((pv, *cv), (1.0, *([-1.0] * len(cv))), -np.inf, 0.0))
                system.relations += [Relation((c, pv), (1.0, -1.0), -np.inf, 0.0) for c in cv]


def _unique(relations: list[Relation]) -> list[Relation]:
    """Linked tables repeat relations (the same margin in two tables); keep each once."""
    seen: set[tuple] = set()
    out = []
    for rel in relations:
        sig = (tuple(sorted(zip(rel.vars, rel.coefs, strict=True))), rel.lower, rel.upper)
        if sig not in seen:
            seen.add(sig)
            out.append(rel)
    return out


def _check_relations(system: System, tables: Sequence[TidyTable]) -> None:
    """The true values must satisfy every relation; otherwise a margin is wrong and nothing is safe to model."""
    x = system.value_array()
    for rel in system.relations:
        total = float(np.dot(x[list(rel.vars)], rel.coefs))
        if total < rel.lower - 1e-9 or total > rel.upper + 1e-9:
            ref = system.refs[rel.vars[0]][0]
            table = tables[ref.table]
            row = table.frame.select(table.dimension_names).row(ref.row, named=True)
            raise SdcInputError(
                f"table {table.name!r}: margin {row} ({ref.measure}) does not match its parts "
                f"(off by {total:g}); fix the table or declare the dimension non-additive"
            )
