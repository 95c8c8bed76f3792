"""The public invitation page: a guest answers from their link, without an account."""

from __future__ import annotations

import reflex as rx
from pymongo.errors import PyMongoError

from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import DomainError
from scheduler_app.backend.events.attendees import invitation_by_link, respond_by_link
from scheduler_app.backend.events.schemas import EventPublic
from scheduler_app.backend.models import AttendeeDoc, EventDoc
from scheduler_app.state.event_form_values import describe_when

DATABASE_DOWN = "We can't reach the database right now. Please try again in a moment."


class InvitationState(rx.State):
    """One invitation, found by the secret token in the page's URL."""

    found: bool = False
    error: str = ""
    title: str = ""
    when: str = ""
    location: str = ""
    organizer: str = ""
    meeting_url: str = ""
    guest_email: str = ""
    response: str = ""

    def _token(self) -> str:
        return str(self.router.page.params.get("token", ""))

    def _show(self, event: EventDoc, guest: AttendeeDoc) -> None:
        public = EventPublic.of(event)
        self.found = True
        self.title = event.title
        self.when = describe_when(public, event.time_zone)
        self.location = event.location
        self.organizer = event.organizer_name or event.organizer_email
        self.meeting_url = event.conference.url if event.conference else ""
        self.guest_email = guest.email
        self.response = guest.response_status

    @rx.event
    async def load(self) -> None:
        self.found, self.error = False, ""
        try:
            self._show(*await invitation_by_link(collections(), self._token()))
        except DomainError as error:
            self.error = error.detail
        except PyMongoError:
            self.error = DATABASE_DOWN

    @rx.event
    async def answer(self, status: str) -> rx.event.EventSpec | None:
        try:
            self._show(*await respond_by_link(collections(), self._token(), status))  # type: ignore[arg-type]
        except DomainError as error:
            self.error = error.detail
            return None
        except PyMongoError:
            self.error = DATABASE_DOWN
            return None
        return rx.toast.success("Thanks, your answer was sent to the organiser.")
