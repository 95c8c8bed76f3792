"""Working hours in storage: the API/UI shape, validation with the engine's rules, and the default week."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from pydantic import ConfigDict
from sqlmodel import Field, SQLModel

from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import FieldProblem, InvalidInputError, NotFoundError
from scheduler_app.backend.events import timing
from scheduler_app.backend.models import (
    DateOverrideDoc,
    OutOfOfficeDoc,
    TimeRangeDoc,
    UserDoc,
    WorkingHoursDoc,
    utc_now,
)
from scheduler_app.backend.scheduling.working_hours import (
    MIDNIGHT,
    WEEKDAY_NAMES,
    DateOverride,
    OutOfOffice,
    TimeRange,
    WorkingHours,
    validate_working_hours,
)

DEFAULT_DAY = (TimeRange(dt.time(9), dt.time(17)),)
DEFAULT_LUNCH = TimeRange(dt.time(12), dt.time(13))
MAX_RANGES_PER_DAY = 12
MAX_OVERRIDES = 400
MAX_OUT_OF_OFFICE = 200
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_HELP_TIME = 'Wall-clock time "HH:MM" in the hours\' zone; an end of "24:00" (or "00:00") is midnight.'


class TimeRangeModel(SQLModel):
    """[start, end) on one day in the hours' zone; ranges may not cross midnight (split them)."""

    model_config = ConfigDict(extra="forbid")

    start: str = Field(description=_HELP_TIME, schema_extra={"examples": ["09:00"]})
    end: str = Field(description=_HELP_TIME, schema_extra={"examples": ["17:00"]})


class WeeklyHours(SQLModel):
    """Ranges per weekday; an omitted or empty day is a day off."""

    model_config = ConfigDict(extra="forbid")

    monday: list[TimeRangeModel] = Field(default_factory=list, max_length=MAX_RANGES_PER_DAY)
    tuesday: list[TimeRangeModel] = Field(default_factory=list, max_length=MAX_RANGES_PER_DAY)
    wednesday: list[TimeRangeModel] = Field(default_factory=list, max_length=MAX_RANGES_PER_DAY)
    thursday: list[TimeRangeModel] = Field(default_factory=list, max_length=MAX_RANGES_PER_DAY)
    friday: list[TimeRangeModel] = Field(default_factory=list, max_length=MAX_RANGES_PER_DAY)
    saturday: list[TimeRangeModel] = Field(default_factory=list, max_length=MAX_RANGES_PER_DAY)
    sunday: list[TimeRangeModel] = Field(default_factory=list, max_length=MAX_RANGES_PER_DAY)


class DateOverrideModel(SQLModel):
    """Hours for one local date instead of its weekday's; `ranges: []` is a day off."""

    model_config = ConfigDict(extra="forbid")

    date: str = Field(description="Local date, YYYY-MM-DD.", schema_extra={"examples": ["2026-12-24"]})
    ranges: list[TimeRangeModel] = Field(default_factory=list, max_length=MAX_RANGES_PER_DAY)


class OutOfOfficeModel(SQLModel):
    """An absence; ISO 8601 date-times, read in the hours' zone when they carry no offset."""

    model_config = ConfigDict(extra="forbid")

    start: str = Field(schema_extra={"examples": ["2026-12-21T00:00:00+01:00"]})
    end: str = Field(schema_extra={"examples": ["2027-01-04T00:00:00+01:00"]})


class WorkingHoursIn(SQLModel):
    """The whole working week, replacing what was stored (`PUT /me/working-hours`)."""

    model_config = ConfigDict(extra="forbid")

    time_zone: str | None = Field(
        default=None, description="IANA zone of every wall-clock time; defaults to the user's zone or UTC."
    )
    weekly: WeeklyHours = Field(default_factory=WeeklyHours)
    overrides: list[DateOverrideModel] = Field(default_factory=list, max_length=MAX_OVERRIDES)
    out_of_office: list[OutOfOfficeModel] = Field(default_factory=list, max_length=MAX_OUT_OF_OFFICE)
    lunch: TimeRangeModel | None = Field(
        default_factory=lambda: TimeRangeModel(start="12:00", end="13:00"),
        description='The daily break "avoid lunch" keeps free; null for none.',
    )


class WorkingHoursOut(WorkingHoursIn):
    """Stored working hours; `is_default` when the user never saved any (Monday-Friday 09:00-17:00)."""

    time_zone: str
    is_default: bool = False
    updated_at: str | None = None


# --- conversions --------------------------------------------------------------------------------------


