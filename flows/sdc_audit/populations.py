"""Cumulative audit: every cell ever published, as the exact population it counts, checked as one system.

A population is a product of value sets, one per axis (days, offence codes, outcomes, filters such as the
force). Each axis is cut into blocks: the largest sets of values that every published set either contains
whole or misses entirely; an atom is a product of blocks, and atoms inside exactly the same published cells are
one unknown (their sum: nothing published tells them apart). A cell is then the sum of its atoms, so releases of different shapes (2018-2021
then 2018-2022; calendar then financial years; a group after its members; a Wednesday-to-Wednesday week
after a month) become one system of linear equations over the same unknowns. Figures known at different
times are different facts (separate unknowns per as-at), but the change between two as-at figures of one
population is itself a count of records and must not be pinned to a small number either. Superseded and
withdrawn releases stay in: what was published cannot be unpublished.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

import numpy as np

from flows.sdc_audit.intervals import Inconsistent, intervals
from flows.sdc_audit.knowledge import Knowledge
from flows.sdc_audit.model import AuditResult, Population, PopulationCell, Problem


def atoms(populations: Iterable[Population]) -> dict[str, dict[Hashable, int]]:
    """axis -> value -> block id; values in the same block are in exactly the same published sets."""
    sets: dict[str, list[frozenset]] = {}
    for p in populations:
        for axis, values in p.items():
            sets.setdefault(axis, []).append(frozenset(values))
    out = {}
    for axis, family in sets.items():
        inside: dict[Hashable, list[int]] = {}  # value -> the distinct sets holding it (its signature)
        for n, values in enumerate(dict.fromkeys(family)):
            for v in values:
                inside.setdefault(v, []).append(n)
        ids: dict[tuple[int, ...], int] = {}
        out[axis] = {v: ids.setdefault(tuple(sig), len(ids)) for v, sig in inside.items()}
    return out


def audit_populations(
    cells: Sequence[PopulationCell],
    k: int,
    zeros_published: bool = True,
    width: int = 1,
    integer: bool = False,
    public: frozenset[str] = frozenset(),
) -> AuditResult:
    """Refuse when a withheld cell, a change between two as-at figures of a published population, or an atom
    (a sliver no one published, such as the days between a month and a week that overlaps it) can be pinned
    inside [1, k-1], or a withheld cell narrowed below ``width``, from everything published. Unions of
    atoms that were never published are not checked one by one. Facts named in ``public`` (figures anyone can
    compute from what the force already publishes, such as data.police.uk counts) are known but never
    protected: nothing about them can be given away."""
    axes = {tuple(sorted(c.population)) for c in cells}
    if len(axes) > 1:
        return AuditResult(
            (Problem("history", {}, "", f"populations use different axes {sorted(axes)}"),), 0, "none"
        )
    blocks = atoms(c.population for c in cells)
    members: dict[str, dict[int, set]] = {a: {} for a in blocks}
    for a, ids in blocks.items():
        for value, b in ids.items():
            members[a].setdefault(b, set()).add(value)
    know, unknown, checks, counts = Knowledge(), {}, {}, {}
    names = sorted(next(iter(axes))) if axes else []
    block_lists: dict[tuple[str, frozenset], list[int]] = {}  # the same value set recurs in many cells

    def blocks_of(axis: str, values: frozenset) -> list[int]:
        found = block_lists.get((axis, values))
        if found is None:
            found = block_lists[(axis, values)] = sorted({blocks[axis][v] for v in values})
        return found

    sums: dict[int, list[frozenset[int]]] = {}  # cell -> the classes of atoms it is the sum of
    lying: dict[tuple[str, frozenset[int]], dict[str, frozenset[int]]] = {}  # a class's blocks, per axis
    by_measure: dict[str, list[int]] = {}
    for j, c in enumerate(cells):
        by_measure.setdefault(c.measure, []).append(j)
    for group in by_measure.values():
        for signature, lies_in in _classes(cells, group, names, blocks_of).items():
            lying[(cells[group[0]].measure, signature)] = lies_in
            for j in signature:
                sums.setdefault(j, []).append(signature)

    def atom_vars(j: int, as_at: str) -> list[int]:
        out = []
        for signature in sums.get(j, ()):  # no atoms: a population nobody is in counts 0
            key = (as_at, cells[j].measure, signature)
            if key not in unknown:  # described only if it is ever reported (most never are)
                unknown[key] = _new(
                    know, ("atoms", {"as at": as_at}, cells[j].measure), 0.0, np.inf, False, k
                )
                checks[unknown[key]], counts[unknown[key]] = "sliver", (cells[j].measure, signature)
            out.append(unknown[key])
        return out

    def population(i: int) -> Mapping[str, frozenset]:
        """A cell's population; for a class of atoms, the blocks of each axis its atoms lie in."""
        if checks[i] != "sliver":
            return counts[i]
        return {a: frozenset().union(*(members[a][b] for b in bs)) for a, bs in lying[counts[i]].items()}

    def where(i: int) -> tuple:
        table, cell, measure = know.where[i]
        if checks[i] == "sliver":
            cell = {**cell, **{a: _short(v) for a, v in population(i).items()}}
        return table, cell, measure

    for j, c in enumerate(cells):
        parts = atom_vars(j, c.as_at)
        text = str(c.shown).strip()
        if text.lstrip("-").isdigit():
            know.equations.append((parts, [1.0] * len(parts), float(text), float(text)))
            continue
        lo = 0.0 if (not zeros_published or c.may_be_zero or "[x]" in text) else 1.0
        v = _new(know, (f"{c.release}/{c.table}", dict(c.cell), c.measure), lo, np.inf, True, k)
        know.equations.append(([v, *parts], [1.0] + [-1.0] * len(parts), 0.0, 0.0))
        checks[v], counts[v] = "cell", c.population
    as_ats: dict[str, set[str]] = {}
    for c in cells:
        as_ats.setdefault(c.measure, set()).add(c.as_at)
    for j, c in enumerate(cells):  # revisions: the same population known at two times
        for t in sorted(as_ats[c.measure]):
            if t > c.as_at:
                later = atom_vars(j, t)
                v = _new(
                    know,
                    (f"{c.release}/{c.table}", {**c.cell, "revised as at": t}, c.measure),
                    -np.inf,
                    np.inf,
                    True,
                    k,
                )
                parts = atom_vars(j, c.as_at)
                know.equations.append(
                    ([v, *later, *parts], [1.0] + [-1.0] * len(later) + [1.0] * len(parts), 0.0, 0.0)
                )
                checks[v], counts[v] = "change", c.population
    checked = [i for i in checks if know.where[i][2] not in public]
    try:
        found = intervals(know, checked, integer, lambda i, lo, hi: _passes(checks[i], lo, hi, k, width))
    except Inconsistent as exc:
        return AuditResult(
            (Problem("history", {}, "", f"published figures do not fit together: {exc}"),),
            len(checked),
            "linear programming over atoms",
        )
    problems = [
        Problem(*where(i), _why(checks[i], k), span, population(i))
        for i, span in found.items()
        if not _passes(checks[i], *span, k, width)
    ]
    return AuditResult(tuple(problems), len(checked), "linear programming over atoms (all releases)")


