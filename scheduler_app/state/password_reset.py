"""Forgotten passwords: ask for a reset link by e-mail, then set a new password from the link."""

from __future__ import annotations

import urllib.parse

import reflex as rx
from pymongo.errors import PyMongoError

from scheduler_app.backend.auth import account_security
from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import DomainError
from scheduler_app.state.session import client_origin

DATABASE_DOWN = "We can't reach the database right now. Please try again in a moment."
LINK_SENT = (
    "If an account uses this address, we have sent it a link to reset the password. "
    "Check your inbox; the link works once, for an hour."
)


class ForgotPasswordState(rx.State):
    error: str = ""
    field_errors: dict[str, str] = {}
    sent: bool = False

    @rx.event
    def reset_page(self) -> None:
        self.error, self.field_errors, self.sent = "", {}, False

    @rx.event
    async def submit(self, form_data: dict) -> None:
        self.error, self.field_errors = "", {}
        try:
            await account_security.request_password_reset(
                collections(), str(form_data.get("email", "")), origin=client_origin(self)
            )
        except DomainError as error:
            self.error = error.detail
            self.field_errors = {problem.field: problem.message for problem in error.errors}
            return
        except PyMongoError:
            self.error = DATABASE_DOWN
            return
        self.sent = True


class ResetPasswordState(rx.State):
    """The page behind a reset link; the link's token never leaves the server state."""

    email: str = ""
    link_error: str = ""
    error: str = ""
    field_errors: dict[str, str] = {}
    checked: bool = False

    def _link_token(self) -> str:
        return str(self.router.page.params.get("token", ""))

    @rx.event
    async def load(self) -> None:
        self.email, self.link_error, self.error, self.field_errors, self.checked = "", "", "", {}, False
        try:
            self.email = await account_security.check_reset_token(collections(), self._link_token())
        except DomainError as error:
            self.link_error = error.detail
        except PyMongoError:
            self.link_error = DATABASE_DOWN
        self.checked = True

    @rx.event
    async def submit(self, form_data: dict) -> rx.event.EventSpec | None:
        self.error, self.field_errors = "", {}
        password = str(form_data.get("password", ""))
        if password != str(form_data.get("confirm_password", "")):
            self.field_errors = {"confirm_password": "The two passwords differ."}
            self.error = "Please correct the highlighted fields."
            return None
        try:
            await account_security.reset_password(
                collections(), self._link_token(), password, origin=client_origin(self)
            )
        except DomainError as error:
            if any(problem.field == "token" for problem in error.errors):
                self.link_error = error.detail
            else:
                self.error = error.detail
                self.field_errors = {problem.field: problem.message for problem in error.errors}
            return None
        except PyMongoError:
            self.error = DATABASE_DOWN
            return None
        notice = "Your password was changed and every device was signed out. Sign in with the new password."
        return rx.redirect("/sign-in?" + urllib.parse.urlencode({"notice": notice}))
