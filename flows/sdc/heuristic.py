"""The fallback suppressor: protect one cell at a time with a cheapest-movement LP.

For a withheld cell ``s`` that an intruder could pin too tightly, find the cheapest way the table could move
(``x = a + p - q``, every relation kept, ``p_s`` at least the protection level) where moving a cell that is
already withheld costs nothing and moving a published one costs its information loss; then withhold every
cell that moved. After that, the intruder must allow exactly that movement, so ``s`` is protected, and
withholding more later never undoes it. Newly withheld cells join the queue: they may not be recoverable
exactly either. This is the classic sequential heuristic (Kelly, Golden and Assad). Each LP is solved over a
small neighbourhood of ``s`` (:mod:`flows.sdc.neighbourhood`), widening to the whole system only when the
neighbourhood has no way to move; every pattern is then checked by the independent audit before release.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import highspy
import numpy as np
from scipy.sparse import hstack

from flows.sdc.lp import DeviationModel, new_highs, pass_lp
from flows.sdc.neighbourhood import Neighbourhoods
from flows.sdc.rules import FIXED, HIDDEN, Requirements

EPS = 1e-7
WIDTHS = (6, 15)  # siblings per dimension in the local LPs before the whole system is used


class CannotProtect(RuntimeError):
    """No pattern of withheld cells protects this cell (every path to it runs through fixed cells)."""


def protect_sequentially(
    model: DeviationModel,
    req: Requirements,
    cost: np.ndarray,
    start: np.ndarray | None = None,
    system: object | None = None,
    only: Sequence[int] | None = None,
) -> np.ndarray:
    """Withheld cells (bool per variable), starting from the sensitive ones (and ``start`` if given). With
    ``only``, just those cells (and any this withholds) are protected: the rest are known protected already.
    Without ``system`` every LP is over the whole system."""
    n = model.matrix.shape[1]
    hidden = (req.state == HIDDEN) | (start if start is not None else np.zeros(n, dtype=bool))
    movable = req.state != FIXED
    columns = model.matrix.tocsc()
    near = Neighbourhoods(system) if system is not None else None
    order = sorted(np.flatnonzero(hidden) if only is None else only, key=lambda i: -req.upl[i])
    queue, queued = deque(order), set(order)
    while queue:
        s = queue.popleft()
        score = np.where(hidden, 0.0, np.where(movable, cost, np.inf))
        moved = None
        for width in WIDTHS if near is not None else ():
            moved = _movement(
                model, columns, near.around(s, score, width), s, req.upl[s], hidden, movable, cost
            )
            if moved is not None:
                break
        if moved is None:
            moved = _movement(model, columns, np.arange(n), s, req.upl[s], hidden, movable, cost)
        if moved is None:
            raise CannotProtect(f"cell {s} cannot rise by {req.upl[s]:g}: every way runs through fixed cells")
        for j in moved[~hidden[moved]]:
            hidden[j] = True
            if j not in queued:
                queue.append(int(j))
                queued.add(int(j))
    return hidden


def repair(
    model: DeviationModel, req: Requirements, cost: np.ndarray, pattern: np.ndarray, failing: Sequence[int]
) -> np.ndarray:
    """Complete a pattern the check found failing at ``failing``: each such cell's cheapest way to move, over
    the whole system, so the cells already withheld anywhere count as free room. Withholding more never
    unprotects a cell, so the cells the check proved stay protected. Far cheaper than protecting every cell
    again locally (on the tiny standing table, 1,254 cells: within 2% of the bound, against 25%)."""
    return protect_sequentially(model, req, cost, start=pattern, only=failing)


def _movement(
    model: DeviationModel,
    columns,
    cells: np.ndarray,
    s: int,
    need: float,
    hidden: np.ndarray,
    movable: np.ndarray,
    cost: np.ndarray,
) -> np.ndarray | None:
    """Cells that move in the cheapest movement raising ``s`` by ``need`` using only ``cells``; None if none."""
    rows = np.unique(
        np.concatenate([columns.indices[columns.indptr[c] : columns.indptr[c + 1]] for c in cells])
    )
    sub = model.matrix[rows][:, cells] if rows.size else model.matrix[:0][:, cells]
    k = cells.size
    price = np.where(hidden[cells], 0.0, cost[cells])
    up = np.where(movable[cells], model.cap, 0.0)
    down = np.where(movable[cells], model.down[cells], 0.0)
    at = int(np.flatnonzero(cells == s)[0])
    lo = np.zeros(2 * k)
    hi = np.concatenate([up, down])
    lo[at], hi[at] = need, max(need, up[at])
    hi[k + at] = 0.0
    h = new_highs(presolve="off")  # tiny LPs: presolve costs more than it saves
    pass_lp(
        h,
        np.concatenate([price, price]),
        lo,
        hi,
        hstack([sub, -sub], format="csr"),
        model.row_lower[rows],
        model.row_upper[rows],
    )
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    x = np.asarray(h.getSolution().col_value)
    return cells[(x[:k] > EPS) | (x[k:] > EPS)]
