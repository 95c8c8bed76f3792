"""Event types: the owner's CRUD, the public lookup by link, and the owner's stable public handle."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from scheduler_app.backend.auth.keys import derive_key
from scheduler_app.backend.booking.documents import EventTypeDoc, HostDoc, QuestionDoc
from scheduler_app.backend.booking.schemas import (
    EventTypeIn,
    EventTypePublic,
    EventTypeUpdate,
    HostPublic,
    QuestionPublic,
    validated,
)
from scheduler_app.backend.db import Collections
from scheduler_app.backend.email_address import normalize_email
from scheduler_app.backend.errors import ConflictError, FieldProblem, InvalidInputError, NotFoundError
from scheduler_app.backend.events.calendar_access import share_id
from scheduler_app.backend.models import UserDoc, new_id, utc_now

MAX_EVENT_TYPES_PER_USER = 100
_NOT_FOUND = "No such booking page."


def _slugify(text: str, limit: int = 24) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")


def handle_for(user: UserDoc) -> str:
    """A readable, unguessable-enough public name for the owner: "ada-lovelace-k3v9qa".

    The suffix is an HMAC of the user id, so ids never appear in links and two Adas differ.
    """
    digest = hmac.new(derive_key("booking-handle"), user.id.encode(), hashlib.sha256).digest()
    suffix = base64.b32encode(digest).decode().lower()[:6]
    return f"{_slugify(user.name) or 'user'}-{suffix}"


async def _owner_handle(db: Collections, user: UserDoc) -> str:
    """The handle already on the owner's event types (links stay stable if the name changes)."""
    existing = await db.event_types.find_one({"owner_id": user.id}, {"owner_handle": 1})
    return existing["owner_handle"] if existing else handle_for(user)


async def _shares_with(db: Collections, host_id: str, owner_id: str) -> bool:
    """Whether the host agreed to show the owner their time: their default calendar is shared with them.

    A booking page shows its hosts' free time to anyone with the link, so naming a colleague as a host
    needs their consent; sharing their calendar with the page's owner (any role) is that consent.
    """
    calendar = await db.calendars.find_one({"owner_id": host_id, "is_default": True}, {"_id": 1})
    if calendar is None:
        return False
    return (
        await db.calendar_shares.find_one({"_id": share_id(calendar["_id"], owner_id)}, {"_id": 1})
        is not None
    )


async def _hosts(db: Collections, owner: UserDoc, data: EventTypeIn) -> list[HostDoc]:
    """Hosts from e-mails (the owner alone when none); a 422 names each unknown or repeated one."""
    if not data.hosts:
        return [HostDoc(user_id=owner.id, priority=0)]
    problems: list[FieldProblem] = []
    wanted: dict[str, tuple[int, int]] = {}
    for index, host in enumerate(data.hosts):
        try:
            email = normalize_email(host.email, f"hosts[{index}].email")
        except InvalidInputError as error:
            problems += error.errors
            continue
        if email in wanted:
            problems.append(FieldProblem(f"hosts[{index}].email", f"{email} is already a host."))
        wanted[email] = (index, host.priority)
    users = {
        user["email"]: user["_id"]
        async for user in db.users.find(
            {"email": {"$in": list(wanted)}, "disabled": {"$ne": True}}, {"email": 1}
        )
    }
    for email, (index, _) in wanted.items():
        if email not in users:
            problems.append(FieldProblem(f"hosts[{index}].email", f"{email} has no account here."))
        elif users[email] != owner.id and not await _shares_with(db, users[email], owner.id):
            problems.append(
                FieldProblem(
                    f"hosts[{index}].email",
                    f"{email} has not shared their calendar with you; ask them to share it (free/busy is "
                    "enough) before making them a host.",
                )
            )
    if problems:
        raise InvalidInputError("Some hosts cannot be used.", problems)
    return [HostDoc(user_id=users[email], priority=priority) for email, (_, priority) in wanted.items()]


def _questions(data: EventTypeIn) -> list[QuestionDoc]:
    return [
        QuestionDoc(id=item.id or new_id()[:12], label=item.label, required=item.required, kind=item.kind)
        for item in data.questions
    ]


async def _fields(db: Collections, owner: UserDoc, data: EventTypeIn) -> dict:
    fields = data.model_dump(exclude={"hosts", "questions"})
    fields["hosts"] = [host.model_dump() for host in await _hosts(db, owner, data)]
    fields["questions"] = [question.model_dump() for question in _questions(data)]
    return fields


def _slug_taken(data: EventTypeIn) -> ConflictError:
    return ConflictError(f"You already have a booking page at “{data.slug}”; choose another link name.")


