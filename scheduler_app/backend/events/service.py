"""Events: validate, store, list by time range with cursor pagination, update and delete with ETags."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import zoneinfo
from dataclasses import dataclass

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from scheduler_app.backend.audit import record_audit
from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import (
    FieldProblem,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    PreconditionFailedError,
)
from scheduler_app.backend.events import recurrence, series, timing
from scheduler_app.backend.events.access import (
    Viewer,
    as_seen_by,
    deletable_event,
    editable_event,
    readable_event,
    role_from,
    viewer,
)
from scheduler_app.backend.events.attendees import invitation_list
from scheduler_app.backend.events.calendar_access import CalendarRole, accessible_calendars, calendar_for
from scheduler_app.backend.events.calendars import list_calendars
from scheduler_app.backend.events.guest_mail import tell_guests
from scheduler_app.backend.events.schemas import AttendeeIn, EventCreate, EventPublic, EventTime, EventUpdate
from scheduler_app.backend.meetings.providers import MeetingDetails, meeting_provider, release_meeting
from scheduler_app.backend.models import AttendeeDoc, ConferenceDoc, EventDoc, new_id, utc_now
from scheduler_app.backend.scheduling.busy_cache import busy_changed

DEFAULT_PAGE_SIZE = 250
MAX_PAGE_SIZE = 2_500
# Ranges longer than this are served by the (calendar, start) index instead of week keys.
MAX_KEYED_RANGE = dt.timedelta(weeks=106)


def resolve_timing(start: EventTime, end: EventTime, default_zone: str) -> timing.EventTiming:
    """Validate a start/end pair: both dates (all-day) or both date-times."""
    if (start.date is None) != (end.date is None):
        raise InvalidInputError(
            "Start and end must both be dates (all-day) or both date-times.",
            [
                FieldProblem(
                    "end", "Use `date` on both ends for all-day events, `date_time` on both otherwise."
                )
            ],
        )
    zone_name = start.time_zone or end.time_zone or default_zone
    zone = timing.parse_zone(zone_name, "start.time_zone")
    if start.date is not None and end.date is not None:
        return timing.all_day(
            timing.parse_date(start.date, "start.date"), timing.parse_date(end.date, "end.date"), zone.key
        )
    for name, point in (("start", start), ("end", end)):
        if point.date_time is None:
            raise InvalidInputError(
                f"The {name} needs a date or a date-time.",
                [FieldProblem(name, "Give `date_time` or `date`.")],
            )
    end_zone = timing.parse_zone(end.time_zone, "end.time_zone") if end.time_zone else zone
    return timing.timed(
        timing.parse_instant(start.date_time, zone, "start.date_time"),  # type: ignore[arg-type]
        timing.parse_instant(end.date_time, end_zone, "end.date_time"),  # type: ignore[arg-type]
        zone.key,
    )


def attendee_scope(email: str) -> str:
    """The index scope under which a guest finds the events they are invited to."""
    return f"attendee:{email}"


def _index_keys(
    calendar_id: str, attendees: list[AttendeeDoc], start: dt.datetime, end: dt.datetime
) -> list[str]:
    keys = timing.time_keys(calendar_id, start, end)
    for attendee in attendees:
        keys += timing.time_keys(attendee_scope(attendee.email), start, end)
    return keys


def placement_fields(
    calendar_id: str, when: timing.EventTiming, attendees: list[AttendeeDoc], lines: list[str] | None = None
) -> dict:
    """Where an event sits in time and in the index (its stored fields); with recurrence lines, a series."""
    fields = {
        "all_day": when.all_day,
        "start_utc": when.start_utc,
        "end_utc": when.end_utc,
        "start_date": when.start_date.isoformat() if when.start_date else None,
        "end_date": when.end_date.isoformat() if when.end_date else None,
        "time_zone": when.time_zone,
        "recurrence": [],
        "is_series": False,
        "first_end_utc": None,
    }
    span_start, span_end = when.start_utc, when.end_utc
    if lines:
        series_fields, span_start, span_end = series.series_placement(when, lines)
        fields.update(series_fields)
    fields["time_keys"] = _index_keys(calendar_id, attendees, span_start, span_end)
    return fields


async def create_event(db: Collections, user_id: str, data: EventCreate, default_zone: str) -> EventDoc:
    """A new event in a calendar the user may write to (their default one unless told otherwise).

    The event belongs to the calendar's owner; the user who created it is its organiser.
    """
    if data.calendar_id:
        calendar = (await calendar_for(db, user_id, data.calendar_id, "write")).calendar
    else:
        calendar = (await list_calendars(db, user_id))[0]
    organizer = await db.users.find_one({"_id": user_id}, {"email": 1, "name": 1}) or {}
    when = resolve_timing(data.start, data.end, default_zone)
    attendees = invitation_list(data.attendees, organizer.get("email", ""), [])
    event_id = data.id or new_id()
    conference = None
    if data.conference:
        conference = await _new_conference(db, user_id, data.conference.provider, data.title, when, event_id)
    event = EventDoc(
        id=event_id,
        calendar_id=calendar.id,
        owner_id=calendar.owner_id,
        title=data.title,
        description=data.description,
        location=data.location,
        organizer_email=organizer.get("email", ""),
        organizer_name=organizer.get("name", ""),
        attendees=attendees,
        conference=conference,
        guests_can_modify=data.guests_can_modify,
        guests_can_invite_others=data.guests_can_invite_others,
        guests_can_see_other_guests=data.guests_can_see_other_guests,
        **placement_fields(calendar.id, when, attendees, data.recurrence),
    )
    try:
        await db.events.insert_one(event.to_mongo())
    except BaseException:
        await release_meeting(db, conference)  # not stored: the provider-side meeting must not stay
        raise
    await busy_changed(db, [event])
    tell_guests(None, event)
    return event


async def _new_conference(
    db: Collections, user_id: str, provider: str, title: str, when: timing.EventTiming, event_id: str
) -> ConferenceDoc:
    """A meeting link made before anything is written, so a provider failure saves nothing."""
    details = MeetingDetails(
        title=title,
        start_utc=when.start_utc,
        end_utc=when.end_utc,
        time_zone=when.time_zone,
        all_day=when.all_day,
        start_date=when.start_date,
        end_date=when.end_date,
        event_id=event_id,
    )
    return await (await meeting_provider(db, user_id, provider)).create_meeting(details)


async def get_event(db: Collections, user_id: str, event_id: str) -> EventDoc:
    """An event the user organises or is invited to; anything else is reported as not found."""
    event, _ = await readable_event(db, await viewer(db, user_id), event_id)
    return event


UNCONDITIONAL_UPDATE_ATTEMPTS = 5


async def update_event(
    db: Collections,
    user_id: str,
    event_id: str,
    data: EventUpdate,
    default_zone: str,
    if_match: str | None = None,
    scope: series.Scope = "this",
) -> EventDoc:
    """Apply a partial update atomically; on an occurrence, to it, it and the following, or all.

    With `if_match` the update happens only on that exact version (else 412); without it, a concurrent
    writer makes us re-read and re-apply, so the last writer wins as HTTP semantics expect.
    """
    cleared = sorted(
        name for name in data.model_fields_set if getattr(data, name) is None and name != "conference"
    )
    if cleared:
        raise InvalidInputError(
            "Fields cannot be cleared with null.",
            [FieldProblem(name, "Must not be null.") for name in cleared],
        )
    who = await viewer(db, user_id)
    for _ in range(UNCONDITIONAL_UPDATE_ATTEMPTS):
        current, role = await editable_event(db, who, event_id)
        if role == "attendee":
            _check_guest_change(current, data, who, scope)
        # Imported here: booking.service imports this module (placement_fields), so a module-level
        # import would be circular. A booking's event moves only through the booking (409 otherwise).
        from scheduler_app.backend.booking.service import refuse_moving_booked_event

        await refuse_moving_booked_event(db, current, data)
        if current.recurring_event_id and scope != "this":
            return await _update_series_from(db, user_id, current, data, default_zone, if_match, scope)
        if current.recurring_event_id and data.recurrence is not None:
            raise InvalidInputError(
                "One occurrence cannot repeat on its own.",
                [FieldProblem("recurrence", "Change the repetition for all events (scope=all).")],
            )
        if if_match is not None and if_match != current.etag:
            raise PreconditionFailedError()
        changes = await _changes(db, user_id, current, data)
        if _is_unsaved_occurrence(current):
            override = EventDoc.model_validate({**current.model_dump(), **changes})
            try:
                await db.events.insert_one(override.to_mongo())
            except DuplicateKeyError:
                await _release_new_call(db, current, override)
                continue  # changed at the same moment elsewhere: apply on top of that override
            await busy_changed(db, [current, override])
            tell_guests(current, override)
            await _release_new_call(db, override, current)
            return override
        document = await db.events.find_one_and_update(
            {"_id": current.id, "etag": current.etag},
            {"$set": changes},
            return_document=ReturnDocument.AFTER,
        )
        if document is not None:
            updated = EventDoc.from_mongo(document)
            await busy_changed(db, [current, updated])
            tell_guests(current, updated)
            await _release_new_call(db, updated, current)
            return updated
        if changes.get("conference"):  # lost the race: the link made for this attempt is not stored
            await _release_new_call(db, current, EventDoc.model_validate({**current.model_dump(), **changes}))
        if if_match is not None:
            raise PreconditionFailedError()  # someone else wrote in between
    raise PreconditionFailedError("The event keeps changing; reload and retry.")


async def _release_new_call(db: Collections, kept: EventDoc, dropped: EventDoc) -> None:
    """Remove `dropped`'s provider-side meeting when `kept` (what is stored now) does not use it."""
    if dropped.conference is None:
        return
    if kept.conference is None or kept.conference.remote_id != dropped.conference.remote_id:
        await release_meeting(db, dropped.conference)


