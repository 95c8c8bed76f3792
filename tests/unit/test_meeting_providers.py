"""Pure parts of the meeting providers: the carrier event, Google's create-request states, scopes."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.backend.meetings.connections import GOOGLE_MEET, MICROSOFT_TEAMS
from scheduler_app.backend.meetings.details import MeetingDetails
from scheduler_app.backend.meetings.google_meet import carrier_event, create_request_status, join_link
from scheduler_app.backend.meetings.providers import PROVIDER_LABELS, JitsiProvider

pytestmark = pytest.mark.unit

MORNING = MeetingDetails(
    title="Standup",
    start_utc=dt.datetime(2026, 3, 29, 7, tzinfo=dt.UTC),
    end_utc=dt.datetime(2026, 3, 29, 7, 30, tzinfo=dt.UTC),
    time_zone="Europe/Berlin",
    event_id="evt123",
)


def test_the_carrier_event_has_our_title_time_and_a_meet_request() -> None:
    body = carrier_event(MORNING, request_id="req-1")
    assert body["summary"] == "Standup"
    assert body["start"] == {"dateTime": "2026-03-29T07:00:00+00:00", "timeZone": "Europe/Berlin"}
    assert body["end"]["dateTime"] == "2026-03-29T07:30:00+00:00"
    assert body["conferenceData"] == {
        "createRequest": {"requestId": "req-1", "conferenceSolutionKey": {"type": "hangoutsMeet"}}
    }
    assert body["extendedProperties"] == {"private": {"schedulerMeetingFor": "evt123"}}
    assert "attendees" not in body  # nobody is invited on Google's side


def test_an_all_day_carrier_uses_dates_and_teams_gets_local_midnights() -> None:
    details = MeetingDetails(
        title="Offsite",
        start_utc=dt.datetime(2026, 3, 28, 10, tzinfo=dt.UTC),
        end_utc=dt.datetime(2026, 3, 31, 14, tzinfo=dt.UTC),
        time_zone="Europe/Berlin",
        all_day=True,
        start_date=dt.date(2026, 3, 29),
        end_date=dt.date(2026, 3, 30),
    )
    body = carrier_event(details, request_id="r")
    assert (body["start"], body["end"]) == ({"date": "2026-03-29"}, {"date": "2026-03-30"})
    assert "extendedProperties" not in body
    start, end = details.wall_clock_span()
    assert start.isoformat() == "2026-03-29T00:00:00+01:00"
    assert end.isoformat() == "2026-03-30T00:00:00+02:00"  # across the spring-forward night
    assert MORNING.wall_clock_span() == (MORNING.start_utc, MORNING.end_utc)


@pytest.mark.parametrize(
    ("event", "status"),
    [
        ({"conferenceData": {"createRequest": {"status": {"statusCode": "pending"}}}}, "pending"),
        ({"conferenceData": {"createRequest": {"status": {"statusCode": "success"}}}}, "success"),
        ({"conferenceData": {"createRequest": {"status": {"statusCode": "failure"}}}}, "failure"),
        ({"conferenceData": {"createRequest": {}}}, "missing"),
        ({"conferenceData": {"entryPoints": [{"entryPointType": "video", "uri": "u"}]}}, "success"),
        ({}, "missing"),  # conferenceDataVersion ignored: no conference at all
    ],
)
def test_create_request_states(event: dict, status: str) -> None:
    assert create_request_status(event) == status


def test_the_join_link_prefers_the_video_entry_point() -> None:
    event = {
        "hangoutLink": "https://meet.google.com/old-link",
        "conferenceData": {
            "conferenceId": "abc-defg-hij",
            "entryPoints": [
                {"entryPointType": "phone", "uri": "tel:+1-555"},
                {"entryPointType": "video", "uri": "https://meet.google.com/abc-defg-hij"},
            ],
        },
    }
    assert join_link(event) == ("https://meet.google.com/abc-defg-hij", "abc-defg-hij")
    assert join_link({"hangoutLink": "https://meet.google.com/xyz-abcd-efg"}) == (
        "https://meet.google.com/xyz-abcd-efg",
        "xyz-abcd-efg",
    )
    assert join_link({}) == ("", "")


def test_granted_scopes_decide_whether_links_are_allowed() -> None:
    assert GOOGLE_MEET.allows("openid email https://www.googleapis.com/auth/calendar.events")
    assert GOOGLE_MEET.allows("https://www.googleapis.com/auth/calendar")
    assert not GOOGLE_MEET.allows("openid email profile")
    assert GOOGLE_MEET.allows("")  # no scope in the token answer: as requested (RFC 6749 section 5.1)
    assert MICROSOFT_TEAMS.allows("openid profile email OnlineMeetings.ReadWrite")
    assert MICROSOFT_TEAMS.allows("https://graph.microsoft.com/OnlineMeetings.ReadWrite User.Read")
    assert not MICROSOFT_TEAMS.allows("openid profile email User.Read")


async def test_jitsi_rooms_are_unguessable_and_never_name_the_event() -> None:
    first = await JitsiProvider("https://meet.example.org/").create_meeting(MORNING)
    second = await JitsiProvider("https://meet.example.org").create_meeting(MORNING)
    assert first.url.startswith("https://meet.example.org/Scheduler-") and "Standup" not in first.url
    assert first.url != second.url and first.remote_id is None
    assert PROVIDER_LABELS == {
        "jitsi": "Jitsi",
        "google_meet": "Google Meet",
        "microsoft_teams": "Microsoft Teams",
    }
