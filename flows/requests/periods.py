"""Turn the periods a request names into inclusive date windows, and find "the same period last year".

Rules (README, counting rules):
- every window includes its first and last day;
- the data's as-at time is the moment of the extract (or the time the request asks for); the last complete day
  is the day before it, unless the as-at time is the end of a day. "To date" ends on the last complete day;
  a period that is not "to date" must be over by then, or the request is refused with a hint to add to_date;
- same period last year: weeks and explicit windows move back 364 days (same weekdays: Wednesday to Wednesday
  stays Wednesday to Wednesday); months and years (calendar or financial, including "to date") keep the same
  calendar dates a year earlier, and 29 February becomes 28 February;
- a period ending within ``provisional_days`` of the last complete day is provisional ``[p]``: outcomes and
  late records still arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flows.requests.errors import SpecError
from flows.requests.models import Period

WEEKDAY_ALIGNED = frozenset({"iso_week", "window"})
DAYS_BACK = 364


@dataclass(frozen=True)
class Span:
    start: date
    end: date


@dataclass(frozen=True)
class ResolvedPeriod:
    label: str
    span: Span
    kind: str
    to_date: bool
    provisional: bool
    previous: Span | None = None  # the comparison window, when the part compares
    previous_label: str | None = None


def last_complete_day(as_at: datetime) -> date:
    """The last whole day an extract taken at ``as_at`` covers (23:59:59 counts as the end of its day)."""
    return (as_at + timedelta(seconds=1)).date() - timedelta(days=1)


def natural_span(period: Period) -> Span:
    """The whole period, before any "to date" cap."""
    kind = period.kind
    if kind == "calendar_year":
        return Span(date(period.calendar_year, 1, 1), date(period.calendar_year, 12, 31))
    if kind == "financial_year":
        first = int(period.financial_year[:4])
        return Span(date(first, 4, 1), date(first + 1, 3, 31))
    if kind == "month":
        year, month = int(period.month[:4]), int(period.month[5:])
        nxt = date(year + month // 12, month % 12 + 1, 1)
        return Span(date(year, month, 1), nxt - timedelta(days=1))
    if kind == "iso_week":
        year, week = int(period.iso_week[:4]), int(period.iso_week[6:])
        return Span(date.fromisocalendar(year, week, 1), date.fromisocalendar(year, week, 7))
    return Span(period.window.start, period.window.end)


def standard_label(period: Period, span: Span) -> str:
    kind = period.kind
    if kind == "calendar_year":
        base = str(period.calendar_year)
    elif kind == "financial_year":
        base = period.financial_year
    elif kind == "month":
        base = f"{span.start:%B %Y}"
    elif kind == "iso_week":
        base = f"Week {int(period.iso_week[6:])} {period.iso_week[:4]} ({_day(span.start)} to {_day(natural_span(period).end)})"
    else:
        return f"{_weekday(span.start)} {_day(span.start)} to {_weekday(span.end)} {_day(span.end)}"
    capped = period.to_date and span.end < natural_span(period).end
    return f"{base} (to {_day(span.end)})" if capped else base


def resolve_periods(
    periods: list[Period],
    *,
    as_at: datetime,
    compare: bool,
    provisional_days: int,
    field: str = "periods",
    last_day: date | None = None,
) -> list[ResolvedPeriod]:
    """Windows for each period, in the order given; problems name ``periods[i]`` and say what to change.
    ``last_day`` is the last day the data cover, when that is earlier than the day before ``as_at`` (a
    data.police.uk month); how provisional a period is still counts from ``as_at``."""
    settled = last_complete_day(as_at) - timedelta(days=provisional_days)
    last_day = last_day or last_complete_day(as_at)
    resolved, problems = [], []
    for i, period in enumerate(periods):
        where = f"{field}[{i}]"
        span = natural_span(period)
        if span.start > last_day:
            problems.append(
                (
                    where,
                    f"starts on {_day(span.start)}, after the last day the data covers "
                    f"({_day(last_day)}, as at {as_at:%d %b %Y %H:%M})",
                )
            )
            continue
        if period.to_date:
            span = Span(span.start, min(span.end, last_day))
        elif span.end > last_day:
            hint = "; add to_date: true to count up to that day" if period.kind != "window" else ""
            problems.append(
                (
                    where,
                    f"ends on {_day(span.end)}, after the last day the data covers ({_day(last_day)}){hint}",
                )
            )
            continue
        label = period.label or standard_label(period, span)
        previous = same_period_last_year(period.kind, span) if compare else None
        provisional = span.end > settled
        previous_label = comparison_label(period, span, previous) if previous else None
        resolved.append(
            ResolvedPeriod(label, span, period.kind, period.to_date, provisional, previous, previous_label)
        )
    labels = [r.label for r in resolved]
    for label in sorted({x for x in labels if labels.count(x) > 1}):
        problems.append((field, f"two periods have the label {label!r}; give one of them a label of its own"))
    if problems:
        raise SpecError(problems)
    return resolved


def same_period_last_year(kind: str, span: Span) -> Span:
    if kind in WEEKDAY_ALIGNED:
        return Span(span.start - timedelta(days=DAYS_BACK), span.end - timedelta(days=DAYS_BACK))
    return Span(_year_earlier(span.start), _year_earlier(span.end))


def comparison_label(period: Period, span: Span, previous: Span) -> str:
    """'July 2014', '2021', '2021/22' for whole months and years; explicit dates with weekdays otherwise."""
    whole = span == natural_span(period)
    if whole and period.kind == "month":
        return f"{previous.start:%B %Y}"
    if whole and period.kind == "calendar_year":
        return str(previous.start.year)
    if whole and period.kind == "financial_year":
        return f"{previous.start.year}/{(previous.start.year + 1) % 100:02d}"
    return (
        f"{_weekday(previous.start)} {_day(previous.start)} to {_weekday(previous.end)} {_day(previous.end)}"
    )


def overlapping(periods: list[ResolvedPeriod]) -> bool:
    """Do any two windows share a day? Then a total over periods is not the sum of the periods."""
    spans = sorted((p.span.start, p.span.end) for p in periods)
    return any(nxt[0] <= cur[1] for cur, nxt in zip(spans, spans[1:], strict=False))


def _year_earlier(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _weekday(day: date) -> str:
    return f"{day:%a}"