ORGANIZER_ONLY_FIELDS = frozenset(
    {
        "calendar_id",
        "recurrence",
        "guests_can_modify",
        "guests_can_invite_others",
        "guests_can_see_other_guests",
    }
)


def _check_guest_change(current: EventDoc, data: EventUpdate, who: Viewer, scope: series.Scope) -> None:
    """What a guest may change: with "modify", the event's details; with "invite", only new guests."""
    changed = data.model_fields_set
    if scope == "following":
        raise ForbiddenError("Guests can change one occurrence or the whole series, not split it.")
    if changed & ORGANIZER_ONLY_FIELDS:
        raise ForbiddenError("Only the organiser can change the calendar, repetition or guest permissions.")
    if not current.guests_can_modify and changed - {"attendees"}:
        raise ForbiddenError("Only the organiser can change this event.")
    if data.attendees is not None:
        kept = {guest.email for guest in data.attendees}
        if any(guest.email not in kept for guest in current.attendees):
            raise ForbiddenError("Guests can add people but not remove them.")
        if not current.guests_can_invite_others and len(kept) > len(current.attendees):
            raise ForbiddenError("The organiser does not let guests invite others.")
    del who  # the caller is a guest of `current`; their identity needs no further check


async def _tell_guests_about_series(db: Collections, before: EventDoc) -> None:
    """After a series was cut short in place: its guests get the series as it is now."""
    document = await db.events.find_one({"_id": before.id})
    if document is not None:
        tell_guests(before, EventDoc.from_mongo(document))


