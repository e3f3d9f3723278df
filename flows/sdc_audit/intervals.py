"""The least and greatest value an intruder can prove for each withheld cell, by LP or by integer programming.

Every solve returns a whole table of values that fits everything published, so each solve also shows, for
every other cell, values it can take. A cell whose sampled values already span an interval wide enough to
pass needs no solve of its own (its true interval contains the sample range); every other cell is solved
exactly, both ways. The integer version matters because an intruder knows counts are whole numbers: LP
bounds are only a relaxation.
"""

from __future__ import annotations

from collections.abc import Callable

import highspy
import numpy as np
from scipy.sparse import csr_matrix

from flows.sdc_audit.knowledge import Knowledge

INF = highspy.kHighsInf


class Inconsistent(ValueError):
    """The published figures cannot all be true under the stated rules (the audit cannot vouch for them)."""


def _model(know: Knowledge, integer: bool) -> highspy.Highs:
    n, m = len(know.lower), len(know.equations)
    rows, cols, vals = [], [], []
    for r, (vars_, coefs, _, _) in enumerate(know.equations):
        rows += [r] * len(vars_)
        cols += vars_
        vals += coefs
    a = csr_matrix((vals, (rows, cols)), shape=(m, n), dtype=np.float64)
    a.sum_duplicates()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = np.asarray(know.lower, dtype=np.float64)
    lp.col_upper_ = np.where(np.isinf(know.upper), INF, know.upper).astype(np.float64)
    lp.row_lower_ = np.array([-INF if np.isinf(e[2]) else e[2] for e in know.equations], dtype=np.float64)
    lp.row_upper_ = np.array([INF if np.isinf(e[3]) else e[3] for e in know.equations], dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_, lp.a_matrix_.index_ = a.indptr.astype(np.int32), a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    if integer:
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger))
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", 1e-6)
    return h


def intervals(know: Knowledge, cells: list[int], integer: bool,
              wide_enough: Callable[[int, float, float], bool]) -> dict[int, tuple[float, float]]:
    """Interval per cell in ``cells``: exact where solved, the sampled range where that already passes."""
    h = _model(know, integer)
    h.run()
    seen_lo, seen_hi = _point(h, None, len(know.lower))
    out: dict[int, tuple[float, float]] = {}
    target = None
    for i in cells:
        if wide_enough(i, seen_lo[i], seen_hi[i]):
            out[i] = (float(seen_lo[i]), float(seen_hi[i]))
            continue
        bounds = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            if target is not None:
                h.changeColCost(target, 0.0)
            h.changeColCost(i, 1.0)
            target = i
            h.changeObjectiveSense(sense)
            h.run()
            if h.getModelStatus() in (highspy.HighsModelStatus.kUnbounded,
                                      highspy.HighsModelStatus.kUnboundedOrInfeasible) and bounds:
                bounds.append(float("inf"))
                continue
            lo, hi = _point(h, i, len(know.lower))
            seen_lo, seen_hi = np.minimum(seen_lo, lo), np.maximum(seen_hi, hi)
            value = float(h.getInfo().objective_function_value)
            bounds.append(float(round(value)) if integer else value)
        out[i] = (bounds[0], bounds[1])
    return out


def _point(h: highspy.Highs, cell: int | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    status = h.getModelStatus()
    if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kModelEmpty):
        what = "no values fit" if cell is None else f"solving for cell {cell} failed"
        raise Inconsistent(f"{what}: {h.modelStatusToString(status)}")
    x = np.asarray(h.getSolution().col_value, dtype=np.float64)
    if x.size != n:
        x = np.zeros(n) if n == 0 else x
    return x.copy(), x.copy()
