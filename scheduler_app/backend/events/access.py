"""The event policy: who may see, change or delete an event, and what of it they may see.

Roles on an event, strongest first: the organiser; an editor (owner or editor of its calendar); a
guest (with Google's guest permissions: modify the event, invite others, see the guest list); a
reader (viewer of its calendar); free/busy (sees only that the time is taken). Anyone else is told
the event does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import ForbiddenError, NotFoundError
from scheduler_app.backend.events.calendar_access import CalendarRole, share_id
from scheduler_app.backend.events.series import occurrence_by_id
from scheduler_app.backend.models import EventDoc, UserDoc

EventRole = Literal["organizer", "editor", "attendee", "reader", "freebusy"]
BUSY_TITLE = "Busy"


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as event access sees them."""

    id: str
    email: str


async def viewer(db: Collections, user_id: str) -> Viewer:
    document = await db.users.find_one({"_id": user_id}, {"email": 1})
    if document is None:
        raise NotFoundError("No such user.")
    return Viewer(id=user_id, email=document["email"])


def viewer_of(user: UserDoc) -> Viewer:
    return Viewer(id=user.id, email=user.email)


def role_from(event: EventDoc, who: Viewer, calendar_role: CalendarRole | None) -> EventRole | None:
    """The viewer's role on the event, given their role on its calendar (None: no share)."""
    if event.owner_id == who.id or calendar_role == "owner":
        return "organizer" if event.owner_id == who.id else "editor"
    if calendar_role == "editor":
        return "editor"
    if any(attendee.email == who.email for attendee in event.attendees):
        return "attendee"
    if calendar_role == "viewer":
        return "reader"
    if calendar_role == "freebusy":
        return "freebusy"
    return None


async def event_role(db: Collections, event: EventDoc, who: Viewer) -> EventRole | None:
    calendar_role: CalendarRole | None = None
    if event.owner_id != who.id:
        share = await db.calendar_shares.find_one({"_id": share_id(event.calendar_id, who.id)}, {"role": 1})
        calendar_role = share["role"] if share else None
    return role_from(event, who, calendar_role)


def as_seen_by(event: EventDoc, who: Viewer, role: EventRole) -> EventDoc:
    """The event with what this role may not see taken out.

    Free/busy sees a "Busy" block; a guest of an event that hides its guest list sees the organiser
    and themselves only.
    """
    if role == "freebusy":
        return event.model_copy(
            update={
                "title": BUSY_TITLE,
                "description": "",
                "location": "",
                "attendees": [],
                "conference": None,
                "organizer_email": "",
                "organizer_name": "",
                "ical_uid": None,
            }
        )
    if role == "attendee" and not event.guests_can_see_other_guests:
        return event.model_copy(
            update={"attendees": [guest for guest in event.attendees if guest.email == who.email]}
        )
    return event


async def _event_and_role(db: Collections, who: Viewer, event_id: str) -> tuple[EventDoc, EventRole]:
    """The stored event (or unchanged occurrence) and the viewer's role; no role is "not found"."""
    document = await db.events.find_one({"_id": event_id})
    event = EventDoc.from_mongo(document) if document else None
    if event is None and (found := await occurrence_by_id(db, event_id)) is not None:
        event = found[1]  # an unchanged occurrence of a series: the series' access applies
    role = await event_role(db, event, who) if event else None
    if event is None or role is None:
        raise NotFoundError("No such event.")
    return event, role


async def readable_event(db: Collections, who: Viewer, event_id: str) -> tuple[EventDoc, EventRole]:
    """An event the viewer may see, as they may see it; anything else is "not found"."""
    event, role = await _event_and_role(db, who, event_id)
    return as_seen_by(event, who, role), role


async def editable_event(db: Collections, who: Viewer, event_id: str) -> tuple[EventDoc, EventRole]:
    """An event the viewer may change: organiser, calendar editor, or a guest allowed to modify it
    or to invite others (which of its fields a guest may change is the caller's check)."""
    event, role = await _event_and_role(db, who, event_id)
    if role in ("organizer", "editor"):
        return event, role
    if role == "attendee" and (event.guests_can_modify or event.guests_can_invite_others):
        return event, role
    if role == "attendee":
        raise ForbiddenError("Only the organiser can change this event.")
    raise ForbiddenError("You can view this calendar but not change its events.")


async def deletable_event(db: Collections, who: Viewer, event_id: str) -> EventDoc:
    """Deleting is for the organiser and the calendar's editors (a guest declines instead)."""
    event, role = await _event_and_role(db, who, event_id)
    if role in ("organizer", "editor"):
        return event
    if role == "attendee":
        raise ForbiddenError("Only the organiser can delete this event; decline it instead.")
    raise ForbiddenError("You can view this calendar but not change its events.")
