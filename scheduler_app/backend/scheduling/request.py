"""What a "find a time" search is asked: the request, its participants, the limits and their validation."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from scheduler_app.backend.errors import FieldProblem, InvalidInputError
from scheduler_app.backend.events import timing
from scheduler_app.backend.scheduling.busy import BusyInterval, BusyStatus
from scheduler_app.backend.scheduling.working_hours import WorkingHours, working_hours_problems

# Past about 200 people the answer is always "someone is busy" and the explanation stops being
# readable. Cost grows linearly: 200 people with a year of meetings each take ~0.3 s, 500 ~0.8 s on
# two shared cores (docs/PERFORMANCE.md), too slow for a request made while typing.
MAX_PARTICIPANTS = 200
# Three calendar months in any zone (the longest three consecutive months have 92 days, plus the
# hour a DST change adds).
MAX_WINDOW = dt.timedelta(days=93)
MAX_DURATION = dt.timedelta(hours=24)
# Steps divide an hour, so the grid stays on the hour in every zone across DST changes.
SLOT_STEPS = tuple(dt.timedelta(minutes=minutes) for minutes in (5, 10, 15, 20, 30, 60))
MAX_SUGGESTIONS = 50
MAX_MIN_NOTICE = dt.timedelta(days=30)
MAX_BUFFER = dt.timedelta(hours=4)
MAX_LOOKAHEAD = dt.timedelta(days=31)
# Ten years of a heavy calendar; callers are expected to pass only `busy_range()` anyway.
MAX_BUSY_PER_PARTICIPANT = 20_000
# Instants beyond this are refused so that window arithmetic never overflows `datetime`.
_LATEST_INSTANT = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)
_NONE = dt.timedelta(0)
_STATUSES = frozenset(BusyStatus)


class ParticipantKind(StrEnum):
    PERSON = "person"
    SHARED_CALENDAR = "shared_calendar"


@dataclass(frozen=True)
class Participant:
    """Someone (or a shared calendar such as a room) whose time the meeting needs.

    `time_zone` is where they are (used for "early morning in ..." labels); `working_hours` carries
    its own zone. No working hours means available around the clock, as for most shared calendars.
    """

    id: str
    display_name: str
    time_zone: str = "UTC"
    working_hours: WorkingHours | None = None
    busy: Sequence[BusyInterval] = ()
    optional: bool = False
    kind: ParticipantKind = ParticipantKind.PERSON


@dataclass(frozen=True)
class SuggestionRequest:
    """A search for `duration` free in [window_start, window_end); instants are aware, `now` is the clock.

    Buffers keep time clear before and after the new meeting. `lookahead` is how far past the window
    the "extend the window" relaxation may look; busy data must cover `busy_range()`.
    """

    duration: dt.timedelta
    window_start: dt.datetime
    window_end: dt.datetime
    now: dt.datetime
    viewer_time_zone: str = "UTC"
    limit: int = 10
    slot_step: dt.timedelta = dt.timedelta(minutes=15)
    min_notice: dt.timedelta = _NONE
    buffer_before: dt.timedelta = _NONE
    buffer_after: dt.timedelta = _NONE
    avoid_lunch: bool = False
    respect_working_hours: bool = True
    lookahead: dt.timedelta = dt.timedelta(days=7)

    def busy_range(self) -> tuple[dt.datetime, dt.datetime]:
        """The span of busy time the engine reads: load at least the meetings overlapping it."""
        return self.window_start - self.buffer_before, self.window_end + self.lookahead + self.buffer_after

    @property
    def earliest_start(self) -> dt.datetime:
        """The first instant a meeting may start: the window's start, or now plus the notice."""
        return max(self.window_start, self.now + self.min_notice)


def validated_participants(
    request: SuggestionRequest, participants: Sequence[Participant]
) -> list[Participant]:
    """Check the search, raising InvalidInputError that names every invalid field.

    Returns the participants keeping only the meetings that reach `request.busy_range()` (all the
    engine reads), so a caller passing a whole year costs one pass over it.
    """
    problems = _request_problems(request)
    checked: list[Participant] = []
    if not participants:
        problems.append(FieldProblem("participants", "Add at least one participant."))
    elif len(participants) > MAX_PARTICIPANTS:
        problems.append(
            FieldProblem(
                "participants",
                f"At most {MAX_PARTICIPANTS} participants can be compared; got {len(participants)}.",
            )
        )
    else:
        busy_range = None if problems else request.busy_range()
        problems += _identity_problems(participants)
        for index, participant in enumerate(participants):
            path = f"participants[{index}]"
            if participant.working_hours is not None:
                problems += working_hours_problems(participant.working_hours, f"{path}.working_hours")
            relevant, busy_problems = _relevant_busy(participant.busy, f"{path}.busy", busy_range)
            problems += busy_problems
            checked.append(dataclasses.replace(participant, busy=relevant))
    if problems:
        raise InvalidInputError("The search for a meeting time is invalid.", problems)
    return checked


