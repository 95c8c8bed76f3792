"""Input and output shapes of calendars and events, shared by the REST API and the UI."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Literal

from pydantic import ConfigDict, field_validator
from sqlmodel import Field, SQLModel

from scheduler_app.backend.events.calendar_access import AccessibleCalendar
from scheduler_app.backend.models import (
    ATTENDEES_MAX,
    CALENDAR_NAME_MAX,
    DESCRIPTION_MAX,
    LOCATION_MAX,
    TITLE_MAX,
    AttendeeDoc,
    CalendarDoc,
    CalendarShareDoc,
    EventDoc,
    ResponseStatus,
)

COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"
# Patterns go through `schema_extra`: sqlmodel's `regex=` is not enforced under pydantic 2.


class EventTime(SQLModel):
    """Either a `date_time` (ISO 8601, with `time_zone`) or a `date` for all-day events."""

    model_config = ConfigDict(extra="forbid")

    date_time: str | None = None
    time_zone: str | None = None
    date: str | None = None


class AttendeeIn(SQLModel):
    """A guest to invite; their response is theirs to set."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)
    display_name: str = Field(default="", max_length=100)
    optional: bool = False


class AttendeePublic(SQLModel):
    email: str
    display_name: str
    response_status: ResponseStatus
    optional: bool

    @classmethod
    def of(cls, attendee: AttendeeDoc) -> AttendeePublic:
        return cls(
            email=attendee.email,
            display_name=attendee.display_name,
            response_status=attendee.response_status,
            optional=attendee.optional,
        )


class ConferenceRequest(SQLModel):
    """Ask a meeting provider for a link (`jitsi` needs no account)."""

    model_config = ConfigDict(extra="forbid")

    provider: Literal["jitsi", "google_meet", "microsoft_teams"] = "jitsi"


class ConferencePublic(SQLModel):
    provider: str
    url: str


class Organizer(SQLModel):
    email: str
    display_name: str


class RsvpRequest(SQLModel):
    model_config = ConfigDict(extra="forbid")

    response_status: ResponseStatus


class EventCreate(SQLModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        default=None,
        schema_extra={"pattern": r"^[A-Za-z0-9_-]{5,128}$"},
        description="Optional client-chosen id; re-sending a create with the same id answers 409.",
    )
    calendar_id: str | None = Field(default=None, description="Defaults to the user's default calendar.")
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    location: str = Field(default="", max_length=LOCATION_MAX)
    start: EventTime
    end: EventTime
    attendees: list[AttendeeIn] = Field(default_factory=list, max_length=ATTENDEES_MAX)
    conference: ConferenceRequest | None = None
    guests_can_modify: bool = Field(default=False, description="Guests may change the event.")
    guests_can_invite_others: bool = Field(default=True, description="Guests may add guests.")
    guests_can_see_other_guests: bool = Field(default=True, description="Guests see the guest list.")
    recurrence: list[str] = Field(
        default_factory=list,
        description='RFC 5545 lines, e.g. ["RRULE:FREQ=WEEKLY;BYDAY=MO", "EXDATE:20260309T080000Z"].',
    )

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("A title is required.")
        return value


class EventUpdate(SQLModel):
    """A partial update; omitted fields keep their value."""

    model_config = ConfigDict(extra="forbid")

    calendar_id: str | None = None
    title: str | None = Field(default=None, max_length=TITLE_MAX)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)
    location: str | None = Field(default=None, max_length=LOCATION_MAX)
    start: EventTime | None = None
    end: EventTime | None = None
    attendees: list[AttendeeIn] | None = Field(default=None, max_length=ATTENDEES_MAX)
    conference: ConferenceRequest | None = Field(
        default=None, description="A provider to add a meeting link; `null` removes the link."
    )
    recurrence: list[str] | None = Field(
        default=None, description="New RFC 5545 lines for a series (scope `all`); `[]` ends repetition."
    )
    guests_can_modify: bool | None = None
    guests_can_invite_others: bool | None = None
    guests_can_see_other_guests: bool | None = None

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str | None) -> str | None:
        if value is not None:
            value = value.strip()
            if not value:
                raise ValueError("A title is required.")
        return value


