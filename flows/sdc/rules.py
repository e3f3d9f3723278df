"""Which cells are sensitive, and how much protection each needs.

Every rule here is public (the intruder knows it), and each produces, per cell, one of three states:
``FIXED`` (always published: ordinary zeros when zeros are published, structural zeros ``[z]``), ``HIDDEN``
(must be withheld) or ``FREE`` (the secondary suppressor may withhold it). A withheld cell also carries its
*upper protection level*: how far above its true value an intruder must be unable to rule out. Requiring
``hi >= max(k, v + width)`` for a cell of value ``v`` means the intruder can neither bound it inside
``[1, k-1]`` nor narrow it below ``width`` (their lower bound is at most ``v``). Every withheld cell needs at
least ``width``, because the audit cannot tell a sensitive ``[c]`` from a secondary one and neither may be
recovered exactly.

Rules: the threshold (counts 1..k-1, k raised per topic by overrides); the person rule (fewer than k distinct
people, from a ``<measure>_people`` companion column); the group rule (a row of ``group_dimension`` with a small
total and everyone in one category: its zeros are withheld, so the shared outcome is not revealed; any zero
in that breakdown may then be withheld, and is known to possibly be zero when withheld); cells
already flagged ``[c]``/``[x]``/``[low]`` upstream stay withheld.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from flows.contracts.tidy import TidyTable
from flows.sdc.policy import SdcPolicy, ThresholdOverride
from flows.sdc.system import CellRef, SdcInputError, System, nearest_present_parent

FREE, HIDDEN, FIXED = 0, 1, 2


@dataclass
class Requirements:
    state: np.ndarray  # FREE / HIDDEN / FIXED per variable
    upl: np.ndarray  # upper protection level (deviation above the true value) needed if withheld
    lower: np.ndarray  # what an intruder knows as the least value of the cell if it is withheld
    reasons: dict[int, list[str]] = field(default_factory=dict)

    def note(self, var: int, reason: str) -> None:
        found = self.reasons.setdefault(var, [])
        if reason not in found:
            found.append(reason)

    @property
    def sensitive(self) -> np.ndarray:
        return np.flatnonzero(self.state == HIDDEN)


def cell_threshold(
    table: TidyTable, row: dict[str, str], k: int, overrides: Sequence[ThresholdOverride]
) -> int:
    """k for one cell: the policy's k, raised by any override whose topic the cell falls under."""
    dims = {d.name: d for d in table.dimensions}
    for o in overrides:
        d = dims.get(o.dimension)
        if d is None or (o.table and o.table != table.name):
            continue
        label, seen = row[o.dimension], set()
        while label is not None and label not in seen:
            if label in o.labels:
                k = max(k, o.k)
                break
            seen.add(label)
            label = d.parent_of(label)
    return k


def sensitivity(tables: Sequence[TidyTable], system: System, policy: SdcPolicy) -> Requirements:
    """Each cell's state, protection level and least value an intruder knows, by the policy's rules."""
    n, w = system.size, policy.protection_width
    values = system.value_array()
    req = Requirements(np.zeros(n, dtype=np.int8), np.zeros(n), np.where(values > 0, 1.0, 0.0))
    if policy.zeros == "may_suppress":
        req.lower[:] = 0.0
    req.state[values == 0] = FIXED if policy.zeros == "publish" else FREE
    req.upl[:] = w
    for t, table in enumerate(tables):
        frame = table.frame
        dim_rows = frame.select(table.dimension_names).rows(named=True)
        for m in system.measures[t]:
            people = system.people.get((t, m))
            counts, flags = frame[m].to_list(), frame[table.measure(m).flag].to_list()
            heads = frame[people].to_list() if people else [None] * frame.height
            for r in range(frame.height):
                var = system.var_of[CellRef(t, r, m)]
                v, flag = int(counts[r]), flags[r] or ""
                k = cell_threshold(table, dim_rows[r], policy.k, policy.overrides)
                if "[z]" in flag:
                    if v != 0:
                        raise SdcInputError(
                            f"table {table.name!r}: {m} at {dim_rows[r]} is flagged [z] (structural "
                            f"zero) but holds {v}"
                        )
                    _fix(req, var, "structural zero")
                elif 1 <= v < k:
                    _hide(req, var, max(k - v, w), f"threshold: fewer than {k}")
                elif heads[r] is not None and 1 <= int(heads[r]) < k and v > 0:
                    _hide(req, var, max(k - v, w), f"person rule: fewer than {k} people")
                elif any(x in flag for x in ("[c]", "[x]", "[low]")):
                    _hide(req, var, w, "withheld before disclosure control")
        if policy.group_rule == "hide_zeros" and policy.group_dimension in table.dimension_names:
            _group_rule(t, table, system, req, policy.group_dimension, policy.small_total, w)
    return req


def _hide(req: Requirements, var: int, upl: float, reason: str) -> None:
    if req.state[var] == FIXED and req.reasons.get(var, [""])[0] == "structural zero":
        raise SdcInputError(f"cell {var} is both a structural zero and sensitive ({reason})")
    req.state[var] = HIDDEN
    req.upl[var] = max(req.upl[var], upl)
    req.note(var, reason)


def _fix(req: Requirements, var: int, reason: str) -> None:
    if req.state[var] == HIDDEN:
        raise SdcInputError(f"cell {var} is both withheld ({req.reasons.get(var)}) and a {reason}")
    req.state[var] = FIXED
    req.note(var, reason)


def _group_rule(
    t: int, table: TidyTable, system: System, req: Requirements, dimension: str, small_total: int, width: int
) -> None:
    """Rows along ``dimension`` whose (true) total is 1..small_total with one non-zero category.

    The rule, as published, is that zeros in the group dimension's breakdown may be withheld: so every such
    zero may also serve as a secondary cell, and an intruder can assume no withheld breakdown cell is >= 1.
    """
    names = table.dimension_names
    i = names.index(dimension)
    d = table.dimensions[i]
    labels = [tuple(str(x) for x in row) for row in table.frame.select(names).iter_rows()]
    for m in system.measures[t]:  # any zero in the breakdown may be withheld (publicly stated)
        for r, value in enumerate(table.frame[m].to_list()):
            var = system.var_of[CellRef(t, r, m)]
            if (
                labels[r][i] != d.total
                and value == 0
                and req.state[var] == FIXED
                and "structural zero" not in req.reasons.get(var, [])
            ):
                req.state[var], req.lower[var] = FREE, 0.0
    present = {row[i] for row in labels}
    parents = set(nearest_present_parent(table, i, present).values())
    leaves = present - parents - {d.total}
    if len(leaves) < 2:
        return
    rows: dict[tuple[str, ...], list[int]] = {}
    for r, row in enumerate(labels):
        if row[i] in leaves:
            rows.setdefault(row[:i] + row[i + 1 :], []).append(r)
    for m in system.measures[t]:
        values = table.frame[m].to_list()
        for members in rows.values():
            total = sum(int(values[r]) for r in members)
            positive = [r for r in members if values[r] > 0]
            if len(members) < 2 or not 1 <= total <= small_total or len(positive) != 1:
                continue
            for r in members:
                var = system.var_of[CellRef(t, r, m)]
                if values[r] == 0 and req.state[var] != HIDDEN:
                    if "structural zero" in req.reasons.get(var, []):
                        continue
                    req.state[var] = HIDDEN
                    req.lower[var] = 0.0
                    req.upl[var] = max(req.upl[var], width)
                    req.note(var, f"group rule: everyone in a row of {total} shares one {d.name}")
