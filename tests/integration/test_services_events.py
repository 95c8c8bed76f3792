"""Event and calendar services against the real database: stored shape, races, and range listing paths."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
from pymongo.errors import DuplicateKeyError

from scheduler_app.backend.errors import NotFoundError, PreconditionFailedError
from scheduler_app.backend.events import calendars, service, timing
from scheduler_app.backend.events.schemas import CalendarCreate, EventCreate, EventTime, EventUpdate
from scheduler_app.backend.models import CalendarDoc, UserDoc

pytestmark = pytest.mark.integration

UTC = dt.UTC


def new_user_id() -> str:
    return f"user-{uuid.uuid4().hex}"


async def new_calendar(db, user_id: str) -> CalendarDoc:
    """The user's default calendar, creating the user record on first use."""
    user = UserDoc(id=user_id, email=f"{user_id}@example.com", name="Someone", password_hash="-")
    await db.users.update_one({"_id": user_id}, {"$setOnInsert": user.to_mongo()}, upsert=True)
    return await calendars.ensure_default_calendar(db, user_id, "Someone")


def timed_create(start: str, end: str, title: str = "Event", **fields) -> EventCreate:
    return EventCreate(
        title=title,
        start=EventTime(date_time=start, time_zone="UTC"),
        end=EventTime(date_time=end, time_zone="UTC"),
        **fields,
    )


async def test_stored_event_has_utc_instants_and_week_keys(db):
    user = new_user_id()
    calendar = await new_calendar(db, user)
    event = await service.create_event(
        db, user, timed_create("2026-03-08T23:00:00Z", "2026-03-09T01:00:00Z"), "UTC"
    )
    stored = await db.events.find_one({"_id": event.id})
    assert stored["owner_id"] == user and stored["calendar_id"] == calendar.id
    assert stored["start_utc"] == dt.datetime(2026, 3, 8, 23, tzinfo=UTC)
    assert stored["end_utc"] == dt.datetime(2026, 3, 9, 1, tzinfo=UTC)
    week = timing.week_number(dt.datetime(2026, 3, 8, tzinfo=UTC))
    assert stored["time_keys"] == [f"{calendar.id}:{week}", f"{calendar.id}:{week + 1}"]
    assert stored["all_day"] is False and stored["start_date"] is None


async def test_stored_all_day_event_keeps_dates_as_strings(db):
    user = new_user_id()
    await new_calendar(db, user)
    data = EventCreate(title="Trip", start=EventTime(date="2026-03-10"), end=EventTime(date="2026-03-12"))
    event = await service.create_event(db, user, data, "Europe/Berlin")
    stored = await db.events.find_one({"_id": event.id})
    assert (stored["start_date"], stored["end_date"]) == ("2026-03-10", "2026-03-12")
    assert stored["start_utc"] == dt.datetime(2026, 3, 9, 10, tzinfo=UTC)
    assert stored["end_utc"] == dt.datetime(2026, 3, 12, 12, tzinfo=UTC)
    assert stored["time_zone"] == "Europe/Berlin"
    assert (await service.get_event(db, user, event.id)).start_date == dt.date(2026, 3, 10)


async def test_moving_an_event_rewrites_its_keys_for_the_new_calendar(db):
    user = new_user_id()
    await new_calendar(db, user)
    other = await calendars.create_calendar(db, user, CalendarCreate(name="Other"))
    event = await service.create_event(
        db, user, timed_create("2026-03-04T09:00Z", "2026-03-04T10:00Z"), "UTC"
    )
    await service.update_event(db, user, event.id, EventUpdate(calendar_id=other.id), "UTC")
    stored = await db.events.find_one({"_id": event.id})
    assert stored["calendar_id"] == other.id
    assert stored["time_keys"] == timing.time_keys(other.id, event.start_utc, event.end_utc)


async def test_concurrent_conditional_updates_let_exactly_one_win(db):
    user = new_user_id()
    await new_calendar(db, user)
    event = await service.create_event(
        db, user, timed_create("2026-03-04T09:00Z", "2026-03-04T10:00Z"), "UTC"
    )
    results = await asyncio.gather(
        *[
            service.update_event(db, user, event.id, EventUpdate(title=f"writer {index}"), "UTC", event.etag)
            for index in range(5)
        ],
        return_exceptions=True,
    )
    winners = [result for result in results if not isinstance(result, Exception)]
    losers = [result for result in results if isinstance(result, Exception)]
    assert len(winners) == 1
    assert all(isinstance(loser, PreconditionFailedError) for loser in losers)
    stored = await service.get_event(db, user, event.id)
    assert stored.title == winners[0].title and stored.etag == winners[0].etag


