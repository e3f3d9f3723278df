"""The words that travel with a table: counting rules, codes counted, comparisons, as-at and provisional notes.

Every release cites the counting rules it used (README, counting rules); these sentences are the one source of
that wording for request tables, so the notes sheet and the letter never disagree with the code.
"""

from __future__ import annotations

from flows.requests.catalogue import BREAKDOWNS
from flows.requests.code_shares import DEFAULT_K, CodeShares, share_notes
from flows.requests.periods import WEEKDAY_ALIGNED
from flows.requests.plan import PartPlan

PRINCIPAL_RULE = (
    "Arrests are counted once per custody record, under the principal offence (the first offence "
    "recorded on the custody record)."
)
ANY_RULE = (
    "Under the 'any offence' rule a custody record is counted under every requested offence recorded on it, "
    "so one arrest can appear under several offences: offence rows do not add up to the total, which "
    "counts each custody record once."
)
PERSONS_RULE = (
    "People are counted, not arrests: a person is counted once in each cell in which they were "
    "arrested at least once. A person arrested more than once can appear in several rows (for example "
    "in two years or two age bands), so rows do not add up to totals, which count each person once."
)
OUTCOME_RULE = (
    "The outcome is the custody record's disposal as recorded at the as-at time; bail and release "
    "under investigation are reported as 'Outcome pending'."
)
CRIME_RULE = "Cancelled, transferred and deleted crimes are not counted."
POLICE_UK_RULE = (
    "Each row of a data.police.uk street-level crime file is one crime; a month delivered again "
    "replaces the earlier delivery of that month."
)
STOP_SEARCH_RULE = (
    "Each row of a data.police.uk stop-and-search file is one search; a force's month delivered "
    "again replaces the earlier delivery of that month. Self-defined ethnicity is grouped from the "
    "categories the files publish (their 'Chinese or other ethnic group' counts as Other ethnic "
    "group); officer-defined ethnicity is as published."
)
INCLUSIVE = "Periods include both their first and last days."
_BASIS = {
    "arrest": "An arrest is counted in the period of its arrest date.",
    "outcome": "A record is counted in the period of its outcome (disposal) date; records still awaiting an "
    "outcome have none and are not counted.",
    "recorded": "A crime is counted in the period it was recorded.",
    "month": "A crime is counted in the month data.police.uk gives for it.",
    "search": "A stop and search is counted in the period of its date (UK time).",
}
_SOURCE_RULE = {"crime": CRIME_RULE, "police_uk": POLICE_UK_RULE, "stop_search": STOP_SEARCH_RULE}


def counting_rules(plan: PartPlan) -> list[str]:
    """The rules this table was counted by, in the order a reader needs them."""
    rules = []
    if plan.info.source == "custody":
        rules.append(ANY_RULE if plan.part.offences.rule == "any" else PRINCIPAL_RULE)
        if plan.info.unit == "person":
            rules.append(PERSONS_RULE)
        if any(d.sql.column in ("outcome", "further_action", "disposal") for d in plan.dims):
            rules.append(OUTCOME_RULE)
    else:
        rules.append(_SOURCE_RULE[plan.info.source])
    rules += [f.sentence for f in plan.filters if f.sentence not in rules]
    rules += [_BASIS[plan.part.basis], INCLUSIVE]
    if plan.offences.overlapping:
        rules.append(
            "Some offence codes belong to more than one of the requested offences and are counted under "
            "each, so offence rows do not add up to the total."
        )
    return rules


def codes_note(plan: PartPlan) -> str:
    """The interpretation in full: every code each requested offence was taken to cover."""
    off = plan.offences
    if plan.info.source == "stop_search":
        return f"{off.all_label}: every search in the data.police.uk stop-and-search files is counted."
    if plan.info.source == "police_uk":
        return (
            "data.police.uk crime types counted: "
            + ("; ".join(f"{c.label}: {', '.join(c.codes)}" for c in off.categories) or "all")
            + "."
        )
    if not off.categories:
        return f"{off.all_label}: every offence recorded is counted."
    parts = []
    for cat in off.categories:
        parts.append(f"{cat.label}: " + "; ".join(f"{c} {off.titles.get(c, '')}".strip() for c in cat.codes))
    variants = plan.part.offences.variants
    if plan.info.source == "custody":
        included = (
            f"Variant codes counted as well: {', '.join(variants)}."
            if variants
            else "Attempts, aiding, conspiracies and incitement have codes of their own and are not counted "
            "unless listed."
        )
    else:
        included = ""
    kind = "CJS offence codes" if plan.info.source == "custody" else "Offence codes"
    return f"{kind} counted. " + " | ".join(parts) + f". {included}".rstrip()


COMPARISON_RULE = (
    "Weeks and date windows are compared with the same weekdays 364 days earlier; months and years with the same "
    "calendar dates a year earlier (29 February with 28 February). Change is this period's figure minus the "
    "earlier one; percentage change is that change as a percentage of the earlier figure, and is [z] when the "
    "earlier figure is 0. A change is shown only where both figures are shown."
)


def comparison_notes(plan: PartPlan) -> list[str]:
    """Which periods were compared (this table's own), then how (the same words in every table: one note)."""
    pairs = [(p.label, p.previous_label, p.kind) for p in plan.periods if p.previous is not None]
    if not pairs:
        return []
    listed = "; ".join(
        f"{label} with {prev}" + (" (364 days earlier)" if kind in WEEKDAY_ALIGNED else "")
        for label, prev, kind in pairs
    )
    return [f"Same period a year earlier: {listed}.", COMPARISON_RULE]


def as_at_note(plan: PartPlan) -> str:
    when = f"{plan.as_at:%d %B %Y %H:%M}"
    why = (
        " (the request asks for the figures as known then)"
        if plan.as_at_requested
        else " (the latest extract)"
    )
    text = f"Figures are as recorded at {when}{why}; the last whole day covered is {plan.last_day:%d %B %Y}."
    if any(p.provisional for p in plan.periods):
        cutoff = plan.settled_until
        text += (
            f" Figures for periods ending after {cutoff:%d %B %Y} are provisional [p]: late records and "
            "outcomes still arrive, and they may be revised."
        )
    if any(p.to_date for p in plan.periods):
        text += " Periods marked 'to' a date run from their start to that date (the request asked 'to date')."
    return text


def table_notes(plan: PartPlan, shares: CodeShares | None = None, k: int = DEFAULT_K) -> tuple[str, ...]:
    notes = [plan.part.interpretation.strip(), codes_note(plan), *counting_rules(plan), as_at_note(plan)]
    if shares is not None:
        local = any(c.item_kind == "local_code" for c in plan.offences.categories)
        groups = any("offence_group" in (d.sql.column, d.sql.parent) for d in plan.dims)
        notes += share_notes(
            shares,
            unit=plan.info.unit,
            k=k,
            unrecognised=not plan.offences.categories or local,
            groups=groups,
        )
    notes += comparison_notes(plan)
    if not plan.additive:
        notes.append(
            "Totals in this table count each unit once, so they can be smaller than the sum of the rows."
        )
    for d in plan.dims:
        if d.sql.column in BREAKDOWNS and BREAKDOWNS[d.sql.column].set_valued:
            notes.append(
                f"A {plan.info.unit} recorded with more than one {d.dimension.title.lower()} is counted under "
                "each of them, and once in the total."
            )
    return tuple(notes)
