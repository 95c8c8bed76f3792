"""Why the answer is what it is: who blocks the meeting, and the nearest searches that would succeed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from scheduler_app.backend.scheduling.intervals import IntervalSet, intersect_all
from scheduler_app.backend.scheduling.request import ParticipantKind
from scheduler_app.backend.scheduling.result import (
    Bottleneck,
    Explanation,
    Relaxation,
    RelaxationKind,
    Suggestion,
)
from scheduler_app.backend.scheduling.scoring import ranking_key
from scheduler_app.backend.scheduling.search_space import SearchSpace
from scheduler_app.backend.scheduling.timeline import Timeline
from scheduler_app.backend.scheduling.wording import (
    count,
    day_label,
    join_names,
    length_adjective,
    length_phrase,
)

# A shorter meeting is only offered when at least this long, rounded down to whole steps of this.
MIN_SHORTER_MEETING = dt.timedelta(minutes=15)
SHORTER_MEETING_ROUNDING = dt.timedelta(minutes=5)
MAX_RELAXATIONS_PER_KIND = 3
MAX_BOTTLENECKS = 3
# Relaxations that pick the best-scored time rather than the first look at this many fits at most.
MAX_RELAXATION_CANDIDATES = 500


def explain(space: SearchSpace, ranked: Sequence[Suggestion]) -> Explanation:
    """The explanation for `ranked` (every slot that fits, best first; empty when nothing fits)."""
    if ranked:
        return _when_found(space, ranked)
    return _when_nothing_fits(space)


def _when_found(space: SearchSpace, ranked: Sequence[Suggestion]) -> Explanation:
    everyone = sum(1 for suggestion in ranked if suggestion.everyone_free)
    times = f"{count(len(ranked), 'time')} {'suits' if len(ranked) == 1 else 'suit'}"
    if everyone:
        return Explanation(f"{times} every required attendee; everyone is free at {everyone} of them.")
    relaxations = _without_optional(space)
    everyone_free = intersect_all((timeline.free for timeline in space.timelines), space.horizon)
    if later := _later_window(space, everyone_free, "a time when everyone is free: "):
        relaxations.append(later)
    return Explanation(f"{times} every required attendee, but none suits everyone.", (), tuple(relaxations))


def _without_optional(space: SearchSpace) -> list[Relaxation]:
    """For each optional participant, the first time everyone else is plainly free."""
    duration = space.request.duration
    found = []
    others_free = _leave_one_out([timeline.free for timeline in space.timelines], space.window)
    for timeline, free in zip(space.timelines, others_free, strict=True):
        if timeline.participant.optional and (start := space.first_fit(free, duration)):
            found.append((start, timeline))
    found.sort(key=lambda item: item[0])
    return [
        Relaxation(
            RelaxationKind.WITHOUT_PARTICIPANT,
            f"Without optional {timeline.participant.display_name}, everyone else is free on "
            f"{space.label(start, start + duration)}.",
            start,
            start + duration,
            timeline.participant.id,
        )
        for start, timeline in found[:MAX_RELAXATIONS_PER_KIND]
    ]


def _when_nothing_fits(space: SearchSpace) -> Explanation:
    request = space.request
    duration = request.duration
    if space.earliest + duration > request.window_end:
        summary = _too_late_summary(space)
        bottlenecks: list[Bottleneck] = []
        without: list[Relaxation] = []
    else:
        bottlenecks, without = _single_bottlenecks(space)
        if not bottlenecks or _working_hours_clash(space):
            bottlenecks = _conflicting_participants(space)
        summary = "No time in the window suits every required attendee"
        if bottlenecks:
            names = join_names([bottleneck.display_name for bottleneck in bottlenecks])
            summary += f"; {names} {'is the bottleneck' if len(bottlenecks) == 1 else 'are the bottlenecks'}"
        summary += "."
    relaxations: list[Relaxation] = []
    if shorter := _shorter_meeting(space):
        relaxations.append(shorter)
    if later := _later_window(space, space.common_required_time(space.horizon), ""):
        relaxations.append(later)
    relaxations += without
    if request.respect_working_hours and (outside := _ignoring_working_hours(space)):
        relaxations.append(outside)
    if request.avoid_lunch and (lunch := _over_lunch(space)):
        relaxations.append(lunch)
    return Explanation(summary, tuple(bottlenecks), tuple(relaxations))


def _too_late_summary(space: SearchSpace) -> str:
    request = space.request
    meeting = length_adjective(request.duration)
    if request.earliest_start > request.window_start:
        earliest = space.earliest.astimezone(space.viewer_zone)
        notice = (
            f"with a minimum notice of {length_phrase(request.min_notice)} " if request.min_notice else ""
        )
        return (
            f"Nothing fits: {notice}the earliest start is {day_label(earliest)} {earliest:%H:%M} "
            f"({space.viewer_zone.key}), too late for a {meeting} meeting in this window."
        )
    return f"Nothing fits: the window is shorter than a {meeting} meeting."


def _single_bottlenecks(space: SearchSpace) -> tuple[list[Bottleneck], list[Relaxation]]:
    """Required participants without whom a time would fit, each with that time."""
    required = space.required
    if len(required) < 2:
        return [], []
    duration = space.request.duration
    found = []
    for timeline, others in zip(
        required, _leave_one_out(space.required_feasible(), space.window), strict=True
    ):
        if start := space.first_fit(others, duration):
            found.append((start, timeline))
    found.sort(key=lambda item: item[0])
    bottlenecks, relaxations = [], []
    for start, timeline in found[:MAX_BOTTLENECKS]:
        end = start + duration
        participant = timeline.participant
        label = space.label(start, end)
        bottlenecks.append(
            Bottleneck(
                participant.id,
                participant.display_name,
                f"{_blocking_state(space, timeline, start, end)} on {label}, when every other required attendee is free",
            )
        )
        relaxations.append(
            Relaxation(
                RelaxationKind.WITHOUT_PARTICIPANT,
                f"Without {participant.display_name}, {label} suits the other required attendees.",
                start,
                end,
                participant.id,
            )
        )
    return bottlenecks, relaxations


def _working_hours_clash(space: SearchSpace) -> bool:
    """Whether the required participants' working hours alone leave no room for the meeting."""
    if not space.request.respect_working_hours:
        return False
    shared_hours = intersect_all(
        (timeline.hours - timeline.away for timeline in space.required), space.window
    )
    return space.first_fit(shared_hours, space.request.duration) is None