def _is_unsaved_occurrence(event: EventDoc) -> bool:
    """An occurrence expanded from its series, not yet stored as an override (it has no index keys)."""
    return event.recurring_event_id is not None and not event.time_keys


async def _load_master(db: Collections, occurrence: EventDoc) -> EventDoc:
    document = await db.events.find_one({"_id": occurrence.recurring_event_id, "is_series": True})
    if document is None:
        raise NotFoundError("No such event.")
    return EventDoc.from_mongo(document)


async def _update_series_from(
    db: Collections,
    user_id: str,
    occurrence: EventDoc,
    data: EventUpdate,
    default_zone: str,
    if_match: str | None,
    scope: series.Scope,
) -> EventDoc:
    """ "All events" or "this and following", edited from one occurrence."""
    master = await _load_master(db, occurrence)
    if if_match is not None and if_match not in (master.etag, occurrence.etag):
        raise PreconditionFailedError()
    rule = series.rule_of(master)
    original = series.original_start(occurrence)
    moved = data.start is not None or data.end is not None
    public = EventPublic.of(occurrence)
    before, after = (None, list(rule.lines)) if scope == "all" else recurrence.split_at(rule, original)
    if before is None:  # the whole series changes: its start moves by the occurrence's shift
        master_data = data
        if moved:
            new_when = resolve_timing(
                data.start or public.start, data.end or public.end, occurrence.time_zone
            )
            first_start, first_end = _shifted_first(master, original, new_when)
            master_data = data.model_copy(update={"start": first_start, "end": first_end})
        return await update_event(db, user_id, master.id, master_data, default_zone)
    # This and following: the series ends before this occurrence; a new series carries on from it.
    await db.events.update_one(
        {"_id": master.id},
        {
            "$set": {
                **placement_fields(master.calendar_id, _timing_of(master), master.attendees, before),
                "sequence": master.sequence + 1,
                "etag": new_id(),
                "updated_at": utc_now(),
            }
        },
    )
    await busy_changed(db, [master])
    await _tell_guests_about_series(db, master)
    await series.delete_overrides(db, master.id, occurrence.recurrence_id)
    start, end = data.start or public.start, data.end or public.end
    lines = after
    if moved:
        after_rule = recurrence.parse_recurrence(
            after, _as_start(original, occurrence), time_zone=occurrence.time_zone, all_day=occurrence.all_day
        )
        lines = recurrence.rebase(
            after_rule, series.timing_start(resolve_timing(start, end, occurrence.time_zone))
        )
    guests = data.attendees
    if guests is None:
        guests = [
            AttendeeIn(email=guest.email, display_name=guest.display_name, optional=guest.optional)
            for guest in occurrence.attendees
        ]
    keep_call = occurrence.conference is not None and "conference" not in data.model_fields_set
    follow = EventCreate(
        calendar_id=data.calendar_id or occurrence.calendar_id,
        title=data.title or occurrence.title,
        description=occurrence.description if data.description is None else data.description,
        location=occurrence.location if data.location is None else data.location,
        start=start,
        end=end,
        attendees=guests,
        conference=data.conference,
        recurrence=lines,
    )
    created = await create_event(db, user_id, follow, occurrence.time_zone)
    if keep_call:
        assert occurrence.conference is not None
        await db.events.update_one(
            {"_id": created.id}, {"$set": {"conference": occurrence.conference.model_dump()}}
        )
        created = created.model_copy(update={"conference": occurrence.conference})
    return created


