"""What each cell of a request or standing table counts, as value sets per axis, for the cumulative audit.

Releases of different shapes (2018-2021 then 2018-2022, calendar then financial years, a group after its
members, a month then a Wednesday-to-Wednesday week) can only be audited together if every cell says exactly
which units it counts. :func:`axes_for` turns a part's plan into :class:`~flows.sdc.history.Axes`:

- every table gets every axis in :data:`AXES`, so any two tables can sit in one history. An axis a table does
  not restrict holds its complete value list (the reference data, or every value in the warehouse), never a
  sentinel: an atom must be inside or outside each published set, and "everything" must contain every
  explicit value another table used;
- labels map to the finest values the SQL counts by: days, offence codes (CJS, Home Office, police.uk crime
  types), disposals or Home Office outcome codes. An outcome-group table and a further-action table then cut
  the same disposals, and a group is the union of its member codes. Totals are unions;
- the kind of count is part of the population (source, unit, offence rule, date basis), so arrests by arrest
  date and arrests by disposal date never share an unknown; the measure identity is the counted unit, so last
  year's column and an earlier release's figure for those days are one fact;
- tables that count a unit in several cells (people; the any-offence rule) are marked not additive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

import duckdb

from flows.contracts.tidy import TidyTable
from flows.requests import set_valued
from flows.requests.catalogue import BREAKDOWNS, COMPARISON_SUFFIX, MEASURES
from flows.requests.categories import categories
from flows.requests.periods import Span
from flows.requests.plan import PartPlan
from flows.sdc.history import Axes, MeasureAxes, PublishedCell, as_at_text, days

#: every axis of every population, in the order they are stored; the first thirteen were there from the start,
#: the later ones are added to cells recorded before them by :func:`complete`
AXES = ("source", "unit", "rule", "date_basis", "day", "offence", "outcome", "gender", "age_band", "ethnicity_group",
        "station", "district", "arresting_agency", "age_range", "officer_defined_ethnicity", "legislation",
        "object_of_search", "domestic_abuse", "knife_or_sharp_instrument", "hate_crime_strand")  # fmt: skip
NOT_APPLICABLE = frozenset({"n/a"})  # an axis the source does not have (a crime has no gender)
#: the fact one counted unit is: custody records and people are different facts, crimes are crimes whichever
#: measure name counted them (recorded_crimes and crime_outcomes differ only by their default date basis)
IDENTITY = {("custody", "custody record"): "arrests", ("custody", "person"): "persons_arrested",
            ("crime", "crime"): "crimes", ("police_uk", "crime"): "police_uk_crimes",
            ("stop_search", "search"): "stop_searches"}  # fmt: skip
DIMENSION_AXIS = {b.name: b.axis_name for b in BREAKDOWNS.values()}
#: breakdowns whose labels are the values themselves, with their complete lists when those are fixed
LABEL_AXES = {
    b.name: (*b.categories, *([b.missing] if b.missing and b.missing not in b.categories else []))
    if b.categories
    else None
    for b in BREAKDOWNS.values()
    if b.axis_name == b.name and not b.filter_only and b.name not in ("offence", "outcome")
} | {b.name: tuple(sorted(set_valued.values(b.name))) for b in BREAKDOWNS.values() if b.set_valued}
#: sources whose outcome labels are the values (police.uk's own words); the others map to reference codes
LABEL_OUTCOMES = frozenset({"police_uk", "stop_search"})
SOURCE_AXES = {
    source: {BREAKDOWNS[b].axis_name for m in MEASURES.values() if m.source == source for b in m.breakdowns}
    - {"day"}
    for source in {m.source for m in MEASURES.values()}
}
#: label -> finest outcome value, per (source, breakdown); the SQL joins the same reference tables
_OUTCOMES = {
    ("custody", "outcome"): "select disposal_group, disposal from ref.custody_disposals",
    ("custody", "further_action"): "select further_action, disposal from ref.custody_disposals",
    ("custody", "disposal"): "select disposal, disposal from ref.custody_disposals",
    ("crime", "outcome"): "select outcome_group, outcome_code from ref.ho_outcome_types",
    ("crime", "outcome_type"): "select outcome_label, outcome_code from ref.ho_outcome_types",
}
_OUTCOME_VALUES = {
    "custody": "select disposal from ref.custody_disposals",  # the count inner-joins it: nothing else is counted
    "crime": "select outcome_code from ref.ho_outcome_types",  # '0' also stands for no or an unknown code
    "police_uk": "select outcome_category from ref.police_uk_outcome_categories union "
    "select distinct coalesce(nullif(trim(last_outcome_category), ''), 'No outcome recorded') "
    "from staging.police_uk_street_crimes",
    "stop_search": "select distinct coalesce(outcome, 'Not recorded') from staging.police_uk_stop_searches",
}


def identity(plan: PartPlan) -> str:
    """The fact a part's figures are (see :data:`IDENTITY`)."""
    return IDENTITY[(plan.info.source, plan.info.unit)]


