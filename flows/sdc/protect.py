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

from flows.contracts.tidy import Role, TidyTable, check_tidy, with_empty_flags
from flows.sdc.explain import Facts, explain
from flows.sdc.fallback import COMBINED_BECAUSE, collapse, collapsible, round_table
from flows.sdc.gate import audit_protected
from flows.sdc.heuristic import CannotProtect
from flows.sdc.history import Axes, PublishedCell, cells_of
from flows.sdc.policy import SdcPolicy
from flows.sdc.secondary import Optimality
from flows.sdc.suppress import CellKey, Suppressed, suppress_tables
from flows.sdc_audit import AuditResult, AuditTable
from flows.sdc_audit.populations import audit_populations


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
    optimality: Optimality | None = None  # cost against a proven bound (None: nothing was optimised)

    @property
    def cells_suppressed(self) -> int:
        return len(self.decisions)


def protect(tables: Sequence[TidyTable], policy: SdcPolicy | None = None,
            history: Sequence[PublishedCell] | None = None, *, populations: Mapping[str, Axes] | None = None,
            release_id: str = "this release", as_at: str = "") -> Protection:
    """Protect ``tables`` together (cells with identical labels are the same cell in every table).

    ``history`` is every cell published before (:mod:`flows.sdc.history`, superseded and withdrawn ones
    included); with it, ``populations`` must say what each new table's labels count, and ``as_at`` is the
    data's as-at time. The new release is then checked with all earlier ones as one system, and cells are
    withheld until nothing earlier or new can be worked out; if that fails the release is refused.
    """
    policy = policy or SdcPolicy()
    guard = _history_guard(list(history), populations or {}, release_id, as_at, policy) if history else None
    tables = [with_empty_flags(t) for t in tables]
    for t in tables:
        if not any(policy.is_non_additive(t.name, d.name) for d in t.dimensions):
            check_tidy(t)  # skips the sum check itself when the table says it is not additive
    earlier: list[AuditTable] = []
    order = {"auto": ["suppress", "collapse", "round"]}.get(policy.strategy, [policy.strategy])
    attempts: list[str] = []  # public, general terms: they go into the notes and the letter
    details: list[str] = []  # internal: may name cells, so only ever in the refusal raised to the analyst
    candidates: list[tuple[str, Suppressed, float]] = []
    original = _cell_count(tables, policy)
    for strategy in order:
        if strategy == "round":
            rounded = _round(tables, policy, earlier, attempts) if guard is None else None
            best = max((c[1].cells - c[1].hidden for c in candidates), default=-1)
            if rounded is not None and _figures_shown(rounded) > best:
                return rounded
            if rounded is not None:  # rounding shows no more than suppression: exact figures are better
                attempts.append("rounding would show no more figures than withholding")
            continue
        options = [("suppress", tables)] if strategy == "suppress" else _collapsed(tables, policy)
        for name, shaped in options:
            try:
                before = _published_before(history or [], populations or {}, shaped, release_id, as_at)
                result = suppress_tables(shaped, policy, earlier, guard, before)
            except CannotProtect as exc:
                details.append(f"{name}: {exc}")
                earlier_too = " together with earlier releases" if "earlier releases" in str(exc) else ""
                attempts.append(f"{_in_words(name)} could not protect every figure{earlier_too}")
                continue
            loss = 1 - (result.cells - result.hidden) / original if original else 0.0
            candidates.append((name, result, loss))
        fitting = [c for c in candidates if c[1].share <= policy.max_suppressed_share or policy.strategy != "auto"]
        if fitting:
            return _done(*min(fitting, key=lambda c: c[2])[:2], policy, attempts)
        if candidates:
            attempts.append(f"{_in_words(strategy)} would withhold more than {policy.max_suppressed_share:.0%} of "
                            "figures")
    if candidates:
        return _done(*min(candidates, key=lambda c: c[2])[:2], policy, attempts)
    raise ProtectionRefused("no safe way to publish these tables: " + "; ".join(details or attempts or ["nothing tried"]))


