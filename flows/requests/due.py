"""FOI due dates: the twentieth working day after receipt (FOIA s.10(1) and (6)).

The day of receipt is not counted; Saturdays, Sundays and bank holidays in England and Wales are not working
days. Bank holidays come from the ``holidays`` package (maintained, with substitute days and one-off holidays
such as the 2022 state funeral), not from a list we would have to keep up to date ourselves.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

WORKING_DAYS = 20


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # subdiv ENG: England's bank holidays, which are also Wales's (Scotland and Northern Ireland differ).
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (``start`` itself is never counted)."""
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return day


def due_date(received: date) -> date:
    return add_working_days(received, WORKING_DAYS)


def nth_working_day_of_month(year: int, month: int, n: int) -> date:
    """E.g. the 10th working day of a month (standing publications are scheduled this way)."""
    return add_working_days(date(year, month, 1) - timedelta(days=1), n)
