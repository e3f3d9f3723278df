"""Suppression of one set of linked tables, end to end: rules -> constraint system -> solve -> flag -> audit.

If the independent audit still finds a cell it can narrow (an intruder using whole numbers can sometimes do
better than the LP the suppressor reasons with), that cell's protection level is raised; if the cumulative
check finds that, with earlier releases, a figure could be worked out, the published cells it names are
withheld too. Either way suppression runs again from the pattern found; after a few rounds without success
the tables are not protectable this way.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from flows.contracts.tidy import TidyTable
from flows.sdc.flag import flag
from flows.sdc.gate import audit_protected
from flows.sdc.heuristic import CannotProtect
from flows.sdc.policy import SdcPolicy
from flows.sdc.reuse import Withheld, previous_pattern
from flows.sdc.rules import FIXED, FREE, HIDDEN, Requirements, sensitivity
from flows.sdc.solve import Optimality, solve
from flows.sdc.system import CellKey, build_system
from flows.sdc_audit import AuditResult

REPAIR_ROUNDS = 12

HistoryCheck = Callable[[list[TidyTable]], list[CellKey]]


@dataclass
class Suppressed:
    tables: list[TidyTable]
    hidden: int
    cells: int
    secondary: int
    method: str
    decisions: dict[CellKey, tuple[str, ...]]
    comparisons: dict[str, str]
    audit: AuditResult
    req: Requirements
    optimality: Optimality

    @property
    def share(self) -> float:
        return self.hidden / self.cells if self.cells else 0.0


def suppress_tables(
    tables: Sequence[TidyTable],
    policy: SdcPolicy,
    more_to_hide: HistoryCheck | None = None,
    published_before: Sequence[CellKey] = (),
    previous: Collection[Withheld] = (),
) -> Suppressed:
    """``more_to_hide`` (the cumulative check) names published cells to withhold as well, or raises
    :class:`CannotProtect` when withholding more here cannot help. ``published_before`` names cells whose
    figure is already public (same population, same as-at): withholding them would protect nothing.
    ``previous``: the cells an earlier version of these tables withheld (:mod:`flows.sdc.reuse`)."""
    system = build_system(tables, policy)
    req = sensitivity(tables, system, policy)
    for var in system.find(tables, [(name, dict(labels), m) for name, labels, m in published_before]):
        if req.state[var] == FREE:
            req.state[var] = FIXED
            req.note(var, "published before")
    pattern = solve(
        system, req, policy, previous=previous_pattern(system, tables, previous) if previous else None
    )
    for _ in range(REPAIR_ROUNDS):
        flagged = flag(tables, system, req, pattern.hidden, policy)
        audit = audit_protected(flagged.tables, policy, flagged.comparisons)
        if audit.passed:
            named = more_to_hide(flagged.tables) if more_to_hide else []
            extra = system.find(flagged.tables, [(name, dict(labels), m) for name, labels, m in named])
            if not extra:
                hidden = int(pattern.hidden.sum())
                return Suppressed(
                    flagged.tables,
                    hidden,
                    system.size,
                    int((pattern.hidden & (req.state != HIDDEN)).sum()),
                    pattern.method,
                    flagged.decisions,
                    flagged.comparisons,
                    audit,
                    req,
                    pattern.optimality,
                )
            reason = "history: with earlier releases it would let a withheld figure be worked out"
        else:
            extra = system.find(tables, [(p.table, p.cell, p.measure) for p in audit.problems if p.cell])
            reason = "protection raised after the audit"
            if not extra:
                raise CannotProtect("the audit refused the pattern: " + audit.summary())
        for var in extra:  # withhold, and ask for more room than the LP thought enough
            req.upl[var] += 1 if req.state[var] == HIDDEN else 0
            req.state[var] = HIDDEN
            req.note(var, reason)
        pattern = solve(system, req, policy, start=pattern)
    raise CannotProtect(f"still exposed after {REPAIR_ROUNDS} rounds of repair: " + audit.summary())
