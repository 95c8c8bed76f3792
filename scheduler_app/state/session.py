"""The signed-in user: resolved on the server from the HttpOnly session cookie."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from http.cookies import CookieError, SimpleCookie

import reflex as rx
from pymongo.errors import PyMongoError
from reflex.config import get_config

from scheduler_app.backend.audit import RequestOrigin
from scheduler_app.backend.auth.service import SignedIn, resolve_session
from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import AuthenticationError
from scheduler_app.settings import get_settings


def backend_url(path: str) -> str:
    """Absolute URL of a backend route (the same origin in production)."""
    base = (get_config().api_url or "").rstrip("/")
    return f"{base}{path}"


def navigate_to(url: str) -> rx.event.EventSpec:
    """A full page load (not client-side routing), so the browser sends and stores cookies."""
    return rx.call_script(f"window.location.assign({json.dumps(url)})")


def client_origin(state: rx.State) -> RequestOrigin:
    """The browser behind a Reflex event: the WebSocket's client address and User-Agent.

    Reflex takes the address from the socket (or from X-Forwarded-For when `trusted_proxy_hops` is
    configured), so a client cannot pick its own address to dodge the sign-in throttle.
    """
    return RequestOrigin(
        ip=state.router.session.client_ip or "", user_agent=state.router.headers.user_agent or ""
    )


class SessionState(rx.State):
    """Who is signed in; every protected page's on_load goes through `require_session`."""

    user_name: str = ""
    user_email: str = ""
    user_time_zone: str = ""
    user_is_admin: bool = False
    browser_time_zone: str = ""
    _user_id: str = ""

    def _session_token(self) -> str | None:
        raw = self.router.headers.cookie
        if not raw:
            return None
        try:
            jar = SimpleCookie(raw)
        except CookieError:
            return None
        morsel = jar.get(get_settings().session_cookie_name)
        return morsel.value if morsel else None

    async def signed_in(self) -> SignedIn | None:
        """The live session behind this browser's cookie, or None."""
        try:
            return await resolve_session(
                collections(), self._session_token(), dt.timedelta(hours=get_settings().session_ttl_hours)
            )
        except AuthenticationError:
            return None

    @rx.var
    def display_time_zone(self) -> str:
        return self.user_time_zone or self.browser_time_zone or "UTC"

    @rx.var
    def time_zone_known(self) -> bool:
        """False until the browser has told us its zone (or the user chose one)."""
        return bool(self.user_time_zone or self.browser_time_zone)

    @rx.var
    def user_initial(self) -> str:
        return (self.user_name[:1] or "?").upper()

    @rx.event
    def set_browser_time_zone(self, zone: str) -> None:
        if isinstance(zone, str) and 0 < len(zone) < 64:
            self.browser_time_zone = zone

    async def load_user(self) -> bool:
        """Fill the user fields from the cookie's session; False when nobody is signed in."""
        signed = await self.signed_in()
        if signed is None:
            self._user_id = ""
            self.user_is_admin = False
            return False
        self._user_id = signed.user.id
        self.user_name = signed.user.name
        self.user_email = signed.user.email
        self.user_time_zone = signed.user.time_zone or ""
        self.user_is_admin = signed.user.role == "admin"
        return True

    async def session_ended(self) -> rx.event.EventSpec | None:
        """Re-check the session before acting: a redirect to sign-in when it was revoked or expired.

        A database outage is not a signed-out user; the action itself then reports the outage.
        """
        try:
            if await self.load_user():
                return None
        except PyMongoError:
            return None
        message = urllib.parse.urlencode({"error": "Your session has ended; sign in again."})
        return rx.redirect(f"/sign-in?{message}")

    @rx.event
    def sign_out(self) -> rx.event.EventSpec:
        return navigate_to(backend_url("/auth/sign-out"))
