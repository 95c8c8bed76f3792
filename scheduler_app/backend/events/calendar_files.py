"""A calendar as an iCalendar file: export, private subscription feeds, and all-or-nothing import."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field

from pymongo import ReturnDocument

from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import DomainError, NotFoundError
from scheduler_app.backend.events import ics, recurrence
from scheduler_app.backend.events.access import as_seen_by, readable_event, viewer
from scheduler_app.backend.events.calendar_access import calendar_for
from scheduler_app.backend.events.ics_events import PARTSTAT, event_uid, to_ics_event
from scheduler_app.backend.events.service import placement_fields
from scheduler_app.backend.events.timing import all_day as all_day_timing
from scheduler_app.backend.events.timing import timed
from scheduler_app.backend.models import AttendeeDoc, CalendarDoc, EventDoc, new_id, utc_now
from scheduler_app.backend.scheduling.busy_cache import busy_changed, busy_changed_for

_RESPONSE = {value: key for key, value in PARTSTAT.items()}


async def calendar_as_ics(db: Collections, calendar: CalendarDoc, source_url: str | None = None) -> bytes:
    """Every event of the calendar (series with their overrides) as one VCALENDAR."""
    events = [
        EventDoc.from_mongo(document) async for document in db.events.find({"calendar_id": calendar.id})
    ]
    masters = {event.id: event for event in events if event.is_series}
    items = [
        to_ics_event(
            event,
            event_uid(masters[event.recurring_event_id]) if event.recurring_event_id in masters else None,
        )
        for event in events
        if not event.recurring_event_id or event.recurring_event_id in masters
    ]
    return await asyncio.to_thread(
        ics.export_calendar, calendar.name, items, time_zone=None, source_url=source_url
    )


async def export_event(db: Collections, user_id: str, event_id: str) -> tuple[EventDoc, bytes]:
    """One event as .ics: a single event, or a whole series (with its changed occurrences)."""
    who = await viewer(db, user_id)
    event, role = await readable_event(db, who, event_id)
    if event.recurring_event_id is not None:  # an occurrence: export the series it belongs to
        event, role = await readable_event(db, who, event.recurring_event_id)
    items = [to_ics_event(event)]
    if event.is_series:
        async for document in db.events.find({"recurring_event_id": event.id}):
            changed = as_seen_by(EventDoc.from_mongo(document), who, role)
            items.append(to_ics_event(changed, event_uid(event)))
    return event, await asyncio.to_thread(ics.export_calendar, event.title, items, time_zone=None)


async def export_calendar(db: Collections, user_id: str, calendar_id: str) -> tuple[CalendarDoc, bytes]:
    calendar = (await calendar_for(db, user_id, calendar_id, "read")).calendar
    return calendar, await calendar_as_ics(db, calendar)


# --- subscription feeds ---------------------------------------------------------------------------


async def enable_feed(db: Collections, user_id: str, calendar_id: str) -> str:
    """A new secret feed token for the calendar (any earlier link stops working)."""
    await calendar_for(db, user_id, calendar_id, "manage")
    token = secrets.token_urlsafe(24)
    updated = await db.calendars.find_one_and_update(
        {"_id": calendar_id},
        {"$set": {"feed_token": token, "updated_at": utc_now()}},
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        raise NotFoundError("No such calendar.")
    return token


async def disable_feed(db: Collections, user_id: str, calendar_id: str) -> None:
    await calendar_for(db, user_id, calendar_id, "manage")
    result = await db.calendars.update_one(
        {"_id": calendar_id}, {"$set": {"feed_token": None, "updated_at": utc_now()}}
    )
    if result.matched_count == 0:
        raise NotFoundError("No such calendar.")


async def feed(db: Collections, token: str, source_url: str) -> bytes:
    """The calendar behind a feed token, as iCalendar; unknown or revoked tokens are "not found"."""
    document = await db.calendars.find_one({"feed_token": token}) if token and len(token) <= 64 else None
    if document is None:
        raise NotFoundError("This calendar link is not valid (it may have been turned off).")
    return await calendar_as_ics(db, CalendarDoc.from_mongo(document), source_url)


# --- import ---------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did: counts, and every skipped item with its reason."""

    created: int = 0
    updated: int = 0
    skipped: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)
    preview: list[dict] = field(default_factory=list)
    dry_run: bool = False


def _validate_recurrence(
    lines: list[str], start: dt.datetime | dt.date, time_zone: str, all_day: bool
) -> list[str]:
    return list(recurrence.parse_recurrence(lines, start, time_zone=time_zone, all_day=all_day).lines)


