"""Solve: the fewest (or smallest) further cells to withhold so that no withheld cell can be recovered or
narrowed from what is published (secondary suppression), with a proven bound on how few that can be.

The exact method is the cell-suppression model of Fischetti and Salazar-Gonzalez: a master MIP chooses which
cells to withhold (binary ``y``); for each withheld cell an attacker LP (:mod:`flows.sdc.lp`) asks how far
the intruder must let it rise; when that is short of its protection level, LP duality gives a linear
inequality in ``y`` that every protecting pattern satisfies and the current one does not (a capacity cut),
and the master is solved again. It starts with the obvious cuts: a withheld cell never stands alone among
the published parts of a relation. When the master reaches the time limit, the best pattern found is used if
every attacker LP passes; otherwise the sequential heuristic (:mod:`flows.sdc.heuristic`) takes over. Either
way the result is checked here by the attacker LPs and later by the independent audit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import highspy
import numpy as np
from scipy.sparse import csr_matrix

from flows.sdc.heuristic import protect_sequentially
from flows.sdc.lp import TOL, Attacker, Cut, DeviationModel, new_highs, pass_lp
from flows.sdc.policy import SdcPolicy
from flows.sdc.rules import FIXED, HIDDEN, Requirements
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


def cell_costs(values: np.ndarray, objective: str) -> np.ndarray:
    """Information lost by withholding each cell; 'values' adds one per cell so zeros are never free."""
    return np.ones_like(values) if objective == "cells" else values + 1.0


def solve(system: System, req: Requirements, policy: SdcPolicy, start: Pattern | None = None) -> Pattern:
    """Exact when the system is small enough and the solver finishes in time; else the heuristic (whose
    every step is protective by construction). With ``start`` (a repair after the audit or the cumulative
    check raised requirements), the heuristic adds to that pattern. Either way the audit checks the result."""
    began = time.monotonic()
    cost = cell_costs(system.value_array(), policy.cost)
    model = DeviationModel.build(system, req)
    if start is not None:
        hidden = protect_sequentially(model, req, cost, start=start.hidden, system=system)
        return replace(
            start,
            hidden=hidden,
            cost=float(cost[hidden].sum()),
            method=start.method.removesuffix(" + repair") + " + repair",
        )
    if not (req.state == HIDDEN).any():
        return Pattern(req.state == HIDDEN, "none needed", 0.0, objective=policy.cost)
    bound = (0.0, "")
    if model.matrix.shape[1] <= policy.exact_max_cells:
        found, bound = _exact(model, req, cost, began + policy.time_limit_s, policy.mip_gap)
        if found is not None:
            return replace(found, cost=float(cost[found.hidden].sum()), objective=policy.cost)
    if not bound[1]:
        bound = (_relaxation_bound(model, req, cost), "LP relaxation of the master problem")
    hidden = protect_sequentially(model, req, cost, system=system)
    return Pattern(
        hidden,
        "heuristic",
        time.monotonic() - began,
        bound=bound[0],
        proof=bound[1],
        cost=float(cost[hidden].sum()),
        objective=policy.cost,
    )


def check_pattern(
    model: DeviationModel, req: Requirements, hidden: np.ndarray, attacker: Attacker | None = None
) -> list[tuple[int, Cut]]:
    """Every withheld cell that an intruder can pin below its protection level, with a cut for each."""
    attacker = attacker or Attacker(model)
    attacker.set_hidden(hidden)
    failures = []
    for i in np.flatnonzero(hidden):
        rise = attacker.max_rise(int(i))
        if rise < req.upl[i] - TOL:
            failures.append((int(i), attacker.cut(int(i), float(req.upl[i]))))
    return failures


def _exact(
    model: DeviationModel, req: Requirements, cost: np.ndarray, deadline: float, mip_gap: float
) -> tuple[Pattern | None, tuple[float, str]]:
    """The pattern (None: not found in time) and the best proven bound: every master problem is a relaxation
    (its cuts are valid for every protecting pattern), so its MIP dual bound is a lower bound."""
    n = model.matrix.shape[1]
    start = time.monotonic()
    master = _master(model, req, cost)
    master.setOptionValue("mip_rel_gap", float(mip_gap))
    attacker = Attacker(model)
    bound = (0.0, "")
    for iteration in range(1, 10_000):
        left = deadline - time.monotonic()
        if left <= 0:
            return None, bound
        master.setOptionValue("time_limit", float(left))
        master.run()
        status = master.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None, bound  # only when a sensitive cell sits among fixed cells; the heuristic says so
        found = float(master.getInfo().mip_dual_bound)
        if np.isfinite(found) and found > bound[0]:
            bound = (found, "MIP dual bound of the master problem (HiGHS)")
        solution = np.asarray(master.getSolution().col_value)
        if solution.size != n or master.getInfo().primal_solution_status != highspy.kSolutionStatusFeasible:
            return None, bound
        hidden = solution > 0.5
        failures = check_pattern(model, req, hidden, attacker)
        if not failures:
            optimal = status == highspy.HighsModelStatus.kOptimal
            return Pattern(
                hidden,
                "optimal" if optimal else "exact (time limit: best found)",
                time.monotonic() - start,
                iteration,
                *bound,
            ), bound
        if status != highspy.HighsModelStatus.kOptimal:
            return None, bound
        _add_cuts(master, [cut for _, cut in failures])
    return None, bound


def _relaxation_bound(model: DeviationModel, req: Requirements, cost: np.ndarray) -> float:
    """The master problem's LP relaxation: a lower bound when the MIP is not solved."""
    h = _master(model, req, cost)
    h.changeColsIntegrality(
        model.matrix.shape[1],
        np.arange(model.matrix.shape[1], dtype=np.int32),
        np.full(model.matrix.shape[1], highspy.HighsVarType.kContinuous),
    )
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return 0.0
    return float(h.getInfo().objective_function_value)


def _master(model: DeviationModel, req: Requirements, cost: np.ndarray) -> highspy.Highs:
    """min cost.y with y fixed for hidden and fixed cells, and 'no withheld cell alone in a relation'."""
    n = model.matrix.shape[1]
    rows, cols, vals = [], [], []
    r = 0
    equations = model.matrix[np.flatnonzero(model.row_lower == model.row_upper)]
    for k in range(equations.shape[0]):
        members = [
            j
            for j in equations.indices[equations.indptr[k] : equations.indptr[k + 1]]
            if req.state[j] != FIXED
        ]
        for i in members:
            rows += [r] * len(members)
            cols += members
            vals += [-1.0 if j == i else 1.0 for j in members]
            r += 1
    matrix = csr_matrix((vals, (rows, cols)), shape=(r, n), dtype=np.float64)
    lower = (req.state == HIDDEN).astype(np.float64)
    upper = (req.state != FIXED).astype(np.float64)
    h = new_highs()
    pass_lp(h, cost.astype(np.float64), lower, upper, matrix, np.zeros(r), np.full(r, np.inf))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger))
    return h


def _add_cuts(master: highspy.Highs, cuts: list[Cut]) -> None:
    for cut in cuts:
        coef = cut.coef.copy()
        coef[cut.target] -= cut.need
        idx = np.flatnonzero(np.abs(coef) > 1e-9).astype(np.int32)
        master.addRow(-cut.constant, highspy.kHighsInf, idx.size, idx, coef[idx])
