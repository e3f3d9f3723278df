"""The request spec, version 2: what an FOI officer writes in YAML, validated field by field.

A request has case fields (reference, dates, the request text verbatim) and one or more parts, each with its
own kind of response: ``data`` (a table), ``not_held``, ``ncnd``, ``exempt`` or ``text``. A data part says
what to count (``measure``), which offences (through the reference data, variants stated explicitly), which
date counts, the periods, what to compare with, how to break the count down, and how the request's words were
interpreted (restated in the letter). Checks that need the warehouse (unknown codes, the as-at date) happen
when the part is answered and raise the same field-named errors.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from flows.contracts.release import check_reference
from flows.requests.catalogue import BREAKDOWN_NAMES, FILTER_NAMES, MEASURES, VARIANTS, MeasureInfo

SCHEMA_VERSION = 2
PART_ID = r"^[0-9A-Za-z]{1,12}$"
EXEMPTION = r"^s\.\d{1,2}(\([0-9a-zA-Z]{1,4}\))*$"

Breakdown = Literal[BREAKDOWN_NAMES]  # type: ignore[valid-type]
FilterName = Literal[FILTER_NAMES]  # type: ignore[valid-type]
Variant = Literal[VARIANTS]  # type: ignore[valid-type]
MeasureName = Literal[tuple(MEASURES)]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _exactly_one(model: BaseModel, names: tuple[str, ...], what: str) -> str:
    given = [n for n in names if getattr(model, n) is not None]
    if len(given) != 1:
        got = f"got {', '.join(given)}" if given else "got none"
        raise ValueError(f"{what} needs exactly one of {', '.join(names)} ({got})")
    return given[0]


class Window(_Strict):
    """Explicit dates, both days included (e.g. Wednesday to Wednesday as the requester wrote it)."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end < self.start:
            raise ValueError(f"the window ends ({self.end}) before it starts ({self.start})")
        return self


PERIOD_KINDS = ("calendar_year", "financial_year", "month", "iso_week", "window")


class Period(_Strict):
    """One period. ``to_date`` counts from the period's start up to the data's as-at date."""

    calendar_year: int | None = Field(None, ge=1990, le=2100, description="January to December, e.g. 2021")
    financial_year: str | None = Field(
        None, pattern=r"^\d{4}/\d{2}$", description="April to March, e.g. 2022/23"
    )
    month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$", description="a calendar month, e.g. 2015-07")
    iso_week: str | None = Field(
        None, pattern=r"^\d{4}-W\d{2}$", description="Monday to Sunday, e.g. 2015-W31"
    )
    window: Window | None = Field(None, description="explicit inclusive start and end dates")
    to_date: bool = Field(False, description="count up to the as-at date (the period is not yet over)")
    label: str | None = Field(None, min_length=1, max_length=80, description="overrides the standard label")

    @model_validator(mode="after")
    def _one_kind(self) -> Period:
        kind = _exactly_one(self, PERIOD_KINDS, "a period")
        if kind == "window" and self.to_date:
            raise ValueError(
                "to_date applies to years, months and weeks; a window already has its own end date"
            )
        if self.financial_year:
            first, second = int(self.financial_year[:4]), int(self.financial_year[5:])
            if second != (first + 1) % 100:
                raise ValueError(
                    f"financial year {self.financial_year!r} must run from April of one year to March "
                    f"of the next, e.g. {first}/{(first + 1) % 100:02d}"
                )
        if self.month and not 1 <= int(self.month[5:]) <= 12:
            raise ValueError(f"{self.month!r} is not a month (months are 01 to 12)")
        if self.iso_week:
            try:
                date.fromisocalendar(int(self.iso_week[:4]), int(self.iso_week[6:]), 1)
            except ValueError:
                raise ValueError(
                    f"{self.iso_week!r} is not an ISO week: {self.iso_week[:4]} has no week "
                    f"{int(self.iso_week[6:])}"
                ) from None
        return self

    @property
    def kind(self) -> str:
        return next(k for k in PERIOD_KINDS if getattr(self, k) is not None)


