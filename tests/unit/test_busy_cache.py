"""The busy cache's pure parts: month buckets and the packed interval format."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler_app.backend.scheduling.busy import BusyInterval, BusyStatus
from scheduler_app.backend.scheduling.busy_cache import month_starts, pack, unpack

pytestmark = pytest.mark.unit
UTC = dt.UTC


def test_months_cover_the_range_across_a_year_end() -> None:
    months = month_starts(
        dt.datetime(2026, 11, 30, 23, tzinfo=UTC), dt.datetime(2027, 1, 1, 0, 0, 1, tzinfo=UTC)
    )
    assert months == [
        dt.datetime(2026, 11, 1, tzinfo=UTC),
        dt.datetime(2026, 12, 1, tzinfo=UTC),
        dt.datetime(2027, 1, 1, tzinfo=UTC),
    ]
    assert month_starts(dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 4, 1, tzinfo=UTC)) == [
        dt.datetime(2026, 3, 1, tzinfo=UTC)
    ]


seconds = st.integers(min_value=0, max_value=4_102_444_800)  # 1970 .. 2100


@given(
    st.lists(st.tuples(seconds, st.integers(1, 86_400 * 40), st.sampled_from(list(BusyStatus))), max_size=60)
)
def test_packing_round_trips(raw: list[tuple[int, int, BusyStatus]]) -> None:
    intervals = [
        BusyInterval(
            dt.datetime.fromtimestamp(start, UTC), dt.datetime.fromtimestamp(start + length, UTC), status
        )
        for start, length, status in raw
    ]
    assert unpack(pack(intervals)) == intervals
