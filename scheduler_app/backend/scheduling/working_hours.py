"""A person's working hours (weekly ranges in their own zone, date overrides, out of office) as UTC intervals."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from scheduler_app.backend.errors import FieldProblem, InvalidInputError
from scheduler_app.backend.events import timing
from scheduler_app.backend.scheduling.intervals import IntervalSet

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MIDNIGHT = dt.time(0)
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Wall-clock times [start, end) within one day; an end of 00:00 means midnight at the end of the day.

    A range may not cross midnight: write 22:00-06:00 as 22:00-00:00 plus 00:00-06:00 on the next day.
    """

    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, text: str) -> TimeRange:
        """A range written "HH:MM-HH:MM" (for tests and fixtures; the API has its own schema)."""
        start, end = text.split("-")
        return cls(dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip()))

    @property
    def _end_minutes(self) -> float:
        """The end as a time of day in minutes, with 00:00 read as 24:00."""
        return 24 * 60 if self.end == MIDNIGHT else _minutes(self.end)

    def __str__(self) -> str:
        end = "24:00" if self.end == MIDNIGHT else f"{self.end:%H:%M}"
        return f"{self.start:%H:%M}-{end}"


@dataclass(frozen=True, slots=True)
class DateOverride:
    """Hours for one date in place of the weekday's; no ranges means a day off."""

    day: dt.date
    ranges: tuple[TimeRange, ...] = ()


@dataclass(frozen=True, slots=True)
class OutOfOffice:
    """An absence between two aware instants: no time in it is available, whatever the hours say."""

    start: dt.datetime
    end: dt.datetime


def _default_lunch() -> TimeRange:
    return TimeRange(dt.time(12), dt.time(13))


@dataclass(frozen=True)
class WorkingHours:
    """When a person works: per weekday (0 = Monday) several ranges in `time_zone`, plus exceptions.

    `lunch` is the daily break that "avoid lunch" keeps free, in the same zone.
    """

    time_zone: str
    weekly: Mapping[int, Sequence[TimeRange]]
    overrides: Sequence[DateOverride] = ()
    out_of_office: Sequence[OutOfOffice] = ()
    lunch: TimeRange | None = field(default_factory=_default_lunch)

    @classmethod
    def weekdays(
        cls,
        time_zone: str,
        *ranges: str,
        overrides: Sequence[DateOverride] = (),
        out_of_office: Sequence[OutOfOffice] = (),
    ) -> WorkingHours:
        """The same ranges ("09:00-17:00") Monday to Friday."""
        parsed = tuple(TimeRange.parse(text) for text in ranges)
        return cls(time_zone, dict.fromkeys(range(5), parsed), overrides, out_of_office)

    def ranges_on(self, day: dt.date) -> Sequence[TimeRange]:
        """The ranges that apply on a local date: its override if any, else its weekday's."""
        overridden = _ranges_by_override(self)
        return overridden[day] if day in overridden else self.weekly.get(day.weekday(), ())


# --- validation ---------------------------------------------------------------------------------------


def working_hours_problems(hours: WorkingHours, field: str = "working_hours") -> list[FieldProblem]:
    """Every problem with `hours`, each naming its dotted field (empty when valid)."""
    problems: list[FieldProblem] = []
    if not isinstance(hours.time_zone, str) or hours.time_zone not in timing.available_zones():
        problems.append(
            FieldProblem(
                f"{field}.time_zone", f"{hours.time_zone!r} is not an IANA time zone such as 'Europe/Berlin'."
            )
        )
    has_hours = False
    for weekday, ranges in hours.weekly.items():
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            problems.append(
                FieldProblem(f"{field}.weekly", f"Weekdays are 0 (Monday) to 6 (Sunday), not {weekday!r}.")
            )
            continue
        problems += _day_problems(ranges, f"{field}.weekly.{WEEKDAY_NAMES[weekday]}")
        has_hours = has_hours or bool(ranges)
    first_override: dict[dt.date, int] = {}
    for index, override in enumerate(hours.overrides):
        path = f"{field}.overrides[{index}]"
        problems += _day_problems(override.ranges, f"{path}.ranges")
        has_hours = has_hours or bool(override.ranges)
        earlier = first_override.setdefault(override.day, index)
        if earlier != index and tuple(hours.overrides[earlier].ranges) != tuple(override.ranges):
            problems.append(
                FieldProblem(
                    path,
                    f"{override.day.isoformat()} is already overridden with different hours "
                    f"(overrides[{earlier}]); keep one override per date.",
                )
            )
    if not has_hours:
        problems.append(
            FieldProblem(
                f"{field}.weekly",
                "A working week needs at least one range of hours; record time off as out-of-office instead.",
            )
        )
    for index, absence in enumerate(hours.out_of_office):
        path = f"{field}.out_of_office[{index}]"
        if not (_is_aware(absence.start) and _is_aware(absence.end)):
            problems.append(FieldProblem(path, "Out-of-office start and end need a time zone or UTC offset."))
        elif absence.end <= absence.start:
            problems.append(FieldProblem(f"{path}.end", "Out of office must end after it starts."))
    if hours.lunch is not None:
        problems += _day_problems((hours.lunch,), f"{field}.lunch")
    return problems


