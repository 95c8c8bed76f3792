"""REST routes for events: range listing with cursors, CRUD with ETag / If-Match."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status
from pydantic import ConfigDict
from pymongo.errors import DuplicateKeyError
from sqlmodel import Field, SQLModel

from scheduler_app.backend.api.deps import CurrentSession, DbDep
from scheduler_app.backend.api.ics_response import ics_attachment
from scheduler_app.backend.errors import ConflictError
from scheduler_app.backend.events import attendees, calendar_files, conflicts, service, timing
from scheduler_app.backend.events.access import viewer_of
from scheduler_app.backend.events.schemas import (
    EventCreate,
    EventPage,
    EventPublic,
    EventTime,
    EventUpdate,
    RsvpRequest,
)
from scheduler_app.backend.events.series import Scope

router = APIRouter(prefix="/events", tags=["events"])
SCOPE_HELP = "On an occurrence of a series: this one, this and the following ones, or all of them."


def quoted(etag: str) -> str:
    return f'"{etag}"'


def entity_tags(header: str) -> list[str]:
    """The entity tags of an If-Match / If-None-Match header, weak ones kept with their W/ prefix."""
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def parse_if_match(header: str | None) -> str | None:
    """The version an If-Match header demands (strong comparison), or None for absent / "*".

    A weak tag can never match strongly, so it demands a version no event has (412).
    """
    if header is None or header.strip() == "*":
        return None
    tags = entity_tags(header)
    strong = [tag.strip('"') for tag in tags if not tag.startswith("W/")]
    return strong[0] if strong else "weak-tags-never-match"


def not_modified(header: str | None, etag: str) -> bool:
    """If-None-Match uses weak comparison; "*" matches any existing event."""
    if header is None:
        return False
    if header.strip() == "*":
        return True
    return any(tag.removeprefix("W/").strip('"') == etag for tag in entity_tags(header))


@router.get("", response_model=EventPage)
async def list_events(
    db: DbDep,
    signed_in: CurrentSession,
    start: Annotated[str, Query(description="Window start, ISO 8601 (offset or `time_zone`).")],
    end: Annotated[str, Query(description="Window end (exclusive), ISO 8601.")],
    calendar_id: Annotated[list[str] | None, Query(description="Repeat to list several calendars.")] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE_SIZE)] = service.DEFAULT_PAGE_SIZE,
    time_zone: Annotated[
        str | None, Query(description="Zone for offset-less times and all-day dates.")
    ] = None,
) -> EventPage:
    zone = timing.parse_zone(time_zone or signed_in.user.time_zone or "UTC")
    events, next_cursor = await service.list_events(
        db,
        signed_in.user.id,
        service.EventRange(
            start=timing.parse_instant(start, zone, "start"),
            end=timing.parse_instant(end, zone, "end"),
            calendar_ids=calendar_id,
            cursor=cursor,
            limit=limit,
            viewer_zone=zone.key,
        ),
    )
    return EventPage(items=[EventPublic.of(event) for event in events], next_cursor=next_cursor)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=EventPublic)
async def create_event(
    data: EventCreate, response: Response, db: DbDep, signed_in: CurrentSession
) -> EventPublic:
    try:
        event = await service.create_event(db, signed_in.user.id, data, signed_in.user.time_zone or "UTC")
    except DuplicateKeyError:
        raise ConflictError("An event with this id already exists.") from None
    response.headers["Location"] = f"/api/v1/events/{event.id}"
    response.headers["ETag"] = quoted(event.etag)
    return EventPublic.of(event)


@router.get(
    "/{event_id}/export.ics", response_class=Response, responses={200: {"content": {"text/calendar": {}}}}
)
async def export_event(event_id: str, db: DbDep, signed_in: CurrentSession) -> Response:
    """One event (or its whole series) as an iCalendar file."""
    event, body = await calendar_files.export_event(db, signed_in.user.id, event_id)
    return ics_attachment(body, event.title)


@router.get("/{event_id}", response_model=EventPublic, responses={304: {"description": "Not modified"}})
async def get_event(
    event_id: str,
    response: Response,
    db: DbDep,
    signed_in: CurrentSession,
    if_none_match: Annotated[str | None, Header()] = None,
) -> EventPublic | Response:
    event = await service.get_event(db, signed_in.user.id, event_id)
    if not_modified(if_none_match, event.etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": quoted(event.etag)})
    response.headers["ETag"] = quoted(event.etag)
    return EventPublic.of(event)


@router.patch("/{event_id}", response_model=EventPublic)
async def update_event(
    event_id: str,
    data: EventUpdate,
    response: Response,
    db: DbDep,
    signed_in: CurrentSession,
    if_match: Annotated[str | None, Header()] = None,
    scope: Annotated[Scope, Query(description=SCOPE_HELP)] = "this",
) -> EventPublic:
    event = await service.update_event(
        db,
        signed_in.user.id,
        event_id,
        data,
        signed_in.user.time_zone or "UTC",
        parse_if_match(if_match),
        scope,
    )
    response.headers["ETag"] = quoted(event.etag)
    return EventPublic.of(event)


@router.delete("/{event_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_event(
    event_id: str,
    db: DbDep,
    signed_in: CurrentSession,
    if_match: Annotated[str | None, Header()] = None,
    scope: Annotated[Scope, Query(description=SCOPE_HELP)] = "this",
) -> Response:
    await service.delete_event(db, signed_in.user.id, event_id, parse_if_match(if_match), scope)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{event_id}/rsvp", response_model=EventPublic)
async def respond_to_invitation(
    event_id: str, data: RsvpRequest, response: Response, db: DbDep, signed_in: CurrentSession
) -> EventPublic:
    """The signed-in guest answers: accepted, tentative, declined (or back to needsAction)."""
    event = await attendees.respond(db, viewer_of(signed_in.user), event_id, data.response_status)
    response.headers["ETag"] = quoted(event.etag)
    return EventPublic.of(event)


class ConflictCheck(SQLModel):
    model_config = ConfigDict(extra="forbid")

    start: EventTime
    end: EventTime
    attendees: list[str] = Field(default_factory=list, max_length=200)
    exclude_event_id: str | None = None


class ConflictOut(SQLModel):
    who: str
    title: str
    start: str
    end: str


class ConflictList(SQLModel):
    conflicts: list[ConflictOut]


@router.post("/conflicts", response_model=ConflictList)
async def check_conflicts(data: ConflictCheck, db: DbDep, signed_in: CurrentSession) -> ConflictList:
    """What overlaps a proposed time: your events by title, guests who use the app as "Busy"."""
    when = service.resolve_timing(data.start, data.end, signed_in.user.time_zone or "UTC")
    found = await conflicts.find_conflicts(
        db, signed_in.user.id, when.start_utc, when.end_utc, data.attendees, data.exclude_event_id
    )
    return ConflictList(
        conflicts=[
            ConflictOut(
                who=item.who, title=item.title, start=item.start_utc.isoformat(), end=item.end_utc.isoformat()
            )
            for item in found
        ]
    )
