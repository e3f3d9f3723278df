"""Protecting a table again: start from the cells its previous version withheld.

A standing period is re-drafted when late records change a few of its counts, and exact suppression of a
ten-year table takes minutes. Most of the time the previous pattern still protects the new figures: the
sensitive cells are the same and the published totals moved a little. So the previous version's withheld
cells (matched by table, labels and measure), plus any cell that is sensitive now, are checked exactly
against the new values (:func:`flows.sdc.check.failures`, the same check the exact loop uses); a cell the
check finds exposed is repaired (:func:`flows.sdc.heuristic.repair`). The result is kept only when it is
proven within ``policy.reuse_max_gap`` of the least loss for the new figures: it is the exact loop's first
incumbent, and the loop (master, check, cuts) stops as soon as its proven bound is that close, so the gap
the manifest states is true; a cheaper protecting pattern the loop finds replaces it. Whatever is returned
still goes through the audit and the cumulative check like any other.

Keeping a pattern is also what a reader of successive versions expects: a figure withheld last month and
published this month, with nothing else changed, invites differencing the two versions.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from flows.contracts.tidy import TidyTable
from flows.sdc.check import failures
from flows.sdc.heuristic import repair
from flows.sdc.lp import DeviationModel
from flows.sdc.rules import FIXED, HIDDEN, Requirements
from flows.sdc.system import CellRef, System

#: a withheld cell of an earlier version: (table, ((dimension, label), ...), measure)
Withheld = tuple[str, tuple[tuple[str, str], ...], str]


def previous_pattern(
    system: System, tables: Sequence[TidyTable], withheld: Collection[Withheld]
) -> np.ndarray:
    """The variables of ``tables`` that were withheld before (bool per variable); cells the earlier version
    did not have, or no longer in the tables, are simply not matched."""
    wanted: dict[str, set[tuple[frozenset, str]]] = {}
    for name, labels, measure in withheld:
        wanted.setdefault(name, set()).add((frozenset(labels), measure))
    hidden = np.zeros(system.size, dtype=bool)
    for t, table in enumerate(tables):
        cells = wanted.get(table.name)
        if not cells:
            continue
        measures = {m for _, m in cells}
        dims = table.dimension_names
        for r, row in enumerate(table.frame.select(dims).rows()):
            labels = frozenset((d, str(v)) for d, v in zip(dims, row, strict=True))
            for measure in measures:
                var = system.var_of.get(CellRef(t, r, measure))
                if var is not None and (labels, measure) in cells:
                    hidden[var] = True
    return hidden


def start_from(
    model: DeviationModel, req: Requirements, cost: np.ndarray, previous: np.ndarray
) -> tuple[np.ndarray, str]:
    """(a protecting pattern, how it was found): the previous pattern with today's sensitive cells, checked
    exactly against today's values and, where a cell is exposed, repaired."""
    pattern = (previous & (req.state != FIXED)) | (req.state == HIDDEN)
    cuts = failures(model, req, pattern)
    if not cuts:
        return pattern, "previous pattern, re-checked"
    return repair(model, req, cost, pattern, [c.target for c in cuts]), "previous pattern, repaired"
