"""Input and output shapes of booking pages, shared by the REST API and the UI."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, ValidationError, field_validator, model_validator
from sqlmodel import Field, SQLModel

from scheduler_app.backend.errors import FieldProblem, InvalidInputError
from scheduler_app.backend.models import DESCRIPTION_MAX, LOCATION_MAX
from scheduler_app.backend.scheduling.request import SLOT_STEPS

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
TITLE_MAX = 200
MAX_DURATIONS = 6
MAX_DURATION_MINUTES = 12 * 60
MAX_BUFFER_MINUTES = 4 * 60
MAX_NOTICE_MINUTES = 30 * 24 * 60
MAX_HORIZON_DAYS = 365
MAX_DAILY_LIMIT = 100
MAX_QUESTIONS = 10
MAX_HOSTS = 20
QUESTION_LABEL_MAX = 200
SHORT_ANSWER_MAX = 500
LONG_ANSWER_MAX = 5_000
NAME_MAX = 200
STEP_MINUTES = tuple(int(step.total_seconds() // 60) for step in SLOT_STEPS)


def _multiple_of_five(value: int) -> int:
    if value % 5:
        raise ValueError("Use a multiple of 5 minutes.")
    return value


class QuestionIn(SQLModel):
    """A question on the booking form; keep `id` when editing so earlier answers stay matched."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, schema_extra={"pattern": r"^[a-z0-9]{1,32}$"})
    label: str = Field(min_length=1, max_length=QUESTION_LABEL_MAX)
    required: bool = False
    kind: Literal["short", "long"] = "short"

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("A question needs a label.")
        return value.strip()


class HostIn(SQLModel):
    """A host by e-mail (an app user); in round-robin a higher priority is offered first."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)
    priority: int = Field(default=0, ge=0, le=10)


class EventTypeIn(SQLModel):
    """An event type as created or replaced; lengths of time in minutes."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=TITLE_MAX)
    slug: str = Field(
        min_length=1,
        max_length=64,
        schema_extra={"pattern": SLUG_PATTERN},
        description="The last part of the booking link: lowercase letters, digits and dashes.",
    )
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    durations: list[int] = Field(
        min_length=1, max_length=MAX_DURATIONS, description="Lengths the booker may pick, e.g. [15, 30, 60]."
    )
    buffer_before: int = Field(default=0, ge=0, le=MAX_BUFFER_MINUTES)
    buffer_after: int = Field(default=0, ge=0, le=MAX_BUFFER_MINUTES)
    min_notice: int = Field(default=0, ge=0, le=MAX_NOTICE_MINUTES, description="Minutes before a slot.")
    horizon_days: int = Field(default=60, ge=1, le=MAX_HORIZON_DAYS, description="How far ahead, in days.")
    daily_limit: int | None = Field(default=None, ge=1, le=MAX_DAILY_LIMIT, description="Bookings per day.")
    slot_step: int = Field(default=15, description="Minutes between offered start times.")
    questions: list[QuestionIn] = Field(default_factory=list, max_length=MAX_QUESTIONS)
    location: str = Field(default="", max_length=LOCATION_MAX, description="An address, phone or link.")
    video_call: bool = Field(default=False, description="Give each booking its own Jitsi link.")
    active: bool = True
    kind: Literal["collective", "round_robin"] = Field(
        default="collective",
        description="collective: every host attends; round_robin: one free host, by priority, then evenly.",
    )
    hosts: list[HostIn] = Field(
        default_factory=list, max_length=MAX_HOSTS, description="Defaults to you alone."
    )

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("A title is required.")
        return value.strip()

    @field_validator("durations")
    @classmethod
    def _durations(cls, values: list[int]) -> list[int]:
        for value in values:
            if not 5 <= value <= MAX_DURATION_MINUTES:
                raise ValueError(f"Each duration must be 5 to {MAX_DURATION_MINUTES} minutes; got {value}.")
            _multiple_of_five(value)
        if len(set(values)) != len(values):
            raise ValueError("List each duration once.")
        return sorted(values)

    @field_validator("buffer_before", "buffer_after")
    @classmethod
    def _buffers(cls, value: int) -> int:
        return _multiple_of_five(value)

    @field_validator("slot_step")
    @classmethod
    def _step(cls, value: int) -> int:
        if value not in STEP_MINUTES:
            raise ValueError(f"Use one of {', '.join(map(str, STEP_MINUTES))} minutes.")
        return value

    @model_validator(mode="after")
    def _distinct_questions(self) -> EventTypeIn:
        ids = [question.id for question in self.questions if question.id]
        if len(set(ids)) != len(ids):
            raise ValueError("Question ids must be unique.")
        return self


