"""What the letter says about a request beyond the tables: the due date, each part's answer in words, the
recorded interpretation restated, and the counting rules cited. The letter writer (flows/publish) renders
these; it decides nothing about requests itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.contracts.tidy import TidyTable
from flows.requests.models import DataPart, NotHeldPart, RequestSpec


@dataclass(frozen=True)
class LetterFacts:
    due: date
    response_parts: tuple[str, ...]
    interpretations: tuple[str, ...]  # "Part 1: ..." for each data part, restated in the letter
    exemptions: tuple[str, ...]  # sections cited by the non-data parts, in order of first mention


def letter_facts(spec: RequestSpec, tables: list[TidyTable]) -> LetterFacts:
    by_name = {t.name: t for t in tables}
    parts, interpretations, sections = [], [], []
    for part in spec.parts:
        lead = f"Part {part.id}: {part.question.rstrip('.?')}."
        if isinstance(part, DataPart):
            table = by_name.get(f"part_{part.id.lower()}")
            where = f" The figures are in the table '{table.title}'." if table else ""
            parts.append(lead + where)
            interpretations.append(f"Part {part.id}: {part.interpretation.strip()}")
            continue
        if isinstance(part, NotHeldPart):
            held = f" It is held by {part.held_by}." if part.held_by else ""
            parts.append(f"{lead} The force does not hold this information.{held} {part.text.strip()}")
        else:
            parts.append(f"{lead} {part.text.strip()}")
        sections += [s for s in part.exemptions if s not in sections]
    return LetterFacts(spec.due, tuple(parts), tuple(interpretations), tuple(sections))
