"""Range listing through the REST API: window edges, week keys, all-day zones, calendars, cursor pages."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

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


def utc_event(client, title: str, start: str, end: str) -> dict:
    return create_event(client, title, **timed(start, end, time_zone="UTC"))


# --- window edges --------------------------------------------------------------------------------------


async def test_window_includes_overlaps_and_excludes_events_touching_only_its_edges(sign_in):
    client = await sign_in()
    utc_event(client, "ends at window start", "2026-03-04T09:00:00Z", "2026-03-04T10:00:00Z")
    utc_event(client, "overlaps window start", "2026-03-04T09:30:00Z", "2026-03-04T10:30:00Z")
    utc_event(client, "inside", "2026-03-04T10:45:00Z", "2026-03-04T11:00:00Z")
    utc_event(client, "overlaps window end", "2026-03-04T11:30:00Z", "2026-03-04T12:30:00Z")
    utc_event(client, "starts at window end", "2026-03-04T12:00:00Z", "2026-03-04T13:00:00Z")
    utc_event(client, "covers window", "2026-03-04T08:00:00Z", "2026-03-04T14:00:00Z")
    utc_event(client, "next day", "2026-03-05T10:00:00Z", "2026-03-05T11:00:00Z")
    listed = list_events(client, start="2026-03-04T10:00:00Z", end="2026-03-04T12:00:00Z")
    assert titles(listed) == ["covers window", "overlaps window start", "inside", "overlaps window end"]
    assert listed.json()["next_cursor"] is None


async def test_listed_items_have_the_full_event_shape(sign_in):
    client = await sign_in()
    created = create_event(client, "Shape")
    listed = list_events(client, start="2026-03-02T00:00:00Z", end="2026-03-03T00:00:00Z")
    assert listed.json()["items"] == [created]


async def test_event_crossing_a_week_boundary_is_found_from_either_week(sign_in):
    client = await sign_in()
    # Sunday 2026-03-08 23:00 UTC to Monday 2026-03-09 01:00 UTC: two index weeks.
    utc_event(client, "midnight shift", "2026-03-08T23:00:00Z", "2026-03-09T01:00:00Z")
    assert titles(list_events(client, start="2026-03-08T22:00:00Z", end="2026-03-08T23:30:00Z")) == [
        "midnight shift"
    ]
    assert titles(list_events(client, start="2026-03-09T00:30:00Z", end="2026-03-09T02:00:00Z")) == [
        "midnight shift"
    ]
    assert titles(list_events(client, start="2026-03-09T01:00:00Z", end="2026-03-09T02:00:00Z")) == []


async def test_multi_week_event_is_found_from_a_middle_week(sign_in):
    client = await sign_in()
    utc_event(client, "sabbatical month", "2026-03-02T00:00:00Z", "2026-04-01T00:00:00Z")
    assert titles(list_events(client, start="2026-03-18T09:00:00Z", end="2026-03-18T10:00:00Z")) == [
        "sabbatical month"
    ]


async def test_long_event_is_found_from_any_week_it_covers(sign_in):
    client = await sign_in()
    create_event(client, "semester", **all_day("2026-01-05", "2026-07-01"))
    for window_start in ["2026-01-05", "2026-03-29", "2026-06-30"]:
        start = dt.date.fromisoformat(window_start)
        listed = list_events(
            client, start=f"{start}T00:00:00", end=f"{start + dt.timedelta(days=1)}T00:00:00"
        )
        assert titles(listed) == ["semester"], window_start
    assert titles(list_events(client, start="2026-07-01T00:00:00", end="2026-07-02T00:00:00")) == []


async def test_window_longer_than_two_years_uses_the_calendar_index_and_still_finds_events(sign_in):
    client = await sign_in()
    utc_event(client, "short", "2026-03-04T09:00:00Z", "2026-03-04T10:00:00Z")
    create_event(client, "long", **all_day("2027-01-01", "2028-06-01"))
    utc_event(client, "outside", "2031-01-01T09:00:00Z", "2031-01-01T10:00:00Z")
    assert titles(list_events(client, start="2025-01-01T00:00:00Z", end="2030-01-01T00:00:00Z")) == [
        "short",
        "long",
    ]


async def test_offset_less_window_is_read_in_the_users_zone(sign_in):
    client = await sign_in()  # Europe/Berlin
    utc_event(client, "late UTC", "2026-03-04T23:30:00Z", "2026-03-04T23:45:00Z")
    # 2026-03-05 00:00 in Berlin is 2026-03-04 23:00 UTC, so the event is on the 5th there.
    assert titles(list_events(client, start="2026-03-05T00:00:00", end="2026-03-06T00:00:00")) == ["late UTC"]
    assert titles(list_events(client, start="2026-03-04T00:00:00", end="2026-03-05T00:00:00")) == []


async def test_time_zone_parameter_changes_how_offset_less_windows_are_read(sign_in):
    client = await sign_in()
    utc_event(client, "late UTC", "2026-03-04T23:30:00Z", "2026-03-04T23:45:00Z")
    window = {"start": "2026-03-04T00:00:00", "end": "2026-03-05T00:00:00"}
    assert titles(list_events(client, time_zone="UTC", **window)) == ["late UTC"]
    assert titles(list_events(client, time_zone="Asia/Tokyo", **window)) == []


# --- all-day events and the viewer's zone --------------------------------------------------------------


async def test_all_day_event_is_listed_on_its_own_dates_in_any_zone(sign_in):
    client = await sign_in()
    create_event(client, "holiday", **all_day("2026-03-10", "2026-03-11"))
    for zone in ["Pacific/Kiritimati", "Etc/GMT+12", "Asia/Tokyo", "America/Los_Angeles", "UTC"]:
        on_the_day = list_events(
            client, start="2026-03-10T00:00:00", end="2026-03-11T00:00:00", time_zone=zone
        )
        day_before = list_events(
            client, start="2026-03-09T00:00:00", end="2026-03-10T00:00:00", time_zone=zone
        )
        day_after = list_events(
            client, start="2026-03-11T00:00:00", end="2026-03-12T00:00:00", time_zone=zone
        )
        assert titles(on_the_day) == ["holiday"], zone
        assert titles(day_before) == [], zone
        assert titles(day_after) == [], zone


async def test_all_day_event_against_a_fixed_utc_window_depends_on_the_viewers_zone(sign_in):
    client = await sign_in()
    create_event(client, "holiday", **all_day("2026-03-10", "2026-03-11"))
    # 2026-03-09 12:00-23:00 UTC is already 2026-03-10 in Kiritimati (UTC+14), still the 9th in UTC/New York.
    window = {"start": "2026-03-09T12:00:00Z", "end": "2026-03-09T23:00:00Z"}
    assert titles(list_events(client, time_zone="Pacific/Kiritimati", **window)) == ["holiday"]
    assert titles(list_events(client, time_zone="UTC", **window)) == []
    assert titles(list_events(client, time_zone="America/New_York", **window)) == []


async def test_all_day_events_use_the_users_zone_when_none_is_given(sign_in):
    client = await sign_in(time_zone="Pacific/Kiritimati")
    create_event(client, "holiday", **all_day("2026-03-10", "2026-03-11"))
    window = {"start": "2026-03-09T12:00:00Z", "end": "2026-03-09T23:00:00Z"}
    assert titles(list_events(client, **window)) == ["holiday"]


async def test_multi_day_all_day_event_ends_before_its_exclusive_end_date(sign_in):
    client = await sign_in()
    create_event(client, "trip", **all_day("2026-03-10", "2026-03-13"))
    window = {"time_zone": "Europe/Berlin"}
    assert titles(list_events(client, start="2026-03-12T23:00:00", end="2026-03-13T00:00:00", **window)) == [
        "trip"
    ]
    assert titles(list_events(client, start="2026-03-13T00:00:00", end="2026-03-14T00:00:00", **window)) == []


# --- calendars -----------------------------------------------------------------------------------------


async def test_repeated_calendar_id_lists_exactly_those_calendars(sign_in):
    client = await sign_in()
    default_id = client.get("/api/v1/calendars").json()[0]["id"]
    work = create_calendar(client, "Work")
    gym = create_calendar(client, "Gym")
    create_event(client, "default event")
    create_event(client, "work event", calendar_id=work["id"])
    create_event(client, "gym event", calendar_id=gym["id"])
    window = {"start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z"}
    both = client.get(
        "/api/v1/events", params=[("calendar_id", work["id"]), ("calendar_id", gym["id"]), *window.items()]
    )
    assert sorted(titles(both)) == ["gym event", "work event"]
    assert titles(list_events(client, calendar_id=default_id, **window)) == ["default event"]
    assert sorted(titles(list_events(client, **window))) == ["default event", "gym event", "work event"]


async def test_unknown_calendar_id_in_a_listing_is_404(sign_in):
    client = await sign_in()
    response = list_events(
        client, start="2026-03-02T00:00:00Z", end="2026-03-03T00:00:00Z", calendar_id="nope"
    )
    assert_problem(response, 404)


async def test_hidden_calendar_is_still_readable_and_listable_by_id(sign_in):
    client = await sign_in()
    hidden = create_calendar(client, "Hidden")
    create_event(client, "secret plan", calendar_id=hidden["id"])
    response = client.patch(f"/api/v1/calendars/{hidden['id']}", json={"visible": False})
    assert response.status_code == 200 and response.json()["visible"] is False
    fetched = client.get(f"/api/v1/calendars/{hidden['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["visible"] is False
    listed = list_events(
        client, start="2026-03-02T00:00:00Z", end="2026-03-03T00:00:00Z", calendar_id=hidden["id"]
    )
    assert titles(listed) == ["secret plan"]


# --- cursor pagination ---------------------------------------------------------------------------------


async def test_cursor_pages_cover_every_event_once_in_start_order(sign_in):
    client = await sign_in()
    created = []
    for index in range(25):
        # Pairs share a start time so the id tie-break is exercised; creation order is not start order.
        hour = 8 + (index * 7) % 25 // 2
        start = f"2026-03-03T{hour:02d}:00:00Z"
        created.append(utc_event(client, f"event {index}", start, f"2026-03-03T{hour:02d}:30:00Z"))
    expected = sorted(created, key=lambda event: (event["start"]["date_time"], event["id"]))
    pages, cursor = [], None
    while True:
        params = {"start": "2026-03-03T00:00:00Z", "end": "2026-03-04T00:00:00Z", "limit": 10}
        if cursor:
            params["cursor"] = cursor
        response = list_events(client, **params)
        assert response.status_code == 200, response.text
        pages.append(response.json()["items"])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
        assert len(pages) < 5, "pagination does not end"
    assert [len(page) for page in pages] == [10, 10, 5]
    listed = [event for page in pages for event in page]
    assert [event["id"] for event in listed] == [event["id"] for event in expected]
    assert len({event["id"] for event in listed}) == 25


async def test_cursor_pages_stay_complete_when_all_day_events_outside_the_zone_day_are_skipped(sign_in):
    """All-day neighbours are fetched (their UTC bracket overlaps) but dropped; paging must not lose any."""
    client = await sign_in()
    expected = set()
    for offset in range(1, 5):
        for day in (10 - offset, 10 + offset):
            create_event(client, f"day {day}", **all_day(f"2026-03-{day:02d}", f"2026-03-{day + 1:02d}"))
    for hour in range(6):
        expected.add(
            utc_event(client, f"timed {hour}", f"2026-03-10T0{hour}:00Z", f"2026-03-10T0{hour}:30Z")["title"]
        )
    expected.add(create_event(client, "the day", **all_day("2026-03-10", "2026-03-11"))["title"])
    seen: list[str] = []
    cursor, pages = None, 0
    while True:
        params = {
            "start": "2026-03-10T00:00:00",
            "end": "2026-03-11T00:00:00",
            "time_zone": "UTC",
            "limit": 2,
        }
        response = list_events(client, **params, **({"cursor": cursor} if cursor else {}))
        seen += titles(response)
        cursor, pages = response.json()["next_cursor"], pages + 1
        if cursor is None:
            break
        assert pages < 20, "pagination does not end"
    assert sorted(seen) == sorted(expected)
    assert len(seen) == len(set(seen))


async def test_exactly_one_full_page_has_no_next_cursor(sign_in):
    client = await sign_in()
    for index in range(3):
        utc_event(client, f"e{index}", f"2026-03-03T0{index}:00:00Z", f"2026-03-03T0{index}:30:00Z")
    response = list_events(client, start="2026-03-03T00:00:00Z", end="2026-03-04T00:00:00Z", limit=3)
    assert titles(response) == ["e0", "e1", "e2"]
    assert response.json()["next_cursor"] is None


async def test_garbage_cursor_is_422_naming_cursor(sign_in):
    client = await sign_in()
    for cursor in [
        "garbage",
        "%%%",
        base64.urlsafe_b64encode(b"[" * 1_500).decode(),  # deep enough to exhaust the JSON parser
        base64.urlsafe_b64encode(b'{"s": 1}').decode(),
    ]:
        response = list_events(
            client, start="2026-03-03T00:00:00Z", end="2026-03-04T00:00:00Z", cursor=cursor
        )
        assert_problem(response, 422, "cursor")


# --- listing validation --------------------------------------------------------------------------------


async def test_listing_with_an_unknown_time_zone_is_422(sign_in):
    client = await sign_in()
    response = list_events(
        client, start="2026-03-03T00:00:00", end="2026-03-04T00:00:00", time_zone="Moon/Base"
    )
    assert_problem(response, 422, "time_zone")


async def test_listing_an_empty_or_backwards_window_is_422(sign_in):
    client = await sign_in()
    assert_problem(list_events(client, start="2026-03-04T00:00:00Z", end="2026-03-04T00:00:00Z"), 422, "end")
    assert_problem(list_events(client, start="2026-03-05T00:00:00Z", end="2026-03-04T00:00:00Z"), 422, "end")


async def test_listing_without_a_window_is_422_naming_both_ends(sign_in):
    client = await sign_in()
    assert_problem(client.get("/api/v1/events"), 422, "start", "end")


async def test_listing_with_a_malformed_start_is_422_naming_it(sign_in):
    client = await sign_in()
    assert_problem(list_events(client, start="soon", end="2026-03-04T00:00:00Z"), 422, "start")


async def test_listing_with_a_bad_limit_is_422_naming_limit(sign_in):
    client = await sign_in()
    for limit in [0, -1, 2_501, "ten"]:
        response = list_events(client, start="2026-03-03T00:00:00Z", end="2026-03-04T00:00:00Z", limit=limit)
        assert_problem(response, 422, "limit")
