"""Find a time through the REST API: working hours, free/busy, suggestions, bad input and privacy."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import httpx
import pytest

from tests.integration.api_helpers import (
    assert_problem,
    cheap_password_hashing,  # noqa: F401 (autouse fixture)
    create_event,
    timed,
)

pytestmark = pytest.mark.integration

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SECRET = "Secret merger talks"


def future_monday(weeks_ahead: int = 3) -> dt.date:
    """A Monday a few weeks from today (windows in the past are refused)."""
    today = dt.date.today()
    return today + dt.timedelta(days=7 * weeks_ahead - today.weekday())


def wall(day: dt.date, hour: int, minute: int = 0) -> str:
    """A Berlin wall-clock time as the API's offset-less ISO string."""
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00"


def berlin(instant: str) -> dt.datetime:
    return dt.datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(BERLIN)


def meeting(
    client: httpx.Client, day: dt.date, start: int, end: int, title: str = SECRET, **fields: Any
) -> dict:
    return create_event(client, title, **timed(wall(day, start), wall(day, end)), **fields)


def suggest(client: httpx.Client, day: dt.date, **fields: Any) -> httpx.Response:
    body: dict[str, Any] = {
        "duration_minutes": 60,
        "window_start": wall(day, 0),
        "window_end": wall(day + dt.timedelta(days=1), 0),
        "time_zone": "Europe/Berlin",
        "slot_minutes": 60,
    }
    body.update(fields)
    return client.post("/api/v1/scheduling/suggestions", json=body)


def starts(response: httpx.Response) -> list[int]:
    """Local Berlin start hours of the suggestions, best first."""
    assert response.status_code == 200, response.text
    return [berlin(item["start"]).hour for item in response.json()["suggestions"]]


# --- working hours ----------------------------------------------------------------------------------


async def test_default_working_hours_are_weekdays_nine_to_five_in_the_users_zone(sign_in):
    client = await sign_in(time_zone="Asia/Tokyo")
    body = client.get("/api/v1/me/working-hours").json()
    assert body["is_default"] is True and body["time_zone"] == "Asia/Tokyo"
    assert body["weekly"]["monday"] == [{"start": "09:00", "end": "17:00"}]
    assert body["weekly"]["friday"] == [{"start": "09:00", "end": "17:00"}]
    assert body["weekly"]["saturday"] == [] and body["weekly"]["sunday"] == []
    no_zone = await sign_in(time_zone=None)
    assert no_zone.get("/api/v1/me/working-hours").json()["time_zone"] == "UTC"


async def test_working_hours_round_trip(sign_in):
    client = await sign_in()
    hours = {
        "time_zone": "America/New_York",
        "weekly": {
            "monday": [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:30"}],
            "saturday": [{"start": "22:00", "end": "24:00"}],
        },
        "overrides": [{"date": "2027-12-24", "ranges": []}],
        "out_of_office": [{"start": "2027-08-02T00:00:00", "end": "2027-08-09T00:00:00"}],
        "lunch": None,
    }
    saved = client.put("/api/v1/me/working-hours", json=hours)
    assert saved.status_code == 200, saved.text
    body = client.get("/api/v1/me/working-hours").json()
    assert body["is_default"] is False and body["time_zone"] == "America/New_York"
    assert body["weekly"]["monday"] == hours["weekly"]["monday"]
    assert body["weekly"]["saturday"] == [{"start": "22:00", "end": "24:00"}]
    assert body["weekly"]["tuesday"] == []
    assert body["overrides"] == [{"date": "2027-12-24", "ranges": []}]
    # Offset-less absences are read in the hours' zone (EDT, UTC-4) and answered in UTC.
    assert body["out_of_office"] == [{"start": "2027-08-02T04:00:00Z", "end": "2027-08-09T04:00:00Z"}]
    assert body["lunch"] is None


async def test_invalid_working_hours_name_each_field(sign_in):
    client = await sign_in()
    response = client.put(
        "/api/v1/me/working-hours",
        json={
            "time_zone": "Mars/Olympus",
            "weekly": {
                "monday": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}],
                "tuesday": [{"start": "22:00", "end": "06:00"}],
                "wednesday": [{"start": "25:00", "end": "26:00"}],
            },
            "out_of_office": [{"start": "2027-01-02T00:00:00Z", "end": "2027-01-01T00:00:00Z"}],
        },
    )
    assert_problem(response, 422, "time_zone", "weekly.wednesday[0].start", "weekly.wednesday[0].end")
    response = client.put(
        "/api/v1/me/working-hours",
        json={
            "weekly": {
                "monday": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}],
                "tuesday": [{"start": "22:00", "end": "06:00"}],
            },
            "out_of_office": [{"start": "2027-01-02T00:00:00Z", "end": "2027-01-01T00:00:00Z"}],
        },
    )
    assert_problem(response, 422, "weekly.monday", "weekly.tuesday[0]", "out_of_office[0].end")
    assert_problem(client.put("/api/v1/me/working-hours", json={"weekly": {}}), 422, "weekly")
    assert_problem(client.put("/api/v1/me/working-hours", json={"weekly": {"funday": []}}), 422)
    assert client.get("/api/v1/me/working-hours").json()["is_default"] is True