class OffenceItem(_Strict):
    """One offence category: a named selection, a code, an offence group, an Act's code prefix, or a code that is
    not in the reference data (``local_code``: a force's own code, or one newer than the standing data)."""

    selection: str | None = Field(None, description="a name in data/reference/offence_selections.csv")
    code: str | None = Field(
        None, pattern=r"^[A-Za-z0-9]{4,10}$", description="a CJS offence code, e.g. IM71105"
    )
    ho_code: str | None = Field(
        None,
        pattern=r"^[0-9]{1,3}[A-Za-z]?([./][0-9]{1,2})?$",
        description="a Home Office offence code, e.g. 8N, 105A, 37.2",
    )
    group: str | None = Field(None, description="an offence group, by name or code (e.g. Drug offences, DRG)")
    legislation: str | None = Field(
        None,
        pattern=r"^[A-Za-z]{2,4}[0-9]{0,2}$",
        description="a CJS code prefix naming an Act, e.g. IM71 (Immigration Act 1971)",
    )
    crime_type: str | None = Field(None, description="a data.police.uk crime type, e.g. Drugs")
    local_code: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9./]{1,10}$",
        description="a well-formed offence code that is not in the reference data (a force's "
        "local code), counted on its own; give it a label saying what it is",
    )
    label: str | None = Field(None, min_length=1, max_length=120, description="overrides the standard label")

    @model_validator(mode="after")
    def _one_kind(self) -> OffenceItem:
        kind = _exactly_one(self, ITEM_KINDS, "an offence item")
        if kind == "local_code" and self.label is None:
            raise ValueError(
                "a local_code needs a label saying what the code is (the reference data has no title for it)"
            )
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ITEM_KINDS if getattr(self, k) is not None)

    @property
    def value(self) -> str:
        return str(getattr(self, self.kind))


ITEM_KINDS = ("selection", "code", "ho_code", "group", "legislation", "crime_type", "local_code")


class Offences(_Strict):
    """Which offences count. Variants (attempt, aiding, conspiracy, inciting) must be stated, because a
    request for 'assisting unlawful immigration' may or may not mean conspiracy to assist as well."""

    items: list[OffenceItem] = Field(default_factory=list, max_length=200)
    all_offences: bool = Field(False, description="every offence (no selection)")
    variants: list[Variant] | None = Field(
        None, description="which variant codes count as well: [] for the offences themselves only"
    )
    rule: Literal["principal", "any"] = Field(
        "principal",
        description="principal: one arrest per custody record under its principal offence; "
        "any: a custody record counts under every selected offence on it (not additive)",
    )
    label: str | None = Field(
        None, min_length=1, max_length=120, description="the name of all the selected offences together"
    )

    @model_validator(mode="after")
    def _what(self) -> Offences:
        if bool(self.items) == self.all_offences:
            raise ValueError("list the offences under items, or write all_offences: true (not both)")
        if len(set(self.variants or [])) != len(self.variants or []):
            raise ValueError("variants lists the same variant twice")
        return self


class Filter(_Strict):
    """Count only the records in some categories of a dimension breakdowns use (or all but some): "under-18s"
    is ``{breakdown: age_band, keep: ["10 to 17"]}``. Stated in the notes, the letter and the title, and part
    of every cell's population, so a filtered figure and a breakdown in another release are checked together."""

    breakdown: FilterName = Field(
        description="the dimension: a breakdown name (age_band, gender, station, ...)"
    )
    keep: list[Annotated[str, Field(min_length=1, max_length=200)]] | None = Field(
        None, description="the categories counted", max_length=200
    )
    exclude: list[Annotated[str, Field(min_length=1, max_length=200)]] | None = Field(
        None, description="the categories not counted (everything else is)", max_length=200
    )
    label: str | None = Field(
        None, min_length=1, max_length=80, description="how titles name the filter, e.g. 'under 18 at arrest'"
    )

    @model_validator(mode="after")
    def _one_list(self) -> Filter:
        kind = _exactly_one(self, ("keep", "exclude"), "a filter")
        values = getattr(self, kind)
        if not values:
            raise ValueError(f"{kind} must list at least one category")
        if len({v.casefold() for v in values}) != len(values):
            raise ValueError(f"{kind} lists the same category twice")
        return self

    @property
    def values(self) -> list[str]:
        return self.keep if self.keep is not None else self.exclude or []

    @property
    def mode(self) -> str:
        return "keep" if self.keep is not None else "exclude"


