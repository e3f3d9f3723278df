"""Check a pattern: can the intruder's LP pin any withheld cell below its protection level?

Asking the LP once per withheld cell is exact but slow (a large table has 16,000 withheld cells). Every answer
is a movement of the table that the published figures allow, so it proves more than it was asked: every
withheld cell it raises by its protection level is protected too. So each solve maximises the cell asked
about plus a small reward for raising every cell not yet proved, and a movement typically proves hundreds of
cells at once (a medium table needs about 25 solves instead of 350). Only when the asked cell falls short is
it asked again on its own: if the exact answer still falls short, LP duality gives a capacity cut that every
protecting pattern satisfies and this one does not.
"""

from __future__ import annotations

import numpy as np

from flows.sdc.lp import TOL, Attacker, Cut, DeviationModel
from flows.sdc.rules import Requirements

REWARD = 0.01  # weight of raising the cells not yet proved, beside 1 for the cell asked about


def failures(model: DeviationModel, req: Requirements, hidden: np.ndarray) -> list[Cut]:
    """A cut for every withheld cell the intruder can pin below its protection level (none: protective)."""
    attacker, proved, cuts = Attacker(model, hidden), ~hidden, []
    for i in sorted(np.flatnonzero(hidden), key=lambda j: -req.upl[j]):
        if proved[i]:
            continue
        weights = np.where(proved, 0.0, REWARD / np.maximum(req.upl, 1.0))
        weights[i] = 1.0
        moved = attacker.movement(weights)
        proved |= hidden & (moved >= req.upl - TOL)
        if proved[i]:
            continue
        if attacker.max_rise(int(i)) < req.upl[i] - TOL:
            cuts.append(attacker.cut(int(i), float(req.upl[i])))
        proved[i] = True  # asked exactly: protected, or cut
    return cuts