def validate_working_hours(hours: WorkingHours, field: str = "working_hours") -> None:
    """Raise InvalidInputError listing every problem with `hours`."""
    if problems := working_hours_problems(hours, field):
        raise InvalidInputError("Invalid working hours.", problems)


def _day_problems(ranges: Sequence[TimeRange], path: str) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    valid: list[TimeRange] = []
    for index, time_range in enumerate(ranges):
        where = f"{path}[{index}]"
        if not (isinstance(time_range.start, dt.time) and isinstance(time_range.end, dt.time)):
            problems.append(FieldProblem(where, "A range needs a start and an end time of day."))
        elif time_range.start.tzinfo is not None or time_range.end.tzinfo is not None:
            problems.append(
                FieldProblem(
                    where, "Times of day are wall-clock times in the hours' own zone; drop the offset."
                )
            )
        elif time_range.end != MIDNIGHT and time_range.end <= time_range.start:
            problems.append(
                FieldProblem(
                    where,
                    f"{time_range.start:%H:%M}-{time_range.end:%H:%M} ends before it starts or crosses midnight; "
                    "split it at midnight (…-00:00, then 00:00-… on the next day).",
                )
            )
        else:
            valid.append(time_range)
    valid.sort(key=lambda time_range: time_range.start)
    for earlier, later in itertools.pairwise(valid):
        if _minutes(later.start) < earlier._end_minutes:
            problems.append(
                FieldProblem(path, f"{earlier} overlaps {later}; ranges within a day must not overlap.")
            )
    return problems


def _minutes(time_of_day: dt.time) -> float:
    return (
        time_of_day.hour * 60 + time_of_day.minute + time_of_day.second / 60 + time_of_day.microsecond / 6e7
    )


def _is_aware(instant: object) -> bool:
    return isinstance(instant, dt.datetime) and instant.utcoffset() is not None


# --- intervals ----------------------------------------------------------------------------------------


def working_intervals(hours: WorkingHours, start: dt.datetime, end: dt.datetime) -> IntervalSet:
    """The working time in [start, end) as UTC intervals, ignoring out-of-office (expects valid hours).

    Local wall times become instants in the hours' zone, so 09:00 Europe/Berlin is 08:00 UTC in winter
    and 07:00 UTC in summer. A wall time inside a DST gap moves forward by the gap, as in RFC 5545.
    """
    zone = zoneinfo.ZoneInfo(hours.time_zone)
    overridden = _ranges_by_override(hours)
    days = (
        (day, overridden[day] if day in overridden else hours.weekly.get(day.weekday(), ()))
        for day in local_dates(start, end, zone)
    )
    return local_ranges_as_intervals(days, zone).clip(start, end)


def out_of_office_intervals(hours: WorkingHours, start: dt.datetime, end: dt.datetime) -> IntervalSet:
    """The out-of-office time in [start, end)."""
    return IntervalSet((absence.start, absence.end) for absence in hours.out_of_office).clip(start, end)


def lunch_intervals(hours: WorkingHours, start: dt.datetime, end: dt.datetime) -> IntervalSet:
    """The daily lunch break in [start, end), every day, in the hours' zone."""
    if hours.lunch is None:
        return IntervalSet()
    zone = zoneinfo.ZoneInfo(hours.time_zone)
    lunch = (hours.lunch,)
    return local_ranges_as_intervals(((day, lunch) for day in local_dates(start, end, zone)), zone).clip(
        start, end
    )


def available_intervals(hours: WorkingHours, start: dt.datetime, end: dt.datetime) -> IntervalSet:
    """Working time in [start, end) less out-of-office periods; raises InvalidInputError for invalid hours."""
    validate_working_hours(hours)
    return working_intervals(hours, start, end) - out_of_office_intervals(hours, start, end)


def _ranges_by_override(hours: WorkingHours) -> dict[dt.date, Sequence[TimeRange]]:
    return {override.day: override.ranges for override in reversed(hours.overrides)}


def local_dates(start: dt.datetime, end: dt.datetime, zone: zoneinfo.ZoneInfo) -> list[dt.date]:
    """Every local date in `zone` that [start, end) touches."""
    first = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]


def local_ranges_as_intervals(
    days: Iterable[tuple[dt.date, Sequence[TimeRange]]], zone: zoneinfo.ZoneInfo
) -> IntervalSet:
    """Wall-clock ranges on local dates as UTC intervals (ranges swallowed by a DST gap vanish)."""
    spans = []
    for day, ranges in days:
        for time_range in ranges:
            start = dt.datetime.combine(day, time_range.start, zone).astimezone(dt.UTC)
            end_day = day + _DAY if time_range.end == MIDNIGHT else day
            end = dt.datetime.combine(end_day, time_range.end, zone).astimezone(dt.UTC)
            if end > start:
                spans.append((start, end))
    return IntervalSet(spans)