def _request_problems(request: SuggestionRequest) -> list[FieldProblem]:
    problems: list[FieldProblem] = []

    def check(condition: bool, field: str, message: str) -> bool:
        if not condition:
            problems.append(FieldProblem(field, message))
        return condition

    if check(
        isinstance(request.duration, dt.timedelta), "duration", "The duration must be a length of time."
    ):
        check(request.duration > _NONE, "duration", "The meeting must last longer than zero minutes.")
        check(
            request.duration <= MAX_DURATION,
            "duration",
            f"A meeting may last at most {_hours(MAX_DURATION)} hours.",
        )
    instants_ok = all(
        [
            check(
                _is_aware(request.window_start),
                "window_start",
                "Give the window's start with a time zone or offset.",
            ),
            check(
                _is_aware(request.window_end),
                "window_end",
                "Give the window's end with a time zone or offset.",
            ),
            check(_is_aware(request.now), "now", "The current time must be an aware instant."),
        ]
    )
    if instants_ok and check(
        request.window_end <= _LATEST_INSTANT, "window_end", "The window is too far in the future."
    ):
        span = request.window_end - request.window_start
        if check(span > _NONE, "window_end", "The window must end after it starts."):
            check(
                span <= MAX_WINDOW,
                "window_end",
                f"The window may span at most {MAX_WINDOW.days} days; this one spans {span.days} days.",
            )
            check(
                request.window_end > request.now,
                "window_end",
                f"The window ended before now ({request.now.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC); "
                "choose a window in the future.",
            )
    check(
        isinstance(request.viewer_time_zone, str) and request.viewer_time_zone in timing.available_zones(),
        "viewer_time_zone",
        f"{request.viewer_time_zone!r} is not an IANA time zone such as 'Europe/Berlin'.",
    )
    check(
        isinstance(request.limit, int) and 1 <= request.limit <= MAX_SUGGESTIONS,
        "limit",
        f"Ask for 1 to {MAX_SUGGESTIONS} suggestions.",
    )
    check(
        request.slot_step in SLOT_STEPS,
        "slot_step",
        "The step between candidate times must be one of "
        + ", ".join(f"{int(step.total_seconds() // 60)}" for step in SLOT_STEPS)
        + " minutes.",
    )
    for field, value, limit in (
        ("min_notice", request.min_notice, MAX_MIN_NOTICE),
        ("buffer_before", request.buffer_before, MAX_BUFFER),
        ("buffer_after", request.buffer_after, MAX_BUFFER),
        ("lookahead", request.lookahead, MAX_LOOKAHEAD),
    ):
        check(
            isinstance(value, dt.timedelta) and _NONE <= value <= limit,
            field,
            f"Must be between zero and {_describe(limit)}.",
        )
    return problems


def _identity_problems(participants: Sequence[Participant]) -> list[FieldProblem]:
    """Ids present and unique, zones known, someone required."""
    problems: list[FieldProblem] = []
    seen: dict[str, int] = {}
    for index, participant in enumerate(participants):
        path = f"participants[{index}]"
        if not isinstance(participant.id, str) or not participant.id:
            problems.append(FieldProblem(f"{path}.id", "Each participant needs an id."))
        elif (first := seen.setdefault(participant.id, index)) != index:
            problems.append(
                FieldProblem(f"{path}.id", f"{participant.id!r} is already participants[{first}].")
            )
        if participant.time_zone not in timing.available_zones():
            problems.append(
                FieldProblem(
                    f"{path}.time_zone",
                    f"{participant.time_zone!r} is not an IANA time zone such as 'Europe/Berlin'.",
                )
            )
    if all(participant.optional for participant in participants):
        problems.append(FieldProblem("participants", "At least one participant must be required."))
    return problems


def _relevant_busy(
    busy: Sequence[BusyInterval], path: str, span: tuple[dt.datetime, dt.datetime] | None
) -> tuple[list[BusyInterval], list[FieldProblem]]:
    """The meetings that reach `span` (all when unknown), and the first problem among them."""
    if len(busy) > MAX_BUSY_PER_PARTICIPANT:
        message = (
            f"At most {MAX_BUSY_PER_PARTICIPANT} busy intervals per participant; pass only the window's."
        )
        return [], [FieldProblem(path, message)]
    if span is not None:
        low, high = span
        # Comparing with the aware bounds succeeds only for aware datetimes, so the meetings kept are
        # known to be aware; anything else raises, and then every meeting is checked one by one.
        with contextlib.suppress(TypeError, AttributeError):
            relevant = [meeting for meeting in busy if meeting.start < high and meeting.end > low]
            if all(meeting.end > meeting.start and meeting.status in _STATUSES for meeting in relevant):
                return relevant, []
    for index, meeting in enumerate(busy):
        if not (_is_aware(meeting.start) and _is_aware(meeting.end)):
            field, message = "", "Busy times need a time zone or UTC offset."
        elif meeting.end <= meeting.start:
            field, message = ".end", "A busy interval must end after it starts."
        elif meeting.status not in _STATUSES:
            field, message = ".status", "The status must be 'busy' or 'tentative'."
        else:
            continue
        return [], [FieldProblem(f"{path}[{index}]{field}", message)]
    return list(busy), []


def _is_aware(instant: object) -> bool:
    return isinstance(instant, dt.datetime) and instant.utcoffset() is not None


def _hours(length: dt.timedelta) -> int:
    return int(length.total_seconds() // 3600)


def _describe(length: dt.timedelta) -> str:
    if length >= dt.timedelta(days=1):
        return f"{length.days} days"
    return f"{_hours(length)} hours"