def _conflicting_participants(space: SearchSpace) -> list[Bottleneck]:
    """When no single person unblocks the meeting: who has no time at all, or none shared with the rest.

    Participants are added least-available first; one whose time leaves no fit with those already
    added is a bottleneck and is left out of the running intersection.
    """
    duration = space.request.duration
    window = space.window
    within_hours = space.request.respect_working_hours
    order = sorted(
        zip(space.required, space.required_feasible(), strict=True),
        key=lambda pair: (pair[1] & window).total_length,
    )
    shared, shared_hours = window, window
    admitted: list[Timeline] = []
    bottlenecks: list[Bottleneck] = []
    for timeline, feasible in order:
        participant = timeline.participant
        hours = timeline.hours - timeline.away if within_hours else window
        if space.first_fit(feasible & window, duration) is None:
            reason = _own_reason(space, timeline)
        elif admitted and space.first_fit(shared_hours & hours, duration) is None:
            reason = (
                f"working hours ({_zone_of(timeline)}) never overlap those of {_names(admitted)} "
                "long enough in the window"
            )
        elif space.first_fit(shared & feasible, duration) is None:
            reason = f"never free at the same time as {_names(admitted)} in the window"
        else:
            shared, shared_hours = shared & feasible, shared_hours & hours
            admitted.append(timeline)
            continue
        bottlenecks.append(Bottleneck(participant.id, participant.display_name, reason))
        if len(bottlenecks) == MAX_BOTTLENECKS:
            break
    return bottlenecks


