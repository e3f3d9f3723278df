"""Disclosure control as the release stages apply it: true tables in, safe flagged tables out, with the
general-terms explanation for the notes and letter and the independent audit the publish step runs on the
files as written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flows.config import Settings
from flows.contracts.tidy import TidyTable
from flows.sdc.primary import drop_margins, suppress_primary


@dataclass(frozen=True)
class Protected:
    tables: list[TidyTable]
    explanation: list[str]
    method: str
    policy: str
    margins_published: bool
    exemptions: list[str] = field(default_factory=list)
    audit: Callable[[Path], list] | None = None  # run on the release folder before it is published


def suppression_note(threshold: int) -> str:
    return (
        f"To protect the people these figures count, numbers from 1 to {threshold - 1} are shown as [c]. "
        "Totals are not published in this release, because a total would let a hidden number be worked out by "
        "subtraction. Zeros are shown as 0."
    )


def protect_primary(tables: list[TidyTable], settings: Settings) -> Protected:
    """Cells only (no margins) and counts 1..k-1 hidden: safe without secondary suppression."""
    safe = [suppress_primary(drop_margins(t), settings.threshold) for t in tables]
    return Protected(safe, [suppression_note(settings.threshold)],
                     "primary suppression of counts 1 to k-1; no totals or margins published", "primary-only", False)
