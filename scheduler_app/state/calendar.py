"""The calendar page: visible range, events, calendars, and the event form."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx
import structlog
from pymongo.errors import PyMongoError

from scheduler_app.backend.api.routes.web_auth import frontend_url
from scheduler_app.backend.db import collections
from scheduler_app.backend.email_address import normalize_email
from scheduler_app.backend.errors import DomainError, NotFoundError
from scheduler_app.backend.events import attendees
from scheduler_app.backend.events import calendars as calendar_service
from scheduler_app.backend.events import service as event_service
from scheduler_app.backend.events.access import Viewer
from scheduler_app.backend.events.conflicts import find_conflicts
from scheduler_app.backend.events.schemas import (
    CalendarCreate,
    CalendarUpdate,
    EventCreate,
    EventPublic,
    EventUpdate,
)
from scheduler_app.backend.events.series import SCOPES
from scheduler_app.backend.events.timing import parse_instant, parse_zone
from scheduler_app.backend.meetings.providers import PROVIDER_LABELS as VIDEO_PROVIDER_LABELS
from scheduler_app.backend.meetings.providers import usable_meeting_providers
from scheduler_app.backend.models import AttendeeDoc, EventDoc
from scheduler_app.backend.observability import UI_ACTIONS
from scheduler_app.backend.scheduling.store import get_working_hours
from scheduler_app.state.event_form_values import (
    REPEAT_NONE,
    business_hours_in,
    describe_when,
    event_to_form,
    form_to_times,
    move_to_times,
    repeat_choices,
    repeat_form,
    repeat_lines,
    selection_to_form,
)
from scheduler_app.state.session import SessionState, backend_url

log = structlog.get_logger("scheduler_app.calendar")
DATABASE_DOWN = "Can't reach the database. Your change was not saved; try again in a moment."
MAX_EVENTS_IN_VIEW = 5_000
REPEAT_FIELDS = frozenset(
    {
        "form_repeat",
        "form_repeat_ends",
        "form_repeat_until",
        "form_repeat_count",
        "form_custom_frequency",
        "form_custom_interval",
    }
)
VIEWS = ("timeGridWeek", "timeGridDay", "dayGridMonth", "listWeek")


INVITATION_COLORS = {"needsAction": "#64748b", "tentative": "#94a3b8", "declined": "#cbd5e1"}


WRITING_ROLES = ("owner", "editor")
GUEST_PERMISSIONS = ("guests_can_modify", "guests_can_invite_others", "guests_can_see_other_guests")


def _calendar_event(event: EventPublic, color: str, editable: bool) -> dict[str, Any]:
    """The shape FullCalendar draws (only events the user may change can be dragged)."""
    if event.start.date is not None:
        start, end, all_day = event.start.date, event.end.date, True
    else:
        start, end, all_day = event.start.date_time, event.end.date_time, False
    return {
        "id": event.id,
        "title": event.title,
        "start": start,
        "end": end,
        "allDay": all_day,
        "backgroundColor": color,
        "borderColor": color,
        "textColor": "#ffffff",
        "editable": editable,
    }


class CalendarState(SessionState):
    """Everything the calendar page shows and does."""

    calendars: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    # Bumped on every reload so FullCalendar redraws the server's truth even when it is unchanged.
    events_revision: int = 0
    view: str = "timeGridWeek"
    range_start: str = ""
    range_end: str = ""
    loading: bool = False
    banner: str = ""
    business_hours: list[dict[str, Any]] = []
    _business_hours_zone: str = ""

    event_dialog_open: bool = False
    form_key: int = 0
    form_event_id: str = ""
    form_title: str = ""
    form_description: str = ""
    form_location: str = ""
    form_start: str = ""
    form_end: str = ""
    form_all_day: bool = False
    form_time_zone: str = ""
    form_calendar_id: str = ""
    form_error: str = ""
    form_field_errors: dict[str, str] = {}
    form_guests: list[dict[str, Any]] = []
    form_guest_email: str = ""
    form_guest_error: str = ""
    form_video_call: bool = False
    form_video_provider: str = "jitsi"
    # The providers this user can pick (Meet/Teams only with a connected account), as select options.
    form_video_options: list[dict[str, str]] = [{"value": "jitsi", "label": "Jitsi"}]
    form_conference_url: str = ""
    # Read-only view: a guest, or someone who may only view the event's calendar.
    form_is_guest: bool = False
    form_can_respond: bool = False
    # A guest the organiser lets modify the event: the form, without the organiser's own choices.
    form_guest_editor: bool = False
    form_guests_can_modify: bool = False
    form_guests_can_invite_others: bool = True
    form_guests_can_see_other_guests: bool = True
    form_organizer: str = ""
    form_my_response: str = ""
    form_when_text: str = ""
    form_repeat: str = "none"
    form_repeat_ends: str = "never"
    form_repeat_until: str = ""
    form_repeat_count: str = "10"
    form_custom_frequency: str = "WEEKLY"
    form_custom_interval: str = "1"
    form_custom_days: list[str] = []
    form_is_occurrence: bool = False
    form_conflicts: list[str] = []
    form_scope: str = "this"
    _form_custom_rule: list[str] = []
    _form_etag: str = ""

    calendar_dialog_open: bool = False
    calendar_form_error: str = ""

    @rx.var
    def editing(self) -> bool:
        return self.form_event_id != ""

    @rx.var
    def repeat_options(self) -> list[list[str]]:
        """[key, label] pairs of the repeat menu for the chosen start day."""
        try:
            start = dt.date.fromisoformat(self.form_start[:10])
        except ValueError:
            start = dt.date.today()
        options = [list(choice) for choice in repeat_choices(start)]
        if self.form_repeat == "advanced":
            options.append(["advanced", "As set elsewhere (kept as it is)"])
        return options

    @rx.var
    def event_export_url(self) -> str:
        return backend_url(f"/api/v1/events/{self.form_event_id}/export.ics") if self.form_event_id else ""

    @rx.var
    def show_repeat(self) -> bool:
        """Repetition is chosen for a new or single event, or for all events of a series (organisers only)."""
        return not self.form_guest_editor and (not self.form_is_occurrence or self.form_scope == "all")

    @rx.var
    def may_delete(self) -> bool:
        return self.form_event_id != "" and not self.form_guest_editor

    @rx.var
    def form_heading(self) -> str:
        if self.form_is_guest:
            return self.form_title
        return "Edit event" if self.form_event_id else "New event"

    # ----- loading -------------------------------------------------------------------------------

    @rx.event
    async def load_page(self) -> rx.event.EventSpec | None:
        """on_load: require a session, then load calendars (events follow from the visible range)."""
        try:
            if not await self.load_user():
                return rx.redirect(f"/sign-in?next={self.router.url.path or '/'}")
            await self._load_calendars()
            await self._load_business_hours()
            self.banner = ""
        except PyMongoError:
            self.banner = "Can't reach the database. Showing nothing until it is back."
            return None
        if self.range_start:
            # A reload keeps this tab's state: the calendar may have drawn the old range before the
            # calendar list was read again (one shared with the user since), so draw it once more.
            await self._refresh()
        return rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=SessionState.set_browser_time_zone
        )

    async def _load_business_hours(self) -> None:
        """Working hours as FullCalendar shades them, moved into the zone the calendar shows."""
        hours = await get_working_hours(collections(), self._user_id)
        self.business_hours = business_hours_in(hours, self.display_time_zone)
        self._business_hours_zone = self.display_time_zone

    async def _load_calendars(self) -> None:
        found = await calendar_service.calendar_listing(collections(), self._user_id)
        self.calendars = [calendar.model_dump(mode="json") for calendar in found]

    @rx.var
    def own_calendars(self) -> list[dict[str, Any]]:
        return [calendar for calendar in self.calendars if not calendar.get("shared_with_me")]

    @rx.var
    def shared_calendars(self) -> list[dict[str, Any]]:
        return [calendar for calendar in self.calendars if calendar.get("shared_with_me")]

    @rx.var
    def writable_calendars(self) -> list[dict[str, Any]]:
        """Where the user may put events: their own calendars and those they edit."""
        return [calendar for calendar in self.calendars if calendar.get("access_role") in WRITING_ROLES]

    def _may_write(self, calendar_id: str) -> bool:
        return calendar_id in self._writable_ids()

    def _writable_ids(self) -> set[str]:
        return {calendar["id"] for calendar in self.calendars if calendar.get("access_role") in WRITING_ROLES}

    async def _reload_events(self) -> None:
        if not self.range_start or not self._user_id:
            return
        zone = parse_zone(self.display_time_zone)
        visible = [calendar["id"] for calendar in self.calendars if calendar["visible"]]
        colors = {calendar["id"]: calendar["color"] for calendar in self.calendars}
        writable = self._writable_ids()
        loaded: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            page, cursor = await event_service.list_events(
                collections(),
                self._user_id,
                event_service.EventRange(
                    start=parse_instant(self.range_start, zone, "start"),
                    end=parse_instant(self.range_end, zone, "end"),
                    calendar_ids=visible,
                    include_invitations=True,
                    cursor=cursor,
                    limit=event_service.MAX_PAGE_SIZE,
                    viewer_zone=zone.key,
                ),
            )
            loaded += [
                _calendar_event(
                    EventPublic.of(event), self._color_for(event, colors), event.calendar_id in writable
                )
                for event in page
            ]
            if cursor is None or len(loaded) >= MAX_EVENTS_IN_VIEW:
                break
        self.events = loaded

    def _color_for(self, event: EventDoc, colors: dict[str, str]) -> str:
        """Events of the user's calendars in the calendar's colour; invitations grey until accepted."""
        if event.calendar_id in colors:
            return colors[event.calendar_id]
        mine = next((guest for guest in event.attendees if guest.email == self.user_email), None)
        status = mine.response_status if mine else "needsAction"
        default = next((c["color"] for c in self.calendars if c["is_default"]), "#3b82f6")
        return INVITATION_COLORS.get(status, default)

    async def _refresh(self) -> None:
        """Show the server's truth: after a change, or to roll back a refused one."""
        self.events_revision += 1
        try:
            await self._reload_events()
            self.banner = ""
        except PyMongoError:
            self.banner = "Can't reach the database. The calendar may be out of date."

    @rx.event
    async def dates_set(self, payload: dict) -> AsyncIterator[rx.event.EventSpec | None]:
        """FullCalendar moved to another range or view."""
        if ended := await self.session_ended():
            yield ended
            return
        self.range_start = str(payload.get("start", ""))
        self.range_end = str(payload.get("end", ""))
        if payload.get("view") in VIEWS:
            self.view = str(payload["view"])
        self.loading = True
        yield
        if self._business_hours_zone != self.display_time_zone:  # the browser's zone arrived after load
            with contextlib.suppress(PyMongoError):  # shading is a nicety; _refresh reports outages
                await self._load_business_hours()
        await self._refresh()
        self.loading = False

    # ----- calendars -----------------------------------------------------------------------------

    @rx.event
    async def toggle_calendar(self, calendar_id: str, visible: bool) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        try:
            await calendar_service.update_calendar(
                collections(), self._user_id, calendar_id, CalendarUpdate(visible=bool(visible))
            )
            await self._load_calendars()
        except DomainError as error:
            return rx.toast.error(error.detail)
        except PyMongoError:
            return rx.toast.error(DATABASE_DOWN)
        await self._refresh()
        return None

    @rx.event
    def set_calendar_dialog_open(self, is_open: bool) -> None:
        self.calendar_dialog_open = is_open
        self.calendar_form_error = ""

    @rx.event
    async def create_calendar(self, form_data: dict) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        try:
            data = CalendarCreate.model_validate(
                {"name": str(form_data.get("name", "")), "color": str(form_data.get("color", "#3b82f6"))}
            )
            await calendar_service.create_calendar(collections(), self._user_id, data)
            await self._load_calendars()
        except DomainError as error:
            self.calendar_form_error = error.detail
            return None
        except ValueError as error:
            self.calendar_form_error = _first_message(error)
            return None
        except PyMongoError:
            self.calendar_form_error = DATABASE_DOWN
            return None
        self.calendar_dialog_open = False
        return rx.toast.success("Calendar created.")

    # ----- the event form ------------------------------------------------------------------------

    def _open_form(self, **values: Any) -> None:
        default_calendar = next((c["id"] for c in self.calendars if c["is_default"]), "")
        self.form_event_id = values.get("event_id", "")
        self.form_title = values.get("title", "")
        self.form_description = values.get("description", "")
        self.form_location = values.get("location", "")
        self.form_start = values.get("start", "")
        self.form_end = values.get("end", "")
        self.form_all_day = bool(values.get("all_day", False))
        self.form_time_zone = values.get("time_zone") or self.display_time_zone
        self.form_calendar_id = values.get("calendar_id") or default_calendar
        self._form_etag = values.get("etag", "")
        self.form_guests = values.get("guests", [])
        self.form_guest_email, self.form_guest_error = "", ""
        self.form_conference_url = values.get("conference_url", "")
        self.form_video_call = bool(self.form_conference_url)
        self.form_video_provider = "jitsi"
        self.form_is_guest = bool(values.get("is_guest", False))
        self.form_guest_editor = bool(values.get("guest_editor", False))
        self.form_can_respond = bool(values.get("can_respond", False))
        self.form_guests_can_modify = bool(values.get("guests_can_modify", False))
        self.form_guests_can_invite_others = bool(values.get("guests_can_invite_others", True))
        self.form_guests_can_see_other_guests = bool(values.get("guests_can_see_other_guests", True))
        self.form_organizer = values.get("organizer", "")
        self.form_my_response = values.get("my_response", "")
        self.form_when_text = values.get("when_text", "")
        repeat = values.get("repeat", {})
        self.form_repeat = repeat.get("repeat", REPEAT_NONE)
        self.form_repeat_ends = repeat.get("repeat_ends", "never")
        self.form_repeat_until = repeat.get("repeat_until", "")
        self.form_repeat_count = repeat.get("repeat_count", "") or "10"
        self._form_custom_rule = values.get("custom_lines", [])
        self.form_custom_frequency = repeat.get("frequency", "WEEKLY")
        self.form_custom_interval = repeat.get("interval", "1")
        self.form_custom_days = [day for day in repeat.get("days", "").split(",") if day]
        self.form_is_occurrence = bool(values.get("is_occurrence", False))
        self.form_scope = "this"
        self.form_conflicts = []
        self.form_error = ""
        self.form_field_errors = {}
        self.form_key += 1
        self.event_dialog_open = True

    @rx.event
    async def new_event_at(self, payload: dict) -> None:
        """A click or drag on empty slots opens the form for that range."""
        all_day = bool(payload.get("all_day"))
        values = selection_to_form(
            str(payload.get("start", "")), str(payload.get("end", "")), all_day, self.display_time_zone
        )
        self._open_form(all_day=all_day, **values)
        await self._check_conflicts()

    @rx.event
    def new_event(self) -> None:
        """The "New event" button: the next full hour, one hour long."""
        zone = parse_zone(self.display_time_zone)
        start = (dt.datetime.now(zone) + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        values = selection_to_form(
            start.isoformat(), (start + dt.timedelta(hours=1)).isoformat(), False, self.display_time_zone
        )
        self._open_form(**values)

    @rx.event
    async def open_event(self, payload: dict) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        try:
            event = await event_service.get_event(collections(), self._user_id, str(payload.get("id", "")))
        except NotFoundError:
            await self._refresh()
            return rx.toast.error("That event no longer exists.")
        except PyMongoError:
            return rx.toast.error(DATABASE_DOWN)
        public = EventPublic.of(event)
        mine = next((guest for guest in event.attendees if guest.email == self.user_email), None)
        guest_edits = mine is not None and event.guests_can_modify and not self._may_write(event.calendar_id)
        lines: list[str] = []
        if event.recurring_event_id:
            master = await collections().events.find_one({"_id": event.recurring_event_id}, {"recurrence": 1})
            lines = list((master or {}).get("recurrence", []))
        local_start = event_to_form(public)["start"][:10]
        repeat = repeat_form(lines, dt.date.fromisoformat(local_start), event.time_zone)
        self._open_form(
            event_id=event.id,
            title=event.title,
            description=event.description,
            location=event.location,
            all_day=event.all_day,
            calendar_id=event.calendar_id,
            etag=event.etag,
            guests=[_guest_row(guest, frontend_url("")) for guest in event.attendees],
            conference_url=event.conference.url if event.conference else "",
            is_guest=not self._may_write(event.calendar_id) and not guest_edits,
            guest_editor=guest_edits,
            can_respond=mine is not None,
            guests_can_modify=event.guests_can_modify,
            guests_can_invite_others=event.guests_can_invite_others,
            guests_can_see_other_guests=event.guests_can_see_other_guests,
            organizer=event.organizer_name or event.organizer_email,
            my_response=mine.response_status if mine else "",
            when_text=describe_when(public, self.display_time_zone),
            repeat=repeat,
            custom_lines=lines if repeat["repeat"] == "advanced" else [],
            is_occurrence=event.recurring_event_id is not None,
            **event_to_form(public),
        )
        return None

    @rx.event
    def set_repeat_field(self, name: str, value: str) -> None:
        """One of the repeat inputs changed (the server builds the RRULE from them on save)."""
        if name in REPEAT_FIELDS:
            setattr(self, name, str(value))

    @rx.event
    def set_form_scope(self, value: str) -> None:
        if value in SCOPES:
            self.form_scope = value

    @rx.event
    def toggle_custom_day(self, code: str, chosen: bool) -> None:
        days = [day for day in self.form_custom_days if day != code]
        self.form_custom_days = [*days, code] if chosen else days

    def _repeat_lines(self, zone: str) -> list[str]:
        if self.form_repeat == "advanced":
            return list(self._form_custom_rule)
        return repeat_lines(
            self.form_repeat,
            dt.date.fromisoformat(self.form_start[:10]),
            self.form_repeat_ends,
            self.form_repeat_until,
            self.form_repeat_count,
            zone,
            self.form_all_day,
            (self.form_custom_frequency, self.form_custom_interval, self.form_custom_days),
        )

    # ----- guests and meeting links --------------------------------------------------------------

    @rx.event
    def set_form_guest_email(self, value: str) -> None:
        self.form_guest_email = value
        self.form_guest_error = ""

    @rx.event
    async def add_guest(self) -> None:
        try:
            email = normalize_email(self.form_guest_email, "guest")
        except DomainError as error:
            self.form_guest_error = error.errors[0].message if error.errors else error.detail
            return
        if email == self.user_email:
            self.form_guest_error = "You are the organiser; you don't need an invitation."
            return
        if all(guest["email"] != email for guest in self.form_guests):
            self.form_guests = [
                *self.form_guests,
                {"email": email, "response_status": "needsAction", "optional": False, "link": ""},
            ]
        self.form_guest_email = ""
        await self._check_conflicts()

    @rx.event
    async def guest_key_down(self, key: str) -> None:
        """Enter in the guest field adds the guest (the field belongs to no form, so it never submits)."""
        if key == "Enter":
            await self.add_guest()

    @rx.event
    def remove_guest(self, email: str) -> None:
        self.form_guests = [guest for guest in self.form_guests if guest["email"] != email]

    @rx.event
    def set_guest_optional(self, email: str, optional: bool) -> None:
        self.form_guests = [
            {**guest, "optional": bool(optional)} if guest["email"] == email else guest
            for guest in self.form_guests
        ]

    @rx.event
    async def set_form_video_call(self, wanted: bool) -> None:
        """Ticking "Add video call" looks up which providers this user can use right now."""
        self.form_video_call = bool(wanted)
        if not wanted or self.form_conference_url or not self._user_id:
            return
        try:
            usable = await usable_meeting_providers(collections(), self._user_id)
        except PyMongoError:
            usable = ["jitsi"]
        self.form_video_options = [{"value": name, "label": VIDEO_PROVIDER_LABELS[name]} for name in usable]
        if self.form_video_provider not in usable:
            self.form_video_provider = "jitsi"

    @rx.event
    def set_form_video_provider(self, provider: str) -> None:
        self.form_video_provider = provider if provider in VIDEO_PROVIDER_LABELS else "jitsi"

    @rx.event
    async def respond(self, status: str) -> rx.event.EventSpec | None:
        """The signed-in guest answers the invitation open in the dialog."""
        if ended := await self.session_ended():
            return ended
        try:
            await attendees.respond(
                collections(),
                Viewer(self._user_id, self.user_email),
                self.form_event_id,
                status,  # type: ignore[arg-type]
            )
        except DomainError as error:
            self.form_error = error.detail
            return None
        except PyMongoError:
            self.form_error = DATABASE_DOWN
            return None
        self.event_dialog_open = False
        await self._refresh()
        return rx.toast.success(RESPONSE_TOASTS.get(status, "Answer saved."))

    @rx.event
    def set_event_dialog_open(self, is_open: bool) -> None:
        self.event_dialog_open = is_open

    @rx.event
    def set_form_all_day(self, all_day: bool) -> None:
        """Switch between date and date-time inputs, keeping the chosen days."""
        self.form_all_day = bool(all_day)
        if self.form_all_day:
            self.form_start, self.form_end = self.form_start[:10], self.form_end[:10]
        else:
            self.form_start = (self.form_start[:10] + "T09:00") if self.form_start else ""
            self.form_end = (self.form_end[:10] + "T10:00") if self.form_end else ""

    @rx.event
    async def set_form_start(self, value: str) -> None:
        self.form_start = value
        await self._check_conflicts()

    @rx.event
    async def set_form_end(self, value: str) -> None:
        self.form_end = value
        await self._check_conflicts()

    async def _check_conflicts(self) -> None:
        """Warn (never block) when the chosen time overlaps your events or guests' busy time."""
        self.form_conflicts = []
        if self.form_is_guest or not self.form_start or not self.form_end:
            return
        zone = self.form_time_zone or self.display_time_zone
        try:
            start, end = form_to_times(self.form_start, self.form_end, self.form_all_day, zone)
            when = event_service.resolve_timing(start, end, zone)
            if when.all_day:
                return
            found = await find_conflicts(
                collections(),
                self._user_id,
                when.start_utc,
                when.end_utc,
                [guest["email"] for guest in self.form_guests],
                self.form_event_id or None,
            )
        except (DomainError, PyMongoError):
            return
        local = parse_zone(self.display_time_zone)
        self.form_conflicts = [
            f"{item.who}: {item.title}, {item.start_utc.astimezone(local):%a %H:%M}–{item.end_utc.astimezone(local):%H:%M}"
            for item in found
        ]

    @rx.event
    async def save_event(self, form_data: dict) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        self.form_error, self.form_field_errors = "", {}
        zone = str(form_data.get("time_zone") or self.display_time_zone)
        fields = {
            "title": str(form_data.get("title", "")),
            "description": str(form_data.get("description", "")),
            "location": str(form_data.get("location", "")),
            "calendar_id": str(form_data.get("calendar_id", "")) or None,
            **{name: bool(form_data.get(name)) for name in GUEST_PERMISSIONS},
        }
        if self.form_guest_editor:  # the calendar and the guests' permissions stay the organiser's
            for name in ("calendar_id", *GUEST_PERMISSIONS):
                fields.pop(name)
        db = collections()
        try:
            start, end = form_to_times(self.form_start, self.form_end, self.form_all_day, zone)
            fields["attendees"] = [
                {"email": guest["email"], "optional": bool(guest["optional"])} for guest in self.form_guests
            ]
            if self.show_repeat and self.form_start:
                fields["recurrence"] = self._repeat_lines(zone)
            if self.form_video_call and not self.form_conference_url:
                fields["conference"] = {"provider": self.form_video_provider}
            elif not self.form_video_call and self.form_conference_url:
                fields["conference"] = None
            if self.form_event_id:
                await event_service.update_event(
                    db,
                    self._user_id,
                    self.form_event_id,
                    EventUpdate.model_validate(
                        {
                            **{k: v for k, v in fields.items() if v is not None or k == "conference"},
                            "start": start,
                            "end": end,
                        }
                    ),
                    zone,
                    if_match=self._form_etag or None,
                    scope=self.form_scope if self.form_is_occurrence else "this",  # type: ignore[arg-type]
                )
                action = "update"
            else:
                await event_service.create_event(
                    db,
                    self._user_id,
                    EventCreate.model_validate(
                        {**{k: v for k, v in fields.items() if v is not None}, "start": start, "end": end}
                    ),
                    zone,
                )
                action = "create"
        except DomainError as error:
            UI_ACTIONS.labels("save", "refused").inc()
            self.form_error = error.detail
            self.form_field_errors = {
                problem.field.split(".")[0]: problem.message for problem in error.errors
            }
            return None
        except ValueError as error:
            UI_ACTIONS.labels("save", "invalid").inc()
            self.form_error = "Please correct the highlighted fields."
            self.form_field_errors = _field_messages(error)
            return None
        except PyMongoError:
            self.form_error = DATABASE_DOWN
            return None
        UI_ACTIONS.labels(action, "ok").inc()
        self.event_dialog_open = False
        await self._refresh()
        return rx.toast.success("Event saved." if action == "update" else "Event created.")

    @rx.event
    async def delete_event(self) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        try:
            await event_service.delete_event(
                collections(),
                self._user_id,
                self.form_event_id,
                self._form_etag or None,
                scope=self.form_scope if self.form_is_occurrence else "this",  # type: ignore[arg-type]
            )
        except DomainError as error:
            self.form_error = error.detail
            return None
        except PyMongoError:
            self.form_error = DATABASE_DOWN
            return None
        UI_ACTIONS.labels("delete", "ok").inc()
        self.event_dialog_open = False
        await self._refresh()
        return rx.toast.success("Event deleted.")

    # ----- direct manipulation: optimistic in the browser, rolled back on refusal ------------------

    @rx.event
    async def move_event(self, payload: dict) -> rx.event.EventSpec | None:
        """A drag or resize: FullCalendar already shows it; on refusal we redraw the server's truth."""
        if ended := await self.session_ended():
            return ended
        event_id = str(payload.get("id", ""))
        try:
            current = await event_service.get_event(collections(), self._user_id, event_id)
            start, end = move_to_times(
                str(payload.get("start", "")),
                str(payload.get("end") or ""),
                bool(payload.get("all_day")),
                current.time_zone,
            )
            await event_service.update_event(
                collections(),
                self._user_id,
                event_id,
                EventUpdate(start=start, end=end),
                current.time_zone,
                if_match=current.etag,
            )
        except DomainError as error:
            UI_ACTIONS.labels("move", "refused").inc()
            await self._refresh()
            return rx.toast.error(f"Couldn't move the event: {error}")
        except (ValueError, TypeError):
            await self._refresh()
            return rx.toast.error("Couldn't move the event: the new time was not understood.")
        except PyMongoError:
            self.events_revision += 1
            return rx.toast.error(DATABASE_DOWN)
        UI_ACTIONS.labels("move", "ok").inc()
        await self._refresh()
        return None


RESPONSE_TOASTS = {
    "accepted": "You accepted the invitation.",
    "tentative": "You answered maybe.",
    "declined": "You declined the invitation.",
}


def _guest_row(guest: AttendeeDoc, base_url: str) -> dict[str, Any]:
    return {
        "email": guest.email,
        "response_status": guest.response_status,
        "optional": guest.optional,
        "link": f"{base_url}/invitation/{guest.rsvp_token}",
    }


def _field_messages(error: ValueError) -> dict[str, str]:
    """Field -> message from a pydantic ValidationError."""
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return {}
    messages: dict[str, str] = {}
    for item in errors():
        location = item.get("loc") or ("form",)
        messages.setdefault(
            str(location[0]), str(item.get("msg", "Invalid value.")).removeprefix("Value error, ")
        )
    return messages


def _first_message(error: ValueError) -> str:
    return next(iter(_field_messages(error).values()), "Invalid input.")
