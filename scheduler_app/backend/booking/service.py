"""Booking, cancelling and rescheduling: the slot check, the locks and the event in one transaction.

Double booking is prevented by the database, not by the check: every booking inserts one
`booking_slots` document per host and 5-minute block it covers (buffers included), with the unique
`_id` "<host id>:<block start>". Two requests for overlapping time collide on some `_id`, so exactly
one transaction commits; the other is told the time was just taken. Daily limits are counters in the
same collection, raised only while below the limit. Cancelling deletes both in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import BulkWriteError, DuplicateKeyError

from scheduler_app.backend.audit import record_audit
from scheduler_app.backend.booking import event_types
from scheduler_app.backend.booking.availability import grid_zone, host_meetings, load_hosts, rules_of
from scheduler_app.backend.booking.documents import AnswerDoc, BookingDoc, EventTypeDoc
from scheduler_app.backend.booking.notifications import send_booking_mail
from scheduler_app.backend.booking.schemas import (
    LONG_ANSWER_MAX,
    SHORT_ANSWER_MAX,
    AnswerPublic,
    BookingIn,
    BookingPublic,
    RescheduleIn,
    SlotOut,
    SlotsOut,
)
from scheduler_app.backend.booking.slots import TAKEN, BookingRules, Slot, available_slots, bookable_slot
from scheduler_app.backend.db import Collections
from scheduler_app.backend.email_address import normalize_email
from scheduler_app.backend.errors import ConflictError, FieldProblem, InvalidInputError, NotFoundError
from scheduler_app.backend.events import timing
from scheduler_app.backend.events.calendars import ensure_default_calendar, list_calendars
from scheduler_app.backend.events.schemas import EventPublic, EventUpdate
from scheduler_app.backend.events.service import placement_fields, resolve_timing
from scheduler_app.backend.meetings.providers import MeetingDetails, meeting_provider
from scheduler_app.backend.models import AttendeeDoc, ConferenceDoc, EventDoc, new_id, utc_now
from scheduler_app.backend.scheduling.busy_cache import busy_changed, busy_changed_for
from scheduler_app.backend.scheduling.store import hours_by_user

BLOCK = dt.timedelta(minutes=5)
MAX_SLOT_RANGE = dt.timedelta(days=42)
DAY_FULL = "That day just filled up; pick another day."
_MINUTE = dt.timedelta(minutes=1)
_NOT_FOUND = "No such booking; the link may be mistyped or out of date."
_CANCEL_FIELDS = ("status", "cancelled_at", "cancelled_by", "updated_at", "sequence")
_GONE = "This booking was just cancelled or changed; reload it."
MOVE_REFUSED = (
    "This event is a booking; reschedule it from the booking or cancel it "
    "(deleting the event cancels the booking and tells the booker)."
)


class _Taken(Exception):
    """A lock or daily counter is already held (the transaction is rolled back)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lock_ids(host_ids: Sequence[str], start: dt.datetime, end: dt.datetime) -> list[str]:
    """One id per host and 5-minute block that [start, end) touches (blocks aligned to UTC)."""
    epoch = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    first = epoch + (start - epoch) // BLOCK * BLOCK
    blocks = []
    block = first
    while block < end:
        blocks.append(block)
        block += BLOCK
    return [f"{host}:{block:%Y%m%dT%H%M}Z" for host in host_ids for block in blocks]


# --- reading ------------------------------------------------------------------------------------------


def _duration(event_type: EventTypeDoc, minutes: int | None) -> int:
    if minutes is None:
        return event_type.durations[0]
    if minutes not in event_type.durations:
        offered = ", ".join(str(value) for value in event_type.durations)
        raise InvalidInputError(
            "That length is not offered.",
            [FieldProblem("duration", f"Pick one of the offered lengths: {offered} minutes.")],
        )
    return minutes


def _zone(name: str | None, field: str = "time_zone") -> zoneinfo.ZoneInfo:
    return timing.parse_zone(name or "UTC", field)


