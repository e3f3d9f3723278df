"""Plan one data part against the warehouse: its as-at time, windows, offence categories and dimensions.

Everything that needs the warehouse but not the count is decided here, so the count is one query and every
problem (unknown code, a period after the data, a hierarchy that cannot hold) is reported before it runs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import duckdb

from flows.contracts.tidy import Dimension
from flows.requests.catalogue import BREAKDOWNS, MEASURES, MeasureInfo
from flows.requests.categories import categories
from flows.requests.coverage import WHAT, covers_until, extract_span
from flows.requests.errors import SpecError
from flows.requests.filters import ResolvedFilter, resolve_filters
from flows.requests.models import DataPart, parse_as_at
from flows.requests.offences import ResolvedOffences, resolve_offences
from flows.requests.periods import ResolvedPeriod, last_complete_day, overlapping, resolve_periods
from flows.requests.query import DimPlan, check_source

OFFENCE_DIMS = ("offence", "offence_group")
__all__ = ["PartPlan", "PlannedDim", "categories", "plan_part"]


@dataclass(frozen=True)
class PlannedDim:
    sql: DimPlan
    dimension: Dimension
    labels: tuple[str, ...]  # every label the column may hold, in reading order (margins included)
    additive: bool


@dataclass(frozen=True)
class PartPlan:
    part: DataPart
    info: MeasureInfo
    as_at: datetime
    as_at_requested: bool
    periods: tuple[ResolvedPeriod, ...]
    offences: ResolvedOffences
    dims: tuple[PlannedDim, ...]
    last_day: date  # the last whole day the data cover
    filters: tuple[ResolvedFilter, ...] = ()

    @property
    def additive(self) -> bool:
        return all(d.additive for d in self.dims)

    @property
    def settled_until(self) -> date:
        """Periods ending after this day are provisional: counted from the as-at time, when late records and
        outcomes may still arrive."""
        return last_complete_day(self.as_at) - timedelta(days=self.part.provisional_days)

    @property
    def as_at_if_requested(self) -> datetime | None:
        """None means 'the latest extract' (counted from core.*, which already holds the latest state)."""
        return self.as_at if self.as_at_requested else None

    def params(self) -> dict:
        windows = []
        for p in self.periods:
            windows.append(
                {"period": p.label, "start_date": p.span.start, "end_date": p.span.end, "is_current": True}
            )
            if p.previous is not None:
                windows.append(
                    {
                        "period": p.label,
                        "start_date": p.previous.start,
                        "end_date": p.previous.end,
                        "is_current": False,
                    }
                )
        params = {
            "codes": self.offences.code_rows() or [{"code": "", "offence": "", "offence_group": ""}],
            "all_offences": not self.offences.categories,
            "all_label": self.offences.all_label,
            "windows": windows,
            "date_basis": self.part.basis,
        }
        if self.info.source == "custody":
            params |= {
                "rule": self.part.offences.rule,
                "unit": "person" if self.info.unit == "person" else "custody_record",
            }
        return params


def plan_part(
    con: duckdb.DuckDBPyConnection,
    part: DataPart,
    where: str,
    *,
    margins: bool,
    organisation: str | None = None,
) -> PartPlan:
    """``organisation`` names the force's own agency (the ``own force`` filter category)."""
    info = MEASURES[part.measure]
    check_source(con, info.source)
    as_at, requested = _as_at(con, part, info.source, where)
    last_day = covers_until(con, info.source, as_at)
    periods = resolve_periods(
        part.periods,
        as_at=as_at,
        compare=part.compare != "none",
        last_day=last_day,
        provisional_days=part.provisional_days,
        field=f"{where}.periods",
    )
    offences = part_offences(con, part, info, f"{where}.offences")
    filters = resolve_filters(con, part.filters, info, organisation, where)
    dims, offences = _dims(con, part, info, periods, offences, margins and part.totals, filters, where)
    return PartPlan(part, info, as_at, requested, tuple(periods), offences, tuple(dims), last_day, filters)


def _as_at(con: duckdb.DuckDBPyConnection, part: DataPart, source: str, where: str) -> tuple[datetime, bool]:
    span = extract_span(con, source)
    if span is None:
        what = WHAT[source]
        raise SpecError(
            [
                (
                    f"{where}.measure",
                    f"{part.measure} are counted from the {what}s, and no {what} has been "
                    "loaded into the warehouse yet",
                )
            ]
        )
    first, latest = span
    wanted = parse_as_at(part.as_at)
    if wanted is None:
        return latest, False
    if wanted > latest or wanted < first:
        raise SpecError(
            [
                (
                    f"{where}.as_at",
                    f"{part.as_at} is outside the extracts held: the first was taken "
                    f"{first:%d %b %Y %H:%M}, the latest {latest:%d %b %Y %H:%M}",
                )
            ]
        )
    return wanted, True


