"""REST routes for calendars."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from sqlmodel import SQLModel

from scheduler_app.backend.api.deps import CurrentSession, DbDep, request_origin
from scheduler_app.backend.api.ics_response import ICS_MEDIA_TYPE, ics_attachment
from scheduler_app.backend.errors import FieldProblem, InvalidInputError, PayloadTooLargeError
from scheduler_app.backend.events import calendar_files, calendars, ics, sharing
from scheduler_app.backend.events.calendar_access import (
    calendar_for,
)
from scheduler_app.backend.events.schemas import (
    CalendarCreate,
    CalendarPublic,
    CalendarUpdate,
    ShareCreate,
    SharePublic,
    ShareUpdate,
)

router = APIRouter(prefix="/calendars", tags=["calendars"])


@router.get("", response_model=list[CalendarPublic])
async def list_calendars(db: DbDep, signed_in: CurrentSession) -> list[CalendarPublic]:
    """Your calendars, then those shared with you (with your role on each)."""
    return await calendars.calendar_listing(db, signed_in.user.id)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CalendarPublic)
async def create_calendar(
    data: CalendarCreate, response: Response, db: DbDep, signed_in: CurrentSession
) -> CalendarPublic:
    created = await calendars.create_calendar(db, signed_in.user.id, data)
    response.headers["Location"] = f"/api/v1/calendars/{created.id}"
    return CalendarPublic.of(created)


@router.get("/{calendar_id}", response_model=CalendarPublic)
async def get_calendar(calendar_id: str, db: DbDep, signed_in: CurrentSession) -> CalendarPublic:
    [found] = await calendars.as_public(db, [await calendar_for(db, signed_in.user.id, calendar_id, "busy")])
    return found


@router.patch("/{calendar_id}", response_model=CalendarPublic)
async def update_calendar(
    calendar_id: str, data: CalendarUpdate, db: DbDep, signed_in: CurrentSession
) -> CalendarPublic:
    """Owners change name and colour; on a calendar shared with you, your own colour and visibility."""
    changed = await calendars.update_calendar(db, signed_in.user.id, calendar_id, data)
    [found] = await calendars.as_public(db, [changed])
    return found


@router.delete("/{calendar_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_calendar(
    calendar_id: str, request: Request, db: DbDep, signed_in: CurrentSession
) -> Response:
    """Delete a calendar you created, with its events and shares (not your default calendar)."""
    await calendars.delete_calendar(db, signed_in.user, calendar_id, request_origin(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{calendar_id}/shares", response_model=list[SharePublic])
async def list_shares(calendar_id: str, db: DbDep, signed_in: CurrentSession) -> list[SharePublic]:
    """Who else can reach this calendar, and how (owners only)."""
    return [SharePublic.of(share) for share in await sharing.list_shares(db, signed_in.user.id, calendar_id)]


@router.post("/{calendar_id}/shares", status_code=status.HTTP_201_CREATED, response_model=SharePublic)
async def share_calendar(
    calendar_id: str, data: ShareCreate, request: Request, db: DbDep, signed_in: CurrentSession
) -> SharePublic:
    """Share with an app user as owner, editor, viewer or freebusy; sharing again changes the role."""
    share = await sharing.share_calendar(
        db, signed_in.user, calendar_id, data.email, data.role, request_origin(request)
    )
    return SharePublic.of(share)


@router.put("/{calendar_id}/shares/{user_id}", response_model=SharePublic)
async def change_share(
    calendar_id: str, user_id: str, data: ShareUpdate, request: Request, db: DbDep, signed_in: CurrentSession
) -> SharePublic:
    """Change someone's role on the calendar."""
    current = await sharing.share_of(db, signed_in.user.id, calendar_id, user_id)
    share = await sharing.share_calendar(
        db, signed_in.user, calendar_id, current.grantee_email, data.role, request_origin(request)
    )
    return SharePublic.of(share)


@router.delete("/{calendar_id}/shares/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_share(
    calendar_id: str, user_id: str, request: Request, db: DbDep, signed_in: CurrentSession
) -> Response:
    """Stop sharing with someone; with your own id, remove a calendar shared with you from your list."""
    await sharing.remove_share(db, signed_in.user, calendar_id, user_id, request_origin(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{calendar_id}/export.ics", response_class=Response, responses={200: {"content": {"text/calendar": {}}}}
)
async def export_calendar(calendar_id: str, db: DbDep, signed_in: CurrentSession) -> Response:
    """The whole calendar as an iCalendar file (series with their exceptions)."""
    calendar, body = await calendar_files.export_calendar(db, signed_in.user.id, calendar_id)
    return ics_attachment(body, calendar.name)


class ImportSummary(SQLModel):
    created: int
    updated: int
    skipped: list[dict]
    warnings: list[str]
    ignored: dict[str, int]
    preview: list[dict]
    dry_run: bool


async def _uploaded_file(request: Request) -> bytes:
    """The .ics bytes from a text/calendar body or a multipart `file` field, refused past the size cap."""
    limit = ics.MAX_IMPORT_BYTES
    too_big = PayloadTooLargeError(f"The file is larger than {limit // 1_000_000} MB.")
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_part_size=limit + 1)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInputError(
                "No file.", [FieldProblem("file", "Send the .ics file in a `file` field.")]
            )
        data = await upload.read(limit + 1)
    else:
        data = b""
        async for chunk in request.stream():
            data += chunk
            if len(data) > limit:
                raise too_big
    if len(data) > limit:
        raise too_big
    return data


@router.post("/{calendar_id}/import", response_model=ImportSummary)
async def import_calendar(
    calendar_id: str, request: Request, db: DbDep, signed_in: CurrentSession, dry_run: bool = False
) -> ImportSummary:
    """Import an .ics file (body as text/calendar, or multipart `file`): all events or none.

    `dry_run=true` writes nothing and previews what would be created, updated and skipped.
    """
    data = await _uploaded_file(request)
    result = await calendar_files.import_calendar(
        db, signed_in.user.id, calendar_id, data, signed_in.user.time_zone or "UTC", dry_run=dry_run
    )
    return ImportSummary(
        created=result.created,
        updated=result.updated,
        skipped=result.skipped,
        warnings=result.warnings,
        ignored=result.ignored,
        preview=result.preview,
        dry_run=result.dry_run,
    )


class FeedLink(SQLModel):
    url: str


@router.post("/{calendar_id}/feed", response_model=FeedLink)
async def enable_feed(calendar_id: str, request: Request, db: DbDep, signed_in: CurrentSession) -> FeedLink:
    """A new private subscription link (Google Calendar, Outlook, Apple); earlier links stop working."""
    token = await calendar_files.enable_feed(db, signed_in.user.id, calendar_id)
    return FeedLink(url=feed_url(request, token))


@router.delete("/{calendar_id}/feed", status_code=status.HTTP_204_NO_CONTENT)
async def disable_feed(calendar_id: str, db: DbDep, signed_in: CurrentSession) -> Response:
    await calendar_files.disable_feed(db, signed_in.user.id, calendar_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def feed_url(request: Request, token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/feeds/{token}.ics"


feeds = APIRouter(prefix="/feeds", tags=["calendars"])


@feeds.get("/{token}.ics", response_class=Response)
async def subscription_feed(token: str, request: Request, db: DbDep) -> Response:
    """A calendar's private feed; the secret token in the URL is the only credential."""
    body = await calendar_files.feed(db, token, feed_url(request, token))
    return Response(body, media_type=ICS_MEDIA_TYPE, headers={"Cache-Control": "private, max-age=300"})
