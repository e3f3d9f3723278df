"""The one entry point: tidy tables in (true values, margins included), safe flagged tables out.

Read the package in this order: :mod:`~flows.sdc.choose` (the alternatives, scored by what the requester
gets) runs each through :mod:`~flows.sdc.suppress`, the pipeline rules (:mod:`~flows.sdc.rules`) ->
constraint system (:mod:`~flows.sdc.system`) -> solve (:mod:`~flows.sdc.solve`) -> flag
(:mod:`~flows.sdc.flag`) -> audit (:mod:`~flows.sdc.gate`); :mod:`~flows.sdc.explain` then says what was done,
in general terms. Every result has passed the independent audit (:mod:`flows.sdc_audit`) on its published
view; if nothing passes, nothing is returned.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from flows.contracts.tidy import Role, TidyTable, check_tidy, with_empty_flags
from flows.sdc.choose import Choice, NothingSafe, choose, in_words
from flows.sdc.cumulative import Cumulative
from flows.sdc.explain import Facts, explain
from flows.sdc.history import Axes, PublishedCell
from flows.sdc.policy import SdcPolicy
from flows.sdc.reuse import Withheld
from flows.sdc.score import Score
from flows.sdc.shapes import COMBINED_BECAUSE
from flows.sdc.solve import Optimality
from flows.sdc.system import CellKey
from flows.sdc_audit import AuditResult


class ProtectionRefused(RuntimeError):
    """No strategy produced tables the audit accepts; the message says what was tried and why it failed."""


@dataclass(frozen=True)
class Protection:
    tables: list[TidyTable]  # flagged; margins included and published
    explanation: list[str]  # general-terms notes for the workbook and letter
    exemptions: list[str]  # FOIA sections, e.g. ["s.40(2)", "s.30(1)"]
    strategy_used: str  # "suppress", "collapse: <dimension>", "round"
    decisions: Mapping[CellKey, tuple[str, ...]]  # internal reasons per withheld cell: NEVER publish
    method: str  # one line for the manifest's disclosure.method
    audit: AuditResult
    comparisons: Mapping[str, str] = field(
        default_factory=dict
    )  # "table.measure" -> dimension, for the audit
    zeros_may_be_withheld: bool = False  # some [c] stands for a 0: the audit must know (and the notes say so)
    optimality: Optimality | None = None  # cost against a proven bound (None: nothing was optimised)
    score: Score | None = None  # what the requester gets (flows/sdc/score.py)

    @property
    def cells_suppressed(self) -> int:
        return len(self.decisions)


def protect(
    tables: Sequence[TidyTable],
    policy: SdcPolicy | None = None,
    history: Sequence[PublishedCell] | None = None,
    *,
    populations: Mapping[str, Axes] | None = None,
    release_id: str = "this release",
    as_at: str = "",
    public_source: str | None = None,
    previous: Collection[Withheld] = (),
) -> Protection:
    """Protect ``tables`` together (cells with identical labels are the same cell in every table).

    ``history`` is every cell published before (:mod:`flows.sdc.history`, superseded and withdrawn ones
    included); with it, ``populations`` must say what each new table's labels count, and ``as_at`` is the
    data's as-at time. The new release is then checked with all earlier ones as one system, and cells are
    withheld until nothing earlier or new can be worked out; if that fails the release is refused.

    ``public_source`` says the figures are ones anyone can compute from what the force already publishes there
    (data.police.uk): they are published in full, with nothing withheld, and the notes point there.

    ``previous`` names the cells an earlier version of these tables withheld: with the policy's
    ``reuse_previous_pattern`` the solver starts from them (:mod:`flows.sdc.reuse`).
    """
    policy = policy or SdcPolicy()
    if public_source:
        notes, exemptions = explain(Facts("public", public=public_source), policy)
        shown = [replace(with_empty_flags(t), public_source=public_source) for t in tables]
        return Protection(
            shown,
            notes,
            exemptions,
            "public",
            {},
            f"published in full: the figures are already "
            f"public on {public_source}; recorded for cumulative checks",
            AuditResult((), 0, "none needed: already public"),
        )
    # a release with populations enters the publication record, so it is checked as one (even the first) and is
    # never rounded: a rounded figure recorded as a count would contradict the true ones
    recorded = bool(history) or populations is not None
    cumulative = (
        Cumulative(list(history or []), populations or {}, release_id, as_at, policy) if recorded else None
    )
    tables = [with_empty_flags(t) for t in tables]
    for t in tables:
        if not any(policy.is_non_additive(t.name, d.name) for d in t.dimensions):
            check_tidy(t)  # skips the sum check itself when the table says it is not additive
    try:
        choice = choose(tables, policy, cumulative, previous)
    except NothingSafe as exc:
        raise ProtectionRefused(str(exc)) from None
    return _protection(choice, policy)


def _protection(choice: Choice, policy: SdcPolicy) -> Protection:
    result = choice.suppressed
    attempts = _choice_in_words(choice)
    if result is None:
        notes, exemptions = explain(Facts("round", rounded=True, attempts=attempts), policy)
        return Protection(
            choice.tables,
            notes,
            exemptions,
            "round",
            {},
            f"rounded to base {policy.round_base}; [low] for non-zero figures that round to zero; audited",
            choice.audit,
            score=choice.score,
        )
    reasons = [r for rs in result.decisions.values() for r in rs]
    kinds = {
        kind
        for r in reasons
        for kind, prefix in (
            ("threshold", "threshold"),
            ("person", "person rule"),
            ("group", "group rule"),
            ("upstream", "withheld before"),
        )
        if r.startswith(prefix)
    }
    pending = any(
        label in policy.pending_labels for table, labels, _ in result.decisions for _, label in labels
    )
    collapsed = [d for d, _ in choice.alternative.combined]
    zeros = any(
        bool((t.frame[m.name].eq(0) & t.frame[m.flag].str.contains("[c]", literal=True)).any())
        for t in result.tables
        for m in t.measures
        if m.role is Role.COUNT
    )
    facts = Facts(
        choice.name,
        withheld=result.hidden,
        primary_kinds=kinds,
        secondary=result.secondary,
        collapsed=_combined_notes(result.tables) if collapsed else [],
        pending_withheld=pending,
        overrides_used=any(f"fewer than {policy.k}" not in r for r in reasons if r.startswith("threshold")),
        attempts=attempts,
        zeros_withheld=zeros,
    )
    notes, exemptions = explain(facts, policy)
    method = (
        f"threshold k={policy.k} with secondary suppression ({result.method}); margins published; "
        f"audited by {result.audit.method}"
    ) + (f"; {', '.join(dict.fromkeys(collapsed))} combined" if collapsed else "")
    return Protection(
        result.tables,
        notes,
        exemptions,
        choice.name,
        result.decisions,
        method,
        result.audit,
        result.comparisons,
        zeros_may_be_withheld=zeros,
        optimality=result.optimality,
        score=choice.score,
    )


def _combined_notes(tables: list[TidyTable]) -> list[str]:
    """The notes collapsing added, word for word: the release notes and the table notes then agree (one note)."""
    return list(dict.fromkeys(note for t in tables for note in t.notes if note.endswith(COMBINED_BECAUSE)))


def _choice_in_words(choice: Choice) -> list[str]:
    """The choice as the notes and the letter state it: in general terms, never a cell."""
    if not choice.considered:
        return []
    said = [
        f"{in_words(choice.alternative)}, which of the ways considered gives the most of what was asked "
        f"(also considered: {'; '.join(choice.considered)})"
    ]
    return said + [f"{x} could not protect every figure" for x in choice.failed]
