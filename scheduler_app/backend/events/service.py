"""Events: validate, store, list by time range with cursor pagination, update and delete with ETags."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import zoneinfo
from dataclasses import dataclass

from pymongo import ReturnDocument

from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import (
    FieldProblem,
    InvalidInputError,
    PreconditionFailedError,
)
from scheduler_app.backend.events import timing
from scheduler_app.backend.events.access import editable_event, readable_event, viewer
from scheduler_app.backend.events.attendees import invitation_list
from scheduler_app.backend.events.calendars import get_calendar, list_calendars
from scheduler_app.backend.events.schemas import EventCreate, EventPublic, EventTime, EventUpdate
from scheduler_app.backend.meetings.providers import meeting_provider
from scheduler_app.backend.models import AttendeeDoc, ConferenceDoc, EventDoc, new_id, utc_now
from scheduler_app.settings import get_settings

DEFAULT_PAGE_SIZE = 250
MAX_PAGE_SIZE = 2_500
# Ranges longer than this are served by the (calendar, start) index instead of week keys.
MAX_KEYED_RANGE = dt.timedelta(weeks=106)


def resolve_timing(start: EventTime, end: EventTime, default_zone: str) -> timing.EventTiming:
    """Validate a start/end pair: both dates (all-day) or both date-times."""
    if (start.date is None) != (end.date is None):
        raise InvalidInputError(
            "Start and end must both be dates (all-day) or both date-times.",
            [
                FieldProblem(
                    "end", "Use `date` on both ends for all-day events, `date_time` on both otherwise."
                )
            ],
        )
    zone_name = start.time_zone or end.time_zone or default_zone
    zone = timing.parse_zone(zone_name, "start.time_zone")
    if start.date is not None and end.date is not None:
        return timing.all_day(
            timing.parse_date(start.date, "start.date"), timing.parse_date(end.date, "end.date"), zone.key
        )
    for name, point in (("start", start), ("end", end)):
        if point.date_time is None:
            raise InvalidInputError(
                f"The {name} needs a date or a date-time.",
                [FieldProblem(name, "Give `date_time` or `date`.")],
            )
    end_zone = timing.parse_zone(end.time_zone, "end.time_zone") if end.time_zone else zone
    return timing.timed(
        timing.parse_instant(start.date_time, zone, "start.date_time"),  # type: ignore[arg-type]
        timing.parse_instant(end.date_time, end_zone, "end.date_time"),  # type: ignore[arg-type]
        zone.key,
    )


def attendee_scope(email: str) -> str:
    """The index scope under which a guest finds the events they are invited to."""
    return f"attendee:{email}"


def _index_keys(
    calendar_id: str, attendees: list[AttendeeDoc], start: dt.datetime, end: dt.datetime
) -> list[str]:
    keys = timing.time_keys(calendar_id, start, end)
    for attendee in attendees:
        keys += timing.time_keys(attendee_scope(attendee.email), start, end)
    return keys


def _timing_fields(calendar_id: str, when: timing.EventTiming, attendees: list[AttendeeDoc]) -> dict:
    return {
        "all_day": when.all_day,
        "start_utc": when.start_utc,
        "end_utc": when.end_utc,
        "start_date": when.start_date.isoformat() if when.start_date else None,
        "end_date": when.end_date.isoformat() if when.end_date else None,
        "time_zone": when.time_zone,
        "time_keys": _index_keys(calendar_id, attendees, when.start_utc, when.end_utc),
    }


async def create_event(db: Collections, user_id: str, data: EventCreate, default_zone: str) -> EventDoc:
    if data.calendar_id:
        calendar = await get_calendar(db, user_id, data.calendar_id)
    else:
        calendar = (await list_calendars(db, user_id))[0]
    organizer = await db.users.find_one({"_id": user_id}, {"email": 1, "name": 1}) or {}
    when = resolve_timing(data.start, data.end, default_zone)
    attendees = invitation_list(data.attendees, organizer.get("email", ""), [])
    conference = await _new_conference(data.conference.provider, data.title) if data.conference else None
    event = EventDoc(
        id=data.id or new_id(),
        calendar_id=calendar.id,
        owner_id=user_id,
        title=data.title,
        description=data.description,
        location=data.location,
        organizer_email=organizer.get("email", ""),
        organizer_name=organizer.get("name", ""),
        attendees=attendees,
        conference=conference,
        **_timing_fields(calendar.id, when, attendees),
    )
    await db.events.insert_one(event.to_mongo())
    return event


async def _new_conference(provider: str, title: str) -> ConferenceDoc:
    return await meeting_provider(provider, get_settings().jitsi_base_url).create_meeting(title)


async def get_event(db: Collections, user_id: str, event_id: str) -> EventDoc:
    """An event the user organises or is invited to; anything else is reported as not found."""
    event, _ = await readable_event(db, await viewer(db, user_id), event_id)
    return event


UNCONDITIONAL_UPDATE_ATTEMPTS = 5


async def update_event(
    db: Collections,
    user_id: str,
    event_id: str,
    data: EventUpdate,
    default_zone: str,
    if_match: str | None = None,
) -> EventDoc:
    """Apply a partial update atomically.

    With `if_match` the update happens only on that exact version (else 412); without it, a concurrent
    writer makes us re-read and re-apply, so the last writer wins as HTTP semantics expect.
    """
    cleared = sorted(
        name for name in data.model_fields_set if getattr(data, name) is None and name != "conference"
    )
    if cleared:
        raise InvalidInputError(
            "Fields cannot be cleared with null.",
            [FieldProblem(name, "Must not be null.") for name in cleared],
        )
    who = await viewer(db, user_id)
    for _ in range(UNCONDITIONAL_UPDATE_ATTEMPTS):
        current = await editable_event(db, who, event_id)
        if if_match is not None and if_match != current.etag:
            raise PreconditionFailedError()
        changes = await _changes(db, user_id, current, data)
        document = await db.events.find_one_and_update(
            {"_id": event_id, "owner_id": user_id, "etag": current.etag},
            {"$set": changes},
            return_document=ReturnDocument.AFTER,
        )
        if document is not None:
            return EventDoc.from_mongo(document)
        if if_match is not None:
            raise PreconditionFailedError()  # someone else wrote in between
    raise PreconditionFailedError("The event keeps changing; reload and retry.")


async def _changes(db: Collections, user_id: str, current: EventDoc, data: EventUpdate) -> dict:
    """The `$set` document that turns `current` into `current` + `data`, validated."""
    public = EventPublic.of(current)
    changes = data.model_dump(
        exclude_unset=True, exclude={"start", "end", "calendar_id", "attendees", "conference"}
    )
    calendar_id = current.calendar_id
    if data.calendar_id is not None and data.calendar_id != current.calendar_id:
        calendar_id = (await get_calendar(db, user_id, data.calendar_id)).id
        changes["calendar_id"] = calendar_id
    attendees = current.attendees
    if data.attendees is not None:
        attendees = invitation_list(data.attendees, current.organizer_email, current.attendees)
        changes["attendees"] = [attendee.model_dump(mode="python") for attendee in attendees]
    if "conference" in data.model_fields_set:
        if data.conference is None:
            changes["conference"] = None
        elif current.conference is None or current.conference.provider != data.conference.provider:
            conference = await _new_conference(data.conference.provider, data.title or current.title)
            changes["conference"] = conference.model_dump(mode="python")
    if data.start is not None or data.end is not None or "calendar_id" in changes or "attendees" in changes:
        when = resolve_timing(data.start or public.start, data.end or public.end, current.time_zone)
        changes.update(_timing_fields(calendar_id, when, attendees))
    changes["etag"] = new_id()
    changes["updated_at"] = utc_now()
    return changes


async def delete_event(db: Collections, user_id: str, event_id: str, if_match: str | None = None) -> None:
    event = await editable_event(db, await viewer(db, user_id), event_id)
    query: dict = {"_id": event.id, "owner_id": user_id}
    if if_match is not None:
        query["etag"] = if_match
    result = await db.events.delete_one(query)
    if result.deleted_count == 0:
        await get_event(db, user_id, event_id)  # raises NotFound when it is not there
        raise PreconditionFailedError()


@dataclass(frozen=True)
class EventRange:
    """A listing request: the window [start, end), calendars, and a page."""

    start: dt.datetime
    end: dt.datetime
    calendar_ids: list[str] | None = None
    cursor: str | None = None
    limit: int = DEFAULT_PAGE_SIZE
    viewer_zone: str = "UTC"
    # Events the user is invited to; by default only when no calendar filter is given.
    include_invitations: bool | None = None


def encode_cursor(event: EventDoc) -> str:
    raw = json.dumps({"s": event.start_utc.isoformat(), "i": event.id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        after = dt.datetime.fromisoformat(data["s"])
        if after.tzinfo is None:
            raise ValueError("cursor instant without offset")
        return after, str(data["i"])
    except (binascii.Error, ValueError, KeyError, TypeError, RecursionError):
        raise InvalidInputError(
            "Invalid cursor.", [FieldProblem("cursor", "Not a cursor this API issued.")]
        ) from None


def _visible_in_window(
    event: EventDoc, start: dt.datetime, end: dt.datetime, zone: zoneinfo.ZoneInfo
) -> bool:
    """All-day events are dates: compare them as local midnights in the viewer's zone."""
    if not event.all_day:
        return True
    assert event.start_date is not None and event.end_date is not None
    local_start, local_end = timing.date_range_in_zone(event.start_date, event.end_date, zone)
    return local_start < end and local_end > start


