"""Set-valued breakdowns (hate crime strands): a unit carries a list of categories and is counted under each.

For the cumulative audit a cell must be a sum of disjoint atoms, so the axis of a set-valued breakdown is not
its labels but every combination a unit can have ('Race + Religion'); a label's population is every
combination that contains it, and a filter keeps the units whose list has any of its categories (as the SQL
does with ``list_has_any``). A unit with no category, or no value, has a category of its own that never
combines with the others.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations

from flows.requests.catalogue import BREAKDOWNS, NOT_HATE_CRIME

JOIN = " + "
#: categories a unit has alone, never with another (no strand; not recorded)
ALONE = frozenset({NOT_HATE_CRIME})


@cache
def values(name: str) -> frozenset[str]:
    """Every combination of the breakdown's categories a unit can have, and the categories it has alone."""
    b = BREAKDOWNS[name]
    alone = ALONE | ({b.missing} if b.missing else set())
    parts = [c for c in b.categories if c not in alone]
    combos = {JOIN.join(c) for r in range(1, len(parts) + 1) for c in combinations(parts, r)}
    return frozenset(combos | alone)


def containing(name: str, label: str) -> frozenset[str]:
    """The combinations a unit counted under ``label`` may have."""
    if label in ALONE or label == BREAKDOWNS[name].missing:
        return frozenset({label})
    return frozenset(v for v in values(name) if label in v.split(JOIN))
