"""What can be counted, by what, from which source: the allow-lists a request is checked against.

Everything a spec may name that reaches SQL as an identifier (a breakdown or filter column) is listed here and
nowhere else; the SQL builder refuses any identifier that is not in :data:`BREAKDOWNS`. Keeping the lists in one
place also lets the spec validator explain *why* a breakdown is refused (police.uk has months only and no
demographics) instead of failing later in SQL. A filter is a set of categories of the same dimensions
breakdowns use, so a filtered figure and a breakdown published elsewhere are one algebra for the cumulative
disclosure checks (:mod:`flows.requests.populations`).

A column some extracts do not supply (custody ``arresting_agency``; the crime markers) is an
:class:`OptionalColumn`: a part that needs it and finds no value in its periods is answered "not held in this
form". A crime marker plugs in with one :class:`Breakdown` line below once ``core.crimes`` has its column; until
then a request for it is answered as not held (the warehouse does not hold it).
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.ingest.sources import HATE_CRIME_STRANDS

VARIANTS = ("attempt", "aiding", "conspiracy", "inciting")
#: CJS offence-code suffix letter of each variant (A attempt, B aid/abet/counsel/procure, C conspire, I incite).
VARIANT_SUFFIX = {"attempt": "A", "aiding": "B", "conspiracy": "C", "inciting": "I"}
NOT_RECORDED = "Not recorded"
#: the reserved filter category for a force's own agency: the ``organisation`` setting names it
OWN_FORCE = "own force"


@dataclass(frozen=True)
class OptionalColumn:
    """A source column NULL where an extract did not supply it. ``label_sql`` (a constant; ``{c}`` is the
    column) turns it into the breakdown's label; empty when the units template already does."""

    source: str
    column: str
    label_sql: str = ""


@dataclass(frozen=True)
class Breakdown:
    """A classifying column of the counted units: its SQL column (an allow-listed identifier), its title, and,
    where the categories are fixed, their order (zeros are shown for every one). ``phrase`` says what a filter
    on it keeps ('of people aged {}'); ``axis`` is the population axis its values lie on; ``missing`` is the
    category of records without a value (None: every record has one)."""

    name: str
    title: str
    total: str
    categories: tuple[str, ...] = ()  # fixed list; empty = taken from the reference data or the warehouse
    phrase: str = ""
    axis: str = ""
    missing: str | None = NOT_RECORDED
    optional: OptionalColumn | None = None
    filter_only: bool = False  # a filter, never a breakdown (crime status)
    set_valued: bool = False  # a unit has a list of categories (hate crime strands): counted under each

    @property
    def axis_name(self) -> str:
        return self.axis or self.name


AGE_BANDS = (
    "10 to 17",
    "18 to 20",
    "21 to 24",
    "25 to 29",
    "30 to 39",
    "40 to 49",
    "50 to 59",
    "60 and over",
)
ETHNICITY_GROUPS = ("Asian or Asian British", "Black, Black British, Caribbean or African", "Mixed or multiple",
                    "White", "Other ethnic group", "Not stated")  # fmt: skip
YES_NO = ("Yes", "No")
CRIME_STATUSES = ("active", "cancelled", "transferred", "deleted")
_MARKER = "case {c} when true then 'Yes' when false then 'No' else 'Not recorded' end"
#: the canonical crime format's hate crime strands and their published labels
STRAND_LABELS = dict(
    zip(
        HATE_CRIME_STRANDS,
        ("Race", "Religion", "Sexual orientation", "Disability", "Transgender identity"),
        strict=True,
    )
)
NOT_HATE_CRIME = "Not a hate crime"
#: a crime's strands as a list of labels (every crime has at least one: 'Not a hate crime' for none)
_STRANDS = (
    f"case when {{c}} is null then ['{NOT_RECORDED}'] when len({{c}}) = 0 then ['{NOT_HATE_CRIME}'] "
    "else list_transform(list_distinct({c}), lambda s: case s "
    + " ".join(f"when '{code}' then '{label}'" for code, label in STRAND_LABELS.items())
    + " end) end"
)

