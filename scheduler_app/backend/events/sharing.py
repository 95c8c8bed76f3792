"""Sharing a calendar with other users: grant, change or withdraw a role, and each grantee's own view.

Only the calendar's owners (its creator, or someone granted "owner") manage sharing; a grantee may
always remove a calendar shared with them from their own list. Every change is audited.
"""

from __future__ import annotations

from pymongo import ReturnDocument

from scheduler_app.backend.audit import RequestOrigin, record_audit
from scheduler_app.backend.db import Collections
from scheduler_app.backend.email_address import normalize_email
from scheduler_app.backend.errors import FieldProblem, ForbiddenError, InvalidInputError, NotFoundError
from scheduler_app.backend.events.calendar_access import (
    CALENDAR_ROLES,
    AccessibleCalendar,
    CalendarRole,
    calendar_for,
    share_id,
)
from scheduler_app.backend.models import CalendarShareDoc, UserDoc, utc_now

MAX_SHARES_PER_CALENDAR = 200


def _role(value: str) -> CalendarRole:
    if value not in CALENDAR_ROLES:
        raise InvalidInputError(
            "Unknown role.", [FieldProblem("role", f"Use one of: {', '.join(CALENDAR_ROLES)}.")]
        )
    return value  # type: ignore[return-value]


async def list_shares(db: Collections, user_id: str, calendar_id: str) -> list[CalendarShareDoc]:
    """Who the calendar is shared with (owners only)."""
    await calendar_for(db, user_id, calendar_id, "manage")
    cursor = db.calendar_shares.find({"calendar_id": calendar_id}).sort("created_at", 1)
    return [CalendarShareDoc.from_mongo(document) async for document in cursor]


async def share_of(db: Collections, user_id: str, calendar_id: str, grantee_id: str) -> CalendarShareDoc:
    """One share of a calendar the user owns."""
    await calendar_for(db, user_id, calendar_id, "manage")
    document = await db.calendar_shares.find_one({"_id": share_id(calendar_id, grantee_id)})
    if document is None:
        raise NotFoundError("This calendar is not shared with that person.")
    return CalendarShareDoc.from_mongo(document)


async def share_calendar(
    db: Collections,
    actor: UserDoc,
    calendar_id: str,
    email: str,
    role: str,
    origin: RequestOrigin | None = None,
) -> CalendarShareDoc:
    """Give the user with `email` a role on the calendar; sharing again changes the role."""
    role = _role(role)
    calendar = await calendar_for(db, actor.id, calendar_id, "manage")
    address = normalize_email(email, "email")
    grantee = await db.users.find_one({"email": address, "disabled": {"$ne": True}}, {"email": 1})
    if grantee is None:
        raise InvalidInputError(
            "No account uses this e-mail.",
            [FieldProblem("email", "Share with people who have an account here (ask them to sign up).")],
        )
    if grantee["_id"] == calendar.calendar.owner_id:
        raise InvalidInputError(
            "That is the calendar's owner.", [FieldProblem("email", "The owner already has every right.")]
        )
    if await db.calendar_shares.count_documents({"calendar_id": calendar_id}) >= MAX_SHARES_PER_CALENDAR:
        raise InvalidInputError(
            "Too many shares.", [FieldProblem("email", f"At most {MAX_SHARES_PER_CALENDAR} people.")]
        )
    now = utc_now()
    new = CalendarShareDoc(
        id=share_id(calendar_id, grantee["_id"]),
        calendar_id=calendar_id,
        owner_id=calendar.calendar.owner_id,
        grantee_id=grantee["_id"],
        grantee_email=grantee["email"],
        role=role,
        granted_by=actor.id,
    ).to_mongo()
    document = await db.calendar_shares.find_one_and_update(
        {"_id": new["_id"]},
        {
            "$set": {"role": role, "granted_by": actor.id, "updated_at": now},
            "$setOnInsert": {
                key: value for key, value in new.items() if key not in ("role", "granted_by", "updated_at")
            },
        },
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    share = CalendarShareDoc.from_mongo(document)
    await record_audit(
        db,
        "calendar.shared",
        actor_id=actor.id,
        actor_email=actor.email,
        target_type="calendar",
        target_id=calendar_id,
        origin=origin,
        details={"grantee": share.grantee_email, "role": role},
    )
    return share


async def remove_share(
    db: Collections,
    actor: UserDoc,
    calendar_id: str,
    grantee_id: str,
    origin: RequestOrigin | None = None,
) -> None:
    """Withdraw a share: owners may remove anyone, a grantee may remove themselves."""
    if grantee_id != actor.id:
        await calendar_for(db, actor.id, calendar_id, "manage")
    removed = await db.calendar_shares.find_one_and_delete({"_id": share_id(calendar_id, grantee_id)})
    if removed is None:
        raise NotFoundError("This calendar is not shared with that person.")
    await record_audit(
        db,
        "calendar.unshared",
        actor_id=actor.id,
        actor_email=actor.email,
        target_type="calendar",
        target_id=calendar_id,
        origin=origin,
        details={"grantee": removed.get("grantee_email", ""), "role": removed.get("role", "")},
    )


async def set_shared_view(
    db: Collections, user_id: str, calendar: AccessibleCalendar, visible: bool | None, color: str | None
) -> AccessibleCalendar:
    """A grantee's own colour and visibility for a calendar shared with them (the owner's stay as they are)."""
    if not calendar.shared_with_me:
        raise ForbiddenError("Use the calendar's own settings.")
    changes: dict = {"updated_at": utc_now()}
    if visible is not None:
        changes["visible"] = visible
    if color is not None:
        changes["color"] = color
    await db.calendar_shares.update_one({"_id": share_id(calendar.id, user_id)}, {"$set": changes})
    return AccessibleCalendar(
        calendar.calendar,
        calendar.role,
        color if color is not None else calendar.color,
        visible if visible is not None else calendar.visible,
        shared_with_me=True,
    )
