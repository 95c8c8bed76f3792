"""Local accounts and server-side sessions: sign up, sign in, session tokens, sign out.

Sign-in is throttled per account and per client address (see `throttle`) and every outcome is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from pymongo.errors import DuplicateKeyError

from scheduler_app.backend.audit import RequestOrigin, record_audit
from scheduler_app.backend.auth import throttle
from scheduler_app.backend.auth.admin import promote_configured_admin, role_for_new_account
from scheduler_app.backend.auth.keys import derive_key
from scheduler_app.backend.auth.passwords import hash_password, needs_rehash, verify_password
from scheduler_app.backend.db import Collections
from scheduler_app.backend.email_address import normalize_email
from scheduler_app.backend.errors import (
    AuthenticationError,
    ConflictError,
    FieldProblem,
    InvalidInputError,
    NotFoundError,
    TooManyRequestsError,
)
from scheduler_app.backend.events.calendars import ensure_default_calendar
from scheduler_app.backend.events.timing import parse_zone
from scheduler_app.backend.models import LoginTicketDoc, SessionDoc, UserDoc, utc_now

PASSWORD_MIN = 8
PASSWORD_MAX = 1_024
NAME_MAX = 100
LOGIN_TICKET_TTL = dt.timedelta(minutes=2)
# Sliding expiry is written at most this often, so reads stay reads.
SESSION_TOUCH_INTERVAL = dt.timedelta(minutes=5)


def token_digest(token: str) -> str:
    """What we store for a secret token: its SHA-256, so a database leak reveals no cookie."""
    return hashlib.sha256(token.encode()).hexdigest()


def session_public_id(session_id: str) -> str:
    """A session's shareable id: an HMAC of its digest, so listing sessions never exposes the digest."""
    return hmac.new(derive_key("session-public-id"), session_id.encode(), hashlib.sha256).hexdigest()[:32]


def validate_password(password: str) -> str:
    """The password when its length is acceptable (argon2 makes very long ones needlessly costly)."""
    if len(password or "") < PASSWORD_MIN:
        raise InvalidInputError(
            "Password too short.",
            [FieldProblem("password", f"Use at least {PASSWORD_MIN} characters.")],
        )
    if len(password) > PASSWORD_MAX:
        raise InvalidInputError(
            "Password too long.", [FieldProblem("password", f"Use at most {PASSWORD_MAX} characters.")]
        )
    return password


async def sign_up(
    db: Collections,
    email: str,
    name: str,
    password: str,
    time_zone: str | None = None,
    *,
    origin: RequestOrigin | None = None,
) -> UserDoc:
    """Create an account with its default calendar (audited: who signed up, from where)."""
    problems: list[FieldProblem] = []
    try:
        email = normalize_email(email)
    except InvalidInputError as error:
        problems += error.errors
    name = (name or "").strip()
    if not 1 <= len(name) <= NAME_MAX:
        problems.append(FieldProblem("name", f"Enter your name (at most {NAME_MAX} characters)."))
    try:
        validate_password(password)
    except InvalidInputError as error:
        problems += error.errors
    if time_zone:
        try:
            parse_zone(time_zone)
        except InvalidInputError:
            time_zone = None
    if problems:
        raise InvalidInputError("Please correct the highlighted fields.", problems)
    user = UserDoc(email=email, name=name, password_hash=hash_password(password), time_zone=time_zone)
    user.role = await role_for_new_account(db, email, user.id)
    try:
        await db.users.insert_one(user.to_mongo())
    except DuplicateKeyError:
        raise ConflictError("An account with this e-mail already exists. Sign in instead.") from None
    await ensure_default_calendar(db, user.id, name)
    await record_audit(
        db,
        "auth.sign_up",
        actor_id=user.id,
        actor_email=user.email,
        target_type="user",
        target_id=user.id,
        origin=origin,
        details={"method": "password", "role": user.role},
    )
    return user


async def authenticate(
    db: Collections, email: str, password: str, *, origin: RequestOrigin | None = None
) -> UserDoc:
    """The account for these credentials, or one non-revealing error.

    Raises TooManyRequestsError, before looking at the password, while the account or the client's
    address is locked after repeated failures; each attempt is written to the audit log.
    """
    origin = origin or RequestOrigin()
    email = (email or "").strip().lower()
    try:
        await throttle.ensure_allowed(db, email, origin.ip)
    except TooManyRequestsError:
        await record_audit(
            db, "auth.sign_in_throttled", actor_email=email[:320], origin=origin, outcome="failure"
        )
        raise
    document = await db.users.find_one({"email": email})
    user = UserDoc.from_mongo(document) if document else None
    if not verify_password(user.password_hash if user else None, password or "") or user is None:
        await throttle.record_failure(db, email, origin.ip)
        reason = "unknown_account" if user is None else "wrong_password"
        await record_audit(
            db,
            "auth.sign_in_failed",
            actor_id=user.id if user else None,
            actor_email=email[:320],
            target_type="user" if user else "",
            target_id=user.id if user else "",
            origin=origin,
            outcome="failure",
            details={"reason": reason},
        )
        raise AuthenticationError("Wrong e-mail or password.")
    if user.disabled:
        await record_audit(
            db,
            "auth.sign_in_failed",
            actor_id=user.id,
            actor_email=email,
            target_type="user",
            target_id=user.id,
            origin=origin,
            outcome="failure",
            details={"reason": "disabled"},
        )
        raise AuthenticationError("This account is disabled.")
    await throttle.record_success(db, email)
    if needs_rehash(user.password_hash):
        await db.users.update_one({"_id": user.id}, {"$set": {"password_hash": hash_password(password)}})
    user = await promote_configured_admin(db, user, origin)
    await audit_sign_in(db, user, origin)
    return user


