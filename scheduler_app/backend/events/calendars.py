"""Calendars: create, list, update and delete (who may do what is `calendar_access`)."""

from __future__ import annotations

from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from scheduler_app.backend.audit import RequestOrigin, record_audit
from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import ConflictError, ForbiddenError, NotFoundError
from scheduler_app.backend.events.calendar_access import (
    AccessibleCalendar,
    accessible_calendars,
    calendar_for,
)
from scheduler_app.backend.events.schemas import CalendarCreate, CalendarPublic, CalendarUpdate
from scheduler_app.backend.events.sharing import set_shared_view
from scheduler_app.backend.models import CalendarDoc, UserDoc, utc_now
from scheduler_app.backend.scheduling.busy_cache import busy_changed_for

DEFAULT_CALENDAR_COLOR = "#3b82f6"
MAX_CALENDARS_PER_USER = 100


async def list_calendars(db: Collections, user_id: str) -> list[CalendarDoc]:
    """The user's calendars, oldest first (the default calendar leads)."""
    cursor = db.calendars.find({"owner_id": user_id}).sort([("created_at", 1), ("_id", 1)])
    return [CalendarDoc.from_mongo(document) async for document in cursor]


async def as_public(db: Collections, found: list[AccessibleCalendar]) -> list[CalendarPublic]:
    """Calendars as the API and UI show them, with the owner's e-mail on shared ones."""
    owners = {item.calendar.owner_id for item in found if item.shared_with_me}
    emails = {}
    if owners:
        emails = {
            user["_id"]: user["email"]
            async for user in db.users.find({"_id": {"$in": sorted(owners)}}, {"email": 1})
        }
    return [CalendarPublic.of_access(item, emails.get(item.calendar.owner_id)) for item in found]


async def calendar_listing(db: Collections, user_id: str) -> list[CalendarPublic]:
    """The user's calendars, then those shared with them, each with the user's role."""
    return await as_public(db, await accessible_calendars(db, user_id))


async def ensure_default_calendar(db: Collections, user_id: str, name: str) -> CalendarDoc:
    """The user's default calendar, created on first need (idempotent under races)."""
    try:
        document = await db.calendars.find_one_and_update(
            {"_id": f"default-{user_id}"},
            {
                "$setOnInsert": CalendarDoc(
                    id=f"default-{user_id}",
                    owner_id=user_id,
                    name=name,
                    color=DEFAULT_CALENDAR_COLOR,
                    is_default=True,
                ).to_mongo()
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
    except DuplicateKeyError:
        document = None
    if document is None:
        # A concurrent upsert won (the server reports a duplicate key or no document): read its result.
        document = await db.calendars.find_one({"_id": f"default-{user_id}"})
    return CalendarDoc.from_mongo(document)


async def create_calendar(db: Collections, user_id: str, data: CalendarCreate) -> CalendarDoc:
    if await db.calendars.count_documents({"owner_id": user_id}) >= MAX_CALENDARS_PER_USER:
        raise ConflictError(f"You already have {MAX_CALENDARS_PER_USER} calendars.")
    calendar = CalendarDoc(owner_id=user_id, name=data.name, color=data.color)
    await db.calendars.insert_one(calendar.to_mongo())
    return calendar


async def update_calendar(
    db: Collections, user_id: str, calendar_id: str, data: CalendarUpdate
) -> AccessibleCalendar:
    """Owners rename and recolour the calendar; a grantee only sets their own colour and visibility."""
    access = await calendar_for(db, user_id, calendar_id, "busy")
    changes = data.model_dump(exclude_none=True)
    if access.shared_with_me:
        if "name" in changes:
            raise ForbiddenError("Only the calendar's owner can rename it.")
        return await set_shared_view(db, user_id, access, data.visible, data.color)
    if not changes:
        return access
    changes["updated_at"] = utc_now()
    document = await db.calendars.find_one_and_update(
        {"_id": calendar_id}, {"$set": changes}, return_document=ReturnDocument.AFTER
    )
    if document is None:
        raise NotFoundError("No such calendar.")
    calendar = CalendarDoc.from_mongo(document)
    return AccessibleCalendar(calendar, "owner", calendar.color, calendar.visible)


async def delete_calendar(
    db: Collections, actor: UserDoc, calendar_id: str, origin: RequestOrigin | None = None
) -> None:
    """Delete a calendar with its events and shares, all or nothing (the default calendar stays)."""
    access = await calendar_for(db, actor.id, calendar_id, "manage")
    if access.calendar.owner_id != actor.id:
        raise ForbiddenError("Only the person who created the calendar can delete it.")
    if access.calendar.is_default:
        raise ConflictError("Your default calendar cannot be deleted.")

    guests = {
        guest["email"]
        async for document in db.events.find({"calendar_id": calendar_id}, {"attendees.email": 1})
        for guest in document.get("attendees", [])
    }

    async def remove(session: AsyncClientSession) -> int:
        deleted = await db.events.delete_many({"calendar_id": calendar_id}, session=session)
        await db.calendar_shares.delete_many({"calendar_id": calendar_id}, session=session)
        await db.calendars.delete_one({"_id": calendar_id}, session=session)
        return deleted.deleted_count

    async with db.database.client.start_session() as session:
        events_deleted = await session.with_transaction(remove)
    await busy_changed_for(db, [actor.id], guests)
    await record_audit(
        db,
        "calendar.deleted",
        actor_id=actor.id,
        actor_email=actor.email,
        target_type="calendar",
        target_id=calendar_id,
        origin=origin,
        details={"name": access.calendar.name, "events_deleted": events_deleted},
    )
