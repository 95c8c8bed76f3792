"""Pure parts of the meeting providers: the carrier events, Google's create-request states, Teams join
URLs, scopes."""

from __future__ import annotations

import datetime as dt

import pytest
from msgraph.generated.models.event import Event
from msgraph.generated.models.online_meeting_info import OnlineMeetingInfo
from msgraph.generated.models.online_meeting_provider_type import OnlineMeetingProviderType

from scheduler_app.backend.auth.identity_providers import configured_providers
from scheduler_app.backend.meetings import microsoft_teams
from scheduler_app.backend.meetings.connections import GOOGLE_MEET, MICROSOFT_TEAMS
from scheduler_app.backend.meetings.details import MeetingDetails
from scheduler_app.backend.meetings.google_meet import carrier_event, create_request_status, join_link
from scheduler_app.backend.meetings.providers import PROVIDER_LABELS, JitsiProvider
from scheduler_app.settings import Settings

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
    assert MICROSOFT_TEAMS.allows("openid profile email Calendars.ReadWrite")
    assert MICROSOFT_TEAMS.allows("https://graph.microsoft.com/Calendars.ReadWrite User.Read")
    assert not MICROSOFT_TEAMS.allows("openid profile email User.Read")
    # The former grant cannot make calendar events: those users are asked to sign in again.
    assert not MICROSOFT_TEAMS.allows("openid profile email OnlineMeetings.ReadWrite")
    assert not MICROSOFT_TEAMS.allows("openid profile email Calendars.Read")


def test_microsoft_sign_in_asks_for_calendars_not_online_meetings() -> None:
    settings = Settings(_env_file=None, microsoft_client_id="client", microsoft_client_secret="secret")  # type: ignore[call-arg]
    [microsoft] = [p for p in configured_providers(settings) if p.key == "microsoft"]
    scopes = microsoft.scope.split()
    assert "Calendars.ReadWrite" in scopes and "offline_access" in scopes
    assert not any(scope.lower().startswith("onlinemeetings") for scope in scopes)


def test_the_teams_carrier_is_a_utc_event_with_a_teams_meeting_and_nobody_invited() -> None:
    body = microsoft_teams.carrier_event(MORNING, transaction_id="tx-1")
    assert body.subject == "Standup"
    assert (body.start.date_time, body.start.time_zone) == ("2026-03-29T07:00:00", "UTC")
    assert (body.end.date_time, body.end.time_zone) == ("2026-03-29T07:30:00", "UTC")
    assert body.is_online_meeting is True and body.is_all_day is False
    assert body.online_meeting_provider == OnlineMeetingProviderType.TeamsForBusiness
    assert body.transaction_id == "tx-1" and not body.attendees


def test_an_all_day_teams_carrier_keeps_its_dates_at_midnight() -> None:
    details = MeetingDetails(
        title="Offsite",
        start_utc=dt.datetime(2026, 3, 28, 23, tzinfo=dt.UTC),
        end_utc=dt.datetime(2026, 3, 29, 22, tzinfo=dt.UTC),
        time_zone="Europe/Berlin",
        all_day=True,
        start_date=dt.date(2026, 3, 29),
        end_date=dt.date(2026, 3, 31),
    )
    body = microsoft_teams.carrier_event(details, transaction_id="t")
    assert body.is_all_day is True
    assert (body.start.date_time, body.end.date_time) == ("2026-03-29T00:00:00", "2026-03-31T00:00:00")
    assert body.start.time_zone == body.end.time_zone


def _graph_event(url: str | None, provider: OnlineMeetingProviderType | None, online: bool = True) -> Event:
    info = OnlineMeetingInfo(join_url=url) if url is not None else None
    return Event(id="e", is_online_meeting=online, online_meeting_provider=provider, online_meeting=info)


TEAMS = OnlineMeetingProviderType.TeamsForBusiness


@pytest.mark.parametrize(
    ("event", "url", "final"),
    [
        (
            _graph_event("https://teams.microsoft.com/l/meetup-join/x", TEAMS),
            "https://teams.microsoft.com/l/meetup-join/x",
            False,
        ),
        (_graph_event(None, TEAMS), "", False),  # not filled yet: keep reading
        (_graph_event("", TEAMS), "", False),
        (_graph_event(None, OnlineMeetingProviderType.Unknown), "", False),
        # Another kind of meeting (a personal account's Skype) is no Teams link, and will not become one.
        (_graph_event("https://join.skype.com/abc", OnlineMeetingProviderType.SkypeForConsumer), "", True),
        (_graph_event(None, None, online=False), "", True),
        (None, "", False),
    ],
)
def test_teams_join_urls_and_when_to_stop_waiting(event: Event | None, url: str, final: bool) -> None:
    assert microsoft_teams.join_url(event) == url
    assert microsoft_teams.gave_up_on_teams(event) is final


def test_the_personal_account_answer_is_a_readable_422_on_the_provider_field() -> None:
    error = microsoft_teams.teams_needs_work_account()
    assert error.status == 422
    assert error.detail == "Teams meetings need a work or school Microsoft account; use Jitsi."
    assert [problem.field for problem in error.errors] == ["conference.provider"]


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
