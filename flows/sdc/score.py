"""What the requester gets from an answer, as one number the chooser maximises.

Every cell of the requested tables (margins included) is a figure the requester asked for. An answer earns,
per requested cell:

- ``exact`` when that figure is published as a number (a cell of any published table with the same measure
  and labels counts: combining years keeps the "All years" row, which is a requested figure), or when a
  published figure that covers it is 0 (counts are never negative, so every figure under a 0 is 0);
- otherwise, in a combined table, ``covered / n`` when a published number covers it (the figure for 2018 to
  2022 covers each year's), where ``n`` is how many requested cells at that level the figure covers: a combined
  figure answers its cells together, so it earns as much as one exact figure, shared among them (in the
  requested shape a withheld cell reads ``[c]`` and earns nothing);
- and, for a requested total (a cell at a margin or a group of the requested shape) answered exactly, a
  bonus ``total``: totals answer the question at its level and are what a requester reads first.

A combined table then keeps a share of that for each dimension it combined (``combined``: 1 for the period,
whose total still answers the question over the whole span asked; ``combined_other``, 0.5, for a category
the requester asked to see apart, such as the offence or the outcome), which is the order the MPS and WMP
answers follow: years are combined first.

A rounded figure earns ``rounded`` times what an exact one would (a ``[low]`` earns nothing). The weights are
the policy's (``score_weights``); the README gives the formula.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from flows.contracts.tidy import TidyTable, published_view
from flows.sdc.policy import ScoreWeights
from flows.sdc.system import count_measures

Key = tuple[str, frozenset[tuple[str, str]]]  # measure, (dimension, label) pairs below every total


@dataclass(frozen=True)
class Score:
    value: float
    exact: int  # requested figures published exactly
    requested: int  # requested figures
    totals: int  # requested totals published exactly
    requested_totals: int

    @property
    def share(self) -> float:
        """The share of requested figures published exactly."""
        return self.exact / self.requested if self.requested else 1.0


def score(
    requested: Sequence[TidyTable],
    published: Sequence[TidyTable],
    weights: ScoreWeights,
    people_suffix: str,
    combined: Sequence[str] = (),
) -> Score:
    """``combined``: the dimensions combined to reach the published shape (none: the requested shape)."""
    ancestors = _ancestors(requested)
    asked = {key: margin for t in requested for key, margin in _requested_keys(t, people_suffix)}
    shown, zeros = _shown(published, people_suffix, weights.rounded)  # key -> 1 (exact) or the rounded weight
    covering: dict[Key, list[Key]] = {}
    for r in asked:
        covering[r] = [k for k in _coarser(r, ancestors) if k != r and k in shown]
    level_count: dict[tuple[Key, frozenset[str]], int] = {}
    for r, found in covering.items():
        for k in found:
            level_count[(k, _level(r))] = level_count.get((k, _level(r)), 0) + 1
    value, exact, totals = 0.0, 0, 0
    for r, margin in asked.items():
        known = shown.get(r) or max((1.0 for k in covering[r] if k in zeros), default=0.0)
        if known:
            value += known * (weights.exact + (weights.total if margin else 0.0))
            exact += known == 1.0
            totals += margin and known == 1.0
        elif covering[r] and combined:
            value += max(shown[k] * weights.covered / level_count[(k, _level(r))] for k in covering[r])
    for d in combined:
        value *= weights.combined.get(d, weights.combined_other)
    return Score(value, exact, len(asked), totals, sum(asked.values()))


def _requested_keys(table: TidyTable, people_suffix: str) -> list[tuple[Key, bool]]:
    """Each requested figure's key, and whether it is a total (a margin or a group: not a leaf everywhere)."""
    parents = [set(d.parents.values()) for d in table.dimensions]
    out = []
    for row in table.frame.select(table.dimension_names).iter_rows():
        labels = frozenset(
            (d.name, str(v)) for d, v in zip(table.dimensions, row, strict=True) if str(v) != d.total
        )
        margin = len(labels) < len(table.dimensions) or any(
            str(v) in p for v, p in zip(row, parents, strict=True)
        )
        out += [((m, labels), margin) for m in count_measures(table, people_suffix)]
    return out


def _shown(
    tables: Sequence[TidyTable], people_suffix: str, rounded: float
) -> tuple[dict[Key, float], set[Key]]:
    """Published figures: 1 for an exact number, ``rounded`` for a rounded one ([low] shows no figure); and
    the figures published as an exact 0."""
    out: dict[Key, float] = {}
    zeros: set[Key] = set()
    for t in tables:
        weight = rounded if t.rounded_to else 1.0
        view = published_view(t)
        for rec in view.iter_rows(named=True):
            labels = frozenset(
                (d.name, str(rec[d.name])) for d in t.dimensions if str(rec[d.name]) != d.total
            )
            for m in count_measures(t, people_suffix):
                if rec[m] is not None:
                    out[(m, labels)] = weight
                    if rec[m] == 0 and not t.rounded_to:
                        zeros.add((m, labels))
    return out, zeros


def _ancestors(tables: Sequence[TidyTable]) -> dict[tuple[str, str], list[str]]:
    """(dimension, label) -> its parents up the hierarchy (the total is the absence of a label)."""
    out: dict[tuple[str, str], list[str]] = {}
    for t in tables:
        for d in t.dimensions:
            for label in d.parents:
                up, chain = d.parents.get(label), []
                while up is not None and up != d.total and up not in chain:
                    chain.append(up)
                    up = d.parents.get(up)
                out[(d.name, label)] = chain
    return out


def _coarser(key: Key, ancestors: dict[tuple[str, str], list[str]]) -> list[Key]:
    """Every key a figure covering ``key`` can have: each label kept, replaced by an ancestor, or dropped."""
    measure, labels = key
    options = [[(d, v), *((d, a) for a in ancestors.get((d, v), [])), None] for d, v in sorted(labels)]
    return [(measure, frozenset(x for x in combo if x is not None)) for combo in itertools.product(*options)]


def _level(key: Key) -> frozenset[str]:
    return frozenset(d for d, _ in key[1])
