"""When nothing (or nothing perfect) fits: the bottlenecks and the nearest relaxations."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.backend.scheduling import (
    BusyInterval,
    OutOfOffice,
    Participant,
    RelaxationKind,
    SuggestionRequest,
    WorkingHours,
    find_suggestions,
)
from tests.scheduling_cases import MONDAY, base_request, utc

pytestmark = pytest.mark.unit


TUESDAY = utc(2026, 3, 3)


def request(**changes) -> SuggestionRequest:
    return base_request(**({"window_end": TUESDAY} | changes))


def person(
    name: str,
    zone: str = "UTC",
    hours: tuple[str, ...] = ("09:00-17:00",),
    busy: tuple[tuple[dt.datetime, dt.datetime], ...] = (),
    optional: bool = False,
    away: tuple[tuple[dt.datetime, dt.datetime], ...] = (),
) -> Participant:
    working_hours = WorkingHours.weekdays(zone, *hours, out_of_office=[OutOfOffice(s, e) for s, e in away])
    return Participant(
        name.lower(), name, zone, working_hours, [BusyInterval(s, e) for s, e in busy], optional
    )


def kinds(result) -> list[RelaxationKind]:
    return [relaxation.kind for relaxation in result.explanation.relaxations]


def test_the_one_busy_person_is_named_as_the_bottleneck_with_the_way_out():
    carol = person("Carol", busy=((utc(2026, 3, 2, 9), utc(2026, 3, 2, 17)),))
    result = find_suggestions(request(), [person("Alice"), person("Bob"), carol])
    assert result.suggestions == ()
    explanation = result.explanation
    assert (
        explanation.summary == "No time in the window suits every required attendee; Carol is the bottleneck."
    )
    [bottleneck] = explanation.bottlenecks
    assert bottleneck.participant_id == "carol"
    assert bottleneck.reason == (
        "Busy on Mon 2 Mar 09:00–10:00 (UTC), when every other required attendee is free"
    )
    [without] = [r for r in explanation.relaxations if r.kind is RelaxationKind.WITHOUT_PARTICIPANT]
    assert without.participant_id == "carol"
    assert without.text == "Without Carol, Mon 2 Mar 09:00–10:00 (UTC) suits the other required attendees."
    assert (without.start, without.end) == (utc(2026, 3, 2, 9), utc(2026, 3, 2, 10))


def test_a_shorter_meeting_is_offered_when_only_a_short_gap_is_shared():
    alice = person(
        "Alice",
        busy=((utc(2026, 3, 2, 9), utc(2026, 3, 2, 12)), (utc(2026, 3, 2, 12, 40), utc(2026, 3, 2, 17))),
    )
    result = find_suggestions(request(), [alice, person("Bob")])
    shorter = result.explanation.relaxations[0]
    assert shorter.kind is RelaxationKind.SHORTER_MEETING
    assert shorter.text == "A 40-minute meeting would fit: Mon 2 Mar 12:00–12:40 (UTC)."
    assert result.explanation.bottlenecks[0].display_name == "Alice"


def test_a_later_window_is_offered_from_the_lookahead():
    bob = person("Bob", away=((MONDAY, utc(2026, 3, 4)),))
    result = find_suggestions(
        request(lookahead=dt.timedelta(days=7), viewer_time_zone="Europe/Berlin"), [person("Alice"), bob]
    )
    later = next(r for r in result.explanation.relaxations if r.kind is RelaxationKind.LATER_WINDOW)
    assert later.start == utc(2026, 3, 4, 9)
    assert later.text == (
        "Extending the window to the end of Wed 4 Mar finds Wed 4 Mar 10:00–11:00 (Europe/Berlin)."
    )
    bob_reason = next(b for b in result.explanation.bottlenecks if b.participant_id == "bob")
    assert bob_reason.reason == "out of office whenever they work in the window"
    without = next(r for r in result.explanation.relaxations if r.kind is RelaxationKind.WITHOUT_PARTICIPANT)
    assert (
        without.text
        == "Without Bob, Mon 2 Mar 10:00–11:00 (Europe/Berlin) suits the other required attendees."
    )


def test_a_lone_participant_without_time_gets_their_own_reason():
    bob = person("Bob", away=((MONDAY, utc(2026, 3, 4)),))
    result = find_suggestions(request(lookahead=dt.timedelta(0)), [bob])
    assert [(b.display_name, b.reason) for b in result.explanation.bottlenecks] == [
        ("Bob", "out of office whenever they work in the window")
    ]
    assert kinds(result) == []  # absences hold even outside working hours


def test_working_hours_that_never_overlap_are_named_and_the_best_out_of_hours_time_offered():
    alice = person("Alice", "Europe/Berlin")
    kenji = person("Kenji", "Asia/Tokyo")
    result = find_suggestions(request(lookahead=dt.timedelta(0)), [alice, kenji])
    assert result.suggestions == ()
    [bottleneck] = result.explanation.bottlenecks
    assert bottleneck.reason == (
        "working hours (Asia/Tokyo) never overlap those of Alice long enough in the window"
    )
    outside = next(
        r for r in result.explanation.relaxations if r.kind is RelaxationKind.OUTSIDE_WORKING_HOURS
    )
    # The best-scored time just before Tokyo's evening or just after Berlin's early morning.
    assert outside.start in {utc(2026, 3, 2, 7), utc(2026, 3, 2, 8)}
    assert outside.text.startswith("Outside working hours, Mon 2 Mar")


def test_lunch_is_offered_back_when_it_is_the_only_shared_time():
    alice = person("Alice", hours=("11:00-14:00",), busy=((utc(2026, 3, 2, 11), utc(2026, 3, 2, 12)),))
    bob = person("Bob", busy=((utc(2026, 3, 2, 13), utc(2026, 3, 2, 17)),))
    result = find_suggestions(request(avoid_lunch=True, lookahead=dt.timedelta(0)), [alice, bob])
    lunch = next(r for r in result.explanation.relaxations if r.kind is RelaxationKind.OVER_LUNCH)
    assert lunch.text == "Over lunch, Mon 2 Mar 12:00–13:00 (UTC) suits every required attendee."


def test_minimum_notice_past_the_window_says_so_and_offers_a_later_window():
    result = find_suggestions(
        request(now=utc(2026, 3, 2, 8), min_notice=dt.timedelta(days=2), lookahead=dt.timedelta(days=7)),
        [person("Alice")],
    )
    assert result.explanation.summary == (
        "Nothing fits: with a minimum notice of 2 days the earliest start is Wed 4 Mar 08:00 (UTC), "
        "too late for a 1-hour meeting in this window."
    )
    assert kinds(result) == [RelaxationKind.LATER_WINDOW]
    assert result.explanation.relaxations[0].start == utc(2026, 3, 4, 9)


def test_when_no_time_suits_everyone_dropping_an_optional_attendee_is_offered():
    carol = person("Carol", busy=((utc(2026, 3, 2, 9), utc(2026, 3, 2, 17)),), optional=True)
    dan = person("Dan", busy=((utc(2026, 3, 2, 9), utc(2026, 3, 2, 12)),), optional=True)
    result = find_suggestions(request(), [person("Alice"), carol, dan])
    assert result.suggestions
    assert result.explanation.summary == "29 times suit every required attendee, but none suits everyone."
    assert kinds(result) == [RelaxationKind.WITHOUT_PARTICIPANT, RelaxationKind.LATER_WINDOW]
    without, later = result.explanation.relaxations
    assert later.text == (
        "Extending the window to the end of Tue 3 Mar finds a time when everyone is free: Tue 3 Mar 09:00–10:00 (UTC)."
    )
    assert without.participant_id == "carol"
    assert without.text == "Without optional Carol, everyone else is free on Mon 2 Mar 12:00–13:00 (UTC)."


def test_when_someone_is_free_everywhere_the_summary_counts():
    result = find_suggestions(request(), [person("Alice")])
    assert (
        result.explanation.summary == "29 times suit every required attendee; everyone is free at 29 of them."
    )
    assert result.explanation.relaxations == ()
    assert result.explanation.bottlenecks == ()


def test_explanation_serialises():
    carol = person("Carol", busy=((utc(2026, 3, 2, 9), utc(2026, 3, 2, 17)),))
    body = find_suggestions(request(), [person("Alice"), carol]).to_json()
    assert body["suggestions"] == []
    assert body["explanation"]["bottlenecks"][0]["participant_id"] == "carol"
    relaxation = body["explanation"]["relaxations"][0]
    assert set(relaxation) == {"kind", "text", "start", "end", "participant_id"}
    assert relaxation["start"].endswith("Z")
