"""What the audit reads and what it says: published tables as labels and shown values, and its verdict.

Nothing here comes from the suppressor. A table is what a reader of the release sees: dimension labels, and
for each count measure either a number or shorthand such as ``[c]``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

Value = int | float | str | None  # a shown number, or shorthand ("[c]", "[z]", "[low]", "[x]"); None: blank


@dataclass(frozen=True)
class AuditTable:
    """One published table, named as in the manifest. ``totals`` names a dimension's all-categories label when known; otherwise the one
    label starting with "All " is taken as the total. ``roles`` gives measure -> role ("count", "rate",
    "change", "pct_change"); measures not listed are counts. ``as_at`` tells figures of the same population
    known at different times apart (they are different facts)."""

    name: str
    dimensions: tuple[str, ...]
    measures: tuple[str, ...]
    rows: tuple[tuple[tuple[str, ...], tuple[Value, ...]], ...]  # (labels, values in `measures` order)
    totals: Mapping[str, str] = field(default_factory=dict)
    roles: Mapping[str, str] = field(default_factory=dict)
    as_at: str | None = None
    file: str | None = None  # where a reader finds it (problems name the file); ``name`` is the table's name
    inputs: Mapping[str, tuple[str, ...]] = field(
        default_factory=dict
    )  # derived measure -> counts in its row

    @property
    def label(self) -> str:
        return self.file or self.name

    def role(self, measure: str) -> str:
        return self.roles.get(measure, "count")


@dataclass(frozen=True)
class KRule:
    """A higher threshold for a topic: cells labelled (or below) one of ``labels`` in ``dimension``."""

    k: int
    dimension: str
    labels: frozenset[str]


@dataclass(frozen=True)
class Problem:
    """One reason to refuse, for internal use only: it names the cell."""

    table: str
    cell: Mapping[str, str]
    measure: str
    problem: str
    interval: tuple[float, float] | None = None
    population: Mapping[str, frozenset] | None = None  # what the exposed figure counts, when known

    def __str__(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.cell.items())
        span = f" (intruder's interval {_fmt(self.interval)})" if self.interval else ""
        return f"{self.table}: {self.measure} at {where or 'the table'}: {self.problem}{span}"


def _fmt(interval: tuple[float, float]) -> str:
    lo, hi = interval
    return f"[{lo:g}, {'inf' if hi == float('inf') else f'{hi:g}'}]"


@dataclass(frozen=True)
class AuditResult:
    """``problems`` empty means the release may go out. ``intervals`` holds, per withheld cell, the interval
    the audit proved (exact when solved, or a certified inner range when sample points already showed it is
    wide enough); ``method`` says whether integer programming was used."""

    problems: tuple[Problem, ...]
    cells_checked: int
    method: str
    intervals: Mapping[tuple[str, str, tuple[tuple[str, str], ...]], tuple[float, float]] = field(
        default_factory=dict
    )

    @property
    def passed(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.passed:
            return f"audit passed: {self.cells_checked} withheld cell(s) checked by {self.method}"
        return f"audit refused: {len(self.problems)} problem(s); first: {self.problems[0]}"


Population = Mapping[str, frozenset[Hashable]]  # axis -> values


@dataclass(frozen=True)
class PopulationCell:
    """One published cell as the exact population it counts (flows/sdc_audit/populations.py audits them)."""

    release: str
    table: str
    cell: Mapping[str, str]  # labels, for messages
    measure: str
    population: Population
    shown: int | str  # a number or shorthand ("[c]")
    as_at: str
    may_be_zero: bool = False  # withheld where the public group rule may withhold zeros: at least 0, not 1
