"""Bookable times of an event type: the availability engine's interval sets with booking rules (pure).

A host can take a meeting where they work, are not away, and no meeting (widened by the new one's
buffers) is in the way; days where they reached the type's daily limit are removed whole. Collective
types need every host (an intersection), round-robin types any one (checked per host, ranked by
priority and then by who has fewest bookings). Candidate starts lie on a grid on the first host's
wall clock, so every booker sees the same instants whatever their own zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from scheduler_app.backend.errors import ConflictError, FieldProblem, InvalidInputError
from scheduler_app.backend.scheduling.busy import BusyInterval, BusyStatus, blocked_intervals
from scheduler_app.backend.scheduling.grid import slot_starts
from scheduler_app.backend.scheduling.intervals import IntervalSet, intersect_all
from scheduler_app.backend.scheduling.working_hours import (
    MIDNIGHT,
    TimeRange,
    WorkingHours,
    local_dates,
    local_ranges_as_intervals,
    out_of_office_intervals,
    working_intervals,
)

_NONE = dt.timedelta(0)
TAKEN = "This time was just taken; pick another."
NOT_AVAILABLE = "That time is not available; pick one of the listed times."
_WHOLE_DAY = (TimeRange(MIDNIGHT, MIDNIGHT),)


@dataclass(frozen=True)
class BookingRules:
    """How an event type may be booked, as lengths of time; `grid_zone` aligns candidate starts."""

    duration: dt.timedelta
    kind: Literal["collective", "round_robin"] = "collective"
    buffer_before: dt.timedelta = _NONE
    buffer_after: dt.timedelta = _NONE
    min_notice: dt.timedelta = _NONE
    horizon: dt.timedelta = dt.timedelta(days=60)
    daily_limit: int | None = None
    step: dt.timedelta = dt.timedelta(minutes=15)
    grid_zone: str = "UTC"

    def window(
        self, now: dt.datetime, start: dt.datetime, end: dt.datetime
    ) -> tuple[dt.datetime, dt.datetime]:
        """Where a slot may start within [start, end): after the notice, before the horizon."""
        return max(start, now + self.min_notice), min(end, now + self.horizon)


@dataclass(frozen=True)
class HostTime:
    """One host's time: hours, meetings (existing bookings already widened by their own buffers)."""

    host_id: str
    hours: WorkingHours
    busy: Sequence[BusyInterval] = ()
    booked_per_day: Mapping[dt.date, int] = field(default_factory=dict)  # this type, local dates
    priority: int = 0
    load: int = 0  # this type's upcoming bookings assigned to the host


@dataclass(frozen=True)
class Slot:
    """A bookable [start, end); `host_ids` are the hosts it would go to, best first for round-robin."""

    start: dt.datetime
    end: dt.datetime
    host_ids: tuple[str, ...]


def host_free_time(host: HostTime, rules: BookingRules, start: dt.datetime, end: dt.datetime) -> IntervalSet:
    """Where a meeting of this type may lie for `host` in [start, end)."""
    hours = working_intervals(host.hours, start, end) - out_of_office_intervals(host.hours, start, end)
    blocked = blocked_intervals(
        host.busy, start, end, buffer_before=rules.buffer_before, buffer_after=rules.buffer_after
    )
    free = hours - blocked[BusyStatus.BUSY] - blocked[BusyStatus.TENTATIVE]
    return free - full_days(host, rules, start, end)


def full_days(host: HostTime, rules: BookingRules, start: dt.datetime, end: dt.datetime) -> IntervalSet:
    """The host's local days in [start, end) on which the type's daily limit is reached."""
    if rules.daily_limit is None:
        return IntervalSet()
    zone = zoneinfo.ZoneInfo(host.hours.time_zone)
    days = [
        (day, _WHOLE_DAY)
        for day in local_dates(start, end, zone)
        if host.booked_per_day.get(day, 0) >= rules.daily_limit
    ]
    return local_ranges_as_intervals(days, zone).clip(start, end)


