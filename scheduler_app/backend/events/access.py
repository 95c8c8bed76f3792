"""Who may do what with an event: the organiser edits, invited guests read and respond."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import ForbiddenError, NotFoundError
from scheduler_app.backend.events.series import occurrence_by_id
from scheduler_app.backend.models import EventDoc, UserDoc

EventRole = Literal["organizer", "attendee"]


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


def event_role(event: EventDoc, who: Viewer) -> EventRole | None:
    if event.owner_id == who.id:
        return "organizer"
    if any(attendee.email == who.email for attendee in event.attendees):
        return "attendee"
    return None


async def readable_event(db: Collections, who: Viewer, event_id: str) -> tuple[EventDoc, EventRole]:
    """An event the viewer organises or is invited to; anything else is "not found"."""
    document = await db.events.find_one({"_id": event_id})
    event = EventDoc.from_mongo(document) if document else None
    if event is None and (found := await occurrence_by_id(db, event_id)) is not None:
        event = found[1]  # an unchanged occurrence of a series: the series' access applies
    role = event_role(event, who) if event else None
    if event is None or role is None:
        raise NotFoundError("No such event.")
    return event, role


async def editable_event(db: Collections, who: Viewer, event_id: str) -> EventDoc:
    """An event the viewer organises; guests are told they may not change it (403)."""
    event, role = await readable_event(db, who, event_id)
    if role != "organizer":
        raise ForbiddenError("Only the organiser can change this event.")
    return event