BREAKDOWNS: dict[str, Breakdown] = {
    b.name: b
    for b in (
        Breakdown("offence", "Offence", "All offences", axis="offence", missing=None),
        Breakdown("offence_group", "Offence group", "All offence groups", axis="offence", missing=None),
        Breakdown("period", "Period", "All periods", axis="day", missing=None),
        Breakdown(
            "outcome", "Outcome", "All outcomes", phrase="whose outcome is {}", axis="outcome", missing=None
        ),
        Breakdown(
            "further_action",
            "Further action",
            "All outcomes",
            phrase="whose further action is {}",
            axis="outcome",
            missing=None,
        ),
        Breakdown(
            "disposal",
            "Custody disposal",
            "All disposals",
            phrase="with the custody disposal {}",
            axis="outcome",
            missing=None,
        ),
        Breakdown(
            "outcome_type",
            "Outcome type",
            "All outcome types",
            phrase="whose outcome type is {}",
            axis="outcome",
            missing=None,
        ),
        Breakdown("gender", "Gender", "All genders", phrase="of people whose gender is recorded as {}"),
        Breakdown("age_band", "Age at arrest", "All ages", AGE_BANDS, "of people aged {} at arrest"),
        Breakdown(
            "ethnicity_group",
            "Self-defined ethnicity",
            "All ethnic groups",
            ETHNICITY_GROUPS,
            "of people whose self-defined ethnicity is {}",
            missing="Not stated",
        ),
        Breakdown("station", "Custody station", "All stations", phrase="at {}"),
        Breakdown("district", "District", "All districts", phrase="in {}"),
        Breakdown(
            "arresting_agency",
            "Arresting agency",
            "All agencies",
            phrase="made by {}",
            optional=OptionalColumn("custody", "arresting_agency"),
        ),
        Breakdown(
            "crime_status", "Crime status", "All statuses", CRIME_STATUSES, filter_only=True, missing=None
        ),
        # stop and search (data.police.uk): the files' own vocabularies
        Breakdown(
            "object_of_search",
            "Object of search",
            "All objects of search",
            phrase="where the object of search was {}",
        ),
        Breakdown("legislation", "Legislation", "All legislation", phrase="under {}"),
        Breakdown("age_range", "Age range", "All age ranges", phrase="of people aged {}"),
        Breakdown(
            "officer_defined_ethnicity",
            "Officer-defined ethnicity",
            "All ethnic groups",
            phrase="of people whose officer-defined ethnicity is {}",
        ),
        # crime markers (optional canonical crime columns; see the shared contract in the README)
        Breakdown(
            "domestic_abuse",
            "Domestic abuse",
            "All crimes",
            YES_NO,
            "where the domestic abuse flag is {}",
            optional=OptionalColumn("crime", "is_domestic_abuse", _MARKER),
        ),
        Breakdown(
            "knife_or_sharp_instrument",
            "Knife or sharp instrument",
            "All crimes",
            YES_NO,
            "where the knife or sharp instrument flag is {}",
            optional=OptionalColumn("crime", "is_knife_or_sharp_instrument", _MARKER),
        ),
        Breakdown(
            "hate_crime_strand",
            "Hate crime strand",
            "All crimes",
            (*STRAND_LABELS.values(), NOT_HATE_CRIME),
            "flagged with the hate crime strand {}",
            optional=OptionalColumn("crime", "hate_crime_strands", _STRANDS),
            set_valued=True,
        ),
    )
}
BREAKDOWN_NAMES = tuple(b.name for b in BREAKDOWNS.values() if not b.filter_only)
FILTER_NAMES = tuple(b.name for b in BREAKDOWNS.values() if b.phrase or b.filter_only)