class EventTypeUpdate(SQLModel):
    """A partial update: omitted fields keep their value (the result is checked as a whole)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    slug: str | None = None
    description: str | None = None
    durations: list[int] | None = None
    buffer_before: int | None = None
    buffer_after: int | None = None
    min_notice: int | None = None
    horizon_days: int | None = None
    daily_limit: int | None = None
    slot_step: int | None = None
    questions: list[QuestionIn] | None = None
    location: str | None = None
    video_call: bool | None = None
    active: bool | None = None
    kind: Literal["collective", "round_robin"] | None = None
    hosts: list[HostIn] | None = None


class QuestionPublic(SQLModel):
    id: str
    label: str
    required: bool
    kind: Literal["short", "long"]


class HostPublic(SQLModel):
    email: str
    name: str
    priority: int


class EventTypePublic(SQLModel):
    """An event type as its owner sees it; `booking_path` is the public page."""

    id: str
    owner_handle: str
    booking_path: str
    title: str
    slug: str
    description: str
    durations: list[int]
    buffer_before: int
    buffer_after: int
    min_notice: int
    horizon_days: int
    daily_limit: int | None
    slot_step: int
    questions: list[QuestionPublic]
    location: str
    video_call: bool
    active: bool
    kind: Literal["collective", "round_robin"]
    hosts: list[HostPublic]
    created_at: str
    updated_at: str


class BookingPageInfo(SQLModel):
    """What anyone with the link sees: no host e-mails, no settings beyond what booking needs."""

    owner_handle: str
    slug: str
    title: str
    description: str
    durations: list[int]
    questions: list[QuestionPublic]
    location: str
    video_call: bool
    host_names: list[str]
    kind: Literal["collective", "round_robin"]
    time_zone: str = Field(description="The hosts' zone (slots are aligned to its clock).")


class SlotOut(SQLModel):
    start: str = Field(description="ISO 8601 in the requested zone.")
    end: str


class SlotsOut(SQLModel):
    time_zone: str
    duration: int
    slots: list[SlotOut]


class BookingIn(SQLModel):
    """An anonymous booking: who, when (a listed slot), how long, and the answers by question id."""

    model_config = ConfigDict(extra="forbid")

    start: str = Field(description="A listed slot start, ISO 8601 (read in `time_zone` without an offset).")
    duration: int = Field(description="One of the type's durations, in minutes.")
    time_zone: str = Field(default="UTC", max_length=64, description="The booker's IANA zone.")
    name: str = Field(min_length=1, max_length=NAME_MAX)
    email: str = Field(max_length=254)
    answers: dict[str, str] = Field(default_factory=dict, max_length=MAX_QUESTIONS)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Your name is required.")
        return " ".join(value.split())


class RescheduleIn(SQLModel):
    model_config = ConfigDict(extra="forbid")

    start: str
    duration: int | None = Field(default=None, description="Defaults to the booking's current length.")
    time_zone: str | None = Field(default=None, max_length=64)


class AnswerPublic(SQLModel):
    question_id: str
    label: str
    value: str


class BookingPublic(SQLModel):
    """A booking as its manage link shows it (and as the booking request answers)."""

    id: str
    status: Literal["confirmed", "cancelled"]
    cancelled_by: Literal["booker", "host"] | None = None
    title: str
    start: str
    end: str
    duration: int
    time_zone: str
    host_names: list[str]
    booker_name: str
    booker_email: str
    answers: list[AnswerPublic]
    location: str
    conference_url: str
    owner_handle: str
    slug: str
    durations: list[int]
    can_reschedule: bool


class BookingCreated(BookingPublic):
    manage_token: str = Field(description="Shown once: the secret of the manage link.")
    manage_path: str


def validated(model: type[SQLModel], data: dict[str, Any]) -> Any:
    """`model` built from `data`, or an InvalidInputError naming each bad field (for UI callers)."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = [
            FieldProblem(
                ".".join(str(part) for part in item["loc"]) or "body",
                str(item["msg"]).removeprefix("Value error, "),
            )
            for item in error.errors()
        ]
        raise InvalidInputError("Please correct the listed fields.", problems) from None
