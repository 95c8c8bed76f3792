"""Google-style guest permissions: modify the event, invite others, see the guest list."""

from __future__ import annotations

import pytest

from tests.integration.api_helpers import (
    assert_problem,
    cheap_password_hashing,  # noqa: F401  (autouse)
    create_event,
)
from tests.integration.conftest import SignIn

pytestmark = pytest.mark.integration


async def test_by_default_guests_may_invite_but_not_modify_or_delete(sign_in: SignIn) -> None:
    organiser, guest = await sign_in(), await sign_in()
    event = create_event(
        organiser, "Planning", attendees=[{"email": guest.email}, {"email": "x@example.com"}]
    )
    assert event["guests_can_modify"] is False and event["guests_can_invite_others"] is True
    assert_problem(guest.patch(f"/api/v1/events/{event['id']}", json={"title": "Mine"}), 403)
    assert_problem(guest.delete(f"/api/v1/events/{event['id']}"), 403)
    everyone = [{"email": item["email"]} for item in event["attendees"]]
    added = guest.patch(
        f"/api/v1/events/{event['id']}", json={"attendees": [*everyone, {"email": "new@example.com"}]}
    )
    assert added.status_code == 200, added.text
    assert "new@example.com" in {item["email"] for item in added.json()["attendees"]}
    # Guests add; they do not remove.
    assert_problem(
        guest.patch(f"/api/v1/events/{event['id']}", json={"attendees": [{"email": guest.email}]}), 403
    )


async def test_guests_allowed_to_modify_change_details_but_not_the_permissions(sign_in: SignIn) -> None:
    organiser, guest = await sign_in(), await sign_in()
    event = create_event(organiser, "Retro", attendees=[{"email": guest.email}], guests_can_modify=True)
    changed = guest.patch(
        f"/api/v1/events/{event['id']}", json={"title": "Retro (moved)", "location": "Cafe"}
    )
    assert changed.status_code == 200, changed.text
    assert organiser.get(f"/api/v1/events/{event['id']}").json()["title"] == "Retro (moved)"
    assert_problem(guest.patch(f"/api/v1/events/{event['id']}", json={"guests_can_modify": False}), 403)
    assert_problem(
        guest.patch(f"/api/v1/events/{event['id']}", json={"recurrence": ["RRULE:FREQ=DAILY"]}), 403
    )


async def test_a_hidden_guest_list_shows_each_guest_only_themselves(sign_in: SignIn) -> None:
    organiser, guest = await sign_in(), await sign_in()
    event = create_event(
        organiser,
        "Interview",
        attendees=[{"email": guest.email}, {"email": "other-candidate@example.com"}],
        guests_can_see_other_guests=False,
        guests_can_invite_others=False,
    )
    seen = guest.get(f"/api/v1/events/{event['id']}")
    assert [item["email"] for item in seen.json()["attendees"]] == [guest.email]
    listed = guest.get(
        "/api/v1/events", params={"start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z"}
    )
    assert "other-candidate@example.com" not in listed.text
    assert "other-candidate@example.com" not in guest.get(f"/api/v1/events/{event['id']}/export.ics").text
    assert len(organiser.get(f"/api/v1/events/{event['id']}").json()["attendees"]) == 2
    refused = guest.patch(
        f"/api/v1/events/{event['id']}",
        json={
            "attendees": [
                {"email": guest.email},
                {"email": "other-candidate@example.com"},
                {"email": "z@example.com"},
            ]
        },
    )
    assert_problem(refused, 403)
