"""The fallback suppressor: protect one cell at a time with a cheapest-deviation LP.

For a withheld cell ``s`` that an intruder could pin too tightly, find the cheapest way the table could move
(``x = a + p - q``, every relation kept, ``p_s`` at least the protection level) where moving a cell that is
already withheld costs nothing and moving a published one costs its information loss; then withhold every
cell that moved. After that, the intruder must allow exactly that movement, so ``s`` is protected, and
withholding more later never undoes it. Newly withheld cells join the queue: they may not be recoverable
exactly either. This is the classic sequential heuristic (Kelly, Golden and Assad): not optimal, but it
always terminates, and like every pattern it is then checked by the independent audit before release.
"""

from __future__ import annotations

from collections import deque

import highspy
import numpy as np
from scipy.sparse import hstack

from flows.sdc.lp import DeviationModel, new_highs, pass_lp
from flows.sdc.rules import FIXED, HIDDEN, Requirements

EPS = 1e-7


class CannotProtect(RuntimeError):
    """No pattern of withheld cells protects this cell (every path to it runs through fixed cells)."""


def protect_sequentially(model: DeviationModel, req: Requirements, cost: np.ndarray,
                         start: np.ndarray | None = None) -> np.ndarray:
    """Withheld cells (bool per variable), starting from the sensitive ones (and ``start`` if given).

    Only costs and upper bounds change between solves (the target's rise is capped at its protection level
    and rewarded, and its fall penalised, rather than forced), so every re-solve starts from a primal
    feasible basis.
    """
    n = model.matrix.shape[1]
    hidden = (req.state == HIDDEN) | (start if start is not None else np.zeros(n, dtype=bool))
    movable = req.state != FIXED
    up_cap = np.where(movable, model.cap, 0.0)
    down_cap = np.where(movable, model.down, 0.0)
    col_cost = np.concatenate([np.where(hidden, 0.0, cost), np.where(hidden, 0.0, cost)])
    reward = float(cost.sum() + 1.0) * 2  # more than any pattern can cost: rising is always worth it
    h = new_highs()
    h.setOptionValue("simplex_strategy", 4)  # primal: the basis stays feasible between solves
    pass_lp(h, col_cost, np.zeros(2 * n), np.concatenate([up_cap, down_cap]),
            hstack([model.matrix, -model.matrix], format="csr"), model.row_lower, model.row_upper)
    order = sorted(np.flatnonzero(hidden), key=lambda i: -req.upl[i])
    queue, queued = deque(order), set(order)
    while queue:
        s = queue.popleft()
        need = float(req.upl[s])
        h.changeColBounds(int(s), 0.0, need)
        h.changeColsCost(2, np.array([s, n + s], dtype=np.int32), np.array([-reward, reward]))
        h.run()
        status = h.getModelStatus()
        moved = np.asarray(h.getSolution().col_value)
        h.changeColsCost(2, np.array([s, n + s], dtype=np.int32), np.zeros(2))
        h.changeColBounds(int(s), 0.0, float(up_cap[s]))
        if status != highspy.HighsModelStatus.kOptimal or moved[s] - moved[n + s] < need - EPS:
            raise CannotProtect(f"cell {s} cannot rise by {need:g} ({h.modelStatusToString(status)})")
        new = np.flatnonzero(((moved[:n] > EPS) | (moved[n:] > EPS)) & ~hidden)
        if new.size:
            hidden[new] = True
            idx = np.concatenate([new, new + n]).astype(np.int32)
            h.changeColsCost(idx.size, idx, np.zeros(idx.size))
            for j in new:
                if j not in queued:
                    queue.append(int(j))
                    queued.add(int(j))
    return hidden
