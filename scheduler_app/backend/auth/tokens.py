"""REST API credentials: signed access tokens, rotating refresh tokens and personal access tokens.

Access tokens are short-lived JWTs (HS256, key derived for this purpose only) so most requests need no
token lookup; each names its refresh-token family (`sid`), which is checked so that revoking a sign-in
or detecting a replayed refresh token stops its access tokens at once. Refresh tokens and personal
access tokens are opaque random strings of which only the SHA-256 is stored. See decision 0009.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from typing import Literal, get_args

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from pymongo import DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession

from scheduler_app.backend.audit import RequestOrigin, record_audit
from scheduler_app.backend.auth.keys import derive_key
from scheduler_app.backend.auth.service import token_digest
from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import (
    AuthenticationError,
    ConflictError,
    DomainError,
    FieldProblem,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from scheduler_app.backend.models import (
    API_TOKEN_NAME_MAX,
    ApiTokenDoc,
    RefreshTokenDoc,
    TokenScope,
    UserDoc,
    new_id,
    utc_now,
)
from scheduler_app.settings import get_settings

ACCESS_TOKEN_TTL = dt.timedelta(minutes=15)
REFRESH_TOKEN_TTL = dt.timedelta(days=30)
# Clock skew tolerated between the machines that issue and check access tokens.
CLOCK_LEEWAY_SECONDS = 30
# RFC 9068 `typ`: an access token is never mistaken for another kind of JWT.
ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 (a media type, not a secret)
SIGNING_ALGORITHM = "HS256"
PAT_PREFIX = "sch_pat_"
PAT_HINT_LENGTH = len(PAT_PREFIX) + 4
PAT_EXPIRY_DAYS_MAX = 366
PAT_PER_USER_MAX = 50
# "Last used" is written at most this often, so that using a token stays a read.
LAST_USED_INTERVAL = dt.timedelta(minutes=1)
SCOPES: tuple[str, ...] = get_args(TokenScope)
SCOPE_LABELS: dict[str, str] = {"read": "Read only", "read_write": "Read & write"}

AuthMethod = Literal["session", "access_token", "personal_access_token"]


class InvalidTokenError(AuthenticationError):
    """A bearer token that is malformed, expired, revoked, tampered with or not for us (RFC 6750)."""

    def __init__(self, detail: str = "The access token is invalid or has expired."):
        super().__init__(detail)


class InsufficientScopeError(ForbiddenError):
    """A valid token whose scope does not allow this request (RFC 6750 `insufficient_scope`)."""

    def __init__(self, detail: str = "This token is read-only; use a read & write token to make changes."):
        super().__init__(detail)


class TokenGrantError(DomainError):
    """A refused request at the token endpoint, with its RFC 6749 error code."""

    def __init__(self, code: str, detail: str, status: int = 400):
        super().__init__(detail, status, "Token request refused")
        self.code = code


@dataclass(frozen=True)
class TokenPair:
    """What the token endpoint answers (RFC 6749 section 5.1)."""

    access_token: str
    refresh_token: str
    expires_in: int
    scope: TokenScope


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    scope: TokenScope
    family_id: str
    token_id: str


@dataclass(frozen=True)
class BearerGrant:
    """Who a valid bearer token acts for, and how far."""

    user: UserDoc
    scope: TokenScope
    method: AuthMethod
    token_id: str


def token_issuer() -> str:
    return get_settings().app_url.rstrip("/")


def token_audience() -> str:
    """Access tokens are for this app's REST API only (an ID token or another service's JWT is not)."""
    return token_issuer() + "/api/v1"


def _signing_key() -> OctKey:
    return OctKey.import_key(derive_key("api-access-token"))


def parse_scope(requested: str | None, granted: TokenScope = "read_write") -> TokenScope:
    """The scope a request asks for, which may narrow but never widen what was granted (RFC 6749 §6)."""
    wanted = (requested or "").strip() or granted
    if wanted not in SCOPES:
        raise TokenGrantError("invalid_scope", f"Unknown scope {wanted!r}; use 'read' or 'read_write'.")
    if wanted == "read_write" and granted == "read":
        raise TokenGrantError("invalid_scope", "A read-only grant cannot be widened to read_write.")
    return wanted  # type: ignore[return-value]


# Access tokens (JWT)


def issue_access_token(
    user_id: str, scope: TokenScope, family_id: str, now: int | None = None
) -> tuple[str, int]:
    """A signed access token and its lifetime in seconds."""
    issued_at = int(time.time()) if now is None else now
    lifetime = int(ACCESS_TOKEN_TTL.total_seconds())
    claims = {
        "iss": token_issuer(),
        "sub": user_id,
        "aud": token_audience(),
        "iat": issued_at,
        "exp": issued_at + lifetime,
        "jti": new_id(),
        "scope": scope,
        "sid": family_id,
    }
    header = {"alg": SIGNING_ALGORITHM, "typ": ACCESS_TOKEN_TYPE}
    return jwt.encode(header, claims, _signing_key(), algorithms=[SIGNING_ALGORITHM]), lifetime


def verify_access_token(token: str, now: int | None = None) -> AccessClaims:
    """The claims of a genuine, current access token for this API; anything else raises."""
    try:
        decoded = jwt.decode(token, _signing_key(), algorithms=[SIGNING_ALGORITHM])
    except (JoseError, ValueError, TypeError):
        raise InvalidTokenError("The access token is malformed or its signature does not match.") from None
    if decoded.header.get("typ") != ACCESS_TOKEN_TYPE:
        raise InvalidTokenError("This is not an access token.")
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=CLOCK_LEEWAY_SECONDS,
        iss={"essential": True, "value": token_issuer()},
        aud={"essential": True, "value": token_audience()},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        jti={"essential": True},
        sid={"essential": True},
        scope={"essential": True, "values": list(SCOPES)},
    )
    try:
        registry.validate(decoded.claims)
    except JoseError as error:
        if error.error == "expired_token":
            raise InvalidTokenError("The access token has expired; refresh it.") from None
        raise InvalidTokenError("The access token is not valid for this API.") from None
    claims = decoded.claims
    return AccessClaims(
        user_id=claims["sub"], scope=claims["scope"], family_id=str(claims["sid"]), token_id=claims["jti"]
    )


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2


# Refresh tokens


async def _insert_refresh_token(
    db: Collections,
    user_id: str,
    scope: TokenScope,
    family_id: str,
    session: AsyncClientSession | None = None,
) -> str:
    token = secrets.token_urlsafe(32)
    document = RefreshTokenDoc(
        id=token_digest(token),
        family_id=family_id,
        user_id=user_id,
        scope=scope,
        expires_at=utc_now() + REFRESH_TOKEN_TTL,
    )
    await db.refresh_tokens.insert_one(document.to_mongo(), session=session)
    return token


async def grant_tokens(db: Collections, user: UserDoc, scope: TokenScope = "read_write") -> TokenPair:
    """A fresh sign-in for an API client: an access token and the first refresh token of a new family."""
    family_id = new_id()
    refresh_token = await _insert_refresh_token(db, user.id, scope, family_id)
    access_token, lifetime = issue_access_token(user.id, scope, family_id)
    return TokenPair(access_token, refresh_token, lifetime, scope)


async def revoke_family(db: Collections, family_id: str) -> None:
    """End a sign-in: every refresh token of the family, and its access tokens with them."""
    await db.refresh_tokens.update_many({"family_id": family_id}, {"$set": {"revoked": True}})


async def family_revoked(db: Collections, family_id: str) -> bool:
    return await db.refresh_tokens.find_one({"family_id": family_id, "revoked": True}) is not None


async def revoke_sign_ins(db: Collections, user_id: str) -> None:
    """End every API sign-in (refresh token family) of a user; their access tokens stop with them."""
    await db.refresh_tokens.update_many({"user_id": user_id}, {"$set": {"revoked": True}})


async def revoke_all_for_user(db: Collections, user_id: str) -> None:
    """Revoke every API credential of a user, personal access tokens included (after a password reset)."""
    await revoke_sign_ins(db, user_id)
    await db.api_tokens.delete_many({"user_id": user_id})


async def refresh_tokens(
    db: Collections, presented: str, requested_scope: str | None = None, origin: RequestOrigin | None = None
) -> TokenPair:
    """Rotate a refresh token: it becomes used, its successor is issued in the same family.

    A token that was already used is a replay (it leaked, or its holder is an attacker): the whole
    family is revoked, so the legitimate client must sign in again, and the attacker gets nothing.
    """
    invalid = TokenGrantError("invalid_grant", "The refresh token is invalid, expired or revoked.")
    if not presented:
        raise TokenGrantError("invalid_request", "The refresh_token parameter is missing.")
    digest = token_digest(presented)
    outcome: dict[str, object] = {}

    async def rotate(session: AsyncClientSession) -> None:
        now = utc_now()
        claimed = await db.refresh_tokens.find_one_and_update(
            {"_id": digest, "used_at": None, "revoked": False},
            {"$set": {"used_at": now}},
            session=session,
        )
        if claimed is None:
            outcome["claimed"] = None
            return
        current = RefreshTokenDoc.from_mongo(claimed)
        outcome["claimed"] = current
        if current.expires_at <= now:
            return
        scope = parse_scope(requested_scope, current.scope)
        outcome["refresh_token"] = await _insert_refresh_token(
            db, current.user_id, scope, current.family_id, session=session
        )
        outcome["scope"] = scope

    async with db.database.client.start_session() as session:
        await session.with_transaction(rotate)

    claimed = outcome.get("claimed")
    if claimed is None:
        existing = await db.refresh_tokens.find_one({"_id": digest})
        if existing is None:
            raise invalid
        replayed = RefreshTokenDoc.from_mongo(existing)
        if replayed.used_at is not None and not replayed.revoked:
            await revoke_family(db, replayed.family_id)
            await record_audit(
                db,
                "auth.refresh_token_replayed",
                actor_id=replayed.user_id,
                target_type="token_family",
                target_id=replayed.family_id,
                origin=origin,
                outcome="failure",
                details={"action": "family_revoked"},
            )
            raise TokenGrantError(
                "invalid_grant",
                "This refresh token was already used, so this sign-in has been revoked; sign in again.",
            )
        raise invalid
    assert isinstance(claimed, RefreshTokenDoc)
    if "refresh_token" not in outcome:
        raise TokenGrantError("invalid_grant", "The refresh token has expired; sign in again.")
    user_document = await db.users.find_one({"_id": claimed.user_id})
    if user_document is None or user_document.get("disabled"):
        await revoke_family(db, claimed.family_id)
        raise TokenGrantError("invalid_grant", "This account is disabled.")
    scope: TokenScope = outcome["scope"]  # type: ignore[assignment]
    access_token, lifetime = issue_access_token(claimed.user_id, scope, claimed.family_id)
    return TokenPair(access_token, str(outcome["refresh_token"]), lifetime, scope)


async def revoke_token(db: Collections, token: str, origin: RequestOrigin | None = None) -> None:
    """RFC 7009: revoke whatever this token is (refresh, access or personal); unknown tokens are ignored.

    Revoking an access token or a refresh token ends the whole sign-in (its family).
    """
    if not token:
        return
    if token.startswith(PAT_PREFIX):
        document = await db.api_tokens.find_one_and_delete({"digest": token_digest(token)})
        if document is not None:
            revoked = ApiTokenDoc.from_mongo(document)
            await record_audit(
                db,
                "api_token.revoked",
                actor_id=revoked.user_id,
                target_type="api_token",
                target_id=revoked.id,
                origin=origin,
                details={"via": "revocation_endpoint"},
            )
        return
    if looks_like_jwt(token):
        try:
            claims = verify_access_token(token)
        except InvalidTokenError:
            return
        await revoke_family(db, claims.family_id)
        return
    document = await db.refresh_tokens.find_one({"_id": token_digest(token)})
    if document is not None:
        await revoke_family(db, RefreshTokenDoc.from_mongo(document).family_id)


# Personal access tokens


def _expiry(expires_in_days: int | None) -> dt.datetime | None:
    if expires_in_days is None:
        return None
    if not 1 <= expires_in_days <= PAT_EXPIRY_DAYS_MAX:
        raise InvalidInputError(
            "Please correct the expiry.",
            [FieldProblem("expires_in_days", f"Choose between 1 and {PAT_EXPIRY_DAYS_MAX} days, or none.")],
        )
    return utc_now() + dt.timedelta(days=expires_in_days)


async def create_personal_token(
    db: Collections,
    user_id: str,
    name: str,
    scope: str,
    expires_in_days: int | None = None,
    origin: RequestOrigin | None = None,
) -> tuple[str, ApiTokenDoc]:
    """A new personal access token; the secret is returned once and never stored."""
    name = " ".join((name or "").split())
    problems: list[FieldProblem] = []
    if not 1 <= len(name) <= API_TOKEN_NAME_MAX:
        problems.append(FieldProblem("name", f"Name the token (at most {API_TOKEN_NAME_MAX} characters)."))
    if scope not in SCOPES:
        problems.append(FieldProblem("scope", "Choose read-only or read & write access."))
    try:
        expires_at = _expiry(expires_in_days)
    except InvalidInputError as error:
        problems += error.errors
    if problems:
        raise InvalidInputError("Please correct the highlighted fields.", problems)
    existing = await list_personal_tokens(db, user_id)
    if any(item.name.casefold() == name.casefold() for item in existing):
        raise ConflictError(f"You already have a token named {name!r}; choose another name.")
    if len(existing) >= PAT_PER_USER_MAX:
        raise ConflictError(f"You have {PAT_PER_USER_MAX} tokens already; revoke one first.")
    secret = PAT_PREFIX + secrets.token_urlsafe(32)
    document = ApiTokenDoc(
        user_id=user_id,
        name=name,
        scope=scope,  # type: ignore[arg-type]
        digest=token_digest(secret),
        hint=secret[:PAT_HINT_LENGTH],
        expires_at=expires_at,
    )
    await db.api_tokens.insert_one(document.to_mongo())
    await record_audit(
        db,
        "api_token.created",
        actor_id=user_id,
        target_type="api_token",
        target_id=document.id,
        origin=origin,
        details={"scope": scope, "expires_at": expires_at.isoformat() if expires_at else None},
    )
    return secret, document


async def list_personal_tokens(db: Collections, user_id: str) -> list[ApiTokenDoc]:
    """The user's live tokens, newest first (expired ones are gone even before the TTL sweep)."""
    now = utc_now()
    cursor = db.api_tokens.find({"user_id": user_id}).sort("created_at", DESCENDING)
    tokens = [ApiTokenDoc.from_mongo(document) async for document in cursor]
    return [item for item in tokens if item.expires_at is None or item.expires_at > now]