async def test_scheduling_needs_a_session(anonymous):
    assert_problem(anonymous.get("/api/v1/me/working-hours"), 401)
    assert_problem(anonymous.post("/api/v1/scheduling/suggestions", json={}), 401)
    assert_problem(anonymous.get("/api/v1/availability", params={"users": "a@example.com"}), 401)


# --- bad input ----------------------------------------------------------------------------------------


async def test_zero_or_negative_duration_is_refused(sign_in):
    client = await sign_in()
    day = future_monday()
    assert_problem(suggest(client, day, duration_minutes=0), 422, "duration_minutes")
    assert_problem(suggest(client, day, duration_minutes=-30), 422, "duration_minutes")
    assert_problem(suggest(client, day, duration_minutes=25 * 60), 422, "duration_minutes")


async def test_ten_year_window_is_refused(sign_in):
    client = await sign_in()
    day = future_monday()
    response = suggest(client, day, window_end=wall(day.replace(year=day.year + 10), 0))
    body = assert_problem(response, 422, "window_end")
    assert "93 days" in body["errors"][0]["message"]


async def test_five_hundred_participants_are_refused(sign_in):
    client = await sign_in()
    crowd = [f"person{index}@example.com" for index in range(500)]
    assert_problem(suggest(client, future_monday(), participants=crowd), 422, "participants")
    # 150 required plus 150 optional is also past the limit of 200, counted before any lookup.
    body = assert_problem(
        suggest(client, future_monday(), participants=crowd[:150], optional=crowd[150:300]),
        422,
        "participants",
    )
    assert "200" in body["errors"][0]["message"]


async def test_window_in_the_past_is_refused(sign_in):
    client = await sign_in()
    response = suggest(client, dt.date(2020, 3, 2))
    body = assert_problem(response, 422, "window_end")
    assert "future" in body["errors"][0]["message"]


async def test_unknown_users_are_named(sign_in):
    client, colleague = await sign_in(), await sign_in()
    response = suggest(
        client,
        future_monday(),
        participants=[colleague.email, "nobody-here@example.com"],
        optional=["not an address", "ghost@example.com"],
    )
    body = assert_problem(response, 422, "participants[1]", "optional[0]", "optional[1]")
    messages = " ".join(item["message"] for item in body["errors"])
    assert "nobody-here@example.com" in messages and "ghost@example.com" in messages


async def test_unknown_users_and_bad_fields_come_in_one_answer(sign_in):
    client = await sign_in()
    response = suggest(
        client,
        future_monday(),
        participants=["ghost@example.com"],
        time_zone="Mars/Olympus",
        window_start="yesterday",
    )
    assert_problem(response, 422, "participants[0]", "time_zone")
    response = suggest(client, future_monday(), participants=["ghost@example.com"], window_start="yesterday")
    assert_problem(response, 422, "participants[0]", "window_start")
    assert_problem(suggest(client, future_monday(), slot_minutes=7), 422, "slot_minutes")
    assert_problem(suggest(client, future_monday(), limit=0), 422, "limit")


# --- suggestions ------------------------------------------------------------------------------------


