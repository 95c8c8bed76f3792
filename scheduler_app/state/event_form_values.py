"""Conversions between the event form's input strings, FullCalendar's payloads and the API shapes.

The form shows wall-clock times in the event's zone (`datetime-local` inputs) and all-day dates with an
inclusive end date, as people read them; the API stores all-day ends exclusive, as RFC 5545 does.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

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


WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ORDINALS = ("first", "second", "third", "fourth", "last")
REPEAT_NONE = "none"


def repeat_choices(start: dt.date) -> list[tuple[str, str]]:
    """(key, label) of the repeat presets for a series starting on `start`, as Google Calendar offers."""
    nth = (start.day - 1) // 7
    weekday = f"{start:%A}"
    return [
        (REPEAT_NONE, "Does not repeat"),
        ("daily", "Daily"),
        ("weekly", f"Weekly on {weekday}"),
        ("weekdays", "Every weekday (Monday to Friday)"),
        ("monthly_day", f"Monthly on day {start.day}"),
        ("monthly_nth", f"Monthly on the {ORDINALS[min(nth, 4)]} {weekday}"),
        ("yearly", f"Annually on {start:%B} {start.day}"),
        ("custom", "Custom…"),
    ]


def _preset_rule(preset: str, start: dt.date) -> str:
    code = WEEKDAY_CODES[start.weekday()]
    nth = (start.day - 1) // 7 + 1
    position = -1 if nth >= 5 else nth
    return {
        "daily": "FREQ=DAILY",
        "weekly": f"FREQ=WEEKLY;BYDAY={code}",
        "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "monthly_day": f"FREQ=MONTHLY;BYMONTHDAY={start.day}",
        "monthly_nth": f"FREQ=MONTHLY;BYDAY={position}{code}",
        "yearly": f"FREQ=YEARLY;BYMONTH={start.month};BYMONTHDAY={start.day}",
    }[preset]


CUSTOM_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def custom_rule(frequency: str, interval: str, days: list[str], start: dt.date) -> str:
    """FREQ/INTERVAL/BYDAY for "Custom…": every N days/weeks/months/years, weekly on chosen days."""
    if frequency not in CUSTOM_FREQUENCIES:
        raise InvalidInputError(
            "Repeat how often?", [FieldProblem("repeat_frequency", "Pick days, weeks, months or years.")]
        )
    if not interval.isdigit() or not 1 <= int(interval) <= 999:
        raise InvalidInputError(
            "Repeat every how many?", [FieldProblem("repeat_interval", "Use a number from 1 to 999.")]
        )
    rule = f"FREQ={frequency}"
    if int(interval) > 1:
        rule += f";INTERVAL={int(interval)}"
    if frequency == "WEEKLY":
        chosen = [code for code in WEEKDAY_CODES if code in days] or [WEEKDAY_CODES[start.weekday()]]
        rule += f";BYDAY={','.join(chosen)}"
    return rule


def repeat_lines(
    preset: str,
    start: dt.date,
    ends: str,
    until: str,
    count: str,
    zone: str,
    all_day: bool,
    custom: tuple[str, str, list[str]] = ("WEEKLY", "1", []),
) -> list[str]:
    """RFC 5545 lines for the form's repeat choice; `ends` is never / on (a date) / after (N times)."""
    if preset == REPEAT_NONE:
        return []
    rule = custom_rule(*custom, start) if preset == "custom" else _preset_rule(preset, start)
    if ends == "after":
        if not count.isdigit() or not 1 <= int(count) <= 1000:
            raise InvalidInputError(
                "Repeat how many times?", [FieldProblem("repeat_count", "Use 1 to 1000 times.")]
            )
        rule += f";COUNT={int(count)}"
    elif ends == "on":
        try:
            last_day = dt.date.fromisoformat(until)
        except ValueError:
            raise InvalidInputError(
                "Repeat until when?", [FieldProblem("repeat_until", "Pick the last day.")]
            ) from None
        if last_day < start:
            raise InvalidInputError(
                "The repetition ends before it starts.",
                [FieldProblem("repeat_until", "Pick a day after the start.")],
            )
        if all_day:
            rule += f";UNTIL={last_day:%Y%m%d}"
        else:
            day_end = dt.datetime.combine(last_day, dt.time(23, 59, 59), zoneinfo.ZoneInfo(zone))
            rule += f";UNTIL={day_end.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    return [f"RRULE:{rule}"]