async def revoke_personal_token(
    db: Collections, user_id: str, token_id: str, origin: RequestOrigin | None = None
) -> None:
    """Delete one of the user's tokens; another user's token id answers 404 like an unknown one."""
    document = await db.api_tokens.find_one_and_delete({"_id": token_id, "user_id": user_id})
    if document is None:
        raise NotFoundError("No such token.")
    await record_audit(
        db,
        "api_token.revoked",
        actor_id=user_id,
        target_type="api_token",
        target_id=token_id,
        origin=origin,
    )


async def _resolve_personal_token(db: Collections, token: str) -> ApiTokenDoc:
    document = await db.api_tokens.find_one({"digest": token_digest(token)})
    if document is None:
        raise InvalidTokenError("This personal access token is unknown or was revoked.")
    found = ApiTokenDoc.from_mongo(document)
    now = utc_now()
    if found.expires_at is not None and found.expires_at <= now:
        raise InvalidTokenError("This personal access token has expired.")
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_INTERVAL:
        await db.api_tokens.update_one({"_id": found.id}, {"$set": {"last_used_at": now}})
    return found


async def resolve_bearer(db: Collections, token: str) -> BearerGrant:
    """The user and scope behind an `Authorization: Bearer` token (an access token or a PAT)."""
    if token.startswith(PAT_PREFIX):
        personal = await _resolve_personal_token(db, token)
        user_id, scope, method, token_id = (
            personal.user_id,
            personal.scope,
            "personal_access_token",
            personal.id,
        )
    elif looks_like_jwt(token):
        claims = verify_access_token(token)
        if await family_revoked(db, claims.family_id):
            raise InvalidTokenError("This access token was revoked.")
        user_id, scope, method, token_id = claims.user_id, claims.scope, "access_token", claims.token_id
    else:
        raise InvalidTokenError("The bearer token is not one this API issued.")
    user_document = await db.users.find_one({"_id": user_id})
    if user_document is None or user_document.get("disabled"):
        raise InvalidTokenError("This account is disabled or no longer exists.")
    return BearerGrant(
        user=UserDoc.from_mongo(user_document),
        scope=scope,  # type: ignore[arg-type]
        method=method,  # type: ignore[arg-type]
        token_id=token_id,
    )