def part_offences(
    con: duckdb.DuckDBPyConnection, part: DataPart, info: MeasureInfo, where: str
) -> ResolvedOffences:
    """The part's offence categories from the reference data (also what `disclose check` resolves)."""
    if info.source == "stop_search":
        return ResolvedOffences((), {}, {}, part.offences.label or "All stop and searches")
    if info.source == "police_uk":
        from flows.requests.police_uk import resolve_crime_types

        return resolve_crime_types(con, part.offences, where)
    return resolve_offences(con, part.offences, info.source, where)


def _dims(
    con: duckdb.DuckDBPyConnection,
    part: DataPart,
    info: MeasureInfo,
    periods: list[ResolvedPeriod],
    offences: ResolvedOffences,
    totals: bool,
    filters: tuple[ResolvedFilter, ...],
    where: str,
) -> tuple[list[PlannedDim], ResolvedOffences]:
    names = list(part.breakdowns)
    if "period" not in names:
        names.insert(sum(1 for n in names[:2] if n in OFFENCE_DIMS), "period")
    hierarchy = "offence" in names and "offence_group" in names and totals
    if "offence" in names and "offence_group" in names:
        names.remove("offence_group")
    persons = info.unit == "person"
    out = []
    for name in names:
        if name == "offence" and not offences.categories:
            raise SpecError(
                [
                    (
                        f"{where}.breakdowns",
                        "a breakdown by offence needs the offences listed under "
                        "offences.items; with all_offences use offence_group",
                    )
                ]
            )
        if name in OFFENCE_DIMS:
            overlap = part.offences.rule == "any" or offences.overlapping
            dim, offences = _offence_dim(
                con, name, info, offences, hierarchy, totals, not (persons or overlap), where
            )
            out.append(dim)
            continue
        labels = [p.label for p in periods] if name == "period" else categories(con, name, info.source)
        for f in filters:  # a breakdown by a filtered dimension shows the categories counted only
            labels = f.kept(labels) if f.name == name else labels
        additive = not persons and not (name == "period" and overlapping(periods))
        additive = additive and not BREAKDOWNS[name].set_valued  # a crime in two strands is in both rows
        out.append(_flat_dim(name, labels, totals, additive))
    return out, offences


def _flat_dim(name: str, labels: list[str], totals: bool, additive: bool) -> PlannedDim:
    b = BREAKDOWNS[name]
    total = b.total if totals and len(labels) > 1 else None
    return PlannedDim(
        DimPlan(name, total),
        Dimension(name, b.title, total=total),
        tuple(labels) + ((total,) if total else ()),
        additive,
    )


def _offence_dim(
    con: duckdb.DuckDBPyConnection,
    name: str,
    info: MeasureInfo,
    offences: ResolvedOffences,
    hierarchy: bool,
    totals: bool,
    additive: bool,
    where: str,
) -> tuple[PlannedDim, ResolvedOffences]:
    """The offence column: categories, offence groups, or both as a hierarchy (offence -> group -> total).
    A group label that equals an offence label gets ' (group total)' so labels stay unique in the column;
    the returned offences carry the shown group labels, which the SQL parameter uses."""
    if name == "offence_group":
        labels = _groups_in_order(offences) or categories(con, "offence_group", info.source)
        return _flat_dim(name, labels, totals, additive), offences
    leaves = [c.label for c in offences.categories]
    total = "All offences requested"
    if not hierarchy:
        flat = _flat_dim(name, leaves, totals, additive)
        if flat.dimension.total is None:
            dim = Dimension(name, flat.dimension.title, codes=_single_codes(offences))
            return PlannedDim(flat.sql, dim, flat.labels, additive), offences
        dim = Dimension(name, flat.dimension.title, total=total, codes=_single_codes(offences))
        return PlannedDim(DimPlan(name, total), dim, (*leaves, total), additive), offences
    group_of = offences.category_group()
    if group_of is None:
        raise SpecError(
            [
                (
                    f"{where}.breakdowns",
                    "offence group totals need each offence item to sit in one "
                    "offence group; split the items that span groups",
                )
            ]
        )
    groups = list(dict.fromkeys(group_of[x] for x in leaves))
    clash = set(groups) & (set(leaves) | {total})
    rename = {g: f"{g} (group total)" if g in clash else g for g in groups}
    labels: list[str] = []
    for g in groups:
        labels += [x for x in leaves if group_of[x] == g] + [rename[g]]
    labels.append(total)
    shown = replace(offences, groups={c: rename.get(g, g) for c, g in offences.groups.items()})
    dim = Dimension(
        "offence",
        "Offence",
        total=total,
        parents={leaf: rename[group_of[leaf]] for leaf in leaves},
        codes=_single_codes(offences),
    )
    return PlannedDim(DimPlan("offence", total, parent="offence_group"), dim, tuple(labels), additive), shown


def _single_codes(offences: ResolvedOffences) -> dict[str, str]:
    """Label -> code for categories that are one code (writers show it in a column of its own)."""
    return {
        c.label: c.codes[0] for c in offences.categories if len(c.codes) == 1 and c.item_kind != "crime_type"
    }


def _groups_in_order(offences: ResolvedOffences) -> list[str]:
    return list(dict.fromkeys(offences.groups[c] for cat in offences.categories for c in cat.codes))
