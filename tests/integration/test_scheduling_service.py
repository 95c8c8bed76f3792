"""The scheduling service against the real database: people, busy time, paging, series and stored hours."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from scheduler_app.backend.errors import InvalidInputError
from scheduler_app.backend.events import calendars
from scheduler_app.backend.events import service as events
from scheduler_app.backend.events.schemas import AttendeeIn, EventCreate, EventTime, EventUpdate
from scheduler_app.backend.models import AttendeeDoc, EventDoc, UserDoc
from scheduler_app.backend.scheduling import BusyInterval, BusyStatus, service, store

pytestmark = pytest.mark.integration

UTC = dt.UTC
# A fixed clock so that these tests can use fixed dates: Monday 2 March 2026, 06:00 UTC.
NOW = dt.datetime(2026, 3, 2, 6, tzinfo=UTC)
DAY = dt.date(2026, 3, 2)


async def new_user(
    db, time_zone: str | None = "UTC", name: str = "Someone", disabled: bool = False
) -> UserDoc:
    user_id = f"user-{uuid.uuid4().hex}"
    user = UserDoc(
        id=user_id,
        email=f"{user_id}@example.com",
        name=name,
        password_hash="-",
        time_zone=time_zone,
        disabled=disabled,
    )
    await db.users.insert_one(user.to_mongo())
    await calendars.ensure_default_calendar(db, user_id, name)
    return user


async def add_event(db, owner: UserDoc, start: str, end: str, title: str = "Private", **fields) -> EventDoc:
    data = EventCreate(
        title=title,
        start=EventTime(date_time=start, time_zone="UTC"),
        end=EventTime(date_time=end, time_zone="UTC"),
        **fields,
    )
    return await events.create_event(db, owner.id, data, "UTC")


def query(**fields) -> service.SuggestionQuery:
    body = {
        "window_start": "2026-03-02T00:00:00Z",
        "window_end": "2026-03-03T00:00:00Z",
        "time_zone": "UTC",
        "slot_minutes": 60,
        **fields,
    }
    return service.SuggestionQuery.model_validate(body)


def start_hours(result) -> list[int]:
    return [suggestion.start.hour for suggestion in result.suggestions]


def test_busy_status_follows_the_participants_own_answer():
    def event(**fields) -> EventDoc:
        base = {
            "calendar_id": "c",
            "owner_id": "o",
            "title": "T",
            "start_utc": NOW,
            "end_utc": NOW + dt.timedelta(hours=1),
            "time_zone": "UTC",
        }
        return EventDoc.model_validate({**base, **fields})

    def invited(status: str) -> EventDoc:
        return event(attendees=[AttendeeDoc(email="me@example.com", response_status=status)])

    assert service.busy_status(event(), "me@example.com") is BusyStatus.BUSY
    assert service.busy_status(invited("accepted"), "me@example.com") is BusyStatus.BUSY
    assert service.busy_status(invited("needsAction"), "me@example.com") is BusyStatus.BUSY
    assert service.busy_status(invited("tentative"), "me@example.com") is BusyStatus.TENTATIVE
    assert service.busy_status(invited("declined"), "me@example.com") is None
    # Someone else declining does not free the organiser.
    assert service.busy_status(invited("declined"), "organiser@example.com") is BusyStatus.BUSY
    assert service.busy_status(event(all_day=True), "me@example.com") is None


def test_merged_busy_hides_meeting_boundaries_and_lets_busy_win():
    at = lambda hour: NOW.replace(hour=hour)  # noqa: E731
    merged = service.merged_busy(
        [
            BusyInterval(at(9), at(10)),
            BusyInterval(at(10), at(11)),
            BusyInterval(at(12), at(15), BusyStatus.TENTATIVE),
            BusyInterval(at(13), at(14)),
            BusyInterval(at(20), at(23)),
        ],
        at(8),
        at(21),
    )
    assert [(item.start.hour, item.end.hour, item.status.value) for item in merged] == [
        (9, 11, "busy"),
        (12, 13, "tentative"),
        (13, 14, "busy"),
        (14, 15, "tentative"),
        (20, 21, "busy"),
    ]


async def test_busy_time_reads_every_page(db, monkeypatch):
    person = await new_user(db)
    for hour in range(8, 13):
        await add_event(db, person, f"2026-03-02T{hour:02d}:00:00", f"2026-03-02T{hour:02d}:30:00")
    monkeypatch.setattr(events, "MAX_PAGE_SIZE", 2)
    people = await service.resolve_people(db, [("users[0]", person.email)])
    busy = await service.busy_intervals(
        db, people[person.email], dt.datetime(2026, 3, 2, tzinfo=UTC), dt.datetime(2026, 3, 3, tzinfo=UTC)
    )
    assert [item.start.hour for item in busy] == [8, 9, 10, 11, 12]


async def test_unknown_and_disabled_people_are_refused_by_field(db):
    known = await new_user(db)
    gone = await new_user(db, disabled=True)
    with pytest.raises(InvalidInputError) as raised:
        await service.resolve_people(
            db, [("a", known.email), ("b", gone.email), ("c", "nobody@example.com"), ("d", "bad")]
        )
    assert sorted(problem.field for problem in raised.value.errors) == ["b", "c", "d"]


async def test_moved_occurrence_of_a_series_counts_at_its_new_time(db):
    me, colleague = await new_user(db), await new_user(db)
    series = await add_event(
        db, colleague, "2026-02-23T09:00:00", "2026-02-23T10:00:00", recurrence=["RRULE:FREQ=DAILY;COUNT=20"]
    )
    found, _ = await events.list_events(
        db,
        colleague.id,
        events.EventRange(start=dt.datetime(2026, 3, 2, tzinfo=UTC), end=dt.datetime(2026, 3, 3, tzinfo=UTC)),
    )
    (occurrence,) = [event for event in found if event.recurring_event_id == series.id]
    moved = EventUpdate(
        start=EventTime(date_time="2026-03-02T14:00:00", time_zone="UTC"),
        end=EventTime(date_time="2026-03-02T15:00:00", time_zone="UTC"),
    )
    await events.update_event(db, colleague.id, occurrence.id, moved, "UTC")
    result = await service.suggest(db, me, query(participants=[colleague.email]), now=NOW)
    # Default hours in UTC: 09-17; the stand-up moved from 09:00 to 14:00.
    assert start_hours(result) == [9, 10, 11, 12, 13, 15, 16]


async def test_invitation_answers_through_the_service(db):
    me, guest, organiser = await new_user(db), await new_user(db), await new_user(db)
    invite = [AttendeeIn(email=guest.email)]
    maybe = await add_event(db, organiser, "2026-03-02T09:00:00", "2026-03-02T12:00:00", attendees=invite)
    no = await add_event(db, organiser, "2026-03-02T12:00:00", "2026-03-02T17:00:00", attendees=invite)
    for event, answer in ((maybe, "tentative"), (no, "declined")):
        await db.events.update_one(
            {"_id": event.id, "attendees.email": guest.email},
            {"$set": {"attendees.$.response_status": answer}},
        )
    result = await service.suggest(db, me, query(participants=[guest.email]), now=NOW)
    assert start_hours(result) == [12, 13, 14, 15, 16, 9, 10, 11]
    assert result.suggestions[-1].attendees_busy == (guest.email,)


async def test_stored_working_hours_and_out_of_office_are_used(db):
    me = await new_user(db, time_zone="Europe/Berlin")
    colleague = await new_user(db)
    hours = store.WorkingHoursIn.model_validate(
        {
            "time_zone": "UTC",
            "weekly": {"monday": [{"start": "06:00", "end": "10:00"}]},
            "out_of_office": [{"start": "2026-03-02T06:00:00", "end": "2026-03-02T08:00:00"}],
        }
    )
    await store.put_working_hours(db, colleague.id, hours)
    # Berlin 09:00-17:00 is 08:00-16:00 UTC; the colleague works 06:00-10:00 UTC but is away until 08:00.
    result = await service.suggest(db, me, query(participants=[colleague.email]), now=NOW)
    assert start_hours(result) == [8, 9]
    saved = await store.get_working_hours(db, colleague.id)
    assert saved.is_default is False and saved.weekly.monday[0].start == "06:00"


async def test_result_names_people_never_their_meetings(db):
    me = await new_user(db, name="Ada")
    twin_a = await new_user(db, name="Sam")
    twin_b = await new_user(db, name="Sam")
    await add_event(db, twin_a, "2026-03-02T09:00:00", "2026-03-02T17:00:00", title="Very private")
    result = await service.suggest(
        db, me, query(participants=[twin_a.email], optional=[twin_b.email]), now=NOW
    )
    text = json.dumps(result.to_json())
    assert "Very private" not in text
    assert result.suggestions == () and twin_a.email in text  # namesakes are told apart by e-mail


async def test_requests_are_checked_before_any_calendar_is_read(db, monkeypatch):
    me = await new_user(db)

    async def must_not_read(*_args, **_kwargs):
        raise AssertionError("calendars were read for an invalid request")

    monkeypatch.setattr(service, "busy_of_people", must_not_read)
    with pytest.raises(InvalidInputError) as raised:
        await service.suggest(
            db, me, query(window_end="2036-03-03T00:00:00Z", buffer_minutes=0, slot_minutes=7), now=NOW
        )
    assert sorted(problem.field for problem in raised.value.errors) == ["slot_minutes", "window_end"]
