"""When extracts are delivered and what each file looks like.

A force sends one full extract up to an early cut-off, then a partial extract at 02:00 on the last day of each
month (everything new or changed since the previous extract) and now and then a full one again. The look of a
file follows the system that produced it: the legacy custody and crime systems export Windows-1252 with UK
dates and lack the optional column; their replacements export UTF-8; the full extracts come from a BI tool that
writes UTF-8 with a BOM and ISO dates. Parquet output keeps the columns and drops the encoding variety. The
crime marker columns (crime_markers.py) arrive over time: domestic abuse and hate crime strands with the new
crime system, the knife or sharp instrument flag with an upgrade two years later; a crime extract taken before
a marker was recorded does not have its column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flows.generate.clock import EPOCH, minute_of

INITIAL_CUTOFF = date(2015, 12, 31)
FULL_EVERY_YEARS = 5
EXTRACT_HOUR = 2
CUSTODY_SYSTEM_CHANGE = date(2019, 4, 1)  # legacy custody system before this
CRIME_SYSTEM_CHANGE = date(2018, 1, 1)  # legacy crime system before this

DOMESTIC_ABUSE, KNIFE, HATE = "domestic_abuse", "knife_or_sharp_instrument", "hate_crime_strands"
#: each crime marker column, in file order, and the day the force's crime system started recording it.
MARKERS_FROM = ((DOMESTIC_ABUSE, CRIME_SYSTEM_CHANGE), (KNIFE, date(2020, 4, 1)), (HATE, CRIME_SYSTEM_CHANGE))

ISO = ("%Y-%m-%d", "%Y-%m-%d %H:%M")
UK = ("%d/%m/%Y", "%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class Delivery:
    index: int
    extracted_at: datetime
    kind: str  # "full" or "partial"

    @property
    def minute(self) -> int:
        return minute_of(self.extracted_at)

    def file_stem(self, source: str) -> str:
        return f"{source}_{self.extracted_at:%Y%m%dT%H%M}_{self.kind}"


@dataclass(frozen=True)
class FileStyle:
    encoding: str  # utf-8, utf-8-sig, cp1252, or parquet
    date_style: str  # iso or uk
    optional_column: bool  # arresting_agency / crime_status present
    line_terminator: str
    markers: tuple[str, ...] = ()  # crime marker columns present (MARKERS_FROM)

    @property
    def date_format(self) -> str:
        return (ISO if self.date_style == "iso" else UK)[0]

    @property
    def datetime_format(self) -> str:
        return (ISO if self.date_style == "iso" else UK)[1]


def deliveries(today: date) -> list[Delivery]:
    """The delivery schedule up to 02:00 on `today`, oldest first."""
    if today <= EPOCH + timedelta(days=31):
        raise ValueError(
            f"today={today} leaves no history to extract; it must be after {EPOCH + timedelta(days=31)}"
        )
    end = datetime(today.year, today.month, today.day, EXTRACT_HOUR)
    first = min(datetime.combine(INITIAL_CUTOFF, datetime.min.time()).replace(hour=EXTRACT_HOUR), end)
    out = [Delivery(0, first, "full")]
    month = date(first.year, first.month, 1)
    while True:
        month = _next_month(month)
        at = datetime.combine(_next_month(month) - timedelta(days=1), datetime.min.time()).replace(
            hour=EXTRACT_HOUR
        )
        if at >= end:
            break
        full = at.month == 12 and (at.year - INITIAL_CUTOFF.year) % FULL_EVERY_YEARS == 0
        out.append(Delivery(len(out), at, "full" if full else "partial"))
    if end > out[-1].extracted_at:
        out.append(Delivery(len(out), end, "partial"))
    return out


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def style_for(source: str, delivery: Delivery, fmt: str) -> FileStyle:
    """The file style of `source`'s extract in `delivery` (see the module docstring for the story)."""
    change = CUSTODY_SYSTEM_CHANGE if source == "custody" else CRIME_SYSTEM_CHANGE
    legacy = delivery.kind == "partial" and delivery.extracted_at.date() < change
    markers = tuple(
        m for m, since in MARKERS_FROM if source == "crime" and delivery.extracted_at.date() >= since
    )
    if fmt == "parquet":
        return FileStyle("parquet", "iso", not legacy, "", markers)
    if delivery.kind == "full":
        return FileStyle("utf-8-sig", "iso", True, "\r\n", markers)
    if legacy:
        return FileStyle("cp1252", "uk", False, "\r\n")
    return FileStyle("utf-8", "iso" if source == "custody" else "uk", True, "\n", markers)


def legacy_crime_window(schedule: list[Delivery]) -> tuple[int, int]:
    """Minutes [start, end) whose changes land in a legacy crime file, which has no crime_status column.

    Cancellations falling there are held back to `end` (the first file with the column), as a system that
    cannot export a status would.
    """
    legacy = [d for d in schedule if d.kind == "partial" and d.extracted_at.date() < CRIME_SYSTEM_CHANGE]
    return (schedule[0].minute, legacy[-1].minute) if legacy else (0, 0)
