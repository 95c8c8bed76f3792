"""Conversions between the event form's input strings, FullCalendar's payloads and the API shapes.

The form shows wall-clock times in the event's zone (`datetime-local` inputs) and all-day dates with an
inclusive end date, as people read them; the API stores all-day ends exclusive, as RFC 5545 does.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from scheduler_app.backend.errors import FieldProblem, InvalidInputError
from scheduler_app.backend.events.schemas import EventPublic, EventTime

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def to_local_input(instant: dt.datetime, zone: str) -> str:
    """An aware instant as a `datetime-local` value in `zone`."""
    return instant.astimezone(zoneinfo.ZoneInfo(zone)).strftime(LOCAL_INPUT_FORMAT)


def parse_calendar_point(value: str) -> dt.datetime | dt.date:
    """A FullCalendar `startStr`/`endStr`: a date, or a date-time with or without offset."""
    if len(value) == 10:
        return dt.date.fromisoformat(value)
    return dt.datetime.fromisoformat(value)


def selection_to_form(start: str, end: str, all_day: bool, zone: str) -> dict[str, str]:
    """Prefill values for a new event from a selected range on the calendar."""
    if all_day:
        first = dt.date.fromisoformat(start[:10])
        last = dt.date.fromisoformat(end[:10]) - dt.timedelta(days=1)
        return {"start": first.isoformat(), "end": max(first, last).isoformat()}
    begin, finish = parse_calendar_point(start), parse_calendar_point(end)
    assert isinstance(begin, dt.datetime) and isinstance(finish, dt.datetime)
    local = zoneinfo.ZoneInfo(zone)
    begin = begin.replace(tzinfo=local) if begin.tzinfo is None else begin
    finish = finish.replace(tzinfo=local) if finish.tzinfo is None else finish
    return {"start": to_local_input(begin, zone), "end": to_local_input(finish, zone)}


def event_to_form(event: EventPublic) -> dict[str, str]:
    """Form values for editing an existing event."""
    if event.start.date is not None and event.end.date is not None:
        last = dt.date.fromisoformat(event.end.date) - dt.timedelta(days=1)
        return {"start": event.start.date, "end": last.isoformat(), "time_zone": ""}
    assert event.start.date_time and event.end.date_time and event.start.time_zone
    zone = event.start.time_zone
    return {
        "start": to_local_input(dt.datetime.fromisoformat(event.start.date_time), zone),
        "end": to_local_input(dt.datetime.fromisoformat(event.end.date_time), zone),
        "time_zone": zone,
    }


def form_to_times(start: str, end: str, all_day: bool, zone: str) -> tuple[EventTime, EventTime]:
    """API start/end from the form; all-day end dates become exclusive."""
    if all_day:
        try:
            first = dt.date.fromisoformat(start[:10])
            last = dt.date.fromisoformat(end[:10])
        except ValueError:
            raise InvalidInputError(
                "Enter valid dates.", [FieldProblem("start", "Pick a start and an end date.")]
            ) from None
        if last < first:
            raise InvalidInputError(
                "The event must end after it starts.",
                [FieldProblem("end", "The end date is before the start date.")],
            )
        return EventTime(date=first.isoformat()), EventTime(date=(last + dt.timedelta(days=1)).isoformat())
    for name, value in (("start", start), ("end", end)):
        if not value:
            raise InvalidInputError(
                "Enter a start and an end.", [FieldProblem(name, "Pick a date and time.")]
            )
    return EventTime(date_time=start, time_zone=zone), EventTime(date_time=end, time_zone=zone)


def move_to_times(start: str, end: str, all_day: bool, zone: str) -> tuple[EventTime, EventTime]:
    """API start/end from a drag or resize on the calendar (FullCalendar strings, end exclusive)."""
    if all_day:
        first = start[:10]
        last = end[:10] if end else (dt.date.fromisoformat(first) + dt.timedelta(days=1)).isoformat()
        return EventTime(date=first), EventTime(date=last)
    begin = parse_calendar_point(start)
    finish = parse_calendar_point(end) if end else None
    assert isinstance(begin, dt.datetime)
    if finish is None:
        finish = begin + dt.timedelta(hours=1)
    return (
        EventTime(date_time=begin.isoformat(), time_zone=zone),
        EventTime(date_time=finish.isoformat(), time_zone=zone),
    )


def describe_when(event: EventPublic, zone: str) -> str:
    """A one-line, human reading of when an event happens, in `zone` (dates for all-day events)."""
    if event.start.date is not None and event.end.date is not None:
        first = dt.date.fromisoformat(event.start.date)
        last = dt.date.fromisoformat(event.end.date) - dt.timedelta(days=1)
        if first == last:
            return f"{first:%a %d %b %Y} (all day)"
        return f"{first:%a %d %b} – {last:%a %d %b %Y} (all day)"
    assert event.start.date_time and event.end.date_time
    local = zoneinfo.ZoneInfo(zone)
    start = dt.datetime.fromisoformat(event.start.date_time).astimezone(local)
    end = dt.datetime.fromisoformat(event.end.date_time).astimezone(local)
    if start.date() == end.date():
        return f"{start:%a %d %b %Y, %H:%M} – {end:%H:%M} ({zone})"
    return f"{start:%a %d %b %Y, %H:%M} – {end:%a %d %b %Y, %H:%M} ({zone})"
