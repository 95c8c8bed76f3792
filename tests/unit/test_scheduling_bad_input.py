"""Bad searches: each is an InvalidInputError naming the field, or an empty answer that says why."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from scheduler_app.backend.errors import InvalidInputError
from scheduler_app.backend.scheduling import (
    MAX_PARTICIPANTS,
    MAX_WINDOW,
    BusyInterval,
    Participant,
    SuggestionRequest,
    TimeRange,
    WorkingHours,
    find_suggestions,
)
from scheduler_app.backend.scheduling.working_hours import DateOverride
from tests.scheduling_cases import HOUR, MONDAY, base_request, utc

pytestmark = pytest.mark.unit


request = base_request


def person(index: int = 0, **changes) -> Participant:
    values = {
        "id": f"p{index}",
        "display_name": f"Person {index}",
        "time_zone": "Europe/Berlin",
        "working_hours": WorkingHours.weekdays("Europe/Berlin", "09:00-17:00"),
    }
    return Participant(**(values | changes))


def problems(search_request: SuggestionRequest, participants: list[Participant]) -> dict[str, str]:
    with pytest.raises(InvalidInputError) as error:
        find_suggestions(search_request, participants)
    assert error.value.status == 422
    return {problem.field: problem.message for problem in error.value.errors}


@pytest.mark.parametrize("duration", [dt.timedelta(0), -HOUR, dt.timedelta(microseconds=-1)])
def test_zero_or_negative_duration(duration):
    assert problems(request(duration=duration), [person()]) == {
        "duration": "The meeting must last longer than zero minutes."
    }


def test_duration_beyond_a_day():
    assert "at most 24 hours" in problems(request(duration=dt.timedelta(hours=25)), [person()])["duration"]


def test_a_window_of_ten_years():
    found = problems(request(window_end=MONDAY + dt.timedelta(days=3653)), [person()])
    assert found == {
        "window_end": f"The window may span at most {MAX_WINDOW.days} days; this one spans 3653 days."
    }


def test_a_window_of_three_calendar_months_is_fine():
    result = find_suggestions(
        request(window_start=utc(2026, 9, 30, 22), window_end=utc(2026, 12, 31, 23)), [person()]
    )
    assert result.suggestions


def test_five_hundred_participants_are_refused_at_once():
    many = [person(index, busy=[BusyInterval(MONDAY, MONDAY + HOUR)] * 2000) for index in range(500)]
    began = time.perf_counter()
    found = problems(request(), many)
    assert time.perf_counter() - began < 0.5
    assert found == {"participants": f"At most {MAX_PARTICIPANTS} participants can be compared; got 500."}


def test_the_largest_allowed_group_is_answered():
    group = [person(index) for index in range(MAX_PARTICIPANTS)]
    result = find_suggestions(request(), group)
    assert len(result.suggestions) == 10


def test_a_window_entirely_in_the_past():
    found = problems(request(now=utc(2026, 4, 1)), [person()])
    assert set(found) == {"window_end"}
    assert "ended before now (2026-04-01 00:00 UTC)" in found["window_end"]


def test_a_window_partly_in_the_past_starts_now():
    result = find_suggestions(request(now=utc(2026, 3, 3, 12, 5)), [person()])
    assert result.suggestions[0].start == utc(2026, 3, 3, 12, 15)


def test_a_working_week_with_no_hours():
    empty = WorkingHours("Europe/Berlin", {day: () for day in range(7)})
    found = problems(request(), [person(), person(1, working_hours=empty)])
    assert set(found) == {"participants[1].working_hours.weekly"}


def test_conflicting_overrides():
    day = dt.date(2026, 3, 3)
    hours = WorkingHours.weekdays(
        "Europe/Berlin",
        "09:00-17:00",
        overrides=[DateOverride(day, (TimeRange.parse("10:00-12:00"),)), DateOverride(day)],
    )
    found = problems(request(), [person(working_hours=hours)])
    assert set(found) == {"participants[0].working_hours.overrides[1]"}
    assert (
        "2026-03-03 is already overridden with different hours (overrides[0])"
        in found["participants[0].working_hours.overrides[1]"]
    )


def test_overlapping_ranges_in_a_day():
    hours = WorkingHours("UTC", {2: (TimeRange.parse("09:00-12:00"), TimeRange.parse("10:00-11:00"))})
    assert set(problems(request(), [person(working_hours=hours)])) == {
        "participants[0].working_hours.weekly.wednesday"
    }


def test_every_problem_is_reported_at_once():
    found = problems(
        request(
            duration=dt.timedelta(0),
            window_start=dt.datetime(2026, 3, 2),
            viewer_time_zone="Mars/Base",
            limit=0,
            slot_step=dt.timedelta(minutes=7),
            buffer_before=-HOUR,
            lookahead=dt.timedelta(days=400),
        ),
        [person(time_zone="Nowhere"), person(busy=[BusyInterval(MONDAY + HOUR, MONDAY)])],
    )
    assert set(found) == {
        "duration",
        "window_start",
        "viewer_time_zone",
        "limit",
        "slot_step",
        "buffer_before",
        "lookahead",
        "participants[0].time_zone",
        "participants[1].id",
        "participants[1].busy[0].end",
    }
    assert "5, 10, 15, 20, 30, 60 minutes" in found["slot_step"]
    assert found["participants[1].id"] == "'p0' is already participants[0]."


def test_no_participants_or_only_optional_ones():
    assert problems(request(), []) == {"participants": "Add at least one participant."}
    assert problems(request(), [person(optional=True)]) == {
        "participants": "At least one participant must be required."
    }


def test_naive_busy_times_and_unknown_statuses():
    naive = BusyInterval(dt.datetime(2026, 3, 2, 9), dt.datetime(2026, 3, 2, 10))
    odd = BusyInterval(MONDAY, MONDAY + HOUR, "declined")  # type: ignore[arg-type]
    found = problems(request(), [person(busy=[naive]), person(1, busy=[odd])])
    assert set(found) == {"participants[0].busy[0]", "participants[1].busy[0].status"}


def test_a_window_shorter_than_the_meeting_is_an_empty_answer_that_says_so():
    result = find_suggestions(request(window_end=MONDAY + dt.timedelta(minutes=30)), [person()])
    assert result.suggestions == ()
    assert result.explanation.summary == "Nothing fits: the window is shorter than a 1-hour meeting."
