"""Benchmark: list one week of events from a calendar holding 100,000 events.

Run from the project root (takes a few minutes with the defaults):

    .venv/bin/python -m bench.event_listing [--events N] [--repeats R] [--slow-repeats S]

It starts its own SecantusDB on a free 127.0.0.1 port in a temporary directory, loads one user's
calendar of N events spread over four years (built with the service's own timing logic), and times,
in the same run and interleaved week by week:

* `service.list_events` for one week (the app's path: the multikey `time_keys` index);
* the same filter as a raw `find` (index only, no `EventDoc` decoding);
* the plain overlap query `{calendar_id, start_utc < end, end_utc > start}` on the same collection,
  which has the `{calendar_id, start_utc}` index a MongoDB user would write first;
* the baseline: that plain query on a copy of the documents with no index besides `_id`.

Every measured week is checked: the service's ids must equal the baseline's (see `_check_week`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import random
import statistics
import sys
import time
import zoneinfo
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from scheduler_app.backend.db import Collections, configure_database
from scheduler_app.backend.events import service, timing
from scheduler_app.backend.models import CalendarDoc, EventDoc, new_id
from tests.servers import scratch_database

DATABASE_NAME = "bench_event_listing"
UNINDEXED_COLLECTION = "events_unindexed"
FIRST_DAY = dt.date(2024, 1, 1)  # a Monday: measured weeks are Monday-to-Monday in UTC
YEARS = 4
ZONE = zoneinfo.ZoneInfo("Europe/Berlin")
WEEK = dt.timedelta(weeks=1)
TITLES = ("Stand-up", "1:1", "Planning", "Review", "Design sync", "Customer call", "Interview", "Lunch")
# The two time_keys cases are timed this many times per week; the slow plain-query cases once.
FAST_ROUNDS = 3
BATCH_SIZE = 2_000

Query = dict[str, Any]


# --- data -----------------------------------------------------------------------------------------


def _event_timing(rng: random.Random, days: int) -> timing.EventTiming:
    """One event's timing: mostly 30-90 min meetings, some all-day, a few multi-week."""
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(days))
    while day.weekday() >= 5 and rng.random() < 0.8:  # weekends are quieter
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(days))
    kind = rng.random()
    if kind < 0.002:  # holidays, leave, projects: 2 to 26 weeks, all-day
        return timing.all_day(day, day + dt.timedelta(days=rng.randint(14, 182)), ZONE.key)
    if kind < 0.08:  # all-day, 1 to 3 days
        length = rng.choices((1, 2, 3), weights=(70, 20, 10))[0]
        return timing.all_day(day, day + dt.timedelta(days=length), ZONE.key)
    if kind < 0.11:  # workshops, travel: 2 to 8 hours
        minutes = rng.randrange(120, 481, 30)
    else:
        minutes = rng.choices((30, 45, 60, 90), weights=(35, 10, 40, 15))[0]
    wall = dt.datetime.combine(day, dt.time(7)) + dt.timedelta(minutes=15 * rng.randrange(52))
    start = timing.localize(wall, ZONE, "start").astimezone(dt.UTC)
    return timing.timed(start, start + dt.timedelta(minutes=minutes), ZONE.key)


def make_event(rng: random.Random, calendar: CalendarDoc, days: int) -> dict[str, Any]:
    """A stored event document, with the fields `service.create_event` writes."""
    when = _event_timing(rng, days)
    return EventDoc(
        calendar_id=calendar.id,
        owner_id=calendar.owner_id,
        title=rng.choice(TITLES),
        location=rng.choice(("", "", "Room 4.01", "Video call")),
        all_day=when.all_day,
        start_utc=when.start_utc,
        end_utc=when.end_utc,
        start_date=when.start_date,
        end_date=when.end_date,
        time_zone=when.time_zone,
        time_keys=timing.time_keys(calendar.id, when.start_utc, when.end_utc),
    ).to_mongo()


async def load_events(
    db: Collections, unindexed: AsyncCollection, calendar: CalendarDoc, count: int, seed: int
) -> None:
    """Insert `count` events into the app's collection and the same documents into the copy."""
    rng = random.Random(seed)
    days = (FIRST_DAY.replace(year=FIRST_DAY.year + YEARS) - FIRST_DAY).days
    began = time.perf_counter()
    done = 0
    while done < count:
        batch = [make_event(rng, calendar, days) for _ in range(min(BATCH_SIZE, count - done))]
        await db.events.insert_many(batch, ordered=False)
        await unindexed.insert_many(batch, ordered=False)
        done += len(batch)
        if done % 10_000 == 0 or done == count:
            elapsed = time.perf_counter() - began
            rate = 2 * done / elapsed
            print(f"  {done:>7,} events in both collections  {elapsed:6.1f} s  ({rate:,.0f} docs/s)")