def _clock(text: str, field: str, *, end: bool) -> dt.time:
    if end and text == "24:00":
        return MIDNIGHT
    if not isinstance(text, str) or not _CLOCK.match(text):
        raise InvalidInputError(
            "Invalid working hours.", [FieldProblem(field, f"{text!r} is not a time like 09:30.")]
        )
    return dt.time.fromisoformat(text)


def _range(item: TimeRangeModel, path: str, problems: list[FieldProblem]) -> TimeRange | None:
    """One range, or None with a problem for each unreadable end."""
    ends = []
    for name, is_end in (("start", False), ("end", True)):
        try:
            ends.append(_clock(getattr(item, name), f"{path}.{name}", end=is_end))
        except InvalidInputError as error:
            problems += error.errors
    return TimeRange(*ends) if len(ends) == 2 else None


def _ranges(
    ranges: Iterable[TimeRangeModel], path: str, problems: list[FieldProblem]
) -> tuple[TimeRange, ...]:
    parsed = (_range(item, f"{path}[{index}]", problems) for index, item in enumerate(ranges))
    return tuple(item for item in parsed if item is not None)


def hours_from_input(data: WorkingHoursIn, default_zone: str) -> WorkingHours:
    """The engine's `WorkingHours` for an input, or InvalidInputError naming every bad field."""
    problems: list[FieldProblem] = []
    zone_name = data.time_zone or default_zone
    try:
        zone = timing.parse_zone(zone_name)
    except InvalidInputError as error:
        problems += error.errors
        zone = timing.parse_zone("UTC")
    weekly = {
        weekday: _ranges(getattr(data.weekly, name), f"weekly.{name}", problems)
        for weekday, name in enumerate(WEEKDAY_NAMES)
    }
    overrides = []
    for index, item in enumerate(data.overrides):
        try:
            day = timing.parse_date(item.date, f"overrides[{index}].date")
        except InvalidInputError as error:
            problems += error.errors
            continue
        overrides.append(DateOverride(day, _ranges(item.ranges, f"overrides[{index}].ranges", problems)))
    absences = []
    for index, item in enumerate(data.out_of_office):
        try:
            absences.append(
                OutOfOffice(
                    timing.parse_instant(item.start, zone, f"out_of_office[{index}].start"),
                    timing.parse_instant(item.end, zone, f"out_of_office[{index}].end"),
                )
            )
        except InvalidInputError as error:
            problems += error.errors
    lunch = _range(data.lunch, "lunch", problems) if data.lunch is not None else None
    if problems:
        raise InvalidInputError("Invalid working hours.", problems)
    hours = WorkingHours(zone_name, weekly, tuple(overrides), tuple(absences), lunch)
    try:
        validate_working_hours(hours, "working_hours")
    except InvalidInputError as error:
        # The engine names fields under "working_hours."; the API body is the working hours itself.
        for problem in error.errors:
            problem.field = problem.field.removeprefix("working_hours.")
        raise
    return hours


def default_hours(time_zone: str) -> WorkingHours:
    """Monday to Friday 09:00-17:00 with lunch at 12:00, in `time_zone`."""
    return WorkingHours(time_zone, dict.fromkeys(range(5), DEFAULT_DAY), lunch=DEFAULT_LUNCH)


def _clock_text(time_of_day: dt.time, *, end: bool) -> str:
    return "24:00" if end and time_of_day == MIDNIGHT else f"{time_of_day:%H:%M}"


def _range_doc(time_range: TimeRange) -> TimeRangeDoc:
    return TimeRangeDoc(
        start=_clock_text(time_range.start, end=False), end=_clock_text(time_range.end, end=True)
    )


def _range_of(doc: TimeRangeDoc) -> TimeRange:
    return TimeRange(_clock(doc.start, "start", end=False), _clock(doc.end, "end", end=True))


def to_document(user_id: str, hours: WorkingHours) -> WorkingHoursDoc:
    return WorkingHoursDoc(
        id=user_id,
        time_zone=hours.time_zone,
        weekly={
            WEEKDAY_NAMES[weekday]: [_range_doc(item) for item in ranges]
            for weekday, ranges in sorted(hours.weekly.items())
            if ranges
        },
        overrides=[
            DateOverrideDoc(date=item.day.isoformat(), ranges=[_range_doc(r) for r in item.ranges])
            for item in hours.overrides
        ],
        out_of_office=[OutOfOfficeDoc(start=item.start, end=item.end) for item in hours.out_of_office],
        lunch=_range_doc(hours.lunch) if hours.lunch else None,
    )