def _in_words(strategy: str) -> str:
    """A strategy as the notes name it (never a cell)."""
    if strategy.startswith("collapse: "):
        return f"combining the categories of {strategy.split(': ', 1)[1].replace('_', ' ')}"
    return {"suppress": "withholding figures", "collapse": "combining categories", "round": "rounding"}.get(
        strategy, strategy)


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
                  collapsed=_combined_notes(result.tables) if collapsed else [], pending_withheld=pending,
                  overrides_used=any(f"fewer than {policy.k}" not in r for r in reasons if r.startswith("threshold")),
                  attempts=attempts if name != "suppress" else [])
    notes, exemptions = explain(facts, policy)
    method = (f"threshold k={policy.k} with secondary suppression ({result.method}); margins published; "
              f"audited by {result.audit.method}") + (f"; {collapsed[0]} combined" if collapsed else "")
    return Protection(result.tables, notes, exemptions, name, result.decisions, method, result.audit,
                      result.comparisons, zeros_may_be_withheld="group" in kinds, optimality=result.optimality)


def _figures_shown(protection: Protection) -> int:
    """Count cells a reader gets a figure for (a [low] is no figure)."""
    return sum(int((~t.frame[m.flag].fill_null("").str.contains("[low]", literal=True)).sum())
               for t in protection.tables for m in t.measures if m.role is Role.COUNT)


def _combined_notes(tables: list[TidyTable]) -> list[str]:
    """The notes collapsing added, word for word: the release notes and the table notes then agree (one note)."""
    return list(dict.fromkeys(note for t in tables for note in t.notes if note.endswith(COMBINED_BECAUSE)))


def _cell_count(tables: list[TidyTable], policy: SdcPolicy) -> int:
    from flows.sdc.linear import count_measures

    return sum(t.frame.height * len(count_measures(t, policy)) for t in tables)


def _history_guard(history: list[PublishedCell], populations: Mapping[str, Axes], release_id: str, as_at: str,
                   policy: SdcPolicy):
    """The cumulative check as suppression sees it: published new cells to withhold, smallest first, for
    each figure (earlier or new) that all releases together would expose."""

    public = {(c.as_at, c.identity, _frozen(c.population)) for c in history if isinstance(c.shown, int)}

    def _key(c: PublishedCell) -> tuple:
        return c.as_at, c.identity, _frozen(c.population)

    def more_to_hide(flagged: list[TidyTable]) -> list[CellKey]:
        new = cells_of(flagged, _adapt(populations, flagged), release_id, as_at)
        result = audit_populations([c.for_audit() for c in [*history, *new]], policy.k,
                                   policy.zeros == "publish", policy.protection_width)
        if result.passed:
            return []
        picks = []
        for problem in result.problems:
            exposed = problem.population
            shown = [c for c in new if isinstance(c.shown, int) and c.shown > 0 and c.identity == problem.measure
                     and exposed is not None and _overlap(c.population, exposed)]
            anywhere = [c for c in new if isinstance(c.shown, int) and c.shown > 0 and c.identity == problem.measure
                        and _key(c) not in public]
            for pool in (shown, anywhere):  # what overlaps the exposed figure first, else the smallest figure
                pool = [c for c in pool if _key(c) not in public]
                if pool:
                    pick = min(pool, key=lambda c: (c.shown, c.labels))
                    picks.append((pick.table, pick.labels, pick.measure))
                    break
        if not picks:
            raise CannotProtect("with earlier releases, figures could be worked out and withholding more in this "
                                "release cannot prevent it: " + result.summary())
        return list(dict.fromkeys(picks))

    return more_to_hide


def _frozen(population: Mapping[str, frozenset]) -> frozenset:
    return frozenset((axis, frozenset(values)) for axis, values in population.items())


def _published_before(history: Sequence[PublishedCell], populations: Mapping[str, Axes], tables: list[TidyTable],
                      release_id: str, as_at: str) -> list[CellKey]:
    """New cells whose exact figure (same population, same as-at) was published before as a number."""
    if not history:
        return []
    public = {(c.as_at, c.identity, _frozen(c.population)) for c in history if isinstance(c.shown, int)}
    new = cells_of(tables, _adapt(populations, tables), release_id, as_at)
    return [(c.table, c.labels, c.measure) for c in new if (c.as_at, c.identity, _frozen(c.population)) in public]


def _overlap(a: Mapping[str, frozenset], b: Mapping[str, frozenset]) -> bool:
    return all(a[axis] & b.get(axis, a[axis]) for axis in a)


def _adapt(populations: Mapping[str, Axes], tables: list[TidyTable]) -> dict[str, Axes]:
    """A dimension collapsed away counts everything its labels did (its total)."""
    return {t.name: populations[t.name].keeping(t.dimension_names) for t in tables if t.name in populations}
