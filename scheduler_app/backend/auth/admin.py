"""What an organisation admin may do: manage accounts and roles, read the audit log and the local outbox.

Who is an admin: the first account created on an instance (claimed with a unique marker document, so
of two simultaneous first sign-ups exactly one wins), plus every e-mail listed in ADMIN_EMAILS (made
admin when it signs up or signs in). An instance that already has accounts when this code arrives gets
its admins through ADMIN_EMAILS. There is always at least one active admin: role and status changes
that would leave none are refused inside a transaction that also writes a guard document, so two
admins demoting each other at the same moment conflict instead of both succeeding.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import email
import email.parser
import email.policy
import email.utils
import io
import mailbox
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from scheduler_app.backend.audit import AuditEntryDoc, RequestOrigin, record_audit
from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import (
    ConflictError,
    FieldProblem,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from scheduler_app.backend.mail.outbox import outbox_path
from scheduler_app.backend.models import UserDoc, UserRole, utc_now
from scheduler_app.settings import get_settings

ROLES: tuple[UserRole, ...] = ("member", "admin")
USERS_PAGE_MAX = 200
AUDIT_PAGE_MAX = 500
AUDIT_EXPORT_MAX = 50_000
OUTBOX_LIST_MAX = 200
FIRST_ACCOUNT_CLAIM = "first-account"
ADMIN_GUARD = "admin-guard"
# Spreadsheets run cells starting with these as formulas (CSV injection): such cells get a leading '.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
AUDIT_CSV_COLUMNS = (
    "at",
    "action",
    "outcome",
    "actor_id",
    "actor_email",
    "target_type",
    "target_id",
    "ip",
    "user_agent",
    "details",
)
_MAILDIR_KEY = re.compile(r"^[A-Za-z0-9._,:=-]{1,200}$")


def _claims(db: Collections) -> Any:
    """Instance-wide marker documents (first-account claim, admin guard)."""
    return db.database["instance_claims"]


def configured_admin_emails() -> frozenset[str]:
    return frozenset(part.strip().lower() for part in get_settings().admin_emails.split(",") if part.strip())


async def role_for_new_account(db: Collections, email_address: str, user_id: str) -> UserRole:
    """Admin for a configured e-mail or the instance's first account; member otherwise."""
    if email_address.lower() in configured_admin_emails():
        return "admin"
    if await db.users.find_one({}, projection={"_id": 1}) is not None:
        return "member"
    try:
        await _claims(db).insert_one({"_id": FIRST_ACCOUNT_CLAIM, "user_id": user_id, "at": utc_now()})
    except DuplicateKeyError:
        return "member"
    return "admin"


async def promote_configured_admin(db: Collections, user: UserDoc, origin: RequestOrigin | None) -> UserDoc:
    """A member whose e-mail is now in ADMIN_EMAILS becomes admin at sign-in (and it is audited)."""
    if user.role == "admin" or user.email.lower() not in configured_admin_emails():
        return user
    await db.users.update_one({"_id": user.id}, {"$set": {"role": "admin"}})
    await record_audit(
        db,
        "admin.role_changed",
        actor_email="ADMIN_EMAILS",
        target_type="user",
        target_id=user.id,
        origin=origin,
        details={"email": user.email, "from": user.role, "to": "admin"},
    )
    return user.model_copy(update={"role": "admin"})


def require_admin(user: UserDoc) -> None:
    if user.role != "admin" or user.disabled:
        raise ForbiddenError("Only admins may do that.")


# --- accounts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserPage:
    users: list[UserDoc]
    next_after: str | None


async def list_users(db: Collections, query: str = "", after: str = "", limit: int = 50) -> UserPage:
    """Accounts by e-mail, optionally those whose e-mail or name contains `query`; page with `after`."""
    limit = max(1, min(limit, USERS_PAGE_MAX))
    filters: dict[str, Any] = {}
    if after:
        filters["email"] = {"$gt": after}
    if query := query.strip()[:100]:
        pattern = {"$regex": re.escape(query), "$options": "i"}
        filters["$or"] = [{"email": pattern}, {"name": pattern}]
    cursor = db.users.find(filters).sort("email", 1).limit(limit + 1)
    users = [UserDoc.from_mongo(document) async for document in cursor]
    more = len(users) > limit
    users = users[:limit]
    return UserPage(users, users[-1].email if more else None)


