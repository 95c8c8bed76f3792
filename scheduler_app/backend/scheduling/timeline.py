"""One participant's time over the search horizon as interval sets, and their attendance at a slot."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from scheduler_app.backend.scheduling.busy import BusyStatus, blocked_intervals
from scheduler_app.backend.scheduling.intervals import IntervalSet
from scheduler_app.backend.scheduling.request import Participant, SuggestionRequest
from scheduler_app.backend.scheduling.working_hours import (
    lunch_intervals,
    out_of_office_intervals,
    working_intervals,
)


class Attendance(StrEnum):
    """A participant's state for a slot; when several apply, the first in this order wins."""

    OUT_OF_OFFICE = "out_of_office"
    BUSY = "busy"
    OUTSIDE_WORKING_HOURS = "outside_working_hours"
    LUNCH = "lunch"
    TENTATIVE = "tentative"
    FREE = "free"


class Timeline:
    """A participant's working time, absences, meetings (buffers included) and lunch as interval sets.

    `free` is where they are plainly free: in working hours, no meeting (not even tentative), not away,
    not at lunch. A slot inside one interval of `free` is checked with a single bisection.
    """

    __slots__ = ("_feasible", "away", "busy", "free", "horizon", "hours", "lunch", "participant", "tentative")

    def __init__(
        self, participant: Participant, request: SuggestionRequest, start: dt.datetime, end: dt.datetime
    ):
        self.participant = participant
        self.horizon = IntervalSet.span(start, end)
        hours = participant.working_hours
        if hours is None:
            self.hours = self.horizon
            self.away = self.lunch = IntervalSet()
        else:
            self.hours = working_intervals(hours, start, end)
            self.away = out_of_office_intervals(hours, start, end)
            self.lunch = lunch_intervals(hours, start, end) if request.avoid_lunch else IntervalSet()
        blocked = blocked_intervals(
            participant.busy,
            start,
            end,
            buffer_before=request.buffer_before,
            buffer_after=request.buffer_after,
        )
        self.busy = blocked[BusyStatus.BUSY]
        self.tentative = blocked[BusyStatus.TENTATIVE]
        self.free = self.hours - self.away - self.busy - self.tentative - self.lunch
        self._feasible: dict[tuple[bool, bool], IntervalSet] = {}

    def attendance(self, start: dt.datetime, end: dt.datetime) -> Attendance:
        """How this participant stands for the slot [start, end)."""
        if self.free.contains(start, end):
            return Attendance.FREE
        if self.away.overlaps(start, end):
            return Attendance.OUT_OF_OFFICE
        if self.busy.overlaps(start, end):
            return Attendance.BUSY
        if not self.hours.contains(start, end):
            return Attendance.OUTSIDE_WORKING_HOURS
        if self.lunch.overlaps(start, end):
            return Attendance.LUNCH
        return Attendance.TENTATIVE

    def feasible(self, *, within_hours: bool, avoid_lunch: bool) -> IntervalSet:
        """Where the participant could attend as a required attendee: tentative meetings allowed."""
        key = (within_hours, avoid_lunch)
        if key not in self._feasible:
            base = self.hours if within_hours else self.horizon
            result = base - self.away - self.busy
            self._feasible[key] = result - self.lunch if avoid_lunch else result
        return self._feasible[key]
