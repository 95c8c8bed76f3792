"""Google Meet and Teams links through our API, made by the real client libraries against local fakes."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from scheduler_app.backend.auth.identity_providers import (
    GOOGLE_CALENDAR_EVENTS_SCOPE,
    MICROSOFT_CALENDARS_SCOPE,
)
from scheduler_app.backend.auth.provider_tokens import ProviderTokens, sealed_fields
from scheduler_app.backend.db import Collections
from scheduler_app.backend.meetings import google_meet, microsoft_teams
from scheduler_app.backend.meetings.providers import usable_meeting_providers
from scheduler_app.backend.models import IdentityDoc, utc_now
from scheduler_app.settings import get_settings
from tests.fakes.google_calendar import FakeGoogleCalendar
from tests.fakes.microsoft_graph import FakeMicrosoftGraph
from tests.integration.api_helpers import (
    assert_problem,
    cheap_password_hashing,  # noqa: F401 (autouse fixture)
    list_events,
    timed,
)
from tests.servers import ThreadedServer

pytestmark = pytest.mark.integration

GOOGLE_GRANT = f"openid email profile {GOOGLE_CALENDAR_EVENTS_SCOPE}"
MICROSOFT_GRANT = f"openid email profile offline_access {MICROSOFT_CALENDARS_SCOPE}"
WINDOW = {"start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z"}


@dataclass
class Fakes:
    google: FakeGoogleCalendar
    graph: FakeMicrosoftGraph


@pytest.fixture(scope="module")
def served_fakes() -> Iterator[Fakes]:
    google, graph = FakeGoogleCalendar(), FakeMicrosoftGraph()
    with ThreadedServer(google.app) as google_server, ThreadedServer(graph.app) as graph_server:
        google.base_url = f"{google_server.url}/calendar/v3/"  # type: ignore[attr-defined]
        graph.base_url = f"{graph_server.url}/v1.0"  # type: ignore[attr-defined]
        yield Fakes(google, graph)


@pytest.fixture
def fakes(served_fakes: Fakes, monkeypatch: pytest.MonkeyPatch) -> Fakes:
    """Both providers configured and pointed at the fakes; the fakes' failure switches reset."""
    settings = get_settings()
    for name, value in {
        "google_client_id": "google-client",
        "google_client_secret": "google-secret",
        "microsoft_client_id": "microsoft-client",
        "microsoft_client_secret": "microsoft-secret",
        "google_api_base_url": served_fakes.google.base_url,  # type: ignore[attr-defined]
        "microsoft_graph_base_url": served_fakes.graph.base_url,  # type: ignore[attr-defined]
    }.items():
        monkeypatch.setattr(settings, name, value)
    monkeypatch.setattr(google_meet, "POLL_INTERVAL_SECONDS", 0.05)
    monkeypatch.setattr(microsoft_teams, "POLL_INTERVAL_SECONDS", 0.05)
    for fake in (served_fakes.google, served_fakes.graph):
        fake.fail_next = 0
    served_fakes.graph.join_url_delay_reads = 0
    served_fakes.google.pending_reads = 1
    served_fakes.google.conference_failure = False
    return served_fakes


async def connect(
    db: Collections,
    client: httpx.Client,
    provider: str,
    access_token: str,
    scope: str,
    *,
    refresh_token: str | None = None,
    expires_in: dt.timedelta = dt.timedelta(hours=1),
) -> None:
    """Store a provider identity with encrypted tokens for the signed-in user, as a sign-in would."""
    user_id: str = client.user_id  # type: ignore[attr-defined]
    tokens = ProviderTokens(
        access_token=access_token, refresh_token=refresh_token, expires_at=utc_now() + expires_in, scope=scope
    )
    identity = IdentityDoc(
        user_id=user_id,
        provider=provider,
        subject=uuid.uuid4().hex,
        email=client.email,  # type: ignore[attr-defined]
        email_verified=True,
        **sealed_fields(tokens, user_id, provider),
    )
    await db.identities.insert_one(identity.to_mongo())


def with_call(client: httpx.Client, provider: str, title: str = "Planning") -> httpx.Response:
    return client.post(
        "/api/v1/events",
        json={
            "title": title,
            **timed("2026-03-02T09:00:00", "2026-03-02T10:00:00"),
            "conference": {"provider": provider},
        },
    )


def event_count(client: httpx.Client) -> int:
    response = list_events(client, **WINDOW)
    assert response.status_code == 200, response.text
    return len(response.json()["items"])


# --- Google Meet ---------------------------------------------------------------------------------------


async def test_a_meet_link_comes_from_google_and_shows_in_the_event_and_its_export(sign_in, db, fakes):
    client = await sign_in()
    await connect(db, client, "google", fakes.google.add_account(client.email), GOOGLE_GRANT)
    assert await usable_meeting_providers(db, client.user_id) == ["jitsi", "google_meet"]

    response = with_call(client, "google_meet", "Design review")
    assert response.status_code == 201, response.text
    event = response.json()
    url = event["conference"]["url"]
    assert event["conference"]["provider"] == "google_meet"
    assert url.startswith("https://meet.google.com/")

    [carrier] = fakes.google.live_events(client.email)
    assert carrier["summary"] == "Design review"
    assert carrier["hangoutLink"] == url
    assert carrier["start"]["timeZone"] == "Europe/Berlin"
    assert dt.datetime.fromisoformat(carrier["start"]["dateTime"]) == dt.datetime(
        2026, 3, 2, 8, tzinfo=dt.UTC
    )
    assert carrier["extendedProperties"]["private"]["schedulerMeetingFor"] == event["id"]
    reads = [r for r in fakes.google.requests if r[0] == "GET" and r[1].endswith(carrier["id"])]
    assert len(reads) >= 2  # "pending" on insert and on the first read: the link came from polling
    inserted = next(r for r in fakes.google.requests if r[0] == "POST")
    assert inserted[2]["conferenceDataVersion"] == "1" and inserted[2]["sendUpdates"] == "none"

    assert client.get(f"/api/v1/events/{event['id']}").json()["conference"]["url"] == url
    exported = client.get(f"/api/v1/events/{event['id']}/export.ics")
    assert exported.status_code == 200
    assert url in exported.text.replace("\r\n ", "")


async def test_removing_the_call_or_the_event_deletes_the_google_side_event(sign_in, db, fakes):
    client = await sign_in()
    await connect(db, client, "google", fakes.google.add_account(client.email), GOOGLE_GRANT)
    first = with_call(client, "google_meet", "First").json()
    second = with_call(client, "google_meet", "Second").json()
    assert len(fakes.google.live_events(client.email)) == 2

    patched = client.patch(f"/api/v1/events/{first['id']}", json={"conference": None})
    assert patched.status_code == 200 and patched.json()["conference"] is None
    assert [e["summary"] for e in fakes.google.live_events(client.email)] == ["Second"]

    assert client.delete(f"/api/v1/events/{second['id']}").status_code == 204
    assert fakes.google.live_events(client.email) == []


