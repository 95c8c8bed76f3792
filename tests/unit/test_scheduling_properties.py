"""Properties of whole searches on random calendars: a brute-force oracle, working hours, viewer zones."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler_app.backend.scheduling import (
    BusyInterval,
    BusyStatus,
    DateOverride,
    OutOfOffice,
    Participant,
    SuggestionRequest,
    TimeRange,
    WorkingHours,
    available_intervals,
    find_suggestions,
)
from scheduler_app.backend.scheduling.intervals import IntervalSet
from scheduler_app.backend.scheduling.scoring import assess_slot, ranking_key
from tests.scheduling_oracle import ScannedCalendar

pytestmark = pytest.mark.unit

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None)
MINUTE = dt.timedelta(minutes=1)
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney"]
# Windows start shortly before the 2026 clock changes of New York, Berlin and Sydney, or in a plain week.
WINDOW_DAYS = [
    dt.date(2026, 3, 6),
    dt.date(2026, 3, 27),
    dt.date(2026, 4, 3),
    dt.date(2026, 10, 23),
    dt.date(2026, 6, 1),
]
# Offsets that are whole half-hours, so a 30-minute grid is the same instants in each.
ANY_STEP = st.sampled_from([15, 30, 60])
HALF_HOUR_VIEWERS = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "America/St_Johns",
]


@st.composite
def working_hours(draw: st.DrawFn, zone: str, window_start: dt.datetime) -> WorkingHours:
    first_start = draw(st.integers(0, 36)) * 30
    first_end = first_start + draw(st.integers(2, 16)) * 30
    ranges = [(first_start, first_end)]
    if first_end < 22 * 60 and draw(st.booleans()):
        second_start = first_end + draw(st.integers(0, 4)) * 30
        ranges.append((second_start, min(24 * 60, second_start + draw(st.integers(1, 8)) * 30)))
    day_ranges = tuple(TimeRange(_time(start), _time(end)) for start, end in ranges)
    days = draw(st.sets(st.integers(0, 6), min_size=1))
    overrides = []
    if draw(st.booleans()):
        day = window_start.date() + dt.timedelta(days=draw(st.integers(0, 3)))
        overrides.append(DateOverride(day, draw(st.sampled_from([(), day_ranges[:1]]))))
    absences = []
    if draw(st.booleans()):
        start = window_start + draw(st.integers(0, 4 * 24 * 4)) * 15 * MINUTE
        absences.append(OutOfOffice(start, start + draw(st.integers(1, 48)) * 30 * MINUTE))
    return WorkingHours(zone, dict.fromkeys(days, day_ranges), overrides, absences)


def _time(minutes: int) -> dt.time:
    return dt.time(0) if minutes >= 24 * 60 else dt.time(minutes // 60, minutes % 60)


@st.composite
def scenarios(draw: st.DrawFn, step_minutes: st.SearchStrategy[int] = ANY_STEP):
    window_start = dt.datetime.combine(draw(st.sampled_from(WINDOW_DAYS)), dt.time(), dt.UTC)
    window_start += draw(st.integers(0, 23)) * 60 * MINUTE
    window_end = window_start + draw(st.integers(1, 4)) * dt.timedelta(days=1)
    participants = []
    for index in range(draw(st.integers(1, 4))):
        zone = draw(st.sampled_from(ZONES))
        busy = []
        for _ in range(draw(st.integers(0, 8))):
            start = window_start + draw(st.integers(-8, 4 * 24 * 4)) * 15 * MINUTE
            status = draw(st.sampled_from(list(BusyStatus)))
            busy.append(BusyInterval(start, start + draw(st.integers(1, 12)) * 15 * MINUTE, status))
        participants.append(
            Participant(
                f"p{index}",
                f"Person {index}",
                zone,
                draw(st.one_of(st.none(), working_hours(zone, window_start)))
                if index
                else draw(working_hours(zone, window_start)),
                busy,
                optional=bool(index) and draw(st.booleans()),
            )
        )
    request = SuggestionRequest(
        duration=draw(st.integers(1, 12)) * 15 * MINUTE,
        window_start=window_start,
        window_end=window_end,
        # Any clock before the window ends (a window already over is refused, and tested elsewhere).
        now=min(window_start + draw(st.integers(-24, 24)) * 60 * MINUTE, window_end - MINUTE),
        viewer_time_zone=draw(st.sampled_from(ZONES)),
        limit=50,
        slot_step=draw(step_minutes) * MINUTE,
        min_notice=draw(st.sampled_from([0, 60, 240])) * MINUTE,
        buffer_before=draw(st.sampled_from([0, 15])) * MINUTE,
        buffer_after=draw(st.sampled_from([0, 10])) * MINUTE,
        avoid_lunch=draw(st.booleans()),
        respect_working_hours=draw(st.booleans()),
        lookahead=dt.timedelta(days=1),
    )
    return request, participants


def brute_force(request: SuggestionRequest, participants: list[Participant]):
    """Every wall-clock-aligned start checked against every interval of every participant, by scanning."""
    zone = zoneinfo.ZoneInfo(request.viewer_time_zone)
    earliest = max(request.window_start, request.now + request.min_notice)
    step_minutes = int(request.slot_step / MINUTE)
    far = request.window_end + dt.timedelta(days=2)
    calendars = [ScannedCalendar(participant, request, earliest, far) for participant in participants]
    ranked = []
    instant = earliest.replace(minute=earliest.minute - earliest.minute % 5, second=0, microsecond=0)
    while instant + request.duration <= request.window_end:
        local = instant.astimezone(zone)
        end = instant + request.duration
        if (
            instant >= earliest
            and (local.hour * 60 + local.minute) % step_minutes == 0
            and all(
                calendar.can_attend(instant, end)
                for calendar in calendars
                if not calendar.participant.optional
            )
        ):
            ranked.append(
                assess_slot(instant, end, [(c.participant, c.attendance(instant, end)) for c in calendars])
            )
        instant += 5 * MINUTE
    return sorted(ranked, key=ranking_key)


@PROPERTY_SETTINGS
@given(scenarios())
def test_engine_ranks_exactly_as_the_brute_force_oracle(scenario):
    request, participants = scenario
    result = find_suggestions(request, participants)
    expected = brute_force(request, participants)
    assert result.candidates == len(expected)
    assert list(result.suggestions) == expected[: request.limit]
    if result.suggestions:
        assert not result.explanation.bottlenecks
    elif max(request.window_start, request.now + request.min_notice) + request.duration <= request.window_end:
        assert result.explanation.bottlenecks


@PROPERTY_SETTINGS
@given(scenarios())
def test_suggestions_respect_required_hours_busy_time_and_the_window(scenario):
    request, participants = scenario
    result = find_suggestions(request, participants)
    earliest = max(request.window_start, request.now + request.min_notice)
    for suggestion in result.suggestions:
        assert earliest <= suggestion.start < suggestion.end <= request.window_end
        assert suggestion.end - suggestion.start == request.duration
        for participant in participants:
            if participant.optional:
                continue
            busy = IntervalSet(
                (m.start - request.buffer_after, m.end + request.buffer_before)
                for m in participant.busy
                if m.status is BusyStatus.BUSY
            )
            assert not busy.overlaps(suggestion.start, suggestion.end)
            hours = participant.working_hours
            if hours is not None and request.respect_working_hours:
                available = available_intervals(hours, request.window_start, request.window_end)
                assert available.contains(suggestion.start, suggestion.end)


@settings(max_examples=25, deadline=None)
@given(scenarios(step_minutes=st.sampled_from([30, 60])), st.sampled_from(HALF_HOUR_VIEWERS))
def test_the_viewer_zone_changes_labels_only(scenario, viewer):
    request, participants = scenario
    request = SuggestionRequest(**(vars(request) | {"slot_step": 30 * MINUTE, "viewer_time_zone": "UTC"}))
    elsewhere = SuggestionRequest(**(vars(request) | {"viewer_time_zone": viewer}))
    here, there = find_suggestions(request, participants), find_suggestions(elsewhere, participants)
    assert here.suggestions == there.suggestions
    assert here.candidates == there.candidates

    def instants(result):
        return [(r.kind, r.start, r.end, r.participant_id) for r in result.explanation.relaxations]

    assert instants(here) == instants(there)
    assert [b.participant_id for b in here.explanation.bottlenecks] == [
        b.participant_id for b in there.explanation.bottlenecks
    ]
