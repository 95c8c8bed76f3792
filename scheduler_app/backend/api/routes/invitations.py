"""Answering an invitation from its link, without an account (the link is the credential)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import SQLModel

from scheduler_app.backend.api.deps import DbDep
from scheduler_app.backend.events.attendees import invitation_by_link, respond_by_link
from scheduler_app.backend.events.schemas import AttendeePublic, RsvpRequest

router = APIRouter(prefix="/invitations", tags=["invitations"])


class Invitation(SQLModel):
    """What the holder of an invitation link may see: the event's basics and their own answer."""

    title: str
    start_utc: str
    end_utc: str
    all_day: bool
    organizer: str
    guest: AttendeePublic


def _invitation(event, guest) -> Invitation:
    return Invitation(
        title=event.title,
        start_utc=event.start_utc.isoformat(),
        end_utc=event.end_utc.isoformat(),
        all_day=event.all_day,
        organizer=event.organizer_name or event.organizer_email,
        guest=AttendeePublic.of(guest),
    )


@router.get("/{token}", response_model=Invitation)
async def get_invitation(token: str, db: DbDep) -> Invitation:
    return _invitation(*await invitation_by_link(db, token))


@router.post("/{token}/response", response_model=Invitation)
async def answer_invitation(token: str, data: RsvpRequest, db: DbDep) -> Invitation:
    return _invitation(*await respond_by_link(db, token, data.response_status))
