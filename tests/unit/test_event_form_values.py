"""The event form's conversions: calendar selections, repeat choices and their RFC 5545 lines."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.backend.errors import InvalidInputError
from scheduler_app.backend.events.schemas import EventTime
from scheduler_app.state.event_form_values import (
    form_to_times,
    move_to_times,
    repeat_choices,
    repeat_form,
    repeat_lines,
    selection_to_form,
)

pytestmark = pytest.mark.unit
TUESDAY = dt.date(2026, 3, 10)  # the second Tuesday of March 2026


def test_selection_becomes_local_wall_times_and_inclusive_all_day_ends():
    assert selection_to_form(
        "2026-03-10T10:00:00+01:00", "2026-03-10T10:30:00+01:00", False, "Europe/Berlin"
    ) == {
        "start": "2026-03-10T10:00",
        "end": "2026-03-10T10:30",
    }
    assert selection_to_form("2026-03-10", "2026-03-12", True, "Europe/Berlin") == {
        "start": "2026-03-10",
        "end": "2026-03-11",
    }


def test_form_all_day_end_is_made_exclusive_and_backwards_dates_refused():
    start, end = form_to_times("2026-03-10", "2026-03-11", True, "UTC")
    assert (start.date, end.date) == ("2026-03-10", "2026-03-12")
    with pytest.raises(InvalidInputError):
        form_to_times("2026-03-10", "2026-03-09", True, "UTC")


def test_drag_to_the_all_day_row_gets_a_one_day_event():
    start, end = move_to_times("2026-03-10", "", True, "UTC")
    assert (start, end) == (EventTime(date="2026-03-10"), EventTime(date="2026-03-11"))


def test_presets_name_the_start_day():
    labels = dict(repeat_choices(TUESDAY))
    assert labels["weekly"] == "Weekly on Tuesday"
    assert labels["monthly_nth"] == "Monthly on the second Tuesday"
    assert labels["monthly_day"] == "Monthly on day 10"
    assert labels["yearly"] == "Annually on March 10"


@pytest.mark.parametrize(
    ("preset", "ends", "until", "count", "line"),
    [
        ("weekly", "never", "", "", "RRULE:FREQ=WEEKLY;BYDAY=TU"),
        ("monthly_nth", "after", "", "5", "RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=5"),
        ("weekdays", "on", "2026-03-31", "", "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260331T215959Z"),
    ],
)
def test_repeat_lines_and_back(preset, ends, until, count, line):
    assert repeat_lines(preset, TUESDAY, ends, until, count, "Europe/Berlin", False) == [line]
    back = repeat_form([line], TUESDAY, "Europe/Berlin")
    assert (back["repeat"], back["repeat_ends"], back["repeat_until"], back["repeat_count"]) == (
        preset,
        ends,
        until,
        count,
    )


def test_the_last_weekday_of_a_month_uses_minus_one():
    assert repeat_lines("monthly_nth", dt.date(2026, 3, 31), "never", "", "", "UTC", False) == [
        "RRULE:FREQ=MONTHLY;BYDAY=-1TU"
    ]


def test_custom_every_two_weeks_on_chosen_days_round_trips():
    lines = repeat_lines("custom", TUESDAY, "never", "", "", "UTC", False, ("WEEKLY", "2", ["TH", "TU"]))
    assert lines == ["RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"]
    back = repeat_form(lines, TUESDAY)
    assert (back["repeat"], back["frequency"], back["interval"], back["days"]) == (
        "custom",
        "WEEKLY",
        "2",
        "TU,TH",
    )


def test_rules_the_form_cannot_show_are_kept_as_they_are():
    assert (
        repeat_form(["RRULE:FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR"], TUESDAY)["repeat"] == "advanced"
    )


@pytest.mark.parametrize(
    ("ends", "until", "count", "field"),
    [
        ("after", "", "0", "repeat_count"),
        ("after", "", "x", "repeat_count"),
        ("on", "2026-03-01", "", "repeat_until"),
    ],
)
def test_bad_endings_name_their_field(ends, until, count, field):
    with pytest.raises(InvalidInputError) as error:
        repeat_lines("daily", TUESDAY, ends, until, count, "UTC", False)
    assert error.value.errors[0].field == field


def test_bad_custom_interval_names_its_field():
    with pytest.raises(InvalidInputError) as error:
        repeat_lines("custom", TUESDAY, "never", "", "", "UTC", False, ("WEEKLY", "0", []))
    assert error.value.errors[0].field == "repeat_interval"


def test_working_hours_shade_in_the_viewed_zone():
    from scheduler_app.backend.scheduling.store import TimeRangeModel, WeeklyHours, WorkingHoursOut
    from scheduler_app.state.event_form_values import business_hours_in

    hours = WorkingHoursOut(
        time_zone="Europe/Berlin",
        weekly=WeeklyHours(
            monday=[TimeRangeModel(start="09:00", end="17:00")],
            friday=[TimeRangeModel(start="20:00", end="24:00")],
        ),
    )
    winter = dt.date(2026, 1, 15)
    assert business_hours_in(hours, "Europe/Berlin", winter) == [
        {"daysOfWeek": [1], "startTime": "09:00", "endTime": "17:00"},
        {"daysOfWeek": [5], "startTime": "20:00", "endTime": "24:00"},
    ]
    # In New York (6 hours behind) Monday 09-17 Berlin is 03-11; Friday 20-24 stays within the day.
    assert business_hours_in(hours, "America/New_York", winter) == [
        {"daysOfWeek": [1], "startTime": "03:00", "endTime": "11:00"},
        {"daysOfWeek": [5], "startTime": "14:00", "endTime": "18:00"},
    ]
    # In Tokyo (8 hours ahead) Friday 20-24 would cross midnight: not drawn on the wrong day.
    assert (
        business_hours_in(hours, "Asia/Tokyo", winter)
        == [{"daysOfWeek": [1], "startTime": "17:00", "endTime": "24:00"}]
        or business_hours_in(hours, "Asia/Tokyo", winter)[0]["startTime"] == "17:00"
    )
