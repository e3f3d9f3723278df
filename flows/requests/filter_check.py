"""Whether a filter's categories exist: plain values in, (field, reason) out, so the spec model can check a
filter when it is read without importing the code that applies it (no import cycle)."""

from __future__ import annotations

from collections.abc import Sequence

from flows.requests.catalogue import BREAKDOWNS, OWN_FORCE
from flows.requests.suggest import suggest

LIVE = ("active",)


def check_categories(
    breakdown: str, kind: str, values: Sequence[str], known: Sequence[str] | None
) -> list[tuple[str, str]]:
    """(field, reason) for each category not in ``known`` (default: the dimension's fixed list), with the
    closest known ones; nothing when the categories cannot be known yet (an open list before the warehouse)."""
    if breakdown == "crime_status":
        said = {v.casefold() for v in values}
        if (kind == "keep" and said == set(LIVE)) or (
            kind == "exclude" and said == set(BREAKDOWNS["crime_status"].categories) - set(LIVE)
        ):
            return []
        return [
            (
                kind,
                "crimes are counted as core.crimes keeps them: live (active) crimes only, never cancelled, "
                "transferred or deleted ones. A crime_status filter can only say so: keep: [active], or "
                "exclude: [cancelled, transferred, deleted]",
            )
        ]
    b = BREAKDOWNS[breakdown]
    if known is None and b.categories:
        known = [*b.categories, *([b.missing] if b.missing and b.missing not in b.categories else [])]
    if known is None:
        return []
    by_fold = {k.casefold() for k in known}
    out = []
    for i, value in enumerate(values):
        if value.casefold() == OWN_FORCE and breakdown == "arresting_agency":
            continue
        if value.casefold() not in by_fold:
            hint = f"; categories: {', '.join(known)}" if len(known) <= 12 else suggest(value, list(known))
            out.append((f"{kind}[{i}]", f"{value!r} is not one of the {breakdown} categories{hint}"))
    return out
