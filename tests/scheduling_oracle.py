"""A participant's time as plain lists, scanned in full for every question: the reference the engine's
answers are checked against (tests) and timed against (bench)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from scheduler_app.backend.scheduling import BusyStatus, Participant, SuggestionRequest
from scheduler_app.backend.scheduling.timeline import Attendance
from scheduler_app.backend.scheduling.working_hours import lunch_intervals, working_intervals


def overlaps(spans: Sequence[tuple[dt.datetime, dt.datetime]], start: dt.datetime, end: dt.datetime) -> bool:
    return any(span_start < end and start < span_end for span_start, span_end in spans)


class ScannedCalendar:
    """Working hours, absences, lunch and meetings (widened by the buffers) of one participant."""

    def __init__(
        self, participant: Participant, request: SuggestionRequest, start: dt.datetime, end: dt.datetime
    ):
        self.participant = participant
        self.request = request
        hours = participant.working_hours
        self.hours = list(working_intervals(hours, start, end)) if hours else None
        self.away = [(absence.start, absence.end) for absence in hours.out_of_office] if hours else []
        self.lunch = list(lunch_intervals(hours, start, end)) if hours and request.avoid_lunch else []
        before, after = request.buffer_before, request.buffer_after
        widened = [(m.start - after, m.end + before, m.status) for m in participant.busy]
        self.busy = [(s, e) for s, e, status in widened if status is BusyStatus.BUSY]
        self.tentative = [(s, e) for s, e, status in widened if status is BusyStatus.TENTATIVE]

    def in_hours(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.hours is None or any(s <= start and end <= e for s, e in self.hours)

    def can_attend(self, start: dt.datetime, end: dt.datetime) -> bool:
        return not (
            overlaps(self.away, start, end)
            or overlaps(self.busy, start, end)
            or overlaps(self.lunch, start, end)
            or (self.request.respect_working_hours and not self.in_hours(start, end))
        )

    def attendance(self, start: dt.datetime, end: dt.datetime) -> Attendance:
        if overlaps(self.away, start, end):
            return Attendance.OUT_OF_OFFICE
        if overlaps(self.busy, start, end):
            return Attendance.BUSY
        if not self.in_hours(start, end):
            return Attendance.OUTSIDE_WORKING_HOURS
        if overlaps(self.lunch, start, end):
            return Attendance.LUNCH
        if overlaps(self.tentative, start, end):
            return Attendance.TENTATIVE
        return Attendance.FREE
