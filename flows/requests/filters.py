"""Filters: the categories of one dimension a part counts ("under-18s", "by another agency").

A filter is a category set on a dimension breakdowns use, so it reaches the SQL as a parameter compared with
an allow-listed units column, and the cumulative checks see it as a restriction of that axis. Categories are
checked against the same lists breakdowns show (fixed lists when the spec is read; the reference data and the
warehouse when the part is answered), with the closest known ones suggested. The force's own agency is the
reserved category ``own force``, resolved to the ``organisation`` setting. Crime status can only be stated:
``core.crimes`` already counts live crimes only, and there is no second rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flows.requests.catalogue import BREAKDOWNS, NOT_RECORDED, OWN_FORCE, MeasureInfo
from flows.requests.errors import SpecError
from flows.requests.filter_check import check_categories

if TYPE_CHECKING:
    import duckdb

    from flows.requests.models import Filter, RequestSpec

CRIME_STATUS_RULE = "Cancelled, transferred and deleted crimes are not counted."


@dataclass(frozen=True)
class ResolvedFilter:
    """A filter as the count applies it: ``keep`` or ``exclude`` these labels of the units column ``name``."""

    name: str
    mode: str  # keep | exclude
    values: tuple[str, ...]
    sentence: str  # for the notes and the letter
    title: str  # for a default title ('' when it does not change what the table is)

    @property
    def in_sql(self) -> bool:
        return self.name != "crime_status"  # the rule core.crimes applies: nothing more to filter

    def kept(self, universe: Sequence[str]) -> list[str]:
        """The categories of ``universe`` this filter counts, in its order."""
        chosen = set(self.values)
        return [c for c in universe if (c in chosen) == (self.mode == "keep")]


def resolve_filters(
    con: duckdb.DuckDBPyConnection,
    filters: Sequence[Filter],
    info: MeasureInfo,
    organisation: str | None,
    where: str,
) -> tuple[ResolvedFilter, ...]:
    """Check each filter's categories against the warehouse and spell them as the data does. An optional column
    with no value in the warehouse is not checked: the part is then answered as not held."""
    from flows.requests.categories import known_categories

    out, problems = [], []
    for i, f in enumerate(filters):
        known = known_categories(con, f.breakdown, info.source)
        optional = BREAKDOWNS[f.breakdown].optional is not None
        if optional and known is not None and set(known) <= {NOT_RECORDED}:
            known = None
        values = list(f.values)
        if f.breakdown == "arresting_agency" and any(v.casefold() == OWN_FORCE for v in values):
            own, problem = _own_force(organisation, known)
            if problem:
                problems.append((f"{where}.filters[{i}]", problem))
                continue
            values = [x for v in values for x in ([own] if v.casefold() == OWN_FORCE else [v])]
        found = check_categories(f.breakdown, f.mode, f.values, known)
        problems += [(f"{where}.filters[{i}].{field}", reason) for field, reason in found]
        spelt = {k.casefold(): k for k in known or []}
        values = [spelt.get(v.casefold(), v) for v in values]
        out.append(_resolved(f, info, tuple(dict.fromkeys(values))))
    if problems:
        raise SpecError(problems)
    return tuple(out)


def _own_force(organisation: str | None, known: Sequence[str] | None) -> tuple[str, str]:
    if not organisation:
        return "", f"{OWN_FORCE!r} is the agency the organisation setting names, and none is configured"
    if known is None:
        return organisation, ""
    match = [k for k in known if k.casefold() == organisation.strip().casefold()]
    if not match:
        return "", (
            f"{OWN_FORCE!r} is the organisation setting, {organisation!r}, but no arrest names it as the "
            f"arresting agency; agencies recorded: {', '.join(known)}. Name the agencies instead"
        )
    return match[0], ""


def _resolved(f: Filter, info: MeasureInfo, values: tuple[str, ...]) -> ResolvedFilter:
    mode = "keep" if f.keep is not None else "exclude"
    b = BREAKDOWNS[f.breakdown]
    if f.breakdown == "crime_status":
        return ResolvedFilter(f.breakdown, mode, values, CRIME_STATUS_RULE, f.label or "")
    what = b.phrase.format(_either(values))
    if mode == "keep":
        sentence, title = f"Only {info.records} {what} are counted.", f.label or what
    else:
        sentence = f"{info.records[0].upper()}{info.records[1:]} {what} are not counted."
        title = f.label or f"excluding those {what}"
    return ResolvedFilter(f.breakdown, mode, values, sentence, title)


def _either(values: Sequence[str]) -> str:
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"


def check_filter_categories(
    con: duckdb.DuckDBPyConnection, spec: RequestSpec
) -> tuple[list[tuple[str, str]], list[str]]:
    """What ``disclose check`` says about filter categories: (field, reason) for each category ``con`` (the
    warehouse, or the reference data alone) shows is unknown, and the filters whose categories it cannot know
    (as 'parts[0].filters[1] (station)': checked when the request is answered)."""
    import duckdb

    from flows.requests.catalogue import MEASURES
    from flows.requests.categories import known_categories

    problems, later = [], []
    for i, part in enumerate(spec.parts):
        for j, f in enumerate(
            part.filters if part.response == "data" else []
        ):  # no import of models: a cycle
            where = f"parts[{i}].filters[{j}]"
            try:
                known = known_categories(con, f.breakdown, MEASURES[part.measure].source)
            except duckdb.Error:  # a table only the warehouse has
                known = None
            if not known or set(known) <= {NOT_RECORDED}:
                known = None
                if not BREAKDOWNS[f.breakdown].categories:
                    later.append(f"{where} ({f.breakdown})")
            problems += [
                (f"{where}.{field}", reason)
                for field, reason in check_categories(f.breakdown, f.mode, f.values, known)
            ]
    return problems, later