async def _active_admins_besides(db: Collections, user_id: str, session: Any) -> int:
    return await db.users.count_documents(
        {"role": "admin", "disabled": {"$ne": True}, "_id": {"$ne": user_id}}, session=session
    )


async def update_user(
    db: Collections,
    actor: UserDoc,
    user_id: str,
    *,
    disabled: bool | None = None,
    role: str | None = None,
    origin: RequestOrigin | None = None,
) -> UserDoc:
    """Disable/enable an account or change its role. Disabling ends all its sessions at once."""
    require_admin(actor)
    if role is not None and role not in ROLES:
        raise InvalidInputError("Unknown role.", [FieldProblem("role", "Choose member or admin.")])
    if actor.id == user_id and (disabled or role == "member"):
        raise ConflictError("You cannot disable or demote your own account; ask another admin.")
    before: dict[str, Any] = {}

    async def write(session: Any) -> None:
        document = await db.users.find_one({"_id": user_id}, session=session)
        if document is None:
            raise NotFoundError("No such user.")
        before.update(document)
        changes: dict[str, Any] = {}
        if disabled is not None and disabled != bool(document.get("disabled")):
            changes["disabled"] = disabled
        if role is not None and role != document.get("role", "member"):
            changes["role"] = role
        if not changes:
            return
        loses_admin = document.get("role") == "admin" and not document.get("disabled")
        loses_admin = loses_admin and (changes.get("disabled") is True or changes.get("role") == "member")
        if loses_admin:
            # Every admin-losing change writes this guard, so concurrent ones conflict and are retried.
            await _claims(db).update_one(
                {"_id": ADMIN_GUARD}, {"$inc": {"version": 1}}, upsert=True, session=session
            )
            if await _active_admins_besides(db, user_id, session) == 0:
                raise ConflictError("This is the last admin; make someone else admin first.")
        await db.users.update_one({"_id": user_id}, {"$set": changes}, session=session)
        if changes.get("disabled"):
            await db.sessions.delete_many({"user_id": user_id}, session=session)

    async with db.database.client.start_session() as session:
        await session.with_transaction(write)
    updated = await db.users.find_one({"_id": user_id})
    assert updated is not None
    user = UserDoc.from_mongo(updated)
    common = {"actor_id": actor.id, "actor_email": actor.email, "target_type": "user", "origin": origin}
    if bool(before.get("disabled")) != user.disabled:
        action = "admin.user_disabled" if user.disabled else "admin.user_enabled"
        await record_audit(db, action, target_id=user.id, details={"email": user.email}, **common)
    if before.get("role", "member") != user.role:
        await record_audit(
            db,
            "admin.role_changed",
            target_id=user.id,
            details={"email": user.email, "from": before.get("role", "member"), "to": user.role},
            **common,
        )
    return user


# --- audit log --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntryDoc]
    next_cursor: str | None


def _audit_cursor(entry: AuditEntryDoc) -> str:
    return f"{int(entry.at.timestamp() * 1000)}.{entry.id}"


