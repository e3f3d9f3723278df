"""When a standing publication is issued, and which period it covers.

The nightly run refreshes the warehouse every night, but a standing dataset is released on its calendar (for
example monthly, on the 10th working day of the second month after the month it covers), so readers get
predictable releases rather than figures that shift daily. A missed day is caught up the next night; a period
whose release was missed is superseded by the next one, which carries the whole history anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flows.requests.due import nth_working_day_of_month

Frequency = Literal["monthly", "quarterly", "annual", "financial_year"]
_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12, "financial_year": 12}


class Calendar(BaseModel):
    """A publication calendar: the period each release covers and the day it is issued."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    frequency: Frequency = Field(
        description="the period each release adds: monthly, quarterly (calendar "
        "quarters), annual (calendar years) or financial_year (April to March)"
    )
    lag_months: int = Field(1, ge=1, le=12, description="1: released in the month after the period ends")
    working_day: int | None = Field(
        None,
        ge=1,
        le=20,
        description="issue on this working day of the month (England and Wales bank holidays excluded)",
    )
    day_of_month: int | None = Field(None, ge=1, le=28, description="or on this day of the month")
    first_period: str = Field(description="the first period published, e.g. 2024-01, 2024-Q1, 2024, 2024/25")

    @model_validator(mode="after")
    def _check(self) -> Calendar:
        if (self.working_day is None) == (self.day_of_month is None):
            raise ValueError("give exactly one of working_day and day_of_month")
        parse_period(self.frequency, self.first_period)
        return self


@dataclass(frozen=True, order=True)
class CoveredPeriod:
    start: date
    end: date
    key: str  # 2024-07, 2024-Q3, 2024, 2024/25


def period_containing(frequency: Frequency, day: date) -> CoveredPeriod:
    months = _MONTHS[frequency]
    if frequency == "financial_year":
        year = day.year if day.month >= 4 else day.year - 1
        return _make(frequency, date(year, 4, 1))
    first_month = (day.month - 1) // months * months + 1
    return _make(frequency, date(day.year, first_month, 1))


def _make(frequency: Frequency, start: date) -> CoveredPeriod:
    end = _add_months(start, _MONTHS[frequency]) - timedelta(days=1)
    if frequency == "monthly":
        key = f"{start:%Y-%m}"
    elif frequency == "quarterly":
        key = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    elif frequency == "annual":
        key = str(start.year)
    else:
        key = f"{start.year}/{(start.year + 1) % 100:02d}"
    return CoveredPeriod(start, end, key)


def parse_period(frequency: Frequency, key: str) -> CoveredPeriod:
    """'2024-07' (monthly), '2024-Q3', '2024', '2024/25' -> the period; ValueError names the expected form."""
    forms = {"monthly": "2024-07", "quarterly": "2024-Q3", "annual": "2024", "financial_year": "2024/25"}
    try:
        if frequency == "monthly":
            start = date(int(key[:4]), int(key[5:7]), 1) if len(key) == 7 and key[4] == "-" else None
        elif frequency == "quarterly":
            start = date(int(key[:4]), 3 * int(key[6]) - 2, 1) if len(key) == 7 and key[4:6] == "-Q" else None
        elif frequency == "annual":
            start = date(int(key), 1, 1) if len(key) == 4 else None
        else:
            ok = len(key) == 7 and key[4] == "/" and int(key[5:]) == (int(key[:4]) + 1) % 100
            start = date(int(key[:4]), 4, 1) if ok else None
    except ValueError:
        start = None
    if start is None:
        raise ValueError(
            f"first_period {key!r} is not a {frequency} period; write it like {forms[frequency]}"
        )
    return _make(frequency, start)


def next_period(frequency: Frequency, period: CoveredPeriod) -> CoveredPeriod:
    return _make(frequency, period.end + timedelta(days=1))


def previous_periods(frequency: Frequency, period: CoveredPeriod, count: int) -> list[CoveredPeriod]:
    """``count`` periods ending with ``period``, oldest first."""
    out = [period]
    while len(out) < count:
        out.insert(0, period_containing(frequency, out[0].start - timedelta(days=1)))
    return out


def release_date(calendar: Calendar, period: CoveredPeriod) -> date:
    month = _add_months(date(period.end.year, period.end.month, 1), calendar.lag_months)
    if calendar.working_day is not None:
        return nth_working_day_of_month(month.year, month.month, calendar.working_day)
    return month.replace(day=calendar.day_of_month)


def schedule(calendar: Calendar, until: date) -> Iterator[tuple[date, CoveredPeriod]]:
    """Every (release date, period) from the first period while the release date is on or before ``until``."""
    period = parse_period(calendar.frequency, calendar.first_period)
    while (when := release_date(calendar, period)) <= until:
        yield when, period
        period = next_period(calendar.frequency, period)


def due_release(
    calendar: Calendar, today: date, published: set[str] | frozenset[str] = frozenset()
) -> CoveredPeriod | None:
    """The period to release on ``today``: the latest whose release date has come and that is not published
    yet (None: nothing is due, so the nightly run only refreshes the warehouse)."""
    latest = None
    for _, period in schedule(calendar, today):
        latest = period
    return latest if latest is not None and latest.key not in published else None


@dataclass(frozen=True)
class NotDue:
    """A standing dataset whose calendar has a period due that its data do not reach yet (a force loading its
    history, a late extract): reported, not released, and the nightly run carries on. Read like a release
    by the run's summary (``status release_id: path``)."""

    release_id: str  # the dataset
    path: str  # why: 'data covers up to 31 May 2025 (2025-06 due on its calendar)'
    status: str = "not due"
    files: tuple[str, ...] = ()
    message: str = ""


def due_for_data(
    calendar: Calendar,
    today: date,
    published: set[str] | frozenset[str],
    covers_until: date | None,
    dataset: str = "",
) -> CoveredPeriod | NotDue | None:
    """The period to release on ``today`` if the data cover all of it; :class:`NotDue` when the calendar says
    one is due but the data end before it (``covers_until``: the last whole day, None: no data yet); None when
    the calendar has nothing due."""
    period = due_release(calendar, today, published)
    if period is None:
        return None
    if covers_until is None:
        return NotDue(dataset, f"no data loaded yet ({period.key} due on its calendar)")
    if period.end > covers_until:
        return NotDue(
            dataset, f"data covers up to {covers_until:%d %B %Y} ({period.key} due on its calendar)"
        )
    return period


def next_release(calendar: Calendar, today: date) -> tuple[date, CoveredPeriod]:
    """The first release after ``today`` (for 'next update' on the cover sheet)."""
    period = parse_period(calendar.frequency, calendar.first_period)
    while (when := release_date(calendar, period)) <= today:
        period = next_period(calendar.frequency, period)
    return when, period


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
