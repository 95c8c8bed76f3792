"""Find a time: which slots are offered, how they rank, and the reasons they carry."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest

from scheduler_app.backend.scheduling import (
    BusyInterval,
    BusyStatus,
    OutOfOffice,
    Participant,
    ParticipantKind,
    SuggestionRequest,
    WorkingHours,
    find_suggestions,
)
from tests.scheduling_cases import HOUR, MONDAY, base_request, utc

pytestmark = pytest.mark.unit

MINUTES = dt.timedelta(minutes=1)


def request(**changes) -> SuggestionRequest:
    return base_request(**({"lookahead": dt.timedelta(0)} | changes))


def person(
    name: str,
    zone: str = "UTC",
    hours: tuple[str, ...] = ("09:00-17:00",),
    busy: tuple[tuple[dt.datetime, dt.datetime], ...] = (),
    tentative: tuple[tuple[dt.datetime, dt.datetime], ...] = (),
    optional: bool = False,
    away: tuple[tuple[dt.datetime, dt.datetime], ...] = (),
) -> Participant:
    meetings = [BusyInterval(start, end) for start, end in busy]
    meetings += [BusyInterval(start, end, BusyStatus.TENTATIVE) for start, end in tentative]
    working_hours = WorkingHours.weekdays(
        zone, *hours, out_of_office=[OutOfOffice(start, end) for start, end in away]
    )
    return Participant(name.lower(), name, zone, working_hours, meetings, optional)


def starts(result) -> list[str]:
    return [f"{suggestion.start:%a %H:%M}" for suggestion in result.suggestions]


def test_everyone_free_slot_comes_first_and_earliest_wins_ties():
    alice = person("Alice")
    bob = person("Bob", busy=((utc(2026, 3, 2, 9), utc(2026, 3, 2, 10)),))
    result = find_suggestions(request(limit=3), [alice, bob])
    assert starts(result) == ["Mon 10:00", "Mon 10:15", "Mon 10:30"]
    best = result.suggestions[0]
    assert best.score == 100
    assert best.reasons == ("Everyone is free",)
    assert best.attendees_free == ("alice", "bob")
    assert best.attendees_busy == ()


def test_slots_lie_inside_every_required_persons_hours_in_their_own_zone():
    alice = person("Alice", "Europe/Berlin")
    bob = person("Bob", "America/New_York")
    result = find_suggestions(request(limit=50), [alice, bob])
    # Berlin 09-17 is 08-16 UTC, New York 09-17 is 14-22 UTC (before DST starts on 8 March).
    assert result.suggestions
    assert {(s.start.hour, s.start.minute) for s in result.suggestions} == {
        (14, 0),
        (14, 15),
        (14, 30),
        (14, 45),
        (15, 0),
    }


def test_after_the_us_clock_change_the_shared_hours_move():
    alice = person("Alice", "Europe/Berlin")
    bob = person("Bob", "America/New_York")
    # Week of 9 March: New York is on EDT (13-21 UTC), Berlin still on CET (08-16 UTC).
    result = find_suggestions(
        request(window_start=utc(2026, 3, 9), window_end=utc(2026, 3, 10), limit=50), [alice, bob]
    )
    assert starts(result)[0] == "Mon 13:00"
    assert starts(result)[-1] == "Mon 15:00"


def test_an_optional_attendee_who_is_busy_costs_points_and_is_named():
    alice = person("Alice")
    carol = person("Carol", busy=((utc(2026, 3, 2, 9), utc(2026, 3, 2, 12)),), optional=True)
    result = find_suggestions(request(window_end=utc(2026, 3, 2, 13), limit=10), [alice, carol])
    assert starts(result)[:2] == ["Mon 12:00", "Mon 09:00"]
    worse = result.suggestions[1]
    assert worse.score == 85
    assert worse.reasons == ("All required attendees are free", "1 optional attendee busy: Carol")
    assert worse.attendees_busy == ("carol",)


def test_tentative_meetings_are_weighed_not_excluded():
    bob = person("Bob", tentative=((utc(2026, 3, 2, 9), utc(2026, 3, 2, 16)),))
    result = find_suggestions(request(window_end=utc(2026, 3, 2, 17), limit=50), [person("Alice"), bob])
    assert starts(result)[0] == "Mon 16:00"
    tentative = [s for s in result.suggestions if s.start.hour < 15]
    assert tentative
    assert tentative[0].score == 90
    assert "Bob has a tentative meeting then" in tentative[0].reasons
    assert tentative[0].attendees_busy == ("bob",)


def test_early_morning_in_tokyo_is_a_reason_and_costs_a_little():
    kenji = person("Kenji", "Asia/Tokyo", hours=("07:00-10:00",))
    result = find_suggestions(
        request(window_start=utc(2026, 3, 1, 22), window_end=utc(2026, 3, 2, 1), limit=10), [kenji]
    )
    by_start = {f"{s.start.astimezone(zoneinfo.ZoneInfo('Asia/Tokyo')):%H:%M}": s for s in result.suggestions}
    assert by_start["07:00"].reasons == ("Everyone is free", "Early morning in Asia/Tokyo (07:00)")
    assert by_start["07:00"].score == 95
    assert by_start["08:00"].score == 100
    assert starts(result)[0] == "Sun 23:00"  # 08:00 in Tokyo


def test_without_the_working_hours_constraint_outside_slots_rank_lower_and_say_why():
    alice = person("Alice")
    result = find_suggestions(
        request(
            window_start=utc(2026, 3, 2, 15),
            window_end=utc(2026, 3, 2, 19),
            respect_working_hours=False,
            limit=10,
        ),
        [alice],
    )
    inside = [s for s in result.suggestions if s.end <= utc(2026, 3, 2, 17)]
    outside = [s for s in result.suggestions if s.end > utc(2026, 3, 2, 17)]
    assert inside and outside
    assert min(s.score for s in inside) > max(s.score for s in outside)
    assert "Outside Alice's working hours" in outside[0].reasons
    assert outside[0].attendees_busy == ("alice",)


def test_minimum_notice_moves_the_first_start():
    result = find_suggestions(
        request(now=utc(2026, 3, 2, 10, 5), min_notice=HOUR, limit=1), [person("Alice")]
    )
    assert starts(result) == ["Mon 11:15"]


def test_buffers_keep_time_clear_around_existing_meetings():
    bob = person("Bob", busy=((utc(2026, 3, 2, 11), utc(2026, 3, 2, 12)),))
    result = find_suggestions(
        request(
            window_end=utc(2026, 3, 2, 17), buffer_before=15 * MINUTES, buffer_after=30 * MINUTES, limit=50
        ),
        [bob],
    )
    offered = starts(result)
    assert "Mon 09:30" in offered
    assert "Mon 09:45" not in offered  # would end 10:45, 15 minutes before the 11:00 meeting
    assert "Mon 12:00" not in offered  # starts right after the meeting, no buffer
    assert "Mon 12:15" in offered


def test_avoid_lunch_keeps_each_persons_local_lunch_free():
    alice = person("Alice", "Europe/Berlin", hours=("08:00-18:00",))
    result = find_suggestions(request(window_end=utc(2026, 3, 3), avoid_lunch=True, limit=50), [alice])
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    for suggestion in result.suggestions:
        local_start, local_end = suggestion.start.astimezone(berlin), suggestion.end.astimezone(berlin)
        assert local_end.hour <= 12 or local_start.hour >= 13
    assert len(result.suggestions) == 4 * 4 - 3 + 4 * 4 + 1


def test_candidate_grid_follows_the_viewer_zone():
    result = find_suggestions(
        request(viewer_time_zone="Asia/Kolkata", slot_step=HOUR, respect_working_hours=False, limit=3),
        [Participant("room", "Room 4", kind=ParticipantKind.SHARED_CALENDAR)],
    )
    assert [f"{s.start:%H:%M}" for s in result.suggestions] == ["00:30", "01:30", "02:30"]


def test_a_booked_room_blocks_and_rooms_have_no_unsociable_hours():
    room = Participant(
        "room",
        "Room 4",
        "Asia/Tokyo",
        busy=[BusyInterval(MONDAY, utc(2026, 3, 2, 10))],
        kind=ParticipantKind.SHARED_CALENDAR,
    )
    result = find_suggestions(request(limit=1), [person("Alice"), room])
    assert starts(result) == ["Mon 10:00"]
    assert result.suggestions[0].reasons == ("Everyone is free",)  # 19:00 in Tokyo does not matter to a room


def test_out_of_office_required_person_leaves_no_suggestion_that_week():
    bob = person("Bob", away=((MONDAY, utc(2026, 3, 7)),))
    result = find_suggestions(request(), [person("Alice"), bob])
    assert result.suggestions == ()
    assert result.candidates == 0


def test_limit_and_order():
    result = find_suggestions(request(limit=7), [person("Alice", tentative=((MONDAY, utc(2026, 3, 3)),))])
    assert len(result.suggestions) == 7
    keys = [(-s.score, s.start) for s in result.suggestions]
    assert keys == sorted(keys)
    assert result.candidates > 7


def test_result_serialises_to_the_rest_shape():
    result = find_suggestions(request(limit=1), [person("Alice")])
    body = json.loads(json.dumps(result.to_json()))
    assert set(body) == {"suggestions", "explanation"}
    assert body["suggestions"] == [
        {
            "start": "2026-03-02T09:00:00Z",
            "end": "2026-03-02T10:00:00Z",
            "score": 100.0,
            "attendees_free": ["alice"],
            "attendees_busy": [],
            "reasons": ["Everyone is free"],
        }
    ]
    assert set(body["explanation"]) == {"summary", "bottlenecks", "relaxations"}