def _parse_audit_cursor(cursor: str) -> tuple[dt.datetime, str]:
    millis, _, entry_id = cursor.partition(".")
    try:
        at = dt.datetime.fromtimestamp(int(millis) / 1000, dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise InvalidInputError(
            "Bad cursor.", [FieldProblem("cursor", "Use next_cursor as given.")]
        ) from None
    if not entry_id:
        raise InvalidInputError("Bad cursor.", [FieldProblem("cursor", "Use next_cursor as given.")])
    return at, entry_id


def _audit_filters(action: str, actor: str) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if action := action.strip():
        filters["action"] = action[:100]
    if actor := actor.strip():
        if "@" in actor:
            filters["actor_email"] = actor.lower()[:320]
        else:
            filters["actor_id"] = actor[:64]
    return filters


async def search_audit(
    db: Collections, *, action: str = "", actor: str = "", cursor: str = "", limit: int = 50
) -> AuditPage:
    """Entries newest first, filtered by exact action and actor (e-mail or user id), paged by cursor."""
    limit = max(1, min(limit, AUDIT_PAGE_MAX))
    filters = _audit_filters(action, actor)
    seen_at: dt.datetime | None = None
    seen_id = ""
    if cursor:
        seen_at, seen_id = _parse_audit_cursor(cursor)
        filters["at"] = {"$lte": seen_at}
    found: list[AuditEntryDoc] = []
    rows = db.audit_log.find(filters).sort([("at", DESCENDING), ("_id", DESCENDING)])
    async for document in rows:
        entry = AuditEntryDoc.from_mongo(document)
        # Entries sharing the cursor's millisecond were shown up to the cursor's id.
        if seen_at is not None and entry.at == seen_at and entry.id >= seen_id:
            continue
        found.append(entry)
        if len(found) > limit:
            break
    await rows.close()
    more = len(found) > limit
    found = found[:limit]
    return AuditPage(found, _audit_cursor(found[-1]) if more else None)


async def export_audit(db: Collections, *, action: str = "", actor: str = "") -> list[AuditEntryDoc]:
    """Every matching entry (newest first, at most AUDIT_EXPORT_MAX) for the CSV download."""
    rows = db.audit_log.find(_audit_filters(action, actor)).sort("at", DESCENDING).limit(AUDIT_EXPORT_MAX)
    return [AuditEntryDoc.from_mongo(document) async for document in rows]


def csv_cell(value: Any) -> str:
    """One cell's text, defused so that no spreadsheet evaluates it as a formula."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        text = "; ".join(f"{key}={item}" for key, item in value.items())
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def audit_csv_lines(entries: Iterable[AuditEntryDoc]) -> Iterator[str]:
    """The header and one line per entry (RFC 4180 quoting, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Iterable[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(cell) for cell in cells])
        return buffer.getvalue()

    yield line(AUDIT_CSV_COLUMNS)
    for entry in entries:
        yield line(getattr(entry, column) for column in AUDIT_CSV_COLUMNS)


# --- local outbox -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxItem:
    key: str
    subject: str
    to: str
    sent_at: dt.datetime | None


@dataclass(frozen=True)
class OutboxMessage:
    key: str
    subject: str
    to: str
    sender: str
    sent_at: dt.datetime | None
    text: str


def _date(value: str | None) -> dt.datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _read_outbox(limit: int) -> list[OutboxItem]:
    path = outbox_path()
    if not (path / "new").is_dir():
        return []
    items: list[OutboxItem] = []
    maildir = mailbox.Maildir(path, create=False)
    # Parsed with the modern policy so encoded headers (RFC 2047, e.g. non-ASCII subjects) read as text.
    parser = email.parser.BytesHeaderParser(policy=email.policy.default)
    for key in maildir.iterkeys():
        try:
            headers = parser.parsebytes(maildir.get_bytes(key))
        except KeyError:  # removed while listing
            continue
        subject, to = str(headers.get("Subject", "")), str(headers.get("To", ""))
        items.append(OutboxItem(key, subject, to, _date(headers.get("Date"))))
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    items.sort(key=lambda item: item.sent_at or oldest, reverse=True)
    return items[:limit]


async def list_outbox(limit: int = OUTBOX_LIST_MAX) -> list[OutboxItem]:
    """Newest mails in the local outbox (the Maildir used when SMTP_URL is unset)."""
    return await asyncio.to_thread(_read_outbox, max(1, min(limit, OUTBOX_LIST_MAX)))


def _read_outbox_message(key: str) -> OutboxMessage:
    if not _MAILDIR_KEY.match(key or ""):
        raise NotFoundError("No such message.")
    path = outbox_path()
    if not (path / "new").is_dir():
        raise NotFoundError("No such message.")
    try:
        raw = mailbox.Maildir(path, create=False).get_bytes(key)
    except KeyError:
        raise NotFoundError("No such message.") from None
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain", "html"))  # type: ignore[attr-defined]
    text = body.get_content() if body is not None else ""
    return OutboxMessage(
        key=key,
        subject=str(message.get("Subject", "")),
        to=str(message.get("To", "")),
        sender=str(message.get("From", "")),
        sent_at=_date(message.get("Date")),
        text=text,
    )


async def read_outbox_message(key: str) -> OutboxMessage:
    return await asyncio.to_thread(_read_outbox_message, key)
