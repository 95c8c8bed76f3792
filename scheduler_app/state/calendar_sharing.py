"""The "Share calendar" dialog: who can reach one of your calendars, and with which role."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pymongo.errors import PyMongoError

from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import DomainError
from scheduler_app.backend.events import sharing
from scheduler_app.backend.events.schemas import SharePublic
from scheduler_app.state.calendar import DATABASE_DOWN, CalendarState
from scheduler_app.state.session import client_origin

ROLE_CHOICES = [
    ("viewer", "See all event details"),
    ("freebusy", "See only free/busy"),
    ("editor", "Make changes to events"),
    ("owner", "Make changes and manage sharing"),
]


class CalendarSharingState(CalendarState):
    share_dialog_open: bool = False
    share_calendar_id: str = ""
    share_calendar_name: str = ""
    shares: list[dict[str, Any]] = []
    share_email: str = ""
    share_role: str = "viewer"
    share_error: str = ""

    async def _load_shares(self) -> None:
        found = await sharing.list_shares(collections(), self._user_id, self.share_calendar_id)
        self.shares = [SharePublic.of(share).model_dump(mode="json") for share in found]

    @rx.event
    async def open_sharing(self, calendar_id: str) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        calendar = next((item for item in self.calendars if item["id"] == calendar_id), None)
        if calendar is None:
            return rx.toast.error("That calendar is no longer there.")
        self.share_calendar_id, self.share_calendar_name = calendar_id, calendar["name"]
        self.share_email, self.share_role, self.share_error = "", "viewer", ""
        try:
            await self._load_shares()
        except DomainError as error:
            return rx.toast.error(error.detail)
        except PyMongoError:
            return rx.toast.error(DATABASE_DOWN)
        self.share_dialog_open = True
        return None

    @rx.event
    def set_share_dialog_open(self, is_open: bool) -> None:
        self.share_dialog_open = is_open

    @rx.event
    def set_share_email(self, value: str) -> None:
        self.share_email = value

    @rx.event
    def set_share_role(self, value: str) -> None:
        if value in dict(ROLE_CHOICES):
            self.share_role = value

    async def _apply(self, email: str, role: str) -> rx.event.EventSpec | None:
        signed_in = await self.signed_in()
        if signed_in is None:
            return await self.session_ended()
        try:
            await sharing.share_calendar(
                collections(), signed_in.user, self.share_calendar_id, email, role, client_origin(self)
            )
            await self._load_shares()
        except DomainError as error:
            self.share_error = error.errors[0].message if error.errors else error.detail
            return None
        except PyMongoError:
            self.share_error = DATABASE_DOWN
            return None
        self.share_error = ""
        return rx.toast.success(f"Shared with {email}.")

    @rx.event
    async def add_share(self, _form: dict | None = None) -> rx.event.EventSpec | None:
        outcome = await self._apply(self.share_email, self.share_role)
        if not self.share_error:
            self.share_email = ""
        return outcome

    @rx.event
    async def change_role(self, email: str, role: str) -> rx.event.EventSpec | None:
        return await self._apply(email, role)

    @rx.event
    async def remove(self, user_id: str, email: str) -> rx.event.EventSpec | None:
        signed_in = await self.signed_in()
        if signed_in is None:
            return await self.session_ended()
        try:
            await sharing.remove_share(
                collections(), signed_in.user, self.share_calendar_id, user_id, client_origin(self)
            )
            await self._load_shares()
        except DomainError as error:
            return rx.toast.error(error.detail)
        except PyMongoError:
            return rx.toast.error(DATABASE_DOWN)
        return rx.toast.success(f"{email} no longer has access.")

    @rx.event
    async def leave_calendar(self, calendar_id: str) -> rx.event.EventSpec | None:
        """Remove a calendar someone shared with you from your list."""
        signed_in = await self.signed_in()
        if signed_in is None:
            return await self.session_ended()
        try:
            await sharing.remove_share(
                collections(), signed_in.user, calendar_id, self._user_id, client_origin(self)
            )
            await self._load_calendars()
        except DomainError as error:
            return rx.toast.error(error.detail)
        except PyMongoError:
            return rx.toast.error(DATABASE_DOWN)
        await self._refresh()
        return rx.toast.success("Removed from your calendars.")