async def test_top_suggestion_avoids_everyones_meetings_including_a_recurring_one(sign_in):
    alice, bob, carol = await sign_in(), await sign_in(), await sign_in()
    day = future_monday()
    meeting(alice, day, 9, 10)
    # Bob's daily stand-up series started a week earlier and runs 10:00-12:00 every day.
    meeting(bob, day - dt.timedelta(days=7), 10, 12, recurrence=["RRULE:FREQ=DAILY;COUNT=30"])
    meeting(carol, day, 12, 13)
    meeting(carol, day, 14, 15)
    response = suggest(alice, day, participants=[bob.email, carol.email])
    assert starts(response)[:3] == [13, 15, 16]
    body = response.json()
    top = body["suggestions"][0]
    assert top["score"] == 100.0
    assert sorted(top["attendees_free"]) == sorted([alice.email, bob.email, carol.email])
    assert top["attendees_busy"] == []
    assert "Everyone is free" in top["reasons"]
    assert len(body["suggestions"]) == 3  # only 13:00, 15:00 and 16:00 leave everyone free in 09-17
    assert body["explanation"]["summary"]


async def test_requester_alone_and_listed_twice(sign_in):
    alice = await sign_in()
    day = future_monday()
    meeting(alice, day, 9, 16)
    response = suggest(alice, day, participants=[alice.email.upper()], optional=[alice.email])
    assert starts(response) == [16]
    assert response.json()["suggestions"][0]["attendees_free"] == [alice.email]


async def test_tentative_costs_points_and_busy_rules_out(sign_in):
    alice, bob, organizer = await sign_in(), await sign_in(), await sign_in()
    day = future_monday()
    meeting(alice, day, 12, 17)  # leaves 09:00-12:00
    tentative = meeting(organizer, day, 9, 10, attendees=[{"email": bob.email}])
    answer = bob.post(f"/api/v1/events/{tentative['id']}/rsvp", json={"response_status": "tentative"})
    assert answer.status_code == 200, answer.text
    meeting(bob, day, 10, 11)  # Bob's own meeting: busy
    response = suggest(alice, day, participants=[bob.email])
    assert starts(response) == [11, 9]
    best, second = response.json()["suggestions"]
    assert best["score"] == 100.0 and second["score"] < best["score"]
    assert second["attendees_busy"] == [bob.email]
    assert any("tentative" in reason for reason in second["reasons"])


async def test_declined_invitations_are_ignored_and_unanswered_ones_count(sign_in):
    alice, bob, organizer = await sign_in(), await sign_in(), await sign_in()
    day = future_monday()
    meeting(alice, day, 11, 17)  # leaves 09:00-11:00
    declined = meeting(organizer, day, 9, 10, attendees=[{"email": bob.email}])
    bob.post(f"/api/v1/events/{declined['id']}/rsvp", json={"response_status": "declined"})
    meeting(organizer, day, 10, 11, attendees=[{"email": bob.email}])  # not answered: busy
    response = suggest(alice, day, participants=[bob.email])
    assert starts(response) == [9]


async def test_working_hours_in_another_zone_are_respected(sign_in):
    alice, bob = await sign_in(), await sign_in(time_zone="America/New_York")
    day = future_monday()
    # Bob keeps the default 09:00-17:00, but in New York: 15:00-23:00 in Berlin (14:00-22:00 in summer
    # when the two clock changes differ, so the assertion reads the offsets of that very day).
    response = suggest(alice, day, participants=[bob.email])
    new_york_nine = dt.datetime.combine(day, dt.time(9), zoneinfo.ZoneInfo("America/New_York"))
    first_shared = new_york_nine.astimezone(BERLIN).hour
    assert starts(response) == list(range(first_shared, 17))
    # Saved hours in Tokyo (09:00-12:00 there is 01:00-04:00 in Berlin in winter) leave no overlap at all.
    saved = bob.put(
        "/api/v1/me/working-hours",
        json={"time_zone": "Asia/Tokyo", "weekly": {"monday": [{"start": "09:00", "end": "12:00"}]}},
    )
    assert saved.status_code == 200, saved.text
    response = suggest(alice, day, participants=[bob.email])
    assert starts(response) == []
    explanation = response.json()["explanation"]
    assert explanation["summary"].startswith("No time")
    assert any(item["kind"] == "outside_working_hours" for item in explanation["relaxations"])


async def test_optional_attendee_busy_ranks_lower(sign_in):
    alice, bob = await sign_in(), await sign_in()
    day = future_monday()
    meeting(bob, day, 9, 16)
    response = suggest(alice, day, optional=[bob.email], limit=2)
    assert starts(response) == [16, 9]
    assert response.json()["suggestions"][1]["attendees_busy"] == [bob.email]


