"""Assemble what a release says about itself (the ReleaseContext) from settings, the warehouse and the spec,
then hand the flagged tables to the publish stage. The wording of the general notes lives here."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from flows.config import Settings
from flows.contracts.manifest import DisclosurePolicy
from flows.contracts.tidy import TidyTable
from flows.provenance import code_version, warehouse_state
from flows.reference.load import reference_version
from flows.sdc.primary import cells_suppressed

POLICY = "primary-only"
METHOD = "primary suppression of counts 1 to k-1; no totals or margins published"

COUNTING_RULES = (
    "Arrests are counted once per custody record, under the principal offence (the first offence recorded on the "
    "custody record).",
    "The outcome is the custody record's disposal as recorded in the latest extract; bail and release under "
    "investigation are reported as 'Outcome pending'.",
    "Periods include both their first and last days.",
)


def suppression_note(threshold: int) -> str:
    return (
        f"To protect the people these figures count, numbers from 1 to {threshold - 1} are shown as [c]. "
        "Totals are not published in this release, because a total would let a hidden number be worked out by "
        "subtraction. Zeros are shown as 0."
    )


def publish_tables(
    settings: Settings, con: duckdb.DuckDBPyConnection, tables: list[TidyTable], *, reference: str, title: str,
    request: Any | None, spec_sha256: str | None = None, spec_path: str | None = None,
) -> Any:
    from flows.publish.context import ReleaseContext
    from flows.publish.release import publish_release

    ref = reference_version(settings.reference_dir)
    state = warehouse_state(con)
    suppressed = sum(cells_suppressed(t) for t in tables)
    context = ReleaseContext(
        reference=reference,
        title=title,
        organisation=settings.organisation,
        contact=settings.contact,
        synthetic=settings.synthetic,
        threshold=settings.threshold,
        published=date.today(),
        as_at=state.as_at,
        notes=[*COUNTING_RULES, suppression_note(settings.threshold)],
        request=_foi_request(request, suppressed, tables) if request is not None else None,
        request_spec_sha256=spec_sha256,
        request_spec_path=spec_path,
        reference_data_version=ref.version,
        reference_data_sha256=ref.sha256,
        code=code_version(),
        warehouse=state,
        policy=DisclosurePolicy(threshold=settings.threshold, method=METHOD, policy=POLICY, margins_published=False),
    )
    return publish_release(tables, context, settings.published_dir)


def _foi_request(spec: Any, suppressed: int, tables: list[TidyTable]) -> Any:
    """The FOI facts for the letter and the log: parts answered, exemptions relied on, the outcome."""
    from flows.publish.context import Exemption, FoiRequest

    exemptions: list[Exemption] = []
    if suppressed:
        exemptions.append(Exemption(section="s.40(2)", reason="small numbers could identify the people counted"))
        if any(_pending_suppressed(t) for t in tables):
            exemptions.append(Exemption(section="s.30(1)", reason="some figures concern investigations still open"))
    parts, ncnd = [], False
    for part in spec.parts:
        if part.response == "data":
            parts.append(f"Part {part.id}: {part.question}. The figures are in the attached tables.")
            continue
        parts.append(f"Part {part.id}: {part.question}. {part.text}")
        for section in part.exemptions:
            exemptions.append(Exemption(section=section))
        ncnd = ncnd or part.response == "ncnd"
    data = bool(spec.data_parts)
    if not data:
        outcome = "Neither confirm nor deny" if ncnd else "Not held"
    else:
        outcome = "Partially disclosed" if exemptions else "Disclosed in full"
    return FoiRequest(request_text=spec.request_text.strip(), date_received=spec.received, response_parts=parts,
                      outcome=outcome, exemptions=exemptions, ncnd=ncnd)


def _pending_suppressed(table: TidyTable) -> bool:
    f = table.frame
    if "outcome" not in f.columns:
        return False
    return bool(f.filter((f["outcome"] == "Outcome pending") & f["arrests_flag"].str.contains("[c]", literal=True)).height)
