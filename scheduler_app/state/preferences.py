"""The settings page: the user's display time zone."""

from __future__ import annotations

import reflex as rx
from pymongo.errors import PyMongoError

from scheduler_app.backend.auth.service import set_time_zone
from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import DomainError
from scheduler_app.state.session import SessionState

FOLLOW_BROWSER = "browser"


class PreferencesState(SessionState):
    message: str = ""
    error: str = ""

    @rx.event
    async def load_page(self) -> rx.event.EventSpec | None:
        self.message, self.error = "", ""
        try:
            if not await self.load_user():
                return rx.redirect("/sign-in?next=/settings")
        except PyMongoError:
            self.error = "Can't reach the database right now."
            return None
        return rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=SessionState.set_browser_time_zone
        )

    @rx.var
    def time_zone_choice(self) -> str:
        return self.user_time_zone or FOLLOW_BROWSER

    @rx.event
    async def save(self, form_data: dict) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        self.message, self.error = "", ""
        choice = str(form_data.get("time_zone", FOLLOW_BROWSER))
        try:
            user = await set_time_zone(
                collections(), self._user_id, None if choice == FOLLOW_BROWSER else choice
            )
        except DomainError as error:
            self.error = str(error)
            return None
        except PyMongoError:
            self.error = "Can't reach the database; your settings were not saved."
            return None
        self.user_time_zone = user.time_zone or ""
        self.message = "Saved."
        return rx.toast.success("Time zone saved.")
