"""Busy time: statuses, buffers around the new meeting, and free time that never overlaps busy time."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler_app.backend.scheduling.busy import BusyInterval, BusyStatus, blocked_intervals, free_time
from scheduler_app.backend.scheduling.intervals import Interval, IntervalSet

pytestmark = pytest.mark.unit

BASE = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def at(minute: int) -> dt.datetime:
    return BASE + minute * MINUTE


def meeting(start: int, end: int, status: BusyStatus = BusyStatus.BUSY) -> BusyInterval:
    return BusyInterval(at(start), at(end), status)


def test_blocked_intervals_split_by_status_and_clip_to_the_range():
    blocked = blocked_intervals(
        [meeting(0, 30), meeting(60, 90, BusyStatus.TENTATIVE), meeting(100, 200)], at(10), at(150)
    )
    assert list(blocked[BusyStatus.BUSY]) == [Interval(at(10), at(30)), Interval(at(100), at(150))]
    assert list(blocked[BusyStatus.TENTATIVE]) == [Interval(at(60), at(90))]


def test_buffers_widen_meetings_so_the_new_one_keeps_its_margins():
    # The new meeting wants 10 minutes free before it and 5 after: a meeting at [60, 90) blocks new
    # meetings ending after 55 and starting before 100.
    blocked = blocked_intervals(
        [meeting(60, 90)], at(0), at(200), buffer_before=10 * MINUTE, buffer_after=5 * MINUTE
    )[BusyStatus.BUSY]
    assert list(blocked) == [Interval(at(55), at(100))]


def test_meetings_just_outside_the_range_still_block_through_their_buffer():
    blocked = blocked_intervals([meeting(-20, -5)], at(0), at(60), buffer_before=10 * MINUTE)[BusyStatus.BUSY]
    assert list(blocked) == [Interval(at(0), at(5))]


def test_plain_status_strings_are_accepted():
    blocked = blocked_intervals([BusyInterval(at(0), at(10), "tentative")], at(0), at(60))  # type: ignore[arg-type]
    assert blocked[BusyStatus.TENTATIVE]


def test_free_time_subtracts_busy_and_optionally_tentative():
    available = IntervalSet([(at(0), at(120))])
    busy = [meeting(10, 20), meeting(50, 60, BusyStatus.TENTATIVE)]
    assert list(free_time(available, busy)) == [Interval(at(0), at(10)), Interval(at(20), at(120))]
    assert list(free_time(available, busy, include_tentative=True)) == [
        Interval(at(0), at(10)),
        Interval(at(20), at(50)),
        Interval(at(60), at(120)),
    ]
    assert not free_time(IntervalSet(), busy)


meetings = st.lists(
    st.tuples(st.integers(-30, 300), st.integers(1, 90), st.sampled_from(list(BusyStatus))).map(
        lambda item: meeting(item[0], item[0] + item[1], item[2])
    ),
    max_size=10,
)
available_sets = st.lists(
    st.tuples(st.integers(0, 300), st.integers(1, 120)).map(
        lambda pair: (at(pair[0]), at(pair[0] + pair[1]))
    ),
    min_size=1,
    max_size=5,
).map(IntervalSet)


@settings(max_examples=60, deadline=None)
@given(available_sets, meetings, st.integers(0, 30), st.integers(0, 30), st.booleans())
def test_free_and_busy_never_overlap(available, busy, before, after, include_tentative):
    free = free_time(
        available,
        busy,
        buffer_before=before * MINUTE,
        buffer_after=after * MINUTE,
        include_tentative=include_tentative,
    )
    assert free - available == IntervalSet()
    for item in busy:
        if item.status is BusyStatus.BUSY or include_tentative:
            assert not free.overlaps(item.start - after * MINUTE, item.end + before * MINUTE)
    # Nothing free was lost that no meeting accounts for.
    blocked = IntervalSet(
        (item.start - after * MINUTE, item.end + before * MINUTE)
        for item in busy
        if item.status is BusyStatus.BUSY or include_tentative
    )
    assert free | (available & blocked) == available
