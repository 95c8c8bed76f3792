"""Benchmark: what the sharing policy costs on the hot path, listing a week across 20 shared calendars.

Run from the project root (about a minute):

    .venv/bin/python -m bench.permission_check [--calendars N] [--per-week E] [--rounds R]

It starts its own SecantusDB on a free 127.0.0.1 port in a temporary directory. N colleagues each own
a calendar with E events a week for a year (a few with guests), and share it with one reader: a third
as free/busy, the rest as viewer. Then, interleaved round by round over random weeks, it times
`events.service.list_events` for the reader, the app's path, two ways:

* policy: as the app runs it (`accessible_calendars` reads the reader's calendars and shares, every
  listed event goes through `role_from` and `as_seen_by`, free/busy ones become "Busy");
* baseline: the same listing with the policy taken out (`accessible_calendars` answers from memory
  with the same calendars, events are returned as stored).

Both list the same events (asserted every round; free/busy ones differ only in what they show).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Iterator

from scheduler_app.backend.db import Collections, configure_database
from scheduler_app.backend.events import service as events
from scheduler_app.backend.events import timing
from scheduler_app.backend.events.calendar_access import AccessibleCalendar, accessible_calendars, share_id
from scheduler_app.backend.models import (
    AttendeeDoc,
    CalendarDoc,
    CalendarShareDoc,
    EventDoc,
    UserDoc,
)
from tests.servers import scratch_database

DATABASE_NAME = "bench_permission_check"
FIRST_MONDAY = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
WEEKS = 52
BATCH_SIZE = 2_000


async def load(db: Collections, calendars: int, per_week: int, rng: random.Random) -> UserDoc:
    """N colleagues with a shared calendar each; returns the reader they share with."""
    reader = UserDoc(email="reader@example.com", name="Reader")
    await db.users.insert_one(reader.to_mongo())
    own = CalendarDoc(
        id=f"default-{reader.id}", owner_id=reader.id, name="Reader", color="#3b82f6", is_default=True
    )
    await db.calendars.insert_one(own.to_mongo())
    documents: list[dict] = []
    for index in range(calendars):
        owner = UserDoc(email=f"colleague{index}@example.com", name=f"Colleague {index}")
        calendar = CalendarDoc(owner_id=owner.id, name=f"Team {index}", color="#16a34a")
        role = "freebusy" if index % 3 == 0 else "viewer"
        share = CalendarShareDoc(
            id=share_id(calendar.id, reader.id),
            calendar_id=calendar.id,
            owner_id=owner.id,
            grantee_id=reader.id,
            grantee_email=reader.email,
            role=role,
        )
        await db.users.insert_one(owner.to_mongo())
        await db.calendars.insert_one(calendar.to_mongo())
        await db.calendar_shares.insert_one(share.to_mongo())
        for week in range(WEEKS):
            for _ in range(per_week):
                start = FIRST_MONDAY + dt.timedelta(
                    weeks=week, days=rng.randrange(5), minutes=15 * rng.randrange(7 * 4, 18 * 4)
                )
                when = timing.timed(
                    start, start + dt.timedelta(minutes=rng.choice((30, 60))), "Europe/Berlin"
                )
                guests = (
                    [AttendeeDoc(email=f"guest{rng.randrange(50)}@example.com")] if rng.random() < 0.3 else []
                )
                event = EventDoc(
                    calendar_id=calendar.id,
                    owner_id=owner.id,
                    title=f"Meeting {week}-{len(documents)}",
                    description="Agenda inside",
                    organizer_email=owner.email,
                    attendees=guests,
                    **events.placement_fields(calendar.id, when, guests),
                )
                documents.append(event.to_mongo())
                if len(documents) >= BATCH_SIZE:
                    await db.events.insert_many(documents)
                    documents = []
    if documents:
        await db.events.insert_many(documents)
    return reader


@contextlib.contextmanager
def policy_removed(reachable: list[AccessibleCalendar]) -> Iterator[None]:
    """The listing without its policy: calendars from memory, events as stored."""
    original_accessible, original_listed = events.accessible_calendars, events._as_listed

    async def from_memory(_db: Collections, _user_id: str) -> list[AccessibleCalendar]:
        return reachable

    events.accessible_calendars = from_memory  # type: ignore[assignment]
    events._as_listed = lambda event, _who, _roles: event  # type: ignore[assignment]
    try:
        yield
    finally:
        events.accessible_calendars = original_accessible  # type: ignore[assignment]
        events._as_listed = original_listed  # type: ignore[assignment]


async def list_week(db: Collections, reader: UserDoc, start: dt.datetime) -> list[EventDoc]:
    found, cursor = [], None
    while True:
        page, cursor = await events.list_events(
            db,
            reader.id,
            events.EventRange(
                start=start, end=start + dt.timedelta(weeks=1), cursor=cursor, limit=events.MAX_PAGE_SIZE
            ),
        )
        found += page
        if cursor is None:
            return found


async def measure(db: Collections, reader: UserDoc, rounds: int, rng: random.Random) -> None:
    reachable = await accessible_calendars(db, reader.id)
    timings: dict[str, list[float]] = {"policy": [], "baseline": []}
    counts: list[int] = []
    weeks = [FIRST_MONDAY + dt.timedelta(weeks=rng.randrange(WEEKS)) for _ in range(rounds + 1)]
    for number, week in enumerate(weeks):
        order = ["policy", "baseline"] if number % 2 else ["baseline", "policy"]
        listed: dict[str, list[EventDoc]] = {}
        for case in order:
            began = time.perf_counter()
            if case == "policy":
                listed[case] = await list_week(db, reader, week)
            else:
                with policy_removed(reachable):
                    listed[case] = await list_week(db, reader, week)
            elapsed = time.perf_counter() - began
            if number:
                timings[case].append(elapsed)
        assert [event.id for event in listed["policy"]] == [event.id for event in listed["baseline"]]
        shared = {calendar.id: calendar.role for calendar in reachable if calendar.shared_with_me}
        busy_only = [event for event in listed["policy"] if shared.get(event.calendar_id) == "freebusy"]
        assert busy_only and all(event.title == "Busy" and not event.attendees for event in busy_only)
        if number:
            counts.append(len(listed["policy"]))
    policy_ms = statistics.median(timings["policy"]) * 1000
    baseline_ms = statistics.median(timings["baseline"]) * 1000
    print(
        f"\nMedians over {rounds} weeks ({statistics.median(counts):.0f} events a week, {len(reachable) - 1} shared calendars):"
    )
    print(f"  with the policy     {policy_ms:8.1f} ms")
    print(f"  without (baseline)  {baseline_ms:8.1f} ms")
    print(f"  policy overhead     {policy_ms - baseline_ms:8.1f} ms  ({policy_ms / baseline_ms:.2f}x)")


async def run(uri: str, calendars: int, per_week: int, rounds: int, seed: int) -> None:
    database = configure_database(uri, DATABASE_NAME)
    try:
        await database.ensure_indexes()
        db = database.collections()
        rng = random.Random(seed)
        began = time.perf_counter()
        reader = await load(db, calendars, per_week, rng)
        print(
            f"Loaded {await db.events.count_documents({}):,} events in {calendars} calendars in {time.perf_counter() - began:.1f} s"
        )
        await measure(db, reader, rounds, rng)
    finally:
        await database.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calendars", type=int, default=20, help="shared calendars (default 20)")
    parser.add_argument("--per-week", type=int, default=15, help="events a week in each (default 15)")
    parser.add_argument("--rounds", type=int, default=21, help="measured weeks (default 21)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.calendars < 3 or args.per_week < 1 or args.rounds < 1:
        parser.error("--calendars must be at least 3, --per-week and --rounds positive")
    print(
        f"bench.permission_check  {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC  python {sys.version.split()[0]}"
    )
    with scratch_database("bench-permission-") as uri:
        asyncio.run(run(uri, args.calendars, args.per_week, args.rounds, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
