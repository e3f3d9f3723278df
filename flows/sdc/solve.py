"""Solve: the least costly further cells to withhold so that no withheld cell can be recovered or narrowed
from what is published (secondary suppression), with a proven bound on how little that can cost.

The exact method is the cell-suppression model of Fischetti and Salazar-Gonzalez, as a cutting-plane loop: the
master MIP (:mod:`flows.sdc.master`, started with relation capacity cuts that already hold the optimum on most
tables) picks a pattern; the check (:mod:`flows.sdc.check`) proves each withheld cell protected or returns a
capacity cut it violates; the cuts go into the master and it is solved again. Every master problem is a
relaxation, so its MIP dual bound is a lower bound on the cost of any protecting pattern. Each failing pattern
is also repaired into a protecting one (:func:`flows.sdc.heuristic.repair`: only the failing cells, each
moved through the whole system), and the loop stops at the optimum, once the cheapest repaired pattern is
within ``gap_target`` of the bound, or at the time limit, with the bound still holding. Tables above
``exact_max_cells`` go straight to the heuristic, bounded by the master's LP relaxation. Either way the
independent audit checks the result.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, replace

import numpy as np

from flows.sdc.check import failures
from flows.sdc.heuristic import CannotProtect, protect_sequentially, repair
from flows.sdc.lp import DeviationModel
from flows.sdc.master import Master
from flows.sdc.policy import ScoreWeights, SdcPolicy
from flows.sdc.reuse import start_from
from flows.sdc.rules import HIDDEN, Requirements
from flows.sdc.system import System


@dataclass(frozen=True)
class Optimality:
    """How far a pattern can be from the least loss: ``bound`` is proven, no protecting pattern under the same
    model (the same rules, costs and capped intruder) costs less. Internal: the cost is a sum of withheld
    values, so only the gap may be published."""

    cost: float  # of the pattern published
    bound: float  # a proven lower bound on the cost of any protecting pattern
    objective: str  # "cells" or "values" (the policy's cost)
    proof: str  # how the bound was proven

    @property
    def gap(self) -> float:
        """(cost - bound) / cost: 0 when proven optimal."""
        return max(0.0, self.cost - self.bound) / self.cost if self.cost > 0 else 0.0


@dataclass(frozen=True)
class Pattern:
    hidden: np.ndarray  # bool per variable
    method: str  # "optimal", "exact (time limit: best found)", "heuristic", "none needed"
    seconds: float
    iterations: int = 0
    bound: float = 0.0  # proven lower bound on the cost of any protecting pattern
    proof: str = "none needed"  # how the bound was proven
    cost: float = 0.0  # of the withheld cells
    objective: str = "values"  # what the cost counts

    @property
    def optimality(self) -> Optimality:
        """The cost against the proven bound (the bound holds after repairs too: they only add requirements,
        and more requirements never make the least cost smaller)."""
        return Optimality(self.cost, min(self.bound, self.cost), self.objective, self.proof)


def cell_costs(
    values: np.ndarray, objective: str, margin: np.ndarray | None = None, weights: ScoreWeights | None = None
) -> np.ndarray:
    """Information lost by withholding each cell; 'values' adds one per cell so zeros are never free; 'blend'
    is the chooser's loss (a figure, plus the total bonus for a margin), values breaking ties."""
    if objective == "cells":
        return np.ones_like(values)
    if objective == "values":
        return values + 1.0
    weights = weights or ScoreWeights()
    margin = np.zeros(values.size, dtype=bool) if margin is None else np.asarray(margin, dtype=bool)
    return weights.exact + weights.total * margin + values / (1.0 + values.max(initial=0.0))


