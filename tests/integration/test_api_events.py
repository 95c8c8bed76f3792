"""Event CRUD through the REST API: shapes, validation problems, ETags and conditional requests."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest

from scheduler_app.backend.events import service
from scheduler_app.backend.events.schemas import EventUpdate
from tests.integration.api_helpers import (
    all_day,
    assert_problem,
    cheap_password_hashing,  # noqa: F401 (autouse fixture)
    create_calendar,
    create_event,
    list_events,
    timed,
    titles,
)

pytestmark = pytest.mark.integration


# --- create and read ----------------------------------------------------------------------------------


async def test_create_answers_201_with_location_etag_and_the_event(sign_in):
    client = await sign_in()
    response = client.post(
        "/api/v1/events",
        json={
            "title": "Standup",
            "description": "Daily",
            "location": "Room 1",
            **timed("2026-03-02T09:00:00", "2026-03-02T09:15:00"),
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/api/v1/events/{body['id']}"
    assert response.headers["etag"] == f'"{body["etag"]}"'
    default_calendar = client.get("/api/v1/calendars").json()[0]
    assert body["calendar_id"] == default_calendar["id"]
    assert (body["title"], body["description"], body["location"]) == ("Standup", "Daily", "Room 1")
    assert body["start"] == {
        "date_time": "2026-03-02T09:00:00+01:00",
        "time_zone": "Europe/Berlin",
        "date": None,
    }
    assert body["end"] == {
        "date_time": "2026-03-02T09:15:00+01:00",
        "time_zone": "Europe/Berlin",
        "date": None,
    }
    created_at = dt.datetime.fromisoformat(body["created_at"])
    assert created_at.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - created_at) < dt.timedelta(minutes=1)
    assert body["updated_at"] == body["created_at"]


async def test_get_returns_what_create_returned_with_its_etag(sign_in):
    client = await sign_in()
    created = create_event(client, "Read me")
    response = client.get(f"/api/v1/events/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created
    assert response.headers["etag"] == f'"{created["etag"]}"'


async def test_offset_and_zone_are_kept_apart(sign_in):
    client = await sign_in()
    created = create_event(
        client,
        "Call with Delhi",
        start={"date_time": "2026-07-01T14:30:00+05:30", "time_zone": "America/New_York"},
        end={"date_time": "2026-07-01T15:30:00+05:30", "time_zone": "America/New_York"},
    )
    # The instant comes from the offset; it is shown in the event's zone.
    assert created["start"]["date_time"] == "2026-07-01T05:00:00-04:00"
    assert created["start"]["time_zone"] == "America/New_York"


async def test_event_without_zone_uses_the_users_zone(sign_in):
    client = await sign_in(time_zone="Asia/Tokyo")
    created = create_event(client, **timed("2026-03-02T09:00:00", "2026-03-02T10:00:00", time_zone=None))
    assert created["start"] == {
        "date_time": "2026-03-02T09:00:00+09:00",
        "time_zone": "Asia/Tokyo",
        "date": None,
    }


async def test_all_day_event_is_dates_with_exclusive_end(sign_in):
    client = await sign_in()
    created = create_event(client, "Holiday", **all_day("2026-03-10", "2026-03-12"))
    assert created["start"] == {"date": "2026-03-10", "date_time": None, "time_zone": None}
    assert created["end"] == {"date": "2026-03-12", "date_time": None, "time_zone": None}


async def test_fall_back_ambiguous_time_is_accepted_as_the_first_occurrence(sign_in):
    client = await sign_in()
    created = create_event(client, **timed("2026-10-25T02:30:00", "2026-10-25T03:30:00"))
    assert created["start"]["date_time"] == "2026-10-25T02:30:00+02:00"
    assert created["end"]["date_time"] == "2026-10-25T03:30:00+01:00"


async def test_create_into_a_chosen_calendar(sign_in):
    client = await sign_in()
    calendar = create_calendar(client, "Side project")
    created = create_event(client, "In side", calendar_id=calendar["id"])
    assert created["calendar_id"] == calendar["id"]


# --- validation problems -------------------------------------------------------------------------------


async def test_ten_thousand_character_title_is_422_naming_title(sign_in):
    client = await sign_in()
    response = client.post(
        "/api/v1/events", json={"title": "x" * 10_000, **timed("2026-03-02T09:00", "2026-03-02T10:00")}
    )
    assert_problem(response, 422, "title")
    assert titles(list_events(client, start="2026-03-01T00:00:00Z", end="2026-03-09T00:00:00Z")) == []


async def test_blank_title_is_422_naming_title(sign_in):
    client = await sign_in()
    response = client.post(
        "/api/v1/events", json={"title": "   ", **timed("2026-03-02T09:00", "2026-03-02T10:00")}
    )
    body = assert_problem(response, 422, "title")
    assert "title is required" in body["errors"][0]["message"]


async def test_malformed_json_is_422_with_a_readable_detail(sign_in):
    client = await sign_in()
    response = client.post(
        "/api/v1/events", content=b'{"title": "Oops", "start": ', headers={"content-type": "application/json"}
    )
    body = assert_problem(response, 422)
    assert body["detail"] == "The request body is not valid JSON."


async def test_missing_field_is_422_naming_it(sign_in):
    client = await sign_in()
    response = client.post("/api/v1/events", json={"title": "No start", "end": {"date": "2026-03-10"}})
    assert_problem(response, 422, "start")


async def test_unknown_field_is_422_naming_it(sign_in):
    client = await sign_in()
    response = client.post(
        "/api/v1/events", json={"title": "A", "colour": "red", **all_day("2026-03-10", "2026-03-11")}
    )
    assert_problem(response, 422, "colour")


async def test_end_before_start_is_422_naming_end(sign_in):
    client = await sign_in()
    response = client.post(
        "/api/v1/events", json={"title": "Backwards", **timed("2026-03-02T10:00", "2026-03-02T09:00")}
    )
    body = assert_problem(response, 422, "end")
    assert "after" in body["errors"][0]["message"]


async def test_all_day_end_equal_to_start_is_422(sign_in):
    client = await sign_in()
    response = client.post(
        "/api/v1/events", json={"title": "Zero days", **all_day("2026-03-10", "2026-03-10")}
    )
    assert_problem(response, 422, "end")


async def test_unknown_time_zone_is_422(sign_in):
    client = await sign_in()
    response = client.post(
        "/api/v1/events",
        json={"title": "Where?", **timed("2026-03-02T09:00", "2026-03-02T10:00", "Mars/Olympus_Mons")},
    )
    body = assert_problem(response, 422, "start.time_zone")
    assert "Mars/Olympus_Mons" in body["errors"][0]["message"]


async def test_unknown_end_time_zone_is_422_naming_end_zone(sign_in):
    client = await sign_in()
    response = client.post(
        "/api/v1/events",
        json={
            "title": "Where?",
            "start": {"date_time": "2026-03-02T09:00", "time_zone": "Europe/Berlin"},
            "end": {"date_time": "2026-03-02T10:00", "time_zone": "Atlantis/Capital"},
        },
    )
    assert_problem(response, 422, "end.time_zone")


async def test_non_existent_local_time_is_422(sign_in):
    client = await sign_in()
    response = client.post(
        "/api/v1/events", json={"title": "Gap", **timed("2026-03-29T02:30:00", "2026-03-29T04:00:00")}
    )
    body = assert_problem(response, 422, "start.date_time")
    assert "does not exist" in body["errors"][0]["message"]


async def test_mixing_date_and_date_time_is_422(sign_in):
    client = await sign_in()
    response = client.post(
        "/api/v1/events",
        json={
            "title": "Mixed",
            "start": {"date": "2026-03-02"},
            "end": {"date_time": "2026-03-02T10:00:00Z"},
        },
    )
    assert_problem(response, 422, "end")


async def test_malformed_date_time_is_422_naming_it(sign_in):
    client = await sign_in()
    response = client.post(
        "/api/v1/events", json={"title": "When?", **timed("next tuesday", "2026-03-02T10:00")}
    )
    assert_problem(response, 422, "start.date_time")


async def test_over_long_event_is_422(sign_in):
    client = await sign_in()
    response = client.post("/api/v1/events", json={"title": "Forever", **all_day("2026-01-01", "2040-01-01")})
    body = assert_problem(response, 422, "end")
    assert "too long" in body["detail"]


async def test_dates_at_the_edge_of_the_calendar_are_422_not_500(sign_in):
    client = await sign_in()
    for times in [
        all_day("0001-01-01", "0001-01-02"),
        timed("0001-01-01T00:00:00", "0001-01-01T05:00:00"),
        timed("0001-01-01T00:30:00Z", "0001-01-01T05:00:00Z", "America/New_York"),
        timed("9999-12-31T20:00:00Z", "9999-12-31T23:00:00Z", "Asia/Tokyo"),
    ]:
        response = client.post("/api/v1/events", json={"title": "Edge", **times})
        assert_problem(response, 422)
    # Nothing unreadable was stored: the whole range still lists.
    listed = list_events(client, start="0001-01-02T00:00:00Z", end="9999-12-29T00:00:00Z")
    assert titles(listed) == []


async def test_malformed_client_id_is_422(sign_in):
    client = await sign_in()
    response = client.post(
        "/api/v1/events", json={"id": "a/b", "title": "A", **all_day("2026-03-10", "2026-03-11")}
    )
    assert_problem(response, 422, "id")


# --- client ids ----------------------------------------------------------------------------------------


async def test_create_with_a_client_id_uses_it(sign_in):
    client = await sign_in()
    client_id = f"client-{uuid.uuid4().hex}"
    created = create_event(client, "Mine", id=client_id)
    assert created["id"] == client_id
    assert client.get(f"/api/v1/events/{client_id}").json()["title"] == "Mine"


async def test_posting_the_same_client_id_twice_is_409_and_keeps_the_first(sign_in):
    client = await sign_in()
    client_id = f"retry-{uuid.uuid4().hex}"
    first = create_event(client, "First", id=client_id)
    response = client.post(
        "/api/v1/events", json={"id": client_id, "title": "Second", **all_day("2026-04-01", "2026-04-02")}
    )
    assert_problem(response, 409)
    assert client.get(f"/api/v1/events/{client_id}").json() == first


# --- conditional requests ------------------------------------------------------------------------------


async def test_if_none_match_with_the_current_etag_is_304(sign_in):
    client = await sign_in()
    created = create_event(client)
    response = client.get(
        f"/api/v1/events/{created['id']}", headers={"If-None-Match": f'"{created["etag"]}"'}
    )
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == f'"{created["etag"]}"'


async def test_if_none_match_with_an_old_etag_is_200(sign_in):
    client = await sign_in()
    created = create_event(client)
    updated = client.patch(f"/api/v1/events/{created['id']}", json={"title": "Renamed"}).json()
    response = client.get(
        f"/api/v1/events/{created['id']}", headers={"If-None-Match": f'"{created["etag"]}"'}
    )
    assert response.status_code == 200
    assert response.json() == updated


async def test_patch_with_the_current_etag_updates_and_changes_the_etag(sign_in):
    client = await sign_in()
    created = create_event(client, "Old")
    response = client.patch(
        f"/api/v1/events/{created['id']}", json={"title": "New"}, headers={"If-Match": f'"{created["etag"]}"'}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "New"
    assert body["etag"] != created["etag"]
    assert response.headers["etag"] == f'"{body["etag"]}"'
    assert body["updated_at"] > created["updated_at"] or body["updated_at"] != created["updated_at"]
    assert body["created_at"] == created["created_at"]
    assert (body["start"], body["end"]) == (created["start"], created["end"])
    assert client.get(f"/api/v1/events/{created['id']}").json() == body


async def test_patch_with_a_stale_etag_is_412_and_changes_nothing(sign_in):
    client = await sign_in()
    created = create_event(client, "Original")
    # Someone else updates first; our copy of the ETag is now stale.
    current = client.patch(f"/api/v1/events/{created['id']}", json={"location": "Room 2"}).json()
    response = client.patch(
        f"/api/v1/events/{created['id']}",
        json={"title": "Mine"},
        headers={"If-Match": f'"{created["etag"]}"'},
    )
    assert_problem(response, 412)
    assert client.get(f"/api/v1/events/{created['id']}").json() == current


async def test_patch_with_a_made_up_etag_is_412(sign_in):
    client = await sign_in()
    created = create_event(client, "Original")
    response = client.patch(
        f"/api/v1/events/{created['id']}", json={"title": "X"}, headers={"If-Match": '"nope"'}
    )
    assert_problem(response, 412)
    assert client.get(f"/api/v1/events/{created['id']}").json() == created


async def test_delete_with_a_stale_etag_is_412_and_keeps_the_event(sign_in):
    client = await sign_in()
    created = create_event(client, "Keep me")
    current = client.patch(f"/api/v1/events/{created['id']}", json={"description": "edited"}).json()
    response = client.delete(f"/api/v1/events/{created['id']}", headers={"If-Match": f'"{created["etag"]}"'})
    assert_problem(response, 412)
    assert client.get(f"/api/v1/events/{created['id']}").json() == current


async def test_delete_with_the_current_etag_is_204(sign_in):
    client = await sign_in()
    created = create_event(client)
    response = client.delete(f"/api/v1/events/{created['id']}", headers={"If-Match": f'"{created["etag"]}"'})
    assert response.status_code == 204
    assert response.content == b""
    assert_problem(client.get(f"/api/v1/events/{created['id']}"), 404)


async def test_delete_is_204_then_the_event_is_gone(sign_in):
    client = await sign_in()
    created = create_event(client, "Doomed")
    response = client.delete(f"/api/v1/events/{created['id']}")
    assert response.status_code == 204
    assert_problem(client.get(f"/api/v1/events/{created['id']}"), 404)
    assert_problem(client.delete(f"/api/v1/events/{created['id']}"), 404)
    assert titles(list_events(client, start="2026-03-01T00:00:00Z", end="2026-03-09T00:00:00Z")) == []


# --- updates -------------------------------------------------------------------------------------------


async def test_patch_times_moves_the_event_between_windows(sign_in):
    client = await sign_in()
    created = create_event(client, "Moved")
    response = client.patch(
        f"/api/v1/events/{created['id']}", json=timed("2026-06-15T14:00", "2026-06-15T15:00")
    )
    assert response.status_code == 200, response.text
    assert response.json()["start"]["date_time"] == "2026-06-15T14:00:00+02:00"
    assert titles(list_events(client, start="2026-03-01T00:00:00Z", end="2026-03-09T00:00:00Z")) == []
    assert titles(list_events(client, start="2026-06-15T00:00:00Z", end="2026-06-16T00:00:00Z")) == ["Moved"]


async def test_patch_only_the_end_keeps_the_start(sign_in):
    client = await sign_in()
    created = create_event(client)
    response = client.patch(
        f"/api/v1/events/{created['id']}",
        json={"end": {"date_time": "2026-03-02T12:00:00", "time_zone": "Europe/Berlin"}},
    )
    assert response.status_code == 200, response.text
    assert response.json()["start"] == created["start"]
    assert response.json()["end"]["date_time"] == "2026-03-02T12:00:00+01:00"


async def test_patch_turns_a_timed_event_into_an_all_day_event(sign_in):
    client = await sign_in()
    created = create_event(client)
    response = client.patch(f"/api/v1/events/{created['id']}", json=all_day("2026-03-05", "2026-03-06"))
    assert response.status_code == 200, response.text
    assert response.json()["start"] == {"date": "2026-03-05", "date_time": None, "time_zone": None}
    assert titles(list_events(client, start="2026-03-05T00:00:00", end="2026-03-06T00:00:00")) == ["Event"]


async def test_patch_to_another_calendar_is_listed_under_it(sign_in):
    client = await sign_in()
    other = create_calendar(client, "Other")
    default_id = client.get("/api/v1/calendars").json()[0]["id"]
    created = create_event(client, "Hopper")
    response = client.patch(f"/api/v1/events/{created['id']}", json={"calendar_id": other["id"]})
    assert response.status_code == 200, response.text
    assert response.json()["calendar_id"] == other["id"]
    window = {"start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z"}
    assert titles(list_events(client, calendar_id=other["id"], **window)) == ["Hopper"]
    assert titles(list_events(client, calendar_id=default_id, **window)) == []


async def test_patch_null_title_is_422(sign_in):
    client = await sign_in()
    created = create_event(client, "Keep")
    assert_problem(client.patch(f"/api/v1/events/{created['id']}", json={"title": None}), 422, "title")
    assert client.get(f"/api/v1/events/{created['id']}").json() == created


async def test_failed_patch_writes_nothing(sign_in):
    client = await sign_in()
    created = create_event(client, "Whole", description="as created")
    gap = {"start": {"date_time": "2026-03-29T02:30"}, "end": {"date_time": "2026-03-29T04:00"}}
    for patch, status, field in [
        ({"title": "Half", **timed("2026-03-02T12:00", "2026-03-02T11:00")}, 422, "end"),
        ({"title": "Half", "location": "l" * 1_001}, 422, "location"),
        (
            {"title": "Half", "start": {"date_time": "2026-03-02T08:00", "time_zone": "Nowhere/Land"}},
            422,
            "start.time_zone",
        ),
        ({"title": "Half", **gap}, 422, "start.date_time"),
        ({"title": "Half", "start": {"date": "2026-03-02"}}, 422, "end"),
        ({"title": "Half", "etag": "forged"}, 422, "etag"),
        ({"title": "Half", "calendar_id": "no-such-calendar"}, 404, None),
    ]:
        response = client.patch(f"/api/v1/events/{created['id']}", json=patch)
        assert_problem(response, status, *([field] if field else []))
        assert client.get(f"/api/v1/events/{created['id']}").json() == created, patch


async def test_patch_null_start_is_422_and_changes_nothing(sign_in):
    client = await sign_in()
    event = create_event(client)
    response = client.patch(f"/api/v1/events/{event['id']}", json={"start": None})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["start"]
    assert client.get(f"/api/v1/events/{event['id']}").json()["start"] == event["start"]


async def test_weak_if_match_never_matches(sign_in):
    client = await sign_in()
    event = create_event(client)
    response = client.patch(
        f"/api/v1/events/{event['id']}", json={"title": "Weak"}, headers={"If-Match": f'W/"{event["etag"]}"'}
    )
    assert response.status_code == 412
    assert client.get(f"/api/v1/events/{event['id']}").json()["title"] == event["title"]


async def test_if_none_match_star_is_304_for_an_existing_event(sign_in):
    client = await sign_in()
    event = create_event(client)
    response = client.get(f"/api/v1/events/{event['id']}", headers={"If-None-Match": "*"})
    assert response.status_code == 304


async def test_concurrent_unconditional_patches_all_succeed(sign_in, db):
    client = await sign_in()
    event = create_event(client)
    titles_written = [f"Writer {n}" for n in range(4)]
    results = await asyncio.gather(
        *(
            service.update_event(db, client.user_id, event["id"], EventUpdate(title=title), "UTC")
            for title in titles_written
        )
    )
    assert sorted(result.title for result in results) == titles_written
    assert client.get(f"/api/v1/events/{event['id']}").json()["title"] in titles_written
