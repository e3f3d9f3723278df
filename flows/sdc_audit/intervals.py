"""The least and greatest value an intruder can prove for each withheld cell, by LP or by integer programming.

Published values are constants, so only cells not fixed by what is shown are unknowns; each equation keeps
those terms and moves the rest to its bounds. Every solve returns a whole table of values that fits everything
published, so it also shows values every other cell can take. A cell whose sampled values already span an
interval that passes needs no solve of its own (its true interval contains the sampled range); every other
cell is solved for its greatest value, and for its least unless the values seen already pass. The integer
version matters because an intruder knows counts are whole numbers: LP bounds are only a relaxation; each
integer solve runs the LP first and keeps its optimum when every value is whole (it is then the integer optimum),
as it usually is for tables of sums.
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


def _model(know: Knowledge, unknown: np.ndarray, integer: bool) -> highspy.Highs:
    lower, upper = np.asarray(know.lower, dtype=np.float64), np.asarray(know.upper, dtype=np.float64)
    column = {int(v): c for c, v in enumerate(unknown)}
    rows, cols, vals, row_lo, row_hi = [], [], [], [], []
    for vars_, coefs, lo, hi in know.equations:
        known = sum(c * lower[v] for v, c in zip(vars_, coefs, strict=True) if int(v) not in column)
        terms = [(column[int(v)], c) for v, c in zip(vars_, coefs, strict=True) if int(v) in column]
        if not terms:
            if not lo - 1e-6 <= known <= hi + 1e-6:
                raise Inconsistent(f"published figures break an equation by {known:g}")
            continue
        r = len(row_lo)
        rows += [r] * len(terms)
        cols += [c for c, _ in terms]
        vals += [x for _, x in terms]
        row_lo.append(-INF if np.isinf(lo) else lo - known)
        row_hi.append(INF if np.isinf(hi) else hi - known)
    n, m = unknown.size, len(row_lo)
    a = csr_matrix((vals, (rows, cols)), shape=(m, n), dtype=np.float64)
    a.sum_duplicates()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = lower[unknown]
    lp.col_upper_ = np.where(np.isinf(upper[unknown]), INF, upper[unknown])
    lp.row_lower_, lp.row_upper_ = np.asarray(row_lo, dtype=np.float64), np.asarray(row_hi, dtype=np.float64)
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


def intervals(
    know: Knowledge, cells: list[int], integer: bool, wide_enough: Callable[[int, float, float], bool]
) -> dict[int, tuple[float, float]]:
    """Interval per cell in ``cells``: exact where solved, the sampled range where that already passes."""
    fixed = np.asarray(know.lower) == np.asarray(know.upper)
    unknown = np.asarray(sorted(set(cells) | set(np.flatnonzero(~fixed).tolist())), dtype=np.int64)
    if unknown.size == 0:
        return {}
    lp = _model(know, unknown, False)
    mip = _model(know, unknown, True) if integer else None
    lp.setOptionValue("presolve", "on")  # the first solve starts from nothing: presolve makes it 5x faster
    col = {int(v): c for c, v in enumerate(unknown)}
    seen_lo, seen_hi = np.full(unknown.size, np.inf), np.full(unknown.size, -np.inf)
    every = np.arange(unknown.size, dtype=np.int32)

    def run(h: highspy.Highs, cost: np.ndarray, sense: highspy.ObjSense) -> highspy.HighsModelStatus:
        h.changeColsCost(unknown.size, every, cost)
        h.changeObjectiveSense(sense)
        h.run()
        return h.getModelStatus()

    def solve(cost: np.ndarray, sense: highspy.ObjSense) -> float | None:
        nonlocal seen_lo, seen_hi
        h, status = lp, run(lp, cost, sense)
        lp.setOptionValue("presolve", "off")  # later solves change only the objective: primal simplex
        lp.setOptionValue("simplex_strategy", 4)  # restarts from the last basis
        if mip is not None and not _integral(lp, status):  # an integral LP optimum is the integer optimum
            h, status = mip, run(mip, cost, sense)
        if (
            status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)
            and sense == highspy.ObjSense.kMaximize
        ):
            return None  # unbounded above (the first solve, a minimisation, has shown values fit)
        if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kModelEmpty):
            raise Inconsistent(f"no values fit the published figures ({h.modelStatusToString(status)})")
        x = np.asarray(h.getSolution().col_value, dtype=np.float64)
        if h is lp and mip is not None:
            x = np.round(x)
        seen_lo, seen_hi = np.minimum(seen_lo, x), np.maximum(seen_hi, x)
        return float(h.getInfo().objective_function_value)

    solve(np.zeros(unknown.size), highspy.ObjSense.kMinimize)
    out: dict[int, tuple[float, float]] = {}
    for i in cells:
        c = col[i]
        if wide_enough(i, seen_lo[c], seen_hi[c]):
            out[i] = (float(seen_lo[c]), float(seen_hi[c]))
            continue
        unit = np.zeros(unknown.size)
        unit[c] = 1.0
        hi = solve(unit, highspy.ObjSense.kMaximize)
        hi = float("inf") if hi is None else hi
        if wide_enough(i, seen_lo[c], hi):  # the least value seen is already far enough below
            out[i] = (float(seen_lo[c]), float(round(hi)) if integer and np.isfinite(hi) else hi)
            continue
        lo = float(solve(unit, highspy.ObjSense.kMinimize))
        out[i] = (
            (float(round(lo)), float(round(hi)))
            if integer and np.isfinite(hi)
            else ((float(round(lo)), hi) if integer else (lo, hi))
        )
    return out


def _integral(h: highspy.Highs, status: highspy.HighsModelStatus) -> bool:
    """An optimal LP solution whose every value is whole: a feasible integer point, so it is also the
    integer programme's optimum (no MIP solve, ~3 ms each even on a small table, is needed)."""
    if status != highspy.HighsModelStatus.kOptimal:
        return False
    x = np.asarray(h.getSolution().col_value, dtype=np.float64)
    return bool(np.all(np.abs(x - np.round(x)) <= 1e-9))