def _passes(kind: str, lo: float, hi: float, k: int, width: int) -> bool:
    tol = 1e-6
    if kind == "sliver":  # a population no one published, worked out by differencing: not 1 to k-1 people
        return not (lo >= 1 - tol and hi <= k - 1 + tol)
    if kind == "change":  # a revision may be known exactly, but not as a small non-zero number of records
        return not (lo >= 1 - tol and hi <= k - 1 + tol) and not (lo >= -(k - 1) - tol and hi <= -1 + tol)
    return hi - lo >= width - tol and not (lo >= 1 - tol and hi <= k - 1 + tol)


def _why(kind: str, k: int) -> str:
    if kind == "sliver":
        return f"a sliver between published populations can be shown to hold 1 to {k - 1}"
    if kind == "change":
        return f"the revision between releases can be shown to change it by 1 to {k - 1}"
    return f"can be bounded inside 1 to {k - 1}, or narrowed too far, using all releases together"


def _new(know: Knowledge, where: tuple, lo: float, hi: float, withheld: bool, k: int) -> int:
    know.where.append(where)
    know.lower.append(lo)
    know.upper.append(hi)
    know.withheld.append(withheld)
    know.k.append(k)
    return len(know.lower) - 1


def _short(values: frozenset) -> str:
    ordered = sorted(map(str, values))
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]} .. {ordered[-1]} ({len(ordered)} values)"


def _classes(
    cells: Sequence[PopulationCell], group: list[int], names: list[str], blocks_of
) -> dict[frozenset[int], dict[str, frozenset[int]]]:
    """The atoms of one measure's cells, merged by the cells that contain them (signature -> the blocks of each
    axis its atoms lie in): atoms inside exactly the same published cells appear in exactly the same
    equations, so their sum is one unknown (an atom inside none is in no equation and is left out). Built axis
    by axis, never enumerating the product of the axes' blocks, which multiplies with every axis a request
    cuts (days, offences, age, station, agency...)."""
    bit = {j: 1 << n for n, j in enumerate(group)}  # a set of cells as the bits of an int: fast to intersect
    classes: dict[int, dict[str, frozenset[int]]] = {(1 << len(group)) - 1: {}}
    for axis in names:
        holding: dict[int, int] = {}  # block -> the cells containing it on this axis
        for j in group:
            for b in blocks_of(axis, frozenset(cells[j].population[axis])):
                holding[b] = holding.get(b, 0) | bit[j]
        split: dict[int, dict] = {}
        for signature, lies_in in classes.items():
            for b, inside in holding.items():
                key = signature & inside
                if not key:
                    continue
                into = split.get(key)
                if into is None:  # the usual case: share the earlier axes' blocks, nothing copied
                    split[key] = {**lies_in, axis: {b}}
                    continue
                for a, bs in lies_in.items():
                    if into[a] is not bs:
                        into[a] = into[a] | bs
                into[axis].add(b)
        classes = {key: {**lies_in, axis: frozenset(lies_in[axis])} for key, lies_in in split.items()}
    return {_members(key, group): lies_in for key, lies_in in classes.items()}


def _members(key: int, group: list[int]) -> frozenset[int]:
    """The cells whose bits are set in ``key`` (as many steps as bits set, not as cells in the group)."""
    out = []
    while key:
        low = key & -key
        out.append(group[low.bit_length() - 1])
        key ^= low
    return frozenset(out)
