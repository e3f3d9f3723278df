"""What can be counted, by what, from which source: the allow-lists a request is checked against.

Everything a spec may name that reaches SQL as an identifier (a breakdown column) is listed here and nowhere
else; the SQL builder refuses any identifier that is not in :data:`BREAKDOWNS`. Keeping the lists in one
place also lets the spec validator explain *why* a breakdown is refused (police.uk has months only and no
demographics) instead of failing later in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

BREAKDOWN_NAMES = (
    "offence", "offence_group", "period", "outcome", "further_action", "disposal", "outcome_type", "gender",
    "age_band", "ethnicity_group", "station", "district", "arresting_agency",
)  # fmt: skip
VARIANTS = ("attempt", "aiding", "conspiracy", "inciting")
#: CJS offence-code suffix letter of each variant (A attempt, B aid/abet/counsel/procure, C conspire, I incite).
VARIANT_SUFFIX = {"attempt": "A", "aiding": "B", "conspiracy": "C", "inciting": "I"}


@dataclass(frozen=True)
class Breakdown:
    """A classifying column of the counted units: its SQL column (an allow-listed identifier), its title and,
    where the categories are fixed, their order (zeros are shown for every one)."""

    name: str
    title: str
    total: str
    categories: tuple[str, ...] = ()  # fixed list; empty = taken from the reference data or the warehouse


AGE_BANDS = ("10 to 17", "18 to 20", "21 to 24", "25 to 29", "30 to 39", "40 to 49", "50 to 59", "60 and over")
ETHNICITY_GROUPS = ("Asian or Asian British", "Black, Black British, Caribbean or African", "Mixed or multiple",
                    "White", "Other ethnic group", "Not stated")  # fmt: skip

BREAKDOWNS: dict[str, Breakdown] = {
    b.name: b
    for b in (
        Breakdown("offence", "Offence", "All offences"),
        Breakdown("offence_group", "Offence group", "All offence groups"),
        Breakdown("period", "Period", "All periods"),
        Breakdown("outcome", "Outcome", "All outcomes"),
        Breakdown("further_action", "Further action", "All outcomes"),
        Breakdown("disposal", "Custody disposal", "All disposals"),
        Breakdown("outcome_type", "Outcome type", "All outcome types"),
        Breakdown("gender", "Gender", "All genders"),
        Breakdown("age_band", "Age at arrest", "All ages", AGE_BANDS),
        Breakdown("ethnicity_group", "Self-defined ethnicity", "All ethnic groups", ETHNICITY_GROUPS),
        Breakdown("station", "Custody station", "All stations"),
        Breakdown("district", "District", "All districts"),
        Breakdown("arresting_agency", "Arresting agency", "All agencies"),
    )
}


@dataclass(frozen=True)
class MeasureInfo:
    """One thing a request can count."""

    name: str
    title: str  # the measure column's header
    noun: str  # for titles: "Arrests", "People arrested"
    source: str  # custody | crime | police_uk
    unit: str  # what one counted unit is, for the notes
    breakdowns: tuple[str, ...]
    date_bases: tuple[str, ...]  # the first is the default
    item_kinds: tuple[str, ...]  # offence item kinds that make sense for the source
    refusals: tuple[tuple[str, str], ...] = ()  # breakdown -> why this source cannot give it

    def refusal(self, breakdown: str) -> str:
        why = dict(self.refusals).get(breakdown)
        allowed = ", ".join(self.breakdowns)
        return (why or f"{self.noun.lower()} cannot be broken down by {breakdown}") + f"; allowed: {allowed}"


_CUSTODY_BREAKDOWNS = ("offence", "offence_group", "period", "outcome", "further_action", "disposal", "gender",
                       "age_band", "ethnicity_group", "station", "arresting_agency")  # fmt: skip
_CUSTODY_ITEMS = ("selection", "code", "group", "legislation", "local_code")
_CRIME_BREAKDOWNS = ("offence", "offence_group", "period", "outcome", "outcome_type", "district")
_NO_DEMOGRAPHICS = "crime records hold no details of the people involved (gender, age or ethnicity)"
_CRIME_REFUSALS = tuple((b, _NO_DEMOGRAPHICS) for b in ("gender", "age_band", "ethnicity_group")) + (
    ("station", "crimes are recorded by district, not custody station"),
    ("further_action", "further action is a custody disposal; for crimes use outcome or outcome_type"),
    ("disposal", "disposals are custody outcomes; for crimes use outcome or outcome_type"),
    ("arresting_agency", "crimes have no arresting agency"),
)
_POLICE_UK_REFUSALS = tuple(
    (b, "data.police.uk publishes crime type, month, location and last outcome only: no demographics")
    for b in ("gender", "age_band", "ethnicity_group")
) + (
    ("offence_group", "data.police.uk has crime types only (use offence)"),
    ("station", "data.police.uk has no custody data"),
    ("district", "data.police.uk locations are anonymised points, not districts"),
    ("outcome_type", "data.police.uk has the last outcome category only (use outcome)"),
    ("further_action", "data.police.uk has no custody data"),
    ("disposal", "data.police.uk has no custody data"),
    ("arresting_agency", "data.police.uk has no custody data"),
)

MEASURES: dict[str, MeasureInfo] = {
    m.name: m
    for m in (
        MeasureInfo("arrests", "Number of arrests", "Arrests", "custody", "custody record",
                    _CUSTODY_BREAKDOWNS, ("arrest", "outcome"), _CUSTODY_ITEMS),
        MeasureInfo("persons_arrested", "Number of people arrested", "People arrested", "custody", "person",
                    _CUSTODY_BREAKDOWNS, ("arrest", "outcome"), _CUSTODY_ITEMS),
        MeasureInfo("recorded_crimes", "Number of recorded crimes", "Recorded crimes", "crime", "crime",
                    _CRIME_BREAKDOWNS, ("recorded", "outcome"), ("ho_code", "group", "local_code"), _CRIME_REFUSALS),
        MeasureInfo("crime_outcomes", "Number of crime outcomes", "Crime outcomes", "crime", "crime",
                    _CRIME_BREAKDOWNS, ("outcome", "recorded"), ("ho_code", "group", "local_code"), _CRIME_REFUSALS),
        MeasureInfo("police_uk_crimes", "Number of crimes (data.police.uk)", "Crimes published on data.police.uk",
                    "police_uk", "crime", ("offence", "period", "outcome"), ("month",), ("crime_type",),
                    _POLICE_UK_REFUSALS),
    )
}

COMPARISON_SUFFIX = "_last_year"
