"""Published tables for audit tests, built without the suppressor: labels, shown numbers and ``[c]``."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from flows.sdc_audit import AuditTable

Dims = Sequence[tuple[str, Sequence[str], str | None]]


def all_cells(
    dims: Dims, parents: Mapping[str, Mapping[str, str]] | None = None
) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    """Every cell (inner, group and total labels) -> the inner cells it adds up."""
    parents = parents or {}
    levels, below = [], []
    for d, leaves, total in dims:
        up = parents.get(d, {})
        groups = sorted({up[x] for x in leaves if x in up})
        level = {x: [x] for x in leaves} | {g: [x for x in leaves if up.get(x) == g] for g in groups}
        if total:
            level[total] = list(leaves)
        levels.append(list(level))
        below.append(level)
    return {
        combo: list(itertools.product(*(below[i][label] for i, label in enumerate(combo))))
        for combo in itertools.product(*levels)
    }


def published(
    dims: Dims,
    inner: Mapping[tuple[str, ...], int],
    hidden: set[tuple[str, ...]],
    parents: Mapping[str, Mapping[str, str]] | None = None,
    name: str = "table.csv",
    mark: str = "[c]",
) -> AuditTable:
    rows = []
    for cell, leaves in all_cells(dims, parents).items():
        value = sum(inner[leaf] for leaf in leaves)
        rows.append((cell, (mark if cell in hidden else value,)))
    totals = {d: total for d, _, total in dims if total}
    return AuditTable(name, tuple(d for d, _, _ in dims), ("arrests",), tuple(rows), totals)
