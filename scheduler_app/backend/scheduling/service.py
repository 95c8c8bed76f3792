"""Find a time with real calendars: people from e-mails, their busy time from storage, then the engine.

Busy time is free/busy only: which instants are taken and how firmly, never what the meetings are.
A participant's own answer decides: events in their calendars are busy unless they declined them as a
listed guest; invitations count as tentative when they answered "tentative", busy when they accepted
or have not answered, and not at all when declined. All-day events are left out (as conflict warnings
do): they are mostly holidays, reminders or "working from home"; absences belong in out-of-office.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ConfigDict
from sqlmodel import Field, SQLModel

from scheduler_app.backend.db import Collections
from scheduler_app.backend.email_address import normalize_email
from scheduler_app.backend.errors import DomainError, FieldProblem, InvalidInputError
from scheduler_app.backend.events import series, timing
from scheduler_app.backend.events import service as events
from scheduler_app.backend.events.calendar_access import AccessibleCalendar, calendar_for
from scheduler_app.backend.models import EventDoc, UserDoc, utc_now
from scheduler_app.backend.scheduling.busy import BusyInterval, BusyStatus
from scheduler_app.backend.scheduling.busy_cache import VERSION_FIELD, cached_busy
from scheduler_app.backend.scheduling.intervals import IntervalSet
from scheduler_app.backend.scheduling.request import (
    MAX_DURATION,
    MAX_MIN_NOTICE,
    MAX_PARTICIPANTS,
    MAX_SUGGESTIONS,
    MAX_WINDOW,
    Participant,
    ParticipantKind,
    SuggestionRequest,
    validated_participants,
)
from scheduler_app.backend.scheduling.result import SuggestionResult
from scheduler_app.backend.scheduling.store import hours_by_user, user_zone
from scheduler_app.backend.scheduling.suggestions import find_suggestions
from scheduler_app.backend.scheduling.working_hours import WorkingHours

_MAX_BUFFER_MINUTES = 4 * 60
MAX_SHARED_CALENDARS = 20
_MINUTES = dt.timedelta(minutes=1)


class SuggestionQuery(SQLModel):
    """`POST /scheduling/suggestions`: who must (and may) attend, how long, and where to look."""

    model_config = ConfigDict(extra="forbid")

    participants: list[str] = Field(
        default_factory=list,
        max_length=MAX_PARTICIPANTS,
        description="E-mails of required attendees (app users); you are always included.",
    )
    optional: list[str] = Field(
        default_factory=list, max_length=MAX_PARTICIPANTS, description="E-mails of optional attendees."
    )
    calendars: list[str] = Field(
        default_factory=list,
        max_length=MAX_SHARED_CALENDARS,
        description="Ids of calendars that must be free too (rooms, team calendars); free/busy access is enough.",
    )
    duration_minutes: int = Field(default=60, gt=0, le=int(MAX_DURATION / _MINUTES))
    window_start: str = Field(description="ISO 8601; read in `time_zone` when it has no offset.")
    window_end: str = Field(description="ISO 8601, exclusive; at most 93 days after the start.")
    time_zone: str | None = Field(
        default=None, description="IANA zone of the candidate grid and labels; defaults to yours, or UTC."
    )
    limit: int = Field(default=10, ge=1, le=MAX_SUGGESTIONS)
    slot_minutes: int = Field(default=15, ge=1, le=60, description="Step between candidate starts.")
    min_notice_minutes: int = Field(default=0, ge=0, le=int(MAX_MIN_NOTICE / _MINUTES))
    buffer_minutes: int = Field(
        default=0, ge=0, le=_MAX_BUFFER_MINUTES, description="Kept free before and after the meeting."
    )
    avoid_lunch: bool = False
    within_working_hours: bool = True


@dataclass(frozen=True)
class Person:
    """An app user taking part: who they are and when they work."""

    user_id: str
    email: str
    name: str
    time_zone: str
    hours: WorkingHours
    busy_version: int = 0  # see busy_cache


# --- people -----------------------------------------------------------------------------------------


async def resolve_people(db: Collections, emails: Sequence[tuple[str, str]]) -> dict[str, Person]:
    """People by e-mail for `(field, e-mail)` pairs; a 422 names every malformed or unknown address."""
    problems: list[FieldProblem] = []
    wanted: dict[str, str] = {}
    for field, raw in emails:
        try:
            wanted.setdefault(normalize_email(raw, field), field)
        except InvalidInputError as error:
            problems += error.errors
    users = {
        user["email"]: user
        async for user in db.users.find(
            {"email": {"$in": list(wanted)}, "disabled": {"$ne": True}},
            {"email": 1, "name": 1, "time_zone": 1, VERSION_FIELD: 1},
        )
    }
    problems += [
        FieldProblem(field, f"{email} has no account here; only app users' calendars can be compared.")
        for email, field in wanted.items()
        if email not in users
    ]
    if problems:
        raise InvalidInputError("Some attendees cannot be looked up.", problems)
    hours = await hours_by_user(db, users.values())
    return {
        email: Person(
            user["_id"],
            email,
            user.get("name") or email,
            user_zone(user),
            hours[user["_id"]][0],
            user.get(VERSION_FIELD, 0),
        )
        for email, user in users.items()
    }


# --- busy time --------------------------------------------------------------------------------------


def busy_status(event: EventDoc, email: str) -> BusyStatus | None:
    """How `event` holds the time of the person with `email`: their own answer decides (None: free)."""
    if event.all_day:
        return None
    for guest in event.attendees:
        if guest.email == email:
            if guest.response_status == "declined":
                return None
            return BusyStatus.TENTATIVE if guest.response_status == "tentative" else BusyStatus.BUSY
    return BusyStatus.BUSY  # their own event, not a guest of it


_BUSY_FIELDS = {"start_utc": 1, "end_utc": 1, "attendees.email": 1, "attendees.response_status": 1}


def _raw_busy_status(document: dict, email: str) -> BusyStatus | None:
    """`busy_status` for a projected event document (start, end and guests' answers only)."""
    for guest in document.get("attendees", ()):
        if guest.get("email") == email:
            answer = guest.get("response_status")
            if answer == "declined":
                return None
            return BusyStatus.TENTATIVE if answer == "tentative" else BusyStatus.BUSY
    return BusyStatus.BUSY


async def _timed_events(
    db: Collections, scopes: list[str], start: dt.datetime, end: dt.datetime
) -> tuple[list[dict], list[EventDoc]]:
    """Timed events of these index scopes overlapping [start, end): one-offs (start, end and guests'
    answers only) and occurrences of series (their overrides are among the one-offs).

    The same events the calendar lists, in one pass over the index (the costly part on the embedded
    server); only series are read in full, to expand them.
    """
    query = {
        "time_keys": {"$in": timing.range_keys(scopes, start, end)},
        "start_utc": {"$lt": end},
        "end_utc": {"$gt": start},
        "all_day": {"$ne": True},
    }
    singles: list[dict] = []
    series_ids: list[str] = []
    async for document in db.events.find(query, {**_BUSY_FIELDS, "is_series": 1}):
        if document.get("is_series"):
            series_ids.append(document["_id"])
        else:
            singles.append(document)
    if not series_ids:
        return singles, []
    masters = [
        EventDoc.from_mongo(document) async for document in db.events.find({"_id": {"$in": series_ids}})
    ]
    return singles, await series.expand_masters(db, masters, start, end, "UTC")


async def busy_intervals(
    db: Collections, person: Person, start: dt.datetime, end: dt.datetime
) -> list[BusyInterval]:
    """The person's timed meetings overlapping [start, end): their own calendars and invitations."""
    calendar_ids = [
        document["_id"] async for document in db.calendars.find({"owner_id": person.user_id}, {"_id": 1})
    ]
    singles, occurrences = await _timed_events(
        db, [*calendar_ids, events.attendee_scope(person.email)], start, end
    )
    busy = [
        BusyInterval(document["start_utc"], document["end_utc"], status)
        for document in singles
        if (status := _raw_busy_status(document, person.email)) is not None
    ]
    busy += [
        BusyInterval(occurrence.start_utc, occurrence.end_utc, status)
        for occurrence in occurrences
        if (status := busy_status(occurrence, person.email)) is not None
    ]
    return sorted(busy, key=lambda item: (item.start, item.end))


async def calendar_busy(
    db: Collections, calendar_id: str, start: dt.datetime, end: dt.datetime
) -> list[BusyInterval]:
    """A shared calendar's timed events overlapping [start, end): each one makes it busy."""
    singles, occurrences = await _timed_events(db, [calendar_id], start, end)
    busy = [BusyInterval(document["start_utc"], document["end_utc"]) for document in singles]
    busy += [BusyInterval(occurrence.start_utc, occurrence.end_utc) for occurrence in occurrences]
    return sorted(busy, key=lambda item: (item.start, item.end))


async def shared_calendars(
    db: Collections, requester: UserDoc, calendar_ids: Sequence[str]
) -> tuple[list[AccessibleCalendar], list[FieldProblem]]:
    """The calendars asked for, each one the requester may at least see as free/busy."""
    found: list[AccessibleCalendar] = []
    problems: list[FieldProblem] = []
    for index, calendar_id in enumerate(dict.fromkeys(calendar_ids)):
        try:
            found.append(await calendar_for(db, requester.id, calendar_id, "busy"))
        except DomainError:
            problems.append(
                FieldProblem(f"calendars[{index}]", "No such calendar (or it is not shared with you).")
            )
    return found, problems


async def busy_of_people(
    db: Collections, people: Sequence[Person], start: dt.datetime, end: dt.datetime
) -> list[list[BusyInterval]]:
    """Busy time of each person: cached months, stale ones read from their calendars (busy_cache)."""
    return await cached_busy(db, people, start, end, busy_intervals)


# --- suggestions ------------------------------------------------------------------------------------

_ENGINE_FIELDS = {
    "duration": "duration_minutes",
    "slot_step": "slot_minutes",
    "min_notice": "min_notice_minutes",
    "buffer_before": "buffer_minutes",
    "buffer_after": "buffer_minutes",
    "viewer_time_zone": "time_zone",
}
_PARTICIPANT_FIELD = re.compile(r"^participants\[(\d+)\](.*)$")


def _api_problems(problems: Sequence[FieldProblem], origins: Sequence[str]) -> list[FieldProblem]:
    """The engine's problems renamed to the API's fields (participants[i] is where that e-mail came from)."""
    renamed: list[FieldProblem] = []
    for problem in problems:
        field = _ENGINE_FIELDS.get(problem.field, problem.field)
        if (match := _PARTICIPANT_FIELD.match(field)) and int(match[1]) < len(origins):
            field = origins[int(match[1])] + match[2]
        if all((field, problem.message) != (seen.field, seen.message) for seen in renamed):
            renamed.append(FieldProblem(field, problem.message))
    return renamed


def _display_names(people: Sequence[Person]) -> list[str]:
    """Names, with the e-mail added where two people share one."""
    counts: dict[str, int] = {}
    for person in people:
        counts[person.name] = counts.get(person.name, 0) + 1
    return [
        person.name if counts[person.name] == 1 else f"{person.name} ({person.email})" for person in people
    ]


@dataclass(frozen=True)
class PreparedSearch:
    """A validated search with every participant's busy time loaded: all the engine needs."""

    request: SuggestionRequest
    participants: list[Participant]
    origins: list[str]  # the API field each participant came from ("requester", "optional[2]", ...)

    def run(self) -> SuggestionResult:
        """The engine's answer (pure: no I/O)."""
        try:
            return find_suggestions(self.request, self.participants)
        except InvalidInputError as error:
            raise InvalidInputError(error.detail, _api_problems(error.errors, self.origins)) from None


async def suggest(
    db: Collections, requester: UserDoc, query: SuggestionQuery, now: dt.datetime | None = None
) -> SuggestionResult:
    """Ranked meeting times for the requester plus `query`'s attendees, from their stored calendars."""
    return (await prepare_search(db, requester, query, now)).run()


async def prepare_search(
    db: Collections, requester: UserDoc, query: SuggestionQuery, now: dt.datetime | None = None
) -> PreparedSearch:
    """Resolve the attendees, check the search, then read everyone's busy time for `busy_range()`.

    Every invalid field (API names, e.g. `window_end`, `participants[2]`) is reported in one 422.
    """
    problems: list[FieldProblem] = []
    zone_name = query.time_zone or user_zone(requester)
    window: list[dt.datetime] = []
    try:
        zone = timing.parse_zone(zone_name)
        for field in ("window_start", "window_end"):
            try:
                window.append(timing.parse_instant(getattr(query, field), zone, field))
            except InvalidInputError as error:
                problems += error.errors
    except InvalidInputError as error:
        problems += error.errors
    # Required first (the requester leading), then optional; someone listed twice counts once, required.
    entries = [("requester", requester.email, False)]
    entries += [(f"participants[{index}]", email, False) for index, email in enumerate(query.participants)]
    entries += [(f"optional[{index}]", email, True) for index, email in enumerate(query.optional)]
    distinct = {email.strip().lower() for _, email, _ in entries}
    if len(distinct) > MAX_PARTICIPANTS:
        raise InvalidInputError(
            "Too many attendees.",
            [
                FieldProblem(
                    "participants",
                    f"At most {MAX_PARTICIPANTS} people (you included) can be compared; got {len(distinct)}.",
                )
            ],
        )
    try:
        people = await resolve_people(db, [(field, email) for field, email, _ in entries])
    except InvalidInputError as error:
        problems += error.errors
        people = {}
    order: dict[str, tuple[str, bool]] = {}
    for field, raw, optional in entries:
        email = raw.strip().lower()
        if email in people and email not in order:
            order[email] = (field, optional)
    chosen = [people[email] for email in order]
    origins = [field for field, _ in order.values()]
    names = _display_names(chosen)
    participants = [
        Participant(
            id=person.email,
            display_name=name,
            time_zone=person.time_zone,
            working_hours=person.hours,
            optional=optional,
        )
        for person, name, (_, optional) in zip(chosen, names, order.values(), strict=True)
    ]
    request: SuggestionRequest | None = None
    if len(window) == 2:
        request = SuggestionRequest(
            duration=query.duration_minutes * _MINUTES,
            window_start=window[0],
            window_end=window[1],
            now=now or utc_now(),
            viewer_time_zone=zone_name,
            limit=query.limit,
            slot_step=query.slot_minutes * _MINUTES,
            min_notice=query.min_notice_minutes * _MINUTES,
            buffer_before=query.buffer_minutes * _MINUTES,
            buffer_after=query.buffer_minutes * _MINUTES,
            avoid_lunch=query.avoid_lunch,
            respect_working_hours=query.within_working_hours,
        )
        # Before any calendar is read: a 10-year window must not load 10 years of meetings. When some
        # e-mails are unknown, the request alone is checked (with a stand-in attendee).
        checked = participants or [Participant(id=requester.email, display_name=requester.name)]
        try:
            validated_participants(request, checked)
        except InvalidInputError as error:
            problems += _api_problems(error.errors, origins)
    calendars, calendar_problems = await shared_calendars(db, requester, query.calendars)
    problems += calendar_problems
    if problems or request is None:
        raise InvalidInputError("The search for a meeting time is invalid.", problems)
    start, end = request.busy_range()
    busy = await busy_of_people(db, chosen, start, end)
    participants = [
        dataclasses.replace(participant, busy=meetings)
        for participant, meetings in zip(participants, busy, strict=True)
    ]
    for index, calendar in enumerate(calendars):
        participants.append(
            Participant(
                id=f"calendar:{calendar.id}",
                display_name=calendar.calendar.name,
                busy=await calendar_busy(db, calendar.id, start, end),
                kind=ParticipantKind.SHARED_CALENDAR,
            )
        )
        origins.append(f"calendars[{index}]")
    return PreparedSearch(request, participants, origins)


# --- free/busy --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FreeBusy:
    """One person's busy time in a range: merged intervals per status, tentative only where not busy."""

    email: str
    busy: list[BusyInterval]


def merged_busy(busy: Sequence[BusyInterval], start: dt.datetime, end: dt.datetime) -> list[BusyInterval]:
    """Busy and tentative time clipped to [start, end), merged, so that meetings cannot be told apart."""
    firm = IntervalSet((item.start, item.end) for item in busy if item.status is BusyStatus.BUSY)
    firm = firm.clip(start, end)
    loose = IntervalSet((item.start, item.end) for item in busy if item.status is BusyStatus.TENTATIVE)
    loose = loose.clip(start, end) - firm
    intervals = [BusyInterval(s, e, BusyStatus.BUSY) for s, e in firm]
    intervals += [BusyInterval(s, e, BusyStatus.TENTATIVE) for s, e in loose]
    return sorted(intervals, key=lambda item: item.start)


async def availability(
    db: Collections, emails: Sequence[str], start: dt.datetime, end: dt.datetime
) -> list[FreeBusy]:
    """Free/busy of app users in [start, end) (at most 93 days, 200 people), in the order asked."""
    problems: list[FieldProblem] = []
    if not emails:
        problems.append(FieldProblem("users", "Name at least one user."))
    elif len(emails) > MAX_PARTICIPANTS:
        problems.append(FieldProblem("users", f"At most {MAX_PARTICIPANTS} users at a time."))
    if end <= start:
        problems.append(FieldProblem("end", "End must be after start."))
    elif end - start > MAX_WINDOW:
        problems.append(FieldProblem("end", f"The range may span at most {MAX_WINDOW.days} days."))
    if problems:
        raise InvalidInputError("Invalid free/busy request.", problems)
    people = await resolve_people(db, [(f"users[{index}]", email) for index, email in enumerate(emails)])
    ordered = list(dict.fromkeys(email.strip().lower() for email in emails))
    return await free_busy_of(db, [people[email] for email in ordered], start, end)


async def free_busy_of(
    db: Collections, people: Sequence[Person], start: dt.datetime, end: dt.datetime
) -> list[FreeBusy]:
    """Merged free/busy of people already looked up, in their order."""
    busy = await busy_of_people(db, people, start, end)
    return [
        FreeBusy(person.email, merged_busy(meetings, start, end))
        for person, meetings in zip(people, busy, strict=True)
    ]
