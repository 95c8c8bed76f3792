"""Recurring events through the API: expansion on read, and this / following / all edits and deletes."""

from __future__ import annotations

import pytest

from tests.integration.api_helpers import (
    cheap_password_hashing,  # noqa: F401 (autouse fixture)
    list_events,
)

pytestmark = pytest.mark.integration
MARCH = {"start": "2026-03-01T00:00:00Z", "end": "2026-04-01T00:00:00Z", "time_zone": "Europe/Berlin"}


def weekly_standup(client, **extra):
    body = {
        "title": "Standup",
        "start": {"date_time": "2026-03-02T09:00:00", "time_zone": "Europe/Berlin"},
        "end": {"date_time": "2026-03-02T09:15:00", "time_zone": "Europe/Berlin"},
        "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6"],
        **extra,
    }
    response = client.post("/api/v1/events", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def starts(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["start"]["date_time"] for item in response.json()["items"]]


async def test_series_expands_with_wall_clock_kept_across_dst(sign_in):
    client = await sign_in()
    series = weekly_standup(client)
    assert series["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=MO"]
    items = list_events(client, **MARCH).json()["items"]
    assert [item["start"]["date_time"] for item in items] == [
        "2026-03-02T09:00:00+01:00",
        "2026-03-09T09:00:00+01:00",
        "2026-03-16T09:00:00+01:00",
        "2026-03-23T09:00:00+01:00",
        "2026-03-30T09:00:00+02:00",  # Berlin switched to summer time on 29 March: still 09:00
    ]
    first = items[0]
    assert first["recurring_event_id"] == series["id"]
    assert first["id"] == f"{series['id']}_20260302T080000Z"
    assert first["original_start"]["date_time"] == "2026-03-02T09:00:00+01:00"
    assert client.get(f"/api/v1/events/{first['id']}").json()["title"] == "Standup"


async def test_invalid_and_unbounded_rules(sign_in):
    client = await sign_in()
    bad = client.post(
        "/api/v1/events",
        json={
            "title": "Bad",
            "start": {"date_time": "2026-03-02T09:00:00", "time_zone": "UTC"},
            "end": {"date_time": "2026-03-02T10:00:00", "time_zone": "UTC"},
            "recurrence": ["RRULE:FREQ=SOMETIMES"],
        },
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"].startswith("recurrence[0]")
    forever = weekly_standup(client, recurrence=["RRULE:FREQ=DAILY"])
    year = list_events(client, start="2030-01-01T00:00:00Z", end="2030-02-01T00:00:00Z", limit=100)
    assert len(year.json()["items"]) == 31
    assert forever["recurrence"] == ["RRULE:FREQ=DAILY"]


async def test_change_this_occurrence_only(sign_in):
    client = await sign_in()
    series = weekly_standup(client)
    occurrence = f"{series['id']}_20260309T080000Z"
    moved = client.patch(
        f"/api/v1/events/{occurrence}",
        params={"scope": "this"},
        json={
            "title": "Standup (moved)",
            "start": {"date_time": "2026-03-10T11:00:00", "time_zone": "Europe/Berlin"},
            "end": {"date_time": "2026-03-10T11:15:00", "time_zone": "Europe/Berlin"},
        },
    )
    assert moved.status_code == 200, moved.text
    items = list_events(client, **MARCH).json()["items"]
    assert [(item["title"], item["start"]["date_time"]) for item in items][:3] == [
        ("Standup", "2026-03-02T09:00:00+01:00"),
        ("Standup (moved)", "2026-03-10T11:00:00+01:00"),
        ("Standup", "2026-03-16T09:00:00+01:00"),
    ]
    assert client.get(f"/api/v1/events/{occurrence}").json()["title"] == "Standup (moved)"


async def test_delete_this_and_following_and_all(sign_in):
    client = await sign_in()
    series = weekly_standup(client)
    assert (
        client.delete(f"/api/v1/events/{series['id']}_20260316T080000Z", params={"scope": "this"}).status_code
        == 204
    )
    assert starts(list_events(client, **MARCH)) == [
        "2026-03-02T09:00:00+01:00",
        "2026-03-09T09:00:00+01:00",
        "2026-03-23T09:00:00+01:00",
        "2026-03-30T09:00:00+02:00",
    ]
    following = client.delete(
        f"/api/v1/events/{series['id']}_20260323T080000Z", params={"scope": "following"}
    )
    assert following.status_code == 204
    assert starts(list_events(client, **MARCH)) == ["2026-03-02T09:00:00+01:00", "2026-03-09T09:00:00+01:00"]
    assert (
        client.delete(f"/api/v1/events/{series['id']}_20260309T080000Z", params={"scope": "all"}).status_code
        == 204
    )
    assert starts(list_events(client, **MARCH)) == []
    assert client.get(f"/api/v1/events/{series['id']}").status_code == 404


async def test_edit_this_and_following_splits_the_series(sign_in):
    client = await sign_in()
    series = weekly_standup(client)
    response = client.patch(
        f"/api/v1/events/{series['id']}_20260316T080000Z",
        params={"scope": "following"},
        json={"title": "Standup v2"},
    )
    assert response.status_code == 200, response.text
    items = list_events(client, **MARCH).json()["items"]
    assert [(item["title"], item["start"]["date_time"][:10]) for item in items] == [
        ("Standup", "2026-03-02"),
        ("Standup", "2026-03-09"),
        ("Standup v2", "2026-03-16"),
        ("Standup v2", "2026-03-23"),
        ("Standup v2", "2026-03-30"),
    ]
    april = list_events(client, start="2026-04-01T00:00:00Z", end="2026-05-01T00:00:00Z").json()["items"]
    assert [item["start"]["date_time"][:10] for item in april] == ["2026-04-06"]  # COUNT=6 kept in total


async def test_moving_all_events_moves_the_series(sign_in):
    client = await sign_in()
    series = weekly_standup(client)
    response = client.patch(
        f"/api/v1/events/{series['id']}_20260309T080000Z",
        params={"scope": "all"},
        json={
            "start": {"date_time": "2026-03-10T10:00:00", "time_zone": "Europe/Berlin"},
            "end": {"date_time": "2026-03-10T10:30:00", "time_zone": "Europe/Berlin"},
        },
    )
    assert response.status_code == 200, response.text
    assert starts(list_events(client, **MARCH))[:2] == [
        "2026-03-03T10:00:00+01:00",
        "2026-03-10T10:00:00+01:00",
    ]
    assert response.json()["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=TU"]


async def test_guests_see_every_occurrence_and_strangers_none(sign_in):
    organizer, guest, stranger = await sign_in(), await sign_in(), await sign_in()
    series = weekly_standup(organizer, attendees=[{"email": guest.email}])
    assert len(list_events(guest, **MARCH).json()["items"]) == 5
    assert list_events(stranger, **MARCH).json()["items"] == []
    assert stranger.get(f"/api/v1/events/{series['id']}_20260302T080000Z").status_code == 404
    edit = guest.patch(f"/api/v1/events/{series['id']}_20260302T080000Z", json={"title": "Nope"})
    assert edit.status_code == 403


async def test_a_non_occurrence_id_is_404(sign_in):
    client = await sign_in()
    series = weekly_standup(client)
    assert client.get(f"/api/v1/events/{series['id']}_20260303T080000Z").status_code == 404
    assert client.delete(f"/api/v1/events/{series['id']}_20990101T080000Z").status_code == 404
