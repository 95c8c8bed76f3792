"""Find-a-time's read path: each person's busy time per UTC month, computed once and then reused.

Reading a calendar through the event listing costs 60-90 ms a person on the embedded server, so 50
people took seconds (decision 0011). A month of one person's busy time is a few hundred (start, end,
status) triples, stored packed in one small document, so a search reads two documents a person.

Freshness: a user's `busy_version` (on their user document) counts the event writes that touched
their busy time. Every path that writes events calls `busy_changed` AFTER writing; a cached month is
used only while its version equals the user's. The version is read BEFORE the events, so a month
computed while a write is under way carries the old version and is recomputed on the next read.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from array import array
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Protocol

from bson import Binary

from scheduler_app.backend.db import Collections
from scheduler_app.backend.models import EventDoc, utc_now
from scheduler_app.backend.scheduling.busy import BusyInterval, BusyStatus

VERSION_FIELD = "busy_version"
READ_CHUNK = 50  # ids per `$in` (the embedded server slows down sharply on long `$in` lists)
CONCURRENT_COMPUTES = 8
_STATUS_CODES = {BusyStatus.BUSY: 1, BusyStatus.TENTATIVE: 2}
_STATUSES = {code: status for status, code in _STATUS_CODES.items()}


class CachedPerson(Protocol):
    user_id: str
    busy_version: int


Compute = Callable[[Collections, "CachedPerson", dt.datetime, dt.datetime], Awaitable[list[BusyInterval]]]


async def busy_changed_for(db: Collections, user_ids: Iterable[str] = (), emails: Iterable[str] = ()) -> None:
    """Mark these users' busy time as changed (users are named by id, guests by e-mail)."""
    ids, addresses = sorted(set(user_ids)), sorted(set(emails))
    if ids:
        await db.users.update_many({"_id": {"$in": ids}}, {"$inc": {VERSION_FIELD: 1}})
    if addresses:
        await db.users.update_many({"email": {"$in": addresses}}, {"$inc": {VERSION_FIELD: 1}})


async def busy_changed(db: Collections, events: Iterable[EventDoc | None]) -> None:
    """After writing events: everyone whose busy time they touch (the calendar's owner and the guests)."""
    present = [event for event in events if event is not None]
    await busy_changed_for(
        db,
        [event.owner_id for event in present],
        [guest.email for event in present for guest in event.attendees],
    )


def month_starts(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The UTC months [start, end) touches, as their first instants."""
    current = dt.datetime(start.year, start.month, 1, tzinfo=dt.UTC)
    months = []
    while current < end:
        months.append(current)
        current = _next_month(current)
    return months


def _next_month(month: dt.datetime) -> dt.datetime:
    return month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)


def pack(intervals: Sequence[BusyInterval]) -> bytes:
    """Intervals as int64 triples (start and end in epoch seconds, status code)."""
    numbers = array("q")
    for item in intervals:
        numbers.extend((int(item.start.timestamp()), int(item.end.timestamp()), _STATUS_CODES[item.status]))
    return numbers.tobytes()


def unpack(
    data: bytes,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    instants: dict[int, dt.datetime] | None = None,
) -> list[BusyInterval]:
    """The packed intervals (only those overlapping [start, end) when given).

    `instants` memoises epoch seconds -> datetime across calls: meetings share a few thousand
    distinct start and end times, and making datetimes is most of the cost of a warm search.
    """
    numbers = array("q")
    numbers.frombytes(data)
    low = int(start.timestamp()) if start is not None else None
    high = int(end.timestamp()) if end is not None else None
    memo = instants if instants is not None else {}

    def instant(seconds: int) -> dt.datetime:
        found = memo.get(seconds)
        if found is None:
            found = memo[seconds] = dt.datetime.fromtimestamp(seconds, dt.UTC)
        return found

    intervals = []
    for index in range(0, len(numbers), 3):
        first, last = numbers[index], numbers[index + 1]
        if (high is not None and first >= high) or (low is not None and last <= low):
            continue
        intervals.append(BusyInterval(instant(first), instant(last), _STATUSES[numbers[index + 2]]))
    return intervals


def _cache_id(user_id: str, month: dt.datetime) -> str:
    return f"{user_id}:{month:%Y-%m}"


async def _read(db: Collections, ids: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for offset in range(0, len(ids), READ_CHUNK):
        async for document in db.busy_cache.find({"_id": {"$in": ids[offset : offset + READ_CHUNK]}}):
            found[document["_id"]] = document
    return found


async def cached_busy(
    db: Collections,
    people: Sequence[CachedPerson],
    start: dt.datetime,
    end: dt.datetime,
    compute: Compute,
) -> list[list[BusyInterval]]:
    """Each person's busy intervals overlapping [start, end), from cached months (computing stale ones)."""
    months = month_starts(start, end)
    stored = await _read(db, [_cache_id(person.user_id, month) for person in people for month in months])
    gate = asyncio.Semaphore(CONCURRENT_COMPUTES)

    async def refreshed(
        person: CachedPerson, stale: list[dt.datetime]
    ) -> dict[dt.datetime, list[BusyInterval]]:
        """Stale months of one person, read from their calendars in one pass and stored again."""
        async with gate:
            intervals = await compute(db, person, stale[0], _next_month(stale[-1]))
        months: dict[dt.datetime, list[BusyInterval]] = {}
        for month in stale:
            month_end = _next_month(month)
            months[month] = [item for item in intervals if item.start < month_end and item.end > month]
            await db.busy_cache.replace_one(
                {"_id": _cache_id(person.user_id, month)},
                {
                    "user_id": person.user_id,
                    "version": person.busy_version,
                    "busy": Binary(pack(months[month])),
                    "computed_at": utc_now(),
                },
                upsert=True,
            )
        return months

    instants: dict[int, dt.datetime] = {}

    async def person_busy(person: CachedPerson) -> list[BusyInterval]:
        by_month: dict[dt.datetime, list[BusyInterval]] = {}
        stale: list[dt.datetime] = []
        for month in months:
            document = stored.get(_cache_id(person.user_id, month))
            if document is not None and document.get("version") == person.busy_version:
                by_month[month] = unpack(bytes(document["busy"]), start, end, instants)
            else:
                stale.append(month)
        if stale:
            by_month.update(await refreshed(person, stale))
        seen: set[tuple[dt.datetime, dt.datetime, BusyStatus]] = set()
        merged: list[BusyInterval] = []
        for month in months:
            for item in by_month[month]:
                key = (item.start, item.end, item.status)
                if item.start < end and item.end > start and key not in seen:
                    seen.add(key)
                    merged.append(item)
        return merged

    return list(await asyncio.gather(*(person_busy(person) for person in people)))