def repeat_form(lines: list[str], start: dt.date, zone: str = "UTC") -> dict[str, str]:
    """The form's repeat fields for existing lines: a preset, "custom", or "advanced" (kept as it is)."""
    rrule = next((line[len("RRULE:") :] for line in lines if line.upper().startswith("RRULE:")), "")
    if not rrule:
        return {"repeat": REPEAT_NONE, "repeat_ends": "never", "repeat_until": "", "repeat_count": ""}
    parts = dict(part.split("=", 1) for part in rrule.split(";") if "=" in part)
    ends, until, count = "never", "", ""
    if "COUNT" in parts:
        ends, count = "after", parts.pop("COUNT")
    if "UNTIL" in parts:
        raw = parts.pop("UNTIL")
        ends, until = "on", f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}"
        if raw.endswith("Z"):
            instant = dt.datetime.strptime(raw, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            until = instant.astimezone(zoneinfo.ZoneInfo(zone)).date().isoformat()
    found = {"repeat_ends": ends, "repeat_until": until, "repeat_count": count}
    for preset, _ in repeat_choices(start)[1:-1]:
        expected = dict(part.split("=", 1) for part in _preset_rule(preset, start).split(";"))
        if parts == expected:
            return {"repeat": preset, **found}
    days = [day for day in parts.get("BYDAY", "").split(",") if day]
    simple = set(parts) <= {"FREQ", "INTERVAL", "BYDAY"} and all(day in WEEKDAY_CODES for day in days)
    if simple and parts.get("FREQ") in CUSTOM_FREQUENCIES and (not days or parts["FREQ"] == "WEEKLY"):
        return {
            "repeat": "custom",
            "frequency": parts["FREQ"],
            "interval": parts.get("INTERVAL", "1"),
            "days": ",".join(days),
            **found,
        }
    return {"repeat": "advanced", **found}


_FC_DAY = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 0}


def business_hours_in(hours: Any, view_zone: str, today: dt.date | None = None) -> list[dict[str, Any]]:
    """FullCalendar `businessHours` for working hours kept in another zone (shifted by today's offsets).

    A range the shift pushes across midnight is cut at midnight rather than drawn on the wrong day.
    """
    today = today or dt.date.today()
    noon = dt.datetime.combine(today, dt.time(12))
    shift = (
        noon.replace(tzinfo=zoneinfo.ZoneInfo(view_zone)).utcoffset()
        - noon.replace(  # type: ignore[operator]
            tzinfo=zoneinfo.ZoneInfo(hours.time_zone)
        ).utcoffset()
    )
    result: list[dict[str, Any]] = []
    for day, fc_day in _FC_DAY.items():
        for item in getattr(hours.weekly, day):
            start = _minutes(item.start) + int(shift.total_seconds() // 60)
            end = _minutes(item.end, end=True) + int(shift.total_seconds() // 60)
            start, end = max(start, 0), min(end, 24 * 60)
            if start < end:
                result.append({"daysOfWeek": [fc_day], "startTime": _clock(start), "endTime": _clock(end)})
    return result


def _minutes(clock: str, *, end: bool = False) -> int:
    """Minutes after midnight of "HH:MM"; an end of 00:00 (or 24:00) is the next midnight."""
    hours, minutes = (int(part) for part in clock.split(":"))
    total = hours * 60 + minutes
    return 24 * 60 if end and total == 0 else total


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
