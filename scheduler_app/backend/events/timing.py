"""Time handling for events: zones, wall-clock times, all-day dates, and week keys for indexing."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

from scheduler_app.backend.errors import FieldProblem, InvalidInputError

# Week numbers count Mondays since 1970-01-05 (the first Monday of the epoch).
_EPOCH_MONDAY = dt.datetime(1970, 1, 5, tzinfo=dt.UTC)
# Events longer than this are indexed under one "long" key rather than one key per week.
LONG_EVENT_WEEKS = 12
# All-day dates are floating: in any zone they start between UTC-12 and UTC+14.
_EARLIEST_OFFSET = dt.timedelta(hours=14)
_LATEST_OFFSET = dt.timedelta(hours=12)
MAX_EVENT_DAYS = 366 * 5
_MIN_INSTANT = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
_MAX_INSTANT = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)


@functools.cache
def available_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_zone(name: str, field: str = "time_zone") -> zoneinfo.ZoneInfo:
    """The IANA zone called `name`, or a 422 naming the field."""
    if not isinstance(name, str) or name not in available_zones():
        raise InvalidInputError(
            "Unknown time zone.",
            [FieldProblem(field, f"{name!r} is not an IANA time zone such as 'Europe/Berlin'.")],
        )
    return zoneinfo.ZoneInfo(name)


def localize(wall: dt.datetime, zone: zoneinfo.ZoneInfo, field: str) -> dt.datetime:
    """Attach `zone` to a naive wall-clock time, refusing times that do not exist (DST gaps)."""
    aware = wall.replace(tzinfo=zone)
    round_trip = aware.astimezone(dt.UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != wall:
        raise InvalidInputError(
            "That local time does not exist.",
            [FieldProblem(field, f"{wall:%Y-%m-%d %H:%M} does not exist in {zone.key} (clocks skip it).")],
        )
    return aware


def parse_instant(value: str, zone: zoneinfo.ZoneInfo, field: str) -> dt.datetime:
    """An ISO 8601 date-time (with or without offset) as an aware UTC instant."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInputError(
            "Malformed date-time.",
            [FieldProblem(field, f"{value!r} is not an ISO 8601 date-time like 2026-03-01T09:00:00+01:00.")],
        ) from None
    try:
        if parsed.tzinfo is None:
            parsed = localize(parsed, zone, field)
        instant = parsed.astimezone(dt.UTC).replace(microsecond=parsed.microsecond // 1000 * 1000)
    except OverflowError:
        instant = None
    # Keep a day of margin so the instant can be shown in any zone without overflowing.
    if instant is None or not _MIN_INSTANT <= instant <= _MAX_INSTANT:
        raise InvalidInputError(
            "Date-time out of range.", [FieldProblem(field, f"{value!r} is too far in the past or future.")]
        )
    return instant


def parse_date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInputError(
            "Malformed date.", [FieldProblem(field, f"{value!r} is not a date like 2026-03-01.")]
        ) from None


@dataclass(frozen=True)
class EventTiming:
    """Validated start and end of an event."""

    all_day: bool
    start_utc: dt.datetime
    end_utc: dt.datetime
    time_zone: str
    start_date: dt.date | None = None
    end_date: dt.date | None = None


def timed(start: dt.datetime, end: dt.datetime, time_zone: str) -> EventTiming:
    """Check a timed event's instants: end after start, bounded length."""
    if end <= start:
        raise InvalidInputError(
            "The event must end after it starts.", [FieldProblem("end", "End must be after start.")]
        )
    if end - start > dt.timedelta(days=MAX_EVENT_DAYS):
        raise InvalidInputError(
            "The event is too long.",
            [FieldProblem("end", f"An event may last at most {MAX_EVENT_DAYS} days.")],
        )
    return EventTiming(False, start, end, time_zone)


def all_day(start: dt.date, end: dt.date, time_zone: str) -> EventTiming:
    """An all-day event on dates [start, end) (end exclusive, as in RFC 5545 and Google Calendar).

    The stored instants bracket every zone's reading of those dates, so range queries never miss it;
    readers then compare dates in the viewer's zone.
    """
    if end <= start:
        raise InvalidInputError(
            "The event must end after it starts.",
            [FieldProblem("end", "The end date is exclusive and must be after the start date.")],
        )
    if (end - start).days > MAX_EVENT_DAYS:
        raise InvalidInputError(
            "The event is too long.",
            [FieldProblem("end", f"An event may last at most {MAX_EVENT_DAYS} days.")],
        )
    try:
        start_utc = dt.datetime.combine(start, dt.time(), dt.UTC) - _EARLIEST_OFFSET
        end_utc = dt.datetime.combine(end, dt.time(), dt.UTC) + _LATEST_OFFSET
    except OverflowError:
        raise InvalidInputError(
            "Date out of range.", [FieldProblem("start.date", "The dates are too far in the past or future.")]
        ) from None
    return EventTiming(True, start_utc, end_utc, time_zone, start, end)


def week_number(instant: dt.datetime) -> int:
    return (instant - _EPOCH_MONDAY).days // 7


def time_keys(calendar_id: str, start_utc: dt.datetime, end_utc: dt.datetime) -> list[str]:
    """Index keys for every week [start, end) touches, or the single "long" key."""
    first = week_number(start_utc)
    last = week_number(end_utc - dt.timedelta(microseconds=1))
    if last - first >= LONG_EVENT_WEEKS:
        return [f"{calendar_id}:long"]
    return [f"{calendar_id}:{week}" for week in range(first, last + 1)]


def range_keys(calendar_ids: list[str], start_utc: dt.datetime, end_utc: dt.datetime) -> list[str]:
    """Keys to look up for events overlapping [start, end) in these calendars."""
    first = week_number(start_utc)
    last = week_number(end_utc - dt.timedelta(microseconds=1))
    keys: list[str] = []
    for calendar_id in calendar_ids:
        keys.append(f"{calendar_id}:long")
        keys.extend(f"{calendar_id}:{week}" for week in range(first, last + 1))
    return keys


def date_range_in_zone(
    start: dt.date, end: dt.date, zone: zoneinfo.ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """Instants of local midnight starting `start` and `end` in `zone`."""
    return (
        dt.datetime.combine(start, dt.time(), zone).astimezone(dt.UTC),
        dt.datetime.combine(end, dt.time(), zone).astimezone(dt.UTC),
    )
