"""Assemble what a release says about itself (the ReleaseContext) from settings, the warehouse and the spec,
then hand the flagged tables to the publish stage. The wording of the general notes lives here."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import polars as pl

from flows.config import Settings
from flows.contracts.manifest import DisclosurePolicy
from flows.contracts.tidy import Role, TidyTable
from flows.protection import Protected
from flows.provenance import code_version, warehouse_state
from flows.publication_record import record_release
from flows.reference.load import reference_version
from flows.requests.notes import INCLUSIVE, OUTCOME_RULE, PRINCIPAL_RULE

# The same sentences as the tables' own notes (flows.requests.notes), so the Notes sheet lists each rule once.
COUNTING_RULES = (PRINCIPAL_RULE, OUTCOME_RULE, INCLUSIVE)


def publish_tables(
    settings: Settings, con: duckdb.DuckDBPyConnection, tables: list[TidyTable], *, reference: str, title: str,
    request: Any | None, facts: Any | None = None, spec_sha256: str | None = None, spec_path: str | None = None,
    protected: Protected, next_update: str | None = None,
) -> Any:
    from flows.publish.context import ReleaseContext
    from flows.publish.release import publish_release

    _validate_outputs(settings, tables, reference)
    explanation = protected.explanation
    ref = reference_version(settings.reference_dir)
    state = warehouse_state(con)
    context = ReleaseContext(
        reference=reference,
        title=title,
        organisation=settings.organisation,
        contact=settings.contact,
        synthetic=settings.synthetic,
        threshold=settings.threshold,
        published=date.today(),
        as_at=state.as_at,
        notes=[*_counting_rules(tables, request), *explanation],
        next_update=next_update,
        request=(_foi_request(request, facts, _exemptions_from_flags(tables), explanation)
                 if request is not None else None),
        templates_dir=settings.templates_dir,
        request_spec_sha256=spec_sha256,
        request_spec_path=spec_path,
        reference_data_version=ref.version,
        reference_data_sha256=ref.sha256,
        code=code_version(),
        warehouse=state,
        policy=DisclosurePolicy(threshold=settings.threshold, method=protected.method, policy=protected.policy,
                                margins_published=protected.margins_published, audit=protected.audit_rules),
    )
    result = publish_release(tables, context, settings.published_dir, audit=protected.audit)
    if result.status == "published":
        record_release(settings, result.release_id, protected.cells(result.release_id))
    return result


def _validate_outputs(settings: Settings, tables: list[TidyTable], reference: str) -> None:
    """The release.cells GX suite on the published view; a critical failure blocks publication."""
    from flows.pipeline import PipelineFailed
    from flows.validate.outputs import validate_release_tables

    report = validate_release_tables(tables, settings, run_id=f"release-{reference}")
    if report.blocks_publication:
        raise PipelineFailed(f"{reference}: output validation failed, nothing published: "
                             + "; ".join(report.critical_failures))


def _counting_rules(tables: list[TidyTable], request: Any | None) -> list[str]:
    """Standing tables use the house rules; a request's tables carry the rules used for them in their notes."""
    if request is None:
        return list(COUNTING_RULES)
    restated = {p.interpretation.strip() for p in request.data_parts}  # the letter restates these separately
    return list(dict.fromkeys(note for t in tables for note in t.notes if note.strip() not in restated))


def _foi_request(spec: Any, facts: Any, disclosure_exemptions: list[str], explanation: list[str]) -> Any:
    """The FOI facts for the letter and the log: parts answered, exemptions relied on, the outcome.

    ``disclosure_exemptions`` are the sections disclosure control supports; the letter claims exactly these
    and those the spec's parts cite, and explains them in the force's words (data/templates/exemptions/)."""
    from flows.publish.context import Exemption, FoiRequest

    sections = dict.fromkeys([*disclosure_exemptions, *facts.exemptions])
    exemptions = [Exemption(section=section) for section in sections]
    ncnd = any(part.response == "ncnd" for part in spec.parts)
    if not spec.data_parts:
        outcome = "Neither confirm nor deny" if ncnd else "Not held"
    else:
        outcome = "Partially disclosed" if exemptions else "Disclosed in full"
    return FoiRequest(request_text=spec.request_text.strip(), date_received=spec.received, date_due=facts.due,
                      parts=list(facts.parts), withheld=explanation, outcome=outcome, exemptions=exemptions, ncnd=ncnd)


def _exemptions_from_flags(tables: list[TidyTable]) -> list[str]:
    """SEAM (issue 14 item 1, the release stage): today's rule reads the [c] flags, so a table that was only
    rounded or combined claims nothing. ``Protected.exemptions`` (flows/sdc/explain.py) is to be the single
    source: pass it to :func:`_foi_request` instead, and delete this and :func:`_pending_suppressed`."""
    if not any(t.frame[m.flag].str.contains("[c]", literal=True).any() for t in tables for m in t.measures):
        return []
    return ["s.40(2)", "s.30(1)"] if any(_pending_suppressed(t) for t in tables) else ["s.40(2)"]


def _pending_suppressed(table: TidyTable) -> bool:
    """Does any hidden count concern an outcome still pending (what s.30 protects)?"""
    f = table.frame
    outcome_columns = [c for c in ("outcome", "further_action", "outcome_group") if c in f.columns]
    flags = [m.flag for m in table.measures if m.role is Role.COUNT]
    if not outcome_columns or not flags:
        return False
    pending = pl.any_horizontal([pl.col(c).str.contains("(?i)pending") for c in outcome_columns])
    hidden = pl.any_horizontal([pl.col(flag).str.contains("[c]", literal=True) for flag in flags])
    return bool(f.filter(pending & hidden).height)
