"""What a release says about itself (the ReleaseContext), assembled from settings, the warehouse, the source and
what disclosure control did. The wording of the general notes lives here.

The exemptions a response claims come from one place: :attr:`Protected.exemptions` (what disclosure control
relied on: s.40(2) for anything withheld, combined or rounded; s.30(1) for pending outcomes), plus the sections
the spec's non-data parts cite. The letter and the log render them; neither decides them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb

from flows.config import Settings
from flows.contracts.manifest import Answered, DisclosurePolicy
from flows.contracts.tidy import TidyTable
from flows.publish.context import Exemption, FoiRequest, ReleaseContext
from flows.reference.load import reference_version
from flows.release.protection import Protected
from flows.release.provenance import code_version, warehouse_state
from flows.release.source import ReleaseSource
from flows.requests.notes import INCLUSIVE, OUTCOME_RULE, PRINCIPAL_RULE

# The same sentences as the tables' own notes (flows.requests.notes), so the Notes sheet lists each rule once.
COUNTING_RULES = (PRINCIPAL_RULE, OUTCOME_RULE, INCLUSIVE)


def build_context(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    tables: list[TidyTable],
    source: ReleaseSource,
    protected: Protected,
    published: date | None = None,
    plans: Sequence[Any] = (),
) -> ReleaseContext:
    ref = reference_version(settings.reference_dir)
    state = warehouse_state(con)
    state = state.model_copy(update={"as_at": protected.as_at or state.as_at})  # the population's as-at
    spec = source.request
    return ReleaseContext(
        reference=source.reference,
        title=source.title,
        organisation=settings.organisation,
        contact=settings.contact,
        synthetic=settings.synthetic,
        threshold=settings.threshold,
        published=published or date.today(),
        as_at=state.as_at,
        notes=[*_counting_rules(tables, spec), *protected.explanation],
        next_update=source.next_update,
        request=None if spec is None else foi_request(spec, tables, protected, plans),
        templates_dir=settings.templates_dir,
        request_spec_sha256=source.spec_sha256,
        request_spec_path=source.spec_path,
        reference_data_version=ref.version,
        reference_data_sha256=ref.sha256,
        code=code_version(),
        warehouse=state,
        policy=DisclosurePolicy(
            threshold=settings.threshold,
            method=protected.method,
            policy=protected.policy,
            margins_published=protected.margins_published,
            audit=protected.audit_rules,
            optimality=protected.optimality,
            answered=[
                Answered(
                    table=name,
                    figures_requested=found.requested,
                    figures_published_exactly=found.exact,
                    share_published_percent=math.floor(found.share * 1000) / 10,
                    totals_requested=found.requested_totals,
                    totals_published_exactly=found.totals,
                )
                for name, found in protected.answered.items()
            ],
        ),
    )


def _counting_rules(tables: list[TidyTable], request: Any | None) -> list[str]:
    """Standing tables use the house rules; a request's tables carry the rules used for them in their notes."""
    if request is None:
        return list(COUNTING_RULES)
    restated = {p.interpretation.strip() for p in request.data_parts}  # the letter restates these separately
    return list(dict.fromkeys(note for t in tables for note in t.notes if note.strip() not in restated))


def foi_request(
    spec: Any, tables: list[TidyTable], protected: Protected, plans: Sequence[Any] = ()
) -> FoiRequest:
    """The FOI facts for the letter and the log: parts answered (with each data part's filters, from its plan),
    exemptions relied on, the outcome."""
    from flows.requests.letter_facts import letter_facts

    facts = letter_facts(spec, tables, plans)
    sections = dict.fromkeys([*protected.exemptions, *facts.exemptions])  # why: the force's templates say
    exemptions = [Exemption(section=section) for section in sections]
    ncnd = any(part.response == "ncnd" for part in spec.parts)
    if not spec.data_parts:
        outcome = "Neither confirm nor deny" if ncnd else "Not held"
    else:
        partial = exemptions or any(part.response == "not_held" for part in spec.parts)
        outcome = "Partially disclosed" if partial else "Disclosed in full"
    return FoiRequest(
        request_text=spec.request_text.strip(),
        date_received=spec.received,
        date_due=facts.due,
        parts=list(facts.parts),
        withheld=protected.explanation,
        outcome=outcome,
        exemptions=exemptions,
        ncnd=ncnd,
    )