async def test_no_titles_anywhere_in_the_answers(sign_in):
    alice, bob = await sign_in(), await sign_in()
    day = future_monday()
    meeting(bob, day, 9, 17, title=SECRET)
    meeting(bob, day + dt.timedelta(days=1), 9, 12, title=SECRET)
    found = suggest(alice, day, participants=[bob.email], window_end=wall(day + dt.timedelta(days=2), 0))
    assert found.status_code == 200, found.text
    nothing = suggest(alice, day, participants=[bob.email])
    assert nothing.status_code == 200 and nothing.json()["suggestions"] == []
    free_busy = alice.get(
        "/api/v1/availability", params={"users": [bob.email], "start": wall(day, 0), "end": wall(day, 23)}
    )
    for response in (found, nothing, free_busy):
        assert SECRET.lower() not in response.text.lower()
        assert "merger" not in response.text.lower()


# --- free/busy --------------------------------------------------------------------------------------


async def test_availability_lists_merged_busy_time_per_user(sign_in):
    alice, bob, organizer = await sign_in(), await sign_in(), await sign_in()
    day = future_monday()
    meeting(bob, day, 9, 10)
    meeting(bob, day, 10, 11)  # adjacent: merged with the first, so meetings cannot be counted
    maybe = meeting(organizer, day, 13, 15, attendees=[{"email": bob.email}])
    bob.post(f"/api/v1/events/{maybe['id']}/rsvp", json={"response_status": "tentative"})
    meeting(bob, day, 14, 16)  # busy wins where both overlap
    create_event(
        bob, "Holiday", start={"date": day.isoformat()}, end={"date": (day + dt.timedelta(1)).isoformat()}
    )
    response = alice.get(
        "/api/v1/availability",
        params={"users": [bob.email, alice.email], "start": wall(day, 0), "end": wall(day, 23)},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["email"] for item in body["users"]] == [bob.email, alice.email]
    spans = [(berlin(s["start"]).hour, berlin(s["end"]).hour, s["status"]) for s in body["users"][0]["busy"]]
    assert spans == [(9, 11, "busy"), (13, 14, "tentative"), (14, 16, "busy")]
    assert body["users"][1]["busy"] == []
    assert set(body["users"][0]["busy"][0]) == {"start", "end", "status"}


async def test_availability_bad_input(sign_in):
    alice = await sign_in()
    day = future_monday()
    window = {"start": wall(day, 0), "end": wall(day, 23)}
    response = alice.get("/api/v1/availability", params={"users": ["ghost@example.com"], **window})
    assert_problem(response, 422, "users[0]")
    response = alice.get(
        "/api/v1/availability",
        params={
            "users": [alice.email],
            "start": wall(day, 0),
            "end": wall(day.replace(year=day.year + 1), 0),
        },
    )
    assert_problem(response, 422, "end")
    assert_problem(alice.get("/api/v1/availability", params=window), 422, "users")


# --- shared calendars as participants -----------------------------------------------------------------


async def test_a_shared_room_calendar_must_be_free_too_and_shows_no_titles(sign_in):
    me, facilities = await sign_in(), await sign_in()
    room = facilities.post("/api/v1/calendars", json={"name": "Room Ada", "color": "#123456"}).json()
    day = future_monday()
    meeting(facilities, day, 9, 12, "Board offsite", calendar_id=room["id"])
    shared = facilities.post(
        f"/api/v1/calendars/{room['id']}/shares", json={"email": me.email, "role": "freebusy"}
    )
    assert shared.status_code == 201
    without_room = starts(suggest(me, day))
    assert without_room[0] == 9
    with_room = suggest(me, day, calendars=[room["id"]])
    assert all(hour >= 12 for hour in starts(with_room))
    assert "Board offsite" not in with_room.text
    assert all(f"calendar:{room['id']}" in item["attendees_free"] for item in with_room.json()["suggestions"])


async def test_a_calendar_not_shared_with_you_is_refused_by_field(sign_in):
    me, stranger = await sign_in(), await sign_in()
    theirs = stranger.post("/api/v1/calendars", json={"name": "Private", "color": "#123456"}).json()
    refused = suggest(me, future_monday(), calendars=["no-such-calendar", theirs["id"]])
    body = assert_problem(refused, 422, "calendars[0]", "calendars[1]")
    assert "Private" not in refused.text and body["status"] == 422
