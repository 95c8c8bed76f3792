"""Browser endpoints that set and clear the HttpOnly session cookie.

Reflex talks over a WebSocket, which cannot set cookies; the sign-in form therefore hands a single-use
ticket to `/auth/complete`, which creates the session and sets the cookie on a real HTTP response.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from reflex.config import get_config

from scheduler_app.backend.api.deps import DbDep, SettingsDep, request_origin
from scheduler_app.backend.auth.service import create_session, end_session, redeem_login_ticket
from scheduler_app.backend.errors import AuthenticationError

router = APIRouter(prefix="/auth", include_in_schema=False)


def safe_next_path(path: str | None) -> str:
    """Only same-site absolute paths are followed after sign-in (no open redirects)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def frontend_url(path: str) -> str:
    return get_config().deploy_url.rstrip("/") + path if get_config().deploy_url else path


@router.get("/complete")
async def complete_sign_in(
    request: Request, db: DbDep, settings: SettingsDep, ticket: str = ""
) -> RedirectResponse:
    try:
        redeemed = await redeem_login_ticket(db, ticket)
    except AuthenticationError as error:
        return RedirectResponse(
            frontend_url("/sign-in?" + urllib.parse.urlencode({"error": error.detail})), status_code=303
        )
    ttl = dt.timedelta(hours=settings.session_ttl_hours)
    token, _ = await create_session(
        db,
        redeemed.user_id,
        ttl,
        user_agent=request.headers.get("user-agent", ""),
        ip=request.client.host if request.client else "",
    )
    response = RedirectResponse(frontend_url(safe_next_path(redeemed.next_path)), status_code=303)
    response.set_cookie(
        settings.session_cookie_name,
        token,
        max_age=int(ttl.total_seconds()),
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    return response


@router.get("/sign-out")
async def sign_out(request: Request, db: DbDep, settings: SettingsDep) -> RedirectResponse:
    """End the session behind the cookie, clear the cookie, and go to the sign-in page."""
    await end_session(db, request.cookies.get(settings.session_cookie_name), origin=request_origin(request))
    response = RedirectResponse(frontend_url("/sign-in"), status_code=303)
    response.delete_cookie(settings.session_cookie_name, path="/", httponly=True, samesite="lax")
    return response
