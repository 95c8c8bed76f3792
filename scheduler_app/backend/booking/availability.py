"""Hosts' time from storage for the slot logic: working hours, meetings, bookings, daily counts."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter

from scheduler_app.backend.booking.documents import BookingDoc, EventTypeDoc
from scheduler_app.backend.booking.event_types import users_by_id
from scheduler_app.backend.booking.slots import BookingRules, HostTime
from scheduler_app.backend.db import Collections
from scheduler_app.backend.events import service as events
from scheduler_app.backend.scheduling.busy import BusyInterval
from scheduler_app.backend.scheduling.service import busy_status
from scheduler_app.backend.scheduling.store import hours_by_user

_MINUTE = dt.timedelta(minutes=1)
_DAY = dt.timedelta(days=1)


def rules_of(event_type: EventTypeDoc, duration: int, grid_zone: str) -> BookingRules:
    """The slot rules of `event_type` for one of its durations (minutes)."""
    return BookingRules(
        duration=duration * _MINUTE,
        kind=event_type.kind,
        buffer_before=event_type.buffer_before * _MINUTE,
        buffer_after=event_type.buffer_after * _MINUTE,
        min_notice=event_type.min_notice * _MINUTE,
        horizon=event_type.horizon_days * _DAY,
        daily_limit=event_type.daily_limit,
        step=event_type.slot_step * _MINUTE,
        grid_zone=grid_zone,
    )


async def grid_zone(db: Collections, event_type: EventTypeDoc) -> str:
    """The first host's working-hours zone: offered times sit on their clock (09:00, 09:15, ...)."""
    first = event_type.hosts[0].user_id
    users = await users_by_id(db, [first])
    if first not in users:
        return "UTC"
    hours, _ = (await hours_by_user(db, users.values()))[first]
    return hours.time_zone


async def host_meetings(
    db: Collections, user: dict, start: dt.datetime, end: dt.datetime, ignore_event: str | None
) -> list[BusyInterval]:
    """The host's busy time from their calendars (as find-a-time counts it), minus one event."""
    busy: list[BusyInterval] = []
    cursor: str | None = None
    while True:
        page, cursor = await events.list_events(
            db,
            user["_id"],
            # Calendars others shared with the host are not the host's busy time.
            events.EventRange(
                start=start, end=end, cursor=cursor, limit=events.MAX_PAGE_SIZE, include_shared=False
            ),
        )
        for event in page:
            if event.id != ignore_event and (status := busy_status(event, user["email"])) is not None:
                busy.append(BusyInterval(event.start_utc, event.end_utc, status))
        if cursor is None:
            return busy


async def load_hosts(
    db: Collections,
    event_type: EventTypeDoc,
    rules: BookingRules,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    ignore: BookingDoc | None = None,
) -> list[HostTime]:
    """Every active host's time around [start, end); `ignore` is a booking being moved.

    A disabled or deleted host cannot take bookings: a collective type then has no hosts at all.
    """
    ids = [host.user_id for host in event_type.hosts]
    users = {
        user_id: user for user_id, user in (await users_by_id(db, ids)).items() if not user.get("disabled")
    }
    if len(users) < len(ids) and event_type.kind == "collective":
        return []
    low = start - rules.buffer_before - rules.buffer_after - rules.duration - _DAY
    high = end + rules.duration + rules.buffer_before + rules.buffer_after + _DAY
    hours = await hours_by_user(db, users.values())
    upcoming = [
        BookingDoc.from_mongo(document)
        async for document in db.bookings.find(
            {"event_type_id": event_type.id, "status": "confirmed", "end_utc": {"$gt": now - _DAY}}
        )
    ]
    hosts: list[HostTime] = []
    for host in event_type.hosts:
        user = users.get(host.user_id)
        if user is None:
            continue
        zone = zoneinfo.ZoneInfo(hours[host.user_id][0].time_zone)
        busy = await host_meetings(db, user, low, high, ignore.event_id if ignore else None)
        async for document in db.bookings.find(
            {
                "host_ids": host.user_id,
                "status": "confirmed",
                "start_utc": {"$lt": high},
                "end_utc": {"$gt": low},
            }
        ):
            booked = BookingDoc.from_mongo(document)
            if ignore is None or booked.id != ignore.id:
                busy.append(
                    BusyInterval(
                        booked.start_utc - booked.buffer_before * _MINUTE,
                        booked.end_utc + booked.buffer_after * _MINUTE,
                    )
                )
        mine = [b for b in upcoming if host.user_id in b.host_ids and (ignore is None or b.id != ignore.id)]
        hosts.append(
            HostTime(
                host_id=host.user_id,
                hours=hours[host.user_id][0],
                busy=busy,
                booked_per_day=Counter(b.start_utc.astimezone(zone).date() for b in mine),
                priority=host.priority,
                load=len(mine),
            )
        )
    return hosts
