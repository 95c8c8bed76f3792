"""Random series checked against references nobody here wrote: python-dateutil and recurring-ical-events.

Rules, zones (with daylight saving: New York, Berlin, Lord Howe's 30-minute shift, Sao Paulo), start
times (including 01:30 and 02:30, the hours DST changes touch) and windows (including ones decades
after the start, which our expansion reaches by skipping ahead) are drawn by hypothesis.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
import recurring_ical_events
from dateutil.rrule import rruleset, rrulestr
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scheduler_app.backend.errors import InvalidInputError
from scheduler_app.backend.events import recurrence as rec

pytestmark = pytest.mark.unit

UTC = dt.UTC
ZONES = ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Sao_Paulo", "UTC"]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
TIMES = [dt.time(0, 0), dt.time(1, 30), dt.time(2, 30), dt.time(9, 0), dt.time(17, 45), dt.time(23, 30)]
CHECKS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def weekday_list(draw, *, ordinals: bool = False) -> str:
    chosen = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=4, unique=True))
    if ordinals:
        return ",".join(f"{draw(st.sampled_from([1, 2, 3, -1, -2]))}{day}" for day in chosen[:2])
    return ",".join(chosen)


@st.composite
def rule_parts(draw) -> str:
    """An RRULE value without COUNT/UNTIL, of the kinds a calendar needs (plus some RFC-only ones)."""
    frequency = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={frequency}"]
    interval = draw(st.sampled_from([1, 1, 2, 3, 5]))
    if interval > 1:
        parts.append(f"INTERVAL={interval}")
    shape = draw(st.integers(0, 4 if frequency == "YEARLY" else 3))
    if frequency == "DAILY" and shape == 1:
        parts.append(f"BYDAY={weekday_list(draw)}")
    elif frequency == "DAILY" and shape == 2:
        parts.append(f"BYMONTH={draw(st.integers(1, 12))},{draw(st.integers(1, 12))}")
    elif frequency == "WEEKLY" and shape >= 1:
        parts.append(f"BYDAY={weekday_list(draw)}")
        if shape == 3:
            parts.append(f"WKST={draw(st.sampled_from(['SU', 'WE']))}")
    elif frequency == "MONTHLY" and shape == 1:
        values = draw(st.lists(st.sampled_from([1, 2, 10, 15, 28, 30, 31, -1, -3]), min_size=1, max_size=3))
        parts.append("BYMONTHDAY=" + ",".join(str(value) for value in values))
    elif frequency == "MONTHLY" and shape == 2:
        parts.append(f"BYDAY={weekday_list(draw, ordinals=True)}")
    elif frequency == "MONTHLY" and shape == 3:
        parts.append(f"BYDAY={weekday_list(draw)};BYSETPOS={draw(st.sampled_from([1, 2, -1, -2]))}")
    elif frequency == "YEARLY" and shape == 1:
        parts.append(
            f"BYMONTH={draw(st.integers(1, 12))};BYMONTHDAY={draw(st.sampled_from([1, 13, 28, -1]))}"
        )
    elif frequency == "YEARLY" and shape == 2:
        parts.append(f"BYMONTH={draw(st.integers(1, 12))};BYDAY={weekday_list(draw, ordinals=True)}")
    elif frequency == "YEARLY" and shape == 3:
        parts.append(f"BYYEARDAY={draw(st.sampled_from([1, 60, 100, 200, 366, -1]))}")
    elif frequency == "YEARLY" and shape == 4:  # ISO weeks: week 1 and 53 straddle New Year
        weeks = draw(st.lists(st.sampled_from([1, 2, 20, 52, 53, -1]), min_size=1, max_size=2, unique=True))
        parts.append("BYWEEKNO=" + ",".join(str(week) for week in weeks) + f";BYDAY={weekday_list(draw)}")
        if draw(st.booleans()):
            parts.append(f"WKST={draw(st.sampled_from(['SU', 'TH']))}")
    if draw(st.integers(0, 9)) == 0:  # now and then a time of day in the rule itself
        parts.append(
            f"BYHOUR={draw(st.sampled_from([1, 2, 9, 23]))};BYMINUTE={draw(st.sampled_from([0, 30]))}"
        )
    return ";".join(parts)


@st.composite
def series(draw) -> dict:
    """A synchronised series: its zone, DTSTART (dateutil's first instance), lines and a window."""
    zone = zoneinfo.ZoneInfo(draw(st.sampled_from(ZONES)))
    rule = draw(rule_parts())
    day = draw(st.dates(dt.date(1995, 1, 1), dt.date(2035, 12, 31)))
    seed = dt.datetime.combine(day, draw(st.sampled_from(TIMES)), zone)
    first = rrulestr(rule, dtstart=seed).after(seed, inc=True)
    assume(first is not None and first.year < 2040)  # dateutil's first instance: DTSTART in sync
    end = draw(st.sampled_from(["", "count", "until"]))
    if end == "count":
        rule += f";COUNT={draw(st.integers(1, 60))}"
    elif end == "until":
        until = first.astimezone(UTC) + dt.timedelta(
            days=draw(st.integers(0, 3000)), hours=draw(st.integers(0, 23))
        )
        rule += f";UNTIL={until:%Y%m%dT%H%M%SZ}"
    rules = rrulestr(rule, dtstart=first)
    exdates = [value for value in rules.between(first, first + dt.timedelta(days=400), inc=True)[:40:7]]
    offset = draw(st.sampled_from([-30, 0, 10, 200, 3_000, 9_000]))
    window_start = first.astimezone(UTC) + dt.timedelta(days=offset + draw(st.integers(0, 60)))
    return {
        "zone": zone,
        "start": first,
        "rrule": rule,
        "exdates": exdates,
        "window": (window_start, window_start + dt.timedelta(days=draw(st.sampled_from([1, 7, 31, 92])))),
        "duration": dt.timedelta(minutes=draw(st.sampled_from([30, 60, 24 * 60, 3 * 24 * 60 + 15]))),
    }


def lines_of(case: dict) -> list[str]:
    lines = [f"RRULE:{case['rrule']}"]
    if case["exdates"]:
        lines.append(
            f"EXDATE;TZID={case['zone'].key}:"
            + ",".join(f"{value:%Y%m%dT%H%M%S}" for value in case["exdates"])
        )
    return lines


def parse(case: dict) -> rec.RecurrenceRule:
    try:
        return rec.parse_recurrence(lines_of(case), case["start"], time_zone=case["zone"].key, all_day=False)
    except InvalidInputError as error:  # only rules that repeat less than once in 10 years are refused
        assume("does not repeat" not in error.detail)
        raise


def ours(case: dict) -> list[dt.datetime]:
    found = rec.expand(parse(case), *case["window"], case["duration"])
    return [occurrence.start.astimezone(UTC) for occurrence in found]


@given(series())
@CHECKS
def test_expansion_matches_dateutil(case):
    rules = rruleset()
    rules.rrule(rrulestr(case["rrule"], dtstart=case["start"]))
    for value in case["exdates"]:
        rules.exdate(value)
    start, end = case["window"]
    reference = [
        value.astimezone(UTC) for value in rules.between(start - case["duration"], end) if value < end
    ]
    assert ours(case) == sorted(set(reference))


@given(series())
@CHECKS
def test_expansion_matches_recurring_ical_events(case):
    zone = case["zone"].key
    start = case["start"]
    end = (start.astimezone(UTC) + case["duration"]).astimezone(case["zone"])
    text = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//scheduler-app//tests//EN",
            "BEGIN:VEVENT",
            "UID:series",
            f"DTSTART;TZID={zone}:{start:%Y%m%dT%H%M%S}",
            f"DTEND:{end.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            *lines_of(case),
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )
    events = recurring_ical_events.of(icalendar.Calendar.from_ical(text)).between(*case["window"])
    reference = sorted({event["DTSTART"].dt.astimezone(UTC) for event in events})
    assert ours(case) == reference


