"""Sorted, merged sets of half-open UTC intervals: the algebra free time is built from."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import NamedTuple

_ZERO = dt.timedelta(0)


class Interval(NamedTuple):
    """The half-open span [start, end) between two aware UTC instants."""

    start: dt.datetime
    end: dt.datetime

    @property
    def length(self) -> dt.timedelta:
        return self.end - self.start


def as_utc(instant: dt.datetime) -> dt.datetime:
    """`instant` in UTC; naive datetimes are refused because their instant is unknown."""
    if instant.tzinfo is dt.UTC:
        return instant
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{instant!r} has no time zone; intervals need aware instants.")
    return instant.astimezone(dt.UTC)


class IntervalSet:
    """An immutable set of instants stored as sorted, disjoint, non-touching half-open intervals.

    Set operations merge the two sorted lists in O(n + m); point lookups bisect in O(log n).
    """

    __slots__ = ("_ends", "_starts")

    _starts: list[dt.datetime]
    _ends: list[dt.datetime]

    def __init__(self, spans: Iterable[tuple[dt.datetime, dt.datetime]] = ()) -> None:
        pairs = []
        utc = dt.UTC
        for start, end in spans:
            if start.tzinfo is not utc or end.tzinfo is not utc:
                start, end = as_utc(start), as_utc(end)
            if end < start:
                raise ValueError(f"Interval ends before it starts: {start.isoformat()} > {end.isoformat()}.")
            if end > start:
                pairs.append((start, end))
        pairs.sort()
        self._starts, self._ends = _coalesce(pairs)

    @classmethod
    def _of_normalized(cls, starts: list[dt.datetime], ends: list[dt.datetime]) -> IntervalSet:
        result = cls.__new__(cls)
        result._starts, result._ends = starts, ends
        return result

    @classmethod
    def span(cls, start: dt.datetime, end: dt.datetime) -> IntervalSet:
        """The single interval [start, end) (empty when end <= start)."""
        start, end = as_utc(start), as_utc(end)
        return cls._of_normalized([start], [end]) if end > start else cls()

    # --- reading ---------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Interval]:
        return map(Interval, self._starts, self._ends)

    def __len__(self) -> int:
        return len(self._starts)

    def __bool__(self) -> bool:
        return bool(self._starts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IntervalSet):
            return NotImplemented
        return self._starts == other._starts and self._ends == other._ends

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        spans = ", ".join(f"[{s.isoformat()}, {e.isoformat()})" for s, e in self)
        return f"IntervalSet({spans})"

    @property
    def bounds(self) -> Interval:
        """From the first start to the last end; raises ValueError when empty."""
        if not self._starts:
            raise ValueError("An empty interval set has no bounds.")
        return Interval(self._starts[0], self._ends[-1])

    @property
    def total_length(self) -> dt.timedelta:
        return sum((end - start for start, end in zip(self._starts, self._ends, strict=True)), _ZERO)

    def contains(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether all of [start, end) lies in the set (an empty span counts if its instant does)."""
        index = bisect.bisect_right(self._starts, start) - 1
        return index >= 0 and self._ends[index] >= end and (self._ends[index] > start or end > start)

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether any instant of [start, end) lies in the set."""
        index = bisect.bisect_right(self._ends, start)
        return index < len(self._starts) and self._starts[index] < end and start < end

    def interval_at(self, instant: dt.datetime) -> Interval | None:
        """The interval holding `instant`, if any."""
        index = bisect.bisect_right(self._starts, instant) - 1
        if index >= 0 and self._ends[index] > instant:
            return Interval(self._starts[index], self._ends[index])
        return None

    # --- algebra ----------------------------------------------------------------------------------

    def union(self, other: IntervalSet) -> IntervalSet:
        a_starts, a_ends, b_starts, b_ends = self._starts, self._ends, other._starts, other._ends
        merged: list[tuple[dt.datetime, dt.datetime]] = []
        i = j = 0
        while i < len(a_starts) and j < len(b_starts):
            if a_starts[i] <= b_starts[j]:
                merged.append((a_starts[i], a_ends[i]))
                i += 1
            else:
                merged.append((b_starts[j], b_ends[j]))
                j += 1
        merged.extend(zip(a_starts[i:], a_ends[i:], strict=True))
        merged.extend(zip(b_starts[j:], b_ends[j:], strict=True))
        return IntervalSet._of_normalized(*_coalesce(merged))

    def intersection(self, other: IntervalSet) -> IntervalSet:
        a_starts, a_ends, b_starts, b_ends = self._starts, self._ends, other._starts, other._ends
        starts: list[dt.datetime] = []
        ends: list[dt.datetime] = []
        a_count, b_count = len(a_starts), len(b_starts)
        i = j = 0
        while i < a_count and j < b_count:
            low = a_starts[i] if a_starts[i] > b_starts[j] else b_starts[j]
            high = a_ends[i] if a_ends[i] < b_ends[j] else b_ends[j]
            if low < high:
                starts.append(low)
                ends.append(high)
            if a_ends[i] < b_ends[j]:
                i += 1
            else:
                j += 1
        return IntervalSet._of_normalized(starts, ends)

    def difference(self, other: IntervalSet) -> IntervalSet:
        """The instants of this set that are not in `other`."""
        b_starts, b_ends = other._starts, other._ends
        count = len(b_starts)
        starts: list[dt.datetime] = []
        ends: list[dt.datetime] = []
        j = 0
        for start, end in zip(self._starts, self._ends, strict=True):
            j = bisect.bisect_right(b_ends, start, j)  # the first removed interval ending after `start`
            cursor = start
            while j < count and b_starts[j] < end:
                if b_starts[j] > cursor:
                    starts.append(cursor)
                    ends.append(b_starts[j])
                cursor = b_ends[j]
                if cursor >= end:
                    break  # this removed interval may reach into the next one: keep `j`
                j += 1
            if cursor < end:
                starts.append(cursor)
                ends.append(end)
        return IntervalSet._of_normalized(starts, ends)

    def clip(self, start: dt.datetime, end: dt.datetime) -> IntervalSet:
        """The part of the set inside [start, end), found by bisection."""
        if end <= start:
            return IntervalSet()
        first = bisect.bisect_right(self._ends, start)
        last = bisect.bisect_left(self._starts, end)
        starts = self._starts[first:last]
        ends = self._ends[first:last]
        if starts:
            if starts[0] < start:
                starts[0] = start
            if ends[-1] > end:
                ends[-1] = end
        return IntervalSet._of_normalized(starts, ends)

    def complement(self, start: dt.datetime, end: dt.datetime) -> IntervalSet:
        """The instants of [start, end) that are not in the set."""
        return IntervalSet.span(start, end).difference(self)

    def __or__(self, other: IntervalSet) -> IntervalSet:
        return self.union(other)

    def __and__(self, other: IntervalSet) -> IntervalSet:
        return self.intersection(other)

    def __sub__(self, other: IntervalSet) -> IntervalSet:
        return self.difference(other)


def intersect_all(sets: Iterable[IntervalSet], bounds: IntervalSet) -> IntervalSet:
    """The instants of `bounds` that lie in every one of `sets`, stopping early once empty."""
    result = bounds
    for interval_set in sets:
        if not result:
            break
        result = result.intersection(interval_set)
    return result


def _coalesce(pairs: list[tuple[dt.datetime, dt.datetime]]) -> tuple[list[dt.datetime], list[dt.datetime]]:
    """Merge start-sorted pairs that overlap or touch."""
    starts: list[dt.datetime] = []
    ends: list[dt.datetime] = []
    for start, end in pairs:
        if ends and start <= ends[-1]:
            if end > ends[-1]:
                ends[-1] = end
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends
