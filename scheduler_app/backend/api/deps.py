"""Typed dependencies of API routes: the database and the caller (session cookie or bearer token)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import urllib.parse
from typing import Annotated

from fastapi import Depends, Request

from scheduler_app.backend.audit import RequestOrigin
from scheduler_app.backend.auth.service import SignedIn, resolve_session
from scheduler_app.backend.auth.tokens import (
    AuthMethod,
    InsufficientScopeError,
    InvalidTokenError,
    resolve_bearer,
)
from scheduler_app.backend.db import Collections, collections
from scheduler_app.backend.errors import ForbiddenError
from scheduler_app.backend.models import SessionDoc, TokenScope
from scheduler_app.settings import Settings, get_settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _collections() -> Collections:
    return collections()


DbDep = Annotated[Collections, Depends(_collections)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclasses.dataclass(frozen=True)
class Caller(SignedIn):
    """A signed-in caller as the routes see it: `session` is None when a bearer token was used."""

    session: SessionDoc | None  # type: ignore[assignment]
    method: AuthMethod = "session"
    scope: TokenScope = "read_write"
    token_id: str | None = None


def request_origin(request: Request) -> RequestOrigin:
    """Where a request came from, for audit entries and rate limits."""
    return RequestOrigin(
        ip=request.client.host if request.client else "", user_agent=request.headers.get("user-agent", "")
    )


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def refuse_cross_site_writes(request: Request, settings: Settings) -> None:
    """A cookie-authenticated write must come from our own origin (a browser always says which).

    Requests without an Origin header (curl, server-side clients) carry no ambient browser cookie risk.
    """
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin is None:
        return
    allowed = {_origin(settings.app_url), _origin(str(request.base_url))}
    if origin.lower() not in allowed:
        raise ForbiddenError("Cross-site requests may not change anything.")


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer` header; None when there is no Authorization header."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise InvalidTokenError("Send the token as 'Authorization: Bearer <token>'.")
    return token


async def _signed_in(request: Request, db: DbDep, settings: SettingsDep) -> Caller:
    # An explicit Authorization header wins over the ambient cookie; bearer tokens are never sent
    # by a browser on its own, so they need no cross-origin check.
    token = bearer_token(request)
    if token is not None:
        grant = await resolve_bearer(db, token)
        if grant.scope == "read" and request.method not in SAFE_METHODS:
            raise InsufficientScopeError()
        return Caller(
            session=None, user=grant.user, method=grant.method, scope=grant.scope, token_id=grant.token_id
        )
    cookie = request.cookies.get(settings.session_cookie_name)
    signed_in = await resolve_session(db, cookie, dt.timedelta(hours=settings.session_ttl_hours))
    refuse_cross_site_writes(request, settings)
    return Caller(session=signed_in.session, user=signed_in.user)


CurrentSession = Annotated[Caller, Depends(_signed_in)]
