"""Time in the generator: whole minutes since 2013-01-01 00:00, Europe/London wall-clock time.

Events are drawn day by day from an intensity with a decade-long decline, a summer peak, busier weekends and
the spring 2020 lockdown dip, so monthly and yearly counts look like a real force's.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

EPOCH = date(2013, 1, 1)
REFERENCE_END = date(2027, 1, 1)  # volumes in scales.py are for EPOCH..REFERENCE_END
MIN_PER_DAY = 1440
NEVER = np.iinfo(np.int32).max  # an event that has not happened (and will not, by `today`)

_WEEKDAY = np.array([0.95, 0.95, 0.97, 1.0, 1.08, 1.12, 0.98])  # Monday first
#: arrests by hour of day: quiet early morning, busy afternoon and evening.
ARREST_HOURS = np.array(
    [
        5,
        4,
        3,
        2.2,
        1.5,
        1.2,
        1.5,
        2.5,
        3.5,
        4,
        4.5,
        5,
        5.5,
        5.8,
        6,
        6.3,
        6.5,
        6.5,
        6.5,
        6.4,
        6.3,
        6.1,
        5.8,
        5.5,
    ]
)


def day_number(d: date) -> int:
    return (d - EPOCH).days


def minute_of(d: datetime) -> int:
    return day_number(d.date()) * MIN_PER_DAY + d.hour * 60 + d.minute


def to_datetime64(minutes: np.ndarray) -> np.ndarray:
    return np.datetime64(EPOCH, "m") + minutes.astype("timedelta64[m]")


def years_of(minutes: np.ndarray) -> np.ndarray:
    return to_datetime64(minutes).astype("datetime64[Y]").astype(np.int32) + 1970


def daily_intensity(n_days: int, decline_per_year: float, seasonal_amplitude: float) -> np.ndarray:
    """Relative volume per day from EPOCH: trend x season x weekday x lockdown (unnormalised)."""
    days = np.arange(n_days)
    dates = np.datetime64(EPOCH) + days.astype("timedelta64[D]")
    years = days / 365.25
    doy = (dates - dates.astype("datetime64[Y]")).astype(np.int64)
    trend = np.exp(-decline_per_year * years)
    season = 1 + seasonal_amplitude * np.cos(2 * np.pi * (doy - 196) / 365.25)  # peak mid-July
    weekday = _WEEKDAY[(dates.astype(np.int64) + 3) % 7]  # 1970-01-01 was a Thursday
    lockdown = np.where(
        (dates >= np.datetime64("2020-03-23")) & (dates < np.datetime64("2020-06-01")), 0.75, 1.0
    )
    return trend * season * weekday * lockdown


def daily_counts(
    rng: np.random.Generator, total: int, n_days: int, decline_per_year: float, seasonal_amplitude: float
) -> np.ndarray:
    """Events on each day before day `n_days`, multinomial over days.

    `total` is the volume over the reference span EPOCH..REFERENCE_END; a shorter (or longer) run gets its
    share of it, so the daily rate does not depend on `today`.
    """
    reference_days = day_number(REFERENCE_END)
    intensity = daily_intensity(max(n_days, reference_days), decline_per_year, seasonal_amplitude)
    expected = total * intensity[:n_days].sum() / intensity[:reference_days].sum()
    return rng.multinomial(int(round(expected)), intensity[:n_days] / intensity[:n_days].sum())


def year_blocks(n_days: int) -> list[tuple[int, int]]:
    """[first day, end day) of each calendar year before day `n_days`: big runs are built a year at a time."""
    starts = [day_number(date(y, 1, 1)) for y in range(EPOCH.year, EPOCH.year + n_days // 365 + 2)]
    return [(a, min(b, n_days)) for a, b in zip(starts, starts[1:], strict=False) if a < n_days]


def systematic_days(rng: np.random.Generator, expected: np.ndarray) -> np.ndarray:
    """Day numbers for a rare event with `expected[d]` events on day d, by systematic sampling.

    Every stretch of days gets the floor or ceiling of its expected count, so small monthly counts are not
    left to Poisson luck (a month expecting 3 never gets 0).
    """
    cumulative = np.cumsum(expected)
    start = rng.random()
    points = (
        start + np.arange(int(np.floor(cumulative[-1] - start)) + 1)
        if cumulative[-1] > start
        else np.array([])
    )
    return np.searchsorted(cumulative, points, side="right").astype(np.int32)


def within_day(rng: np.random.Generator, days: np.ndarray, hours: np.ndarray | None = None) -> np.ndarray:
    """Minutes for events on `days`, at hours drawn from `hours` weights (uniform if None), skipping the
    hour lost when the clocks go forward."""
    if hours is None:
        minute = rng.integers(0, MIN_PER_DAY, size=days.size)
    else:
        minute = rng.choice(24, size=days.size, p=hours / hours.sum()) * 60 + rng.integers(
            0, 60, size=days.size
        )
    minutes = days.astype(np.int64) * MIN_PER_DAY + minute
    return skip_spring_gap(minutes).astype(np.int32)


def skip_spring_gap(minutes: np.ndarray) -> np.ndarray:
    """Move times in 01:00-01:59 on the last Sunday of March (which do not exist in London) an hour on."""
    day = minutes // MIN_PER_DAY
    dates = np.datetime64(EPOCH) + day.astype("timedelta64[D]")
    month = dates.astype("datetime64[M]")
    is_march = (month.astype(np.int64) % 12) == 2
    weekday = (dates.astype(np.int64) + 3) % 7
    last_week = (dates + np.timedelta64(7, "D")).astype("datetime64[M]") != month
    in_gap = is_march & (weekday == 6) & last_week & ((minutes % MIN_PER_DAY) // 60 == 1)
    return np.where(in_gap, minutes + 60, minutes)


def lognormal_minutes(
    rng: np.random.Generator, median_days: np.ndarray | float, sigma: float, size: int
) -> np.ndarray:
    """Lags in minutes, log-normal around `median_days`: most quick, a long tail of slow ones."""
    days = np.exp(np.log(median_days) + sigma * rng.standard_normal(size))
    return np.minimum(days * MIN_PER_DAY, 20 * 365 * MIN_PER_DAY).astype(np.int64)