async def create_event_type(db: Collections, owner: UserDoc, data: EventTypeIn) -> EventTypeDoc:
    if await db.event_types.count_documents({"owner_id": owner.id}) >= MAX_EVENT_TYPES_PER_USER:
        raise ConflictError(f"You already have {MAX_EVENT_TYPES_PER_USER} booking pages.")
    doc = EventTypeDoc.model_validate(
        {
            "owner_id": owner.id,
            "owner_handle": await _owner_handle(db, owner),
            **await _fields(db, owner, data),
        }
    )
    try:
        await db.event_types.insert_one(doc.to_mongo())
    except DuplicateKeyError:
        raise _slug_taken(data) from None
    return doc


async def list_event_types(db: Collections, owner_id: str) -> list[EventTypeDoc]:
    cursor = db.event_types.find({"owner_id": owner_id}).sort([("created_at", 1), ("_id", 1)])
    return [EventTypeDoc.from_mongo(document) async for document in cursor]


async def get_event_type(db: Collections, owner_id: str, type_id: str) -> EventTypeDoc:
    """The owner's event type; anyone else's is reported as not found."""
    document = await db.event_types.find_one({"_id": type_id, "owner_id": owner_id})
    if document is None:
        raise NotFoundError(_NOT_FOUND)
    return EventTypeDoc.from_mongo(document)


async def update_event_type(
    db: Collections, owner: UserDoc, type_id: str, data: EventTypeUpdate
) -> EventTypeDoc:
    """Apply the given fields and check the result as a whole (e.g. a new slug against the pattern)."""
    current = await get_event_type(db, owner.id, type_id)
    hosts = await _host_inputs(db, current)
    merged = {
        **current.model_dump(include=set(EventTypeIn.model_fields) - {"hosts"}),
        "hosts": hosts,
        **data.model_dump(exclude_unset=True),
    }
    checked: EventTypeIn = validated(EventTypeIn, merged)
    changes = await _fields(db, owner, checked)
    changes["updated_at"] = utc_now()
    try:
        document = await db.event_types.find_one_and_update(
            {"_id": type_id, "owner_id": owner.id}, {"$set": changes}, return_document=ReturnDocument.AFTER
        )
    except DuplicateKeyError:
        raise _slug_taken(checked) from None
    if document is None:
        raise NotFoundError(_NOT_FOUND)
    return EventTypeDoc.from_mongo(document)


async def delete_event_type(db: Collections, owner_id: str, type_id: str) -> None:
    """Remove the page; bookings already made keep their events and manage links (cancel only)."""
    result = await db.event_types.delete_one({"_id": type_id, "owner_id": owner_id})
    if result.deleted_count == 0:
        raise NotFoundError(_NOT_FOUND)


async def public_event_type(db: Collections, who: str, slug: str) -> EventTypeDoc:
    """An active event type by owner handle (or owner id) and slug; otherwise 404."""
    document = await db.event_types.find_one({"owner_handle": who, "slug": slug, "active": True})
    if document is None:
        document = await db.event_types.find_one({"owner_id": who, "slug": slug, "active": True})
    if document is None:
        raise NotFoundError(_NOT_FOUND)
    return EventTypeDoc.from_mongo(document)


async def users_by_id(db: Collections, user_ids: list[str]) -> dict[str, dict]:
    return {
        user["_id"]: user
        async for user in db.users.find(
            {"_id": {"$in": user_ids}}, {"email": 1, "name": 1, "time_zone": 1, "disabled": 1}
        )
    }


async def _host_inputs(db: Collections, doc: EventTypeDoc) -> list[dict]:
    users = await users_by_id(db, [host.user_id for host in doc.hosts])
    return [
        {"email": users[host.user_id]["email"], "priority": host.priority}
        for host in doc.hosts
        if host.user_id in users
    ]


def booking_path(doc: EventTypeDoc) -> str:
    return f"/book/{doc.owner_handle}/{doc.slug}"


async def to_public(db: Collections, doc: EventTypeDoc) -> EventTypePublic:
    users = await users_by_id(db, [host.user_id for host in doc.hosts])
    return EventTypePublic(
        **doc.model_dump(exclude={"hosts", "questions", "created_at", "updated_at", "owner_id"}),
        booking_path=booking_path(doc),
        questions=[QuestionPublic(**question.model_dump()) for question in doc.questions],
        hosts=[
            HostPublic(
                email=users[host.user_id]["email"],
                name=users[host.user_id].get("name", ""),
                priority=host.priority,
            )
            for host in doc.hosts
            if host.user_id in users
        ],
        created_at=doc.created_at.isoformat(),
        updated_at=doc.updated_at.isoformat(),
    )
