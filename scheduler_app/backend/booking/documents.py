"""Stored documents of booking pages: event types, bookings, and the per-host slot locks."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from scheduler_app.backend.models import Document, utc_now

EventTypeKind = Literal["collective", "round_robin"]
QuestionKind = Literal["short", "long"]
BookingStatus = Literal["confirmed", "cancelled"]
CancelledBy = Literal["booker", "host"]


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class QuestionDoc(SQLModel):
    """A question the booker answers; `id` is stable so answers survive a relabelled question."""

    id: str
    label: str
    required: bool = False
    kind: QuestionKind = "short"


class HostDoc(SQLModel):
    """A person whose calendar a booking uses; a higher `priority` is assigned first in round-robin."""

    user_id: str
    priority: int = 0


class EventTypeDoc(Document):
    """Something people can book: `/book/<owner_handle>/<slug>`. Durations, buffers and notice in minutes."""

    owner_id: str
    owner_handle: str
    slug: str
    title: str
    description: str = ""
    durations: list[int]
    buffer_before: int = 0
    buffer_after: int = 0
    min_notice: int = 0
    horizon_days: int = 60
    daily_limit: int | None = None
    slot_step: int = 15
    questions: list[QuestionDoc] = Field(default_factory=list)
    location: str = ""
    video_call: bool = False
    active: bool = True
    kind: EventTypeKind = "collective"
    hosts: list[HostDoc]
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now)

    @field_validator("created_at", "updated_at")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime | None:
        return _aware(value)


class AnswerDoc(SQLModel):
    question_id: str
    label: str
    value: str


class BookingDoc(Document):
    """One booking. `manage_token_hash` is the SHA-256 of the booker's link token, never the token.

    `lock_ids` are the `booking_slots` documents it holds (5-minute blocks per host, and daily-limit
    counters under `limit_ids`); cancelling or rescheduling releases them in the same transaction.
    """

    event_type_id: str
    owner_id: str
    title: str
    host_ids: list[str]
    organizer_id: str
    event_id: str
    ical_uid: str
    sequence: int = 0
    start_utc: dt.datetime
    end_utc: dt.datetime
    duration: int
    buffer_before: int = 0
    buffer_after: int = 0
    booker_name: str
    booker_email: str
    booker_time_zone: str
    answers: list[AnswerDoc] = Field(default_factory=list)
    status: BookingStatus = "confirmed"
    manage_token_hash: str
    lock_ids: list[str] = Field(default_factory=list)
    limit_ids: list[str] = Field(default_factory=list)
    conference_url: str = ""
    location: str = ""
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now)
    cancelled_at: dt.datetime | None = None
    # Who cancelled: the booker from the manage link, or a host by deleting the event from a calendar.
    cancelled_by: CancelledBy | None = None

    @field_validator("start_utc", "end_utc", "created_at", "updated_at", "cancelled_at")
    @classmethod
    def _utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        return _aware(value)
