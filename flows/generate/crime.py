"""The true history of every recorded crime: when it was recorded and committed, its offence and district,
its markers (domestic abuse, knife, hate crime), the outcome it is given (and when), and whether it is later
cancelled or transferred to another force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from flows.generate import crime_mix as mix
from flows.generate.clock import (
    MIN_PER_DAY,
    NEVER,
    daily_counts,
    day_number,
    lognormal_minutes,
    within_day,
    year_blocks,
    years_of,
)
from flows.generate.crime_markers import draw_markers
from flows.generate.mix import draw_codes
from flows.generate.reference import CodeList
from flows.generate.scales import Scale

CANCELLED, TRANSFERRED = 1, 2
STATUSES = ("", "cancelled", "transferred")


@dataclass(frozen=True)
class CrimeState:
    """Arrays per crime, sorted by recording time."""

    recorded_min: np.ndarray
    year: np.ndarray
    counter: np.ndarray  # crime_ref is CR/<year>/<counter>
    committed_days_before: np.ndarray
    code: np.ndarray  # index into the HO code list
    district: np.ndarray
    outcome: np.ndarray  # HO outcome type, 0 = none yet
    outcome_min: np.ndarray  # NEVER when no outcome
    status: np.ndarray  # index into STATUSES
    status_min: np.ndarray  # NEVER when the status never changes
    domestic_abuse: np.ndarray  # bool: flagged domestic abuse related (crime_markers.py)
    knife: np.ndarray  # bool: a knife or sharp instrument was involved
    hate_strands: np.ndarray  # uint8 bit mask over crime_markers.STRANDS; 0 = not a hate crime

    @property
    def size(self) -> int:
        return self.recorded_min.size


def build_crimes(
    rng: np.random.Generator,
    scale: Scale,
    today: date,
    ho: CodeList,
    districts: int,
    status_window: tuple[int, int],
) -> CrimeState:
    """All crimes recorded before `today`, built a year at a time into preallocated arrays (a national run has
    tens of millions; whole-run temporaries would not fit in memory)."""
    n_days = day_number(today)
    counts = daily_counts(rng, scale.crimes, n_days, decline_per_year=0.015, seasonal_amplitude=0.06)
    n = int(counts.sum())
    state = CrimeState(
        recorded_min=np.empty(n, np.int32), year=np.empty(n, np.int16), counter=np.empty(n, np.int32),
        committed_days_before=np.empty(n, np.int32), code=np.empty(n, np.int16), district=np.empty(n, np.int16),
        outcome=np.empty(n, np.int8), outcome_min=np.empty(n, np.int32), status=np.empty(n, np.int8),
        status_min=np.empty(n, np.int32), domestic_abuse=np.empty(n, np.bool_), knife=np.empty(n, np.bool_),
        hate_strands=np.empty(n, np.uint8),
    )  # fmt: skip
    first = 0
    for start, end in year_blocks(n_days):
        days = np.repeat(np.arange(start, end, dtype=np.int32), counts[start:end])
        block = _build_block(rng, days, ho, districts, status_window)
        for name, values in block.items():
            getattr(state, name)[first : first + days.size] = values
        first += days.size
    return state


def _build_block(
    rng: np.random.Generator, days: np.ndarray, ho: CodeList, districts: int, status_window: tuple[int, int]
) -> dict[str, np.ndarray]:
    """The crimes recorded on `days` (all in one year), in recording order."""
    recorded = np.sort(within_day(rng, days))
    n = recorded.size
    code = draw_codes(rng, mix.CRIMES, recorded, {c: i for i, c in enumerate(ho.codes)})
    outcome, outcome_min = _outcomes(rng, recorded, code, ho)
    status, status_min = _statuses(rng, recorded, status_window)
    markers = draw_markers(rng, code, ho.codes)
    weights = 1 / np.arange(1, districts + 1) ** 0.4
    return {
        "recorded_min": recorded,
        "year": years_of(recorded),
        "counter": np.arange(1, n + 1),
        "committed_days_before": _committed_lag(rng, np.array([g == "SEX" for g in ho.groups])[code]),
        "code": code,
        "district": rng.choice(districts, size=n, p=weights / weights.sum()),
        "outcome": np.where(status > 0, 0, outcome),
        "outcome_min": np.where(status > 0, NEVER, outcome_min),
        "status": status,
        "status_min": status_min,
        "domestic_abuse": markers.domestic_abuse,
        "knife": markers.knife,
        "hate_strands": markers.hate_strands,
    }


def _outcomes(
    rng: np.random.Generator, recorded: np.ndarray, code: np.ndarray, ho: CodeList
) -> tuple[np.ndarray, np.ndarray]:
    n = recorded.size
    names = list(mix.OUTCOME_PROFILES)
    profile_of_code = np.array([names.index(mix.PROFILE_OF_GROUP[g]) for g in ho.groups], dtype=np.int8)
    profile_of_code[ho.index(mix.SHOPLIFTING)] = names.index("shoplifting")
    profile = profile_of_code[code]
    outcome = np.zeros(n, dtype=np.int8)
    for k, weights in enumerate(mix.OUTCOME_PROFILES.values()):
        rows = np.flatnonzero(profile == k)
        outcome[rows] = _draw_outcomes(rng, weights, rows.size)

    median = np.full(n, mix.DEFAULT_MEDIAN_DAYS)
    for kind, days in mix.OUTCOME_MEDIAN_DAYS.items():
        median[outcome == kind] = days
    outcome_min = recorded + lognormal_minutes(rng, median, 1.0, n)
    for kind, first_day, before in mix.OUTCOME_INTRODUCED:
        early = (outcome == kind) & (outcome_min < day_number(first_day) * MIN_PER_DAY)
        outcome[early] = before
    return outcome, np.minimum(outcome_min, NEVER)


def _draw_outcomes(rng: np.random.Generator, profile: dict[int, float], size: int) -> np.ndarray:
    kinds = np.array(list(profile), dtype=np.int8)
    p = np.array(list(profile.values()), dtype=float)
    return kinds[rng.choice(kinds.size, size=size, p=p / p.sum())]


def _statuses(
    rng: np.random.Generator, recorded: np.ndarray, window: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """A few crimes are cancelled (no crime after all) or transferred to another force, weeks later."""
    n = recorded.size
    u = rng.random(n)
    status = np.where(
        u < mix.CANCELLED_SHARE, 1, np.where(u < mix.CANCELLED_SHARE + mix.TRANSFERRED_SHARE, 2, 0)
    )
    when = recorded + lognormal_minutes(rng, 25.0, 0.8, n)
    start, end = window
    held = (when >= start) & (when < end)
    when = np.where(held, end + rng.integers(0, 30 * MIN_PER_DAY, size=n), when)
    return status.astype(np.int8), np.where(status > 0, np.minimum(when, NEVER), NEVER).astype(np.int32)


def _committed_lag(rng: np.random.Generator, is_sexual: np.ndarray) -> np.ndarray:
    """Days between the crime and its recording: mostly the same day, some historic (often sexual offences)."""
    n = is_sexual.size
    historic_share = np.where(is_sexual, 0.35, 0.05)
    u = rng.random(n)
    recent = rng.geometric(0.3, size=n) - 1
    historic = np.exp(np.log(200) + 1.2 * rng.standard_normal(n))
    lag = np.where(u < historic_share, historic, np.where(u < historic_share + 0.4, recent, 0))
    return np.minimum(lag, 20_000).astype(np.int32)
