"""Periods: inclusive windows, financial years, ISO weeks, "to date", and the same period last year."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from flows.requests.errors import SpecError
from flows.requests.models import Period
from flows.requests.periods import (
    Span,
    last_complete_day,
    natural_span,
    overlapping,
    resolve_periods,
    same_period_last_year,
)

AS_AT = datetime(2024, 4, 2, 2, 0)


def _resolve(*periods: dict, compare: bool = False, as_at: datetime = AS_AT, days: int = 90):
    return resolve_periods(
        [Period(**p) for p in periods], as_at=as_at, compare=compare, provisional_days=days
    )


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ({"calendar_year": 2023}, date(2023, 1, 1), date(2023, 12, 31)),
        ({"financial_year": "2023/24"}, date(2023, 4, 1), date(2024, 3, 31)),
        ({"financial_year": "1999/00"}, date(1999, 4, 1), date(2000, 3, 31)),
        ({"month": "2024-02"}, date(2024, 2, 1), date(2024, 2, 29)),
        ({"month": "2023-12"}, date(2023, 12, 1), date(2023, 12, 31)),
        ({"iso_week": "2015-W31"}, date(2015, 7, 27), date(2015, 8, 2)),
        ({"iso_week": "2020-W53"}, date(2020, 12, 28), date(2021, 1, 3)),
        ({"window": {"start": "2015-07-29", "end": "2015-08-05"}}, date(2015, 7, 29), date(2015, 8, 5)),
    ],
)
def test_natural_spans(period, start, end):
    assert natural_span(Period(**period)) == Span(start, end)


def test_the_last_complete_day_is_the_day_before_an_extract_unless_it_ends_a_day():
    assert last_complete_day(datetime(2024, 4, 2, 2, 0)) == date(2024, 4, 1)
    assert last_complete_day(datetime(2024, 4, 2, 0, 0)) == date(2024, 4, 1)
    assert last_complete_day(datetime(2024, 4, 2, 23, 59, 59)) == date(2024, 4, 2)


def test_to_date_is_capped_and_labelled_and_a_finished_period_is_not():
    capped, whole = _resolve(
        {"calendar_year": 2024, "to_date": True}, {"calendar_year": 2023, "to_date": True}
    )
    assert (capped.span.end, capped.label) == (date(2024, 4, 1), "2024 (to 1 Apr 2024)")
    assert (whole.span.end, whole.label) == (date(2023, 12, 31), "2023")


def test_a_period_not_over_needs_to_date_and_one_after_the_data_is_refused():
    with pytest.raises(SpecError) as info:
        _resolve({"calendar_year": 2024}, {"month": "2024-05", "to_date": True})
    (f1, r1), (f2, r2) = info.value.problems
    assert f1 == "periods[0]" and "add to_date: true" in r1
    assert f2 == "periods[1]" and "starts on 1 May 2024, after the last day the data covers (1 Apr 2024" in r2


@pytest.mark.parametrize(
    ("kind", "span", "previous"),
    [
        ("window", Span(date(2015, 7, 29), date(2015, 8, 5)), Span(date(2014, 7, 30), date(2014, 8, 6))),
        ("iso_week", Span(date(2024, 2, 26), date(2024, 3, 3)), Span(date(2023, 2, 27), date(2023, 3, 5))),
        ("month", Span(date(2024, 2, 1), date(2024, 2, 29)), Span(date(2023, 2, 1), date(2023, 2, 28))),
        (
            "calendar_year",
            Span(date(2024, 1, 1), date(2024, 2, 29)),
            Span(date(2023, 1, 1), date(2023, 2, 28)),
        ),
        (
            "financial_year",
            Span(date(2023, 4, 1), date(2024, 3, 31)),
            Span(date(2022, 4, 1), date(2023, 3, 31)),
        ),
    ],
)
def test_same_period_last_year(kind, span, previous):
    assert same_period_last_year(kind, span) == previous
    if kind in ("window", "iso_week"):
        assert previous.start.weekday() == span.start.weekday()


def test_comparison_labels_and_provisional_flags():
    july, week = _resolve(
        {"month": "2015-07"}, {"window": {"start": "2024-02-28", "end": "2024-03-01"}}, compare=True
    )
    assert (july.previous_label, july.provisional) == ("July 2014", False)
    assert week.label == "Wed 28 Feb 2024 to Fri 1 Mar 2024" and week.provisional
    assert week.previous_label == "Wed 1 Mar 2023 to Fri 3 Mar 2023"
    (recent,) = _resolve({"month": "2024-01"}, days=60)
    assert not recent.provisional  # ends 31 Jan; 60 days before 1 Apr is 1 Feb


def test_duplicate_labels_and_overlaps():
    with pytest.raises(SpecError, match="two periods have the label"):
        _resolve({"calendar_year": 2020}, {"calendar_year": 2020})
    assert overlapping(_resolve({"calendar_year": 2020}, {"financial_year": "2020/21"}))
    assert not overlapping(_resolve({"financial_year": "2019/20"}, {"financial_year": "2020/21"}))
