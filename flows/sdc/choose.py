"""The chooser: which way of answering loses least, among the alternatives the policy allows.

Strategies, in order of least information lost (or one fixed by the policy):

1. suppress: withhold sensitive cells and the fewest further cells that stop back-calculation; margins stay
   published (they are protected like any cell);
2. collapse: when suppression would hide more than ``max_suppressed_share`` of the cells, combine one
   dimension (years into one total, offences into their group), whichever loses least, and suppress again;
3. round: every count to base 5 with ``[low]``, when even collapsing hides too much.

Every alternative goes through the same pipeline (:mod:`flows.sdc.suppress`) and the independent audit. If
rounding fails its audit, the least lossy audited suppression is used instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.contracts.tidy import Role, TidyTable
from flows.sdc.cumulative import Cumulative
from flows.sdc.gate import audit_protected
from flows.sdc.heuristic import CannotProtect
from flows.sdc.policy import SdcPolicy
from flows.sdc.shapes import collapse, collapsible, round_table
from flows.sdc.suppress import Suppressed, suppress_tables
from flows.sdc.system import count_measures
from flows.sdc_audit import AuditResult


@dataclass
class Choice:
    name: str  # "suppress", "collapse: <dimension>", "round"
    tables: list[TidyTable]  # flagged, as published
    suppressed: Suppressed | None  # None when rounded
    audit: AuditResult
    attempts: list[str] = field(default_factory=list)  # public, general terms: why others were not used


class NothingSafe(RuntimeError):
    """No alternative passed the audit; the message says what was tried (it may name cells: internal)."""


def choose(tables: list[TidyTable], policy: SdcPolicy, cumulative: Cumulative | None) -> Choice:
    order = {"auto": ["suppress", "collapse", "round"]}.get(policy.strategy, [policy.strategy])
    attempts: list[str] = []  # public, general terms: they go into the notes and the letter
    details: list[str] = []  # internal: may name cells, so only ever in the refusal raised to the analyst
    candidates: list[tuple[str, Suppressed, float]] = []
    original = sum(t.frame.height * len(count_measures(t, policy.people_suffix)) for t in tables)
    for strategy in order:
        if strategy == "round":
            rounded = _round(tables, policy, attempts) if cumulative is None else None
            best = max((c[1].cells - c[1].hidden for c in candidates), default=-1)
            if rounded is not None and _figures_shown(rounded.tables) > best:
                return rounded
            if rounded is not None:  # rounding shows no more than suppression: exact figures are better
                attempts.append("rounding would show no more figures than withholding")
            continue
        options = [("suppress", tables)] if strategy == "suppress" else _collapsed(tables, policy)
        for name, shaped in options:
            try:
                before = cumulative.published_before(shaped) if cumulative else []
                result = suppress_tables(
                    shaped, policy, cumulative.more_to_hide if cumulative else None, before
                )
            except CannotProtect as exc:
                details.append(f"{name}: {exc}")
                earlier_too = " together with earlier releases" if "earlier releases" in str(exc) else ""
                attempts.append(f"{_in_words(name)} could not protect every figure{earlier_too}")
                continue
            loss = 1 - (result.cells - result.hidden) / original if original else 0.0
            candidates.append((name, result, loss))
        fitting = [
            c for c in candidates if c[1].share <= policy.max_suppressed_share or policy.strategy != "auto"
        ]
        if fitting:
            return _chosen(*min(fitting, key=lambda c: c[2])[:2], attempts)
        if candidates:
            attempts.append(
                f"{_in_words(strategy)} would withhold more than {policy.max_suppressed_share:.0%} of figures"
            )
    if candidates:
        return _chosen(*min(candidates, key=lambda c: c[2])[:2], attempts)
    raise NothingSafe(
        "no safe way to publish these tables: " + "; ".join(details or attempts or ["nothing tried"])
    )


def _chosen(name: str, result: Suppressed, attempts: list[str]) -> Choice:
    return Choice(name, result.tables, result, result.audit, attempts if name != "suppress" else [])


def _in_words(strategy: str) -> str:
    """A strategy as the notes name it (never a cell)."""
    if strategy.startswith("collapse: "):
        return f"combining the categories of {strategy.split(': ', 1)[1].replace('_', ' ')}"
    return {"suppress": "withholding figures", "collapse": "combining categories", "round": "rounding"}.get(
        strategy, strategy
    )


def _collapsed(tables: list[TidyTable], policy: SdcPolicy) -> list[tuple[str, list[TidyTable]]]:
    dims = list(policy.collapse_dimensions) or list(dict.fromkeys(d for t in tables for d in collapsible(t)))
    out = []
    for dim in dims:
        shaped = [collapse(t, dim) if dim in collapsible(t) else t for t in tables]
        if any(dim in collapsible(t) for t in tables):
            out.append((f"collapse: {dim}", shaped))
    return out


def _round(tables: list[TidyTable], policy: SdcPolicy, attempts: list[str]) -> Choice | None:
    rounded = [round_table(t, policy) for t in tables]
    audit = audit_protected(rounded, policy, {}, rounded=True)
    if not audit.passed:
        attempts.append(f"rounding to base {policy.round_base} still let figures be worked out exactly")
        return None
    return Choice("round", rounded, None, audit, attempts)


def _figures_shown(tables: list[TidyTable]) -> int:
    """Count cells a reader gets a figure for (a [low] is no figure)."""
    return sum(
        int((~t.frame[m.flag].fill_null("").str.contains("[low]", literal=True)).sum())
        for t in tables
        for m in t.measures
        if m.role is Role.COUNT
    )