def solve(
    system: System,
    req: Requirements,
    policy: SdcPolicy,
    start: Pattern | None = None,
    previous: np.ndarray | None = None,
) -> Pattern:
    """The pattern to publish, its cost and a proven bound. With ``start`` (a repair after the audit or the
    cumulative check raised requirements), the heuristic adds to that pattern and the bound is kept. With
    ``previous`` (the cells an earlier version of these tables withheld, :mod:`flows.sdc.reuse`), that pattern
    is kept when it still protects and is proven near the least loss, else the exact loop starts from it."""
    began = time.monotonic()
    cost = cell_costs(system.value_array(), policy.cost, np.asarray(system.margin), policy.score_weights)
    model = DeviationModel.build(system, req)
    if start is not None:
        hidden = protect_sequentially(model, req, cost, start=start.hidden, system=system)
        method = start.method.removesuffix(" + repair") + " + repair"
        return replace(start, hidden=hidden, cost=float(cost[hidden].sum()), method=method)
    if not (req.state == HIDDEN).any():
        return Pattern(req.state == HIDDEN, "none needed", 0.0, objective=policy.cost)
    found, method, bound, proof = None, "heuristic", 0.0, "LP relaxation of the master problem"
    incumbent, reused, gap_target = None, "", policy.gap_target
    if previous is not None and previous.any() and policy.reuse_previous_pattern:
        with contextlib.suppress(CannotProtect):  # then solved as if there were no previous version
            incumbent, reused = start_from(model, req, cost, previous)
            gap_target = max(gap_target, policy.reuse_max_gap)
    if model.matrix.shape[1] <= policy.exact_max_cells:
        found, method, bound = _exact(
            model, req, cost, began + policy.time_limit_s, policy, incumbent, gap_target
        )
        proof = "MIP dual bound of the master problem (HiGHS)"
    else:
        bound = Master(model, req, cost, integer=False).solve(policy.time_limit_s, 0.0)[1]
        found, method = incumbent, "heuristic"
    if incumbent is not None:
        method = reused if found is incumbent else f"{method}, starting from the previous pattern"
    if found is None:  # the heuristic starts afresh
        found = protect_sequentially(model, req, cost, system=system)
    return _pattern(found, method, began, bound, proof, cost, policy)


def _pattern(
    found: np.ndarray,
    method: str,
    began: float,
    bound: float,
    proof: str,
    cost: np.ndarray,
    policy: SdcPolicy,
) -> Pattern:
    return Pattern(
        found,
        method,
        time.monotonic() - began,
        bound=bound if np.isfinite(bound) else 0.0,
        proof=proof,
        cost=float(cost[found].sum()),
        objective=policy.cost,
    )


def _exact(
    model: DeviationModel,
    req: Requirements,
    cost: np.ndarray,
    deadline: float,
    policy: SdcPolicy,
    incumbent: np.ndarray | None = None,
    gap_target: float | None = None,
) -> tuple[np.ndarray | None, str, float]:
    """(pattern or None, how it was found, the best proven bound). Every failing master pattern is repaired
    into a protecting one (:func:`~flows.sdc.heuristic.repair`); the cheapest so far is kept, and the loop
    stops once it is within ``gap_target`` (default ``policy.gap_target``) of the bound (a master MIP is
    interrupted as soon as its bound gets there), or at the time limit. ``incumbent`` (a protecting pattern,
    e.g. the previous version's) starts as the cheapest, and is returned itself unless a cheaper one is found."""
    gap_target = policy.gap_target if gap_target is None else gap_target
    master, bound = Master(model, req, cost), 0.0
    best, best_cost = None, np.inf
    if incumbent is not None:
        master.start_from(incumbent)
        best, best_cost = incumbent, float(cost[incumbent].sum())
    while True:
        master.enough = (1.0 - gap_target) * best_cost
        pattern, found, optimal = master.solve(deadline - time.monotonic(), policy.mip_gap)
        bound = max(bound, found)
        if pattern is None:  # infeasible (a cell only fixed cells could protect) or nothing found in time
            return best, "exact (time limit), best repaired" if best is not None else "heuristic", bound
        cuts = failures(model, req, pattern)
        if not cuts and float(cost[pattern].sum()) < best_cost:
            # not optimal: the master was interrupted (its bound was enough) or ran out of time
            stopped = (
                "exact, within the gap target" if bound >= master.enough else "exact (time limit: best found)"
            )
            return pattern, "optimal" if optimal else stopped, bound
        if cuts:
            repaired = repair(model, req, cost, pattern, [c.target for c in cuts])
            if float(cost[repaired].sum()) < best_cost:
                best, best_cost = repaired, float(cost[repaired].sum())
        # the interrupt's own test, so an interrupted master always ends the loop here
        if bound >= (1.0 - gap_target) * best_cost:
            return best, "exact, within the gap target", bound
        if not cuts or not optimal or time.monotonic() >= deadline:
            return best, "exact (time limit), best repaired", bound
        master.add(cuts)
