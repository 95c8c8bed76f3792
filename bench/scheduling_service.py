"""Benchmark: find a time end to end (people, stored calendars, recurring series) against the engine alone.

Run from the project root (about three to five minutes with the defaults on two shared cores):

    .venv/bin/python -m bench.scheduling_service [--users N] [--rounds R] [--seed S]

It starts its own SecantusDB on a free 127.0.0.1 port in a temporary directory and loads N users in
Europe/London, Europe/Berlin and America/New_York, each with a year (2026) of meetings, about 2,000
occurrences each: a daily stand-up (an endless weekday series), six weekly and two fortnightly series
and a monthly one of their own, six weekly team series per group of eight (organised by one member,
the others invited, each answering accepted / tentative / declined / not at all), and two to five
one-offs per working day in their zone, some with one or two colleagues invited. Series are created
with `service.create_event` and RRULE lines (stored as masters), one-offs are inserted as the
documents `create_event` writes. One in eight users has saved working hours with a short Friday and
a few days out of office; the others have the default week.

Each round asks for a 60-minute meeting in four weeks from a random Monday of 2026 (top 10, 15-minute
steps, Europe/Berlin grid) for groups of 3 (all required), 10 and N (3 required, the rest optional),
and times, in the same round:

* cold: `scheduling.service.suggest` with the busy cache emptied first (user lookup, working hours,
  each person's calendars read for the UTC months the window touches, stored in the cache, then
  the engine): the first search touching those months, or right after everyone's calendars changed;
* warm: the same call again (busy time from the cache: two small documents a person), i.e. any
  later search over those months until one of the people's events changes;
* engine: `find_suggestions` alone on the same request and participants, busy time already loaded.

The two answers must be equal (asserted every round).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import time
import zoneinfo
from typing import Any

from scheduler_app.backend.db import Collections, configure_database
from scheduler_app.backend.events import service as events
from scheduler_app.backend.events import timing
from scheduler_app.backend.events.schemas import AttendeeIn, EventCreate, EventTime
from scheduler_app.backend.models import AttendeeDoc, CalendarDoc, EventDoc, UserDoc
from scheduler_app.backend.scheduling import service, store
from tests.servers import scratch_database

DATABASE_NAME = "bench_scheduling_service"
ZONES = ("Europe/London", "Europe/Berlin", "America/New_York")
YEAR_START = dt.date(2026, 1, 5)  # the first Monday of 2026
YEAR_END = dt.date(2027, 1, 1)
UNTIL = "UNTIL=20261231T235959Z"
GROUP = 8
TEAM_SERIES = 6
BATCH_SIZE = 2_000
ANSWERS = ("accepted", "tentative", "declined", "needsAction")
ANSWER_WEIGHTS = (80, 10, 5, 5)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")


def _wall(day: dt.date, minutes: int) -> str:
    return (dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)).isoformat()


def _series(
    day: dt.date, start_minutes: int, length: int, zone: str, lines: list[str], **fields: Any
) -> EventCreate:
    return EventCreate(
        title=fields.pop("title", "Series"),
        start=EventTime(date_time=_wall(day, start_minutes), time_zone=zone),
        end=EventTime(date_time=_wall(day, start_minutes + length), time_zone=zone),
        recurrence=lines,
        **fields,
    )


async def create_users(db: Collections, count: int) -> list[UserDoc]:
    """Users (zones in turn) with a default calendar each."""
    users = [
        UserDoc(
            email=f"user{index:03d}@example.com",
            name=f"User {index}",
            password_hash="-",
            time_zone=ZONES[index % len(ZONES)],
        )
        for index in range(count)
    ]
    await db.users.insert_many([user.to_mongo() for user in users])
    await db.calendars.insert_many(
        [
            CalendarDoc(owner_id=user.id, name="Work", color="#3b82f6", is_default=True).to_mongo()
            for user in users
        ]
    )
    return users


async def create_series(db: Collections, users: list[UserDoc], rng: random.Random) -> int:
    """Personal and team series through the service; returns how many masters were created."""
    created = 0
    for user in users:
        zone = user.time_zone or "UTC"
        standup = _series(
            YEAR_START, 9 * 60 + 15, 15, zone, ["RRULE:FREQ=WEEKLY;BYDAY=" + ",".join(WEEKDAYS)]
        )
        await events.create_event(db, user.id, standup, zone)
        plans = [("WEEKLY", 1)] * 6 + [("WEEKLY", 2)] * 2 + [("MONTHLY", 1)]
        for frequency, interval in plans:
            weekday = rng.randrange(5)
            day = YEAR_START + dt.timedelta(days=weekday)
            rule = f"RRULE:FREQ={frequency};INTERVAL={interval};{UNTIL}"
            if frequency == "WEEKLY":
                rule += f";BYDAY={WEEKDAYS[weekday]}"
            start = 60 * rng.randrange(9, 17) + rng.choice((0, 30))
            data = _series(day, start, rng.choice((30, 45, 60)), zone, [rule])
            await events.create_event(db, user.id, data, zone)
            created += 1
        created += 1
    for first in range(0, len(users), GROUP):
        team = users[first : first + GROUP]
        organiser, guests = team[0], team[1:]
        zone = organiser.time_zone or "UTC"
        for _ in range(TEAM_SERIES):
            weekday = rng.randrange(5)
            data = _series(
                YEAR_START + dt.timedelta(days=weekday),
                60 * rng.randrange(10, 16),
                rng.choice((30, 60)),
                zone,
                [f"RRULE:FREQ=WEEKLY;BYDAY={WEEKDAYS[weekday]};{UNTIL}"],
                title="Team",
                attendees=[AttendeeIn(email=guest.email) for guest in guests],
            )
            master = await events.create_event(db, organiser.id, data, zone)
            answers = {
                f"attendees.{index}.response_status": rng.choices(ANSWERS, ANSWER_WEIGHTS)[0]
                for index in range(len(guests))
            }
            await db.events.update_one({"_id": master.id}, {"$set": answers})
            created += 1
    return created


def one_off(rng: random.Random, owner: UserDoc, calendar_id: str, day: dt.date, users: list[UserDoc]) -> dict:
    """A single meeting in the owner's zone, as `create_event` stores it (some invite colleagues)."""
    zone = zoneinfo.ZoneInfo(owner.time_zone or "UTC")
    wall = dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=15 * rng.randrange(40))
    start = timing.localize(wall, zone, "start").astimezone(dt.UTC)
    when = timing.timed(start, start + dt.timedelta(minutes=rng.choice((30, 30, 45, 60, 60, 90))), zone.key)
    guests: list[AttendeeDoc] = []
    if rng.random() < 0.15:
        guests = [
            AttendeeDoc(email=guest.email, response_status=rng.choices(ANSWERS, ANSWER_WEIGHTS)[0])
            for guest in rng.sample(users, rng.randint(1, 2))
            if guest.id != owner.id
        ]
    return EventDoc(
        calendar_id=calendar_id,
        owner_id=owner.id,
        title=rng.choice(("1:1", "Customer call", "Interview", "Review", "Design sync")),
        organizer_email=owner.email,
        attendees=guests,
        **events.placement_fields(calendar_id, when, guests),
    ).to_mongo()


