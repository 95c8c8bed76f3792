"""Find a time: pick people, a length and a window; get ranked times and turn one into an event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import reflex as rx
import structlog
from pymongo.errors import PyMongoError

from scheduler_app.backend.db import collections
from scheduler_app.backend.email_address import normalize_email
from scheduler_app.backend.errors import DomainError, InvalidInputError
from scheduler_app.backend.events import service as event_service
from scheduler_app.backend.events.calendars import calendar_listing
from scheduler_app.backend.events.schemas import AttendeeIn, ConferenceRequest, EventCreate, EventTime
from scheduler_app.backend.events.timing import parse_zone
from scheduler_app.backend.models import UserDoc
from scheduler_app.backend.scheduling.intervals import IntervalSet
from scheduler_app.backend.scheduling.request import MAX_SUGGESTIONS
from scheduler_app.backend.scheduling.service import SuggestionQuery, free_busy_of, resolve_people, suggest
from scheduler_app.backend.scheduling.working_hours import WorkingHours, available_intervals
from scheduler_app.state.session import SessionState

log = structlog.get_logger("scheduler_app.find_time")
DATABASE_DOWN = "Can't reach the database right now; try again in a moment."
DURATIONS = ("15", "30", "45", "60", "90", "120")
SHOWN_SUGGESTIONS = 10


class FindTimeState(SessionState):
    people: list[dict[str, Any]] = []
    person_email: str = ""
    person_error: str = ""
    duration: str = "60"
    window_start: str = ""
    window_end: str = ""
    within_working_hours: bool = True
    avoid_lunch: bool = False
    title: str = "Meeting"
    searching: bool = False
    error: str = ""
    suggestions: list[dict[str, Any]] = []
    summary: str = ""
    relaxations: list[str] = []
    bottlenecks: list[str] = []
    searched: bool = False
    grid_hours: list[str] = []
    grid_rows: list[dict[str, Any]] = []
    # Calendars shared with the user that can be required free too (rooms, team calendars).
    calendar_options: list[dict[str, Any]] = []
    chosen_calendars: list[str] = []

    @rx.event
    async def load_page(self) -> rx.event.EventSpec | None:
        try:
            if not await self.load_user():
                return rx.redirect("/sign-in?next=/find-a-time")
        except PyMongoError:
            self.error = DATABASE_DOWN
            return None
        try:
            listed = await calendar_listing(collections(), self._user_id)
            self.calendar_options = [
                {"id": item.id, "name": item.name, "owner": item.owner_email or ""}
                for item in listed
                if item.shared_with_me
            ]
        except PyMongoError:
            self.calendar_options = []
        self.chosen_calendars = [
            chosen
            for chosen in self.chosen_calendars
            if any(o["id"] == chosen for o in self.calendar_options)
        ]
        today = dt.datetime.now(parse_zone(self.display_time_zone)).date()
        self.window_start = self.window_start or today.isoformat()
        self.window_end = self.window_end or (today + dt.timedelta(days=7)).isoformat()
        return rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=SessionState.set_browser_time_zone
        )

    @rx.event
    def set_person_email(self, value: str) -> None:
        self.person_email, self.person_error = value, ""

    @rx.event
    def add_person(self, optional: bool = False) -> None:
        try:
            email = normalize_email(self.person_email, "person")
        except DomainError as error:
            self.person_error = error.errors[0].message if error.errors else error.detail
            return
        if email == self.user_email:
            self.person_error = "You are always included."
            return
        if all(person["email"] != email for person in self.people):
            self.people = [*self.people, {"email": email, "optional": bool(optional)}]
        self.person_email = ""

    @rx.event
    def person_key_down(self, key: str) -> None:
        if key == "Enter":
            self.add_person()

    @rx.event
    def remove_person(self, email: str) -> None:
        self.people = [person for person in self.people if person["email"] != email]

    @rx.event
    def set_person_optional(self, email: str, optional: bool) -> None:
        self.people = [{**p, "optional": bool(optional)} if p["email"] == email else p for p in self.people]

    @rx.event
    def set_duration(self, value: str) -> None:
        self.duration = value if value in DURATIONS else "60"

    @rx.event
    def set_window_start(self, value: str) -> None:
        self.window_start = value

    @rx.event
    def set_window_end(self, value: str) -> None:
        self.window_end = value

    @rx.event
    def set_within_working_hours(self, value: bool) -> None:
        self.within_working_hours = bool(value)

    @rx.event
    def set_avoid_lunch(self, value: bool) -> None:
        self.avoid_lunch = bool(value)

    @rx.event
    def set_calendar_chosen(self, calendar_id: str, chosen: bool) -> None:
        others = [item for item in self.chosen_calendars if item != calendar_id]
        known = any(option["id"] == calendar_id for option in self.calendar_options)
        self.chosen_calendars = [*others, calendar_id] if chosen and known else others

    @rx.event
    def set_title(self, value: str) -> None:
        self.title = value

    async def _requester(self) -> UserDoc:
        return UserDoc.from_mongo(await collections().users.find_one({"_id": self._user_id}) or {})

    @rx.event
    async def search(self):
        """Rank the times that work for everyone (the window's end day is included)."""
        if ended := await self.session_ended():
            yield ended
            return
        self.error, self.suggestions, self.summary, self.relaxations, self.bottlenecks = "", [], "", [], []
        self.searching = True
        yield
        try:
            last_day = dt.date.fromisoformat(self.window_end) + dt.timedelta(days=1)
            query = SuggestionQuery(
                participants=[p["email"] for p in self.people if not p["optional"]],
                optional=[p["email"] for p in self.people if p["optional"]],
                calendars=self.chosen_calendars,
                duration_minutes=int(self.duration),
                window_start=f"{self.window_start}T00:00:00",
                window_end=f"{last_day.isoformat()}T00:00:00",
                time_zone=self.display_time_zone,
                limit=MAX_SUGGESTIONS,
                within_working_hours=self.within_working_hours,
                avoid_lunch=self.avoid_lunch,
            )
            result = (await suggest(collections(), await self._requester(), query)).to_json()
        except DomainError as error:
            self.error = str(error) if error.errors else error.detail
            return
        except ValueError:
            self.error = "Pick a start and an end day for the search."
            return
        except PyMongoError:
            self.error = DATABASE_DOWN
            return
        finally:
            self.searching = False
        zone = parse_zone(self.display_time_zone)
        names = {f"calendar:{option['id']}": option["name"] for option in self.calendar_options}
        self.suggestions = [
            {
                "start": item["start"],
                "end": item["end"],
                "label": _label(item["start"], item["end"], zone),
                "reasons": "; ".join(item["reasons"]),
                "busy": ", ".join(names.get(busy, busy) for busy in item["attendees_busy"]),
            }
            for item in distinct_times(result["suggestions"], SHOWN_SUGGESTIONS)
        ]
        try:
            await self._build_grid(query)
        except (DomainError, PyMongoError) as error:  # the ranked list stands on its own
            log.warning("find_time.grid_failed", error=str(error))
            self.grid_rows = []
        explanation = result.get("explanation") or {}
        self.summary = explanation.get("summary", "")
        self.bottlenecks = [f"{b['display_name']}: {b['reason']}" for b in explanation.get("bottlenecks", [])]
        self.relaxations = [relaxation["text"] for relaxation in explanation.get("relaxations", [])]
        self.searched = True

    async def _build_grid(self, query: SuggestionQuery) -> None:
        """Who is free in each hour of the first days of the window (free/busy only, never titles)."""
        zone = parse_zone(self.display_time_zone)
        first = dt.date.fromisoformat(self.window_start)
        days = min(GRID_DAYS, (dt.date.fromisoformat(self.window_end) - first).days + 1)
        start = dt.datetime.combine(first, dt.time(), zone).astimezone(dt.UTC)
        end = dt.datetime.combine(first + dt.timedelta(days=days), dt.time(), zone).astimezone(dt.UTC)
        emails = [self.user_email, *query.participants, *query.optional]
        db = collections()
        people = await resolve_people(db, [(f"users[{index}]", email) for index, email in enumerate(emails)])
        # The people were just looked up: their free/busy is read without a second lookup.
        ordered = list(dict.fromkeys(email.strip().lower() for email in emails))
        free_busy = await free_busy_of(db, [people[email] for email in ordered], start, end)
        working = {email: _working_time(person.hours, start, end) for email, person in people.items()}
        self.grid_hours = [f"{hour:02d}:00" for hour in GRID_HOURS]
        self.grid_rows = [
            {
                "day": f"{first + dt.timedelta(days=offset):%a %d %b}",
                "cells": [
                    _grid_cell(
                        first + dt.timedelta(days=offset),
                        hour,
                        zone,
                        free_busy,
                        people,
                        working if self.within_working_hours else None,
                    )
                    for hour in GRID_HOURS
                ],
            }
            for offset in range(days)
        ]

    @rx.event
    async def create_from(self, start: str, end: str) -> rx.event.EventSpec | None:
        """Turn a suggestion into an event with everyone invited and a video call."""
        if ended := await self.session_ended():
            return ended
        try:
            await event_service.create_event(
                collections(),
                self._user_id,
                EventCreate(
                    title=self.title.strip() or "Meeting",
                    start=EventTime(date_time=start, time_zone=self.display_time_zone),
                    end=EventTime(date_time=end, time_zone=self.display_time_zone),
                    attendees=[AttendeeIn(email=p["email"], optional=p["optional"]) for p in self.people],
                    conference=ConferenceRequest(provider="jitsi"),
                ),
                self.display_time_zone,
            )
        except DomainError as error:
            self.error = str(error) if error.errors else error.detail
            return None
        except PyMongoError:
            self.error = DATABASE_DOWN
            return None
        return [rx.toast.success("Event created and guests invited."), rx.redirect("/")]  # type: ignore[return-value]


GRID_DAYS = 7
GRID_HOURS = range(7, 21)


def _working_time(hours: WorkingHours, start: dt.datetime, end: dt.datetime) -> IntervalSet:
    """When someone works in [start, end) (out of office taken out); invalid stored hours count as always."""
    try:
        return available_intervals(hours, start, end)
    except InvalidInputError:
        return IntervalSet.span(start, end)


def _grid_cell(
    day: dt.date,
    hour: int,
    zone: Any,
    free_busy: list[Any],
    people: dict[str, Any],
    working: dict[str, IntervalSet] | None,
) -> dict[str, Any]:
    """One hour of one day: how many can attend (free, and at work when working hours count), each
    person's local time for the hover text, and whether it is outside everyone's working hours."""
    start = dt.datetime.combine(day, dt.time(hour), zone)
    end = start + dt.timedelta(hours=1)
    off = [
        person.email
        for person in free_busy
        if working is not None and person.email in working and not working[person.email].contains(start, end)
    ]
    free = [
        person.email
        for person in free_busy
        if person.email not in off and not any(item.start < end and item.end > start for item in person.busy)
    ]
    total = len(free_busy)
    local_times = ", ".join(
        f"{people[email].name or email} {start.astimezone(parse_zone(people[email].time_zone)):%H:%M} "
        f"{people[email].time_zone}"
        for email in (person.email for person in free_busy)
        if email in people
    )
    outside = ""
    if off:
        names = ", ".join(people[email].name or email for email in off if email in people)
        outside = f" Outside working hours: {names}."
    return {
        "level": str(round(4 * len(free) / total)) if total else "0",
        "off_hours": bool(total) and len(off) == total,
        "title": f"{start:%a %H:%M}: {len(free)} of {total} can attend.{outside} Local times: {local_times}",
    }


def distinct_times(ranked: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """The best suggestions that do not overlap one another, so the list offers real alternatives."""
    chosen: list[dict[str, Any]] = []
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    for item in ranked:
        start, end = dt.datetime.fromisoformat(item["start"]), dt.datetime.fromisoformat(item["end"])
        if all(end <= other_start or start >= other_end for other_start, other_end in spans):
            chosen.append(item)
            spans.append((start, end))
        if len(chosen) == count:
            break
    return chosen


def _label(start: str, end: str, zone: Any) -> str:
    begin = dt.datetime.fromisoformat(start).astimezone(zone)
    finish = dt.datetime.fromisoformat(end).astimezone(zone)
    return f"{begin:%a %d %b, %H:%M}–{finish:%H:%M}"
