"""Busy time from existing meetings, and free time as what is left once it (plus buffers) is removed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
    busy: Sequence[BusyInterval],
    start: dt.datetime,
    end: dt.datetime,
    *,
    buffer_before: dt.timedelta = _NO_BUFFER,
    buffer_after: dt.timedelta = _NO_BUFFER,
) -> dict[BusyStatus, IntervalSet]:
    """Per status, the time in [start, end) where a new meeting would clash with existing meetings.

    Buffers belong to the new meeting: it needs `buffer_before` clear before it and `buffer_after`
    after it, so each existing meeting [s, e) blocks [s - buffer_after, e + buffer_before). One pass
    over `busy`; meetings that cannot reach the range are dropped before sorting.
    """
    low = start - buffer_before
    high = end + buffer_after
    spans: dict[BusyStatus, list[tuple[dt.datetime, dt.datetime]]] = {status: [] for status in BusyStatus}
    widen = bool(buffer_before or buffer_after)
    for meeting in busy:
        if meeting.start < high and meeting.end > low:
            if widen:
                spans[meeting.status].append((meeting.start - buffer_after, meeting.end + buffer_before))
            else:
                spans[meeting.status].append((meeting.start, meeting.end))
    return {status: IntervalSet(status_spans).clip(start, end) for status, status_spans in spans.items()}


def free_time(
    available: IntervalSet,
    busy: Sequence[BusyInterval],
    *,
    buffer_before: dt.timedelta = _NO_BUFFER,
    buffer_after: dt.timedelta = _NO_BUFFER,
    include_tentative: bool = False,
) -> IntervalSet:
    """`available` less the time busy meetings block (tentative ones too when `include_tentative`)."""
    if not available:
        return available
    start, end = available.bounds
    blocked = blocked_intervals(busy, start, end, buffer_before=buffer_before, buffer_after=buffer_after)
    if include_tentative:
        return available - blocked[BusyStatus.BUSY] - blocked[BusyStatus.TENTATIVE]
    return available - blocked[BusyStatus.BUSY]
