"""The calendar policy: what each role on a calendar permits, and which calendars a user can reach.

A calendar belongs to its owner; sharing gives another user one role on it (decision 0012):
owner (everything, including sharing), editor (read and change events), viewer (read events) or
free/busy (see only when it is busy). Every path that touches a calendar (UI, REST API, exports,
find-a-time) asks this module; nothing else compares owner ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import ForbiddenError, NotFoundError
from scheduler_app.backend.models import CalendarDoc, CalendarShareDoc

CalendarRole = Literal["owner", "editor", "viewer", "freebusy"]
CALENDAR_ROLES: tuple[str, ...] = get_args(CalendarRole)
Ability = Literal["busy", "read", "write", "manage"]

ABILITIES: dict[str, frozenset[str]] = {
    "owner": frozenset({"busy", "read", "write", "manage"}),
    "editor": frozenset({"busy", "read", "write"}),
    "viewer": frozenset({"busy", "read"}),
    "freebusy": frozenset({"busy"}),
}
REFUSALS: dict[str, str] = {
    "read": "You can only see when this calendar is busy.",
    "write": "You can view this calendar but not change its events.",
    "manage": "Only the calendar's owners can change its settings and sharing.",
}


def can(role: str | None, ability: Ability) -> bool:
    return role is not None and ability in ABILITIES.get(role, frozenset())


@dataclass(frozen=True)
class AccessibleCalendar:
    """A calendar as one user sees it: their role, and their own colour and visibility for it."""

    calendar: CalendarDoc
    role: CalendarRole
    color: str
    visible: bool
    shared_with_me: bool = False

    @property
    def id(self) -> str:
        return self.calendar.id


def share_id(calendar_id: str, user_id: str) -> str:
    """One share per (calendar, user): its id is their pair, so a second grant is an update."""
    return f"{calendar_id}:{user_id}"


def _own(calendar: CalendarDoc) -> AccessibleCalendar:
    return AccessibleCalendar(calendar, "owner", calendar.color, calendar.visible)


async def accessible_calendars(db: Collections, user_id: str) -> list[AccessibleCalendar]:
    """The user's own calendars (oldest first, default leading), then those shared with them."""
    own = [
        _own(CalendarDoc.from_mongo(document))
        async for document in db.calendars.find({"owner_id": user_id}).sort([("created_at", 1), ("_id", 1)])
    ]
    shares = [
        CalendarShareDoc.from_mongo(document)
        async for document in db.calendar_shares.find({"grantee_id": user_id}).sort("created_at", 1)
    ]
    if not shares:
        return own
    found = {
        document["_id"]: CalendarDoc.from_mongo(document)
        async for document in db.calendars.find({"_id": {"$in": [share.calendar_id for share in shares]}})
    }
    shared = [
        AccessibleCalendar(
            found[share.calendar_id],
            share.role,
            share.color or found[share.calendar_id].color,
            share.visible,
            shared_with_me=True,
        )
        for share in shares
        if share.calendar_id in found
    ]
    return own + shared


async def calendar_role(db: Collections, user_id: str, calendar: CalendarDoc) -> CalendarRole | None:
    if calendar.owner_id == user_id:
        return "owner"
    document = await db.calendar_shares.find_one({"_id": share_id(calendar.id, user_id)}, {"role": 1})
    return document["role"] if document else None


async def calendar_for(
    db: Collections, user_id: str, calendar_id: str, ability: Ability
) -> AccessibleCalendar:
    """The calendar when the user may do `ability` on it.

    No role at all is "not found" (its existence is not revealed); a role that does not allow the
    action is "forbidden" with a message that says what the role does allow.
    """
    document = await db.calendars.find_one({"_id": calendar_id})
    if document is None:
        raise NotFoundError("No such calendar.")
    calendar = CalendarDoc.from_mongo(document)
    if calendar.owner_id == user_id:
        found = _own(calendar)
    else:
        share = await db.calendar_shares.find_one({"_id": share_id(calendar.id, user_id)})
        if share is None:
            raise NotFoundError("No such calendar.")
        grant = CalendarShareDoc.from_mongo(share)
        found = AccessibleCalendar(
            calendar, grant.role, grant.color or calendar.color, grant.visible, shared_with_me=True
        )
    if not can(found.role, ability):
        raise ForbiddenError(REFUSALS[ability])
    return found


async def roles_on(db: Collections, user_id: str, calendar_ids: set[str]) -> dict[str, CalendarRole]:
    """The user's role on each of these calendars (those without one are left out): one query each way."""
    if not calendar_ids:
        return {}
    roles: dict[str, CalendarRole] = {}
    async for document in db.calendars.find(
        {"_id": {"$in": sorted(calendar_ids)}, "owner_id": user_id}, {"_id": 1}
    ):
        roles[document["_id"]] = "owner"
    others = calendar_ids - roles.keys()
    if others:
        async for document in db.calendar_shares.find(
            {"_id": {"$in": [share_id(calendar_id, user_id) for calendar_id in sorted(others)]}},
            {"calendar_id": 1, "role": 1},
        ):
            roles[document["calendar_id"]] = document["role"]
    return roles
