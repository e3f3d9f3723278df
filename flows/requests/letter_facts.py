"""What the letter says about a request beyond the tables: the due date, each part and how it is answered,
and the sections the parts themselves cite. The letter's wording lives in the force's templates
(data/templates/); this module decides nothing about wording, and the exemptions disclosure control
supports are added by the release stage, not here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.contracts.letter import PartAnswer
from flows.contracts.tidy import TidyTable
from flows.requests.models import DataPart, NotHeldPart, RequestSpec


@dataclass(frozen=True)
class RequestFacts:
    due: date
    parts: tuple[PartAnswer, ...]
    exemptions: tuple[str, ...]  # sections cited by the non-data parts, in order of first mention


def letter_facts(spec: RequestSpec, tables: list[TidyTable]) -> RequestFacts:
    by_name = {t.name: t for t in tables}
    parts, sections = [], []
    for part in spec.parts:
        base = {"id": part.id, "question": part.question.strip(), "response": part.response}
        if isinstance(part, DataPart):
            table = by_name.get(f"part_{part.id.lower()}")
            parts.append(
                PartAnswer(
                    **base,
                    interpretation=part.interpretation.strip(),
                    table=table.name if table else None,
                    table_title=table.title if table else None,
                )
            )
            continue
        held = (
            {"held_by": part.held_by, "held_by_contact": part.held_by_contact}
            if isinstance(part, NotHeldPart)
            else {}
        )
        parts.append(PartAnswer(**base, text=part.text.strip(), exemptions=list(part.exemptions), **held))
        sections += [s for s in part.exemptions if s not in sections]
    return RequestFacts(spec.due, tuple(parts), tuple(sections))
