"""Calendars through the REST API: the default calendar, create, read, update, validation."""

from __future__ import annotations

import pytest

from tests.integration.api_helpers import (
    assert_problem,
    cheap_password_hashing,  # noqa: F401 (autouse fixture)
    create_calendar,
)

pytestmark = pytest.mark.integration


async def test_a_new_user_has_one_default_calendar(sign_in):
    client = await sign_in()
    response = client.get("/api/v1/calendars")
    assert response.status_code == 200
    calendars = response.json()
    assert len(calendars) == 1
    default = calendars[0]
    assert default["is_default"] is True
    assert default["visible"] is True
    assert default["name"] == "Test User"
    assert set(default) == {
        "id",
        "name",
        "color",
        "visible",
        "is_default",
        "access_role",
        "shared_with_me",
        "owner_email",
        "created_at",
    }
    assert default["access_role"] == "owner" and default["shared_with_me"] is False


async def test_create_calendar_is_201_with_location(sign_in):
    client = await sign_in()
    response = client.post("/api/v1/calendars", json={"name": "  Work  ", "color": "#AABBCC"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name"], body["color"], body["visible"], body["is_default"]) == (
        "Work",
        "#AABBCC",
        True,
        False,
    )
    assert response.headers["location"] == f"/api/v1/calendars/{body['id']}"
    fetched = client.get(response.headers["location"])
    assert fetched.status_code == 200
    assert fetched.json() == body


async def test_calendar_colour_defaults_to_blue(sign_in):
    client = await sign_in()
    response = client.post("/api/v1/calendars", json={"name": "Plain"})
    assert response.status_code == 201
    assert response.json()["color"] == "#3b82f6"


async def test_calendars_are_listed_oldest_first_with_the_default_leading(sign_in):
    client = await sign_in()
    first = create_calendar(client, "First")
    second = create_calendar(client, "Second")
    listed = client.get("/api/v1/calendars").json()
    assert [item["name"] for item in listed] == ["Test User", "First", "Second"]
    assert [item["id"] for item in listed[1:]] == [first["id"], second["id"]]


async def test_bad_colour_is_422_naming_color_and_creates_nothing(sign_in):
    client = await sign_in()
    for color in ["red", "#12345g", "#1234567", "3b82f6", "#abc", ""]:
        response = client.post("/api/v1/calendars", json={"name": "Loud", "color": color})
        assert_problem(response, 422, "color")
    assert [item["name"] for item in client.get("/api/v1/calendars").json()] == ["Test User"]


async def test_missing_blank_or_long_name_is_422_naming_name(sign_in):
    client = await sign_in()
    for body in [{"name": ""}, {"name": "   "}, {"name": "n" * 101}, {}]:
        assert_problem(client.post("/api/v1/calendars", json={"color": "#000000", **body}), 422, "name")
    assert len(client.get("/api/v1/calendars").json()) == 1


async def test_unknown_calendar_field_is_422(sign_in):
    client = await sign_in()
    response = client.post("/api/v1/calendars", json={"name": "X", "is_default": True})
    assert_problem(response, 422, "is_default")


async def test_patch_calendar_updates_given_fields_only(sign_in):
    client = await sign_in()
    calendar = create_calendar(client, "Work", "#112233")
    response = client.patch(
        f"/api/v1/calendars/{calendar['id']}", json={"color": "#445566", "visible": False}
    )
    assert response.status_code == 200, response.text
    expected = {**calendar, "color": "#445566", "visible": False}
    assert response.json() == expected
    assert client.get(f"/api/v1/calendars/{calendar['id']}").json() == expected


async def test_patch_calendar_with_nothing_changes_nothing(sign_in):
    client = await sign_in()
    calendar = create_calendar(client)
    response = client.patch(f"/api/v1/calendars/{calendar['id']}", json={})
    assert response.status_code == 200
    assert response.json() == calendar


async def test_patch_calendar_with_a_bad_value_is_422_and_changes_nothing(sign_in):
    client = await sign_in()
    calendar = create_calendar(client)
    for body, field in [
        ({"color": "blue"}, "color"),
        ({"name": "Renamed", "color": "blue"}, "color"),
        ({"visible": "maybe"}, "visible"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"is_default": True}, "is_default"),
    ]:
        assert_problem(client.patch(f"/api/v1/calendars/{calendar['id']}", json=body), 422, field)
        assert client.get(f"/api/v1/calendars/{calendar['id']}").json() == calendar, body