async def list_slots(
    db: Collections,
    event_type: EventTypeDoc,
    start: str,
    end: str,
    time_zone: str | None,
    duration: int | None,
    now: dt.datetime | None = None,
) -> SlotsOut:
    """Free slots starting in [start, end) (dates or date-times, read in `time_zone`), in that zone."""
    problems: list[FieldProblem] = []
    zone = None
    try:
        zone = _zone(time_zone)
    except InvalidInputError as error:
        problems += error.errors
    try:
        minutes = _duration(event_type, duration)
    except InvalidInputError as error:
        problems += error.errors
    window: list[dt.datetime] = []
    if zone is not None:
        for field, value in (("start", start), ("end", end)):
            try:
                window.append(_instant_or_date(value, zone, field))
            except InvalidInputError as error:
                problems += error.errors
    if len(window) == 2:
        if window[1] <= window[0]:
            problems.append(FieldProblem("end", "The end must be after the start."))
        elif window[1] - window[0] > MAX_SLOT_RANGE:
            problems.append(FieldProblem("end", f"Ask for at most {MAX_SLOT_RANGE.days} days at a time."))
    if problems:
        raise InvalidInputError("Invalid slot request.", problems)
    assert zone is not None
    now = now or utc_now()
    rules = rules_of(event_type, minutes, await grid_zone(db, event_type))
    hosts = await load_hosts(db, event_type, rules, window[0], window[1], now)
    slots = available_slots(rules, hosts, now, window[0], window[1])
    return SlotsOut(
        time_zone=zone.key,
        duration=minutes,
        slots=[SlotOut(start=_local(slot.start, zone), end=_local(slot.end, zone)) for slot in slots],
    )


def _instant_or_date(value: str, zone: zoneinfo.ZoneInfo, field: str) -> dt.datetime:
    """A date ("2026-03-02", its midnight in `zone`) or an ISO date-time."""
    if isinstance(value, str) and len(value) == 10:
        day = timing.parse_date(value, field)
        return timing.localize(dt.datetime.combine(day, dt.time()), zone, field)
    return timing.parse_instant(value, zone, field)


