"""ICS properties (hypothesis): any text and any instant survive export then import; damaged files are
refused or reported, never crash; whatever import accepts can be exported again."""

from __future__ import annotations

import contextlib
import datetime as dt
import zoneinfo
from pathlib import Path

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler_app.backend.errors import InvalidInputError
from scheduler_app.backend.events import ics, timing
from scheduler_app.backend.events.ics import IcsEvent

pytestmark = pytest.mark.unit

DATA = Path(__file__).parents[1] / "data" / "ics"
SAMPLES = {path.name: path.read_bytes() for path in sorted(DATA.glob("*.ics"))}
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "UTC"]
NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def round_trip(*events: IcsEvent, zone: str = "Europe/Berlin") -> ics.ImportPreview:
    data = ics.export_calendar("Calendar", events, now=NOW)
    icalendar.Calendar.from_ical(data)  # the reference parser reads it too
    return ics.parse_calendar(data, default_time_zone=zone)


def event(**changes) -> IcsEvent:
    values = {
        "uid": "e@x",
        "title": "t",
        "start": dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
        "end": dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC),
        "time_zone": "UTC",
    }
    values.update(changes)
    return IcsEvent(**values)


@FAST
@given(title=st.text(max_size=120), description=st.text(max_size=300), location=st.text(max_size=120))
def test_any_text_survives_export_and_import_as_plain_text(title, description, location):
    [back] = round_trip(event(title=title, description=description, location=location)).events
    assert back.title == (ics.clean_text(title, single_line=True) or ics.UNTITLED)
    assert back.description == ics.clean_text(description)
    assert back.location == ics.clean_text(location, single_line=True)


@FAST
@given(
    zone=st.sampled_from(ZONES),
    start=st.datetimes(
        min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31), timezones=st.just(dt.UTC)
    ),
    minutes=st.integers(min_value=1, max_value=60 * 24 * 10),
)
def test_any_instant_survives_export_and_import(zone, start, minutes):
    start = start.replace(microsecond=0)
    end = start + dt.timedelta(minutes=minutes)
    local = zoneinfo.ZoneInfo(zone)
    [back] = round_trip(
        event(start=start.astimezone(local), end=end.astimezone(local), time_zone=zone), zone="Asia/Tokyo"
    ).events
    assert back.start.astimezone(dt.UTC) == start
    assert back.end.astimezone(dt.UTC) == end
    if zone == "UTC":  # single events in UTC (as Google writes them) show in the calendar's zone
        assert back.time_zone == "Asia/Tokyo"
    elif back.time_zone != zone:  # only a start in the repeated hour is written in UTC
        assert start.astimezone(local).fold == 1


def test_the_second_of_two_equal_wall_times_is_written_in_utc():
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC).astimezone(berlin)  # 02:30 CET, after 02:30 CEST
    data = ics.export_calendar(
        "c", [event(start=second, end=second + dt.timedelta(hours=1), time_zone="Europe/Berlin")], now=NOW
    )
    assert b"DTSTART:20261025T013000Z\r\n" in data
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)
    end = (first + dt.timedelta(hours=3)).astimezone(berlin)
    data = ics.export_calendar(
        "c", [event(start=first.astimezone(berlin), end=end, time_zone="Europe/Berlin")], now=NOW
    )
    assert b"DTSTART;TZID=Europe/Berlin:20261025T023000\r\n" in data
    assert b"DTEND;TZID=Europe/Berlin:20261025T043000\r\n" in data


def test_an_exclusion_in_the_repeated_hour_stays_exact():
    lines = (
        "DTSTART;TZID=Europe/Berlin:20261024T023000",
        "DTEND;TZID=Europe/Berlin:20261024T024500",
        "RRULE:FREQ=DAILY;COUNT=3",
        "EXDATE:20261025T013000Z",
    )
    text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\n" + "\n".join(lines) + "\nEND:VEVENT\nEND:VCALENDAR\n"
    [master] = ics.parse_calendar(text.encode(), default_time_zone="UTC").events
    assert master.recurrence[1] == "EXDATE:20261025T013000Z"


@FAST
@given(
    start=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
    days=st.integers(min_value=1, max_value=400),
)
def test_any_all_day_range_survives_export_and_import(start, days):
    [back] = round_trip(
        event(start=start, end=start + dt.timedelta(days=days), time_zone="Europe/Berlin")
    ).events
    assert (back.start, back.end, back.all_day) == (start, start + dt.timedelta(days=days), True)


def damage(data: bytes, draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["cut", "delete", "insert", "duplicate", "swap"]))
    position = draw(st.integers(0, len(data)))
    if kind == "cut":
        return data[:position]
    if kind == "delete":
        return data[:position] + data[position + draw(st.integers(1, 200)) :]
    if kind == "insert":
        return data[:position] + draw(st.binary(min_size=1, max_size=40)) + data[position:]
    lines = data.split(b"\r\n")
    index = draw(st.integers(0, len(lines) - 1))
    if kind == "duplicate":
        lines.insert(index, lines[index])
    else:
        other = draw(st.integers(0, len(lines) - 1))
        lines[index], lines[other] = lines[other], lines[index]
    return b"\r\n".join(lines)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SAMPLES)), data=st.data())
def test_damaged_files_are_refused_or_reported_and_what_is_kept_exports(name, data):
    damaged = damage(SAMPLES[name], data.draw)
    try:
        preview = ics.parse_calendar(damaged, default_time_zone="Europe/Berlin")
    except InvalidInputError as error:
        assert error.errors[0].field == "file" and error.errors[0].message
        return
    for item in preview.events:
        if item.all_day:
            timing.all_day(item.start, item.end, item.time_zone)
        else:
            timing.timed(item.start.astimezone(dt.UTC), item.end.astimezone(dt.UTC), item.time_zone)
    again = ics.parse_calendar(
        ics.export_calendar(name, preview.events, now=NOW), default_time_zone="Europe/Berlin"
    )
    assert len(again.events) == len(preview.events)


@FAST
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash(data):
    for candidate in (
        data,
        b"BEGIN:VCALENDAR\r\n" + data,
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + data + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    ):
        with contextlib.suppress(InvalidInputError):
            ics.parse_calendar(candidate, default_time_zone="UTC")


def test_truncating_a_file_anywhere_is_refused_or_keeps_only_complete_events():
    data = SAMPLES["google_export.ics"]
    full = ics.parse_calendar(data, default_time_zone="Europe/Berlin")
    uids = {item.uid for item in full.events}
    for end in range(0, len(data), 13):
        try:
            preview = ics.parse_calendar(data[:end], default_time_zone="Europe/Berlin")
        except InvalidInputError:
            continue
        assert {item.uid for item in preview.events} <= uids
