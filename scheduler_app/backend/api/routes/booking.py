"""Booking pages: the owner's event types, and the public pages anyone with the link may use."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from scheduler_app.backend.api.deps import CurrentSession, DbDep
from scheduler_app.backend.booking import event_types, service
from scheduler_app.backend.booking.schemas import (
    BookingCreated,
    BookingIn,
    BookingPageInfo,
    BookingPublic,
    EventTypeIn,
    EventTypePublic,
    EventTypeUpdate,
    QuestionPublic,
    RescheduleIn,
    SlotsOut,
)

router = APIRouter(tags=["booking pages"])


# --- the owner's event types ----------------------------------------------------------------------------


@router.get("/event-types", response_model=list[EventTypePublic])
async def list_event_types(db: DbDep, signed_in: CurrentSession) -> list[EventTypePublic]:
    return [
        await event_types.to_public(db, doc)
        for doc in await event_types.list_event_types(db, signed_in.user.id)
    ]


@router.post("/event-types", response_model=EventTypePublic, status_code=status.HTTP_201_CREATED)
async def create_event_type(
    data: EventTypeIn, db: DbDep, signed_in: CurrentSession, response: Response
) -> EventTypePublic:
    doc = await event_types.create_event_type(db, signed_in.user, data)
    response.headers["Location"] = f"/api/v1/event-types/{doc.id}"
    return await event_types.to_public(db, doc)


@router.get("/event-types/{type_id}", response_model=EventTypePublic)
async def get_event_type(type_id: str, db: DbDep, signed_in: CurrentSession) -> EventTypePublic:
    return await event_types.to_public(db, await event_types.get_event_type(db, signed_in.user.id, type_id))


@router.patch("/event-types/{type_id}", response_model=EventTypePublic)
async def update_event_type(
    type_id: str, data: EventTypeUpdate, db: DbDep, signed_in: CurrentSession
) -> EventTypePublic:
    return await event_types.to_public(
        db, await event_types.update_event_type(db, signed_in.user, type_id, data)
    )


@router.delete("/event-types/{type_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_event_type(type_id: str, db: DbDep, signed_in: CurrentSession) -> Response:
    await event_types.delete_event_type(db, signed_in.user.id, type_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- public: anyone with the link --------------------------------------------------------------------------


@router.get("/booking/{who}/{slug}", response_model=BookingPageInfo)
async def booking_page(who: str, slug: str, db: DbDep) -> BookingPageInfo:
    """An active booking page by the owner's handle (or user id) and its link name."""
    doc = await event_types.public_event_type(db, who, slug)
    users = await event_types.users_by_id(db, [host.user_id for host in doc.hosts])
    return BookingPageInfo(
        owner_handle=doc.owner_handle,
        slug=doc.slug,
        title=doc.title,
        description=doc.description,
        durations=doc.durations,
        questions=[QuestionPublic(**question.model_dump()) for question in doc.questions],
        location=doc.location,
        video_call=doc.video_call,
        host_names=[users[h.user_id].get("name", "") for h in doc.hosts if h.user_id in users],
        kind=doc.kind,
        time_zone=await service.grid_zone(db, doc),
    )


@router.get("/booking/{who}/{slug}/slots", response_model=SlotsOut)
async def booking_slots(
    who: str,
    slug: str,
    db: DbDep,
    start: Annotated[str, Query(description="A date (YYYY-MM-DD) or ISO date-time, read in `time_zone`.")],
    end: Annotated[str, Query(description="Exclusive; at most 42 days after `start`.")],
    time_zone: Annotated[str, Query(max_length=64, description="The booker's IANA zone.")] = "UTC",
    duration: Annotated[int | None, Query(description="Minutes; defaults to the shortest offered.")] = None,
) -> SlotsOut:
    """Free start times, in the booker's zone."""
    doc = await event_types.public_event_type(db, who, slug)
    return await service.list_slots(db, doc, start, end, time_zone, duration)


@router.post(
    "/booking/{who}/{slug}/bookings", response_model=BookingCreated, status_code=status.HTTP_201_CREATED
)
async def create_booking(who: str, slug: str, data: BookingIn, db: DbDep) -> BookingCreated:
    """Book a listed slot; 409 when someone else took it a moment earlier."""
    booking, token = await service.book(db, who, slug, data)
    public = await service.booking_public(db, booking)
    return BookingCreated(**public.model_dump(), manage_token=token, manage_path=f"/booking/manage/{token}")


@router.get("/bookings/manage/{token}", response_model=BookingPublic)
async def get_booking(
    token: str, db: DbDep, time_zone: Annotated[str | None, Query(max_length=64)] = None
) -> BookingPublic:
    return await service.booking_public(db, await service.booking_by_token(db, token), time_zone)


@router.delete("/bookings/manage/{token}", response_model=BookingPublic)
async def cancel_booking(token: str, db: DbDep) -> BookingPublic:
    """Cancel: the event is removed and everyone gets a METHOD:CANCEL message."""
    return await service.booking_public(db, await service.cancel(db, token))


@router.post("/bookings/manage/{token}/reschedule", response_model=BookingPublic)
async def reschedule_booking(token: str, data: RescheduleIn, db: DbDep) -> BookingPublic:
    return await service.booking_public(db, await service.reschedule(db, token, data))