def _local(instant: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return instant.astimezone(zone).isoformat()


# --- booking ------------------------------------------------------------------------------------------


def _answers(event_type: EventTypeDoc, given: dict[str, str]) -> list[AnswerDoc]:
    """Answers in the questions' order; a 422 names each unknown, missing or oversized one."""
    problems: list[FieldProblem] = []
    known = {question.id for question in event_type.questions}
    problems += [
        FieldProblem(f"answers.{key}", "There is no such question.") for key in given if key not in known
    ]
    answers: list[AnswerDoc] = []
    for question in event_type.questions:
        value = (given.get(question.id) or "").strip()
        limit = LONG_ANSWER_MAX if question.kind == "long" else SHORT_ANSWER_MAX
        if question.required and not value:
            problems.append(FieldProblem(f"answers.{question.id}", f"“{question.label}” needs an answer."))
        elif len(value) > limit:
            problems.append(
                FieldProblem(f"answers.{question.id}", f"Keep the answer under {limit} characters.")
            )
        elif value:
            answers.append(AnswerDoc(question_id=question.id, label=question.label, value=value))
    if problems:
        raise InvalidInputError("Please correct your answers.", problems)
    return answers


@dataclass
class _Placement:
    """Where a booking lands: hosts, organiser's calendar, the event, the locks and counters."""

    host_ids: list[str]
    event: EventDoc
    lock_ids: list[str]
    limit_ids: list[str]


async def _place(
    db: Collections,
    event_type: EventTypeDoc,
    rules: BookingRules,
    booking: BookingDoc,
    host_ids: list[str],
    host_zones: dict[str, str],
    users: dict[str, dict],
) -> _Placement:
    """The event and lock ids for `booking` at its time with `host_ids` (nothing written yet)."""
    organizer = users[host_ids[0]]
    calendars = await list_calendars(db, organizer["_id"])
    calendar = (
        calendars[0] if calendars else await ensure_default_calendar(db, organizer["_id"], organizer["name"])
    )
    attendees = [
        AttendeeDoc(
            email=users[host]["email"], display_name=users[host].get("name", ""), response_status="accepted"
        )
        for host in host_ids[1:]
    ]
    attendees.append(
        AttendeeDoc(email=booking.booker_email, display_name=booking.booker_name, response_status="accepted")
    )
    when = timing.timed(booking.start_utc, booking.end_utc, host_zones[host_ids[0]])
    description = "\n".join(f"{answer.label}: {answer.value}" for answer in booking.answers)
    event = EventDoc(
        calendar_id=calendar.id,
        owner_id=organizer["_id"],
        title=booking.title,
        description=description,
        location=booking.location,
        organizer_email=organizer["email"],
        organizer_name=organizer.get("name", ""),
        attendees=attendees,
        conference=_conference(booking.conference_url),
        ical_uid=booking.ical_uid,
        **placement_fields(calendar.id, when, attendees),
    )
    locked = lock_ids(host_ids, booking.start_utc - rules.buffer_before, booking.end_utc + rules.buffer_after)
    limits = []
    if event_type.daily_limit is not None:
        limits = [
            f"limit:{event_type.id}:{host}:{booking.start_utc.astimezone(zoneinfo.ZoneInfo(host_zones[host])).date()}"
            for host in host_ids
        ]
    return _Placement(host_ids, event, locked, limits)


async def _hold(
    db: Collections, session: AsyncClientSession, booking_id: str, place: _Placement, daily_limit: int | None
) -> None:
    """Insert the locks and raise the daily counters, or raise _Taken (inside the transaction)."""
    try:
        await db.booking_slots.insert_many(
            [{"_id": lock, "booking_id": booking_id} for lock in place.lock_ids],
            ordered=True,
            session=session,
        )
    except BulkWriteError as error:
        if any(item.get("code") == 11000 for item in error.details.get("writeErrors", [])):
            raise _Taken(TAKEN) from None
        raise
    except DuplicateKeyError:
        raise _Taken(TAKEN) from None
    for limit_id in place.limit_ids:
        try:
            await db.booking_slots.update_one(
                {"_id": limit_id, "count": {"$lt": daily_limit}},
                {"$inc": {"count": 1}},
                upsert=True,
                session=session,
            )
        except DuplicateKeyError:
            raise _Taken(DAY_FULL) from None


async def _release(db: Collections, session: AsyncClientSession, booking: BookingDoc) -> None:
    await db.booking_slots.delete_many({"_id": {"$in": booking.lock_ids}}, session=session)
    for limit_id in booking.limit_ids:
        await db.booking_slots.update_one({"_id": limit_id}, {"$inc": {"count": -1}}, session=session)


async def _still_free(
    db: Collections, rules: BookingRules, place: _Placement, users: dict[str, dict], ignore: str | None
) -> bool:
    """Re-read the hosts' calendars around the slot: an event added since the listing wins."""
    low = place.event.start_utc - rules.buffer_before
    high = place.event.end_utc + rules.buffer_after
    for host in place.host_ids:
        for meeting in await host_meetings(db, users[host], low, high, ignore):
            if meeting.start < high and meeting.end > low:
                return False
    return True


def _conference(url: str) -> ConferenceDoc | None:
    return ConferenceDoc(provider="jitsi", url=url, conference_id=url.rsplit("/", 1)[-1]) if url else None


async def _context(db: Collections, event_type: EventTypeDoc) -> tuple[dict[str, dict], dict[str, str]]:
    users = await event_types.users_by_id(db, [host.user_id for host in event_type.hosts])
    hours = await hours_by_user(db, users.values())
    return users, {user_id: found[0].time_zone for user_id, found in hours.items()}


def _candidates(event_type: EventTypeDoc, slot: Slot, prefer: Sequence[str] = ()) -> list[list[str]]:
    """Host sets to try in order: all hosts at once (collective) or one host at a time (round-robin)."""
    if event_type.kind == "collective":
        return [list(slot.host_ids)]
    ordered = [host for host in prefer if host in slot.host_ids]
    ordered += [host for host in slot.host_ids if host not in ordered]
    return [[host] for host in ordered]


async def _commit(
    db: Collections,
    event_type: EventTypeDoc,
    rules: BookingRules,
    draft: BookingDoc,
    candidates: list[list[str]],
    users: dict[str, dict],
    zones: dict[str, str],
    previous: BookingDoc | None = None,
) -> tuple[BookingDoc, EventDoc]:
    """Try each host set until one holds: locks, counters, event and booking in one transaction."""
    last = TAKEN
    for host_ids in candidates:
        place = await _place(db, event_type, rules, draft, host_ids, zones, users)
        booking = draft.model_copy(
            update={
                "host_ids": host_ids,
                "organizer_id": host_ids[0],
                "event_id": place.event.id,
                "lock_ids": place.lock_ids,
                "limit_ids": place.limit_ids,
            }
        )

        try:
            await _transact(db, rules, booking, place, users, event_type.daily_limit, previous)
        except _Taken as taken:
            last = taken.message
            continue
        await busy_changed(db, [place.event])
        if previous is not None:  # the rescheduled booking's old event is gone
            await busy_changed_for(db, previous.host_ids, [previous.booker_email])
        return booking, place.event
    raise ConflictError(last)


async def _transact(
    db: Collections,
    rules: BookingRules,
    booking: BookingDoc,
    place: _Placement,
    users: dict[str, dict],
    daily_limit: int | None,
    previous: BookingDoc | None,
) -> None:
    """One transaction: release the previous placement, hold the new one, re-check, write event and booking."""

    async def write(session: AsyncClientSession) -> None:
        if previous is not None:
            await _release(db, session, previous)
            await db.events.delete_one({"_id": previous.event_id}, session=session)
        await _hold(db, session, booking.id, place, daily_limit)
        if not await _still_free(db, rules, place, users, previous.event_id if previous else None):
            raise _Taken(TAKEN)
        await db.events.insert_one(place.event.to_mongo(), session=session)
        if previous is None:
            await db.bookings.insert_one(booking.to_mongo(), session=session)
            return
        # Only the booking as it was read: a host who deleted its event meanwhile has cancelled it.
        replaced = await db.bookings.replace_one(
            {"_id": booking.id, "status": "confirmed", "event_id": previous.event_id},
            booking.to_mongo(),
            session=session,
        )
        if replaced.matched_count == 0:
            raise ConflictError(_GONE)

    async with db.database.client.start_session() as session:
        await session.with_transaction(write)


async def book(
    db: Collections, who: str, slug: str, data: BookingIn, now: dt.datetime | None = None
) -> tuple[BookingDoc, str]:
    """Book a listed slot for an anonymous booker; returns the booking and its manage token (once)."""
    event_type = await event_types.public_event_type(db, who, slug)
    now = now or utc_now()
    problems: list[FieldProblem] = []
    zone = start = None
    minutes = data.duration
    try:
        zone = _zone(data.time_zone)
        start = timing.parse_instant(data.start, zone, "start")
    except InvalidInputError as error:
        problems += error.errors
    for check in (
        lambda: _duration(event_type, data.duration),
        lambda: normalize_email(data.email, "email"),
        lambda: _answers(event_type, data.answers),
    ):
        try:
            check()
        except InvalidInputError as error:
            problems += error.errors
    if problems:
        raise InvalidInputError("The booking is invalid.", problems)
    assert zone is not None and start is not None
    rules = rules_of(event_type, minutes, await grid_zone(db, event_type))
    hosts = await load_hosts(db, event_type, rules, start, start + rules.duration, now)
    slot = bookable_slot(rules, hosts, now, start)
    users, zones = await _context(db, event_type)
    token = secrets.token_urlsafe(32)
    booking_id = new_id()
    conference = None
    if event_type.video_call:
        provider = await meeting_provider(db, event_type.owner_id, "jitsi")
        conference = await provider.create_meeting(MeetingDetails(event_type.title, slot.start, slot.end))
    draft = BookingDoc(
        id=booking_id,
        event_type_id=event_type.id,
        owner_id=event_type.owner_id,
        title=f"{event_type.title}: {data.name}",
        host_ids=[],
        organizer_id="",
        event_id="",
        ical_uid=f"booking-{booking_id}@scheduler.local",
        start_utc=slot.start,
        end_utc=slot.end,
        duration=minutes,
        buffer_before=event_type.buffer_before,
        buffer_after=event_type.buffer_after,
        booker_name=data.name,
        booker_email=normalize_email(data.email, "email"),
        booker_time_zone=zone.key,
        answers=_answers(event_type, data.answers),
        manage_token_hash=token_digest(token),
        conference_url=conference.url if conference else "",
        location=event_type.location,
    )
    booking, event = await _commit(db, event_type, rules, draft, _candidates(event_type, slot), users, zones)
    await send_booking_mail(event, booking, "booked", [users[h] for h in booking.host_ids], zones, token)
    return booking, token


# --- the manage link ----------------------------------------------------------------------------------


async def booking_by_token(db: Collections, token: str) -> BookingDoc:
    """The booking behind a manage link; unknown tokens are 404 (only digests are stored)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise NotFoundError(_NOT_FOUND)
    document = await db.bookings.find_one({"manage_token_hash": token_digest(token)})
    if document is None:
        raise NotFoundError(_NOT_FOUND)
    return BookingDoc.from_mongo(document)


async def _live_event_type(db: Collections, booking: BookingDoc) -> EventTypeDoc | None:
    document = await db.event_types.find_one({"_id": booking.event_type_id, "active": True})
    return EventTypeDoc.from_mongo(document) if document else None


async def booking_public(db: Collections, booking: BookingDoc, time_zone: str | None = None) -> BookingPublic:
    """The booking as its manage link shows it, in the booker's zone unless another is asked for."""
    zone = _zone(time_zone or booking.booker_time_zone)
    users = await event_types.users_by_id(db, booking.host_ids)
    event_type = await _live_event_type(db, booking)
    return BookingPublic(
        id=booking.id,
        status=booking.status,
        cancelled_by=booking.cancelled_by,
        title=booking.title,
        start=_local(booking.start_utc, zone),
        end=_local(booking.end_utc, zone),
        duration=booking.duration,
        time_zone=zone.key,
        host_names=[
            users[host].get("name") or users[host]["email"] for host in booking.host_ids if host in users
        ],
        booker_name=booking.booker_name,
        booker_email=booking.booker_email,
        answers=[AnswerPublic(**answer.model_dump()) for answer in booking.answers],
        location=booking.location,
        conference_url=booking.conference_url if booking.status == "confirmed" else "",
        owner_handle=event_type.owner_handle if event_type else "",
        slug=event_type.slug if event_type else "",
        durations=event_type.durations if event_type else [booking.duration],
        can_reschedule=booking.status == "confirmed" and event_type is not None,
    )


async def cancel(db: Collections, token: str) -> BookingDoc:
    """Cancel from the manage link: the event goes, the locks are released, everyone is told."""
    booking = await booking_by_token(db, token)
    if booking.status == "cancelled":
        raise ConflictError("This booking is already cancelled.")
    event_doc = await db.events.find_one({"_id": booking.event_id})
    cancelled = booking.model_copy(
        update={
            "status": "cancelled",
            "cancelled_at": utc_now(),
            "cancelled_by": "booker",
            "updated_at": utc_now(),
            "sequence": booking.sequence + 1,
        }
    )

    async def write(session: AsyncClientSession) -> None:
        result = await db.bookings.update_one(
            {"_id": booking.id, "status": "confirmed"},
            {"$set": {k: getattr(cancelled, k) for k in _CANCEL_FIELDS}},
            session=session,
        )
        if result.modified_count == 0:
            raise _Taken("This booking is already cancelled.")
        await _release(db, session, booking)
        await db.events.delete_one({"_id": booking.event_id}, session=session)

    try:
        async with db.database.client.start_session() as session:
            await session.with_transaction(write)
    except _Taken as taken:
        raise ConflictError(taken.message) from None
    await busy_changed_for(db, booking.host_ids, [booking.booker_email])
    users = await event_types.users_by_id(db, booking.host_ids)
    zones = {
        user_id: found[0].time_zone for user_id, found in (await hours_by_user(db, users.values())).items()
    }
    if event_doc is not None:
        await send_booking_mail(
            EventDoc.from_mongo(event_doc),
            cancelled,
            "cancelled",
            [users[h] for h in booking.host_ids if h in users],
            zones,
        )
    return cancelled


async def reschedule(
    db: Collections, token: str, data: RescheduleIn, now: dt.datetime | None = None
) -> BookingDoc:
    """Move the booking to another listed slot: new locks and event replace the old in one transaction."""
    booking = await booking_by_token(db, token)
    if booking.status == "cancelled":
        raise ConflictError("This booking is cancelled; book a new time instead.")
    event_type = await _live_event_type(db, booking)
    if event_type is None:
        raise ConflictError("This booking page no longer takes bookings; cancel instead.")
    now = now or utc_now()
    zone = _zone(data.time_zone or booking.booker_time_zone)
    minutes = _duration(event_type, data.duration if data.duration is not None else booking.duration)
    start = timing.parse_instant(data.start, zone, "start")
    rules = rules_of(event_type, minutes, await grid_zone(db, event_type))
    hosts = await load_hosts(db, event_type, rules, start, start + rules.duration, now, ignore=booking)
    slot = bookable_slot(rules, hosts, now, start)
    users, zones = await _context(db, event_type)
    draft = booking.model_copy(
        update={
            "start_utc": slot.start,
            "end_utc": slot.end,
            "duration": minutes,
            "buffer_before": event_type.buffer_before,
            "buffer_after": event_type.buffer_after,
            "booker_time_zone": zone.key,
            "sequence": booking.sequence + 1,
            "updated_at": utc_now(),
        }
    )
    moved, event = await _commit(
        db, event_type, rules, draft, _candidates(event_type, slot, booking.host_ids), users, zones, booking
    )
    await send_booking_mail(event, moved, "rescheduled", [users[h] for h in moved.host_ids], zones)
    return moved


# --- the host's calendar ------------------------------------------------------------------------------


async def cancel_for_deleted_event(db: Collections, event: EventDoc, actor_id: str) -> BookingDoc | None:
    """The host deleted a booking's event from their calendar: cancel the booking it belonged to.

    Called by `events.service.delete_event` after the event is gone. Without this the booking would
    stay confirmed and its locks would keep the time closed forever. The booking is marked cancelled
    by the host and its locks and daily counters are released in one transaction (so the time is
    bookable again at once); then the booker and the other hosts get an iTIP CANCEL. Returns None when
    the event was no booking's, or when the booking was cancelled or moved in the meantime.
    """
    document = await db.bookings.find_one({"event_id": event.id, "status": "confirmed"})
    if document is None:
        return None
    booking = BookingDoc.from_mongo(document)
    now = utc_now()
    cancelled = booking.model_copy(
        update={
            "status": "cancelled",
            "cancelled_at": now,
            "cancelled_by": "host",
            "updated_at": now,
            "sequence": booking.sequence + 1,
        }
    )

    async def write(session: AsyncClientSession) -> bool:
        result = await db.bookings.update_one(
            {"_id": booking.id, "status": "confirmed", "event_id": event.id},
            {"$set": {k: getattr(cancelled, k) for k in _CANCEL_FIELDS}},
            session=session,
        )
        if result.modified_count == 0:
            return False  # the booker cancelled or rescheduled first; their change stands
        await _release(db, session, booking)
        return True

    async with db.database.client.start_session() as session:
        if not await session.with_transaction(write):
            return None
    await busy_changed_for(db, booking.host_ids, [booking.booker_email])
    users = await event_types.users_by_id(db, booking.host_ids)
    zones = {
        user_id: found[0].time_zone for user_id, found in (await hours_by_user(db, users.values())).items()
    }
    await record_audit(
        db,
        "booking.cancelled_by_host",
        actor_id=actor_id,
        actor_email=users[actor_id]["email"] if actor_id in users else "",
        target_type="booking",
        target_id=booking.id,
        details={"event_id": event.id, "event_type_id": booking.event_type_id},
    )
    # The host who deleted the event knows; the booker and any co-hosts are told.
    others = [users[host] for host in booking.host_ids if host in users and host != actor_id]
    await send_booking_mail(event, cancelled, "host_cancelled", others, zones)
    return cancelled


async def refuse_moving_booked_event(db: Collections, event: EventDoc, data: EventUpdate) -> None:
    """A 409 when an update would move (or repeat) a booking's event; anything else passes.

    Moving the event alone would leave the booking's locks on the old time and the booker with a
    stale invitation; re-locking from the calendar would bypass the page's rules (notice, buffers,
    limits). So the time of a booked event changes only through the booking: the booker's reschedule,
    or the host deleting the event, which cancels the booking and tells the booker. Re-sending the
    same start and end (as edit forms do) is not a move.
    """
    if event.recurring_event_id is not None or event.is_series:
        return  # bookings are single events
    repeats = bool(data.recurrence)
    if data.start is None and data.end is None and not repeats:
        return
    public = EventPublic.of(event)
    when = resolve_timing(data.start or public.start, data.end or public.end, event.time_zone)
    same = (when.all_day, when.start_utc, when.end_utc) == (event.all_day, event.start_utc, event.end_utc)
    if same and not repeats:
        return
    if await db.bookings.find_one({"event_id": event.id, "status": "confirmed"}, {"_id": 1}):
        raise ConflictError(MOVE_REFUSED)
