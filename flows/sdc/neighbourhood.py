"""Where to look for a cell's protection: a small set of nearby cells, so each LP is tiny.

Protecting a cell means finding a way the table could move that raises it; in a table with margins the
cheapest ways are "hypercubes": for each dimension, keep the cell's label, swap it for a sibling, or move to
the margin (and up the hierarchy). So the neighbourhood of a cell takes, for every dimension, its own label,
its ancestors, the margin, and the few siblings whose cells on the cell's own lines are cheapest (already
withheld cells cost nothing), and every existing cell combining those choices. An LP over that
neighbourhood, with every relation that touches it and every other cell held still, finds a movement that is
valid for the whole system, so the protection it proves is real; when no movement exists locally, a wider
neighbourhood and then the whole system are tried.
"""

from __future__ import annotations

import itertools

import numpy as np

from flows.sdc.system import Key, System


class Neighbourhoods:
    def __init__(self, system: System) -> None:
        self.system = system
        self.index: dict[Key, int] = {key: var for var, key in enumerate(system.keys)}
        self.labels: dict[tuple[str, str], list[str]] = {}  # (measure, dimension) -> labels
        for measure, pairs in system.keys:
            for d, label in pairs:
                self.labels.setdefault((measure, d), []).append(label)
        self.labels = {k: sorted(set(v)) for k, v in self.labels.items()}

    def _ancestors(self, d: str, label: str) -> list[str]:
        up, out = self.system.parents.get(d, {}).get(label), []
        while up is not None and up not in out:
            out.append(up)
            up = self.system.parents.get(d, {}).get(up)
        return out

    def around(self, s: int, score: np.ndarray, width: int) -> np.ndarray:
        """Variables near ``s``; ``score`` is the price of moving each cell (inf: never)."""
        measure, pairs = self.system.keys[s]
        own = dict(pairs)
        dims = sorted({d for (m, d) in self.labels if m == measure})
        choices: list[list[str | None]] = []
        for d in dims:
            x = own.get(d)
            near = self._cheapest(score, measure, own, d, width)
            options: list[str | None] = [x] if x is not None else []
            for label in ([x] if x is not None else []) + near:
                options += self._ancestors(d, label)
            options += [None, *near]
            choices.append(list(dict.fromkeys(options)))
        found = set()
        for combo in itertools.product(*choices):
            key = (measure, frozenset((d, v) for d, v in zip(dims, combo, strict=True) if v is not None))
            var = self.index.get(key)
            if var is not None and np.isfinite(score[var]):
                found.add(var)
        found.add(s)
        return np.fromiter(sorted(found), dtype=np.int64)

    def _cheapest(
        self, score: np.ndarray, measure: str, own: dict[str, str], d: str, width: int
    ) -> list[str]:
        """Labels for ``d`` whose cell on ``s``'s own line is cheapest to move."""
        scored = []
        for label in self.labels.get((measure, d), []):
            if label == own.get(d):
                continue
            key = (measure, frozenset({**own, d: label}.items()))
            var = self.index.get(key)
            if var is not None and np.isfinite(score[var]):
                scored.append((score[var], label))
        scored.sort()
        return [label for _, label in scored[:width]]