async def list_events(
    db: Collections, user_id: str, request: EventRange
) -> tuple[list[EventDoc], str | None]:
    """Events overlapping the window, ordered by start, one page at a time."""
    if request.end <= request.start:
        raise InvalidInputError("The range is empty.", [FieldProblem("end", "End must be after start.")])
    if not 1 <= request.limit <= MAX_PAGE_SIZE:
        raise InvalidInputError("Bad page size.", [FieldProblem("limit", f"Use 1 to {MAX_PAGE_SIZE}.")])
    zone = timing.parse_zone(request.viewer_zone)
    invitations_for: str | None = None
    if request.calendar_ids is None:
        calendar_ids = [calendar.id for calendar in await list_calendars(db, user_id)]
    else:
        calendar_ids = [(await get_calendar(db, user_id, cid)).id for cid in request.calendar_ids]
    with_invitations = request.include_invitations
    if with_invitations is None:
        with_invitations = request.calendar_ids is None
    if with_invitations:
        user = await db.users.find_one({"_id": user_id}, {"email": 1})
        invitations_for = user["email"] if user else None
    scopes = calendar_ids + ([attendee_scope(invitations_for)] if invitations_for else [])
    if not scopes:
        return [], None
    query: dict = {"start_utc": {"$lt": request.end}, "end_utc": {"$gt": request.start}}
    if request.end - request.start <= MAX_KEYED_RANGE:
        query["time_keys"] = {"$in": timing.range_keys(scopes, request.start, request.end)}
    elif invitations_for:
        query["$or"] = [{"calendar_id": {"$in": calendar_ids}}, {"attendees.email": invitations_for}]
    else:
        query["calendar_id"] = {"$in": calendar_ids}
    after: tuple[dt.datetime, str] | None = None
    if request.cursor:
        # A range on start_utc rather than a top-level $or: the embedded server uses no index for $or.
        after = decode_cursor(request.cursor)
        query["start_utc"]["$gte"] = after[0]
    cursor = db.events.find(query).sort([("start_utc", 1), ("_id", 1)]).batch_size(request.limit + 1)
    documents: list[EventDoc] = []
    async for document in cursor:
        event = EventDoc.from_mongo(document)
        if after is not None and (event.start_utc, event.id) <= after:
            continue  # already on an earlier page (same start, lower or equal id)
        documents.append(event)
        if len(documents) > request.limit:
            break
    await cursor.close()
    page, more = documents[: request.limit], len(documents) > request.limit
    next_cursor = encode_cursor(page[-1]) if more else None
    return [
        event for event in page if _visible_in_window(event, request.start, request.end, zone)
    ], next_cursor