@given(series(), st.data())
@CHECKS
def test_split_keeps_every_occurrence_on_exactly_one_side(case, data):
    rule = parse(case)
    wide = (
        case["start"].astimezone(UTC) - dt.timedelta(days=1),
        case["start"].astimezone(UTC) + dt.timedelta(days=800),
    )
    everything = rec.expand(rule, *wide, case["duration"])
    assume(len(everything) >= 2)
    split = data.draw(st.sampled_from(everything[1:]))
    before, after = rec.split_at(rule, split.start)
    assert before is not None
    zone = case["zone"].key
    first = rec.parse_recurrence(before, rule.start, time_zone=zone, all_day=False)
    second = rec.parse_recurrence(after, split.start, time_zone=zone, all_day=False)
    found = rec.expand(first, *wide, case["duration"]) + rec.expand(second, *wide, case["duration"])
    assert [occurrence.start for occurrence in found] == [occurrence.start for occurrence in everything]
    if rule.count is not None:
        assert first.until is not None and second.count == rule.count - len(
            [value for value in rrulestr(case["rrule"], dtstart=case["start"]) if value < split.start]
        )


@given(
    st.sampled_from(["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=YEARLY"]),
    st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
    st.integers(1, 3),
    st.integers(0, 4000),
    st.sampled_from(["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin"]),
)
@CHECKS
def test_all_day_expansion_matches_recurring_ical_events(rule, day, length, offset, viewer):
    first = rrulestr(rule, dtstart=dt.datetime.combine(day, dt.time())).after(
        dt.datetime.combine(day, dt.time()), inc=True
    )
    start = first.date()
    text = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//scheduler-app//tests//EN",
            "BEGIN:VEVENT",
            "UID:days",
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{start + dt.timedelta(days=length):%Y%m%d}",
            f"RRULE:{rule}",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )
    zone = zoneinfo.ZoneInfo(viewer)
    window_start = dt.datetime.combine(start + dt.timedelta(days=offset), dt.time(), zone)
    window = (window_start, window_start + dt.timedelta(days=31))
    events = recurring_ical_events.of(icalendar.Calendar.from_ical(text)).between(*window)
    reference = sorted(event["DTSTART"].dt for event in events)
    parsed = rec.parse_recurrence([f"RRULE:{rule}"], start, time_zone="Europe/Berlin", all_day=True)
    found = rec.expand(parsed, *window, dt.timedelta(days=length), viewer_zone=viewer)
    assert [occurrence.start for occurrence in found] == reference
