"""Due dates and standing-publication calendars (working days in England and Wales)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.requests.calendar import (
    Calendar,
    NotDue,
    due_for_data,
    due_release,
    next_release,
    parse_period,
    period_containing,
    release_date,
    schedule,
)
from flows.requests.due import add_working_days, due_date, is_working_day
from flows.requests.spec import load_standing
from flows.requests.standing import standing_parts

STANDING = Path(__file__).resolve().parents[1] / "data" / "requests" / "standing"


def test_working_days_skip_weekends_and_england_and_wales_bank_holidays():
    assert not is_working_day(date(2022, 9, 19))  # the Queen's state funeral
    assert not is_working_day(date(2022, 12, 27))  # Christmas Day, substitute day
    assert is_working_day(date(2023, 3, 17))  # St Patrick's Day: a holiday in Northern Ireland only
    assert add_working_days(date(2022, 12, 23), 1) == date(2022, 12, 28)
    assert due_date(date(2022, 9, 1)) == date(2022, 9, 30)  # 19 Sep excluded
    assert due_date(date(2024, 3, 28)) == date(2024, 4, 29)  # Good Friday, Easter Monday excluded


def test_periods_and_keys():
    assert period_containing("financial_year", date(2024, 3, 31)).key == "2023/24"
    assert period_containing("financial_year", date(2024, 4, 1)).key == "2024/25"
    assert period_containing("quarterly", date(2024, 8, 15)).key == "2024-Q3"
    assert parse_period("monthly", "2024-02").end == date(2024, 2, 29)
    with pytest.raises(ValueError, match="write it like 2024/25"):
        parse_period("financial_year", "2024/26")


MONTHLY = Calendar(frequency="monthly", lag_months=2, working_day=10, first_period="2024-01")


def test_monthly_release_dates_and_what_is_due():
    assert release_date(MONTHLY, parse_period("monthly", "2024-01")) == date(2024, 3, 14)
    assert release_date(MONTHLY, parse_period("monthly", "2024-02")) == date(
        2024, 4, 15
    )  # Easter Monday 1 Apr
    assert due_release(MONTHLY, date(2024, 3, 13)) is None
    assert due_release(MONTHLY, date(2024, 3, 14)).key == "2024-01"
    assert due_release(MONTHLY, date(2024, 3, 20), published={"2024-01"}) is None  # already issued
    assert due_release(MONTHLY, date(2024, 4, 20), published={"2024-01"}).key == "2024-02"
    assert (
        due_release(MONTHLY, date(2024, 5, 20), published={"2024-01"}).key == "2024-03"
    )  # missed one superseded
    assert next_release(MONTHLY, date(2024, 3, 14)) == (date(2024, 4, 15), parse_period("monthly", "2024-02"))
    assert len(list(schedule(MONTHLY, date(2024, 12, 31)))) == 10  # January to October 2024


def test_calendar_problems_are_named():
    with pytest.raises(ValueError, match="exactly one of working_day and day_of_month"):
        Calendar(frequency="monthly", first_period="2024-01")
    with pytest.raises(ValueError, match="is not a quarterly period"):
        Calendar(frequency="quarterly", day_of_month=1, first_period="2024-05")


def test_standing_specs_turn_into_parts_for_the_period_covered():
    spec, _ = load_standing(STANDING / "arrests-by-month-further-action.yaml")
    covered = due_release(spec.calendar, date(2025, 7, 15))
    assert covered.key == "2025-05"  # 10th working day of July 2025 is the 14th
    (part,) = standing_parts(spec, covered)
    assert (len(part.periods), part.periods[0].month, part.periods[-1].month) == (13, "2024-05", "2025-05")
    annual, _ = load_standing(STANDING / "arrests-by-offence-group-year-outcome.yaml")
    assert release_date(annual.calendar, parse_period("annual", "2015")) == date(2016, 2, 12)


def test_a_period_the_data_do_not_reach_is_not_due_yet():
    """A late extract or a force loading its history: the calendar's period waits for the data, and is
    released the night they reach its end."""
    today = date(2024, 5, 20)  # 2024-03 is due (10th working day of May: the 15th)
    assert due_for_data(MONTHLY, today, set(), date(2024, 3, 31)).key == "2024-03"
    late = due_for_data(MONTHLY, today, set(), date(2024, 3, 30), "arrests-by-month")
    assert isinstance(late, NotDue) and late.release_id == "arrests-by-month"
    assert late.path == "data covers up to 30 March 2024 (2024-03 due on its calendar)"
    assert isinstance(due_for_data(MONTHLY, today, set(), None), NotDue)  # nothing loaded yet
    assert (
        due_for_data(MONTHLY, date(2024, 3, 13), set(), date(2019, 6, 29)) is None
    )  # nothing due: nothing said
    assert due_for_data(MONTHLY, today, {"2024-03"}, date(2019, 6, 29)) is None  # already issued


def test_the_nightly_run_succeeds_on_a_history_that_ends_before_the_calendar(tmp_path):
    from flows.config import load_settings
    from flows.generate import generate
    from flows.pipeline import run_nightly

    settings = load_settings(home=tmp_path, synthetic=True)
    generate(seed=3, scale="tiny", out=settings.landing_dir, today=date(2019, 6, 30))
    result = run_nightly(settings)
    assert not result.ingest.rejected
    assert sorted((r.status, r.release_id) for r in result.releases) == [
        ("not due", "arrests-by-month-further-action"),
        ("not due", "arrests-by-offence-group-year-outcome"),
    ]
    assert all(r.path.startswith("data covers up to 29 June 2019 (") for r in result.releases)
    assert "not due arrests-by-month-further-action: data covers up to 29 June 2019" in "\n".join(
        result.summary_lines()
    )
    assert not settings.published_dir.exists() or not any(settings.published_dir.iterdir())