def _timing_of(event: EventDoc) -> timing.EventTiming:
    """The timing of a single event, or of a series' first occurrence."""
    if event.all_day:
        assert event.start_date and event.end_date
        return timing.all_day(event.start_date, event.end_date, event.time_zone)
    end = event.first_end_utc if event.is_series and event.first_end_utc else event.end_utc
    return timing.timed(event.start_utc, end, event.time_zone)


def _local_date(start: recurrence.Start) -> dt.date:
    return start.date() if isinstance(start, dt.datetime) else start


def _as_start(original: recurrence.Start, event: EventDoc) -> recurrence.Start:
    if isinstance(original, dt.datetime):
        return original.astimezone(zoneinfo.ZoneInfo(event.time_zone))
    return original


def _shifted_first(
    master: EventDoc, original: recurrence.Start, new_when: timing.EventTiming
) -> tuple[EventTime, EventTime]:
    """The series' first start and end once one occurrence moved from `original` to `new_when`."""
    if master.all_day != new_when.all_day:
        raise InvalidInputError(
            "A series cannot switch between all-day and timed from one occurrence.",
            [FieldProblem("start", "Keep the series all-day, or timed, when moving all events.")],
        )
    if new_when.all_day:
        assert master.start_date and new_when.start_date and new_when.end_date
        assert not isinstance(original, dt.datetime)
        first = master.start_date + (new_when.start_date - original)
        last = first + (new_when.end_date - new_when.start_date)
        return EventTime(date=first.isoformat()), EventTime(date=last.isoformat())
    assert isinstance(original, dt.datetime)
    zone = zoneinfo.ZoneInfo(master.time_zone)
    wall_shift = new_when.start_utc.astimezone(zone).replace(tzinfo=None) - original.astimezone(zone).replace(
        tzinfo=None
    )
    first = (master.start_utc.astimezone(zone).replace(tzinfo=None) + wall_shift).replace(tzinfo=zone)
    length = new_when.end_utc - new_when.start_utc
    return (
        EventTime(date_time=first.isoformat(), time_zone=master.time_zone),
        EventTime(date_time=(first.astimezone(dt.UTC) + length).isoformat(), time_zone=master.time_zone),
    )


