"""Recurrence: parsing and validation, expansion over windows, DST, single occurrences, splits, ids."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import pytest
from dateutil.rrule import rrulestr

from scheduler_app.backend.errors import InvalidInputError
from scheduler_app.backend.events import recurrence as rec
from scheduler_app.backend.events import timing

pytestmark = pytest.mark.unit

UTC = dt.UTC
NY = zoneinfo.ZoneInfo("America/New_York")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def ny(*args: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY, fold=fold)


def berlin(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)


def timed(lines: list[str], start: dt.datetime, zone: str = "America/New_York") -> rec.RecurrenceRule:
    return rec.parse_recurrence(lines, start, time_zone=zone, all_day=False)


def all_day(lines: list[str], start: dt.date, zone: str = "Europe/Berlin") -> rec.RecurrenceRule:
    return rec.parse_recurrence(lines, start, time_zone=zone, all_day=True)


def starts(
    rule: rec.RecurrenceRule, window_start: dt.datetime, window_end: dt.datetime, duration=HOUR, **kwargs
) -> list:
    return [occurrence.start for occurrence in rec.expand(rule, window_start, window_end, duration, **kwargs)]


def refused(lines: list[str], start: dt.datetime | dt.date | None = None, **kwargs) -> InvalidInputError:
    """The 422 that parsing these lines raises."""
    start = start if start is not None else ny(2026, 3, 2, 9)
    options = {"time_zone": "America/New_York", "all_day": False} | kwargs
    with pytest.raises(InvalidInputError) as caught:
        rec.parse_recurrence(lines, start, **options)
    assert caught.value.status == 422
    return caught.value


def field_of(error: InvalidInputError) -> str:
    return error.errors[0].field


# --- parsing and canonical lines -------------------------------------------------------------------


def test_lines_are_normalised_to_a_canonical_form():
    rule = timed(
        [
            " rrule:byday=we,mo;freq=weekly;interval=1;until=20260601 ",
            "EXDATE:20260311T130000Z",
            "exdate;tzid=America/New_York:20260304T090000",
            "RDATE;TZID=Europe/Berlin:20260307T150000",
        ],
        ny(2026, 3, 2, 9),
    )
    assert rule.lines == (
        "RRULE:FREQ=WEEKLY;UNTIL=20260602T035959Z;BYDAY=MO,WE",
        "RDATE;TZID=America/New_York:20260307T090000",
        "EXDATE;TZID=America/New_York:20260304T090000,20260311T090000",
    )
    assert rule.rrule == "FREQ=WEEKLY;UNTIL=20260602T035959Z;BYDAY=MO,WE"
    assert rule.until == utc(2026, 6, 2, 3, 59, 59)  # a date UNTIL means "through that local day"
    assert rule.count is None
    assert rule.exdates == (utc(2026, 3, 4, 14), utc(2026, 3, 11, 13))
    assert rule.rdates == (utc(2026, 3, 7, 14),)
    assert timed(list(rule.lines), ny(2026, 3, 2, 9)).lines == rule.lines  # idempotent


def test_canonical_rrule_orders_parts_and_drops_defaults():
    rule = timed(
        ["RRULE:WKST=MO;BYSETPOS=-1;BYDAY=-1MO,1MO,-1MO;COUNT=5;FREQ=MONTHLY;INTERVAL=2"], ny(2026, 3, 30, 9)
    )
    assert rule.rrule == "FREQ=MONTHLY;INTERVAL=2;COUNT=5;BYDAY=1MO,-1MO;BYSETPOS=-1"
    assert rule.bounded


def test_all_day_lines_use_dates():
    rule = all_day(
        ["RRULE:FREQ=YEARLY;UNTIL=20300101T000000Z", "EXDATE;VALUE=DATE:20280302", "EXDATE:20270302"],
        dt.date(2026, 3, 2),
    )
    assert rule.lines == ("RRULE:FREQ=YEARLY;UNTIL=20300101", "EXDATE;VALUE=DATE:20270302,20280302")
    assert rule.start == dt.date(2026, 3, 2)


def test_no_lines_is_a_single_occurrence():
    rule = timed([], ny(2026, 3, 2, 9))
    assert rule.lines == () and rule.rrule is None and rule.bounded
    assert starts(rule, utc(2026, 1, 1), utc(2027, 1, 1)) == [ny(2026, 3, 2, 9)]


def test_parsing_the_same_series_again_is_cached():
    first = timed(["RRULE:FREQ=DAILY"], ny(2026, 3, 2, 9))
    assert timed(["RRULE:FREQ=DAILY"], ny(2026, 3, 2, 9)) is first


def test_floating_until_is_read_in_the_event_zone():
    rule = timed(["RRULE:FREQ=DAILY;UNTIL=20260305T090000"], ny(2026, 3, 2, 9))
    assert rule.until == utc(2026, 3, 5, 14)
    assert len(starts(rule, utc(2026, 1, 1), utc(2027, 1, 1))) == 4


# --- bad input ---------------------------------------------------------------------------------------


def test_a_rule_without_end_is_expanded_only_over_the_window():
    rule = timed(["RRULE:FREQ=DAILY"], ny(1990, 1, 1, 9))
    assert not rule.bounded
    began = time.perf_counter()
    found = starts(rule, utc(2990, 6, 1), utc(2990, 6, 8))
    assert time.perf_counter() - began < 0.5
    assert found == [dt.datetime(2990, 6, day, 9, tzinfo=NY) for day in range(1, 8)]


def test_count_of_100000_is_refused():
    error = refused(["RRULE:FREQ=DAILY;COUNT=100000"])
    assert field_of(error) == "recurrence[0]"
    assert "COUNT must be a whole number from 1 to 1,000" in error.errors[0].message


def test_count_at_the_limit_is_accepted():
    rule = timed([f"RRULE:FREQ=DAILY;COUNT={rec.MAX_COUNT}"], ny(2026, 3, 2, 9))
    _, end = rec.series_span_utc(rule, HOUR)
    assert end == ny(2026, 3, 2, 9).astimezone(UTC) + (rec.MAX_COUNT - 1) * DAY + HOUR


@pytest.mark.parametrize(
    "line",
    [
        "RRULE:FREQ=FORTNIGHTLY",
        "RRULE:INTERVAL=2",
        "RRULE:FREQ=DAILY;COUNT=0",
        "RRULE:FREQ=DAILY;COUNT=ten",
        "RRULE:FREQ=DAILY;INTERVAL=0",
        "RRULE:FREQ=DAILY;INTERVAL=1001",
        "RRULE:FREQ=WEEKLY;BYDAY=XX",
        "RRULE:FREQ=WEEKLY;BYDAY=2MO",
        "RRULE:FREQ=MONTHLY;BYDAY=6MO",
        "RRULE:FREQ=MONTHLY;BYDAY=1MO,FR",
        "RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO",
        "RRULE:FREQ=MONTHLY;BYMONTHDAY=0",
        "RRULE:FREQ=MONTHLY;BYMONTHDAY=32",
        "RRULE:FREQ=YEARLY;BYMONTH=13",
        "RRULE:FREQ=YEARLY;BYMONTH=-1",
        "RRULE:FREQ=DAILY;BYYEARDAY=1",
        "RRULE:FREQ=MONTHLY;BYWEEKNO=1",
        "RRULE:FREQ=WEEKLY;BYMONTHDAY=1",
        "RRULE:FREQ=MONTHLY;BYSETPOS=1",
        "RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0",
        "RRULE:FREQ=DAILY;COUNT=3;UNTIL=20270101T000000Z",
        "RRULE:FREQ=DAILY;COUNT=3;COUNT=4",
        "RRULE:FREQ=DAILY;FOO=1",
        "RRULE:FREQ=DAILY;WKST=XX",
        "RRULE:FREQ=DAILY;UNTIL=2027",
        "RRULE:FREQ=DAILY;UNTIL=20271301",
        "RRULE:FREQ",
        "RRULE:",
        "RRULE;X-PARAM=1:FREQ=DAILY",
        "RRULE FREQ=DAILY",
        "FREQ=DAILY",
        "DTSTART:20260302T090000",
        "EXRULE:FREQ=DAILY",
        "",
        "RRULE:FREQ=DAILY\r\nDTSTART:20260302T090000",
    ],
)
def test_invalid_lines_are_refused_naming_the_line(line):
    error = refused(["EXDATE;TZID=America/New_York:20260303T090000", line])
    assert field_of(error) == "recurrence[1]"


@pytest.mark.parametrize(
    "line",
    [
        "EXDATE:2026",
        "EXDATE;TZID=America/New_York:20260303T090000Z",
        "EXDATE;VALUE=DATE:20260303T090000",
        "EXDATE;VALUE=DATE:20260303",  # a date on a timed series
        "RDATE;VALUE=PERIOD:20260303T090000Z/PT1H",
        "RDATE;VALUE=TEXT:20260303T090000",
        "RDATE;RANGE=THISANDFUTURE:20260303T090000",
        "RDATE;TZID=America/New_York,Europe/Berlin:20260303T090000",
    ],
)
def test_invalid_dates_are_refused(line):
    assert field_of(refused(["RRULE:FREQ=DAILY", line])) == "recurrence[1]"


def test_all_day_series_refuse_date_times():
    error = refused(["RRULE:FREQ=DAILY", "EXDATE:20260303T090000"], dt.date(2026, 3, 2), all_day=True)
    assert "EXDATE;VALUE=DATE:20260302" in error.errors[0].message
    refused(["EXDATE;TZID=Europe/Berlin:20260303"], dt.date(2026, 3, 2), all_day=True)


def test_only_one_rrule():
    error = refused(["RRULE:FREQ=DAILY", "RRULE:FREQ=WEEKLY"])
    assert field_of(error) == "recurrence[1]"
    assert "at most one RRULE" in error.errors[0].message


def test_lines_must_be_a_list_of_strings():
    assert field_of(refused("RRULE:FREQ=DAILY")) == "recurrence"  # type: ignore[arg-type]
    assert field_of(refused(["RRULE:FREQ=DAILY", 3])) == "recurrence[1]"  # type: ignore[list-item]
    assert field_of(refused(["EXDATE:20260303T140000Z"] * (rec.MAX_LINES + 1))) == "recurrence"


def test_too_many_dates_are_refused():
    days = (dt.date(2027, 1, 1) + index * DAY for index in range(rec.MAX_DATES + 1))
    values = ",".join(f"{day:%Y%m%d}T140000Z" for day in days)
    assert field_of(refused(["RRULE:FREQ=DAILY", f"EXDATE:{values}"])) == "recurrence[1]"


def test_until_before_the_start_is_refused():
    error = refused(["RRULE:FREQ=DAILY;UNTIL=20260301T000000Z"])
    assert field_of(error) == "recurrence[0]"
    assert error.detail == "The recurrence ends before it starts."
    refused(["RRULE:FREQ=DAILY;UNTIL=20260301"], dt.date(2026, 3, 2), all_day=True)


def test_until_equal_to_the_start_is_a_single_occurrence():
    rule = timed(["RRULE:FREQ=DAILY;UNTIL=20260302T140000Z"], ny(2026, 3, 2, 9))
    assert starts(rule, utc(2026, 1, 1), utc(2027, 1, 1)) == [ny(2026, 3, 2, 9)]


def test_rdate_before_the_start_is_refused():
    assert field_of(refused(["RRULE:FREQ=DAILY", "RDATE:20260301T140000Z"])) == "recurrence[1]"


def test_unknown_tzid_is_refused():
    error = refused(["RRULE:FREQ=DAILY", "EXDATE;TZID=Mars/Olympus_Mons:20260303T090000"])
    assert field_of(error) == "recurrence[1]"
    assert "Mars/Olympus_Mons" in error.errors[0].message


def test_unknown_event_zone_is_refused():
    with pytest.raises(InvalidInputError) as caught:
        rec.parse_recurrence(
            ["RRULE:FREQ=DAILY"], utc(2026, 3, 2), time_zone="Europe/Atlantis", all_day=False
        )
    assert field_of(caught.value) == "time_zone"


@pytest.mark.parametrize("frequency", ["SECONDLY", "MINUTELY", "HOURLY"])
def test_sub_daily_frequencies_are_refused_clearly(frequency):
    error = refused([f"RRULE:FREQ={frequency};COUNT=4"])
    assert error.detail == "Events cannot repeat more often than daily."
    assert f"FREQ={frequency} is not supported" in error.errors[0].message


@pytest.mark.parametrize("part", ["BYHOUR=9,17", "BYMINUTE=0,30", "BYSECOND=0,30", "RSCALE=HEBREW"])
def test_several_times_a_day_and_other_calendars_are_refused(part):
    error = refused([f"RRULE:FREQ=DAILY;{part}"])
    assert "is not supported" in error.errors[0].message


def test_one_time_of_day_may_be_given():
    rule = timed(["RRULE:FREQ=WEEKLY;BYMINUTE=15;BYHOUR=7;BYDAY=TU"], ny(2026, 3, 3, 7, 15))
    assert rule.rrule == "FREQ=WEEKLY;BYDAY=TU;BYHOUR=7;BYMINUTE=15"
    assert starts(rule, utc(2026, 3, 1), utc(2026, 3, 20)) == [
        ny(2026, 3, 3, 7, 15),
        ny(2026, 3, 10, 7, 15),
        ny(2026, 3, 17, 7, 15),
    ]
    refused(["RRULE:FREQ=DAILY;BYHOUR=24"])


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6",
        "FREQ=DAILY;INTERVAL=7;BYDAY=TU",  # starts on a Monday: every 7th day is always a Monday
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",  # 2026, 2030, ...: never a leap year
        "FREQ=YEARLY;BYWEEKNO=1;BYMONTH=6",
    ],
)
def test_rules_that_never_repeat_are_refused_quickly(rule):
    began = time.perf_counter()
    error = refused([f"RRULE:{rule};COUNT=3"])
    assert time.perf_counter() - began < 2  # dateutil alone scans to year 9999: 4 s for a daily rule
    assert error.detail == "The rule does not repeat."


def test_start_with_a_fraction_of_a_second_is_refused():
    error = refused(["RRULE:FREQ=DAILY"], ny(2026, 3, 2, 9, 0, 0, 500_000))
    assert field_of(error) == "start"


def test_wrong_start_types_are_programming_errors():
    with pytest.raises(TypeError):
        rec.parse_recurrence([], dt.datetime(2026, 3, 2, 9), time_zone="UTC", all_day=False)
    with pytest.raises(TypeError):
        rec.parse_recurrence([], utc(2026, 3, 2), time_zone="UTC", all_day=True)


# --- daylight saving time ----------------------------------------------------------------------------


def test_wall_clock_is_kept_across_both_changes_in_berlin():
    rule = timed(["RRULE:FREQ=WEEKLY;BYDAY=MO"], berlin(2026, 3, 23, 9), "Europe/Berlin")
    found = rec.expand(rule, utc(2026, 3, 20), utc(2026, 11, 3), HOUR)
    assert {occurrence.start.hour for occurrence in found} == {9}
    offsets = {occurrence.start.date(): occurrence.start.utcoffset() for occurrence in found}
    assert offsets[dt.date(2026, 3, 23)] == HOUR and offsets[dt.date(2026, 3, 30)] == 2 * HOUR
    assert offsets[dt.date(2026, 10, 19)] == 2 * HOUR and offsets[dt.date(2026, 10, 26)] == HOUR
    assert all(occurrence.end - occurrence.start == HOUR for occurrence in found)


def test_non_existent_local_time_happens_an_hour_later_per_rfc_5545():
    """02:30 does not exist on 2026-03-08 in New York: use the offset before the gap (03:30 EDT)."""
    rule = timed(["RRULE:FREQ=DAILY;COUNT=4"], ny(2026, 3, 6, 2, 30))
    found = rec.expand(rule, utc(2026, 3, 1), utc(2026, 4, 1), HOUR)
    assert [occurrence.start.isoformat() for occurrence in found] == [
        "2026-03-06T02:30:00-05:00",
        "2026-03-07T02:30:00-05:00",
        "2026-03-08T03:30:00-04:00",
        "2026-03-09T02:30:00-04:00",
    ]
    assert found[2].recurrence_id == "20260308T073000Z"
    assert rec.is_occurrence(rule, ny(2026, 3, 8, 3, 30)) and not rec.is_occurrence(
        rule, ny(2026, 3, 8, 2, 30, fold=1)
    )
    # An EXDATE naming the non-existent local time cancels that occurrence.
    cancelled = timed([*rule.lines, "EXDATE;TZID=America/New_York:20260308T023000"], rule.start)  # type: ignore[arg-type]
    assert ny(2026, 3, 8, 3, 30) not in starts(cancelled, utc(2026, 3, 1), utc(2026, 4, 1))
    assert cancelled.lines[-1] == "EXDATE;TZID=America/New_York:20260308T033000"


def test_ambiguous_local_time_is_the_first_occurrence():
    """01:30 happens twice on 2026-11-01 in New York: RFC 5545 takes the first (EDT)."""
    rule = timed(["RRULE:FREQ=DAILY;COUNT=3"], ny(2026, 10, 31, 1, 30))
    found = starts(rule, utc(2026, 10, 1), utc(2026, 12, 1))
    assert [start.astimezone(UTC) for start in found] == [
        utc(2026, 10, 31, 5, 30),
        utc(2026, 11, 1, 5, 30),
        utc(2026, 11, 2, 6, 30),
    ]
    floating = timed(["RRULE:FREQ=DAILY;UNTIL=20261101T013000"], ny(2026, 10, 31, 1, 30))
    assert floating.until == utc(2026, 11, 1, 5, 30)


def test_a_start_at_the_second_of_two_equal_times_stays_the_first_occurrence():
    start = ny(2026, 11, 1, 1, 30, fold=1)  # 06:30 UTC, EST
    rule = timed(["RRULE:FREQ=DAILY;COUNT=2"], start)
    assert [value.astimezone(UTC) for value in starts(rule, utc(2026, 10, 1), utc(2026, 12, 1))] == [
        utc(2026, 11, 1, 6, 30),
        utc(2026, 11, 2, 6, 30),
    ]
    # Such an instant cannot be written with TZID (that means the first 01:30): lines use UTC.
    moved = timed(["RRULE:FREQ=DAILY", "RDATE:20261101T063000Z"], ny(2026, 10, 30, 1, 30))
    assert moved.lines[1] == "RDATE:20261101T063000Z"


def test_a_start_given_in_the_zone_keeps_its_wall_clock_even_in_a_gap():
    rule = timed(["RRULE:FREQ=DAILY;COUNT=2"], ny(2026, 3, 8, 2, 30))
    assert starts(rule, utc(2026, 3, 1), utc(2026, 4, 1)) == [ny(2026, 3, 8, 3, 30), ny(2026, 3, 9, 2, 30)]
    assert rule.start == ny(2026, 3, 8, 3, 30)


# --- expansion -----------------------------------------------------------------------------------------


def test_overlap_semantics_at_the_window_edges():
    rule = timed(["RRULE:FREQ=DAILY"], ny(2026, 3, 2, 9))
    nine = ny(2026, 3, 10, 9).astimezone(UTC)
    assert starts(rule, nine + HOUR, nine + 2 * HOUR) == []  # ends exactly at the window start
    assert starts(rule, nine - HOUR, nine) == []  # starts exactly at the window end
    assert starts(rule, nine + HOUR / 2, nine + HOUR) == [ny(2026, 3, 10, 9)]
    long = rec.expand(rule, nine + 30 * HOUR, nine + 31 * HOUR, 3 * DAY)  # 11 March, 19:00 to 20:00 UTC
    assert [occurrence.start.day for occurrence in long] == [9, 10, 11]


def test_expansion_leaves_out_exdates_and_excluded_ids_and_adds_rdates_once():
    rule = timed(
        [
            "RRULE:FREQ=WEEKLY;COUNT=4",
            "EXDATE;TZID=America/New_York:20260309T090000",
            "RDATE;TZID=America/New_York:20260316T090000,20260318T120000",
        ],
        ny(2026, 3, 2, 9),
    )
    found = rec.expand(rule, utc(2026, 1, 1), utc(2027, 1, 1), HOUR, exclude={"20260323T130000Z"})
    assert [occurrence.start for occurrence in found] == [
        ny(2026, 3, 2, 9),
        ny(2026, 3, 16, 9),
        ny(2026, 3, 18, 12),
    ]
    assert [occurrence.recurrence_id for occurrence in found] == [
        "20260302T140000Z",
        "20260316T130000Z",
        "20260318T160000Z",
    ]


def test_too_many_occurrences_raise_a_clear_error():
    rule = timed(["RRULE:FREQ=DAILY"], ny(2026, 3, 2, 9))
    with pytest.raises(rec.TooManyOccurrencesError) as caught:
        rec.expand(rule, utc(2026, 1, 1), utc(2046, 1, 1), HOUR)
    assert caught.value.status == 422 and field_of(caught.value) == "end"
    assert len(rec.expand(rule, utc(2026, 1, 1), utc(2036, 1, 1), HOUR)) == 3592


def test_long_running_series_expand_a_late_window_like_dateutil():
    lines = ["RRULE:FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,SA"]
    rule = timed(lines, ny(1985, 1, 5, 7, 45))
    began = time.perf_counter()
    found = starts(rule, utc(2031, 2, 1), utc(2031, 5, 1))
    assert time.perf_counter() - began < 0.2
    expected = rrulestr(lines[0][6:], dtstart=ny(1985, 1, 5, 7, 45)).between(
        utc(2031, 2, 1), utc(2031, 5, 1) - HOUR, inc=True
    )
    assert found == expected and len(found) == 8


def test_all_day_series_are_dates_read_in_the_viewer_zone():
    rule = all_day(["RRULE:FREQ=WEEKLY;BYDAY=MO,FR"], dt.date(2026, 3, 2))
    found = rec.expand(rule, utc(2026, 3, 1), utc(2026, 3, 15), 2 * DAY)
    assert [(o.start, o.end) for o in found] == [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 4)),
        (dt.date(2026, 3, 6), dt.date(2026, 3, 8)),
        (dt.date(2026, 3, 9), dt.date(2026, 3, 11)),
        (dt.date(2026, 3, 13), dt.date(2026, 3, 15)),
    ]
    assert found[0].recurrence_id == "20260302" and found[0].all_day
    # 2026-03-08T12:00Z to 2026-03-09T00:00Z is still Sunday in UTC but already Monday in Tokyo.
    assert starts(rule, utc(2026, 3, 8, 12), utc(2026, 3, 9), DAY) == []
    assert starts(rule, utc(2026, 3, 8, 12), utc(2026, 3, 9), DAY, viewer_zone="Asia/Tokyo") == [
        dt.date(2026, 3, 9)
    ]


def test_all_day_durations_are_whole_days():
    rule = all_day(["RRULE:FREQ=DAILY"], dt.date(2026, 3, 2))
    with pytest.raises(ValueError):
        rec.expand(rule, utc(2026, 3, 1), utc(2026, 3, 9), HOUR)


def test_windows_must_be_aware_and_empty_windows_are_empty():
    rule = timed(["RRULE:FREQ=DAILY"], ny(2026, 3, 2, 9))
    with pytest.raises(ValueError):
        rec.expand(rule, dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 9), HOUR)
    assert rec.expand(rule, utc(2026, 3, 9), utc(2026, 3, 1), HOUR) == []


def test_expansion_near_the_ends_of_time_does_not_overflow():
    early = timed(["RRULE:FREQ=YEARLY"], dt.datetime(1, 1, 4, 9, tzinfo=UTC), "UTC")
    assert len(starts(early, utc(1, 1, 3), utc(3, 1, 1), 400 * DAY)) == 2
    late = timed(["RRULE:FREQ=DAILY"], dt.datetime(9999, 12, 20, 9, tzinfo=UTC), "UTC")
    assert len(starts(late, utc(9999, 12, 1), utc(9999, 12, 30))) == 10


def test_occurrence_timing_matches_stored_events():
    rule = timed(["RRULE:FREQ=DAILY"], ny(2026, 3, 2, 9))
    occurrence = rec.expand(rule, utc(2026, 3, 5), utc(2026, 3, 6), HOUR)[0]
    assert occurrence.event_timing() == timing.timed(
        utc(2026, 3, 5, 14), utc(2026, 3, 5, 15), "America/New_York"
    )
    day = all_day(["RRULE:FREQ=DAILY"], dt.date(2026, 3, 2))
    occurrence = rec.expand(day, utc(2026, 3, 5), utc(2026, 3, 6), DAY)[0]
    assert occurrence.event_timing() == timing.all_day(
        dt.date(2026, 3, 5), dt.date(2026, 3, 6), "Europe/Berlin"
    )


# --- single occurrences ----------------------------------------------------------------------------


def test_is_occurrence():
    rule = timed(
        ["RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE:20260309T130000Z", "RDATE:20260402T160000Z"], ny(2026, 3, 2, 9)
    )
    assert rec.is_occurrence(rule, ny(2026, 3, 2, 9))
    assert rec.is_occurrence(rule, utc(2026, 3, 16, 13))
    assert rec.is_occurrence(rule, ny(2026, 4, 2, 12))  # the RDATE
    assert not rec.is_occurrence(rule, ny(2026, 3, 9, 9))  # cancelled
    assert not rec.is_occurrence(rule, ny(2026, 3, 23, 9))  # after COUNT ran out
    assert not rec.is_occurrence(rule, ny(2026, 3, 16, 10))  # not on the grid
    assert not rec.is_occurrence(rule, ny(2026, 2, 23, 9))  # before the start
    assert not rec.is_occurrence(rule, dt.date(2026, 3, 16))  # wrong kind


def test_get_occurrence_validates_the_recurrence_id():
    rule = timed(["RRULE:FREQ=DAILY"], ny(2026, 3, 2, 9))
    occurrence = rec.get_occurrence(rule, rec.parse_recurrence_id("20260305T140000Z"), HOUR)
    assert occurrence == rec.Occurrence(
        ny(2026, 3, 5, 9), ny(2026, 3, 5, 10), "20260305T140000Z", "America/New_York"
    )
    with pytest.raises(InvalidInputError) as caught:
        rec.get_occurrence(rule, utc(2026, 3, 5, 15), HOUR)
    assert field_of(caught.value) == "recurrence_id"


def test_with_exdate_cancels_one_occurrence():
    rule = timed(["RRULE:FREQ=WEEKLY;COUNT=3"], ny(2026, 3, 2, 9))
    lines = rec.with_exdate(rule, ny(2026, 3, 9, 9))
    assert lines == ["RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE;TZID=America/New_York:20260309T090000"]
    again = timed(lines, rule.start)  # type: ignore[arg-type]
    assert starts(again, utc(2026, 1, 1), utc(2027, 1, 1)) == [ny(2026, 3, 2, 9), ny(2026, 3, 16, 9)]
    with pytest.raises(InvalidInputError):
        rec.with_exdate(again, ny(2026, 3, 9, 9))  # already cancelled


def test_with_exdate_on_an_added_date_removes_it():
    rule = timed(["RRULE:FREQ=WEEKLY;COUNT=2", "RDATE:20260304T140000Z"], ny(2026, 3, 2, 9))
    assert rec.with_exdate(rule, utc(2026, 3, 4, 14)) == ["RRULE:FREQ=WEEKLY;COUNT=2"]


def test_has_occurrences_once_everything_is_cancelled():
    rule = timed(["RRULE:FREQ=DAILY;COUNT=2"], ny(2026, 3, 2, 9))
    assert rec.has_occurrences(rule)
    one_left = timed(rec.with_exdate(rule, ny(2026, 3, 2, 9)), rule.start)  # type: ignore[arg-type]
    assert rec.has_occurrences(one_left)
    none_left = timed(rec.with_exdate(one_left, ny(2026, 3, 3, 9)), rule.start)  # type: ignore[arg-type]
    assert not rec.has_occurrences(none_left)
    assert rec.has_occurrences(timed(["RRULE:FREQ=DAILY", "EXDATE:20260302T140000Z"], rule.start))  # type: ignore[arg-type]


# --- this and following ------------------------------------------------------------------------------


def test_split_an_endless_series():
    rule = timed(
        ["RRULE:FREQ=WEEKLY;BYDAY=MO,WE", "EXDATE:20260304T140000Z,20260318T130000Z"], ny(2026, 3, 2, 9)
    )
    before, after = rec.split_at(rule, ny(2026, 3, 16, 9))
    assert before == [
        "RRULE:FREQ=WEEKLY;UNTIL=20260316T125959Z;BYDAY=MO,WE",
        "EXDATE;TZID=America/New_York:20260304T090000",
    ]
    assert after == ["RRULE:FREQ=WEEKLY;BYDAY=MO,WE", "EXDATE;TZID=America/New_York:20260318T090000"]
    first = timed(before, rule.start)  # type: ignore[arg-type]
    second = timed(after, ny(2026, 3, 16, 9))
    window = (utc(2026, 1, 1), utc(2026, 6, 1))
    assert starts(first, *window) + starts(second, *window) == starts(rule, *window)


def test_split_divides_count():
    rule = timed(["RRULE:FREQ=DAILY;COUNT=10", "EXDATE:20260303T140000Z"], ny(2026, 3, 2, 9))
    before, after = rec.split_at(rule, ny(2026, 3, 5, 9))
    assert before == [
        "RRULE:FREQ=DAILY;UNTIL=20260305T135959Z",
        "EXDATE;TZID=America/New_York:20260303T090000",
    ]
    assert after == ["RRULE:FREQ=DAILY;COUNT=7"]
    window = (utc(2026, 1, 1), utc(2027, 1, 1))
    both = starts(timed(before, rule.start), *window) + starts(timed(after, ny(2026, 3, 5, 9)), *window)  # type: ignore[arg-type]
    assert both == starts(rule, *window) and len(both) == 9


def test_split_in_a_dst_gap_keeps_the_time_of_day():
    """Splitting at 02:30 on the spring-forward day: the new series starts at 03:30 but stays at 02:30."""
    rule = timed(["RRULE:FREQ=DAILY;COUNT=6"], ny(2026, 3, 6, 2, 30))
    before, after = rec.split_at(rule, ny(2026, 3, 8, 3, 30))
    assert before == ["RRULE:FREQ=DAILY;UNTIL=20260308T072959Z"]
    assert after == ["RRULE:FREQ=DAILY;COUNT=4;BYHOUR=2;BYMINUTE=30"]
    second = timed(after, ny(2026, 3, 8, 3, 30).astimezone(UTC))  # as stored: a UTC instant
    assert starts(second, utc(2026, 3, 1), utc(2026, 4, 1)) == [
        ny(2026, 3, 8, 3, 30),
        ny(2026, 3, 9, 2, 30),
        ny(2026, 3, 10, 2, 30),
        ny(2026, 3, 11, 2, 30),
    ]
    # Moving that series to 10:00 moves its explicit time of day along.
    assert rec.rebase(second, ny(2026, 3, 8, 11)) == ["RRULE:FREQ=DAILY;COUNT=4;BYHOUR=10;BYMINUTE=0"]


def test_split_at_the_first_occurrence_is_the_whole_series():
    rule = timed(["RRULE:FREQ=DAILY;COUNT=10"], ny(2026, 3, 2, 9))
    assert rec.split_at(rule, ny(2026, 3, 2, 9)) == (None, ["RRULE:FREQ=DAILY;COUNT=10"])


def test_split_an_all_day_series():
    rule = all_day(
        ["RRULE:FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270101", "RDATE;VALUE=DATE:20260501"], dt.date(2026, 3, 10)
    )
    before, after = rec.split_at(rule, dt.date(2026, 6, 9))
    assert before == ["RRULE:FREQ=MONTHLY;UNTIL=20260608;BYDAY=2TU", "RDATE;VALUE=DATE:20260501"]
    assert after == ["RRULE:FREQ=MONTHLY;UNTIL=20270101;BYDAY=2TU"]


def test_split_at_an_added_date():
    rule = timed(["RRULE:FREQ=DAILY;COUNT=3", "RDATE:20260310T140000Z,20260312T140000Z"], ny(2026, 3, 2, 9))
    assert rec.split_at(rule, ny(2026, 3, 10, 10)) == (
        ["RRULE:FREQ=DAILY;COUNT=3"],
        ["RDATE;TZID=America/New_York:20260312T100000"],
    )
    endless = timed(["RRULE:FREQ=WEEKLY", "RDATE:20260310T140000Z"], ny(2026, 3, 2, 9))
    with pytest.raises(InvalidInputError) as caught:
        rec.split_at(endless, ny(2026, 3, 10, 10))
    assert "added with RDATE" in caught.value.errors[0].message


def test_split_a_series_of_added_dates_only():
    rule = timed(["RDATE:20260305T140000Z,20260310T130000Z,20260320T130000Z"], ny(2026, 3, 2, 9))
    assert rec.split_at(rule, ny(2026, 3, 10, 9)) == (
        ["RDATE;TZID=America/New_York:20260305T090000"],
        ["RDATE;TZID=America/New_York:20260320T090000"],
    )


def test_split_at_a_non_occurrence_is_refused():
    rule = timed(["RRULE:FREQ=DAILY"], ny(2026, 3, 2, 9))
    with pytest.raises(InvalidInputError) as caught:
        rec.split_at(rule, ny(2026, 3, 5, 10), field="original_start")
    assert field_of(caught.value) == "original_start"


# --- moving a whole series ---------------------------------------------------------------------------


def test_rebase_moves_exceptions_with_the_series():
    rule = timed(
        ["RRULE:FREQ=WEEKLY;UNTIL=20260330T130000Z", "EXDATE;TZID=America/New_York:20260316T090000"],
        ny(2026, 3, 2, 9),
    )
    lines = rec.rebase(rule, ny(2026, 3, 3, 10, 30))
    assert lines == [
        "RRULE:FREQ=WEEKLY;UNTIL=20260331T143000Z",
        "EXDATE;TZID=America/New_York:20260317T103000",
    ]
    moved = timed(lines, ny(2026, 3, 3, 10, 30))
    assert [start.day for start in starts(moved, utc(2026, 1, 1), utc(2027, 1, 1))] == [3, 10, 24, 31]
    assert rec.rebase_start(rule, ny(2026, 3, 3, 10, 30), utc(2026, 3, 9, 13)) == ny(2026, 3, 10, 10, 30)


def test_rebase_an_all_day_series():
    rule = all_day(["RRULE:FREQ=DAILY;COUNT=5", "EXDATE;VALUE=DATE:20260303"], dt.date(2026, 3, 2))
    assert rec.rebase(rule, dt.date(2026, 3, 9)) == ["RRULE:FREQ=DAILY;COUNT=5", "EXDATE;VALUE=DATE:20260310"]
    with pytest.raises(TypeError):
        rec.rebase(rule, utc(2026, 3, 9))


# --- ids and spans -----------------------------------------------------------------------------------


def test_recurrence_ids_round_trip():
    assert rec.format_recurrence_id(ny(2026, 3, 2, 9)) == "20260302T140000Z"
    assert rec.format_recurrence_id(dt.date(2026, 3, 2)) == "20260302"
    assert rec.parse_recurrence_id("20260302T140000Z") == utc(2026, 3, 2, 14)
    assert rec.parse_recurrence_id("20260302", all_day=True) == dt.date(2026, 3, 2)
    with pytest.raises(ValueError):
        rec.format_recurrence_id(dt.datetime(2026, 3, 2, 9))


@pytest.mark.parametrize(
    ("value", "all_day"),
    [
        ("20260302T140000", None),
        ("20260230", None),
        ("2026-03-02", None),
        ("20260302", False),
        ("20260302T140000Z", True),
    ],
)
def test_malformed_recurrence_ids_are_refused(value, all_day):
    with pytest.raises(InvalidInputError) as caught:
        rec.parse_recurrence_id(value, all_day=all_day, field="id")
    assert field_of(caught.value) == "id"


def test_occurrence_ids_like_google():
    assert rec.occurrence_id("abc_def", "20260302T140000Z") == "abc_def_20260302T140000Z"
    assert rec.split_occurrence_id("abc_def_20260302T140000Z") == ("abc_def", "20260302T140000Z")
    assert rec.split_occurrence_id("abc_20260302") == ("abc", "20260302")
    assert rec.split_occurrence_id("abc_def") is None
    assert rec.split_occurrence_id("_20260302") is None
    assert rec.split_occurrence_id("abc_20261302") is None


def test_series_span_for_indexing():
    start = ny(2026, 3, 2, 9)
    assert rec.series_span_utc(timed(["RRULE:FREQ=DAILY"], start), HOUR) == (utc(2026, 3, 2, 14), None)
    counted = timed(["RRULE:FREQ=WEEKLY;COUNT=3", "RDATE:20260310T140000Z"], start)
    assert rec.series_span_utc(counted, HOUR) == (utc(2026, 3, 2, 14), utc(2026, 3, 16, 14))
    until = timed(["RRULE:FREQ=WEEKLY;UNTIL=20260401T000000Z", "RDATE:20260501T140000Z"], start)
    assert rec.series_span_utc(until, HOUR) == (utc(2026, 3, 2, 14), utc(2026, 5, 1, 15))
    days = all_day(["RRULE:FREQ=DAILY;COUNT=3"], dt.date(2026, 3, 2))
    assert rec.series_span_utc(days, 2 * DAY) == (utc(2026, 3, 1, 10), utc(2026, 3, 6, 12))
    assert rec.series_span_utc(all_day(["RRULE:FREQ=DAILY"], dt.date(2026, 3, 2)), DAY)[1] is None


# --- where we follow RFC 5545 rather than the libraries ------------------------------------------------


def test_a_start_off_the_rule_is_the_first_occurrence_and_counts_toward_count():
    """RFC 5545 3.3.10: "The DTSTART property value always counts as the first occurrence".

    recurring-ical-events adds DTSTART on top of COUNT rule instances (4 here); we give COUNT in all.
    """
    rule = timed(["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3"], ny(2026, 3, 3, 9))  # a Tuesday
    assert starts(rule, utc(2026, 1, 1), utc(2027, 1, 1)) == [
        ny(2026, 3, 3, 9),
        ny(2026, 3, 9, 9),
        ny(2026, 3, 16, 9),
    ]
    assert rec.series_span_utc(rule, HOUR)[1] == utc(2026, 3, 16, 14)
    before, after = rec.split_at(rule, ny(2026, 3, 9, 9))
    assert (before, after) == (
        ["RRULE:FREQ=WEEKLY;UNTIL=20260309T125959Z;BYDAY=MO"],
        ["RRULE:FREQ=WEEKLY;COUNT=2;BYDAY=MO"],
    )


def test_weekly_bysetpos_sees_whole_weeks():
    """BYSETPOS picks from the whole week (WKST to WKST); dateutil alone cuts DTSTART's week short."""
    lines = ["RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=2"]  # the middle one: Wednesdays
    rule = timed(lines, ny(2026, 3, 4, 9))
    assert [start.day for start in starts(rule, utc(2026, 3, 1), utc(2026, 3, 22))] == [4, 11, 18]
    dateutil_alone = rrulestr(lines[0][6:], dtstart=ny(2026, 3, 4, 9))
    assert [value.day for value in dateutil_alone.between(utc(2026, 3, 1), utc(2026, 3, 22))] == [6, 11, 18]
