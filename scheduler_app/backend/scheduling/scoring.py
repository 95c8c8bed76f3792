"""How good a slot is: a score out of 100 and the human-readable reasons behind it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field

from scheduler_app.backend.scheduling.request import Participant, ParticipantKind
from scheduler_app.backend.scheduling.result import Suggestion
from scheduler_app.backend.scheduling.timeline import Attendance
from scheduler_app.backend.scheduling.wording import count, join_names

PERFECT_SCORE = 100.0
# Penalties, in points off 100. A required attendee can only be tentative or (when working hours are
# not enforced) outside their hours at a suggested slot; anything else rules the slot out.
REQUIRED_TENTATIVE_PENALTY = 10.0
REQUIRED_TENTATIVE_CAP = 30.0
REQUIRED_OUTSIDE_HOURS_PENALTY = 20.0
REQUIRED_OUTSIDE_HOURS_CAP = 40.0
REQUIRED_UNAVAILABLE_PENALTY = 50.0
# Optional attendees share at most 30 points, at most 15 each; a tentative one costs half.
OPTIONAL_SHARE = 30.0
OPTIONAL_UNAVAILABLE_PENALTY = 15.0
# Unsociable local hours, per zone where an attending person sits (required ones always attend).
EARLY_OR_EVENING_PENALTY = 5.0
NIGHT_PENALTY = 15.0
COMFORT_CAP = 20.0
DAY_STARTS = dt.time(8)
EVENING_STARTS = dt.time(18)
NIGHT_ENDS = dt.time(6)
NIGHT_STARTS = dt.time(22)

_ATTENDING = (Attendance.FREE, Attendance.TENTATIVE)
_STATE_NOTES = {
    Attendance.OUT_OF_OFFICE: "out of office",
    Attendance.OUTSIDE_WORKING_HOURS: "outside working hours",
    Attendance.LUNCH: "at lunch",
}


@dataclass
class _Tally:
    """Participants grouped by what their attendance costs."""

    required_unavailable: list[tuple[Participant, Attendance]] = field(default_factory=list)
    required_outside: list[Participant] = field(default_factory=list)
    required_tentative: list[Participant] = field(default_factory=list)
    optional_unavailable: list[tuple[Participant, Attendance]] = field(default_factory=list)
    optional_tentative: list[Participant] = field(default_factory=list)
    optional_count: int = 0
    attending_zones: dict[str, None] = field(default_factory=dict)

    @classmethod
    def of(cls, attendances: Sequence[tuple[Participant, Attendance]]) -> _Tally:
        tally = cls()
        for participant, attendance in attendances:
            if participant.optional:
                tally.optional_count += 1
                if attendance is Attendance.TENTATIVE:
                    tally.optional_tentative.append(participant)
                elif attendance is not Attendance.FREE:
                    tally.optional_unavailable.append((participant, attendance))
            elif attendance is Attendance.TENTATIVE:
                tally.required_tentative.append(participant)
            elif attendance is Attendance.OUTSIDE_WORKING_HOURS:
                tally.required_outside.append(participant)
            elif attendance is not Attendance.FREE:
                tally.required_unavailable.append((participant, attendance))
            attends = not participant.optional or attendance in _ATTENDING
            if participant.kind is ParticipantKind.PERSON and attends:
                tally.attending_zones[participant.time_zone] = None
        return tally

    @property
    def required_conflicts(self) -> bool:
        return bool(self.required_unavailable or self.required_outside or self.required_tentative)

    @property
    def optional_conflicts(self) -> bool:
        return bool(self.optional_unavailable or self.optional_tentative)


def assess_slot(
    start: dt.datetime, end: dt.datetime, attendances: Sequence[tuple[Participant, Attendance]]
) -> Suggestion:
    """Score the slot [start, end) from each participant's attendance, with the reasons, worst first."""
    tally = _Tally.of(attendances)
    costs = _required_costs(tally) + _optional_costs(tally)
    comfort = [local_hour_note(start, end, zone) for zone in tally.attending_zones]
    comfort = [(note, points) for note, points in comfort if note]
    penalty = sum(points for _, points in costs) + min(COMFORT_CAP, sum(points for _, points in comfort))
    reasons = [reason for reason, _ in costs + comfort]
    if not (tally.required_conflicts or tally.optional_conflicts):
        reasons.insert(0, "Everyone is free")
    elif not tally.required_conflicts:
        reasons.insert(0, "All required attendees are free")
    free = tuple(participant.id for participant, attendance in attendances if attendance is Attendance.FREE)
    busy = tuple(
        participant.id for participant, attendance in attendances if attendance is not Attendance.FREE
    )
    score = round(max(0.0, PERFECT_SCORE - penalty), 1)
    return Suggestion(start, end, score, free, busy, tuple(reasons))


