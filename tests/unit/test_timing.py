"""Time handling: zones, instants, DST edges, all-day bracketing, and the week keys behind range queries."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

import pytest

from scheduler_app.backend.errors import InvalidInputError
from scheduler_app.backend.events import timing

pytestmark = pytest.mark.unit

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def field_names(error: pytest.ExceptionInfo[InvalidInputError]) -> list[str]:
    return [problem.field for problem in error.value.errors]


# --- zones -----------------------------------------------------------------------------------------


def test_parse_zone_returns_the_named_zone():
    assert timing.parse_zone("America/New_York").key == "America/New_York"


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "europe/berlin", "UTC+1", "../../etc/passwd"])
def test_unknown_zone_is_invalid_input_naming_the_field(name):
    with pytest.raises(InvalidInputError) as error:
        timing.parse_zone(name, "start.time_zone")
    assert error.value.status == 422
    assert field_names(error) == ["start.time_zone"]
    assert repr(name) in error.value.errors[0].message


def test_unknown_zone_defaults_to_the_time_zone_field():
    with pytest.raises(InvalidInputError) as error:
        timing.parse_zone("Nowhere/Special")
    assert field_names(error) == ["time_zone"]


def test_non_string_zone_is_rejected():
    with pytest.raises(InvalidInputError):
        timing.parse_zone(None)  # type: ignore[arg-type]


# --- instants ---------------------------------------------------------------------------------------


def test_parse_instant_with_offset_ignores_the_default_zone():
    assert timing.parse_instant("2026-03-02T09:00:00+05:30", BERLIN, "start") == utc(2026, 3, 2, 3, 30)


def test_parse_instant_with_z_suffix():
    assert timing.parse_instant("2026-07-01T12:00:00Z", BERLIN, "start") == utc(2026, 7, 1, 12)


def test_parse_instant_without_offset_uses_the_zone_winter_and_summer():
    assert timing.parse_instant("2026-01-15T09:00:00", BERLIN, "start") == utc(2026, 1, 15, 8)
    assert timing.parse_instant("2026-07-15T09:00:00", BERLIN, "start") == utc(2026, 7, 15, 7)


def test_parse_instant_returns_aware_utc_truncated_to_milliseconds():
    parsed = timing.parse_instant("2026-01-15T09:00:00.123456+00:00", BERLIN, "start")
    assert parsed.tzinfo is UTC
    assert parsed.microsecond == 123000


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00", "2026-02-30T10:00", "", "10:00"])
def test_malformed_instant_names_the_field(value):
    with pytest.raises(InvalidInputError) as error:
        timing.parse_instant(value, BERLIN, "end.date_time")
    assert field_names(error) == ["end.date_time"]


def test_spring_forward_gap_time_is_rejected():
    # 2026-03-29: clocks in Berlin jump from 02:00 to 03:00, so 02:30 never happens.
    with pytest.raises(InvalidInputError) as error:
        timing.parse_instant("2026-03-29T02:30:00", BERLIN, "start.date_time")
    assert field_names(error) == ["start.date_time"]
    assert "does not exist" in error.value.errors[0].message


def test_times_around_the_spring_forward_gap_are_accepted():
    assert timing.parse_instant("2026-03-29T01:59:00", BERLIN, "start") == utc(2026, 3, 29, 0, 59)
    assert timing.parse_instant("2026-03-29T03:00:00", BERLIN, "start") == utc(2026, 3, 29, 1, 0)


def test_gap_time_with_explicit_offset_is_a_real_instant():
    # With an offset the instant is unambiguous, whatever the wall clock said.
    assert timing.parse_instant("2026-03-29T02:30:00+01:00", BERLIN, "start") == utc(2026, 3, 29, 1, 30)


def test_fall_back_ambiguous_time_takes_the_first_occurrence():
    # 2026-10-25: 02:30 happens twice in Berlin; fold=0 is the earlier one, still on summer time (+02:00).
    assert timing.parse_instant("2026-10-25T02:30:00", BERLIN, "start") == utc(2026, 10, 25, 0, 30)


def test_localize_rejects_gap_and_keeps_zone():
    aware = timing.localize(dt.datetime(2026, 6, 1, 12), BERLIN, "start")
    assert aware.tzinfo is BERLIN
    with pytest.raises(InvalidInputError):
        timing.localize(dt.datetime(2026, 3, 29, 2, 0), BERLIN, "start")


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00",
        "0001-01-01T00:00:00+01:00",
        "0001-01-01T00:30:00Z",  # representable in UTC, but not in any zone west of it
        "9999-12-31T23:30:00-01:00",
        "9999-12-31T23:00:00Z",
    ],
)
def test_instants_outside_the_representable_range_are_invalid_input(value):
    with pytest.raises(InvalidInputError) as error:
        timing.parse_instant(value, BERLIN, "start.date_time")
    assert field_names(error) == ["start.date_time"]


# --- timed events -----------------------------------------------------------------------------------


def test_timed_event_is_returned_as_given():
    when = timing.timed(utc(2026, 3, 2, 8), utc(2026, 3, 2, 9), "Europe/Berlin")
    assert (when.all_day, when.start_utc, when.end_utc, when.time_zone) == (
        False,
        utc(2026, 3, 2, 8),
        utc(2026, 3, 2, 9),
        "Europe/Berlin",
    )
    assert when.start_date is None and when.end_date is None


@pytest.mark.parametrize("minutes", [0, -1, -600])
def test_timed_end_not_after_start_is_rejected(minutes):
    start = utc(2026, 3, 2, 8)
    with pytest.raises(InvalidInputError) as error:
        timing.timed(start, start + dt.timedelta(minutes=minutes), "UTC")
    assert field_names(error) == ["end"]


def test_timed_event_of_maximum_length_is_accepted_and_one_more_second_is_not():
    start = utc(2026, 1, 1)
    longest = start + dt.timedelta(days=timing.MAX_EVENT_DAYS)
    assert timing.timed(start, longest, "UTC").end_utc == longest
    with pytest.raises(InvalidInputError) as error:
        timing.timed(start, longest + dt.timedelta(seconds=1), "UTC")
    assert field_names(error) == ["end"]
    assert "too long" in error.value.detail


# --- all-day events ---------------------------------------------------------------------------------


def test_all_day_brackets_every_zone_reading_of_the_dates():
    when = timing.all_day(dt.date(2026, 3, 10), dt.date(2026, 3, 11), "Europe/Berlin")
    assert when.all_day
    assert (when.start_date, when.end_date) == (dt.date(2026, 3, 10), dt.date(2026, 3, 11))
    # Earliest zone (UTC+14) starts the date 14 h before UTC; the latest (UTC-12) ends it 12 h after.
    assert when.start_utc == utc(2026, 3, 9, 10)
    assert when.end_utc == utc(2026, 3, 11, 12)


@pytest.mark.parametrize(
    "zone_name", ["Pacific/Kiritimati", "Etc/GMT+12", "Europe/Berlin", "America/St_Johns", "UTC"]
)
def test_all_day_bracket_contains_the_local_day_in_extreme_zones(zone_name):
    zone = zoneinfo.ZoneInfo(zone_name)
    start, end = dt.date(2026, 6, 1), dt.date(2026, 6, 3)
    when = timing.all_day(start, end, "UTC")
    local_start, local_end = timing.date_range_in_zone(start, end, zone)
    assert when.start_utc <= local_start < local_end <= when.end_utc


@pytest.mark.parametrize("days", [0, -1])
def test_all_day_end_must_be_after_start(days):
    start = dt.date(2026, 3, 10)
    with pytest.raises(InvalidInputError) as error:
        timing.all_day(start, start + dt.timedelta(days=days), "UTC")
    assert field_names(error) == ["end"]
    assert "exclusive" in error.value.errors[0].message


def test_all_day_too_long_is_rejected():
    start = dt.date(2026, 1, 1)
    assert timing.all_day(start, start + dt.timedelta(days=timing.MAX_EVENT_DAYS), "UTC").all_day
    with pytest.raises(InvalidInputError) as error:
        timing.all_day(start, start + dt.timedelta(days=timing.MAX_EVENT_DAYS + 1), "UTC")
    assert field_names(error) == ["end"]


def test_all_day_on_the_first_representable_date_is_invalid_input():
    with pytest.raises(InvalidInputError):
        timing.all_day(dt.date(1, 1, 1), dt.date(1, 1, 2), "UTC")


def test_instants_near_the_ends_of_the_range_are_accepted():
    assert timing.parse_instant("0001-01-02T00:00:00Z", BERLIN, "start") == utc(1, 1, 2)
    assert timing.parse_instant("9999-12-29T12:00:00", BERLIN, "start") == utc(9999, 12, 29, 11)


def test_parse_date_accepts_iso_dates_and_rejects_others():
    assert timing.parse_date("2026-02-28", "start.date") == dt.date(2026, 2, 28)
    with pytest.raises(InvalidInputError) as error:
        timing.parse_date("2026-02-30", "start.date")
    assert field_names(error) == ["start.date"]


def test_date_range_in_zone_uses_local_midnights_across_dst():
    start, end = timing.date_range_in_zone(dt.date(2026, 3, 29), dt.date(2026, 3, 30), BERLIN)
    assert start == utc(2026, 3, 28, 23)
    assert end == utc(2026, 3, 29, 22)  # a 23-hour day


# --- week keys --------------------------------------------------------------------------------------


def test_week_number_changes_at_monday_midnight_utc():
    sunday_night = utc(2026, 3, 8, 23, 59, 59)
    monday = utc(2026, 3, 9)
    assert timing.week_number(monday) == timing.week_number(sunday_night) + 1
    assert timing.week_number(utc(1970, 1, 5)) == 0
    assert timing.week_number(utc(1970, 1, 4)) == -1


def test_event_inside_one_week_has_one_key():
    keys = timing.time_keys("cal", utc(2026, 3, 10, 9), utc(2026, 3, 10, 10))
    assert keys == [f"cal:{timing.week_number(utc(2026, 3, 10))}"]


def test_event_ending_exactly_at_monday_midnight_stays_in_one_week():
    keys = timing.time_keys("cal", utc(2026, 3, 8, 22), utc(2026, 3, 9))
    assert keys == [f"cal:{timing.week_number(utc(2026, 3, 8))}"]


def test_event_crossing_a_week_boundary_has_two_keys():
    week = timing.week_number(utc(2026, 3, 8))
    keys = timing.time_keys("cal", utc(2026, 3, 8, 23), utc(2026, 3, 9, 1))
    assert keys == [f"cal:{week}", f"cal:{week + 1}"]


def test_event_just_under_the_long_threshold_gets_week_keys():
    start = utc(2026, 3, 9)  # a Monday
    end = start + dt.timedelta(weeks=timing.LONG_EVENT_WEEKS)
    keys = timing.time_keys("cal", start, end)
    assert len(keys) == timing.LONG_EVENT_WEEKS
    assert "cal:long" not in keys


def test_event_longer_than_long_event_weeks_gets_the_long_key():
    start = utc(2026, 3, 9)
    keys = timing.time_keys("cal", start, start + dt.timedelta(weeks=timing.LONG_EVENT_WEEKS, seconds=1))
    assert keys == ["cal:long"]


def test_range_keys_cover_each_calendar_and_its_long_key():
    start, end = utc(2026, 3, 8), utc(2026, 3, 10)
    week = timing.week_number(start)
    assert timing.range_keys(["a", "b"], start, end) == [
        "a:long",
        f"a:{week}",
        f"a:{week + 1}",
        "b:long",
        f"b:{week}",
        f"b:{week + 1}",
    ]


def test_range_keys_of_no_calendars_is_empty():
    assert timing.range_keys([], utc(2026, 3, 8), utc(2026, 3, 10)) == []


def _random_instant(rng: random.Random) -> dt.datetime:
    base = utc(2025, 12, 1)
    # Mostly millisecond-aligned (as stored), sometimes exactly on a Monday midnight.
    if rng.random() < 0.2:
        return utc(2025, 12, 1) + dt.timedelta(weeks=rng.randrange(0, 40))
    return base + dt.timedelta(milliseconds=rng.randrange(0, 280 * 24 * 3600 * 1000))


def _random_span(rng: random.Random) -> dt.timedelta:
    kind = rng.random()
    if kind < 0.4:
        return dt.timedelta(minutes=rng.randrange(1, 600))
    if kind < 0.7:
        return dt.timedelta(days=rng.randrange(1, 20), milliseconds=rng.randrange(0, 86_400_000))
    if kind < 0.9:
        return dt.timedelta(weeks=rng.randrange(timing.LONG_EVENT_WEEKS - 1, timing.LONG_EVENT_WEEKS + 2))
    return dt.timedelta(days=rng.randrange(100, 1500))


def test_range_keys_always_meet_the_keys_of_every_overlapping_event():
    """Property: if [event) overlaps [window), the window's lookup keys share a key with the event."""
    rng = random.Random(20260329)
    checked = 0
    for _ in range(6_000):
        event_start = _random_instant(rng)
        event_end = event_start + _random_span(rng)
        window_start = _random_instant(rng)
        window_end = window_start + _random_span(rng)
        calendars = rng.sample(["a", "b", "c"], rng.randrange(1, 4))
        calendar = calendars[0]
        overlaps = event_start < window_end and event_end > window_start
        event_keys = set(timing.time_keys(calendar, event_start, event_end))
        lookup = set(timing.range_keys(calendars, window_start, window_end))
        if overlaps:
            checked += 1
            assert event_keys & lookup, (event_start, event_end, window_start, window_end)
            # Every week key of the event that lies inside the window's weeks is looked up.
            first, last = (
                timing.week_number(window_start),
                timing.week_number(window_end - dt.timedelta.resolution),
            )
            for key in event_keys:
                suffix = key.split(":")[1]
                if suffix == "long" or first <= int(suffix) <= last:
                    assert key in lookup
        # A calendar that was not asked for is never looked up.
        assert not set(timing.time_keys("zzz", event_start, event_end)) & lookup
    assert checked > 600  # the generator really produces overlapping pairs


def test_long_events_always_have_exactly_the_long_key_and_short_ones_never_do():
    rng = random.Random(7)
    for _ in range(3_000):
        start = _random_instant(rng)
        end = start + _random_span(rng)
        keys = timing.time_keys("c", start, end)
        weeks = timing.week_number(end - dt.timedelta.resolution) - timing.week_number(start)
        if weeks >= timing.LONG_EVENT_WEEKS:
            assert keys == ["c:long"]
        else:
            assert len(keys) == weeks + 1 and "c:long" not in keys