# --- measuring ------------------------------------------------------------------------------------


@dataclass
class Case:
    """One way of answering "events of this calendar overlapping this week", and its timings."""

    name: str
    rounds: int
    run: Callable[[dt.datetime, dt.datetime], Awaitable[set[str]]]
    max_weeks: int | None = None  # time it on the first weeks only (None: every week)
    samples: list[float] = field(default_factory=list)

    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    def p95_ms(self) -> float:
        ordered = sorted(self.samples)
        return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000


def overlap_query(calendar_id: str, start: dt.datetime, end: dt.datetime) -> Query:
    """The plain overlap filter anyone would write first."""
    return {"calendar_id": calendar_id, "start_utc": {"$lt": end}, "end_utc": {"$gt": start}}


def service_filter(calendar_id: str, start: dt.datetime, end: dt.datetime) -> Query:
    """The filter `service.list_events` sends for one calendar and a short range."""
    return {
        "start_utc": {"$lt": end},
        "end_utc": {"$gt": start},
        "time_keys": {"$in": timing.range_keys([calendar_id], start, end)},
    }


def _check_week(start: dt.datetime, service_events: list[EventDoc], baseline: list[dict[str, Any]]) -> None:
    """The service returns exactly what the index-free overlap query returns.

    Timed events must match one for one. All-day events are dates: their stored instants are padded
    by UTC-12/+14 so that no zone misses them, hence the raw query also returns all-day events of the
    neighbouring days, which the service then drops by comparing dates in the viewer's zone (UTC
    here). So the all-day ids are compared with the baseline's all-day documents whose dates overlap
    the week, filtered here independently of the service.
    """
    first_day, end_day = start.date(), (start + WEEK).date()
    timed = {doc["_id"] for doc in baseline if not doc["all_day"]}
    all_day = {
        doc["_id"]
        for doc in baseline
        if doc["all_day"]
        and dt.date.fromisoformat(doc["start_date"]) < end_day
        and dt.date.fromisoformat(doc["end_date"]) > first_day
    }
    got_timed = {event.id for event in service_events if not event.all_day}
    got_all_day = {event.id for event in service_events if event.all_day}
    if len(service_events) != len(got_timed | got_all_day) or got_timed != timed or got_all_day != all_day:
        raise AssertionError(
            f"week of {first_day}: service returned {len(got_timed)} timed + {len(got_all_day)} all-day,"
            f" baseline has {len(timed)} timed + {len(all_day)} all-day"
            f" (missing {len((timed | all_day) - (got_timed | got_all_day))},"
            f" extra {len((got_timed | got_all_day) - (timed | all_day))})"
        )


async def run(database_uri: str, events: int, repeats: int, slow_repeats: int, seed: int) -> None:
    """Point the app's database layer at the server, run the benchmark, close the client."""
    database = configure_database(database_uri, DATABASE_NAME)
    try:
        await database.ensure_indexes()
        await measure(database.collections(), events, repeats, slow_repeats, seed)
    finally:
        await database.close()


