"""The security settings page: signed-in devices (sign out one, or all others) and the password change."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import reflex as rx
from pymongo.errors import PyMongoError

from scheduler_app.backend.auth import account_security
from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import DomainError
from scheduler_app.state.session import SessionState, backend_url, client_origin, navigate_to

DATABASE_DOWN = "Can't reach the database right now; nothing was changed."
FIX_FIELDS = "Please correct the highlighted fields."


def format_instant(instant: dt.datetime, zone_name: str) -> str:
    """An instant as people read it in their zone, e.g. "2 Mar 2026, 09:05"."""
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = instant.astimezone(zone)
    return f"{local.day} {local:%b %Y, %H:%M}"


class SecurityState(SessionState):
    sessions: list[dict[str, str]] = []
    sessions_error: str = ""
    password_error: str = ""
    password_field_errors: dict[str, str] = {}
    password_message: str = ""
    password_form_key: int = 0

    async def _load_sessions(self) -> None:
        signed = await self.signed_in()
        if signed is None:
            self.sessions = []
            return
        views = await account_security.list_sessions(collections(), signed.user.id, signed.session.id)
        zone = self.display_time_zone
        self.sessions = [
            {
                "id": view.id,
                "device": view.device,
                "ip": view.ip or "unknown",
                "created": format_instant(view.created_at, zone),
                "last_seen": format_instant(view.last_seen_at, zone),
                "current": "yes" if view.current else "",
            }
            for view in views
        ]

    @rx.event
    async def load_page(self) -> rx.event.EventSpec | None:
        self.sessions_error = self.password_error = self.password_message = ""
        self.password_field_errors = {}
        try:
            if not await self.load_user():
                return rx.redirect("/sign-in?" + urllib.parse.urlencode({"next": "/settings/security"}))
            await self._load_sessions()
        except PyMongoError:
            self.sessions_error = "Can't reach the database right now."
        return None

    @rx.var
    def other_session_count(self) -> int:
        return sum(1 for session in self.sessions if not session.get("current"))

    @rx.event
    async def revoke(self, session_id: str) -> rx.event.EventSpec | list[rx.event.EventSpec] | None:
        if ended := await self.session_ended():
            return ended
        self.sessions_error = ""
        signed = await self.signed_in()
        if signed is None:
            return await self.session_ended()
        is_current = session_id == account_security.session_public_id(signed.session.id)
        try:
            await account_security.revoke_session(
                collections(), signed.user, str(session_id), origin=client_origin(self)
            )
        except DomainError as error:
            self.sessions_error = error.detail
            await self._load_sessions()
            return None
        except PyMongoError:
            self.sessions_error = DATABASE_DOWN
            return None
        if is_current:
            return navigate_to(backend_url("/auth/sign-out"))
        await self._load_sessions()
        return rx.toast.success("That device was signed out.")

    @rx.event
    async def revoke_others(self) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        signed = await self.signed_in()
        if signed is None:
            return await self.session_ended()
        try:
            count = await account_security.revoke_other_sessions(
                collections(), signed.user, signed.session.id, origin=client_origin(self)
            )
            await self._load_sessions()
        except PyMongoError:
            self.sessions_error = DATABASE_DOWN
            return None
        return rx.toast.success(f"Signed out {count} other session{'s' if count != 1 else ''}.")

    @rx.event
    async def change_password(self, form_data: dict) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        self.password_error, self.password_message, self.password_field_errors = "", "", {}
        current = str(form_data.get("current_password", ""))
        new = str(form_data.get("new_password", ""))
        if new != str(form_data.get("confirm_password", "")):
            self.password_field_errors = {"confirm_password": "The two new passwords differ."}
            self.password_error = FIX_FIELDS
            return None
        signed = await self.signed_in()
        if signed is None:
            return await self.session_ended()
        try:
            count = await account_security.change_password(
                collections(), signed.user, current, new, signed.session.id, origin=client_origin(self)
            )
            await self._load_sessions()
        except DomainError as error:
            self.password_error = error.detail
            self.password_field_errors = {problem.field: problem.message for problem in error.errors}
            return None
        except PyMongoError:
            self.password_error = DATABASE_DOWN
            return None
        self.password_form_key += 1  # remounts the form, clearing the typed passwords
        others = f" {count} other session{'s were' if count != 1 else ' was'} signed out." if count else ""
        self.password_message = "Your password was changed." + others
        return rx.toast.success("Password changed.")
