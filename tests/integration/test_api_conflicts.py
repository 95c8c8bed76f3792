"""Conflict warnings: your own overlapping events by title, guests' busy time without details."""

from __future__ import annotations

import pytest

from tests.integration.api_helpers import (
    cheap_password_hashing,  # noqa: F401 (autouse fixture)
    create_event,
)

pytestmark = pytest.mark.integration


def check(client, start: str, end: str, attendees=(), exclude=None):
    response = client.post(
        "/api/v1/events/conflicts",
        json={
            "start": {"date_time": start, "time_zone": "Europe/Berlin"},
            "end": {"date_time": end, "time_zone": "Europe/Berlin"},
            "attendees": list(attendees),
            "exclude_event_id": exclude,
        },
    )
    assert response.status_code == 200, response.text
    return [(item["who"], item["title"]) for item in response.json()["conflicts"]]


async def test_own_overlaps_by_title_and_guests_as_busy(sign_in):
    organizer, guest = await sign_in(), await sign_in()
    mine = create_event(organizer, "Dentist")  # 2026-03-02 09:00-10:00 Berlin
    create_event(guest, "Private therapy")
    assert check(organizer, "2026-03-02T09:30:00", "2026-03-02T10:30:00", [guest.email]) == [
        ("You", "Dentist"),
        (guest.email, "Busy"),
    ]
    assert check(organizer, "2026-03-02T10:00:00", "2026-03-02T11:00:00", [guest.email]) == []
    # Moving the dentist appointment itself does not conflict with itself.
    assert check(organizer, "2026-03-02T09:30:00", "2026-03-02T10:30:00", exclude=mine["id"]) == []
    assert check(organizer, "2026-03-02T09:30:00", "2026-03-02T10:30:00", ["outsider@example.org"]) == [
        ("You", "Dentist")
    ]


async def test_declined_invitations_do_not_count(sign_in):
    organizer, guest = await sign_in(), await sign_in()
    invite = create_event(organizer, "Optional talk", attendees=[{"email": guest.email}])
    guest.post(f"/api/v1/events/{invite['id']}/rsvp", json={"response_status": "declined"})
    assert check(guest, "2026-03-02T09:00:00", "2026-03-02T10:00:00") == []