async def _changes(db: Collections, user_id: str, current: EventDoc, data: EventUpdate) -> dict:
    """The `$set` document that turns `current` into `current` + `data`, validated."""
    public = EventPublic.of(current)
    changes = data.model_dump(
        exclude_unset=True, exclude={"start", "end", "calendar_id", "attendees", "conference", "recurrence"}
    )
    calendar_id = current.calendar_id
    if data.calendar_id is not None and data.calendar_id != current.calendar_id:
        calendar_id = (await calendar_for(db, user_id, data.calendar_id, "write")).id
        changes["calendar_id"] = calendar_id
    attendees = current.attendees
    if data.attendees is not None:
        attendees = invitation_list(data.attendees, current.organizer_email, current.attendees)
        changes["attendees"] = [attendee.model_dump(mode="python") for attendee in attendees]
    if "conference" in data.model_fields_set:
        if data.conference is None:
            changes["conference"] = None
        elif current.conference is None or current.conference.provider != data.conference.provider:
            when = resolve_timing(data.start or public.start, data.end or public.end, current.time_zone)
            conference = await _new_conference(
                db, user_id, data.conference.provider, data.title or current.title, when, current.id
            )
            changes["conference"] = conference.model_dump(mode="python")
    lines = (
        data.recurrence
        if data.recurrence is not None
        else (current.recurrence if current.is_series else None)
    )
    moved = data.start is not None or data.end is not None
    if (
        moved
        or data.recurrence is not None
        or "calendar_id" in changes
        or "attendees" in changes
        or _is_unsaved_occurrence(current)
    ):
        when = resolve_timing(data.start or public.start, data.end or public.end, current.time_zone)
        if moved and current.is_series and data.recurrence is None:
            # The whole series moves: EXDATE/RDATE/UNTIL move with it; changed occurrences are dropped.
            old_first, new_first = series.series_start(current), series.timing_start(when)
            day_shift = (_local_date(new_first) - _local_date(old_first)).days
            rule = series.rule_of(current)
            lines = recurrence.rebase(
                recurrence.parse_recurrence(
                    series.shift_weekdays(list(rule.lines), day_shift),
                    old_first,
                    time_zone=current.time_zone,
                    all_day=current.all_day,
                ),
                new_first,
            )
            await series.delete_overrides(db, current.id)
        changes.update(placement_fields(calendar_id, when, attendees, lines))
    if moved or data.recurrence is not None or {"title", "location"} & set(changes):
        changes["sequence"] = current.sequence + 1  # guests get an updated invitation
    changes["etag"] = new_id()
    changes["updated_at"] = utc_now()
    return changes


