"""The intruder's linear programme, in deviations from the true values, on HiGHS.

An intruder who sees a pattern of withheld cells knows every published value and the relations between
cells. Writing ``x = a + d`` (``a`` the true values), a withheld cell may move by ``d_i`` in
``[-(a_i - lower_i), cap]`` and a published one not at all; every relation must still hold. The largest
``d_s`` is how far above the truth the intruder must allow cell ``s`` to be. ``cap`` bounds upward moves: a
capped intruder knows *more* than a real one, so protection proved against it holds for the real one.

One HiGHS instance is kept per pattern and re-solved with a new objective, so each solve starts from the last
basis (hot start).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from scipy.sparse import csr_matrix

from flows.sdc.rules import Requirements
from flows.sdc.system import System

INF = highspy.kHighsInf
TOL = 1e-6
IPM_ABOVE = 5000  # withheld cells: larger intruder LPs are solved by interior point (with crossover)


@dataclass(frozen=True)
class DeviationModel:
    """The relations as a sparse matrix with right-hand sides shifted to deviation space."""

    matrix: csr_matrix  # relations x variables
    row_lower: np.ndarray  # lower - A a  (0 for equations)
    row_upper: np.ndarray
    down: np.ndarray  # how far each cell may fall if withheld: a - lower
    cap: float  # how far any cell may rise if withheld

    @classmethod
    def build(cls, system: System, req: Requirements) -> DeviationModel:
        rows, cols, vals = [], [], []
        lo, hi = [], []
        for r, rel in enumerate(system.relations):
            rows += [r] * len(rel.vars)
            cols += list(rel.vars)
            vals += list(rel.coefs)
            lo.append(rel.lower)
            hi.append(rel.upper)
        n, m = system.size, len(system.relations)
        matrix = csr_matrix((vals, (rows, cols)), shape=(m, n), dtype=np.float64)
        matrix.sum_duplicates()
        at = matrix @ system.value_array() if m else np.zeros(0)
        down = np.maximum(system.value_array() - req.lower, 0.0)
        cap = float(8 * max(req.upl.max(initial=1.0), 1.0) + 8)
        return cls(matrix, np.asarray(lo) - at, np.asarray(hi) - at, down, cap)


def new_highs(**options: object) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for name, value in options.items():
        h.setOptionValue(name, value)
    return h


def pass_lp(
    h: highspy.Highs,
    cost: np.ndarray,
    col_lo: np.ndarray,
    col_hi: np.ndarray,
    matrix: csr_matrix,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    maximise: bool = False,
) -> None:
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = matrix.shape[1], matrix.shape[0]
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, col_lo, col_hi
    lp.row_lower_ = np.where(np.isinf(row_lo), -INF, row_lo)
    lp.row_upper_ = np.where(np.isinf(row_hi), INF, row_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    h.passModel(lp)


@dataclass(frozen=True)
class Cut:
    """sum(coef * y) - need * y[target] >= -constant: valid for every pattern y (LP duality)."""

    target: int
    coef: np.ndarray
    need: float
    constant: float


class Attacker:
    """The intruder's LP for one pattern: only withheld cells move (published ones are known), in deviations
    bounded below by what the intruder knows of each cell and above by ``cap``."""

    def __init__(self, model: DeviationModel, hidden: np.ndarray) -> None:
        self.model = model
        self.cells = np.flatnonzero(hidden)
        # objective-only changes: primal simplex restarts from the last basis; past a few thousand withheld cells
        # each new objective costs it more than a fresh interior-point solve with crossover (large table: 18 s
        # against 136 s of CPU for the whole check)
        hot = self.cells.size <= IPM_ABOVE
        self.h = new_highs(presolve="off", simplex_strategy=4) if hot else new_highs(solver="ipm")
        pass_lp(
            self.h,
            np.zeros(self.cells.size),
            -model.down[self.cells],
            np.full(self.cells.size, model.cap),
            model.matrix[:, self.cells].tocsr(),
            model.row_lower,
            model.row_upper,
            maximise=True,
        )
        self._transposed: csr_matrix | None = None

    def movement(self, weights: np.ndarray) -> np.ndarray:
        """The movement (deviation of every cell) that maximises ``weights . d``; +inf where unbounded."""
        self.h.changeColsCost(
            self.cells.size, np.arange(self.cells.size, dtype=np.int32), weights[self.cells]
        )
        self.h.run()
        status = self.h.getModelStatus()
        d = np.zeros(self.model.matrix.shape[1])
        if status == highspy.HighsModelStatus.kUnbounded:
            d[self.cells[weights[self.cells] > 0]] = INF
            return d
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"attacker LP: {self.h.modelStatusToString(status)}")
        d[self.cells] = np.asarray(self.h.getSolution().col_value)
        return d

    def max_rise(self, i: int) -> float:
        """The largest deviation above the true value an intruder must allow for withheld cell ``i``."""
        unit = np.zeros(self.model.matrix.shape[1])
        unit[i] = 1.0
        return float(self.movement(unit)[i])

    def cut(self, i: int, need: float) -> Cut:
        """A capacity cut for cell ``i`` from the duals of :meth:`max_rise` (call right after it). Any dual
        values give a valid cut (weak duality), so duals of this LP over withheld cells serve every cell."""
        m = self.model
        if self._transposed is None:
            self._transposed = m.matrix.T.tocsr()
        lam = np.asarray(self.h.getSolution().row_dual, dtype=np.float64)
        lam = np.where(np.isinf(m.row_upper) & (lam > 0), 0.0, lam)
        lam = np.where(np.isinf(m.row_lower) & (lam < 0), 0.0, lam)
        c = np.zeros(m.matrix.shape[1])
        c[i] = 1.0
        r = c - self._transposed @ lam
        coef = np.maximum(r, 0.0) * m.cap + np.maximum(-r, 0.0) * m.down
        ub = np.where(lam > 0, m.row_upper, m.row_lower)
        constant = float(np.dot(lam[lam != 0], ub[lam != 0])) if lam.size else 0.0
        return Cut(i, coef, need, constant)
