"""Flag: a pattern of withheld cells back onto the tables, as readers will see them.

Each withheld cell gets ``[c]`` in every table that holds it; derived cells (rates, changes) follow the counts
they use (:mod:`flows.sdc.derived`); the distinct-people companions, which only decided the person rule, are
dropped. The internal reason for each withheld cell is kept beside the tables, never in them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from flows.contracts.tidy import TidyTable
from flows.sdc.derived import follow_inputs
from flows.sdc.policy import SdcPolicy
from flows.sdc.rules import HIDDEN, Requirements
from flows.sdc.system import CellKey, CellRef, System

SECONDARY = "secondary: withheld so that other withheld figures cannot be worked out"


@dataclass(frozen=True)
class Flagged:
    tables: list[TidyTable]  # as published: [c] set, people companions gone
    comparisons: dict[str, str]  # "table.measure" -> the dimension a change compares along (for the audit)
    decisions: dict[CellKey, tuple[str, ...]]  # internal reasons per withheld cell: NEVER publish


def flag(
    tables: Sequence[TidyTable], system: System, req: Requirements, hidden: np.ndarray, policy: SdcPolicy
) -> Flagged:
    out, comparisons = [], {}
    for t, table in enumerate(tables):
        f = table.frame
        for m in table.measures:
            refs = [system.var_of.get(CellRef(t, r, m.name)) for r in range(f.height)]
            if all(v is None for v in refs):
                continue
            flags = f[m.flag].fill_null("").to_list()
            flags = [
                ("[c]" + fl if v is not None and hidden[v] and "[c]" not in fl else fl)
                for fl, v in zip(flags, refs, strict=True)
            ]
            f = f.with_columns(pl.Series(m.flag, flags))
        flagged, used = follow_inputs(table.with_frame(f), policy)
        out.append(_drop_people(flagged, system, t))
        comparisons |= used
    return Flagged(out, comparisons, _decisions(out, system, req, hidden))


def _drop_people(table: TidyTable, system: System, t: int) -> TidyTable:
    """The distinct-people companion decides sensitivity; it is never published."""
    people = {name for (i, _), name in system.people.items() if i == t}
    if not people:
        return table
    keep = tuple(m for m in table.measures if m.name not in people)
    frame = table.frame.drop([c for m in table.measures if m.name in people for c in (m.name, m.flag)])
    return replace(table, measures=keep, frame=frame)


def _decisions(
    flagged: list[TidyTable], system: System, req: Requirements, hidden: np.ndarray
) -> dict[CellKey, tuple[str, ...]]:
    decisions: dict[CellKey, tuple[str, ...]] = {}
    labels = [
        [
            tuple(zip(t.dimension_names, row, strict=True))
            for row in t.frame.select(t.dimension_names).iter_rows()
        ]
        for t in flagged
    ]
    for var in np.flatnonzero(hidden):
        reasons = tuple(req.reasons.get(var, [])) if req.state[var] == HIDDEN else (SECONDARY,)
        for ref in system.refs[var]:
            decisions[(flagged[ref.table].name, labels[ref.table][ref.row], ref.measure)] = reasons
    return decisions
