"""Standing publications (the transparency datasets) in the same spec language as requests.

A standing spec names its tables like a request's data parts, but instead of fixed periods each table shows
the last ``history`` periods of the publication calendar, ending with the period a release covers. The
release is answered by the same engine (:func:`standing_parts` gives ordinary data parts), so a standing
table and an FOI answer counting the same thing always agree.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field, field_validator

from flows.contracts.release import check_reference
from flows.requests.calendar import Calendar, CoveredPeriod, previous_periods
from flows.requests.models import Breakdown, DataPart, Filter, MeasureName, Offences, Period, Window


class StandingTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[0-9A-Za-z]{1,12}$")
    title: str | None = Field(None, min_length=5, max_length=200)
    measure: MeasureName = "arrests"
    offences: Offences
    date_basis: Literal["arrest", "recorded", "outcome", "month", "search"] | None = None
    history: int = Field(
        13,
        ge=1,
        le=240,
        description="how many periods the table shows, ending with the period the release covers",
    )
    compare: Literal["none", "same_period_last_year"] = "none"
    breakdowns: list[Breakdown] = Field(default_factory=list, max_length=6)
    filters: list[Filter] = Field(default_factory=list, max_length=10)
    totals: bool = True
    provisional_days: int = Field(90, ge=0, le=730)
    interpretation: str = Field(min_length=1)


class StandingSpec(BaseModel):
    """A transparency dataset: what it holds and when it is issued."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[2]
    kind: Literal["standing"]
    reference: str = Field(description="the dataset's slug, e.g. arrests-by-offence-group-month-outcome")
    title: str = Field(min_length=5, max_length=200)
    description: str = Field(min_length=1)
    calendar: Calendar
    tables: list[StandingTable] = Field(min_length=1, max_length=20)

    @field_validator("reference")
    @classmethod
    def _reference(cls, v: str) -> str:
        check_reference(v)
        return v


def data_covers_until(con: duckdb.DuckDBPyConnection, spec: StandingSpec) -> date | None:
    """The last whole day the data of every table of the dataset cover (None: a source has no data yet)."""
    from flows.requests.catalogue import MEASURES
    from flows.requests.coverage import data_covers_until as source_covers_until

    days = [source_covers_until(con, source) for source in {MEASURES[t.measure].source for t in spec.tables}]
    return None if None in days else min(days)


def standing_parts(spec: StandingSpec, covered: CoveredPeriod) -> list[DataPart]:
    """The data parts of the release covering ``covered`` (each table's history of periods)."""
    periods = [
        _period(spec.calendar.frequency, p)
        for p in previous_periods(spec.calendar.frequency, covered, max(t.history for t in spec.tables))
    ]
    parts = []
    for t in spec.tables:
        parts.append(
            DataPart(
                id=t.id,
                question=t.title or spec.title,
                response="data",
                title=t.title,
                measure=t.measure,
                offences=t.offences,
                date_basis=t.date_basis,
                periods=periods[-t.history :],
                compare=t.compare,
                breakdowns=t.breakdowns,
                filters=t.filters,
                totals=t.totals,
                provisional_days=t.provisional_days,
                interpretation=t.interpretation,
            )
        )
    return parts


def _period(frequency: str, p: CoveredPeriod) -> Period:
    if frequency == "monthly":
        return Period(month=p.key)
    if frequency == "annual":
        return Period(calendar_year=int(p.key))
    if frequency == "financial_year":
        return Period(financial_year=p.key)
    return Period(window=Window(start=p.start, end=p.end), label=p.key.replace("-", " "))
