"""The API tokens settings page: create a personal access token (shown once), list and revoke them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import reflex as rx
from pymongo.errors import PyMongoError

from scheduler_app.backend.auth import tokens
from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import DomainError, InvalidInputError
from scheduler_app.backend.models import ApiTokenDoc
from scheduler_app.state.session import SessionState, client_origin

PAGE_ROUTE = "/settings/api-tokens"
NEVER = "never"
EXPIRY_CHOICES: list[tuple[str, str]] = [
    ("7", "7 days"),
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
    (NEVER, "Never"),
]
DATABASE_DOWN = "Can't reach the database right now; try again in a moment."


class ApiTokensState(SessionState):
    token_rows: list[dict[str, str]] = []
    # The secret of the token just created: shown once, gone on reload or dismissal.
    new_token: str = ""
    new_token_name: str = ""
    name_error: str = ""
    error: str = ""
    message: str = ""

    def _zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.user_time_zone or self.browser_time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def _when(self, moment: dt.datetime | None, empty: str) -> str:
        if moment is None:
            return empty
        return moment.astimezone(self._zone()).strftime("%Y-%m-%d %H:%M")

    def _row(self, token: ApiTokenDoc) -> dict[str, str]:
        return {
            "id": token.id,
            "name": token.name,
            "access": tokens.SCOPE_LABELS[token.scope],
            "hint": token.hint + "…",
            "created": self._when(token.created_at, ""),
            "last_used": self._when(token.last_used_at, "Never used"),
            "expires": self._when(token.expires_at, "Never"),
        }

    async def _reload(self) -> None:
        found = await tokens.list_personal_tokens(collections(), self._user_id)
        self.token_rows = [self._row(item) for item in found]

    @rx.event
    async def load_page(self) -> rx.event.EventSpec | None:
        self.new_token, self.new_token_name = "", ""
        self.name_error, self.error, self.message = "", "", ""
        try:
            if not await self.load_user():
                return rx.redirect(f"/sign-in?next={PAGE_ROUTE}")
            await self._reload()
        except PyMongoError:
            self.error = DATABASE_DOWN
        return None

    @rx.event
    async def create_token(self, form_data: dict) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        self.name_error, self.error, self.message = "", "", ""
        expiry = str(form_data.get("expires", "30"))
        try:
            secret, created = await tokens.create_personal_token(
                collections(),
                self._user_id,
                str(form_data.get("name", "")),
                str(form_data.get("scope", "read")),
                None if expiry == NEVER else int(expiry) if expiry.isdigit() else -1,
                client_origin(self),
            )
        except InvalidInputError as error:
            for problem in error.errors:
                if problem.field == "name":
                    self.name_error = problem.message
            others = [problem.message for problem in error.errors if problem.field != "name"]
            self.error = " ".join(others)
            return None
        except DomainError as error:
            self.error = error.detail
            return None
        except PyMongoError:
            self.error = DATABASE_DOWN + " No token was created."
            return None
        self.new_token, self.new_token_name = secret, created.name
        await self._reload()
        return rx.toast.success(f"Token “{created.name}” created.")

    @rx.event
    def dismiss_new_token(self) -> None:
        self.new_token, self.new_token_name = "", ""

    @rx.event
    def copy_new_token(self) -> list[rx.event.EventSpec]:
        return [rx.set_clipboard(self.new_token), rx.toast.info("Token copied to the clipboard.")]

    @rx.event
    async def revoke_token(self, token_id: str) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        self.error, self.message = "", ""
        name = next((row["name"] for row in self.token_rows if row["id"] == token_id), "")
        try:
            await tokens.revoke_personal_token(
                collections(), self._user_id, str(token_id), client_origin(self)
            )
        except DomainError as error:
            self.error = error.detail
        except PyMongoError:
            self.error = DATABASE_DOWN + " The token was not revoked."
            return None
        await self._reload()
        if not self.error:
            self.message = f"Token “{name}” revoked; programs using it can no longer sign in with it."
        return None