class DataPart(_Strict):
    """A part answered with a table of counts."""

    id: str = Field(pattern=PART_ID)
    question: str = Field(min_length=1, max_length=500)
    response: Literal["data"]
    title: str | None = Field(None, min_length=5, max_length=200, description="the table's title")
    measure: MeasureName = "arrests"
    offences: Offences
    date_basis: Literal["arrest", "recorded", "outcome", "month", "search"] | None = Field(
        None, description="which date puts a record in a period; default: arrest (custody), recorded (crimes)"
    )
    periods: list[Period] = Field(min_length=1, max_length=240)
    as_at: str = Field(
        "latest",
        description="the data as known at this time: 'latest' (the latest extract), "
        "YYYY-MM-DD (end of that day) or YYYY-MM-DDTHH:MM",
    )
    compare: Literal["none", "same_period_last_year"] = "none"
    breakdowns: list[Breakdown] = Field(default_factory=list, max_length=6)
    filters: list[Filter] = Field(
        default_factory=list,
        max_length=10,
        description="count only some categories of a dimension (e.g. under-18s)",
    )
    totals: bool = Field(True, description="add an 'All ...' total for every breakdown")
    provisional_days: int = Field(
        90,
        ge=0,
        le=730,
        description="periods ending this close to the as-at date are marked [p] (provisional)",
    )
    interpretation: str = Field(
        min_length=1, description="what the request's words were taken to mean; the letter restates it"
    )

    @field_validator("as_at")
    @classmethod
    def _as_at(cls, v: str) -> str:
        parse_as_at(v)
        return v

    @model_validator(mode="after")
    def _fits_measure(self) -> DataPart:
        info = MEASURES[self.measure]
        problems = [
            f"breakdowns: {b}: {info.refusal(b)}" for b in self.breakdowns if b not in info.breakdowns
        ]
        if len(set(self.breakdowns)) != len(self.breakdowns):
            problems.append("breakdowns: the same breakdown is listed twice")
        if self.date_basis and self.date_basis not in info.date_bases:
            problems.append(
                f"date_basis: {self.measure} can be counted by {' or '.join(info.date_bases)} date, "
                f"not {self.date_basis}"
            )
        problems += filter_problems(self.filters, info)
        for i, item in enumerate(self.offences.items):
            if not info.item_kinds:
                problems.append(
                    f"offences.items[{i}]: {self.measure} counts every record, with no offence: write "
                    "offences: {all_offences: true} and use filters or breakdowns"
                )
            elif item.kind not in info.item_kinds:
                problems.append(
                    f"offences.items[{i}]: {item.kind} does not apply to {self.measure}; use "
                    f"{' or '.join(info.item_kinds)}"
                )
        if info.source == "custody" and self.offences.items and self.offences.variants is None:
            problems.append(
                "offences.variants: say which variant codes count as well: variants: [] for the "
                "offences themselves only, or a list from attempt, aiding, conspiracy, inciting"
            )
        if self.offences.rule == "any" and info.source != "custody":
            problems.append(
                "offences.rule: 'any' applies to custody records (several offences per arrest) only"
            )
        if info.source in ("police_uk", "stop_search"):
            if self.as_at != "latest":
                problems.append(
                    "as_at: data.police.uk files are counted as published (latest delivery of each "
                    "month); as_at must be 'latest'"
                )
            for i, p in enumerate(self.periods if info.source == "police_uk" else []):
                if p.kind in ("iso_week", "window") or p.to_date:
                    problems.append(
                        f"periods[{i}]: data.police.uk has whole months only; use month, "
                        "calendar_year or financial_year"
                    )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def basis(self) -> str:
        return self.date_basis or MEASURES[self.measure].date_bases[0]