def ranked_hosts(hosts: Sequence[HostTime]) -> list[HostTime]:
    """Round-robin order: higher priority first, then fewer bookings, then the listed order."""
    order = {host.host_id: index for index, host in enumerate(hosts)}
    return sorted(hosts, key=lambda host: (-host.priority, host.load, order[host.host_id]))


def available_slots(
    rules: BookingRules, hosts: Sequence[HostTime], now: dt.datetime, start: dt.datetime, end: dt.datetime
) -> list[Slot]:
    """Every bookable slot starting in [start, end), in order."""
    low, high = rules.window(now, start, end)
    if low >= high or not hosts:
        return []
    reach = high + rules.duration
    ranked = ranked_hosts(hosts) if rules.kind == "round_robin" else list(hosts)
    free = [host_free_time(host, rules, low, reach) for host in ranked]
    grid = slot_starts(low, high, rules.step, zoneinfo.ZoneInfo(rules.grid_zone))
    slots: list[Slot] = []
    if rules.kind == "collective":
        common = intersect_all(free, IntervalSet.span(low, reach))
        every = tuple(host.host_id for host in ranked)
        slots = [Slot(s, s + rules.duration, every) for s in grid if common.contains(s, s + rules.duration)]
    else:
        for slot_start in grid:
            slot_end = slot_start + rules.duration
            takers = tuple(
                host.host_id
                for host, time in zip(ranked, free, strict=True)
                if time.contains(slot_start, slot_end)
            )
            if takers:
                slots.append(Slot(slot_start, slot_end, takers))
    return slots


def bookable_slot(
    rules: BookingRules, hosts: Sequence[HostTime], now: dt.datetime, start: dt.datetime
) -> Slot:
    """The slot starting at `start`; ConflictError when only meetings (a booking just made) are in the
    way, else InvalidInputError (field `start`) saying why it cannot be booked."""
    found = available_slots(rules, hosts, now, start, start + dt.timedelta(microseconds=1))
    if found and found[0].start == start:
        return found[0]
    if why_unavailable(rules, hosts, now, start) == NOT_AVAILABLE and _taken(rules, hosts, start):
        raise ConflictError(TAKEN)
    raise InvalidInputError(
        "That time cannot be booked.", [FieldProblem("start", why_unavailable(rules, hosts, now, start))]
    )


def why_unavailable(
    rules: BookingRules, hosts: Sequence[HostTime], now: dt.datetime, start: dt.datetime
) -> str:
    """A sentence for the booker on why `start` is not offered (the most useful reason first)."""
    if start < now:
        return "That time has already passed; pick a time in the future."
    if start < now + rules.min_notice:
        return f"Bookings need at least {describe_minutes(rules.min_notice)} notice; pick a later time."
    if start >= now + rules.horizon:
        return f"Bookings open at most {rules.horizon.days} days ahead; pick an earlier time."
    if not slot_starts(
        start, start + dt.timedelta(microseconds=1), rules.step, zoneinfo.ZoneInfo(rules.grid_zone)
    ):
        return f"Times start every {describe_minutes(rules.step)}; pick one of the listed times."
    if rules.daily_limit is not None:
        end = start + rules.duration
        has_room = [not full_days(host, rules, start, end).overlaps(start, end) for host in hosts]
        if (rules.kind == "collective" and not all(has_room)) or not any(has_room):
            return "That day is fully booked; pick another day."
    return NOT_AVAILABLE


def _taken(rules: BookingRules, hosts: Sequence[HostTime], start: dt.datetime) -> bool:
    """Whether the hosts work then and only meetings are in the way (a time someone just booked)."""
    end = start + rules.duration
    working = [
        (
            working_intervals(host.hours, start, end) - out_of_office_intervals(host.hours, start, end)
        ).contains(start, end)
        for host in hosts
    ]
    return bool(hosts) and (all(working) if rules.kind == "collective" else any(working))


def describe_minutes(length: dt.timedelta) -> str:
    """A length in words: "45 minutes", "2 hours", "1 day", "90 minutes"."""
    minutes = int(length.total_seconds() // 60)
    if minutes and minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return f"{days} day" if days == 1 else f"{days} days"
    if minutes and minutes % 60 == 0:
        return "1 hour" if minutes == 60 else f"{minutes // 60} hours"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
