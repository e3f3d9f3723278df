"""What the letter says about a request beyond the tables: the due date, each part and how it is answered,
and the sections the parts themselves cite. The letter's wording lives in the force's templates
(data/templates/); this module decides nothing about wording, and the exemptions disclosure control
supports are added by the release stage, not here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flows.contracts.letter import PartAnswer
from flows.contracts.tidy import TidyTable
from flows.requests.models import DataPart, NotHeldPart, RequestSpec
from flows.requests.plan import PartPlan


@dataclass(frozen=True)
class RequestFacts:
    due: date
    parts: tuple[PartAnswer, ...]
    exemptions: tuple[str, ...]  # sections cited by the non-data parts, in order of first mention


def letter_facts(spec: RequestSpec, tables: list[TidyTable], plans: Sequence[PartPlan] = ()) -> RequestFacts:
    """``plans`` (each data part's plan) add what the part's filters kept to the interpretation restated."""
    by_name = {t.name: t for t in tables}
    filters = {p.part.id: " ".join(f.sentence for f in p.filters) for p in plans}
    parts, sections = [], []
    for part in spec.parts:
        base = {"id": part.id, "question": part.question.strip(), "response": part.response}
        if isinstance(part, DataPart):
            table = by_name.get(f"part_{part.id.lower()}")
            parts.append(
                PartAnswer(
                    **base,
                    interpretation=" ".join(
                        x for x in (part.interpretation.strip(), filters.get(part.id)) if x
                    ),
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