def _required_costs(tally: _Tally) -> list[tuple[str, float]]:
    costs = [
        (
            f"{participant.display_name} is {_STATE_NOTES.get(attendance, 'busy')}",
            REQUIRED_UNAVAILABLE_PENALTY,
        )
        for participant, attendance in tally.required_unavailable
    ]
    if outside := tally.required_outside:
        penalty = min(REQUIRED_OUTSIDE_HOURS_CAP, REQUIRED_OUTSIDE_HOURS_PENALTY * len(outside))
        costs.append((_outside_hours_reason(outside), penalty))
    if tentative := tally.required_tentative:
        verb = "has a tentative meeting" if len(tentative) == 1 else "have tentative meetings"
        penalty = min(REQUIRED_TENTATIVE_CAP, REQUIRED_TENTATIVE_PENALTY * len(tentative))
        costs.append((f"{_names(tentative)} {verb} then", penalty))
    return costs


def _optional_costs(tally: _Tally) -> list[tuple[str, float]]:
    if not tally.optional_count:
        return []
    each = min(OPTIONAL_UNAVAILABLE_PENALTY, OPTIONAL_SHARE / tally.optional_count)
    costs = []
    if unavailable := tally.optional_unavailable:
        labels = [
            participant.display_name + (f" ({_STATE_NOTES[state]})" if state in _STATE_NOTES else "")
            for participant, state in unavailable
        ]
        costs.append(
            (f"{count(len(labels), 'optional attendee')} busy: {join_names(labels)}", each * len(labels))
        )
    if tentative := tally.optional_tentative:
        reason = f"{count(len(tentative), 'optional attendee')} tentative: {_names(tentative)}"
        costs.append((reason, each / 2 * len(tentative)))
    return costs


def ranking_key(suggestion: Suggestion) -> tuple[float, dt.datetime]:
    """Best first: higher score, then earlier start."""
    return (-suggestion.score, suggestion.start)


def local_hour_note(start: dt.datetime, end: dt.datetime, time_zone: str) -> tuple[str, float]:
    """("Early morning in Asia/Tokyo (07:00)", penalty) when the slot is at an unsociable local hour."""
    zone = zoneinfo.ZoneInfo(time_zone)
    local_start = start.astimezone(zone)
    local_end = end.astimezone(zone)
    start_minutes = _minutes(local_start.time())
    end_minutes = (local_end.date() - local_start.date()).days * 24 * 60 + _minutes(local_end.time())
    if start_minutes < _minutes(NIGHT_ENDS) or end_minutes > _minutes(NIGHT_STARTS):
        return f"At night in {time_zone} ({local_start:%H:%M})", NIGHT_PENALTY
    if start_minutes < _minutes(DAY_STARTS):
        return f"Early morning in {time_zone} ({local_start:%H:%M})", EARLY_OR_EVENING_PENALTY
    if end_minutes > _minutes(EVENING_STARTS):
        return f"Evening in {time_zone} (until {local_end:%H:%M})", EARLY_OR_EVENING_PENALTY
    return "", 0.0


def _minutes(time_of_day: dt.time) -> int:
    return time_of_day.hour * 60 + time_of_day.minute


def _outside_hours_reason(participants: Sequence[Participant]) -> str:
    if len(participants) == 1:
        return f"Outside {participants[0].display_name}'s working hours"
    return f"Outside the working hours of {_names(participants)}"


def _names(participants: Sequence[Participant]) -> str:
    return join_names([participant.display_name for participant in participants])
