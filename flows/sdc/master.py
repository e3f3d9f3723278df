"""The master problem: which cells to withhold (binary ``y``), at least cost, subject to cuts that every
protecting pattern satisfies.

It starts with one capacity cut per withheld-or-withholdable cell and relation: if cell ``a`` must be able to
rise by ``u``, the other cells of each relation it is in must be able to make room, the margin by rising (any
amount) and a sibling by falling (only as far as the intruder allows: a ``[c]`` is known to be at least 1 when
zeros are published, so a withheld 1 cannot fall at all). So ``sum_b min(room_b, u) y_b >= u y_a``: a
knapsack-strengthened form of "never alone in a relation" that also chooses partners that can move. On the
benchmark tables these cuts alone give the optimum bound on most instances. They are written through one
continuous "room" variable per relation and protection level, so a relation of ``m`` cells costs ``O(m)``
non-zeros rather than ``O(m^2)``. Capacity cuts from the intruder's LP (:mod:`flows.sdc.check`) are added
when a pattern still fails, with their coefficients clipped at the right-hand side (valid for 0/1 ``y``, and
much stronger than the raw duality cut).
"""

from __future__ import annotations

import highspy
import numpy as np
from scipy.sparse import csr_matrix

from flows.sdc.lp import Cut, DeviationModel, new_highs, pass_lp
from flows.sdc.rules import FIXED, HIDDEN, Requirements


class Master:
    def __init__(
        self, model: DeviationModel, req: Requirements, cost: np.ndarray, integer: bool = True
    ) -> None:
        self.n, self.integer = model.matrix.shape[1], integer
        matrix, lower, upper, rooms = _relation_cuts(model, req)
        self.h = new_highs()
        pass_lp(
            self.h,
            np.concatenate([cost, np.zeros(rooms)]),
            np.concatenate([(req.state == HIDDEN).astype(np.float64), np.zeros(rooms)]),
            np.concatenate([(req.state != FIXED).astype(np.float64), np.full(rooms, np.inf)]),
            matrix,
            lower,
            upper,
        )
        if integer:
            self.h.changeColsIntegrality(
                self.n, np.arange(self.n, dtype=np.int32), np.full(self.n, highspy.HighsVarType.kInteger)
            )
        self.enough = np.inf  # a bound at which the caller stops anyway: the MIP is interrupted there
        self.h.cbMipInterrupt.subscribe(self._interrupt)

    def _interrupt(self, event) -> None:
        if event.data_out.mip_dual_bound >= self.enough:
            event.data_in.user_interrupt = True

    def solve(self, time_limit: float, gap: float) -> tuple[np.ndarray | None, float, bool]:
        """(pattern or None if none found, proven lower bound, proven optimal within ``gap``). The MIP stops
        early once its bound reaches ``enough``: its pattern is then the best found so far."""
        self.h.setOptionValue("time_limit", max(float(time_limit), 0.01))
        self.h.setOptionValue("mip_rel_gap", float(gap))
        self.h.run()
        status, info = self.h.getModelStatus(), self.h.getInfo()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None, np.inf, False
        found = info.primal_solution_status == highspy.kSolutionStatusFeasible
        pattern = np.asarray(self.h.getSolution().col_value)[: self.n] > 0.5 if found else None
        if self.integer:
            bound = float(info.mip_dual_bound)
        else:  # the relaxation: its optimum is the bound (HiGHS reports a MIP dual bound of 0 for an LP)
            optimal = status == highspy.HighsModelStatus.kOptimal
            bound = float(info.objective_function_value) if optimal else 0.0
        return pattern, bound, status == highspy.HighsModelStatus.kOptimal

    def start_from(self, pattern: np.ndarray) -> None:
        """A protecting pattern as the MIP's incumbent (every cut holds for it), so it prunes from the start;
        HiGHS completes the room variables."""
        self.h.setSolution(self.n, np.arange(self.n, dtype=np.int32), pattern.astype(np.float64))

    def add(self, cuts: list[Cut]) -> None:
        for cut in cuts:
            coef = cut.coef.copy()
            t = cut.target
            need = (
                cut.need - coef[t] - cut.constant
            )  # what the other cells must make room for when t is withheld
            coef[t] = 0.0
            if cut.constant >= 0 and need <= 0:
                continue  # nothing to ask of the other cells
            if cut.constant >= 0:  # then the cut reads sum coef y >= need * y_t: clip at need (0/1 y)
                coef = np.minimum(coef, need)
            idx = np.flatnonzero(coef > 1e-9).astype(np.int32)
            if cut.constant >= 0:
                cols, vals, lower = np.append(idx, t).astype(np.int32), np.append(coef[idx], -need), 0.0
            else:
                cols, vals, lower = (
                    np.append(idx, t).astype(np.int32),
                    np.append(coef[idx], cut.coef[t] - cut.need),
                    -cut.constant,
                )
            self.h.addRow(lower, highspy.kHighsInf, cols.size, cols, vals)


def _relation_cuts(
    model: DeviationModel, req: Requirements
) -> tuple[csr_matrix, np.ndarray, np.ndarray, int]:
    """Rows ``room - sum_b c_b y_b = 0`` per (relation, level, side) and ``room - (u + c_a) y_a >= 0`` per cell
    ``a`` of that group (``room`` counts ``a`` itself, so ``c_a`` is added back). Columns: y, then rooms."""
    n = model.matrix.shape[1]
    equations = model.matrix[np.flatnonzero(model.row_lower == model.row_upper)].tocsr()
    rows, cols, vals, upper = [], [], [], []  # every row's lower side is 0
    rooms = 0
    for k in range(equations.shape[0]):
        members = equations.indices[equations.indptr[k] : equations.indptr[k + 1]]
        signs = np.sign(equations.data[equations.indptr[k] : equations.indptr[k + 1]])
        keep = req.state[members] != FIXED
        members, signs = members[keep], signs[keep]
        groups: dict[tuple[float, float], list[int]] = {}
        for a, sign in zip(members, signs, strict=True):
            groups.setdefault((float(req.upl[a]), float(sign)), []).append(int(a))
        for (u, sign), cells in groups.items():
            rises = sign * signs < 0  # when a rises, these must rise too (the margin), the rest must fall
            room = np.where(rises, u, np.minimum(model.down[members], u))
            r, col = len(upper), n + rooms
            rooms += 1
            rows += [r] * (members.size + 1)
            cols += [col, *members.tolist()]
            vals += [1.0, *(-room).tolist()]
            upper.append(0.0)
            own = dict(zip(members.tolist(), room.tolist(), strict=True))
            for a in cells:
                rows += [len(upper)] * 2
                cols += [col, a]
                vals += [1.0, -(u + own[a])]
                upper.append(np.inf)
    matrix = csr_matrix((vals, (rows, cols)), shape=(len(upper), n + rooms), dtype=np.float64)
    matrix.sum_duplicates()
    return matrix, np.zeros(len(upper)), np.asarray(upper), rooms
