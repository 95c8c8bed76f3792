"""A person's own account security: their sessions, a password change, and password reset by e-mail.

Sessions are shown and revoked by a public id (an HMAC of the stored digest), looked up only among
the caller's own sessions, so another person's session id is simply "not found". Reset links carry a
random token whose SHA-256 alone is stored; a link works once, for an hour, and using it signs the
account out everywhere and voids every other link. Asking for a link always gets the same answer, sent
in the background, so neither the reply nor its timing tells whether an account exists.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import secrets
import urllib.parse
from dataclasses import dataclass

import structlog

from scheduler_app.backend.audit import RequestOrigin, record_audit
from scheduler_app.backend.auth import throttle, tokens
from scheduler_app.backend.auth.passwords import hash_password, verify_password
from scheduler_app.backend.auth.service import session_public_id, token_digest, validate_password
from scheduler_app.backend.db import Collections
from scheduler_app.backend.email_address import normalize_email
from scheduler_app.backend.errors import (
    AuthenticationError,
    DomainError,
    FieldProblem,
    InvalidInputError,
    NotFoundError,
)
from scheduler_app.backend.mail.outbox import MailDeliveryError, compose, send_mail
from scheduler_app.backend.models import PasswordResetDoc, SessionDoc, UserDoc, utc_now
from scheduler_app.settings import get_settings

RESET_TTL = dt.timedelta(hours=1)
# At most one reset mail per account this often; further requests are answered alike but send nothing.
RESET_COOLDOWN = dt.timedelta(minutes=1)
RESET_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
INVALID_RESET_LINK = "This reset link is invalid, expired or already used. Ask for a new one."
log = structlog.get_logger("scheduler_app.account_security")
# Background mail tasks, kept referenced until done (the event loop holds only weak references).
_pending_mail: set[asyncio.Task[None]] = set()


# --- devices and sessions ---------------------------------------------------------------------------

_BROWSERS: tuple[tuple[str, str], ...] = (
    ("Edg/", "Edge"),
    ("EdgA/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("HeadlessChrome/", "Headless Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-httpx/", "Python httpx"),
    ("python-requests/", "Python requests"),
)
_SYSTEMS: tuple[tuple[str, str], ...] = (
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def describe_device(user_agent: str) -> str:
    """A readable device name from a User-Agent, e.g. "Chrome on Linux" (never the raw string)."""
    agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"Browser on {system}" if system else "Unknown device")


@dataclass(frozen=True)
class SessionView:
    """One signed-in device as its owner sees it."""

    id: str
    device: str
    ip: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    current: bool


async def _own_sessions(db: Collections, user_id: str) -> list[SessionDoc]:
    now = utc_now()
    sessions = [SessionDoc.from_mongo(document) async for document in db.sessions.find({"user_id": user_id})]
    return [session for session in sessions if session.expires_at > now]


async def list_sessions(db: Collections, user_id: str, current_session_id: str = "") -> list[SessionView]:
    """The user's live sessions, this device first, then the most recently used."""
    views = [
        SessionView(
            id=session_public_id(session.id),
            device=describe_device(session.user_agent),
            ip=session.ip,
            created_at=session.created_at,
            last_seen_at=session.last_seen_at,
            current=session.id == current_session_id,
        )
        for session in await _own_sessions(db, user_id)
    ]
    views.sort(key=lambda view: (not view.current, -view.last_seen_at.timestamp()))
    return views


async def revoke_session(
    db: Collections, user: UserDoc, public_id: str, *, origin: RequestOrigin | None = None
) -> None:
    """Sign one of the user's own sessions out; any other id is "not found"."""
    for session in await _own_sessions(db, user.id):
        if session_public_id(session.id) == public_id:
            await db.sessions.delete_one({"_id": session.id, "user_id": user.id})
            await record_audit(
                db,
                "auth.session_revoked",
                actor_id=user.id,
                actor_email=user.email,
                target_type="session",
                target_id=public_id,
                origin=origin,
                details={"device": describe_device(session.user_agent)},
            )
            return
    raise NotFoundError("No such session.")


async def revoke_other_sessions(
    db: Collections, user: UserDoc, current_session_id: str, *, origin: RequestOrigin | None = None
) -> int:
    """ "Sign out everywhere else": every session of the user but this one; returns how many ended."""
    result = await db.sessions.delete_many({"user_id": user.id, "_id": {"$ne": current_session_id}})
    await record_audit(
        db,
        "auth.sessions_revoked",
        actor_id=user.id,
        actor_email=user.email,
        target_type="user",
        target_id=user.id,
        origin=origin,
        details={"count": result.deleted_count, "scope": "others"},
    )
    return result.deleted_count


# --- password change --------------------------------------------------------------------------------


def _check_new_password(new_password: str, field: str = "new_password") -> str:
    try:
        return validate_password(new_password)
    except InvalidInputError as error:
        raise InvalidInputError(
            error.detail, [FieldProblem(field, p.message) for p in error.errors]
        ) from None


