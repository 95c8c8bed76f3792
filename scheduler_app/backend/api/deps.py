"""Typed dependencies of API routes: the database and the signed-in user."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Request

from scheduler_app.backend.auth.service import SignedIn, resolve_session
from scheduler_app.backend.db import Collections, collections
from scheduler_app.settings import Settings, get_settings


async def _collections() -> Collections:
    return collections()


DbDep = Annotated[Collections, Depends(_collections)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def _signed_in(request: Request, db: DbDep, settings: SettingsDep) -> SignedIn:
    token = request.cookies.get(settings.session_cookie_name)
    return await resolve_session(db, token, dt.timedelta(hours=settings.session_ttl_hours))


CurrentSession = Annotated[SignedIn, Depends(_signed_in)]
