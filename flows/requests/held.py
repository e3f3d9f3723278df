""" "Not held in this form": a part that needs a column the extracts covering its periods did not supply.

Optional columns (custody ``arresting_agency``; the crime markers) are NULL where an extract did not supply
them, and absent from a warehouse built before they existed. Counting such a part would put every record
under 'Not recorded', which reads like an answer but is a guess. Instead the part is answered as not held in
the form asked, with the advice section 16 of the Act asks for: what we can give instead.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.requests.catalogue import BREAKDOWNS
from flows.requests.coverage import WHAT
from flows.requests.errors import SpecError
from flows.requests.models import NotHeldPart
from flows.requests.plan import PartPlan
from flows.requests.query import columns_held


class NotHeld(SpecError):
    """The part cannot be answered from the extracts held; ``part`` is its not-held answer."""

    def __init__(self, part: NotHeldPart, where: str) -> None:
        self.part = part
        super().__init__([(where, f"not held in this form: {part.text}")])


def check_held(con: duckdb.DuckDBPyConnection, sql_dir: Path, plan: PartPlan, where: str) -> None:
    """Raise :class:`NotHeld` when a breakdown or filter of the part needs an optional column that no record
    dated in the part's periods has a value in (or that the warehouse does not have at all)."""
    source = plan.info.source
    names = [d.sql.column for d in plan.dims] + [f.name for f in plan.filters]
    needed = {
        n: BREAKDOWNS[n].optional
        for n in dict.fromkeys(names)
        if BREAKDOWNS[n].optional is not None and BREAKDOWNS[n].optional.source == source
    }
    if not needed:
        return
    windows = [p.span for p in plan.periods] + [p.previous for p in plan.periods if p.previous is not None]
    first, last = min(w.start for w in windows), max(w.end for w in windows)
    held = columns_held(con, sql_dir, source, list(needed.values()), plan.as_at_if_requested, first, last)
    missing = [n for n, column in needed.items() if not held[column.column]]
    if missing:
        raise NotHeld(not_held_part(plan, missing, first, last), where)


def not_held_part(plan: PartPlan, missing: list[str], first: object, last: object) -> NotHeldPart:
    part = plan.part
    titles = [BREAKDOWNS[n].title.lower() for n in missing]
    what = " and ".join(titles)
    instead = []
    if any(n in part.breakdowns for n in missing):
        instead.append(
            "without the breakdown by "
            + " and ".join(t for n, t in zip(missing, titles, strict=True) if n in part.breakdowns)
        )
    instead += [
        f"without the restriction to {plan.info.records} {f.title}" for f in plan.filters if f.name in missing
    ]
    text = (
        f"This information is not held in the form requested: {what} is not recorded in the "
        f"{WHAT[plan.info.source]}s covering {first:%d %B %Y} to {last:%d %B %Y}. Advice and assistance "
        f"(section 16): we can give the same figures {' and '.join(instead)}; please let us know if that would help."
    )
    return NotHeldPart(id=part.id, question=part.question, response="not_held", text=text)
