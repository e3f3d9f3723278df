"""The one release path, for requests and standing datasets alike: answer -> protect -> check -> draft.

Each data part is counted from a read-only warehouse connection, every table is protected together with the
publication record (cumulative disclosure), the release.cells GX suite checks the published view, and the
draft step writes the files, lets the guard and the independent audit re-read them, and keeps what
publication needs. A person then approves the draft and publishes it (approve.py, publish.py); a standing
dataset is approved and published at once when the force's policy says so (``release.publish_standing``).
"""

from __future__ import annotations

from flows.config import Settings
from flows.contracts.tidy import TidyTable
from flows.db import connect
from flows.errors import PipelineFailed
from flows.release.context import build_context
from flows.release.count_cache import counted
from flows.release.draft import write_draft
from flows.release.protection import protect_release
from flows.release.result import ReleaseResult
from flows.release.source import ReleaseSource
from flows.requests.answer import answer_part_planned
from flows.requests.errors import SpecError
from flows.requests.held import NotHeld
from flows.requests.populations import populations_for
from flows.runs import progress

AUTOMATIC = "policy: standing datasets publish automatically"


def release(settings: Settings, source: ReleaseSource) -> list[ReleaseResult]:
    """Answer, protect and draft ``source`` as the next version of its reference (or report it unchanged);
    then, for a standing dataset whose policy says so, approve and publish it."""
    from flows.validate.gx_process import warm_up_in_background

    warm_up_in_background()  # the output suite needs GX: its process imports it while the parts are counted
    with connect(settings, read_only=True) as con:
        progress.stage(f"{source.reference}: counting")
        answered, source = answer_parts(settings, con, source)
        progress.stage(f"{source.reference}: disclosure control")
        protected = protect_release(
            [table for _, table in answered],
            settings,
            populations=populations_for(con, answered),
            reference=source.reference,
            dataset=source.revisions_of,
        )
        tables = revised(settings, source, protected.tables)
        progress.stage(f"{source.reference}: output validation")
        validate_outputs(settings, tables, source.reference)
        context = build_context(
            settings, con, tables, source, protected, plans=[plan for plan, _ in answered]
        )
    progress.stage(f"{source.reference}: drafting (guard and audit)")
    drafted = write_draft(settings, tables, context, protected, source.kind)
    return [drafted, *publish_by_policy(settings, drafted, source.kind)]


def answer_parts(settings: Settings, con, source: ReleaseSource) -> tuple[list, ReleaseSource]:
    """Each data part's plan and table; a part the extracts cannot answer (a column they did not supply for its
    periods) becomes a "not held in this form" part of the request instead (flows/requests/held.py)."""
    answered, not_held = [], {}
    for part, where in source.parts:
        options = {"where": where, "k": settings.threshold, "organisation": settings.organisation}
        try:
            answered.append(
                counted(
                    settings,
                    con,
                    {"part": part, **options},
                    lambda part=part, options=options: answer_part_planned(
                        con, part, settings.sql_dir, margins=True, **options
                    ),
                )
            )
        except NotHeld as exc:
            not_held[part.id] = exc.part
        except SpecError as exc:
            raise exc.in_file(source.spec_path) from None
    return answered, source.without_parts(not_held)


def publish_by_policy(settings: Settings, drafted: ReleaseResult, kind: str) -> list[ReleaseResult]:
    """A standing dataset's draft, approved (as the policy) and published at once where the force's policy says
    so (``release.publish_standing = "automatically"``); otherwise nothing: it waits for a person."""
    if kind != "standing" or settings.release.publish_standing != "automatically":
        return []
    from flows.release.approve import approve
    from flows.release.publish import publish
    from flows.release.store import find_draft

    done = []
    if find_draft(settings, drafted.release_id).approval is None:
        done.append(approve(settings, drafted.release_id, by=AUTOMATIC))
    return [*done, publish(settings, drafted.release_id)]


def revised(settings: Settings, source: ReleaseSource, tables: list[TidyTable]) -> list[TidyTable]:
    """A standing period's figures that differ from the previous period's release, marked ``[r]``."""
    if source.revisions_of is None:
        return tables
    from flows.release.record import read_events
    from flows.release.standing import previous_values
    from flows.requests.revisions import mark_revisions

    events = read_events(settings)

    return [
        mark_revisions(
            t, previous_values(settings.published_dir, events, source.revisions_of, source.reference, t.name)
        )
        for t in tables
    ]


def validate_outputs(settings: Settings, tables: list[TidyTable], reference: str) -> None:
    """The release.cells GX suite on the published view; a critical failure blocks publication."""
    from flows.validate.outputs import validate_release_tables

    report = validate_release_tables(tables, settings, run_id=f"release-{reference}")
    if report.blocks_publication:
        raise PipelineFailed(
            f"{reference}: output validation failed, nothing published: "
            + "; ".join(report.critical_failures)
        )