def _own_reason(space: SearchSpace, timeline: Timeline) -> str:
    """Why one participant alone has no room for the meeting in the window."""
    duration = space.request.duration
    window = space.window
    hours = timeline.hours & window if space.request.respect_working_hours else window
    if space.first_fit(hours, duration) is None:
        return "no working hours long enough in the window"
    if space.first_fit(hours - timeline.away, duration) is None:
        return "out of office whenever they work in the window"
    booked = "booked" if timeline.participant.kind is ParticipantKind.SHARED_CALENDAR else "busy"
    if space.request.avoid_lunch and space.first_fit(hours - timeline.away - timeline.busy, duration):
        return f"{booked} or at lunch whenever they work in the window"
    return f"{booked} whenever they work in the window"


def _blocking_state(space: SearchSpace, timeline: Timeline, start: dt.datetime, end: dt.datetime) -> str:
    """What rules a required participant out of the slot, in the request's terms."""
    if timeline.away.overlaps(start, end):
        return "Out of office"
    if timeline.busy.overlaps(start, end):
        return "Booked" if timeline.participant.kind is ParticipantKind.SHARED_CALENDAR else "Busy"
    if space.request.respect_working_hours and not timeline.hours.contains(start, end):
        return "Outside working hours"
    return "At lunch"


def _shorter_meeting(space: SearchSpace) -> Relaxation | None:
    duration = space.request.duration
    fit = space.longest_fit(space.common_required_time(space.window))
    if fit is None:
        return None
    start, run = fit
    length = min(run, duration - SHORTER_MEETING_ROUNDING)
    length -= length % SHORTER_MEETING_ROUNDING
    if length < MIN_SHORTER_MEETING:
        return None
    end = start + length
    return Relaxation(
        RelaxationKind.SHORTER_MEETING,
        f"A {length_adjective(length)} meeting would fit: {space.label(start, end)}.",
        start,
        end,
    )


def _later_window(space: SearchSpace, free: IntervalSet, what: str) -> Relaxation | None:
    """The first fit in `free` over the lookahead, which only exists past the window's end."""
    duration = space.request.duration
    start = space.first_fit(free, duration)
    if start is None:
        return None
    end = start + duration
    last_day = (end - dt.timedelta(microseconds=1)).astimezone(space.viewer_zone)
    return Relaxation(
        RelaxationKind.LATER_WINDOW,
        f"Extending the window to the end of {day_label(last_day)} finds {what}{space.label(start, end)}.",
        start,
        end,
    )


def _ignoring_working_hours(space: SearchSpace) -> Relaxation | None:
    """The best-scored time when everyone required could meet if working hours were not enforced."""
    duration = space.request.duration
    free = space.common_required_time(space.window, within_hours=False)
    starts = space.fitting_starts(free, duration)[:MAX_RELAXATION_CANDIDATES]
    if not starts:
        return None
    best = min((space.assess(start, start + duration) for start in starts), key=ranking_key)
    outside = [timeline for timeline in space.required if not timeline.hours.contains(best.start, best.end)]
    return Relaxation(
        RelaxationKind.OUTSIDE_WORKING_HOURS,
        f"Outside working hours, {space.label(best.start, best.end)} suits every required attendee "
        f"(outside the hours of {_names(outside)}).",
        best.start,
        best.end,
    )


def _over_lunch(space: SearchSpace) -> Relaxation | None:
    duration = space.request.duration
    start = space.first_fit(space.common_required_time(space.window, avoid_lunch=False), duration)
    if start is None:
        return None
    end = start + duration
    return Relaxation(
        RelaxationKind.OVER_LUNCH,
        f"Over lunch, {space.label(start, end)} suits every required attendee.",
        start,
        end,
    )


def _leave_one_out(sets: Sequence[IntervalSet], bounds: IntervalSet) -> list[IntervalSet]:
    """For each position, the intersection of all the other sets within `bounds` (prefix and suffix)."""
    prefix = [bounds]
    for interval_set in sets:
        prefix.append(prefix[-1] & interval_set)
    suffix = [bounds]
    for interval_set in reversed(sets):
        suffix.append(suffix[-1] & interval_set)
    suffix.reverse()
    return [prefix[index] & suffix[index + 1] for index in range(len(sets))]


def _zone_of(timeline: Timeline) -> str:
    hours = timeline.participant.working_hours
    return hours.time_zone if hours is not None else timeline.participant.time_zone


def _names(timelines: Sequence[Timeline]) -> str:
    return join_names([timeline.participant.display_name for timeline in timelines])
