"""Guests of an event: the invitation list, and their answers (signed in, or from a link)."""

from __future__ import annotations

from collections.abc import Callable

from pymongo import ReturnDocument

from scheduler_app.backend.db import Collections
from scheduler_app.backend.email_address import normalize_email
from scheduler_app.backend.errors import InvalidInputError, NotFoundError
from scheduler_app.backend.events.access import Viewer, readable_event
from scheduler_app.backend.events.guest_mail import tell_organizer
from scheduler_app.backend.events.schemas import AttendeeIn
from scheduler_app.backend.models import AttendeeDoc, EventDoc, ResponseStatus, new_id, utc_now
from scheduler_app.backend.scheduling.busy_cache import busy_changed


def invitation_list(
    requested: list[AttendeeIn], organizer_email: str, previous: list[AttendeeDoc]
) -> list[AttendeeDoc]:
    """Normalised guests, without duplicates; known guests keep their answer and link."""
    known = {attendee.email: attendee for attendee in previous}
    guests: dict[str, AttendeeDoc] = {}
    for index, guest in enumerate(requested):
        email = normalize_email(guest.email, f"attendees[{index}].email")
        if email in guests:
            continue
        before = known.get(email)
        if before is not None:
            guests[email] = before.model_copy(
                update={"display_name": guest.display_name or before.display_name, "optional": guest.optional}
            )
        else:
            guests[email] = AttendeeDoc(
                email=email,
                display_name=guest.display_name.strip(),
                optional=guest.optional,
                response_status="accepted" if email == organizer_email else "needsAction",
            )
    return list(guests.values())


ANSWER_ATTEMPTS = 5


async def respond(db: Collections, who: Viewer, event_id: str, status: ResponseStatus) -> EventDoc:
    """The signed-in guest answers the invitation."""
    event, role = await readable_event(db, who, event_id)
    if role != "attendee":
        raise InvalidInputError("Only invited guests answer invitations; you organise this event.")
    return await _set_response(db, {"_id": event.id}, lambda guest: guest.email == who.email, status)


async def respond_by_link(
    db: Collections, token: str, status: ResponseStatus
) -> tuple[EventDoc, AttendeeDoc]:
    """A guest answers from their invitation link, without an account."""
    event, _ = await invitation_by_link(db, token)
    event = await _set_response(db, {"_id": event.id}, lambda guest: guest.rsvp_token == token, status)
    return event, next(attendee for attendee in event.attendees if attendee.rsvp_token == token)


async def invitation_by_link(db: Collections, token: str) -> tuple[EventDoc, AttendeeDoc]:
    document = (
        await db.events.find_one({"attendees.rsvp_token": token}) if token and len(token) <= 128 else None
    )
    if document is None:
        raise NotFoundError("This invitation link is not valid.")
    event = EventDoc.from_mongo(document)
    return event, next(attendee for attendee in event.attendees if attendee.rsvp_token == token)


async def _set_response(
    db: Collections, match: dict, is_guest: Callable[[AttendeeDoc], bool], status: ResponseStatus
) -> EventDoc:
    """Set one guest's answer: read, change, write back if nobody wrote in between (else retry)."""
    for _ in range(ANSWER_ATTEMPTS):
        document = await db.events.find_one(match)
        if document is None:
            break
        event = EventDoc.from_mongo(document)
        if not any(is_guest(guest) for guest in event.attendees):
            break
        guests = [
            (guest.model_copy(update={"response_status": status}) if is_guest(guest) else guest).model_dump()
            for guest in event.attendees
        ]
        updated = await db.events.find_one_and_update(
            {"_id": event.id, "etag": event.etag},
            {"$set": {"attendees": guests, "etag": new_id(), "updated_at": utc_now()}},
            return_document=ReturnDocument.AFTER,
        )
        if updated is not None:
            answered = EventDoc.from_mongo(updated)
            await busy_changed(db, [answered])
            for before, after in zip(event.attendees, answered.attendees, strict=True):
                if is_guest(after) and before.response_status != after.response_status:
                    tell_organizer(answered, after)
            return answered
    raise NotFoundError("This invitation is no longer valid.")