def filter_problems(filters: list[Filter], info: MeasureInfo) -> list[str]:
    """What the spec alone can tell is wrong with its filters: a dimension the measure does not have, two
    filters on one dimension, a category outside a fixed list (with the closest ones), and a crime-status
    filter other than the rule core.crimes applies. Open lists (stations) are checked when answered."""
    from flows.requests.filter_check import check_categories

    problems, seen = [], set()
    for i, f in enumerate(filters):
        where = f"filters[{i}]"
        if f.breakdown not in info.filters:
            problems.append(
                f"{where}.breakdown: {info.refusal(f.breakdown).split('; allowed')[0]}; filters "
                f"allowed: {', '.join(info.filters)}"
            )
            continue
        if f.breakdown in seen:
            problems.append(
                f"{where}.breakdown: a second filter on {f.breakdown}; put its categories in one filter"
            )
        seen.add(f.breakdown)
        problems += [
            f"{where}.{field}: {reason}"
            for field, reason in check_categories(f.breakdown, f.mode, f.values, None)
        ]
    return problems


def parse_as_at(v: str) -> datetime | None:
    """'latest' -> None; a date means the end of that day; a date and time is taken as written."""
    if v == "latest":
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            return datetime.combine(date.fromisoformat(v), time(23, 59, 59))
        return datetime.fromisoformat(v)
    except ValueError:
        raise ValueError(f"{v!r} is not 'latest', a real date (YYYY-MM-DD) or a date and time") from None


class _TextPart(_Strict):
    id: str = Field(pattern=PART_ID)
    question: str = Field(min_length=1, max_length=500)
    text: str = Field(min_length=1, description="the answer to this part, as the letter will say it")
    exemptions: list[Annotated[str, Field(pattern=EXEMPTION)]] = Field(default_factory=list)


class NotHeldPart(_TextPart):
    response: Literal["not_held"]
    held_by: str | None = Field(None, description="who holds it, e.g. the Crown Prosecution Service")
    held_by_contact: str | None = Field(
        None,
        min_length=1,
        description="how to ask them for it (the letter's "
        "s.16 advice and assistance), e.g. their FOI e-mail or postal address",
    )


class NcndPart(_TextPart):
    response: Literal["ncnd"]
    exemptions: list[Annotated[str, Field(pattern=EXEMPTION)]] = Field(min_length=1)


class ExemptPart(_TextPart):
    response: Literal["exempt"]
    exemptions: list[Annotated[str, Field(pattern=EXEMPTION)]] = Field(min_length=1)


class FreeTextPart(_TextPart):
    response: Literal["text"]


Part = Annotated[
    DataPart | NotHeldPart | NcndPart | ExemptPart | FreeTextPart, Field(discriminator="response")
]


class RequestSpec(_Strict):
    """An FOI request: the case and its parts."""

    schema_version: Literal[2]
    reference: str = Field(description="the FOI reference, e.g. 01.FOI.22.025326")
    title: str = Field(min_length=5, max_length=200)
    received: date
    requested_format: Literal["xlsx", "ods", "csv", "any"] = "any"
    request_text: str = Field(
        min_length=1, description="the request, verbatim, without the requester's details"
    )
    parts: list[Part] = Field(min_length=1, max_length=50)

    @field_validator("reference")
    @classmethod
    def _reference(cls, v: str) -> str:
        check_reference(v)
        return v

    @model_validator(mode="after")
    def _unique_ids(self) -> RequestSpec:
        ids = [p.id.lower() for p in self.parts]
        if len(set(ids)) != len(ids):
            raise ValueError(f"parts: part ids must be unique, got {[p.id for p in self.parts]}")
        return self

    @property
    def data_parts(self) -> list[DataPart]:
        return [p for p in self.parts if isinstance(p, DataPart)]

    @property
    def due(self) -> date:
        """Twenty working days after receipt (FOIA s.10), England and Wales bank holidays excluded."""
        from flows.requests.due import due_date

        return due_date(self.received)
