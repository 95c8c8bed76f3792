"""REST routes for finding a time: your working hours, free/busy of app users, ranked suggestions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlmodel import Field, SQLModel

from scheduler_app.backend.api.deps import CurrentSession, DbDep
from scheduler_app.backend.events import timing
from scheduler_app.backend.scheduling import service, store
from scheduler_app.backend.scheduling.request import MAX_PARTICIPANTS

router = APIRouter(tags=["scheduling"])


class SuggestionOut(SQLModel):
    """A meeting time; attendees are named by e-mail, reasons never mention anyone's events."""

    start: str
    end: str
    score: float = Field(description="100 is everyone free at a comfortable local hour.")
    attendees_free: list[str]
    attendees_busy: list[str] = Field(description="Busy, tentative, away or outside their hours then.")
    reasons: list[str]


class BottleneckOut(SQLModel):
    participant_id: str
    display_name: str
    reason: str


class RelaxationOut(SQLModel):
    kind: Literal[
        "shorter_meeting", "later_window", "without_participant", "outside_working_hours", "over_lunch"
    ]
    text: str
    start: str
    end: str
    participant_id: str | None = None


class ExplanationOut(SQLModel):
    summary: str
    bottlenecks: list[BottleneckOut]
    relaxations: list[RelaxationOut]


class SuggestionsOut(SQLModel):
    """Suggestions best first, and why the answer is what it is."""

    suggestions: list[SuggestionOut]
    explanation: ExplanationOut


class BusyOut(SQLModel):
    start: str
    end: str
    status: Literal["busy", "tentative"]


class UserAvailability(SQLModel):
    email: str
    busy: list[BusyOut] = Field(description="Merged busy time; tentative only where not also busy.")


class AvailabilityOut(SQLModel):
    start: str
    end: str
    users: list[UserAvailability]


def _instant(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@router.get("/me/working-hours", response_model=store.WorkingHoursOut)
async def get_working_hours(db: DbDep, signed_in: CurrentSession) -> store.WorkingHoursOut:
    """Your working hours; Monday to Friday 09:00-17:00 in your zone until you save your own."""
    return await store.get_working_hours(db, signed_in.user.id)


@router.put("/me/working-hours", response_model=store.WorkingHoursOut)
async def put_working_hours(
    data: store.WorkingHoursIn, db: DbDep, signed_in: CurrentSession
) -> store.WorkingHoursOut:
    """Replace your working hours (weekly ranges, date overrides, out of office, lunch)."""
    return await store.put_working_hours(db, signed_in.user.id, data)


@router.post("/scheduling/suggestions", response_model=SuggestionsOut)
async def suggest(data: service.SuggestionQuery, db: DbDep, signed_in: CurrentSession) -> SuggestionsOut:
    """Ranked times when you and the attendees can meet, from everyone's free/busy time."""
    result = await service.suggest(db, signed_in.user, data)
    return SuggestionsOut.model_validate(result.to_json())


@router.get("/availability", response_model=AvailabilityOut)
async def availability(
    db: DbDep,
    signed_in: CurrentSession,
    users: Annotated[
        list[str],
        Query(max_length=MAX_PARTICIPANTS, description="E-mail of an app user; repeat for several."),
    ],
    start: Annotated[str, Query(description="ISO 8601; read in `time_zone` when it has no offset.")],
    end: Annotated[str, Query(description="ISO 8601, exclusive; at most 93 days after `start`.")],
    time_zone: Annotated[str | None, Query(description="Zone for offset-less times.")] = None,
) -> AvailabilityOut:
    """Free/busy of app users: when they are busy or tentative, never what their meetings are."""
    zone = timing.parse_zone(time_zone or store.user_zone(signed_in.user))
    range_start = timing.parse_instant(start, zone, "start")
    range_end = timing.parse_instant(end, zone, "end")
    found = await service.availability(db, users, range_start, range_end)
    return AvailabilityOut(
        start=_instant(range_start),
        end=_instant(range_end),
        users=[
            UserAvailability(
                email=item.email,
                busy=[
                    BusyOut(start=_instant(span.start), end=_instant(span.end), status=span.status.value)
                    for span in item.busy
                ],
            )
            for item in found
        ],
    )
