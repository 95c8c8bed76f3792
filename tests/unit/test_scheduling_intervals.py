"""Interval sets: normalisation, lookups, and the algebra laws the engine relies on."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler_app.backend.scheduling.intervals import Interval, IntervalSet, intersect_all

pytestmark = pytest.mark.unit

BASE = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)


def at(minute: int) -> dt.datetime:
    return BASE + dt.timedelta(minutes=minute)


def minutes(*spans: tuple[int, int]) -> IntervalSet:
    return IntervalSet((at(start), at(end)) for start, end in spans)


def as_minutes(interval_set: IntervalSet) -> list[tuple[int, int]]:
    return [
        (int((start - BASE).total_seconds() // 60), int((end - BASE).total_seconds() // 60))
        for start, end in interval_set
    ]


def points(interval_set: IntervalSet) -> set[int]:
    """The minutes covered, for brute-force comparison on a small integer grid."""
    return {minute for start, end in as_minutes(interval_set) for minute in range(start, end)}


spans = st.lists(
    st.tuples(st.integers(0, 180), st.integers(1, 40)).map(lambda pair: (pair[0], pair[0] + pair[1])),
    max_size=8,
)
interval_sets = spans.map(lambda pairs: minutes(*pairs))


# --- normalisation and lookups -------------------------------------------------------------------------


def test_overlapping_and_touching_intervals_merge_and_empty_ones_vanish():
    assert as_minutes(minutes((30, 40), (0, 10), (10, 20), (35, 50), (60, 60))) == [(0, 20), (30, 50)]


def test_instants_in_other_zones_are_stored_in_utc():
    berlin = dt.timezone(dt.timedelta(hours=1))
    interval_set = IntervalSet(
        [(dt.datetime(2026, 3, 2, 9, tzinfo=berlin), dt.datetime(2026, 3, 2, 10, tzinfo=berlin))]
    )
    assert list(interval_set) == [Interval(at(8 * 60), at(9 * 60))]
    assert all(instant.tzinfo is dt.UTC for interval in interval_set for instant in interval)


def test_naive_instants_and_reversed_intervals_are_refused():
    with pytest.raises(ValueError, match="no time zone"):
        IntervalSet([(dt.datetime(2026, 3, 2), at(10))])
    with pytest.raises(ValueError, match="ends before"):
        IntervalSet([(at(10), at(5))])


def test_contains_needs_the_whole_span_inside_one_interval():
    interval_set = minutes((0, 10), (20, 30))
    assert interval_set.contains(at(0), at(10))
    assert interval_set.contains(at(22), at(25))
    assert not interval_set.contains(at(5), at(25))
    assert not interval_set.contains(at(10), at(11))
    assert not interval_set.contains(at(-5), at(1))


def test_overlaps_is_half_open():
    interval_set = minutes((10, 20))
    assert interval_set.overlaps(at(19), at(30))
    assert not interval_set.overlaps(at(20), at(30))
    assert not interval_set.overlaps(at(0), at(10))
    assert not interval_set.overlaps(at(15), at(15))


def test_interval_at_bounds_and_total_length():
    interval_set = minutes((0, 10), (20, 35))
    assert interval_set.interval_at(at(25)) == Interval(at(20), at(35))
    assert interval_set.interval_at(at(10)) is None
    assert interval_set.bounds == Interval(at(0), at(35))
    assert interval_set.total_length == dt.timedelta(minutes=25)
    with pytest.raises(ValueError):
        _ = IntervalSet().bounds


def test_clip_and_complement_within_bounds():
    interval_set = minutes((0, 10), (20, 30), (40, 50))
    assert as_minutes(interval_set.clip(at(5), at(45))) == [(5, 10), (20, 30), (40, 45)]
    assert as_minutes(interval_set.complement(at(5), at(45))) == [(10, 20), (30, 40)]
    assert not interval_set.clip(at(10), at(10))


def test_intersect_all_stops_once_empty():
    assert not intersect_all([minutes((0, 10)), minutes((20, 30)), minutes((0, 30))], minutes((0, 60)))
    assert as_minutes(intersect_all([minutes((0, 30)), minutes((10, 40))], minutes((0, 60)))) == [(10, 30)]


def test_operators_match_methods():
    a, b = minutes((0, 10)), minutes((5, 20))
    assert a | b == a.union(b)
    assert a & b == a.intersection(b)
    assert a - b == a.difference(b)


# --- laws ----------------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(interval_sets, interval_sets)
def test_operations_agree_with_brute_force_on_minutes(a, b):
    assert points(a | b) == points(a) | points(b)
    assert points(a & b) == points(a) & points(b)
    assert points(a - b) == points(a) - points(b)
    assert points(a.complement(at(20), at(150))) == set(range(20, 150)) - points(a)


@PROPERTY_SETTINGS
@given(interval_sets)
def test_results_are_sorted_disjoint_and_not_touching(a):
    pairs = list(a)
    assert all(start < end for start, end in pairs)
    assert all(earlier.end < later.start for earlier, later in itertools.pairwise(pairs))


@PROPERTY_SETTINGS
@given(interval_sets, interval_sets)
def test_difference_is_disjoint_from_what_was_removed(a, b):
    assert not (a - b) & b
    assert (a - b) | (a & b) == a


@PROPERTY_SETTINGS
@given(interval_sets, interval_sets)
def test_union_and_intersection_are_commutative(a, b):
    assert a | b == b | a
    assert a & b == b & a


@PROPERTY_SETTINGS
@given(interval_sets)
def test_union_and_intersection_are_idempotent(a):
    assert a | a == a
    assert a & a == a
    assert not a - a


@PROPERTY_SETTINGS
@given(interval_sets, interval_sets)
def test_lengths_add_up(a, b):
    assert (a | b).total_length + (a & b).total_length == a.total_length + b.total_length
    assert (a - b).total_length == a.total_length - (a & b).total_length


@PROPERTY_SETTINGS
@given(interval_sets, st.integers(0, 200), st.integers(1, 60))
def test_contains_and_overlaps_agree_with_brute_force(a, start, length):
    covered = points(a)
    span = set(range(start, start + length))
    assert a.contains(at(start), at(start + length)) == (span <= covered)
    assert a.overlaps(at(start), at(start + length)) == bool(span & covered)


@PROPERTY_SETTINGS
@given(interval_sets, st.integers(0, 200), st.integers(0, 60))
def test_clip_equals_intersection_with_the_span(a, start, length):
    assert a.clip(at(start), at(start + length)) == a & IntervalSet.span(at(start), at(start + length))