async def test_switching_to_jitsi_replaces_the_meet_link_and_its_google_event(sign_in, db, fakes):
    client = await sign_in()
    await connect(db, client, "google", fakes.google.add_account(client.email), GOOGLE_GRANT)
    event = with_call(client, "google_meet").json()
    patched = client.patch(f"/api/v1/events/{event['id']}", json={"conference": {"provider": "jitsi"}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["conference"]["provider"] == "jitsi"
    assert fakes.google.live_events(client.email) == []


async def test_a_series_split_keeps_the_shared_link_until_no_part_uses_it(sign_in, db, fakes):
    client = await sign_in()
    await connect(db, client, "google", fakes.google.add_account(client.email), GOOGLE_GRANT)
    series = with_call(client, "google_meet", "Weekly").json()
    client.patch(f"/api/v1/events/{series['id']}", json={"recurrence": ["RRULE:FREQ=WEEKLY;COUNT=4"]})
    occurrences = list_events(client, start="2026-03-01T00:00:00Z", end="2026-04-01T00:00:00Z").json()[
        "items"
    ]
    third = occurrences[2]["id"]
    moved = client.patch(
        f"/api/v1/events/{third}",
        params={"scope": "following"},
        json=timed("2026-03-16T11:00:00", "2026-03-16T12:00:00"),
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["conference"]["url"] == series["conference"]["url"]

    assert client.delete(f"/api/v1/events/{series['id']}").status_code == 204
    assert len(fakes.google.live_events(client.email)) == 1  # the later part still uses the link
    assert client.delete(f"/api/v1/events/{moved.json()['id']}").status_code == 204
    assert fakes.google.live_events(client.email) == []


async def test_google_down_answers_503_and_saves_nothing(sign_in, db, fakes):
    client = await sign_in()
    await connect(db, client, "google", fakes.google.add_account(client.email), GOOGLE_GRANT)
    fakes.google.fail(500)
    body = assert_problem(with_call(client, "google_meet"), 503)
    assert body["detail"] == "Google did not answer; try again in a moment or use Jitsi."
    assert event_count(client) == 0
    assert fakes.google.live_events(client.email) == []


async def test_a_failed_meet_request_answers_503_and_leaves_no_google_event(sign_in, db, fakes):
    client = await sign_in()
    await connect(db, client, "google", fakes.google.add_account(client.email), GOOGLE_GRANT)
    fakes.google.conference_failure = True
    assert_problem(with_call(client, "google_meet"), 503)
    assert event_count(client) == 0
    assert fakes.google.live_events(client.email) == []


async def test_a_request_that_stays_pending_gives_up_with_503(sign_in, db, fakes):
    client = await sign_in()
    await connect(db, client, "google", fakes.google.add_account(client.email), GOOGLE_GRANT)
    fakes.google.pending_reads = google_meet.POLL_ATTEMPTS + 5
    assert_problem(with_call(client, "google_meet"), 503)
    assert event_count(client) == 0 and fakes.google.live_events(client.email) == []


# --- Microsoft Teams -----------------------------------------------------------------------------------


async def test_a_teams_link_comes_from_a_graph_calendar_event_that_goes_when_ours_does(sign_in, db, fakes):
    client = await sign_in()
    await connect(db, client, "microsoft", fakes.graph.add_user(client.email), MICROSOFT_GRANT)
    assert await usable_meeting_providers(db, client.user_id) == ["jitsi", "microsoft_teams"]

    response = with_call(client, "microsoft_teams", "Sprint review")
    assert response.status_code == 201, response.text
    event = response.json()
    [carrier] = fakes.graph.events_of(client.email)
    assert carrier["isOnlineMeeting"] is True and carrier["onlineMeetingProvider"] == "teamsForBusiness"
    url = carrier["onlineMeeting"]["joinUrl"]
    assert url.startswith("https://teams.microsoft.com/l/meetup-join/")
    assert event["conference"] == {"provider": "microsoft_teams", "url": url}
    assert carrier["subject"] == "Sprint review"
    assert carrier["start"] == {"dateTime": "2026-03-02T08:00:00", "timeZone": "UTC"}  # 09:00 Berlin
    assert carrier["end"] == {"dateTime": "2026-03-02T09:00:00", "timeZone": "UTC"}
    assert carrier["isAllDay"] is False and "attendees" not in carrier  # Outlook invites nobody
    assert fakes.graph.meetings_of(client.email) == []  # no /me/onlineMeetings (not for personal accounts)
    exported = client.get(f"/api/v1/events/{event['id']}/export.ics").text.replace("\r\n ", "")
    assert url in exported

    assert client.delete(f"/api/v1/events/{event['id']}").status_code == 204
    assert fakes.graph.events_of(client.email) == []


async def test_removing_the_teams_call_deletes_its_graph_event_and_an_all_day_one_keeps_its_dates(
    sign_in, db, fakes
):
    client = await sign_in()
    await connect(db, client, "microsoft", fakes.graph.add_user(client.email), MICROSOFT_GRANT)
    created = client.post(
        "/api/v1/events",
        json={
            "title": "Offsite",
            "start": {"date": "2026-03-02"},
            "end": {"date": "2026-03-04"},
            "conference": {"provider": "microsoft_teams"},
        },
    )
    assert created.status_code == 201, created.text
    [carrier] = fakes.graph.events_of(client.email)
    assert carrier["isAllDay"] is True
    assert (carrier["start"]["dateTime"], carrier["end"]["dateTime"]) == (
        "2026-03-02T00:00:00",
        "2026-03-04T00:00:00",
    )

    patched = client.patch(f"/api/v1/events/{created.json()['id']}", json={"conference": None})
    assert patched.status_code == 200 and patched.json()["conference"] is None
    assert fakes.graph.events_of(client.email) == []
    assert client.get(f"/api/v1/events/{created.json()['id']}").status_code == 200  # ours stays


async def test_a_join_url_graph_fills_late_is_read_again(sign_in, db, fakes):
    client = await sign_in()
    await connect(db, client, "microsoft", fakes.graph.add_user(client.email), MICROSOFT_GRANT)
    fakes.graph.join_url_delay_reads = 2
    fakes.graph.requests.clear()

    response = with_call(client, "microsoft_teams")
    assert response.status_code == 201, response.text
    [carrier] = fakes.graph.events_of(client.email)
    assert response.json()["conference"]["url"] == carrier["onlineMeeting"]["joinUrl"]
    reads = [r for r in fakes.graph.requests if r == ("GET", f"/v1.0/me/events/{carrier['id']}")]
    assert len(reads) == 2


async def test_a_personal_microsoft_account_is_told_teams_needs_a_work_account(sign_in, db, fakes):
    client = await sign_in()
    token = fakes.graph.add_user(client.email, personal=True)
    await connect(db, client, "microsoft", token, MICROSOFT_GRANT)
    fakes.graph.requests.clear()

    body = assert_problem(with_call(client, "microsoft_teams"), 422, "conference.provider")
    assert body["detail"] == "Teams meetings need a work or school Microsoft account; use Jitsi."
    assert event_count(client) == 0
    assert fakes.graph.events_of(client.email) == []  # the carrier without a link was deleted again
    polls = [r for r in fakes.graph.requests if r[0] == "GET"]
    assert len(polls) == microsoft_teams.POLL_ATTEMPTS
    # Jitsi still works for the same person.
    assert with_call(client, "jitsi").status_code == 201


async def test_a_microsoft_grant_without_calendar_permission_is_told_to_grant_it(sign_in, db, fakes):
    client = await sign_in()
    token = fakes.graph.add_user(client.email, scopes=frozenset({"OnlineMeetings.ReadWrite"}))
    old_grant = "openid email profile offline_access OnlineMeetings.ReadWrite"
    await connect(db, client, "microsoft", token, old_grant)  # signed in before this change
    assert await usable_meeting_providers(db, client.user_id) == ["jitsi"]
    body = assert_problem(with_call(client, "microsoft_teams"), 422, "conference.provider")
    assert "Sign in with Microsoft again and allow access to your calendar" in body["errors"][0]["message"]


async def test_a_grant_graph_refuses_for_calendars_is_told_to_grant_it(sign_in, db, fakes):
    client = await sign_in()
    token = fakes.graph.add_user(client.email, scopes=frozenset({"User.Read"}))
    await connect(db, client, "microsoft", token, "")  # the token answer named no scope
    body = assert_problem(with_call(client, "microsoft_teams"), 422, "conference.provider")
    assert "allow access to your calendar" in body["errors"][0]["message"]
    assert event_count(client) == 0 and fakes.graph.events_of(client.email) == []


async def test_graph_down_answers_503_and_saves_nothing(sign_in, db, fakes):
    client = await sign_in()
    await connect(db, client, "microsoft", fakes.graph.add_user(client.email), MICROSOFT_GRANT)
    fakes.graph.fail(500)
    body = assert_problem(with_call(client, "microsoft_teams"), 503)
    assert body["detail"].startswith("Microsoft did not answer")
    assert event_count(client) == 0 and fakes.graph.events_of(client.email) == []


# --- connections -------------------------------------------------------------------------------------


async def test_without_a_connected_account_the_providers_answer_422(sign_in, db, fakes):
    client = await sign_in()
    assert await usable_meeting_providers(db, client.user_id) == ["jitsi"]
    for provider, label in (("google_meet", "Google"), ("microsoft_teams", "Microsoft")):
        body = assert_problem(with_call(client, provider), 422, "conference.provider")
        assert f"Sign in with {label}" in body["errors"][0]["message"]
    assert_problem(with_call(client, "zoom"), 422, "conference.provider")
    assert event_count(client) == 0


async def test_an_account_connected_without_calendar_permission_is_told_to_grant_it(sign_in, db, fakes):
    client = await sign_in()
    await connect(db, client, "google", fakes.google.add_account(client.email), "openid email profile")
    assert await usable_meeting_providers(db, client.user_id) == ["jitsi"]
    body = assert_problem(with_call(client, "google_meet"), 422, "conference.provider")
    assert "Sign in with Google again and allow access to your calendar" in body["errors"][0]["message"]


async def test_a_grant_google_refuses_for_scope_is_told_to_grant_it(sign_in, db, fakes):
    client = await sign_in()
    token = fakes.google.add_account(client.email, scopes=frozenset({"openid"}))
    await connect(db, client, "google", token, "")  # the token answer named no scope
    assert_problem(with_call(client, "google_meet"), 422, "conference.provider")
    assert event_count(client) == 0


async def test_an_expired_connection_asks_to_reconnect(sign_in, db, fakes):
    client = await sign_in()
    token = fakes.google.add_account(client.email)
    await connect(db, client, "google", token, GOOGLE_GRANT, expires_in=dt.timedelta(seconds=-60))
    body = assert_problem(with_call(client, "google_meet"), 409)
    assert body["detail"] == "Your Google connection has expired. Sign in with Google again to reconnect."
    assert event_count(client) == 0


async def test_a_token_the_provider_rejects_asks_to_reconnect(sign_in, db, fakes):
    client = await sign_in()
    google_token, graph_token = fakes.google.add_account(client.email), fakes.graph.add_user(client.email)
    await connect(db, client, "google", google_token, GOOGLE_GRANT)
    await connect(db, client, "microsoft", graph_token, MICROSOFT_GRANT)
    fakes.google.expire(google_token)
    fakes.graph.expire(graph_token)
    for provider, label in (("google_meet", "Google"), ("microsoft_teams", "Microsoft")):
        body = assert_problem(with_call(client, provider), 409)
        assert f"Sign in with {label} again to reconnect" in body["detail"]
    assert event_count(client) == 0
