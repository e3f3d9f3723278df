"""Brute-force intervals for tiny tables, by enumerating whole numbers for every withheld inner cell.

Independent of the audit and the suppressor: it knows only the inner cells and that every margin is the sum
of the inner cells below it. Every assignment that reproduces the published figures (and keeps withheld cells
at 1 or more where zeros are published) is a table the intruder cannot rule out.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
from audit_helpers import all_cells


def brute_intervals(
    dims: Sequence[tuple[str, Sequence[str], str | None]],
    inner: Mapping[tuple[str, ...], int],
    hidden: set[tuple[str, ...]],
    zeros_published: bool,
    cap: int,
    parents: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[tuple[str, ...], tuple[int, int]]:
    """(least, greatest) for each hidden cell over all whole-number inner tables with values <= cap."""
    cells = all_cells(dims, parents)
    leaves = sorted(inner)
    free = [leaf for leaf in leaves if leaf in hidden]
    least = 1 if zeros_published else 0
    grids = np.meshgrid(*[np.arange(least, cap + 1)] * len(free), indexing="ij") if free else []
    shape = grids[0].shape if free else ()
    values = {
        leaf: (grids[free.index(leaf)] if leaf in free else np.full(shape, inner[leaf])) for leaf in leaves
    }
    ok = np.ones(shape, dtype=bool)
    totals = {}
    for cell, below in cells.items():
        totals[cell] = sum((values[leaf] for leaf in below), np.zeros(shape, dtype=np.int64))
        true = sum(inner[leaf] for leaf in below)
        if cell in hidden:
            ok &= totals[cell] >= least
        else:
            ok &= totals[cell] == true
    out = {}
    for cell in hidden:
        feasible = totals[cell][ok]
        out[cell] = (int(feasible.min()), int(feasible.max()))
    return out


def every_pattern(cells: Sequence[tuple[str, ...]], size: int) -> list[set[tuple[str, ...]]]:
    return [set(c) for c in itertools.combinations(cells, size)]