async def audit_sign_in(
    db: Collections, user: UserDoc, origin: RequestOrigin | None, method: str = "password"
) -> None:
    """The audit entry of a successful sign-in, whichever way the user proved who they are."""
    await record_audit(
        db,
        "auth.sign_in",
        actor_id=user.id,
        actor_email=user.email,
        target_type="user",
        target_id=user.id,
        origin=origin,
        details={"method": method},
    )


async def issue_login_ticket(db: Collections, user_id: str, next_path: str = "/") -> str:
    """A short-lived single-use ticket that the cookie-setting endpoint redeems."""
    ticket = secrets.token_urlsafe(32)
    await db.login_tickets.insert_one(
        LoginTicketDoc(
            id=token_digest(ticket),
            user_id=user_id,
            expires_at=utc_now() + LOGIN_TICKET_TTL,
            next_path=next_path,
        ).to_mongo()
    )
    return ticket


async def redeem_login_ticket(db: Collections, ticket: str) -> LoginTicketDoc:
    document = await db.login_tickets.find_one_and_delete({"_id": token_digest(ticket or "")})
    if document is None:
        raise AuthenticationError("This sign-in link was already used or is invalid.")
    redeemed = LoginTicketDoc.from_mongo(document)
    if redeemed.expires_at <= utc_now():
        raise AuthenticationError("This sign-in link has expired; sign in again.")
    return redeemed


@dataclass(frozen=True)
class SignedIn:
    session: SessionDoc
    user: UserDoc


async def create_session(
    db: Collections, user_id: str, ttl: dt.timedelta, user_agent: str = "", ip: str = ""
) -> tuple[str, SessionDoc]:
    """A new session; returns the cookie token (only its digest is stored)."""
    token = secrets.token_urlsafe(32)
    session = SessionDoc(
        id=token_digest(token),
        user_id=user_id,
        expires_at=utc_now() + ttl,
        user_agent=user_agent[:300],
        ip=ip[:64],
    )
    await db.sessions.insert_one(session.to_mongo())
    return token, session


async def resolve_session(db: Collections, token: str | None, ttl: dt.timedelta) -> SignedIn:
    """The live session and user behind a cookie token, extending the session on use."""
    if not token:
        raise AuthenticationError()
    document = await db.sessions.find_one({"_id": token_digest(token)})
    now = utc_now()
    if document is None:
        raise AuthenticationError("Your session has ended; sign in again.")
    session = SessionDoc.from_mongo(document)
    if session.expires_at <= now:
        await db.sessions.delete_one({"_id": session.id})
        raise AuthenticationError("Your session has expired; sign in again.")
    user_document = await db.users.find_one({"_id": session.user_id})
    if user_document is None or user_document.get("disabled"):
        await db.sessions.delete_one({"_id": session.id})
        raise AuthenticationError("This account is no longer available.")
    if now - session.last_seen_at >= SESSION_TOUCH_INTERVAL:
        await db.sessions.update_one(
            {"_id": session.id}, {"$set": {"last_seen_at": now, "expires_at": now + ttl}}
        )
    return SignedIn(session=session, user=UserDoc.from_mongo(user_document))


async def end_session(db: Collections, token: str | None, *, origin: RequestOrigin | None = None) -> None:
    """Sign out: delete the cookie's session (audited when there was one)."""
    if not token:
        return
    document = await db.sessions.find_one_and_delete({"_id": token_digest(token)})
    if document is not None:
        await record_audit(
            db,
            "auth.sign_out",
            actor_id=document["user_id"],
            target_type="session",
            target_id=session_public_id(document["_id"]),
            origin=origin,
        )


async def set_time_zone(db: Collections, user_id: str, time_zone: str | None) -> UserDoc:
    """Store the user's display zone; None means "follow the browser"."""
    if time_zone:
        parse_zone(time_zone)
    document = await db.users.find_one_and_update(
        {"_id": user_id}, {"$set": {"time_zone": time_zone or None}}, return_document=True
    )
    if document is None:
        raise NotFoundError("No such user.")
    return UserDoc.from_mongo(document)
