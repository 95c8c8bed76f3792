"""The booker's manage page: see the booking, cancel it, or move it to another free time."""

from __future__ import annotations

import datetime as dt

import reflex as rx
from pymongo.errors import PyMongoError

from scheduler_app.backend.booking import event_types, service
from scheduler_app.backend.booking.documents import EventTypeDoc
from scheduler_app.backend.booking.schemas import BookingPublic, RescheduleIn
from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import ConflictError, DomainError
from scheduler_app.backend.events.timing import available_zones, parse_zone
from scheduler_app.state.booking_public import DATABASE_DOWN, day_slots, first_free_day


class BookingManageState(rx.State):
    """One booking, found by the secret token in the page's URL."""

    found: bool = False
    error: str = ""
    action_error: str = ""
    title: str = ""
    when: str = ""
    status: str = ""
    cancelled_by_host: bool = False
    host_names: str = ""
    conference_url: str = ""
    location: str = ""
    can_reschedule: bool = False
    owner_handle: str = ""
    slug: str = ""
    duration: str = ""
    time_zone: str = "UTC"
    rescheduling: bool = False
    day: str = ""
    slots: list[dict[str, str]] = []
    slots_loading: bool = False
    selected_start: str = ""
    working: bool = False

    def _token(self) -> str:
        return str(self.router.page.params.get("token", ""))

    def _show(self, booking: BookingPublic) -> None:
        start, end = dt.datetime.fromisoformat(booking.start), dt.datetime.fromisoformat(booking.end)
        self.found = True
        self.title, self.status = booking.title, booking.status
        self.cancelled_by_host = booking.cancelled_by == "host"
        self.when = f"{start:%A %d %B %Y, %H:%M}–{end:%H:%M} ({booking.time_zone})"
        self.host_names = ", ".join(booking.host_names)
        self.conference_url, self.location = booking.conference_url, booking.location
        self.can_reschedule = booking.can_reschedule
        self.owner_handle, self.slug, self.duration = (
            booking.owner_handle,
            booking.slug,
            str(booking.duration),
        )

    async def _refresh(self) -> None:
        db = collections()
        booking = await service.booking_by_token(db, self._token())
        self._show(await service.booking_public(db, booking, self.time_zone))

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        self.found, self.error, self.action_error, self.rescheduling = False, "", "", False
        return rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=BookingManageState.set_time_zone
        )

    @rx.event
    async def set_time_zone(self, zone: str) -> None:
        self.time_zone = zone if isinstance(zone, str) and zone in available_zones() else "UTC"
        try:
            await self._refresh()
        except DomainError as error:
            self.error = error.detail
        except PyMongoError:
            self.error = DATABASE_DOWN

    @rx.event
    async def cancel(self):
        self.working, self.action_error = True, ""
        yield
        try:
            await service.cancel(collections(), self._token())
            await self._refresh()
        except DomainError as error:
            self.action_error = error.detail
            return
        except PyMongoError:
            self.action_error = DATABASE_DOWN
            return
        finally:
            self.working = False
        yield rx.toast.success("Booking cancelled; everyone has been told.")

    async def _event_type(self) -> EventTypeDoc:
        return await event_types.public_event_type(collections(), self.owner_handle, self.slug)

    async def _load_slots(self) -> None:
        self.selected_start, self.slots_loading = "", True
        try:
            self.slots = await day_slots(
                await self._event_type(), self.day, self.time_zone, int(self.duration)
            )
        except DomainError as error:
            self.slots, self.action_error = [], error.detail
        except (PyMongoError, ValueError):
            self.slots, self.action_error = [], DATABASE_DOWN
        finally:
            self.slots_loading = False

    @rx.event
    async def start_reschedule(self) -> None:
        self.rescheduling, self.action_error = True, ""
        try:
            first = await first_free_day(await self._event_type(), self.time_zone, int(self.duration))
        except (DomainError, PyMongoError):
            first = None
        self.day = first or dt.datetime.now(parse_zone(self.time_zone)).date().isoformat()
        await self._load_slots()

    @rx.event
    async def set_day(self, value: str) -> None:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return
        self.day = value
        await self._load_slots()

    @rx.event
    async def shift_day(self, days: int) -> None:
        self.day = (dt.date.fromisoformat(self.day) + dt.timedelta(days=days)).isoformat()
        await self._load_slots()

    @rx.event
    def pick(self, start: str) -> None:
        self.selected_start, self.action_error = start, ""

    @rx.event
    async def confirm_reschedule(self):
        self.working, self.action_error = True, ""
        yield
        try:
            await service.reschedule(
                collections(),
                self._token(),
                RescheduleIn(
                    start=self.selected_start, duration=int(self.duration), time_zone=self.time_zone
                ),
            )
            await self._refresh()
        except ConflictError as error:
            self.action_error = error.detail
            await self._load_slots()
            return
        except DomainError as error:
            self.action_error = error.errors[0].message if error.errors else error.detail
            return
        except PyMongoError:
            self.action_error = DATABASE_DOWN
            return
        finally:
            self.working = False
        self.rescheduling = False
        yield rx.toast.success("Booking moved; everyone has the new time.")