class EventPublic(SQLModel):
    id: str
    calendar_id: str
    title: str
    description: str
    location: str
    start: EventTime
    end: EventTime
    organizer: Organizer
    attendees: list[AttendeePublic]
    conference: ConferencePublic | None
    guests_can_modify: bool = False
    guests_can_invite_others: bool = True
    guests_can_see_other_guests: bool = True
    recurrence: list[str] = Field(default_factory=list)
    recurring_event_id: str | None = None
    original_start: EventTime | None = None
    etag: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, event: EventDoc) -> EventPublic:
        if event.all_day:
            assert event.start_date is not None and event.end_date is not None
            start = EventTime(date=event.start_date.isoformat())
            end = EventTime(date=event.end_date.isoformat())
        else:
            zone = zoneinfo.ZoneInfo(event.time_zone)
            start = EventTime(
                date_time=event.start_utc.astimezone(zone).isoformat(), time_zone=event.time_zone
            )
            end_utc = event.first_end_utc if event.is_series and event.first_end_utc else event.end_utc
            end = EventTime(date_time=end_utc.astimezone(zone).isoformat(), time_zone=event.time_zone)
        return cls(
            id=event.id,
            calendar_id=event.calendar_id,
            title=event.title,
            description=event.description,
            location=event.location,
            start=start,
            end=end,
            organizer=Organizer(email=event.organizer_email, display_name=event.organizer_name),
            attendees=[AttendeePublic.of(attendee) for attendee in event.attendees],
            conference=(
                ConferencePublic(provider=event.conference.provider, url=event.conference.url)
                if event.conference
                else None
            ),
            guests_can_modify=event.guests_can_modify,
            guests_can_invite_others=event.guests_can_invite_others,
            guests_can_see_other_guests=event.guests_can_see_other_guests,
            recurrence=list(event.recurrence),
            recurring_event_id=event.recurring_event_id,
            original_start=_original_start(event),
            etag=event.etag,
            created_at=event.created_at,
            updated_at=event.updated_at,
        )


def _original_start(event: EventDoc) -> EventTime | None:
    """An occurrence's original start, read from its recurrence id (`20260302T080000Z` / `20260302`)."""
    rid = event.recurrence_id
    if not rid:
        return None
    if len(rid) == 8:
        return EventTime(date=f"{rid[:4]}-{rid[4:6]}-{rid[6:]}")
    instant = dt.datetime.strptime(rid, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    zone = zoneinfo.ZoneInfo(event.time_zone)
    return EventTime(date_time=instant.astimezone(zone).isoformat(), time_zone=event.time_zone)


class EventPage(SQLModel):
    items: list[EventPublic]
    next_cursor: str | None = None


class CalendarCreate(SQLModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=CALENDAR_NAME_MAX)
    color: str = Field(default="#3b82f6", schema_extra={"pattern": COLOR_PATTERN})

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("A name is required.")
        return value


class CalendarUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=CALENDAR_NAME_MAX)
    color: str | None = Field(default=None, schema_extra={"pattern": COLOR_PATTERN})
    visible: bool | None = None

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str | None) -> str | None:
        if value is not None:
            value = value.strip()
            if not value:
                raise ValueError("A name is required.")
        return value


class CalendarPublic(SQLModel):
    id: str
    name: str
    color: str
    visible: bool
    is_default: bool
    access_role: str = Field(
        default="owner", description="The caller's role: owner, editor, viewer or freebusy."
    )
    shared_with_me: bool = False
    owner_email: str | None = Field(default=None, description="Set on calendars shared with the caller.")
    created_at: dt.datetime

    @classmethod
    def of(cls, calendar: CalendarDoc) -> CalendarPublic:
        """One of the caller's own calendars."""
        return cls(
            id=calendar.id,
            name=calendar.name,
            color=calendar.color,
            visible=calendar.visible,
            is_default=calendar.is_default,
            created_at=calendar.created_at,
        )

    @classmethod
    def of_access(cls, access: AccessibleCalendar, owner_email: str | None = None) -> CalendarPublic:
        """A calendar as the caller reaches it (their role, colour and visibility)."""
        return cls(
            id=access.calendar.id,
            name=access.calendar.name,
            color=access.color,
            visible=access.visible,
            is_default=access.calendar.is_default and not access.shared_with_me,
            access_role=access.role,
            shared_with_me=access.shared_with_me,
            owner_email=owner_email if access.shared_with_me else None,
            created_at=access.calendar.created_at,
        )


class ShareCreate(SQLModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=320, description="An app user's e-mail.")
    role: str = Field(description="owner, editor, viewer or freebusy.")


class ShareUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")

    role: str = Field(description="owner, editor, viewer or freebusy.")


class SharePublic(SQLModel):
    calendar_id: str
    user_id: str
    email: str
    role: str
    created_at: dt.datetime

    @classmethod
    def of(cls, share: CalendarShareDoc) -> SharePublic:
        return cls(
            calendar_id=share.calendar_id,
            user_id=share.grantee_id,
            email=share.grantee_email,
            role=share.role,
            created_at=share.created_at,
        )