async def create_one_offs(db: Collections, users: list[UserDoc], rng: random.Random) -> int:
    calendars = {doc["owner_id"]: doc["_id"] async for doc in db.calendars.find({}, {"owner_id": 1})}
    batch: list[dict] = []
    total = 0
    day = YEAR_START - dt.timedelta(days=4)  # from 1 January
    while day < YEAR_END:
        if day.weekday() < 5:
            for user in users:
                batch += [
                    one_off(rng, user, calendars[user.id], day, users) for _ in range(rng.randint(2, 5))
                ]
        if len(batch) >= BATCH_SIZE:
            await db.events.insert_many(batch, ordered=False)
            total += len(batch)
            batch = []
        day += dt.timedelta(days=1)
    if batch:
        await db.events.insert_many(batch, ordered=False)
        total += len(batch)
    return total


async def save_some_working_hours(db: Collections, users: list[UserDoc], rng: random.Random) -> int:
    """One in eight users: 08:30-16:30 with a short Friday and a few days out of office in spring."""
    saved = 0
    for user in users[3::8]:
        away = dt.date(2026, 3, 2) + dt.timedelta(days=rng.randrange(60))
        hours = store.WorkingHoursIn.model_validate(
            {
                "weekly": {
                    **{
                        name: [{"start": "08:30", "end": "16:30"}]
                        for name in ("monday", "tuesday", "wednesday")
                    },
                    "thursday": [{"start": "08:30", "end": "16:30"}],
                    "friday": [{"start": "08:30", "end": "13:00"}],
                },
                "out_of_office": [
                    {
                        "start": away.isoformat() + "T00:00:00",
                        "end": (away + dt.timedelta(days=3)).isoformat() + "T00:00:00",
                    }
                ],
            }
        )
        await store.put_working_hours(db, user.id, hours)
        saved += 1
    return saved


async def load(db: Collections, count: int, seed: int) -> list[UserDoc]:
    rng = random.Random(seed)
    began = time.perf_counter()
    users = await create_users(db, count)
    masters = await create_series(db, users, rng)
    print(
        f"  {count} users, {masters} series (masters) via service.create_event  {time.perf_counter() - began:5.1f} s"
    )
    singles = await create_one_offs(db, users, rng)
    print(f"  {singles:,} one-off meetings inserted  {time.perf_counter() - began:5.1f} s")
    saved = await save_some_working_hours(db, users, rng)
    print(f"  {saved} users with saved working hours  {time.perf_counter() - began:5.1f} s")
    return users