def _imported_id(calendar_id: str, uid: str) -> str:
    """Stable ids per (calendar, UID): importing the same file again updates instead of duplicating."""
    return "ics" + hashlib.sha256(f"{calendar_id}\x00{uid}".encode()).hexdigest()[:29]


def _document(item: ics.IcsEvent, calendar: CalendarDoc, owner: dict) -> EventDoc:
    if item.all_day:
        when = all_day_timing(item.start, item.end, item.time_zone)  # type: ignore[arg-type]
    else:
        when = timed(
            item.start.astimezone(dt.UTC),  # type: ignore[union-attr]
            item.end.astimezone(dt.UTC),  # type: ignore[union-attr]
            item.time_zone,
        )
    guests = [
        AttendeeDoc(
            email=guest.email.lower(),
            display_name=guest.name,
            response_status=_RESPONSE.get(guest.partstat.upper(), "needsAction"),  # type: ignore[arg-type]
            optional=guest.role.upper() == "OPT-PARTICIPANT",
        )
        for guest in item.attendees
        if guest.email and guest.email.lower() != owner.get("email")
    ]
    master_id = _imported_id(calendar.id, item.uid)
    event_id, recurring_event_id, recurrence_id = master_id, None, None
    if item.recurrence_id is not None:
        recurrence_id = recurrence.format_recurrence_id(item.recurrence_id)
        event_id, recurring_event_id = recurrence.occurrence_id(master_id, recurrence_id), master_id
    return EventDoc(
        id=event_id,
        calendar_id=calendar.id,
        owner_id=calendar.owner_id,
        title=item.title,
        description=item.description,
        location=item.location,
        organizer_email=owner.get("email", ""),
        organizer_name=owner.get("name", ""),
        attendees=guests,
        ical_uid=item.uid,
        recurring_event_id=recurring_event_id,
        recurrence_id=recurrence_id,
        etag=new_id(),
        **placement_fields(calendar.id, when, guests, item.recurrence or None),
    )


PREVIEW_ITEMS = 200


async def import_calendar(
    db: Collections,
    user_id: str,
    calendar_id: str,
    data: bytes,
    default_time_zone: str,
    dry_run: bool = False,
) -> ImportResult:
    """Import an .ics file into a calendar, all or nothing; the result names every skipped item.

    With `dry_run` nothing is written: the result previews what the import would create and update.
    """
    calendar = (await calendar_for(db, user_id, calendar_id, "write")).calendar
    preview = await asyncio.to_thread(
        ics.parse_calendar,
        data,
        default_time_zone=default_time_zone,
        validate_recurrence=_validate_recurrence,
    )
    owner = await db.users.find_one({"_id": user_id}, {"email": 1, "name": 1}) or {}
    result = ImportResult(
        skipped=[
            {
                "uid": item.uid,
                "title": item.summary,
                "reason": item.reason,
                "code": str(item.code),
                "line": item.line,
            }
            for item in preview.skipped
        ],
        warnings=[warning.message for warning in preview.warnings],
        ignored=dict(preview.ignored_components),
    )
    documents = []
    for item in preview.events:
        try:
            documents.append(_document(item, calendar, owner))
        except DomainError as error:
            result.skipped.append(
                {"uid": item.uid, "title": item.title, "reason": str(error), "code": "invalid"}
            )
    replaced = [
        document
        async for document in db.events.find(
            {"_id": {"$in": [doc.id for doc in documents]}}, {"owner_id": 1, "attendees.email": 1}
        )
    ]
    existing = {document["_id"] for document in replaced}
    result.preview = [
        {
            "title": document.title,
            "start": (
                document.start_date.isoformat()
                if document.all_day and document.start_date
                else document.start_utc.isoformat()
            ),
            "recurring": document.is_series,
            "change": "update" if document.id in existing else "new",
        }
        for document in documents[:PREVIEW_ITEMS]
        if document.recurring_event_id is None
    ]
    result.updated = sum(1 for document in documents if document.id in existing)
    result.created = len(documents) - result.updated
    if dry_run:
        result.dry_run = True
        return result
    async with db.database.client.start_session() as session:

        async def write(session_: object) -> None:
            for document in documents:
                await db.events.replace_one(
                    {"_id": document.id}, document.to_mongo(), upsert=True, session=session_
                )

        await session.with_transaction(write)
    await busy_changed(db, documents)
    await busy_changed_for(  # guests an updated event no longer has are free again
        db, [], [guest["email"] for document in replaced for guest in document.get("attendees", [])]
    )
    return result
