"""Find-a-time's busy cache stays exact: every kind of event write makes the next read see it."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.backend.events import attendees, calendar_files, calendars
from scheduler_app.backend.events import service as events
from scheduler_app.backend.events.access import viewer_of
from scheduler_app.backend.events.schemas import (
    AttendeeIn,
    CalendarCreate,
    EventCreate,
    EventTime,
    EventUpdate,
)
from scheduler_app.backend.scheduling import service
from tests.integration.test_scheduling_service import add_event, new_user

pytestmark = pytest.mark.integration
UTC = dt.UTC
START, END = dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 5, 1, tzinfo=UTC)


async def cached_and_fresh(db, *users) -> tuple[list, list]:
    """What find-a-time reads (through the cache) and what the calendars say now, per user."""
    people = await service.resolve_people(db, [(str(index), user.email) for index, user in enumerate(users)])
    chosen = [people[user.email] for user in users]
    cached = await service.busy_of_people(db, chosen, START, END)
    fresh = [await service.busy_intervals(db, person, START, END) for person in chosen]
    key = lambda items: sorted((item.start, item.end, item.status) for item in items)  # noqa: E731
    return [key(items) for items in cached], [key(items) for items in fresh]


async def assert_exact(db, *users) -> list:
    cached, fresh = await cached_and_fresh(db, *users)
    assert cached == fresh
    return cached


async def test_a_second_read_comes_from_the_cache(db, monkeypatch) -> None:
    person = await new_user(db)
    await add_event(db, person, "2026-03-02T09:00:00", "2026-03-02T10:00:00")
    first = await assert_exact(db, person)
    assert len(first[0]) == 1
    calls = []
    original = service.busy_intervals

    async def counting(*args):
        calls.append(args)
        return await original(*args)

    monkeypatch.setattr(service, "busy_intervals", counting)
    people = await service.resolve_people(db, [("0", person.email)])
    again = await service.busy_of_people(db, [people[person.email]], START, END)
    assert calls == [] and len(again[0]) == 1
    # A month the window newly reaches is computed once.
    later = await service.busy_of_people(db, [people[person.email]], START, END + dt.timedelta(days=3))
    assert len(calls) == 1 and len(later[0]) == 1


async def test_every_kind_of_write_is_seen_by_the_next_read(db) -> None:
    owner, guest = await new_user(db), await new_user(db)
    await assert_exact(db, owner, guest)  # both cached, empty

    meeting = await add_event(
        db, owner, "2026-03-03T09:00:00", "2026-03-03T10:00:00", attendees=[AttendeeIn(email=guest.email)]
    )
    busy = await assert_exact(db, owner, guest)
    assert len(busy[0]) == 1 and len(busy[1]) == 1

    moved = EventUpdate(
        start=EventTime(date_time="2026-03-03T14:00:00", time_zone="UTC"),
        end=EventTime(date_time="2026-03-03T15:00:00", time_zone="UTC"),
    )
    await events.update_event(db, owner.id, meeting.id, moved, "UTC")
    busy = await assert_exact(db, owner, guest)
    assert busy[1][0][0].hour == 14

    await attendees.respond(db, viewer_of(guest), meeting.id, "declined")
    busy = await assert_exact(db, owner, guest)
    assert busy[1] == []

    await events.update_event(db, owner.id, meeting.id, EventUpdate(attendees=[]), "UTC")
    await assert_exact(db, owner, guest)

    series = await add_event(
        db,
        owner,
        "2026-03-02T08:00:00",
        "2026-03-02T08:30:00",
        recurrence=["RRULE:FREQ=DAILY;COUNT=20"],
        attendees=[AttendeeIn(email=guest.email)],
    )
    busy = await assert_exact(db, owner, guest)
    assert len(busy[1]) == 20
    tenth = f"{series.id}_20260311T080000Z"
    await events.update_event(db, owner.id, tenth, EventUpdate(title="Moved"), "UTC")  # an override
    await events.delete_event(db, owner.id, tenth, scope="following")
    busy = await assert_exact(db, owner, guest)
    assert len(busy[1]) == 9

    await events.delete_event(db, owner.id, meeting.id)
    await events.delete_event(db, owner.id, series.id)
    busy = await assert_exact(db, owner, guest)
    assert busy == [[], []]


async def test_imports_and_deleted_calendars_are_seen(db) -> None:
    owner, guest = await new_user(db), await new_user(db)
    extra = await calendars.create_calendar(db, owner.id, CalendarCreate(name="Imported"))
    await assert_exact(db, owner, guest)
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:one@test\r\n"
        "DTSTAMP:20260101T000000Z\r\nDTSTART:20260304T100000Z\r\nDTEND:20260304T110000Z\r\nSUMMARY:Imported\r\n"
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{guest.email}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    await calendar_files.import_calendar(db, owner.id, extra.id, ics, "UTC")
    busy = await assert_exact(db, owner, guest)
    assert len(busy[0]) == 1 and len(busy[1]) == 1
    await calendars.delete_calendar(db, owner, extra.id)
    assert await assert_exact(db, owner, guest) == [[], []]


async def listed_busy(db, person, start, end) -> list:
    """Busy time as the calendar listing shows it (the reference the lean read must equal)."""
    found, cursor = [], None
    while True:
        page, cursor = await events.list_events(
            db,
            person.user_id,
            events.EventRange(
                start=start, end=end, cursor=cursor, include_shared=False, limit=events.MAX_PAGE_SIZE
            ),
        )
        found += [
            (event.start_utc, event.end_utc, status)
            for event in page
            if (status := service.busy_status(event, person.email)) is not None
        ]
        if cursor is None:
            return sorted(found)


async def test_the_lean_read_equals_what_the_calendar_lists(db) -> None:
    me, organiser = await new_user(db), await new_user(db)
    second = await calendars.create_calendar(db, me.id, CalendarCreate(name="Side"))
    await add_event(db, me, "2026-03-02T09:00:00", "2026-03-02T10:00:00")
    await add_event(db, me, "2026-03-02T11:00:00", "2026-03-02T12:00:00", calendar_id=second.id)
    await add_event(db, me, "2026-02-27T22:00:00", "2026-03-02T08:00:00")  # from before the window
    all_day = EventCreate(
        title="Holiday", start=EventTime(date="2026-03-04"), end=EventTime(date="2026-03-05")
    )
    await events.create_event(db, me.id, all_day, "UTC")
    standup = await add_event(
        db,
        me,
        "2026-03-02T08:30:00",
        "2026-03-02T08:45:00",
        recurrence=["RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"],
    )
    moved = EventUpdate(
        start=EventTime(date_time="2026-03-03T16:00:00", time_zone="UTC"),
        end=EventTime(date_time="2026-03-03T16:15:00", time_zone="UTC"),
    )
    await events.update_event(db, me.id, f"{standup.id}_20260303T083000Z", moved, "UTC")
    await events.delete_event(db, me.id, f"{standup.id}_20260305T083000Z")
    for hour, answer in ((13, "accepted"), (14, "tentative"), (15, "declined"), (16, None)):
        invite = await add_event(
            db,
            organiser,
            f"2026-03-02T{hour}:00:00",
            f"2026-03-02T{hour}:30:00",
            attendees=[AttendeeIn(email=me.email)],
        )
        if answer:
            await attendees.respond(db, viewer_of(me), invite.id, answer)
    weekly = await add_event(
        db,
        organiser,
        "2026-03-02T17:00:00",
        "2026-03-02T18:00:00",
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=4"],
        attendees=[AttendeeIn(email=me.email)],
    )
    await attendees.respond(db, viewer_of(me), weekly.id, "tentative")

    people = await service.resolve_people(db, [("0", me.email)])
    person = people[me.email]
    start, end = dt.datetime(2026, 3, 2, tzinfo=UTC), dt.datetime(2026, 3, 30, tzinfo=UTC)
    lean = sorted(
        (item.start, item.end, item.status) for item in await service.busy_intervals(db, person, start, end)
    )
    assert lean == await listed_busy(db, person, start, end)
    assert len(lean) > 25