def from_document(doc: WorkingHoursDoc) -> WorkingHours:
    """The engine's working hours for a stored document (validated when it was written)."""
    return WorkingHours(
        doc.time_zone,
        {
            weekday: tuple(_range_of(item) for item in doc.weekly.get(name, []))
            for weekday, name in enumerate(WEEKDAY_NAMES)
        },
        tuple(
            DateOverride(dt.date.fromisoformat(item.date), tuple(_range_of(r) for r in item.ranges))
            for item in doc.overrides
        ),
        tuple(OutOfOffice(item.start, item.end) for item in doc.out_of_office),
        _range_of(doc.lunch) if doc.lunch else None,
    )


def to_output(
    hours: WorkingHours, *, is_default: bool, updated_at: dt.datetime | None = None
) -> WorkingHoursOut:
    """The API shape of `hours`; out-of-office instants are given in UTC ("...Z")."""
    weekly = WeeklyHours(
        **{
            name: [TimeRangeModel(**_range_doc(item).model_dump()) for item in hours.weekly.get(weekday, ())]
            for weekday, name in enumerate(WEEKDAY_NAMES)
        }
    )
    return WorkingHoursOut(
        time_zone=hours.time_zone,
        weekly=weekly,
        overrides=[
            DateOverrideModel(
                date=item.day.isoformat(),
                ranges=[TimeRangeModel(**_range_doc(r).model_dump()) for r in item.ranges],
            )
            for item in hours.overrides
        ],
        out_of_office=[
            OutOfOfficeModel(start=_instant_text(item.start), end=_instant_text(item.end))
            for item in hours.out_of_office
        ],
        lunch=TimeRangeModel(**_range_doc(hours.lunch).model_dump()) if hours.lunch else None,
        is_default=is_default,
        updated_at=_instant_text(updated_at) if updated_at else None,
    )


def _instant_text(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


# --- storage ------------------------------------------------------------------------------------------


def user_zone(user: UserDoc | dict) -> str:
    """The user's own zone, or UTC when they never set one."""
    zone = user.time_zone if isinstance(user, UserDoc) else user.get("time_zone")
    return zone if zone in timing.available_zones() else "UTC"


async def hours_by_user(
    db: Collections, users: Iterable[dict]
) -> dict[str, tuple[WorkingHours, WorkingHoursDoc | None]]:
    """Each user's working hours (one query), the default week for those who never saved any."""
    users = list(users)
    stored = {
        document["_id"]: WorkingHoursDoc.from_mongo(document)
        async for document in db.working_hours.find({"_id": {"$in": [user["_id"] for user in users]}})
    }
    found: dict[str, tuple[WorkingHours, WorkingHoursDoc | None]] = {}
    for user in users:
        doc = stored.get(user["_id"])
        found[user["_id"]] = (from_document(doc), doc) if doc else (default_hours(user_zone(user)), None)
    return found


async def get_working_hours(db: Collections, user_id: str) -> WorkingHoursOut:
    """The user's working hours as the API shows them."""
    user = await db.users.find_one({"_id": user_id}, {"time_zone": 1})
    if user is None:
        raise NotFoundError("No such user.")
    hours, doc = (await hours_by_user(db, [user]))[user_id]
    return to_output(hours, is_default=doc is None, updated_at=doc.updated_at if doc else None)


async def put_working_hours(db: Collections, user_id: str, data: WorkingHoursIn) -> WorkingHoursOut:
    """Validate and replace the user's working hours."""
    user = await db.users.find_one({"_id": user_id}, {"time_zone": 1})
    if user is None:
        raise NotFoundError("No such user.")
    hours = hours_from_input(data, user_zone(user))
    doc = to_document(user_id, hours).model_copy(update={"updated_at": utc_now()})
    await db.working_hours.replace_one({"_id": user_id}, doc.to_mongo(), upsert=True)
    return to_output(hours, is_default=False, updated_at=doc.updated_at)


async def start_working_week(db: Collections, user_id: str, time_zone: str | None) -> None:
    """A new account's working week: Monday-Friday 09:00-17:00 in the zone the person signed up from."""
    zone = time_zone if time_zone in timing.available_zones() else "UTC"
    doc = to_document(user_id, default_hours(zone)).model_copy(update={"updated_at": utc_now()})
    await db.working_hours.update_one({"_id": user_id}, {"$setOnInsert": doc.to_mongo()}, upsert=True)
