"""Working hours: weekly ranges in the person's zone as UTC intervals across DST, overrides, absences."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler_app.backend.errors import InvalidInputError
from scheduler_app.backend.scheduling.intervals import Interval
from scheduler_app.backend.scheduling.working_hours import (
    DateOverride,
    OutOfOffice,
    TimeRange,
    WorkingHours,
    available_intervals,
    lunch_intervals,
    validate_working_hours,
    working_hours_problems,
    working_intervals,
)
from tests.scheduling_cases import utc

pytestmark = pytest.mark.unit


def hours_utc(intervals) -> list[tuple[str, str]]:
    return [(f"{start:%a %H:%M}", f"{end:%H:%M}") for start, end in intervals]


def fields(error: pytest.ExceptionInfo[InvalidInputError]) -> list[str]:
    return [problem.field for problem in error.value.errors]


# --- DST ---------------------------------------------------------------------------------------------


def test_berlin_nine_to_five_is_eight_to_four_utc_in_winter_and_seven_to_three_in_summer():
    hours = WorkingHours.weekdays("Europe/Berlin", "09:00-17:00")
    winter = available_intervals(hours, utc(2026, 1, 12), utc(2026, 1, 13))
    summer = available_intervals(hours, utc(2026, 7, 13), utc(2026, 7, 14))
    assert list(winter) == [Interval(utc(2026, 1, 12, 8), utc(2026, 1, 12, 16))]
    assert list(summer) == [Interval(utc(2026, 7, 13, 7), utc(2026, 7, 13, 15))]


def test_berlin_spring_forward_week_shifts_on_the_monday_after_the_change():
    # Clocks go forward on Sunday 2026-03-29 at 02:00 local.
    hours = WorkingHours("Europe/Berlin", {day: (TimeRange.parse("09:00-17:00"),) for day in range(7)})
    week = working_intervals(hours, utc(2026, 3, 27), utc(2026, 3, 31))
    assert hours_utc(week) == [
        ("Fri 08:00", "16:00"),
        ("Sat 08:00", "16:00"),
        ("Sun 07:00", "15:00"),
        ("Mon 07:00", "15:00"),
    ]


def test_berlin_fall_back_week():
    # Clocks go back on Sunday 2026-10-25 at 03:00 local.
    hours = WorkingHours.weekdays("Europe/Berlin", "09:00-17:00")
    week = working_intervals(hours, utc(2026, 10, 23), utc(2026, 10, 27))
    assert hours_utc(week) == [("Fri 07:00", "15:00"), ("Mon 08:00", "16:00")]


def test_new_york_dst_weeks_in_march_and_november():
    hours = WorkingHours.weekdays("America/New_York", "09:00-12:00", "13:00-17:00")
    # 2026-03-08: EST (UTC-5) becomes EDT (UTC-4).
    march = working_intervals(hours, utc(2026, 3, 6), utc(2026, 3, 10))
    assert hours_utc(march) == [
        ("Fri 14:00", "17:00"),
        ("Fri 18:00", "22:00"),
        ("Mon 13:00", "16:00"),
        ("Mon 17:00", "21:00"),
    ]
    # 2026-11-01: back to EST.
    november = working_intervals(hours, utc(2026, 10, 30), utc(2026, 11, 3))
    assert hours_utc(november) == [
        ("Fri 13:00", "16:00"),
        ("Fri 17:00", "21:00"),
        ("Mon 14:00", "17:00"),
        ("Mon 18:00", "22:00"),
    ]


def test_a_range_over_the_change_night_is_an_hour_shorter_or_longer():
    hours = WorkingHours("Europe/Berlin", {6: (TimeRange.parse("00:00-06:00"),)})
    spring = working_intervals(hours, utc(2026, 3, 28), utc(2026, 3, 30))
    autumn = working_intervals(hours, utc(2026, 10, 24), utc(2026, 10, 26))
    assert spring.total_length == dt.timedelta(hours=5)
    assert autumn.total_length == dt.timedelta(hours=7)


def test_wall_times_in_the_gap_move_forward_and_a_range_left_empty_vanishes():
    hours = WorkingHours(
        "Europe/Berlin", {6: (TimeRange.parse("01:00-02:30"), TimeRange.parse("02:30-03:15"))}
    )
    spring = working_intervals(hours, utc(2026, 3, 28), utc(2026, 3, 30))
    # 02:30 does not exist; read with the offset before the gap it is 03:30 CEST (01:30 UTC), so the
    # first range ends there and the second (03:30 to 03:15 CEST) is empty.
    assert list(spring) == [Interval(utc(2026, 3, 29, 0), utc(2026, 3, 29, 1, 30))]


def test_ranges_ending_at_midnight_run_to_the_end_of_the_day():
    hours = WorkingHours(
        "Asia/Tokyo", {0: (TimeRange.parse("22:00-00:00"),), 1: (TimeRange.parse("00:00-02:00"),)}
    )
    night = working_intervals(hours, utc(2026, 3, 1), utc(2026, 3, 4))
    # Monday 22:00 to Tuesday 02:00 in Tokyo (UTC+9) is one merged interval.
    assert list(night) == [Interval(utc(2026, 3, 2, 13), utc(2026, 3, 2, 17))]


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Asia/Kolkata"]),
    st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
    st.integers(6, 10),
    st.integers(1, 9),
)
def test_every_interval_starts_and_ends_at_the_configured_wall_times(zone_name, day, start_hour, length):
    hours = WorkingHours.weekdays(zone_name, f"{start_hour:02d}:00-{start_hour + length:02d}:00")
    zone = zoneinfo.ZoneInfo(zone_name)
    start = dt.datetime.combine(day, dt.time(), zone)
    for interval in working_intervals(hours, start, start + dt.timedelta(days=8)):
        local_start, local_end = interval.start.astimezone(zone), interval.end.astimezone(zone)
        assert local_start.weekday() < 5
        assert (local_start.hour, local_start.minute) == (start_hour, 0)
        assert (local_end.hour, local_end.minute) == (start_hour + length, 0)


# --- overrides, absences, lunch ----------------------------------------------------------------------


def test_date_override_replaces_the_weekday_and_an_empty_one_is_a_day_off():
    hours = WorkingHours.weekdays(
        "UTC",
        "09:00-17:00",
        overrides=[
            DateOverride(dt.date(2026, 3, 3), (TimeRange.parse("10:00-12:00"),)),
            DateOverride(dt.date(2026, 3, 4)),
            DateOverride(dt.date(2026, 3, 7), (TimeRange.parse("08:00-09:00"),)),
        ],
    )
    week = working_intervals(hours, utc(2026, 3, 2), utc(2026, 3, 9))
    assert hours_utc(week) == [
        ("Mon 09:00", "17:00"),
        ("Tue 10:00", "12:00"),
        ("Thu 09:00", "17:00"),
        ("Fri 09:00", "17:00"),
        ("Sat 08:00", "09:00"),
    ]
    assert hours.ranges_on(dt.date(2026, 3, 4)) == ()
    assert hours.ranges_on(dt.date(2026, 3, 5)) == (TimeRange.parse("09:00-17:00"),)


def test_out_of_office_is_removed_from_available_time():
    hours = WorkingHours.weekdays(
        "UTC", "09:00-17:00", out_of_office=[OutOfOffice(utc(2026, 3, 2, 12), utc(2026, 3, 4, 10))]
    )
    available = available_intervals(hours, utc(2026, 3, 2), utc(2026, 3, 5))
    assert hours_utc(available) == [("Mon 09:00", "12:00"), ("Wed 10:00", "17:00")]


def test_lunch_follows_the_hours_zone():
    hours = WorkingHours.weekdays("America/New_York", "09:00-17:00")
    assert hours_utc(lunch_intervals(hours, utc(2026, 3, 2), utc(2026, 3, 3))) == [("Mon 17:00", "18:00")]
    no_lunch = WorkingHours("UTC", {0: (TimeRange.parse("09:00-17:00"),)}, lunch=None)
    assert not lunch_intervals(no_lunch, utc(2026, 3, 2), utc(2026, 3, 3))


def test_intervals_are_clipped_to_the_requested_span():
    hours = WorkingHours.weekdays("UTC", "09:00-17:00")
    assert hours_utc(working_intervals(hours, utc(2026, 3, 2, 10), utc(2026, 3, 2, 11))) == [
        ("Mon 10:00", "11:00")
    ]


# --- validation --------------------------------------------------------------------------------------


def test_overlapping_ranges_within_a_day_are_invalid_input():
    hours = WorkingHours("UTC", {0: (TimeRange.parse("09:00-12:00"), TimeRange.parse("11:00-13:00"))})
    with pytest.raises(InvalidInputError) as error:
        available_intervals(hours, utc(2026, 3, 2), utc(2026, 3, 3))
    assert fields(error) == ["working_hours.weekly.monday"]
    assert "09:00-12:00 overlaps 11:00-13:00" in error.value.errors[0].message


def test_touching_ranges_are_fine():
    hours = WorkingHours("UTC", {0: (TimeRange.parse("09:00-12:00"), TimeRange.parse("12:00-13:00"))})
    assert working_hours_problems(hours) == []


def test_a_range_crossing_midnight_is_refused_with_a_way_out():
    hours = WorkingHours("UTC", {4: (TimeRange.parse("22:00-06:00"),)})
    with pytest.raises(InvalidInputError) as error:
        validate_working_hours(hours, "participants[2].working_hours")
    assert fields(error) == ["participants[2].working_hours.weekly.friday[0]"]
    assert "split it at midnight" in error.value.errors[0].message


def test_a_working_week_with_no_hours_is_refused():
    with pytest.raises(InvalidInputError) as error:
        validate_working_hours(WorkingHours("Europe/Berlin", {day: () for day in range(7)}))
    assert fields(error) == ["working_hours.weekly"]
    assert "at least one range" in error.value.errors[0].message


def test_an_empty_week_with_override_hours_is_allowed():
    hours = WorkingHours(
        "UTC", {}, overrides=[DateOverride(dt.date(2026, 3, 2), (TimeRange.parse("09:00-10:00"),))]
    )
    assert working_hours_problems(hours) == []


def test_conflicting_overrides_for_one_date_are_refused_but_repeats_are_not():
    day = dt.date(2026, 3, 2)
    nine_to_five = (TimeRange.parse("09:00-17:00"),)
    repeated = WorkingHours.weekdays("UTC", "09:00-17:00", overrides=[DateOverride(day, nine_to_five)] * 2)
    assert working_hours_problems(repeated) == []
    conflicting = WorkingHours.weekdays(
        "UTC", "09:00-17:00", overrides=[DateOverride(day, nine_to_five), DateOverride(day)]
    )
    with pytest.raises(InvalidInputError) as error:
        validate_working_hours(conflicting)
    assert fields(error) == ["working_hours.overrides[1]"]
    assert "2026-03-02 is already overridden" in error.value.errors[0].message


def test_other_problems_each_name_their_field():
    hours = WorkingHours(
        "Mars/Olympus",
        {7: (TimeRange.parse("09:00-10:00"),), 0: (TimeRange.parse("09:00-10:00"),)},
        out_of_office=[
            OutOfOffice(utc(2026, 3, 3), utc(2026, 3, 2)),
            OutOfOffice(dt.datetime(2026, 3, 2), dt.datetime(2026, 3, 3)),
        ],
        lunch=TimeRange.parse("13:00-12:00"),
    )
    assert [problem.field for problem in working_hours_problems(hours)] == [
        "working_hours.time_zone",
        "working_hours.weekly",
        "working_hours.out_of_office[0].end",
        "working_hours.out_of_office[1]",
        "working_hours.lunch[0]",
    ]