async def delete_event(
    db: Collections, user_id: str, event_id: str, if_match: str | None = None, scope: series.Scope = "this"
) -> None:
    """Delete an event; an occurrence alone, with the following ones, or with its whole series."""
    who = await viewer(db, user_id)
    event = await deletable_event(db, who, event_id)
    if event.recurring_event_id is not None:
        await _delete_occurrences(db, event, if_match, scope)
    else:
        query: dict = {"_id": event.id}
        if if_match is not None:
            query["etag"] = if_match
        result = await db.events.delete_one(query)
        if result.deleted_count == 0:
            await get_event(db, user_id, event_id)  # raises NotFound when it is not there
            raise PreconditionFailedError()
        if event.is_series:
            await series.delete_overrides(db, event.id)
        await busy_changed(db, [event])
        booking = None
        if not event.is_series:
            # Imported here: booking.service imports this module, so a module-level import would be
            # circular. Deleting a booking's event cancels the booking (releases its time, tells the booker).
            from scheduler_app.backend.booking.service import cancel_for_deleted_event

            booking = await cancel_for_deleted_event(db, event, user_id)
        if booking is None:  # a booking's own cancellation mail already told everyone
            tell_guests(event, None)
    await record_audit(
        db,
        "event.deleted",
        actor_id=user_id,
        actor_email=who.email,
        target_type="event",
        target_id=event_id,
        details={"calendar_id": event.calendar_id, "scope": scope if event.recurring_event_id else "event"},
    )
    await release_meeting(db, event.conference)


async def _delete_occurrences(
    db: Collections, occurrence: EventDoc, if_match: str | None, scope: series.Scope
) -> None:
    master = await _load_master(db, occurrence)
    if if_match is not None and if_match not in (master.etag, occurrence.etag):
        raise PreconditionFailedError()
    rule = series.rule_of(master)
    original = series.original_start(occurrence)
    lines: list[str] | None = None
    if scope == "this":
        remaining = recurrence.parse_recurrence(
            recurrence.with_exdate(rule, original),
            series.series_start(master),
            time_zone=master.time_zone,
            all_day=master.all_day,
        )
        lines = list(remaining.lines) if recurrence.has_occurrences(remaining) else None
        await db.events.delete_one({"_id": occurrence.id, "recurring_event_id": master.id})
        await busy_changed(db, [occurrence])
        tell_guests(occurrence, None)
    elif scope == "following":
        lines, _ = recurrence.split_at(rule, original)
        await series.delete_overrides(db, master.id, occurrence.recurrence_id)
    if lines is None:
        await db.events.delete_one({"_id": master.id})
        await series.delete_overrides(db, master.id)
        await busy_changed(db, [master])
        if scope != "this":  # "this" removed the last occurrence: its guests were told just above
            tell_guests(master, None)
        return
    await db.events.update_one(
        {"_id": master.id},
        {
            "$set": {
                **placement_fields(master.calendar_id, _timing_of(master), master.attendees, lines),
                "sequence": master.sequence + (0 if scope == "this" else 1),
                "etag": new_id(),
                "updated_at": utc_now(),
            }
        },
    )
    await busy_changed(db, [master])
    if scope != "this":  # "this": its guests were told about that occurrence alone
        await _tell_guests_about_series(db, master)


@dataclass(frozen=True)
class EventRange:
    """A listing request: the window [start, end), calendars, and a page."""

    start: dt.datetime
    end: dt.datetime
    calendar_ids: list[str] | None = None
    cursor: str | None = None
    limit: int = DEFAULT_PAGE_SIZE
    viewer_zone: str = "UTC"
    # Events the user is invited to; by default only when no calendar filter is given.
    include_invitations: bool | None = None
    # Without a calendar filter: calendars others shared with the user too (their busy time: no).
    include_shared: bool = True


