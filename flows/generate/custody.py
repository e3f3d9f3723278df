"""The true history of every custody record: who, when, where, for what, and each disposal it passes through.

A record has up to three versions: the disposal when the person leaves custody, an optional change while the
case is pending (bail converted to release under investigation), and a final disposal weeks to many months
later. Deliveries (deliveries.py) show each record as its latest version known at the extract time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from flows.generate import custody_mix as mix
from flows.generate.clock import (
    ARREST_HOURS,
    MIN_PER_DAY,
    NEVER,
    daily_counts,
    day_number,
    lognormal_minutes,
    systematic_days,
    within_day,
    years_of,
)
from flows.generate.local_codes import with_local_codes
from flows.generate.mix import draw_codes, draw_labels
from flows.generate.names import BTP, IMMIGRATION_ENFORCEMENT, NCA, OTHER_FORCE, OWN_FORCE
from flows.generate.offence_tail import arrest_table
from flows.generate.people import People, draw_people
from flows.generate.reference import Reference
from flows.generate.scales import Scale

MAIN, IMMIGRATION, FACILITATION = 0, 1, 2
#: immigration arrests peak in summer (small-boat season, joint operations); mean of the factors is 1.
IMMIGRATION_SEASON = np.array([0.5, 0.5, 0.6, 0.7, 0.9, 1.3, 2.6, 2.4, 1.3, 0.8, 0.6, 0.5]) / (12.7 / 12)
CALAIS_2015 = (date(2015, 6, 1), date(2015, 10, 1), 1.5)  # the summer 2015 surge the WMP request asks about
RENUMBER_SHARE, DROP_OFFENCE_SHARE, SECONDARY_DIFFERS_SHARE = 0.3, 0.05, 0.2
ARREST_DECLINE, ARREST_SEASON = 0.03, 0.07  # arrests fall about 3% a year, with a 7% summer peak


@dataclass(frozen=True)
class CustodyState:
    """Arrays per record (sorted by arrest time) and per offence (records' offences back to back)."""

    arrest_min: np.ndarray
    year: np.ndarray
    counter: np.ndarray  # number within the arrest year: custody_ref is CU/<year>/<counter>
    station: np.ndarray
    agency: np.ndarray
    people: People
    off_start: np.ndarray
    n_off: np.ndarray
    off_code: (
        np.ndarray
    )  # int32 index into the code list (labels); the first offence of a record is the principal
    off_differs: np.ndarray  # a secondary offence whose final disposal differs from the principal's
    version_min: np.ndarray  # (records, 3): leave custody, pending change, final; NEVER when absent
    version_disposal: np.ndarray  # (records, 3) index into custody_mix.DISPOSALS
    renumber: np.ndarray  # later versions list the secondary offences in reverse order
    drop_last: np.ndarray  # later versions no longer list the last secondary offence

    @property
    def size(self) -> int:
        return self.arrest_min.size


def build_custody(
    rng: np.random.Generator, scale: Scale, today: date, reference: Reference, stations: int
) -> CustodyState:
    """All arrests before `today`: the main volume drawn day by day, plus the rare immigration arrests."""
    n_days = day_number(today)
    counts = daily_counts(rng, scale.arrests, n_days, ARREST_DECLINE, ARREST_SEASON)
    main_min = within_day(rng, np.repeat(np.arange(n_days, dtype=np.int32), counts), ARREST_HOURS)
    imm = _immigration_expected(
        rng, scale.immigration_per_year, n_days, mix.IMMIGRATION_TREND, IMMIGRATION_SEASON
    )
    fac = _immigration_expected(rng, scale.facilitation_per_year, n_days, mix.FACILITATION_TREND, None)
    imm_min, fac_min = within_day(rng, systematic_days(rng, imm)), within_day(rng, systematic_days(rng, fac))
    arrest = np.concatenate([main_min, imm_min, fac_min])
    kind = np.repeat(
        np.array([MAIN, IMMIGRATION, FACILITATION], dtype=np.int8),
        [main_min.size, imm_min.size, fac_min.size],
    )
    order = np.argsort(arrest, kind="stable")
    arrest, kind = arrest[order], kind[order]
    n = arrest.size

    code_index = {c: i for i, c in enumerate(with_local_codes(reference.cjs).codes)}
    n_off = (draw_labels(rng, mix.OFFENCES_PER_RECORD, n) + 1).astype(np.int8)
    n_off[kind != MAIN] = np.where(rng.random((kind != MAIN).sum()) < 0.1, 2, 1)
    off_start = np.concatenate([[0], np.cumsum(n_off[:-1], dtype=np.int64)])
    off_code = draw_codes(rng, arrest_table(reference), np.repeat(arrest, n_off), code_index)
    for k, table in ((IMMIGRATION, mix.IMMIGRATION), (FACILITATION, mix.FACILITATION)):
        rows = np.flatnonzero(kind == k)
        if rows.size:  # the principal offence comes from the rare process's own table
            off_code[off_start[rows]] = draw_codes(rng, table, arrest[rows], code_index)

    years = years_of(arrest)
    first_of_year = np.searchsorted(years, years, side="left")
    version_min, version_disposal = _versions(rng, arrest, kind)
    return CustodyState(
        arrest_min=arrest,
        year=years.astype(np.int16),
        counter=(np.arange(n) - first_of_year + 1).astype(np.int32),
        station=_stations(rng, n, stations),
        agency=_agencies(rng, kind),
        people=draw_people(rng, arrest, kind != MAIN, scale.max_arrests_per_person),
        off_start=off_start,
        n_off=n_off,
        off_code=off_code,
        off_differs=rng.random(off_code.size) < SECONDARY_DIFFERS_SHARE,
        version_min=version_min,
        version_disposal=version_disposal,
        renumber=(n_off >= 3) & (rng.random(n) < RENUMBER_SHARE),
        drop_last=(n_off >= 2) & (rng.random(n) < DROP_OFFENCE_SHARE),
    )


def _immigration_expected(
    rng: np.random.Generator, per_year: float, n_days: int, trend: tuple, season: np.ndarray | None
) -> np.ndarray:
    """Expected arrests per day: yearly level x trend step x season x month-to-month noise x Calais 2015.

    The noise is bounded (0.7-1.5) so a month expecting a few arrests always gets some: the tiny demo relies
    on July 2014 and July 2015 having a few (systematic sampling then gives the floor or ceiling).
    """
    dates = np.datetime64("2013-01-01") + np.arange(n_days).astype("timedelta64[D]")
    month_number = dates.astype("datetime64[M]").astype(np.int64)
    month = month_number % 12
    steps = np.array([np.datetime64(d) for d, _ in trend])
    level = np.array([f for _, f in trend])[np.searchsorted(steps, dates, side="right") - 1]
    noise = np.clip(rng.gamma(10.0, 0.1, size=month_number.max() - month_number.min() + 1), 0.7, 1.5)
    expected = per_year / 365.25 * level * noise[month_number - month_number.min()]
    if season is not None:
        expected *= season[month]
    start, end, factor = CALAIS_2015
    surge = (dates >= np.datetime64(start)) & (dates < np.datetime64(end))
    return np.where(surge, expected * factor, expected)


def _stations(rng: np.random.Generator, n: int, stations: int) -> np.ndarray:
    weights = 1 / np.arange(1, stations + 1) ** 0.6  # a few big suites, several small ones
    return rng.choice(stations, size=n, p=weights / weights.sum()).astype(np.int16)


def _agencies(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    tables = {
        MAIN: {OWN_FORCE: 95.0, BTP: 3.0, OTHER_FORCE: 2.0},
        IMMIGRATION: {OWN_FORCE: 40.0, IMMIGRATION_ENFORCEMENT: 60.0},
        FACILITATION: {OWN_FORCE: 40.0, IMMIGRATION_ENFORCEMENT: 30.0, NCA: 30.0},
    }
    out = np.empty(kind.size, dtype=np.int8)
    for k, weights in tables.items():
        rows = np.flatnonzero(kind == k)
        out[rows] = np.array(list(weights), dtype=np.int8)[draw_labels(rng, weights, rows.size)]
    return out


def _versions(
    rng: np.random.Generator, arrest: np.ndarray, kind: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Times and disposals of each record's versions: leave custody, optional bail->RUI change, final."""
    n = arrest.size
    times = np.full((n, 3), NEVER, dtype=np.int64)
    disposal = np.zeros((n, 3), dtype=np.int8)
    hours_in_custody = np.clip(np.exp(np.log(9.0) + 0.6 * rng.standard_normal(n)), 1, 96)
    times[:, 0] = arrest + (hours_in_custody * 60).astype(np.int64)

    bounds = np.array([day_number(d) * MIN_PER_DAY for d, _ in mix.INITIAL_BY_ERA[1:]])
    era = np.searchsorted(bounds, arrest, side="right")
    for e, (_, weights) in enumerate(mix.INITIAL_BY_ERA):
        rows = np.flatnonzero((era == e) & (kind == MAIN))
        disposal[rows, 0] = draw_labels(rng, dict(enumerate(weights)), rows.size)
    for k, weights in ((IMMIGRATION, mix.INITIAL_IMMIGRATION), (FACILITATION, mix.INITIAL_FACILITATION)):
        rows = np.flatnonzero(kind == k)
        disposal[rows, 0] = draw_labels(rng, dict(enumerate(weights)), rows.size)

    bailed = disposal[:, 0] == mix.BAILED
    converted = bailed & (rng.random(n) < np.where(era >= 1, 0.25, 0.1))
    times[converted, 1] = times[converted, 0] + rng.integers(28, 91, size=converted.sum()) * MIN_PER_DAY
    disposal[converted, 1] = mix.RUI

    pending = np.isin(disposal[:, 0], mix.PENDING)
    last_time = np.where(converted, times[:, 1], times[:, 0])
    on_rui = (disposal[:, 0] == mix.RUI) | converted
    median = np.where(on_rui, mix.RUI_MEDIAN_DAYS, mix.BAIL_MEDIAN_DAYS)
    median = np.where(kind == FACILITATION, median * mix.FACILITATION_SLOWER, median)
    final_time = last_time + lognormal_minutes(rng, median, 0.9, n)
    after_bail = draw_labels(rng, dict(enumerate(mix.FINAL_AFTER_BAIL)), n)
    after_rui = draw_labels(rng, dict(enumerate(mix.FINAL_AFTER_RUI)), n)
    times[pending, 2] = final_time[pending]
    disposal[pending, 2] = np.where(on_rui, after_rui, after_bail)[pending]
    return np.minimum(times, NEVER).astype(np.int32), disposal
