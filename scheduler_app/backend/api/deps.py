"""Typed dependencies of API routes: the database and the signed-in user."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import Annotated

from fastapi import Depends, Request

from scheduler_app.backend.auth.service import SignedIn, resolve_session
from scheduler_app.backend.db import Collections, collections
from scheduler_app.backend.errors import ForbiddenError
from scheduler_app.settings import Settings, get_settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _collections() -> Collections:
    return collections()


DbDep = Annotated[Collections, Depends(_collections)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


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


async def _signed_in(request: Request, db: DbDep, settings: SettingsDep) -> SignedIn:
    token = request.cookies.get(settings.session_cookie_name)
    signed_in = await resolve_session(db, token, dt.timedelta(hours=settings.session_ttl_hours))
    refuse_cross_site_writes(request, settings)
    return signed_in


CurrentSession = Annotated[SignedIn, Depends(_signed_in)]