@dataclass(frozen=True)
class MeasureInfo:
    """One thing a request can count."""

    name: str
    title: str  # the measure column's header
    noun: str  # for titles: "Arrests", "People arrested"
    source: str  # custody | crime | police_uk | stop_search
    unit: str  # what one counted unit is, for the notes
    breakdowns: tuple[str, ...]
    date_bases: tuple[str, ...]  # the first is the default
    item_kinds: tuple[str, ...]  # offence item kinds that make sense for the source
    refusals: tuple[tuple[str, str], ...] = ()  # breakdown -> why this source cannot give it
    extra_filters: tuple[str, ...] = ()  # filter-only dimensions (crime status)

    def refusal(self, breakdown: str) -> str:
        why = dict(self.refusals).get(breakdown)
        allowed = ", ".join(self.breakdowns)
        return (why or f"{self.noun.lower()} cannot be broken down by {breakdown}") + f"; allowed: {allowed}"

    @property
    def filters(self) -> tuple[str, ...]:
        """What a filter may name: the breakdowns that are category sets (offences and periods have fields of
        their own), and the filter-only dimensions."""
        return tuple(b for b in self.breakdowns if b in FILTER_NAMES) + self.extra_filters

    @property
    def records(self) -> str:
        """What one record of the source is called in a filter's sentence."""
        return RECORDS[self.source]


RECORDS = {"custody": "arrests", "crime": "crimes", "police_uk": "crimes", "stop_search": "stop and searches"}
_CUSTODY_BREAKDOWNS = ("offence", "offence_group", "period", "outcome", "further_action", "disposal", "gender",
                       "age_band", "ethnicity_group", "station", "arresting_agency")  # fmt: skip
_CUSTODY_ITEMS = ("selection", "code", "group", "legislation", "local_code")
_CRIME_BREAKDOWNS = ("offence", "offence_group", "period", "outcome", "outcome_type", "district", "domestic_abuse",
                     "knife_or_sharp_instrument", "hate_crime_strand")  # fmt: skip
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
_STOP_SEARCH_BREAKDOWNS = ("period", "outcome", "object_of_search", "legislation", "gender", "age_range",
                           "ethnicity_group", "officer_defined_ethnicity")  # fmt: skip
_STOP_SEARCH_REFUSALS = (
    ("offence", "a stop and search has no offence: use object_of_search or legislation"),
    ("offence_group", "a stop and search has no offence: use object_of_search or legislation"),
    ("age_band", "data.police.uk gives age ranges (10-17, 18-24, 25-34, over 34): use age_range"),
    ("station", "stop and search records have no custody station"),
    ("district", "data.police.uk locations are anonymised points, not districts"),
)

MEASURES: dict[str, MeasureInfo] = {
    m.name: m
    for m in (
        MeasureInfo(
            "arrests",
            "Number of arrests",
            "Arrests",
            "custody",
            "custody record",
            _CUSTODY_BREAKDOWNS,
            ("arrest", "outcome"),
            _CUSTODY_ITEMS,
        ),
        MeasureInfo(
            "persons_arrested",
            "Number of people arrested",
            "People arrested",
            "custody",
            "person",
            _CUSTODY_BREAKDOWNS,
            ("arrest", "outcome"),
            _CUSTODY_ITEMS,
        ),
        MeasureInfo(
            "recorded_crimes",
            "Number of recorded crimes",
            "Recorded crimes",
            "crime",
            "crime",
            _CRIME_BREAKDOWNS,
            ("recorded", "outcome"),
            ("ho_code", "group", "local_code"),
            _CRIME_REFUSALS,
            ("crime_status",),
        ),
        MeasureInfo(
            "crime_outcomes",
            "Number of crime outcomes",
            "Crime outcomes",
            "crime",
            "crime",
            _CRIME_BREAKDOWNS,
            ("outcome", "recorded"),
            ("ho_code", "group", "local_code"),
            _CRIME_REFUSALS,
            ("crime_status",),
        ),
        MeasureInfo(
            "police_uk_crimes",
            "Number of crimes (data.police.uk)",
            "Crimes published on data.police.uk",
            "police_uk",
            "crime",
            ("offence", "period", "outcome"),
            ("month",),
            ("crime_type",),
            _POLICE_UK_REFUSALS,
        ),
        MeasureInfo(
            "stop_searches",
            "Number of stop and searches (data.police.uk)",
            "Stop and searches published on data.police.uk",
            "stop_search",
            "search",
            _STOP_SEARCH_BREAKDOWNS,
            ("search",),
            (),
            _STOP_SEARCH_REFUSALS,
        ),
    )
}

COMPARISON_SUFFIX = "_last_year"