async def measure(db: Collections, events: int, repeats: int, slow_repeats: int, seed: int) -> None:
    """Load the data, time every case over `repeats` random weeks, check and print the results.

    The `{calendar_id, start_utc}` case is as slow as the baseline and only informative: it is timed
    on the first `slow_repeats` weeks. The baseline runs every week, since every week is checked.
    """
    unindexed = db.database[UNINDEXED_COLLECTION]
    user_id = new_id()
    calendar = CalendarDoc(owner_id=user_id, name="Work", color="#3b82f6", is_default=True)
    await db.calendars.insert_one(calendar.to_mongo())

    print(f"Loading {events:,} events ({YEARS} years from {FIRST_DAY}) into events and {unindexed.name}:")
    await load_events(db, unindexed, calendar, events, seed)
    counts = (await db.events.count_documents({}), await unindexed.count_documents({}))
    assert counts == (events, events), counts
    long_events = await db.events.count_documents({"time_keys": f"{calendar.id}:long"})
    all_day_events = await db.events.count_documents({"all_day": True})
    print(f"  {all_day_events:,} all-day events; {long_events:,} under the '<calendar>:long' key")
    for collection in (db.events, unindexed):
        names = sorted([info["name"] async for info in await collection.list_indexes()])
        print(f"  indexes on {collection.name}: {', '.join(names)}")

    latest_service: list[EventDoc] = []
    latest_baseline: list[dict[str, Any]] = []

    async def via_service(start: dt.datetime, end: dt.datetime) -> set[str]:
        request = service.EventRange(start=start, end=end, limit=service.MAX_PAGE_SIZE, viewer_zone="UTC")
        found, next_cursor = await service.list_events(db, user_id, request)
        assert next_cursor is None, "one week did not fit in one page"
        latest_service[:] = found
        return {event.id for event in found}

    async def via_raw_keys(start: dt.datetime, end: dt.datetime) -> set[str]:
        cursor = db.events.find(service_filter(calendar.id, start, end)).sort([("start_utc", 1), ("_id", 1)])
        return {doc["_id"] async for doc in cursor}

    async def via_compound(start: dt.datetime, end: dt.datetime) -> set[str]:
        return {doc["_id"] async for doc in db.events.find(overlap_query(calendar.id, start, end))}

    async def via_collscan(start: dt.datetime, end: dt.datetime) -> set[str]:
        documents = await unindexed.find(overlap_query(calendar.id, start, end)).to_list()
        latest_baseline[:] = documents
        return {doc["_id"] for doc in documents}

    baseline_name = "baseline: overlap find, no index (_id only)"
    cases = [
        Case("service.list_events (time_keys index)", FAST_ROUNDS, via_service),
        Case("service filter as raw find (time_keys)", FAST_ROUNDS, via_raw_keys),
        Case("overlap find, {calendar_id, start_utc} index", 1, via_compound, max_weeks=slow_repeats),
        Case(baseline_name, 1, via_collscan),
    ]

    total_weeks = (FIRST_DAY.replace(year=FIRST_DAY.year + YEARS) - FIRST_DAY).days // 7
    first = dt.datetime.combine(FIRST_DAY, dt.time(), dt.UTC)
    rng = random.Random(seed + 1)
    chosen = rng.sample(range(total_weeks), min(repeats + 1, total_weeks))
    warm_up, weeks = chosen[0], chosen[1:]

    start = first + warm_up * WEEK
    for case in cases:
        await case.run(start, start + WEEK)
    print(f"\nTiming {len(weeks)} random weeks (Monday 00:00 UTC to Monday), cases interleaved per week:")
    per_week_service: list[int] = []
    per_week_baseline: list[int] = []
    for number, week in enumerate(weeks, 1):
        start = first + week * WEEK
        end = start + WEEK
        results: dict[str, set[str]] = {}
        for case in cases:
            if case.max_weeks is not None and number > case.max_weeks:
                continue
            for _ in range(case.rounds):
                began = time.perf_counter()
                results[case.name] = await case.run(start, end)
                case.samples.append(time.perf_counter() - began)
        baseline_ids = results[baseline_name]
        _check_week(start, latest_service, latest_baseline)
        for case in cases[1:3]:
            if case.name in results and results[case.name] != baseline_ids:
                raise AssertionError(f"week of {start.date()}: {case.name!r} differs from the baseline")
        per_week_service.append(len(results[cases[0].name]))
        per_week_baseline.append(len(baseline_ids))
        if number % 10 == 0 or number == len(weeks):
            print(f"  {number}/{len(weeks)} weeks measured and checked")

    baseline = cases[-1].median_ms()
    print(f"\nResults ({events:,} events, {len(weeks)} weeks; ids checked against the baseline every week):")
    print(f"  {'case':<46} {'median ms':>10} {'p95 ms':>9} {'runs':>5} {'speed-up vs baseline':>21}")
    for case in cases:
        ratio = baseline / case.median_ms()
        print(
            f"  {case.name:<46} {case.median_ms():>10.1f} {case.p95_ms():>9.1f}"
            f" {len(case.samples):>5} {ratio:>20.1f}x"
        )
    print(
        "  events per week returned by the service:"
        f" median {statistics.median(per_week_service):.0f}, min {min(per_week_service)},"
        f" max {max(per_week_service)} (the raw overlap query also returns all-day events of the"
        f" neighbouring days: median {statistics.median(per_week_baseline):.0f})"
    )


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark against a private SecantusDB, and always stop it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=100_000, help="events in the calendar (default 100000)")
    parser.add_argument("--repeats", type=int, default=30, help="random weeks to measure (default 30)")
    parser.add_argument(
        "--slow-repeats",
        type=int,
        default=10,
        help="weeks on which the {calendar_id, start_utc} index case is timed (default 10)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed for data and weeks (default 1)")
    args = parser.parse_args(argv)
    if min(args.events, args.repeats, args.slow_repeats) < 1:
        parser.error("--events, --repeats and --slow-repeats must be positive")
    print(
        f"bench.event_listing  {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC  python {sys.version.split()[0]}"
    )
    with scratch_database("bench-event-listing-") as uri:
        asyncio.run(run(uri, args.events, args.repeats, args.slow_repeats, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
