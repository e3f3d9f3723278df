"""The plain facts a letter is rendered from: what was asked, how each part is answered, the tables'
titles and where they are, the exemptions claimed, who holds what is not held, the organisation.

Templates see only this object. It holds no figure at all (only titles, file names, the officer's words and
the general-terms explanation of disclosure control), so no template can state a count or a withheld value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flows.publish.context import NCND_SECTIONS, ReleaseContext
from flows.publish.csv_copy import csv_name
from flows.publish.grid import Grid
from flows.publish.layout import sheet_name

_SECTION_NUMBER = re.compile(r"^s\.(\d+)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class TableSummary:
    number: int  # "Table 1" in the workbook's contents
    name: str
    title: str
    sheet: str  # the worksheet it is on
    csv: str  # its CSV copy


@dataclass(frozen=True)
class Part:
    id: str
    question: str
    response: str  # data, not_held, ncnd, exempt or text
    text: str
    interpretation: str
    held_by: str | None
    held_by_contact: str | None
    exemptions: tuple[str, ...]
    table: TableSummary | None


@dataclass(frozen=True)
class Claim:
    section: str  # as claimed, e.g. "s.40(2)" or "s.31(1)(a)"
    ncnd: bool  # neither confirm nor deny: the duty to confirm or deny does not apply


@dataclass(frozen=True)
class LetterFacts:
    reference: str
    release_id: str
    title: str
    organisation: str
    contact: str
    synthetic: bool
    threshold: int
    date_received: date
    date_due: date | None
    date_responded: date
    request_lines: tuple[str, ...]  # the request as asked, line by line
    outcome: str
    parts: tuple[Part, ...]
    tables: tuple[TableSummary, ...]
    workbook: str | None  # the workbook whose Notes worksheet the reader needs
    counting_notes: tuple[str, ...]  # how the figures were counted (no sentence repeated)
    protection_notes: tuple[str, ...]  # what disclosure control did, in general terms
    claims: tuple[Claim, ...]  # in the order of the Act
    attachments: tuple[str, ...]

    @property
    def withheld_claims(self) -> tuple[Claim, ...]:
        return tuple(c for c in self.claims if not c.ncnd)

    @property
    def ncnd_claims(self) -> tuple[Claim, ...]:
        return tuple(c for c in self.claims if c.ncnd)

    @property
    def data_parts(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.response == "data")

    @property
    def held_elsewhere(self) -> tuple[Part, ...]:
        """Parts not held here that another body holds: the letter's s.16 advice and assistance."""
        return tuple(p for p in self.parts if p.response == "not_held" and p.held_by)


def table_summaries(grids: list[Grid]) -> tuple[TableSummary, ...]:
    return tuple(
        TableSummary(i, g.name, g.title, sheet_name(i), csv_name(g)) for i, g in enumerate(grids, start=1)
    )


def letter_facts(
    context: ReleaseContext, release_id: str, tables: tuple[TableSummary, ...], attachments: list[str]
) -> LetterFacts:
    """The facts of the letter for ``context``'s request (which must be set)."""
    req = context.request
    if req is None:
        raise ValueError(f"release {context.reference}: a letter needs the request (context.request)")
    by_name = {t.name: t for t in tables}
    parts = tuple(
        Part(
            p.id,
            p.question,
            p.response,
            p.text,
            p.interpretation,
            p.held_by,
            p.held_by_contact,
            tuple(p.exemptions),
            by_name.get(p.table or ""),
        )
        for p in req.parts
    )
    protection = tuple(dict.fromkeys(req.withheld))
    counting = _unrepeated([n for n in context.notes if n not in protection])
    claims = sorted({e.section for e in req.exemptions}, key=_act_order)
    return LetterFacts(
        reference=context.reference,
        release_id=release_id,
        title=context.title,
        organisation=context.organisation,
        contact=context.contact,
        synthetic=context.synthetic,
        threshold=context.threshold,
        date_received=req.date_received,
        date_due=req.date_due,
        date_responded=context.date_responded or context.published,
        request_lines=tuple(line.rstrip() for line in req.request_text.strip().splitlines()),
        outcome=req.outcome,
        parts=parts,
        tables=tables,
        workbook=next((a for a in attachments if a.endswith((".xlsx", ".ods"))), None),
        counting_notes=counting,
        protection_notes=protection,
        claims=tuple(Claim(s, s in NCND_SECTIONS) for s in claims),
        attachments=tuple(attachments),
    )


def _act_order(section: str) -> tuple[int, str]:
    match = _SECTION_NUMBER.match(section)
    return (int(match.group(1)) if match else 999, section)


def _unrepeated(notes: list[str]) -> tuple[str, ...]:
    """Notes with any sentence an earlier note already said left out (two tables' comparison notes share
    their explanation); a note left with nothing new is dropped."""
    seen: set[str] = set()
    out = []
    for note in notes:
        kept = []
        for sentence in _SENTENCE_END.split(note.strip()):
            key = " ".join(sentence.split()).lower()
            if key and key not in seen:
                seen.add(key)
                kept.append(sentence)
        if kept:
            out.append(" ".join(kept))
    return tuple(out)
