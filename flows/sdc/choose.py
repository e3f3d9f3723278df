"""The chooser: answer the question as an analyst would, by trying the ways the policy allows and keeping the
one that gives the requester most.

The alternatives (:func:`flows.sdc.shapes.alternatives`) are the requested shape with figures withheld,
periods or outcome categories combined, offences grouped (one or two dimensions), and rounding to base 5 with
``[low]``. Each is protected by the same pipeline (:mod:`flows.sdc.suppress`) or, rounded, audited as it is;
each safe one is scored by what the requester gets (:mod:`flows.sdc.score`), and the highest score wins (the
earlier alternative on a tie, so the requested shape wins when nothing beats it). An alternative is skipped
when even publishing everything but its small counts could not beat the best found, so a table that needs
little withheld is answered without trying the rest.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import polars as pl

from flows.contracts.tidy import Role, TidyTable
from flows.sdc.cumulative import Cumulative
from flows.sdc.gate import audit_protected
from flows.sdc.heuristic import CannotProtect
from flows.sdc.policy import SdcPolicy
from flows.sdc.reuse import Withheld
from flows.sdc.score import Score, score
from flows.sdc.shapes import Alternative, alternatives
from flows.sdc.suppress import Suppressed, suppress_tables
from flows.sdc_audit import AuditResult


@dataclass
class Choice:
    alternative: Alternative
    tables: list[TidyTable]  # flagged, as published
    suppressed: Suppressed | None  # None when rounded
    audit: AuditResult
    score: Score
    considered: list[str] = field(default_factory=list)  # the others, in words (public, general terms)
    failed: list[str] = field(
        default_factory=list
    )  # in words: alternatives that could not protect every figure

    @property
    def name(self) -> str:
        return self.alternative.name


class NothingSafe(RuntimeError):
    """No alternative passed the audit; the message says what was tried (it may name cells: internal)."""


def choose(
    tables: list[TidyTable],
    policy: SdcPolicy,
    cumulative: Cumulative | None,
    previous: Collection[Withheld] = (),
) -> Choice:
    options = alternatives(tables, policy, rounding=cumulative is None)  # rounded figures are not recorded
    weights, suffix = policy.score_weights, policy.people_suffix
    ceilings = [
        score(tables, _small_withheld(alt, policy.k), weights, suffix, _dims(alt)).value for alt in options
    ]
    best: Choice | None = None
    details, failed = [], []
    for n in sorted(range(len(options)), key=lambda n: -ceilings[n]):  # stable: earlier first on a tie
        alt = options[n]
        if best is not None and ceilings[n] <= best.score.value:
            break  # it cannot beat what is found, and neither can any later one
        try:
            found = _protected(alt, policy, cumulative, previous)
        except CannotProtect as exc:
            details.append(f"{alt.name}: {exc}")
            failed.append(in_words(alt))
            continue
        found.score = score(tables, found.tables, weights, suffix, _dims(alt))
        if (
            best is None
            or found.score.value > best.score.value
            or (
                found.score.value == best.score.value
                and options.index(found.alternative) < options.index(best.alternative)
            )
        ):
            best = found
    if best is None:
        raise NothingSafe("no safe way to publish these tables: " + "; ".join(details or ["nothing tried"]))
    best.considered = [in_words(a) for a in options if a is not best.alternative]
    best.failed = failed
    return best


def _protected(
    alt: Alternative, policy: SdcPolicy, cumulative: Cumulative | None, previous: Collection[Withheld]
) -> Choice:
    if alt.rounded:
        audit = audit_protected(alt.tables, policy, {}, rounded=True)
        if not audit.passed:
            raise CannotProtect(
                f"rounding to base {policy.round_base} still let figures be worked out exactly"
            )
        return Choice(alt, alt.tables, None, audit, Score(0, 0, 0, 0, 0))
    before = cumulative.published_before(alt.tables) if cumulative else []
    more = cumulative.more_to_hide if cumulative else None
    result = suppress_tables(alt.tables, policy, more, before, previous)
    return Choice(alt, result.tables, result, result.audit, Score(0, 0, 0, 0, 0))


def _dims(alt: Alternative) -> list[str]:
    return [d for d, _ in alt.combined]


def _small_withheld(alt: Alternative, k: int) -> list[TidyTable]:
    """The alternative with only its counts 1..k-1 withheld: no protected answer in this shape can score more
    (every other rule only withholds more)."""
    if alt.rounded:
        return alt.tables
    out = []
    for t in alt.tables:
        marks = [
            pl.when(pl.col(m.name).is_between(1, k - 1))
            .then(pl.lit("[c]"))
            .otherwise(pl.col(m.flag))
            .alias(m.flag)
            for m in t.measures
            if m.role is Role.COUNT
        ]
        out.append(t.with_frame(t.frame.with_columns(marks)))
    return out


def in_words(alt: Alternative) -> str:
    """An alternative as the notes name it (never a cell)."""
    if alt.combined:
        steps = [
            f"grouping {d.replace('_', ' ')} categories"
            if kind == "groups"
            else f"combining all {d.replace('_', ' ')} categories"
            for d, kind in alt.combined
        ]
        return " and ".join(steps)
    return {
        "suppress": "withholding figures in the table as requested",
        "round": "rounding every figure to base 5",
    }.get(alt.name, alt.name)
