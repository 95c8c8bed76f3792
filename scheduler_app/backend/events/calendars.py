"""Calendars: create, list, update, and the one access rule for them (owner only, for now)."""

from __future__ import annotations

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import ConflictError, NotFoundError
from scheduler_app.backend.events.schemas import CalendarCreate, CalendarUpdate
from scheduler_app.backend.models import CalendarDoc, utc_now

DEFAULT_CALENDAR_COLOR = "#3b82f6"
MAX_CALENDARS_PER_USER = 100


async def list_calendars(db: Collections, user_id: str) -> list[CalendarDoc]:
    """The user's calendars, oldest first (the default calendar leads)."""
    cursor = db.calendars.find({"owner_id": user_id}).sort([("created_at", 1), ("_id", 1)])
    return [CalendarDoc.from_mongo(document) async for document in cursor]


async def get_calendar(db: Collections, user_id: str, calendar_id: str) -> CalendarDoc:
    """A calendar the user may use; someone else's calendar is reported as not found."""
    document = await db.calendars.find_one({"_id": calendar_id, "owner_id": user_id})
    if document is None:
        raise NotFoundError("No such calendar.")
    return CalendarDoc.from_mongo(document)


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
) -> CalendarDoc:
    changes = data.model_dump(exclude_none=True)
    if not changes:
        return await get_calendar(db, user_id, calendar_id)
    changes["updated_at"] = utc_now()
    document = await db.calendars.find_one_and_update(
        {"_id": calendar_id, "owner_id": user_id},
        {"$set": changes},
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        raise NotFoundError("No such calendar.")
    return CalendarDoc.from_mongo(document)