def encode_cursor(event: EventDoc) -> str:
    raw = json.dumps({"s": event.start_utc.isoformat(), "i": event.id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        after = dt.datetime.fromisoformat(data["s"])
        if after.tzinfo is None:
            raise ValueError("cursor instant without offset")
        return after, str(data["i"])
    except (binascii.Error, ValueError, KeyError, TypeError, RecursionError):
        raise InvalidInputError(
            "Invalid cursor.", [FieldProblem("cursor", "Not a cursor this API issued.")]
        ) from None


def _visible_in_window(
    event: EventDoc, start: dt.datetime, end: dt.datetime, zone: zoneinfo.ZoneInfo
) -> bool:
    """All-day events are dates: compare them as local midnights in the viewer's zone."""
    if not event.all_day:
        return True
    assert event.start_date is not None and event.end_date is not None
    local_start, local_end = timing.date_range_in_zone(event.start_date, event.end_date, zone)
    return local_start < end and local_end > start


async def list_events(
    db: Collections, user_id: str, request: EventRange
) -> tuple[list[EventDoc], str | None]:
    """Events overlapping the window, ordered by start, one page at a time."""
    if request.end <= request.start:
        raise InvalidInputError("The range is empty.", [FieldProblem("end", "End must be after start.")])
    if not 1 <= request.limit <= MAX_PAGE_SIZE:
        raise InvalidInputError("Bad page size.", [FieldProblem("limit", f"Use 1 to {MAX_PAGE_SIZE}.")])
    zone = timing.parse_zone(request.viewer_zone)
    invitations_for: str | None = None
    if request.calendar_ids is None:
        reachable = await accessible_calendars(db, user_id)
        if not request.include_shared:
            reachable = [calendar for calendar in reachable if not calendar.shared_with_me]
    else:
        # Two reads for all of them; an id the user cannot reach raises the policy's own answer.
        known = {calendar.id: calendar for calendar in await accessible_calendars(db, user_id)}
        reachable = [
            known[cid] if cid in known else await calendar_for(db, user_id, cid, "busy")
            for cid in request.calendar_ids
        ]
    calendar_ids = [calendar.id for calendar in reachable]
    roles = {calendar.id: calendar.role for calendar in reachable if calendar.shared_with_me}
    with_invitations = request.include_invitations
    if with_invitations is None:
        with_invitations = request.calendar_ids is None
    user = await db.users.find_one({"_id": user_id}, {"email": 1})
    who = Viewer(id=user_id, email=user["email"] if user else "")
    if with_invitations:
        invitations_for = who.email or None
    scopes = calendar_ids + ([attendee_scope(invitations_for)] if invitations_for else [])
    if not scopes:
        return [], None
    query: dict = {"start_utc": {"$lt": request.end}, "end_utc": {"$gt": request.start}}
    if request.end - request.start <= MAX_KEYED_RANGE:
        query["time_keys"] = {"$in": timing.range_keys(scopes, request.start, request.end)}
    elif invitations_for:
        query["$or"] = [{"calendar_id": {"$in": calendar_ids}}, {"attendees.email": invitations_for}]
    else:
        query["calendar_id"] = {"$in": calendar_ids}
    masters = [
        EventDoc.from_mongo(document)
        async for document in db.events.find({**query, "is_series": True, "start_utc": {"$lt": request.end}})
    ]
    occurrences = await series.expand_masters(db, masters, request.start, request.end, zone.key)
    after: tuple[dt.datetime, str] | None = None
    singles = {**query, "is_series": {"$ne": True}, "start_utc": {"$lt": request.end}}
    if request.cursor:
        # A range on start_utc rather than a top-level $or: the embedded server uses no index for $or.
        after = decode_cursor(request.cursor)
        singles["start_utc"] = {"$lt": request.end, "$gte": after[0]}
        occurrences = [event for event in occurrences if (event.start_utc, event.id) > after]
    cursor = db.events.find(singles).sort([("start_utc", 1), ("_id", 1)]).batch_size(request.limit + 1)
    documents: list[EventDoc] = []
    async for document in cursor:
        event = EventDoc.from_mongo(document)
        if after is not None and (event.start_utc, event.id) <= after:
            continue  # already on an earlier page (same start, lower or equal id)
        documents.append(event)
        if len(documents) > request.limit:
            break
    await cursor.close()
    # Both lists are sorted and each holds everything up to its own limit: the merge's head is exact.
    merged = sorted(documents + occurrences, key=lambda event: (event.start_utc, event.id))
    page, more = merged[: request.limit], len(merged) > request.limit
    next_cursor = encode_cursor(page[-1]) if more else None
    return [
        _as_listed(event, who, roles)
        for event in page
        if _visible_in_window(event, request.start, request.end, zone)
    ], next_cursor


def _as_listed(event: EventDoc, who: Viewer, shared_roles: dict[str, CalendarRole]) -> EventDoc:
    """An event as the viewer may see it in a listing (busy blocks for free/busy calendars)."""
    role = role_from(event, who, shared_roles.get(event.calendar_id))
    return as_seen_by(event, who, role) if role else event