async def test_concurrent_unconditional_updates_never_lose_a_write_silently(db):
    user = new_user_id()
    await new_calendar(db, user)
    event = await service.create_event(
        db, user, timed_create("2026-03-04T09:00Z", "2026-03-04T10:00Z"), "UTC"
    )
    results = await asyncio.gather(
        service.update_event(db, user, event.id, EventUpdate(title="A"), "UTC"),
        service.update_event(db, user, event.id, EventUpdate(location="B"), "UTC"),
        return_exceptions=True,
    )
    stored = await service.get_event(db, user, event.id)
    succeeded = [result for result in results if not isinstance(result, Exception)]
    assert succeeded, results
    # Every reported success is reflected in what is stored, and the last one's ETag is current.
    assert stored.etag in {result.etag for result in succeeded}
    for result in succeeded:
        if result.title == "A":
            assert stored.title == "A"
        if result.location == "B":
            assert stored.location == "B"
    assert all(
        isinstance(result, PreconditionFailedError) for result in results if isinstance(result, Exception)
    )


async def test_creating_the_same_client_id_concurrently_stores_one_event(db):
    user = new_user_id()
    await new_calendar(db, user)
    client_id = f"dup-{uuid.uuid4().hex}"
    data = timed_create("2026-03-04T09:00Z", "2026-03-04T10:00Z", id=client_id)
    results = await asyncio.gather(
        *[service.create_event(db, user, data, "UTC") for _ in range(3)], return_exceptions=True
    )
    assert sum(not isinstance(result, Exception) for result in results) == 1
    assert all(isinstance(result, DuplicateKeyError) for result in results if isinstance(result, Exception))
    assert await db.events.count_documents({"_id": client_id}) == 1


async def test_default_calendar_is_created_once_under_races(db):
    for callers in (2, 3, 2, 5, 2, 3):
        user = new_user_id()
        results = await asyncio.gather(
            *[calendars.ensure_default_calendar(db, user, "Racer") for _ in range(callers)]
        )
        assert [calendar.id for calendar in results] == [f"default-{user}"] * callers
        assert await db.calendars.count_documents({"owner_id": user}) == 1


async def test_calendar_limit_is_a_conflict(db, monkeypatch):
    user = new_user_id()
    await new_calendar(db, user)
    monkeypatch.setattr(calendars, "MAX_CALENDARS_PER_USER", 2)
    await calendars.create_calendar(db, user, CalendarCreate(name="Second"))
    with pytest.raises(Exception) as error:
        await calendars.create_calendar(db, user, CalendarCreate(name="Third"))
    assert getattr(error.value, "status", None) == 409
    assert await db.calendars.count_documents({"owner_id": user}) == 2


async def test_list_with_no_calendars_is_empty(db):
    user = new_user_id()
    start, end = dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 3, 2, tzinfo=UTC)
    assert await service.list_events(db, user, service.EventRange(start=start, end=end)) == ([], None)
    assert await service.list_events(db, user, service.EventRange(start=start, end=end, calendar_ids=[])) == (
        [],
        None,
    )


async def test_keyed_and_unkeyed_listing_agree(db):
    """The week-key path (windows up to ~2 years) and the calendar-index path return the same events."""
    user = new_user_id()
    await new_calendar(db, user)
    spans = [
        ("2026-03-04T09:00Z", "2026-03-04T10:00Z"),
        ("2026-03-08T23:00Z", "2026-03-09T01:00Z"),
        ("2025-12-01T00:00Z", "2026-06-01T00:00Z"),  # long
        ("2027-02-01T00:00Z", "2027-02-02T00:00Z"),
        ("2029-01-01T00:00Z", "2029-01-02T00:00Z"),
    ]
    for index, (start, end) in enumerate(spans):
        await service.create_event(db, user, timed_create(start, end, f"e{index}"), "UTC")
    window_start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    keyed_end = window_start + service.MAX_KEYED_RANGE
    keyed, _ = await service.list_events(db, user, service.EventRange(start=window_start, end=keyed_end))
    unkeyed, _ = await service.list_events(
        db, user, service.EventRange(start=window_start, end=keyed_end + dt.timedelta(weeks=1))
    )
    assert [event.title for event in keyed] == ["e2", "e0", "e1", "e3"]
    assert [event.title for event in unkeyed] == ["e2", "e0", "e1", "e3"]


async def test_delete_of_someone_elses_event_reports_not_found(db):
    owner, stranger = new_user_id(), new_user_id()
    await new_calendar(db, owner)
    event = await service.create_event(
        db, owner, timed_create("2026-03-04T09:00Z", "2026-03-04T10:00Z"), "UTC"
    )
    with pytest.raises(NotFoundError):
        await service.delete_event(db, stranger, event.id, if_match="whatever")
    assert await db.events.count_documents({"_id": event.id}) == 1
