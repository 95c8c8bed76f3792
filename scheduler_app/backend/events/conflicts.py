"""Overlaps with a proposed time: the organiser's own events, and guests' busy time (no details)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scheduler_app.backend.db import Collections
from scheduler_app.backend.email_address import normalize_email
from scheduler_app.backend.events.service import EventRange, list_events
from scheduler_app.backend.models import EventDoc

MAX_GUESTS_CHECKED = 50
MAX_CONFLICTS = 20


@dataclass(frozen=True)
class Conflict:
    """Someone's event overlapping the proposed time; `title` is "Busy" when they may not see details."""

    who: str
    title: str
    start_utc: dt.datetime
    end_utc: dt.datetime


def _declined(event: EventDoc, email: str) -> bool:
    return any(guest.email == email and guest.response_status == "declined" for guest in event.attendees)


def _same_event(event: EventDoc, exclude: str | None) -> bool:
    """The event being edited never conflicts with itself (nor, for a series, with its own occurrences)."""
    if not exclude:
        return False
    return event.id == exclude or event.recurring_event_id in (exclude, exclude.rsplit("_", 1)[0])


async def _busy(
    db: Collections, user_id: str, email: str, start: dt.datetime, end: dt.datetime, exclude: str | None
) -> list[EventDoc]:
    events, _ = await list_events(
        db, user_id, EventRange(start=start, end=end, limit=MAX_CONFLICTS, include_shared=False)
    )
    return [
        event
        for event in events
        if not event.all_day and not _declined(event, email) and not _same_event(event, exclude)
    ]


async def find_conflicts(
    db: Collections,
    user_id: str,
    start: dt.datetime,
    end: dt.datetime,
    guest_emails: list[str],
    exclude_event_id: str | None = None,
) -> list[Conflict]:
    """What overlaps [start, end): the organiser's events by title, app users among the guests as busy."""
    if end <= start:
        return []
    me = await db.users.find_one({"_id": user_id}, {"email": 1}) or {}
    conflicts = [
        Conflict("You", event.title, event.start_utc, event.end_utc)
        for event in await _busy(db, user_id, me.get("email", ""), start, end, exclude_event_id)
    ]
    emails = sorted({normalize_email(email, "attendees") for email in guest_emails[:MAX_GUESTS_CHECKED]})
    async for guest in db.users.find({"email": {"$in": emails}}, {"email": 1}):
        if guest["_id"] == user_id:
            continue
        conflicts += [
            Conflict(guest["email"], "Busy", event.start_utc, event.end_utc)
            for event in await _busy(db, guest["_id"], guest["email"], start, end, exclude_event_id)
        ]
    return sorted(conflicts, key=lambda conflict: (conflict.start_utc, conflict.who))[:MAX_CONFLICTS]
