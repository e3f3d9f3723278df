"""Suppression end to end for a set of linked tables: rules, secondary suppression, derived cells, the audit.

If the independent audit still finds a cell it can narrow (an intruder using whole numbers can sometimes do
better than the LP the suppressor reasons with), that cell's protection level is raised; if the cumulative
check finds that, with earlier releases, a figure could be worked out, the published cells it names are
withheld too. Either way suppression runs again from the pattern found; after a few rounds without success
the tables are not protectable this way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from flows.contracts.tidy import TidyTable
from flows.sdc.derived import follow_inputs
from flows.sdc.gate import audit_protected
from flows.sdc.heuristic import CannotProtect, protect_sequentially
from flows.sdc.linear import CellRef, System, build_system, check_relations
from flows.sdc.lp import DeviationModel
from flows.sdc.policy import SdcPolicy
from flows.sdc.rules import FIXED, FREE, HIDDEN, Requirements, sensitivity
from flows.sdc.secondary import Optimality, Pattern, cell_costs, optimality, suppress_secondary
from flows.sdc_audit import AuditResult, AuditTable

REPAIR_ROUNDS = 12
SECONDARY = "secondary: withheld so that other withheld figures cannot be worked out"

CellKey = tuple[str, tuple[tuple[str, str], ...], str]  # table name, labels, measure
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


def suppress_tables(tables: Sequence[TidyTable], policy: SdcPolicy, earlier: Sequence[AuditTable] = (),
                    more_to_hide: HistoryCheck | None = None, published_before: Sequence[CellKey] = ()) -> Suppressed:
    """``more_to_hide`` (the cumulative check) names published cells to withhold as well, or raises
    :class:`CannotProtect` when withholding more here cannot help. ``published_before`` names cells whose
    figure is already public (same population, same as-at): withholding them would protect nothing."""
    system = build_system(tables, policy)
    check_relations(system, tables)
    req = sensitivity(tables, system, policy)
    for var in _vars_of(published_before, tables, system):
        if req.state[var] == FREE:
            req.state[var] = FIXED
            req.note(var, "published before")
    values = system.value_array()
    pattern = suppress_secondary(DeviationModel.build(system, req), req, values, policy, system)
    for _ in range(REPAIR_ROUNDS):
        flagged, comparisons = _flag(tables, system, pattern.hidden, policy)
        audit = audit_protected(flagged, policy, comparisons, earlier=earlier)
        if audit.passed:
            extra = _vars_of(more_to_hide(flagged), flagged, system) if more_to_hide else []
            if not extra:
                return _result(flagged, system, req, pattern, comparisons, audit, policy)
            reason = "history: with earlier releases it would let a withheld figure be worked out"
        else:
            extra = _exposed_vars(audit, tables, system)
            reason = "protection raised after the audit"
            if not extra:
                raise CannotProtect("the audit refused the pattern: " + audit.summary())
        for var in extra:  # withhold, and ask for more room than the LP thought enough
            req.upl[var] += 1 if req.state[var] == HIDDEN else 0
            req.state[var] = HIDDEN
            req.note(var, reason)
        hidden = protect_sequentially(DeviationModel.build(system, req), req, cell_costs(values, policy),
                                      start=pattern.hidden, system=system)
        pattern = replace(pattern, hidden=hidden, method=pattern.method.removesuffix(" + repair") + " + repair")
    raise CannotProtect(f"still exposed after {REPAIR_ROUNDS} rounds of repair: " + audit.summary())


def _vars_of(keys: Sequence[CellKey], tables: Sequence[TidyTable], system: System) -> list[int]:
    found = []
    for name, labels, measure in keys:
        for t, table in enumerate(tables):
            if table.name != name:
                continue
            match = table.frame.with_row_index("__r").filter(
                pl.all_horizontal([pl.col(d).cast(pl.String) == v for d, v in labels]))
            found += [system.var_of[CellRef(t, r, measure)] for r in match["__r"].to_list()
                      if CellRef(t, r, measure) in system.var_of]
    return found


def _flag(tables: Sequence[TidyTable], system: System, hidden: np.ndarray,
          policy: SdcPolicy) -> tuple[list[TidyTable], dict[str, str]]:
    out, comparisons = [], {}
    for t, table in enumerate(tables):
        f = table.frame
        for m in table.measures:
            refs = [system.var_of.get(CellRef(t, r, m.name)) for r in range(f.height)]
            if all(v is None for v in refs):
                continue
            flags = f[m.flag].fill_null("").to_list()
            flags = [("[c]" + fl if v is not None and hidden[v] and "[c]" not in fl else fl)
                     for fl, v in zip(flags, refs, strict=True)]
            f = f.with_columns(pl.Series(m.flag, flags))
        flagged, used = follow_inputs(table.with_frame(f), policy)
        out.append(_drop_people(flagged, policy))
        comparisons |= used
    return out, comparisons


def _drop_people(table: TidyTable, policy: SdcPolicy) -> TidyTable:
    """The distinct-people companion decides sensitivity; it is never published."""
    names = {m.name for m in table.measures}
    people = [m for m in table.measures if m.name.endswith(policy.people_suffix)
              and m.name[: -len(policy.people_suffix)] in names]
    if not people:
        return table
    keep = tuple(m for m in table.measures if m not in people)
    frame = table.frame.drop([c for m in people for c in (m.name, m.flag)])
    return replace(table, measures=keep, frame=frame)


def _exposed_vars(audit: AuditResult, tables: Sequence[TidyTable], system: System) -> list[int]:
    found = []
    for p in audit.problems:
        for t, table in enumerate(tables):
            if table.name != p.table or not p.cell:
                continue
            match = table.frame.with_row_index("__r").filter(
                pl.all_horizontal([pl.col(d).cast(pl.String) == v for d, v in p.cell.items()]))
            for r in match["__r"].to_list():
                var = system.var_of.get(CellRef(t, r, p.measure))
                if var is not None:
                    found.append(var)
    return found


def _result(flagged: list[TidyTable], system: System, req: Requirements, pattern: Pattern,
            comparisons: dict[str, str], audit: AuditResult, policy: SdcPolicy) -> Suppressed:
    decisions: dict[CellKey, tuple[str, ...]] = {}
    labels = [[tuple(zip(t.dimension_names, row, strict=True)) for row in t.frame.select(t.dimension_names).iter_rows()]
              for t in flagged]
    for var in np.flatnonzero(pattern.hidden):
        reasons = tuple(req.reasons.get(var, [])) if req.state[var] == HIDDEN else (SECONDARY,)
        for ref in system.refs[var]:
            decisions[(flagged[ref.table].name, labels[ref.table][ref.row], ref.measure)] = reasons
    hidden = int(pattern.hidden.sum())
    secondary = int((pattern.hidden & (req.state != HIDDEN)).sum())
    return Suppressed(flagged, hidden, system.size, secondary, pattern.method, decisions, comparisons, audit, req,
                      optimality(pattern, system.value_array(), policy))