def additive(plan: PartPlan) -> bool:
    """Is each cell the sum of its atoms? Not for people (one person, several arrests in several cells) nor
    for the any-offence rule (one arrest under several offences). Overlapping periods or offence categories
    are fine: a cell still counts each unit of its population once, and a unit has one day and one code."""
    return plan.info.unit != "person" and not (
        plan.info.source == "custody" and plan.part.offences.rule == "any"
    )


def axes_for(con: duckdb.DuckDBPyConnection, plan: PartPlan, table: TidyTable | None = None) -> Axes:
    """The populations of a part's table. Pass the answered ``table`` when it may hold labels found in the
    data but not in the plan (a new station, 'Not recorded' ages): they become values of their own."""
    source = plan.info.source
    extras = _extras(plan, table)
    universe = {axis: NOT_APPLICABLE for axis in AXES} | {
        "source": frozenset({source}),
        "unit": frozenset({plan.info.unit}),
        "rule": frozenset({plan.part.offences.rule if source == "custody" else "n/a"}),
        "date_basis": frozenset({plan.part.basis}),
        "offence": frozenset(plan.offences.titles) or NOT_APPLICABLE,  # stop and search has no offence
        "outcome": _values(con, _OUTCOME_VALUES[source]) | extras.get("outcome", frozenset()),
    }
    for name, fixed in LABEL_AXES.items():
        if name in SOURCE_AXES[source]:
            known = fixed if fixed is not None else categories(con, name, source)
            universe[name] = frozenset(known) | extras.get(name, frozenset())
    unrecognised = _unrecognised_codes(con, source) if not plan.offences.categories else {}
    universe["offence"] |= frozenset(unrecognised)
    selected = frozenset(c for cat in plan.offences.categories for c in cat.codes) or universe["offence"]
    fixed = universe | {"offence": selected, "day": _union(_windows(plan, current=True).values())}
    dimensions = {}
    for d in plan.dims:
        name = d.sql.column
        axis = DIMENSION_AXIS[name]
        if name == "period":
            labels = _period_labels(plan, current=True)
        elif axis == "offence":
            labels = _offence_labels(plan, name, selected, unrecognised)
        elif axis == "outcome" and source not in LABEL_OUTCOMES:
            labels = _outcome_labels(con, source, name, d.labels, d.dimension.total, universe["outcome"])
        else:
            shown = [x for x in [*d.labels, *extras.get(name, ())] if x != d.dimension.total]
            labels = {x: _label_values(name, x) for x in shown}
            fixed[axis] = universe[axis] = universe[axis] | _union(labels.values())  # every label is in "all"
            if d.dimension.total:
                labels[d.dimension.total] = universe[axis]
        dimensions[name] = (axis, labels)
    for axis, kept in _filtered(con, plan, universe).items():  # a filter narrows its axis everywhere
        fixed[axis] = fixed[axis] & kept
        dimensions = {
            n: (a, {x: v & kept for x, v in labels.items()} if a == axis else labels)
            for n, (a, labels) in dimensions.items()
        }
    counts = identity(plan)
    measures = {plan.info.name: MeasureAxes(counts=counts)}
    if plan.part.compare != "none":
        measures[f"{plan.info.name}{COMPARISON_SUFFIX}"] = MeasureAxes(
            counts=counts,
            dimensions={"period": _period_labels(plan, current=False)},
            fixed={"day": _union(_windows(plan, current=False).values())},
        )
    return Axes(dimensions, fixed, measures, additive=additive(plan), as_at=as_at_text(plan.as_at))


def _filtered(
    con: duckdb.DuckDBPyConnection, plan: PartPlan, universe: Mapping[str, frozenset]
) -> dict[str, frozenset]:
    """Axis -> the values the part's filters keep (the finest values: disposals or outcome codes for outcome
    labels, the labels themselves otherwise)."""
    out: dict[str, frozenset] = {}
    for f in plan.filters:
        if not f.in_sql:
            continue  # crime status: the rule every crime cell already counts by
        axis = DIMENSION_AXIS[f.name]
        if axis == "outcome" and plan.info.source not in LABEL_OUTCOMES:
            mapping: dict[str, set] = {}
            for label, value in con.sql(_OUTCOMES[(plan.info.source, f.name)]).fetchall():  # constant queries
                mapping.setdefault(label, set()).add(value)
            named = frozenset().union(*(mapping.get(v, set()) for v in f.values))
        else:
            named = _union(_label_values(f.name, v) for v in f.values)
        kept = named if f.mode == "keep" else universe[axis] - named
        out[axis] = out.get(axis, universe[axis]) & kept
    return out


def complete(population: Mapping[str, frozenset]) -> dict[str, frozenset]:
    """A population recorded before some axes existed, on every axis: a cell counted every value of an axis it
    did not know (the full list, for an axis of its source: new axes of existing sources have fixed lists)
    and "n/a" on an axis its source does not have."""
    out = dict(population)
    (source,) = population.get("source", NOT_APPLICABLE)
    for axis in AXES:
        if axis not in out:
            everything = LABEL_AXES.get(axis) if axis in SOURCE_AXES.get(source, ()) else None
            if axis in SOURCE_AXES.get(source, ()) and everything is None:
                raise ValueError(f"a {source} cell recorded before the {axis} axis cannot be completed")
            out[axis] = frozenset(everything) if everything else NOT_APPLICABLE
    return out


