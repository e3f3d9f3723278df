"""The engine's last step: hand its published view to the independent audit, as a reader would see it.

The suppressor's own checks use its model; this one uses only what the published files will hold (labels,
shown numbers, shorthand) and the public rules, through :mod:`flows.sdc_audit`, which knows nothing of the
suppressor. A pattern the audit refuses is never returned as protected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flows.contracts.tidy import Role, TidyTable, published_view
from flows.sdc.policy import SdcPolicy
from flows.sdc_audit import AuditResult, AuditTable, KRule, audit_tables


def as_audit_table(table: TidyTable, people_suffix: str = "_people", as_at: str | None = None) -> AuditTable:
    view = published_view(table)
    names = {m.name for m in table.measures}
    measures = [
        m
        for m in table.measures
        if not (m.name.endswith(people_suffix) and m.name[: -len(people_suffix)] in names)
    ]
    rows = []
    for rec in view.iter_rows(named=True):
        labels = tuple(str(rec[d]) for d in table.dimension_names)
        values = tuple(rec[m.flag] if rec[m.name] is None and rec[m.flag] else rec[m.name] for m in measures)
        rows.append((labels, values))
    totals = {d.name: d.total or "" for d in table.dimensions}  # "": no label is a total (so none is guessed)
    roles = {m.name: str(m.role) for m in measures if m.role is not Role.COUNT}
    return AuditTable(
        table.name,
        tuple(table.dimension_names),
        tuple(m.name for m in measures),
        tuple(rows),
        totals,
        roles,
        as_at,
    )


def hierarchies_of(tables: Sequence[TidyTable]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for t in tables:
        for d in t.dimensions:
            out.setdefault(d.name, {}).update(d.parents)
    return out


def non_additive_dimensions(tables: Sequence[TidyTable]) -> list[str]:
    """'table.dimension' for every dimension of a table whose margins are not sums (``additive`` False)."""
    return [f"{t.name}.{d.name}" for t in tables if not getattr(t, "additive", True) for d in t.dimensions]


def audit_options(
    policy: SdcPolicy, tables: Sequence[TidyTable], comparisons: Mapping[str, str], rounded: bool = False
) -> dict[str, Any]:
    """The public rules, as keyword arguments for :func:`flows.sdc_audit.audit_tables` and
    :func:`flows.sdc_audit.release_folder.audit_release_folder` (the publish step uses the same)."""
    return dict(
        zeros_published=policy.zeros == "publish",
        width=policy.protection_width,
        rounding_base=policy.round_base if rounded else None,
        group_dimension=policy.group_dimension if policy.group_rule == "hide_zeros" else None,
        k_rules=[KRule(o.k, o.dimension, frozenset(o.labels)) for o in policy.overrides],
        non_additive=[*policy.non_additive, *non_additive_dimensions(tables)],
        comparisons=dict(comparisons),
    )


def audit_protected(
    tables: Sequence[TidyTable],
    policy: SdcPolicy,
    comparisons: Mapping[str, str],
    rounded: bool = False,
    earlier: Sequence[AuditTable] = (),
) -> AuditResult:
    return audit_tables(
        [as_audit_table(t, policy.people_suffix) for t in tables],
        k=policy.k,
        hierarchies=hierarchies_of(tables),
        earlier=earlier,
        **audit_options(policy, tables, comparisons, rounded),
    )
