"""Disclosure control as the release stages apply it: true tables (margins included) in, safe flagged tables
out, with the general-terms explanation for the notes and letter, the public rules the manifest records, and
the independent audit the publish step runs on the files as written.

Each table is protected on its own: the parts of a request count different things (another offence
selection, another counting rule), so a label shared by two of them is not one figure. What links releases
to each other is the publication record's job (cumulative disclosure), not this one's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flows.config import Settings
from flows.contracts.manifest import AuditRules, Optimality, ThresholdRule
from flows.contracts.tidy import TidyTable
from flows.release.comparison_link import join, split, split_axes
from flows.release.record import load_history
from flows.sdc.history import Axes, PublishedCell, cells_of
from flows.sdc.policy import SdcPolicy
from flows.sdc.reuse import Withheld
from flows.sdc.score import Score

#: the dimension the group rule looks along, in order of preference: the first one a table has
GROUP_DIMENSIONS = ("outcome", "further_action", "outcome_group", "outcome_type", "disposal")


@dataclass(frozen=True)
class Protected:
    tables: list[TidyTable]
    explanation: list[str]
    method: str
    policy: str
    margins_published: bool
    exemptions: list[str] = field(
        default_factory=list
    )  # FOIA sections the protection relies on: the only source
    audit: Callable[[Path], list] | None = None  # run on the release folder before it is published
    audit_rules: AuditRules | None = None  # the public rules, written into the manifest
    populations: Mapping[str, Axes] | None = None  # what each table's cells count: for the publication record
    group_dimensions: Mapping[str, str] = field(
        default_factory=dict
    )  # table -> where the group rule hid zeros
    optimality: list[Optimality] = field(default_factory=list)  # per table: the gap to a proven bound
    answered: dict[str, Score] = field(default_factory=dict)  # per table: what the requester gets (choose.py)

    @property
    def as_at(self) -> datetime | None:
        """The time the figures are as known at, when every table counts the same as-at population (a request
        'as at 30 June 2023' is as at then, not the warehouse's latest extract)."""
        found = {axes.as_at for axes in (self.populations or {}).values()}
        return datetime.fromisoformat(found.pop()) if len(found) == 1 and None not in found else None

    def cells(self, release_id: str) -> list[PublishedCell]:
        """The released cells with their populations, for the publication record (empty without populations);
        a withheld cell the group rule may have hidden as a zero says so (:func:`flows.sdc.history.published_cells`)."""
        if not self.populations:
            return []
        axes = {t.name: self.populations[t.name].keeping(t.dimension_names) for t in self.tables}
        return cells_of(self.tables, axes, release_id, "", self.group_dimensions)


def release_policy(settings: Settings) -> SdcPolicy:
    """The configured policy (``threshold`` and ``[disclose.disclosure]``): public, so the audit assumes it."""
    return SdcPolicy(k=settings.threshold, **settings.disclosure)


def protect_release(
    tables: Sequence[TidyTable],
    settings: Settings,
    policy: SdcPolicy | None = None,
    *,
    populations: Mapping[str, Axes] | None = None,
    reference: str = "this release",
    dataset: str | None = None,
) -> Protected:
    """Protect every table (suppression, else collapsing, else rounding: least information lost first), each
    result already passed by the independent audit; the publish step audits the written files once more.

    ``dataset``: a standing dataset whose earlier period's pattern a first version may start from.

    With ``populations`` (what each table's cells count), every cell in the publication record is taken into
    account, and so are the tables protected before in this release: a figure that, with anything published
    before, would let a withheld one be worked out is withheld too, or the release is refused."""
    from flows.release.protection_cache import cached

    policy = policy or release_policy(settings)
    history, history_key = _history(settings, reference) if populations else ([], None)
    previous = previous_withheld(settings, reference, dataset) if policy.reuse_previous_pattern else ()
    inputs = {
        "tables": list(tables),
        "policy": policy,
        "populations": populations,
        "reference": reference,
        "history": history_key,
    }  # not the previous pattern: a hint where to start, so a re-run keeps the pattern it found, not a new one
    return cached(
        settings, inputs, lambda: _protect(tables, policy, populations, reference, history, previous)
    )


def previous_withheld(settings: Settings, reference: str, dataset: str | None = None) -> tuple[Withheld, ...]:
    """The cells the latest earlier version of ``reference`` withheld, where the solver starts from
    (flows/sdc/reuse.py): its draft's cells, as published or awaiting approval. A standing period's first
    version starts from the previous period's (``dataset``): most of its cells are the same figures."""
    from flows.release.store import draft_cells, latest_draft_file

    path = latest_draft_file(settings, reference, dataset)
    cells = draft_cells(path, settings) if path is not None else ()
    return tuple(dict.fromkeys((c.table, c.labels, c.measure) for c in cells if "[c]" in str(c.shown)))


def _protect(
    tables: Sequence[TidyTable],
    policy: SdcPolicy,
    populations: Mapping[str, Axes] | None,
    reference: str,
    history: list[PublishedCell],
    previous: tuple[Withheld, ...] = (),
) -> Protected:
    from flows.sdc.protect import protect

    history = list(history)
    out, notes, exemptions, methods, strategies, groups, optimality, answered = [], [], [], [], [], {}, [], {}
    for table in tables:
        group = next((d for d in GROUP_DIMENSIONS if d in table.dimension_names), policy.group_dimension)
        if policy.group_rule == "hide_zeros":
            groups[table.name] = group
        axes = split_axes(table, populations[table.name]) if populations else None
        result = protect(
            split(table),
            policy.model_copy(update={"group_dimension": group}),
            history or None,
            populations=axes,
            release_id=f"{reference} (being prepared)",
            public_source=public_source(populations[table.name], policy) if populations else None,
            previous=[w for w in previous if w[0] == table.name],
        )
        if axes:  # later tables of this release are checked against this one too
            kept = {t.name: axes[t.name].keeping(t.dimension_names) for t in result.tables}
            history += cells_of(
                result.tables,
                kept,
                f"{reference} (being prepared)",
                "",
                dict.fromkeys(kept, groups.get(table.name)),
            )
        out.append(join(table, result.tables))
        notes += result.explanation
        exemptions += result.exemptions
        methods.append(result.method)
        strategies.append(result.strategy_used)
        if result.optimality is not None:
            optimality.append(_stated(table.name, result.optimality))
        if result.score is not None:
            answered[table.name] = result.score
    rules = AuditRules(
        zeros_published=policy.zeros == "publish",
        group_dimensions=list(GROUP_DIMENSIONS) if policy.group_rule == "hide_zeros" else [],
        protection_width=policy.protection_width,
        k_rules=[
            ThresholdRule(k=o.k, dimension=o.dimension, labels=list(o.labels)) for o in policy.overrides
        ],
        non_additive=list(policy.non_additive),
    )
    return Protected(
        out,
        list(dict.fromkeys(notes)),
        "; ".join(dict.fromkeys(methods)),
        ", ".join(dict.fromkeys(strategies)) or policy.strategy,
        True,
        list(dict.fromkeys(exemptions)),
        audit_release,
        rules,
        populations,
        groups,
        optimality,
        answered,
    )


OBJECTIVES = {
    "cells": "withheld cells",
    "values": "withheld values (each withheld cell counts its value plus one)",
}


def _stated(table: str, found) -> Optimality:
    """The manifest's statement: the gap rounded up to a tenth of a percent, never the cost (a sum of withheld
    values)."""
    import math

    return Optimality(
        table=table,
        objective=OBJECTIVES.get(found.objective, found.objective),
        gap_at_most_percent=math.ceil(found.gap * 1000 - 1e-9) / 10,
        bound=found.proof,
    )


def public_source(axes: Axes, policy: SdcPolicy) -> str | None:
    """Where the figures are already public, when every fact the table counts is one the force publishes
    (``policy.public_facts``: data.police.uk counts by crime type, month and last outcome)."""
    facts = {m.counts for m in axes.measures.values() if m.counts}
    places = {policy.public_facts.get(f) for f in facts}
    return places.pop() if facts and len(places) == 1 and None not in places else None


def _history(settings: Settings, reference: str) -> tuple[list[PublishedCell], dict]:
    """Everything published, and every other draft that may yet be (flows/release/store.pending_drafts); and
    what identifies them for the protection cache: the published cells themselves, and each pending draft by
    its file's hash (its cells are read from it alone, so hashing the bytes is hashing the cells, in a fraction
    of the time)."""
    from flows.release.record import read_events, release_states
    from flows.release.store import draft_cells, draft_digest, pending_drafts

    published = load_history(settings)
    drafts = pending_drafts(settings, release_states(read_events(settings)), reference)
    cells = published + [cell for path in drafts for cell in draft_cells(path, settings)]
    key = {
        "published": published,
        "drafts": [[str(p.relative_to(settings.drafts_dir)), draft_digest(p)] for p in drafts],
    }
    return cells, key


def audit_release(folder: Path) -> list:
    """The independent audit on a written release folder, as guard findings (empty: may be published)."""
    from flows.publish.guard import Finding
    from flows.sdc_audit import audit_release_folder

    result = audit_release_folder(folder)
    return [Finding(p.table, f"disclosure audit: {p}") for p in result.problems]
