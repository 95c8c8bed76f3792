"""Busy time from existing meetings, and free time as what is left once it (plus buffers) is removed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from scheduler_app.backend.scheduling.intervals import IntervalSet

_NO_BUFFER = dt.timedelta(0)


class BusyStatus(StrEnum):
    """How firmly an existing meeting holds its time (declined and free events are not passed in)."""

    BUSY = "busy"
    TENTATIVE = "tentative"


@dataclass(frozen=True, slots=True)
class BusyInterval:
    """An existing meeting [start, end) between aware instants."""

    start: dt.datetime
    end: dt.datetime
    status: BusyStatus = BusyStatus.BUSY


def blocked_intervals(
    busy: Iterable[BusyInterval],
    start: dt.datetime,
    end: dt.datetime,
    *,
    status: BusyStatus = BusyStatus.BUSY,
    buffer_before: dt.timedelta = _NO_BUFFER,
    buffer_after: dt.timedelta = _NO_BUFFER,
) -> IntervalSet:
    """The time in [start, end) where a new meeting would clash with a meeting of `status`.

    Buffers belong to the new meeting: it needs `buffer_before` clear before it and `buffer_after`
    after it, so each existing meeting [s, e) blocks [s - buffer_after, e + buffer_before).
    """
    low = start - buffer_before
    high = end + buffer_after
    return IntervalSet(
        (meeting.start - buffer_after, meeting.end + buffer_before)
        for meeting in busy
        if meeting.status == status and meeting.start < high and meeting.end > low
    ).clip(start, end)


def free_time(
    available: IntervalSet,
    busy: Iterable[BusyInterval],
    *,
    buffer_before: dt.timedelta = _NO_BUFFER,
    buffer_after: dt.timedelta = _NO_BUFFER,
    include_tentative: bool = False,
) -> IntervalSet:
    """`available` less the time busy meetings block (tentative ones too when `include_tentative`)."""
    if not available:
        return available
    spans = list(available)
    start, end = spans[0].start, spans[-1].end
    meetings = list(busy)
    blocked = blocked_intervals(
        meetings, start, end, buffer_before=buffer_before, buffer_after=buffer_after
    )
    if include_tentative:
        blocked |= blocked_intervals(
            meetings,
            start,
            end,
            status=BusyStatus.TENTATIVE,
            buffer_before=buffer_before,
            buffer_after=buffer_after,
        )
    return available - blocked
