"""The space one search explores: every participant's timeline, the candidate grid, and fitting on it."""

from __future__ import annotations

import bisect
import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from scheduler_app.backend.scheduling.grid import slot_starts
from scheduler_app.backend.scheduling.intervals import IntervalSet, intersect_all
from scheduler_app.backend.scheduling.request import Participant, SuggestionRequest
from scheduler_app.backend.scheduling.result import Suggestion
from scheduler_app.backend.scheduling.scoring import assess_slot
from scheduler_app.backend.scheduling.timeline import Timeline
from scheduler_app.backend.scheduling.wording import slot_label


@dataclass(frozen=True)
class SearchSpace:
    """Timelines cover [earliest, window end + lookahead); the grid holds candidate starts in that span."""

    request: SuggestionRequest
    viewer_zone: zoneinfo.ZoneInfo
    timelines: Sequence[Timeline]
    grid: Sequence[dt.datetime]
    earliest: dt.datetime
    horizon_end: dt.datetime

    @classmethod
    def build(cls, request: SuggestionRequest, participants: Sequence[Participant]) -> SearchSpace:
        earliest = request.earliest_start.astimezone(dt.UTC)
        horizon_end = (request.window_end + request.lookahead).astimezone(dt.UTC)
        zone = zoneinfo.ZoneInfo(request.viewer_time_zone)
        timelines = [Timeline(participant, request, earliest, horizon_end) for participant in participants]
        grid = slot_starts(earliest, horizon_end, request.slot_step, zone) if earliest < horizon_end else []
        return cls(request, zone, timelines, grid, earliest, horizon_end)

    @property
    def required(self) -> list[Timeline]:
        return [timeline for timeline in self.timelines if not timeline.participant.optional]

    @property
    def window(self) -> IntervalSet:
        """Where a suggested meeting may lie: from the earliest start to the window's end."""
        return IntervalSet.span(self.earliest, self.request.window_end)

    @property
    def horizon(self) -> IntervalSet:
        return IntervalSet.span(self.earliest, self.horizon_end)

    def required_feasible(
        self, *, within_hours: bool | None = None, avoid_lunch: bool | None = None
    ) -> list[IntervalSet]:
        """Each required participant's possible time, under the request's constraints unless overridden."""
        within_hours = self.request.respect_working_hours if within_hours is None else within_hours
        avoid_lunch = self.request.avoid_lunch if avoid_lunch is None else avoid_lunch
        return [
            timeline.feasible(within_hours=within_hours, avoid_lunch=avoid_lunch)
            for timeline in self.required
        ]

    def common_required_time(self, bounds: IntervalSet, **constraints: bool) -> IntervalSet:
        """The time in `bounds` when every required participant could attend."""
        return intersect_all(self.required_feasible(**constraints), bounds)

    def fitting_starts(self, free: IntervalSet, duration: dt.timedelta) -> list[dt.datetime]:
        """Grid starts whose slot lies inside one interval of `free` (bisect per interval, no scan)."""
        grid = self.grid
        starts: list[dt.datetime] = []
        for start, end in free:
            index = bisect.bisect_left(grid, start)
            while index < len(grid) and grid[index] + duration <= end:
                starts.append(grid[index])
                index += 1
        return starts

    def first_fit(self, free: IntervalSet, duration: dt.timedelta) -> dt.datetime | None:
        """The earliest grid start whose slot lies inside `free`."""
        grid = self.grid
        for start, end in free:
            index = bisect.bisect_left(grid, start)
            if index < len(grid) and grid[index] + duration <= end:
                return grid[index]
        return None

    def longest_fit(self, free: IntervalSet) -> tuple[dt.datetime, dt.timedelta] | None:
        """The grid start with the longest free run after it (the earliest such), and that run's length."""
        best: tuple[dt.datetime, dt.timedelta] | None = None
        for start, end in free:
            index = bisect.bisect_left(self.grid, start)
            if index < len(self.grid) and self.grid[index] < end:
                run = end - self.grid[index]
                if best is None or run > best[1]:
                    best = (self.grid[index], run)
        return best

    def assess(self, start: dt.datetime, end: dt.datetime) -> Suggestion:
        """Score the slot from every participant's attendance."""
        return assess_slot(
            start,
            end,
            [(timeline.participant, timeline.attendance(start, end)) for timeline in self.timelines],
        )

    def label(self, start: dt.datetime, end: dt.datetime) -> str:
        """The slot in the viewer's zone, e.g. "Tue 3 Mar 09:00-10:00 (Europe/Berlin)" (with an en dash)."""
        return slot_label(start, end, self.viewer_zone)
