"""Sign-in and sign-up forms: validate, then hand a one-time ticket to the cookie endpoint."""

from __future__ import annotations

import urllib.parse

import reflex as rx
import structlog
from pymongo.errors import PyMongoError

from scheduler_app.backend.api.routes.web_auth import safe_next_path
from scheduler_app.backend.auth.service import authenticate, issue_login_ticket, sign_up
from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import DomainError
from scheduler_app.backend.scheduling.store import start_working_week
from scheduler_app.state.session import SessionState, backend_url, client_origin, navigate_to

log = structlog.get_logger("scheduler_app.auth")
DATABASE_DOWN = "We can't reach the database right now. Please try again in a moment."


def _complete_url(ticket: str) -> str:
    """The cookie endpoint; where to go next is stored with the ticket, never taken from the URL."""
    return backend_url("/auth/complete?" + urllib.parse.urlencode({"ticket": ticket}))


class AuthFormState(SessionState):
    """Errors shared by both forms: one message, plus one per field."""

    error: str = ""
    field_errors: dict[str, str] = {}
    busy: bool = False
    notice: str = ""

    def _next_path(self) -> str:
        return safe_next_path(self.router.url.query_parameters.get("next"))

    @rx.event
    async def redirect_if_signed_in(self) -> rx.event.EventSpec | None:
        """On the sign-in pages: a signed-in visitor goes straight to the calendar."""
        self.error = self.router.url.query_parameters.get("error", "")[:200]
        self.notice = self.router.url.query_parameters.get("notice", "")[:200]
        self.field_errors = {}
        try:
            if await self.load_user():
                return rx.redirect("/")
        except PyMongoError:
            self.error = DATABASE_DOWN
        return rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=SessionState.set_browser_time_zone
        )

    def _fail(self, error: DomainError) -> None:
        self.error = error.detail
        self.field_errors = {problem.field: problem.message for problem in error.errors}


class SignInState(AuthFormState):
    @rx.event
    async def submit(self, form_data: dict) -> rx.event.EventSpec | None:
        self.error, self.field_errors, self.notice = "", {}, ""
        db = collections()
        try:
            user = await authenticate(
                db,
                str(form_data.get("email", "")),
                str(form_data.get("password", "")),
                origin=client_origin(self),
            )
            ticket = await issue_login_ticket(db, user.id, self._next_path())
        except DomainError as error:
            log.info("auth.sign_in_failed", reason=error.detail)
            self._fail(error)
            return None
        except PyMongoError:
            self.error = DATABASE_DOWN
            return None
        return navigate_to(_complete_url(ticket))


class SignUpState(AuthFormState):
    @rx.event
    async def submit(self, form_data: dict) -> rx.event.EventSpec | None:
        self.error, self.field_errors = "", {}
        db = collections()
        try:
            user = await sign_up(
                db,
                str(form_data.get("email", "")),
                str(form_data.get("name", "")),
                str(form_data.get("password", "")),
                origin=client_origin(self),
            )
            await start_working_week(db, user.id, self.browser_time_zone or None)
            ticket = await issue_login_ticket(db, user.id, "/")
        except DomainError as error:
            self._fail(error)
            return None
        except PyMongoError:
            self.error = DATABASE_DOWN
            return None
        return navigate_to(_complete_url(ticket))