async def year_counts(db: Collections, users: list[UserDoc], sample: int) -> list[int]:
    """Occurrences in 2026 each sampled user would see as busy (own events and accepted-ish invitations)."""
    start, end = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    people = await service.resolve_people(
        db, [(str(index), user.email) for index, user in enumerate(users[:sample])]
    )
    return [len(await service.busy_intervals(db, person, start, end)) for person in people.values()]


def query_for(users: list[UserDoc], size: int, monday: dt.date) -> service.SuggestionQuery:
    others = [user.email for user in users[1:size]]
    return service.SuggestionQuery(
        participants=others[:2],
        optional=others[2:],
        duration_minutes=60,
        window_start=f"{monday.isoformat()}T00:00:00",
        window_end=f"{(monday + dt.timedelta(weeks=4)).isoformat()}T00:00:00",
        time_zone="Europe/Berlin",
        limit=10,
        slot_minutes=15,
    )


async def measure(db: Collections, users: list[UserDoc], rounds: int, seed: int) -> None:
    rng = random.Random(seed + 1)
    sizes = sorted({3, 10, len(users)})
    samples: dict[int, dict[str, list[float]]] = {
        size: {"cold": [], "warm": [], "engine": []} for size in sizes
    }
    busy_counts: dict[int, list[int]] = {size: [] for size in sizes}
    requester = users[0]
    mondays = [YEAR_START + dt.timedelta(weeks=week) for week in range(0, 44)]
    chosen = rng.sample(mondays, rounds + 1)
    print(f"\nTiming {rounds} rounds (after one warm-up), group sizes {sizes} interleaved per round:")
    for number, monday in enumerate(chosen):
        now = dt.datetime.combine(monday, dt.time(), dt.UTC) - dt.timedelta(days=1)
        for size in sizes:
            query = query_for(users, size, monday)
            await db.busy_cache.delete_many({})
            began = time.perf_counter()
            cold = await service.suggest(db, requester, query, now=now)
            cold_time = time.perf_counter() - began
            began = time.perf_counter()
            result = await service.suggest(db, requester, query, now=now)
            warm_time = time.perf_counter() - began
            assert cold.to_json() == result.to_json(), (
                f"cached answer differs for {size} people from {monday}"
            )
            prepared = await service.prepare_search(db, requester, query, now=now)
            began = time.perf_counter()
            alone = prepared.run()
            engine_time = time.perf_counter() - began
            assert alone.to_json() == result.to_json(), f"answers differ for {size} people from {monday}"
            if number == 0:
                continue
            samples[size]["cold"].append(cold_time)
            samples[size]["warm"].append(warm_time)
            samples[size]["engine"].append(engine_time)
            busy_counts[size].append(sum(len(p.busy) for p in prepared.participants))
        if number:
            print(f"  round {number}/{rounds} (window from {monday}) done")
    print("\nResults (median over rounds; service = DB reads + engine; all three answers asserted equal):")
    print(
        f"  {'people':>6} {'busy intervals':>15} {'cold ms':>9} {'warm ms':>9} {'engine ms':>10}"
        f" {'cold/warm':>10} {'warm DB share':>14}"
    )
    for size in sizes:
        cold_ms = statistics.median(samples[size]["cold"]) * 1000
        warm_ms = statistics.median(samples[size]["warm"]) * 1000
        engine_ms = statistics.median(samples[size]["engine"]) * 1000
        print(
            f"  {size:>6} {statistics.median(busy_counts[size]):>15,.0f} {cold_ms:>9.1f} {warm_ms:>9.1f}"
            f" {engine_ms:>10.1f} {cold_ms / warm_ms:>9.1f}x {(warm_ms - engine_ms) / warm_ms:>13.0%}"
        )


async def run(database_uri: str, users: int, rounds: int, seed: int) -> None:
    database = configure_database(database_uri, DATABASE_NAME)
    try:
        await database.ensure_indexes()
        db = database.collections()
        print(f"Loading {users} users with a year (2026) of meetings each:")
        began = time.perf_counter()
        people = await load(db, users, seed)
        print(
            f"  loaded in {time.perf_counter() - began:.1f} s; {await db.events.count_documents({}):,} documents"
        )
        counts = await year_counts(db, people, 10)
        print(
            f"  busy occurrences in 2026 for the first 10 users (own + invitations not declined, timed):"
            f" median {statistics.median(counts):,.0f}, min {min(counts):,}, max {max(counts):,}"
        )
        await measure(db, people, rounds, seed)
    finally:
        await database.close()


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark against a private SecantusDB, and always stop it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=50, help="users (default 50; at least 10)")
    parser.add_argument("--rounds", type=int, default=11, help="measured rounds (default 11)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.users < 10 or args.rounds < 1:
        parser.error("--users must be at least 10 and --rounds positive")
    print(
        f"bench.scheduling_service  {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC  python {sys.version.split()[0]}"
    )
    with scratch_database("bench-scheduling-") as uri:
        asyncio.run(run(uri, args.users, args.rounds, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
