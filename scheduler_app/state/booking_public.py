"""The public booking page: pick a length, a day and a time in your own zone, then book (no account)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import reflex as rx
from pymongo.errors import PyMongoError

from scheduler_app.backend.booking import event_types, service
from scheduler_app.backend.booking.documents import EventTypeDoc
from scheduler_app.backend.booking.schemas import BookingIn, validated
from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import ConflictError, DomainError
from scheduler_app.backend.events.timing import available_zones, parse_zone

DATABASE_DOWN = "We can't reach the database right now. Please try again in a moment."
SEARCH_DAYS = 28


async def day_slots(event_type: EventTypeDoc, day: str, zone: str, duration: int) -> list[dict[str, str]]:
    """Free times on one local day, labelled on the booker's clock ("09:30")."""
    first = dt.date.fromisoformat(day)
    found = await service.list_slots(
        collections(),
        event_type,
        first.isoformat(),
        (first + dt.timedelta(days=1)).isoformat(),
        zone,
        duration,
    )
    return [{"start": slot.start, "label": slot.start[11:16]} for slot in found.slots]


async def first_free_day(event_type: EventTypeDoc, zone: str, duration: int) -> str | None:
    """The first day in the next four weeks with a free time, to open the page on."""
    today = dt.datetime.now(parse_zone(zone)).date()
    for offset in range(0, SEARCH_DAYS, 14):
        start = today + dt.timedelta(days=offset)
        found = await service.list_slots(
            collections(),
            event_type,
            start.isoformat(),
            (start + dt.timedelta(days=14)).isoformat(),
            zone,
            duration,
        )
        if found.slots:
            return found.slots[0].start[:10]
    return None


class BookingPublicState(rx.State):
    """One event type found by the handle and link name in the URL."""

    found: bool = False
    error: str = ""
    title: str = ""
    description: str = ""
    host_names: str = ""
    location: str = ""
    video_call: bool = False
    durations: list[str] = []
    duration: str = ""
    questions: list[dict[str, Any]] = []
    time_zone: str = "UTC"
    day: str = ""
    slots: list[dict[str, str]] = []
    slots_loading: bool = False
    selected_start: str = ""
    name: str = ""
    email: str = ""
    answers: dict[str, str] = {}
    booking_error: str = ""
    field_errors: dict[str, str] = {}
    booking: bool = False
    booked: bool = False
    booked_when: str = ""
    manage_path: str = ""

    def _route(self) -> tuple[str, str]:
        params = self.router.page.params
        return str(params.get("handle", "")), str(params.get("slug", ""))

    async def _event_type(self) -> EventTypeDoc:
        return await event_types.public_event_type(collections(), *self._route())

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        self.found, self.error, self.booked, self.booking_error = False, "", False, ""
        try:
            event_type = await self._event_type()
            users = await event_types.users_by_id(collections(), [host.user_id for host in event_type.hosts])
        except DomainError as error:
            self.error = error.detail
            return None
        except PyMongoError:
            self.error = DATABASE_DOWN
            return None
        self.found = True
        self.title, self.description = event_type.title, event_type.description
        self.host_names = ", ".join(
            users[h.user_id].get("name", "") for h in event_type.hosts if h.user_id in users
        )
        self.location, self.video_call = event_type.location, event_type.video_call
        self.durations = [str(minutes) for minutes in event_type.durations]
        self.duration = self.durations[0]
        self.questions = [question.model_dump() for question in event_type.questions]
        self.answers = {}
        return rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=BookingPublicState.set_time_zone
        )

    @rx.event
    async def set_time_zone(self, zone: str) -> None:
        self.time_zone = zone if isinstance(zone, str) and zone in available_zones() else "UTC"
        try:
            first = await first_free_day(await self._event_type(), self.time_zone, int(self.duration))
        except (DomainError, PyMongoError):
            first = None
        self.day = first or dt.datetime.now(parse_zone(self.time_zone)).date().isoformat()
        await self._load_slots()

    async def _load_slots(self) -> None:
        self.selected_start, self.slots_loading = "", True
        try:
            self.slots = await day_slots(
                await self._event_type(), self.day, self.time_zone, int(self.duration)
            )
            self.error = ""
        except DomainError as error:
            self.slots = []
            self.booking_error = str(error) if error.errors else error.detail
        except (PyMongoError, ValueError):
            self.slots = []
            self.booking_error = DATABASE_DOWN
        finally:
            self.slots_loading = False

    @rx.event
    async def set_day(self, value: str) -> None:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return
        self.day, self.booking_error = value, ""
        await self._load_slots()

    @rx.event
    async def shift_day(self, days: int) -> None:
        self.day = (dt.date.fromisoformat(self.day) + dt.timedelta(days=days)).isoformat()
        self.booking_error = ""
        await self._load_slots()

    @rx.event
    async def set_duration(self, value: str) -> None:
        if value in self.durations:
            self.duration = value
            await self._load_slots()

    @rx.event
    def pick(self, start: str) -> None:
        self.selected_start, self.booking_error = start, ""

    @rx.event
    def set_name(self, value: str) -> None:
        self.name = value

    @rx.event
    def set_email(self, value: str) -> None:
        self.email = value

    @rx.event
    def set_answer(self, question_id: str, value: str) -> None:
        self.answers = {**self.answers, question_id: value}

    @rx.var
    def selected_label(self) -> str:
        if not self.selected_start:
            return ""
        start = dt.datetime.fromisoformat(self.selected_start)
        return f"{start:%A %d %B %Y, %H:%M} ({self.time_zone}), {self.duration} minutes"

    @rx.event
    async def confirm(self):
        self.booking, self.booking_error, self.field_errors = True, "", {}
        yield
        try:
            data: BookingIn = validated(
                BookingIn,
                {
                    "start": self.selected_start,
                    "duration": int(self.duration),
                    "time_zone": self.time_zone,
                    "name": self.name,
                    "email": self.email,
                    "answers": {key: value for key, value in self.answers.items() if value.strip()},
                },
            )
            _, token = await service.book(collections(), *self._route(), data)
        except ConflictError as error:
            self.booking_error = error.detail
            await self._load_slots()
            return
        except DomainError as error:
            self.field_errors = {problem.field: problem.message for problem in error.errors}
            self.booking_error = error.detail if not error.errors else "Please check the marked fields."
            if "start" in self.field_errors:
                self.booking_error = self.field_errors["start"]
            return
        except PyMongoError:
            self.booking_error = DATABASE_DOWN
            return
        finally:
            self.booking = False
        self.booked = True
        self.booked_when = self.selected_label
        self.manage_path = f"/booking/manage/{token}"
