"""REST routes for calendars."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from scheduler_app.backend.api.deps import CurrentSession, DbDep
from scheduler_app.backend.events import calendars
from scheduler_app.backend.events.schemas import CalendarCreate, CalendarPublic, CalendarUpdate

router = APIRouter(prefix="/calendars", tags=["calendars"])


@router.get("", response_model=list[CalendarPublic])
async def list_calendars(db: DbDep, signed_in: CurrentSession) -> list[CalendarPublic]:
    return [CalendarPublic.of(item) for item in await calendars.list_calendars(db, signed_in.user.id)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CalendarPublic)
async def create_calendar(
    data: CalendarCreate, response: Response, db: DbDep, signed_in: CurrentSession
) -> CalendarPublic:
    created = await calendars.create_calendar(db, signed_in.user.id, data)
    response.headers["Location"] = f"/api/v1/calendars/{created.id}"
    return CalendarPublic.of(created)


@router.get("/{calendar_id}", response_model=CalendarPublic)
async def get_calendar(calendar_id: str, db: DbDep, signed_in: CurrentSession) -> CalendarPublic:
    return CalendarPublic.of(await calendars.get_calendar(db, signed_in.user.id, calendar_id))


@router.patch("/{calendar_id}", response_model=CalendarPublic)
async def update_calendar(
    calendar_id: str, data: CalendarUpdate, db: DbDep, signed_in: CurrentSession
) -> CalendarPublic:
    return CalendarPublic.of(await calendars.update_calendar(db, signed_in.user.id, calendar_id, data))