def complete_cell(cell: PublishedCell) -> PublishedCell:
    """The cell with :func:`complete` applied to its population."""
    return cell if set(cell.population) >= set(AXES) else replace(cell, population=complete(cell.population))


def _windows(plan: PartPlan, *, current: bool) -> dict[str, frozenset]:
    out = {}
    for p in plan.periods:
        span: Span | None = p.span if current else p.previous
        assert span is not None  # every period of a comparing part has its comparison window
        out[p.label] = days(span.start, span.end)
    return out


def _period_labels(plan: PartPlan, *, current: bool) -> dict[str, frozenset]:
    labels = _windows(plan, current=current)
    total = next(d.dimension.total for d in plan.dims if d.sql.column == "period")
    return labels | ({total: _union(labels.values())} if total else {})


def _offence_labels(
    plan: PartPlan, name: str, selected: frozenset, unrecognised: dict[str, str]
) -> dict[str, frozenset]:
    """Categories are their codes; a group (flat, or a subtotal in the hierarchy) is the selected codes in it;
    the total is every selected code."""
    dim = next(d for d in plan.dims if d.sql.column == name)
    groups = plan.offences.groups | unrecognised  # code -> group label as shown (subtotals may be renamed)
    labels: dict[str, frozenset] = {c.label: frozenset(c.codes) for c in plan.offences.categories}
    if name == "offence":
        for leaf, parent in dim.dimension.parents.items():
            labels[parent] = labels.get(parent, frozenset()) | labels[leaf]
        labels = {x: v for x, v in labels.items() if x in dim.labels}
    else:
        labels = {g: frozenset(c for c in selected if groups.get(c) == g) for g in dim.labels}
    if dim.dimension.total:
        labels[dim.dimension.total] = selected
    return labels


#: well-formed codes the reference data lacks, as staged (every delivery: history queries count them too)
_UNRECOGNISED = {
    "custody": "select distinct offence_code from staging.custody_offences where offence_code not in "
    "(select cjs_code from ref.offences)",
    "crime": "select distinct ho_offence_code from staging.crimes where ho_offence_code not in "
    "(select ho_offence_code from ref.ho_offence_codes)",
}


def _unrecognised_codes(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, str]:
    """Code -> the UNR group's label, for every staged code the reference data lacks. Where every offence
    counts, the SQL counts them under that group; so they are values of the offence axis like any code (and a
    local code one request names is then the same value here and in a table of all offences)."""
    if source not in _UNRECOGNISED:
        return {}
    label = con.sql(
        "select offence_group from ref.offence_groups where offence_group_code = 'UNR'"
    ).fetchall()
    if not label:
        return {}
    return {
        code: label[0][0] for (code,) in con.sql(_UNRECOGNISED[source]).fetchall() if code
    }  # fixed queries


def _outcome_labels(
    con: duckdb.DuckDBPyConnection,
    source: str,
    name: str,
    shown: Iterable[str],
    total: str | None,
    everything: frozenset,
) -> dict[str, frozenset]:
    mapping: dict[str, set] = {}
    for label, value in con.sql(_OUTCOMES[(source, name)]).fetchall():  # allow-listed constant queries
        mapping.setdefault(label, set()).add(value)
    labels = {x: frozenset(mapping.get(x, ())) for x in shown if x != total}
    return labels | ({total: everything} if total else {})


def _extras(plan: PartPlan, table: TidyTable | None) -> dict[str, frozenset]:
    """Labels of the answered table that the plan did not list, on axes whose labels are values."""
    if table is None:
        return {}
    out = {}
    for d in plan.dims:
        name = d.sql.column
        if name in LABEL_AXES or (name == "outcome" and plan.info.source in LABEL_OUTCOMES):
            found = frozenset(str(x) for x in table.frame[name].unique().to_list()) - set(d.labels)
            if found:
                out[name] = found
    return out


def _label_values(name: str, label: str) -> frozenset:
    """The values a label of a label axis counts: itself, or for a set-valued one the combinations holding it."""
    return set_valued.containing(name, label) if BREAKDOWNS[name].set_valued else frozenset({label})


def _values(con: duckdb.DuckDBPyConnection, query: str) -> frozenset:
    return frozenset(str(r[0]) for r in con.sql(query).fetchall())


def _union(sets: Iterable[frozenset]) -> frozenset:
    return frozenset().union(*sets)


def populations_for(
    con: duckdb.DuckDBPyConnection, answered: Iterable[tuple[PartPlan, TidyTable]]
) -> dict[str, Axes]:
    """``protect(populations=...)`` for a release: table name -> axes, from each table and its plan."""
    return {table.name: axes_for(con, plan, table) for plan, table in answered}
