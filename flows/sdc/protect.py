"""The one entry point: tidy tables in (true values, margins included), safe flagged tables out.

Strategies, in order of least information lost, chosen automatically and explained (or fixed by policy):

1. suppress: withhold sensitive cells and the fewest further cells that stop back-calculation; margins stay
   published (they are protected like any cell);
2. collapse: when suppression would hide more than ``max_suppressed_share`` of the cells, combine one
   dimension (years into one total, offences into their group), whichever loses least, and suppress again;
3. round: every count to base 5 with ``[low]``, when even collapsing hides too much.

Every result has passed the independent audit (:mod:`flows.sdc_audit`) on its published view. If rounding
fails its audit, the least lossy audited suppression is used instead; if nothing passes, nothing is returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flows.contracts.tidy import TidyTable, check_tidy, with_empty_flags
from flows.sdc.explain import Facts, explain
from flows.sdc.fallback import collapse, collapsible, round_table
from flows.sdc.gate import audit_protected
from flows.sdc.heuristic import CannotProtect
from flows.sdc.policy import SdcPolicy
from flows.sdc.suppress import CellKey, Suppressed, suppress_tables
from flows.sdc_audit import AuditResult, AuditTable


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
    comparisons: Mapping[str, str] = field(default_factory=dict)  # "table.measure" -> dimension, for the audit
    zeros_may_be_withheld: bool = False  # the group rule hid zeros: the audit must know

    @property
    def cells_suppressed(self) -> int:
        return len(self.decisions)


def protect(tables: Sequence[TidyTable], policy: SdcPolicy | None = None,
            history: Sequence[AuditTable] | None = None) -> Protection:
    """Protect ``tables`` together (cells with identical labels are the same cell in every table).

    ``history`` holds earlier releases as published (see :mod:`flows.sdc.history`): their withheld cells must
    stay protected and their published figures are known to the intruder.
    """
    policy = policy or SdcPolicy()
    tables = [with_empty_flags(t) for t in tables]
    for t in tables:
        if not any(policy.is_non_additive(t.name, d.name) for d in t.dimensions):
            check_tidy(t)
    earlier = list(history or ())
    order = {"auto": ["suppress", "collapse", "round"]}.get(policy.strategy, [policy.strategy])
    attempts: list[str] = []
    candidates: list[tuple[str, Suppressed, float]] = []
    original = _cell_count(tables, policy)
    for strategy in order:
        if strategy == "round":
            rounded = _round(tables, policy, earlier, attempts)
            if rounded is not None:
                return rounded
            continue
        options = [("suppress", tables)] if strategy == "suppress" else _collapsed(tables, policy)
        for name, shaped in options:
            try:
                result = suppress_tables(shaped, policy, earlier)
            except CannotProtect as exc:
                attempts.append(f"{name} was not possible ({exc})")
                continue
            loss = 1 - (result.cells - result.hidden) / original if original else 0.0
            candidates.append((name, result, loss))
        fitting = [c for c in candidates if c[1].share <= policy.max_suppressed_share or policy.strategy != "auto"]
        if fitting:
            return _done(*min(fitting, key=lambda c: c[2])[:2], policy, attempts)
        if candidates:
            attempts.append(f"{strategy} would withhold more than {policy.max_suppressed_share:.0%} of figures")
    if candidates:
        return _done(*min(candidates, key=lambda c: c[2])[:2], policy, attempts)
    raise ProtectionRefused("no safe way to publish these tables: " + "; ".join(attempts or ["nothing tried"]))


def _collapsed(tables: list[TidyTable], policy: SdcPolicy) -> list[tuple[str, list[TidyTable]]]:
    dims = list(policy.collapse_dimensions) or list(dict.fromkeys(d for t in tables for d in collapsible(t)))
    out = []
    for dim in dims:
        shaped = [collapse(t, dim) if dim in collapsible(t) else t for t in tables]
        if any(dim in collapsible(t) for t in tables):
            out.append((f"collapse: {dim}", shaped))
    return out


def _round(tables: list[TidyTable], policy: SdcPolicy, earlier: list[AuditTable],
           attempts: list[str]) -> Protection | None:
    rounded = [round_table(t, policy.round_base, policy) for t in tables]
    audit = audit_protected(rounded, policy, {}, rounded=True, earlier=earlier)
    if not audit.passed:
        attempts.append(f"rounding to base {policy.round_base} still let figures be worked out exactly")
        return None
    notes, exemptions = explain(Facts("round", rounded=True, attempts=attempts), policy)
    return Protection(rounded, notes, exemptions, "round", {}, f"rounded to base {policy.round_base}; [low] "
                      "for non-zero figures that round to zero; audited", audit)


def _done(name: str, result: Suppressed, policy: SdcPolicy, attempts: list[str]) -> Protection:
    reasons = [r for rs in result.decisions.values() for r in rs]
    kinds = {kind for r in reasons for kind, prefix in (("threshold", "threshold"), ("person", "person rule"),
                                                         ("group", "group rule"), ("upstream", "withheld before"))
             if r.startswith(prefix)}
    pending = any(label in policy.pending_labels for table, labels, _ in result.decisions for _, label in labels)
    collapsed = [name.split(": ", 1)[1]] if name.startswith("collapse") else []
    facts = Facts(name, withheld=result.hidden, primary_kinds=kinds, secondary=result.secondary,
                  collapsed=_titles(collapsed, result.tables), pending_withheld=pending,
                  overrides_used=any(f"fewer than {policy.k}" not in r for r in reasons if r.startswith("threshold")),
                  attempts=attempts if name != "suppress" else [])
    notes, exemptions = explain(facts, policy)
    method = (f"threshold k={policy.k} with secondary suppression ({result.method}); margins published; "
              f"audited by {result.audit.method}") + (f"; {collapsed[0]} combined" if collapsed else "")
    return Protection(result.tables, notes, exemptions, name, result.decisions, method, result.audit,
                      result.comparisons, zeros_may_be_withheld="group" in kinds)


def _titles(dims: list[str], tables: list[TidyTable]) -> list[str]:
    """Dimension titles for the notes (the dimension may be gone from the collapsed tables)."""
    return [next((note.split(":")[0] for t in tables for note in t.notes if "combined" in note or "group only"
                  in note), d) for d in dims]


def _cell_count(tables: list[TidyTable], policy: SdcPolicy) -> int:
    from flows.sdc.linear import count_measures

    return sum(t.frame.height * len(count_measures(t, policy)) for t in tables)