async def change_password(
    db: Collections,
    user: UserDoc,
    current_password: str,
    new_password: str,
    current_session_id: str,
    *,
    origin: RequestOrigin | None = None,
) -> int:
    """Set a new password after checking the current one; other sessions end. Returns how many ended.

    Wrong current passwords count towards the sign-in throttle, so a stolen session cannot be used
    to guess the password faster than the sign-in form allows.
    """
    origin = origin or RequestOrigin()
    await throttle.ensure_allowed(db, user.email, origin.ip)
    document = await db.users.find_one({"_id": user.id})
    if document is None:
        raise AuthenticationError()
    stored = UserDoc.from_mongo(document)
    if not verify_password(stored.password_hash or None, current_password or ""):
        await throttle.record_failure(db, user.email, origin.ip)
        await record_audit(
            db,
            "auth.password_change_failed",
            actor_id=user.id,
            actor_email=user.email,
            target_type="user",
            target_id=user.id,
            origin=origin,
            outcome="failure",
            details={"reason": "wrong_current_password"},
        )
        raise InvalidInputError(
            "Your current password is not right.",
            [FieldProblem("current_password", "This is not your current password.")],
        )
    _check_new_password(new_password)
    if new_password == current_password:
        raise InvalidInputError(
            "Choose a different password.",
            [FieldProblem("new_password", "The new password must differ from the current one.")],
        )
    await db.users.update_one({"_id": user.id}, {"$set": {"password_hash": hash_password(new_password)}})
    await throttle.record_success(db, user.email)
    ended = await db.sessions.delete_many({"user_id": user.id, "_id": {"$ne": current_session_id}})
    await tokens.revoke_sign_ins(db, user.id)  # API sign-ins made with the old password end too
    await db.password_resets.delete_many({"user_id": user.id})
    await record_audit(
        db,
        "auth.password_changed",
        actor_id=user.id,
        actor_email=user.email,
        target_type="user",
        target_id=user.id,
        origin=origin,
        details={"other_sessions_ended": ended.deleted_count},
    )
    return ended.deleted_count


# --- password reset by e-mail -----------------------------------------------------------------------


def reset_link(token: str) -> str:
    return get_settings().app_url.rstrip("/") + "/reset-password/" + urllib.parse.quote(token)


def _reset_mail_text(user: UserDoc, link: str) -> str:
    return (
        f"Hello {user.name},\n\n"
        "Someone (hopefully you) asked to reset the password of your Scheduler account.\n"
        f"Open this link within an hour to choose a new password:\n\n{link}\n\n"
        "The link works once. Using it signs you out on every device.\n"
        "If you did not ask for this, ignore this mail: your password stays as it is.\n"
    )


async def _send_quietly(to: str, subject: str, text: str) -> None:
    try:
        await send_mail(compose(to, subject, text))
    except (MailDeliveryError, OSError) as error:
        log.error("password_reset.mail_failed", error=str(error))


async def request_password_reset(db: Collections, email: str, *, origin: RequestOrigin | None = None) -> None:
    """Mail a reset link when the address belongs to an active account; the caller learns nothing."""
    try:
        address = normalize_email(email)
    except InvalidInputError:
        raise InvalidInputError(
            "Enter your e-mail address.", [FieldProblem("email", "Enter a valid e-mail address.")]
        ) from None
    document = await db.users.find_one({"email": address})
    user = UserDoc.from_mongo(document) if document else None
    if user is None or user.disabled:
        return
    now = utc_now()
    recent = await db.password_resets.find_one(
        {"user_id": user.id, "created_at": {"$gt": now - RESET_COOLDOWN}}
    )
    if recent is not None:
        return
    token = secrets.token_urlsafe(32)
    await db.password_resets.insert_one(
        PasswordResetDoc(
            id=token_digest(token), user_id=user.id, created_at=now, expires_at=now + RESET_TTL
        ).to_mongo()
    )
    await record_audit(
        db,
        "auth.password_reset_requested",
        actor_email=address,
        target_type="user",
        target_id=user.id,
        origin=origin,
    )
    task = asyncio.create_task(
        _send_quietly(user.email, "Reset your Scheduler password", _reset_mail_text(user, reset_link(token)))
    )
    _pending_mail.add(task)
    task.add_done_callback(_pending_mail.discard)


async def _live_reset(db: Collections, token: str) -> PasswordResetDoc:
    if not RESET_TOKEN_PATTERN.match(token or ""):
        raise _invalid_link()
    document = await db.password_resets.find_one({"_id": token_digest(token)})
    if document is None:
        raise _invalid_link()
    reset = PasswordResetDoc.from_mongo(document)
    if reset.expires_at <= utc_now():
        raise _invalid_link()
    return reset


def _invalid_link() -> DomainError:
    return InvalidInputError(INVALID_RESET_LINK, [FieldProblem("token", INVALID_RESET_LINK)])


async def check_reset_token(db: Collections, token: str) -> str:
    """The e-mail a live reset link is for (shown on the reset page), without using the link up."""
    reset = await _live_reset(db, token)
    document = await db.users.find_one({"_id": reset.user_id})
    if document is None or document.get("disabled"):
        raise _invalid_link()
    return str(document["email"])


async def reset_password(
    db: Collections, token: str, new_password: str, *, origin: RequestOrigin | None = None
) -> UserDoc:
    """Use a reset link: set the password, end every session, and void the user's other links."""
    _check_new_password(new_password, "password")
    await _live_reset(db, token)
    # Claiming the link by deleting it makes it single-use even when two requests race.
    document = await db.password_resets.find_one_and_delete({"_id": token_digest(token)})
    if document is None:
        raise _invalid_link()
    reset = PasswordResetDoc.from_mongo(document)
    user_document = await db.users.find_one({"_id": reset.user_id})
    if reset.expires_at <= utc_now() or user_document is None or user_document.get("disabled"):
        raise _invalid_link()
    user = UserDoc.from_mongo(user_document)
    await db.users.update_one({"_id": user.id}, {"$set": {"password_hash": hash_password(new_password)}})
    ended = await db.sessions.delete_many({"user_id": user.id})
    # Someone else may have known the old password: their API tokens go too.
    await tokens.revoke_all_for_user(db, user.id)
    await db.password_resets.delete_many({"user_id": user.id})
    await throttle.record_success(db, user.email)
    await record_audit(
        db,
        "auth.password_reset",
        actor_id=user.id,
        actor_email=user.email,
        target_type="user",
        target_id=user.id,
        origin=origin,
        details={"sessions_ended": ended.deleted_count},
    )
    return user
