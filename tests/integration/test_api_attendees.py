"""Guests: invitations in the guest's calendar, answers (signed in or by link), guest limits, meeting links."""

from __future__ import annotations

import pytest

from tests.integration.api_helpers import (
    cheap_password_hashing,  # noqa: F401 (autouse fixture)
    create_event,
    list_events,
    titles,
)

pytestmark = pytest.mark.integration
WEEK = {"start": "2026-03-02T00:00:00Z", "end": "2026-03-09T00:00:00Z"}


async def test_guests_are_normalised_deduplicated_and_start_undecided(sign_in):
    organizer = await sign_in()
    event = create_event(
        organizer,
        "Kick-off",
        attendees=[
            {"email": " Bob@Example.com ", "display_name": "Bob"},
            {"email": "bob@example.com"},
            {"email": "carol@example.com", "optional": True},
        ],
    )
    assert [(a["email"], a["response_status"], a["optional"]) for a in event["attendees"]] == [
        ("bob@example.com", "needsAction", False),
        ("carol@example.com", "needsAction", True),
    ]
    assert event["organizer"]["email"] == organizer.email
    assert "rsvp_token" not in str(event)


async def test_invalid_guest_email_is_422_naming_it(sign_in):
    organizer = await sign_in()
    response = organizer.post(
        "/api/v1/events",
        json={
            "title": "Bad guest",
            "start": {"date_time": "2026-03-02T09:00:00", "time_zone": "UTC"},
            "end": {"date_time": "2026-03-02T10:00:00", "time_zone": "UTC"},
            "attendees": [{"email": "ok@example.com"}, {"email": "not an address"}],
        },
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["attendees[1].email"]


async def test_guest_sees_the_invitation_answers_it_and_cannot_edit(sign_in):
    organizer, guest, stranger = await sign_in(), await sign_in(), await sign_in()
    event = create_event(organizer, "Design review", attendees=[{"email": guest.email}])

    assert titles(list_events(guest, **WEEK)) == ["Design review"]
    assert guest.get(f"/api/v1/events/{event['id']}").status_code == 200
    assert guest.patch(f"/api/v1/events/{event['id']}", json={"title": "Mine now"}).status_code == 403
    assert guest.delete(f"/api/v1/events/{event['id']}").status_code == 403
    assert stranger.get(f"/api/v1/events/{event['id']}").status_code == 404
    assert (
        stranger.post(f"/api/v1/events/{event['id']}/rsvp", json={"response_status": "accepted"}).status_code
        == 404
    )

    answered = guest.post(f"/api/v1/events/{event['id']}/rsvp", json={"response_status": "accepted"})
    assert answered.status_code == 200, answered.text
    seen_by_organizer = organizer.get(f"/api/v1/events/{event['id']}").json()
    assert seen_by_organizer["attendees"][0]["response_status"] == "accepted"
    assert seen_by_organizer["title"] == "Design review"

    bad = guest.post(f"/api/v1/events/{event['id']}/rsvp", json={"response_status": "maybe"})
    assert bad.status_code == 422
    assert (
        organizer.post(f"/api/v1/events/{event['id']}/rsvp", json={"response_status": "accepted"}).status_code
        == 422
    )


async def test_removing_a_guest_removes_the_invitation_and_keeps_other_answers(sign_in):
    organizer, bob, carol = await sign_in(), await sign_in(), await sign_in()
    event = create_event(organizer, "Sync", attendees=[{"email": bob.email}, {"email": carol.email}])
    assert (
        bob.post(f"/api/v1/events/{event['id']}/rsvp", json={"response_status": "tentative"}).status_code
        == 200
    )
    patched = organizer.patch(f"/api/v1/events/{event['id']}", json={"attendees": [{"email": bob.email}]})
    assert patched.status_code == 200
    assert [(a["email"], a["response_status"]) for a in patched.json()["attendees"]] == [
        (bob.email, "tentative")
    ]
    assert titles(list_events(carol, **WEEK)) == []
    assert carol.get(f"/api/v1/events/{event['id']}").status_code == 404
    assert titles(list_events(bob, **WEEK)) == ["Sync"]


async def test_answer_by_link_without_an_account(sign_in, anonymous, db):
    organizer = await sign_in()
    event = create_event(organizer, "Partner call", attendees=[{"email": "outsider@partner.example"}])
    stored = await db.events.find_one({"_id": event["id"]})
    token = stored["attendees"][0]["rsvp_token"]
    shown = anonymous.get(f"/api/v1/invitations/{token}")
    assert shown.status_code == 200
    assert shown.json()["title"] == "Partner call"
    assert (
        anonymous.post(
            f"/api/v1/invitations/{token}/response", json={"response_status": "declined"}
        ).status_code
        == 200
    )
    assert (
        organizer.get(f"/api/v1/events/{event['id']}").json()["attendees"][0]["response_status"] == "declined"
    )
    assert anonymous.get("/api/v1/invitations/not-a-real-token").status_code == 404


async def test_jitsi_link_is_added_kept_and_removed(sign_in):
    organizer = await sign_in()
    event = create_event(organizer, "Call", conference={"provider": "jitsi"})
    url = event["conference"]["url"]
    assert event["conference"]["provider"] == "jitsi"
    assert url.startswith("https://meet.jit.si/Scheduler-") and "Call" not in url
    kept = organizer.patch(f"/api/v1/events/{event['id']}", json={"title": "Call 2"}).json()
    assert kept["conference"]["url"] == url
    removed = organizer.patch(f"/api/v1/events/{event['id']}", json={"conference": None})
    assert removed.status_code == 200 and removed.json()["conference"] is None


async def test_google_meet_without_a_connected_account_is_422(sign_in):
    organizer = await sign_in()
    response = organizer.post(
        "/api/v1/events",
        json={
            "title": "Meet",
            "start": {"date_time": "2026-03-02T09:00:00", "time_zone": "UTC"},
            "end": {"date_time": "2026-03-02T10:00:00", "time_zone": "UTC"},
            "conference": {"provider": "google_meet"},
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "conference.provider"
