"""Disclosure control as the release stages apply it: one function from true tables to safe flagged tables,
plus the general-terms explanation that goes into the notes and the letter."""

from __future__ import annotations

from flows.config import Settings
from flows.contracts.tidy import TidyTable
from flows.sdc.primary import drop_margins, suppress_primary


def suppression_note(threshold: int) -> str:
    return (
        f"To protect the people these figures count, numbers from 1 to {threshold - 1} are shown as [c]. "
        "Totals are not published in this release, because a total would let a hidden number be worked out by "
        "subtraction. Zeros are shown as 0."
    )


def protect_primary(tables: list[TidyTable], settings: Settings) -> tuple[list[TidyTable], list[str]]:
    """Cells only (no margins) and counts 1..k-1 hidden: safe without secondary suppression."""
    safe = [suppress_primary(drop_margins(t), settings.threshold) for t in tables]
    return safe, [suppression_note(settings.threshold)]
