"""Who may see what: no cookie is 401 everywhere; another user's events and calendars are 404, never data."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.integration.api_helpers import (
    all_day,
    assert_problem,
    cheap_password_hashing,  # noqa: F401 (autouse fixture)
    create_calendar,
    create_event,
    list_events,
    titles,
)

pytestmark = pytest.mark.integration

EVENT_BODY = {"title": "Sneaky", **all_day("2026-03-10", "2026-03-11")}
ROUTES = [
    ("GET", "/api/v1/calendars", None),
    ("POST", "/api/v1/calendars", {"name": "Sneaky"}),
    ("GET", "/api/v1/calendars/some-id", None),
    ("PATCH", "/api/v1/calendars/some-id", {"name": "Renamed"}),
    ("GET", "/api/v1/events?start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z", None),
    ("GET", "/api/v1/events", None),
    ("POST", "/api/v1/events", EVENT_BODY),
    ("GET", "/api/v1/events/some-id", None),
    ("PATCH", "/api/v1/events/some-id", {"title": "Renamed"}),
    ("DELETE", "/api/v1/events/some-id", None),
]


@pytest.mark.parametrize(
    ("method", "path", "body"), ROUTES, ids=[f"{m} {p.split('?')[0]}" for m, p, _ in ROUTES]
)
def test_every_api_route_needs_a_session(anonymous, method, path, body):
    response = anonymous.request(method, path, json=body)
    problem = assert_problem(response, 401)
    assert problem["title"] == "Unauthorized"
    assert response.headers["www-authenticate"].startswith("Cookie")


def test_a_forged_session_cookie_is_401(anonymous):
    anonymous.cookies.set("scheduler_session", "forged-token")
    response = anonymous.get("/api/v1/calendars")
    problem = assert_problem(response, 401)
    assert "sign in again" in problem["detail"]


async def test_signing_out_ends_the_session(sign_in):
    client = await sign_in()
    assert client.get("/api/v1/calendars").status_code == 200
    token = client.cookies.get("scheduler_session")
    client.get("/auth/sign-out", follow_redirects=False)
    client.cookies.set("scheduler_session", token)
    assert_problem(client.get("/api/v1/calendars"), 401)


async def test_an_anonymous_write_changes_nothing(sign_in, anonymous):
    owner = await sign_in()
    event = create_event(owner, "Mine")
    assert_problem(anonymous.patch(f"/api/v1/events/{event['id']}", json={"title": "Hacked"}), 401)
    assert_problem(anonymous.delete(f"/api/v1/events/{event['id']}"), 401)
    assert owner.get(f"/api/v1/events/{event['id']}").json() == event


# --- another user's data -------------------------------------------------------------------------------


def assert_not_found_without_leaking(response: httpx.Response, *secrets: str) -> None:
    assert_problem(response, 404)
    for secret in secrets:
        assert secret not in response.text


async def test_another_users_event_is_404_on_get(sign_in):
    owner, stranger = await sign_in(), await sign_in()
    event = create_event(owner, "Owner's secret meeting", description="salary talk")
    response = stranger.get(f"/api/v1/events/{event['id']}")
    assert_not_found_without_leaking(response, "secret meeting", "salary", event["calendar_id"])
    conditional = stranger.get(
        f"/api/v1/events/{event['id']}", headers={"If-None-Match": f'"{event["etag"]}"'}
    )
    assert_problem(conditional, 404)


async def test_another_users_event_is_404_on_patch_and_unchanged(sign_in):
    owner, stranger = await sign_in(), await sign_in()
    event = create_event(owner, "Owner's secret meeting")
    for headers in ({}, {"If-Match": f'"{event["etag"]}"'}):
        response = stranger.patch(
            f"/api/v1/events/{event['id']}", json={"title": "Hijacked"}, headers=headers
        )
        assert_not_found_without_leaking(response, "secret meeting")
    assert owner.get(f"/api/v1/events/{event['id']}").json() == event


async def test_another_users_event_is_404_on_delete_and_still_there(sign_in):
    owner, stranger = await sign_in(), await sign_in()
    event = create_event(owner, "Owner's secret meeting")
    assert_not_found_without_leaking(stranger.delete(f"/api/v1/events/{event['id']}"), "secret meeting")
    wrong_tag = stranger.delete(f"/api/v1/events/{event['id']}", headers={"If-Match": '"nope"'})
    assert_problem(wrong_tag, 404)  # not 412: that would confirm the event exists
    assert owner.get(f"/api/v1/events/{event['id']}").json() == event


async def test_another_users_events_never_appear_in_listings(sign_in):
    owner, stranger = await sign_in(), await sign_in()
    create_event(owner, "Owner's secret meeting")
    create_event(stranger, "Stranger's own")
    listed = list_events(stranger, start="2026-03-01T00:00:00Z", end="2026-03-09T00:00:00Z")
    assert titles(listed) == ["Stranger's own"]
    assert "secret meeting" not in listed.text


async def test_another_users_calendar_is_404_on_get(sign_in):
    owner, stranger = await sign_in(), await sign_in()
    calendar = create_calendar(owner, "Owner's private calendar")
    assert_not_found_without_leaking(stranger.get(f"/api/v1/calendars/{calendar['id']}"), "private calendar")
    assert calendar["id"] not in stranger.get("/api/v1/calendars").text


async def test_another_users_default_calendar_is_404(sign_in):
    owner, stranger = await sign_in(), await sign_in()
    default = owner.get("/api/v1/calendars").json()[0]
    assert_problem(stranger.get(f"/api/v1/calendars/{default['id']}"), 404)


async def test_another_users_calendar_is_404_on_patch_and_unchanged(sign_in):
    owner, stranger = await sign_in(), await sign_in()
    calendar = create_calendar(owner, "Owner's private calendar")
    response = stranger.patch(
        f"/api/v1/calendars/{calendar['id']}", json={"name": "Mine now", "visible": False}
    )
    assert_not_found_without_leaking(response, "private calendar")
    assert owner.get(f"/api/v1/calendars/{calendar['id']}").json() == calendar


async def test_creating_into_another_users_calendar_is_404_and_creates_nothing(sign_in):
    owner, stranger = await sign_in(), await sign_in()
    calendar = create_calendar(owner, "Owner's private calendar")
    response = stranger.post("/api/v1/events", json={**EVENT_BODY, "calendar_id": calendar["id"]})
    assert_not_found_without_leaking(response, "private calendar")
    window = {"start": "2026-03-09T00:00:00Z", "end": "2026-03-12T00:00:00Z"}
    assert titles(list_events(owner, calendar_id=calendar["id"], **window)) == []
    assert titles(list_events(stranger, **window)) == []


async def test_moving_an_event_into_another_users_calendar_is_404(sign_in):
    owner, stranger = await sign_in(), await sign_in()
    calendar = create_calendar(owner, "Owner's private calendar")
    event = create_event(stranger, "Cuckoo")
    response = stranger.patch(f"/api/v1/events/{event['id']}", json={"calendar_id": calendar["id"]})
    assert_not_found_without_leaking(response, "private calendar")
    assert stranger.get(f"/api/v1/events/{event['id']}").json() == event
    window = {"start": "2026-03-01T00:00:00Z", "end": "2026-03-09T00:00:00Z"}
    assert titles(list_events(owner, calendar_id=calendar["id"], **window)) == []


async def test_listing_another_users_calendar_is_404(sign_in):
    owner, stranger = await sign_in(), await sign_in()
    calendar = create_calendar(owner, "Owner's private calendar")
    create_event(owner, "Owner's secret meeting", calendar_id=calendar["id"])
    response = list_events(
        stranger, start="2026-03-01T00:00:00Z", end="2026-03-09T00:00:00Z", calendar_id=calendar["id"]
    )
    assert_not_found_without_leaking(response, "secret meeting")


# --- ids that do not exist -----------------------------------------------------------------------------


async def test_non_existent_ids_are_404(sign_in):
    client = await sign_in()
    missing = uuid.uuid4().hex
    for method, path, body in [
        ("GET", f"/api/v1/events/{missing}", None),
        ("PATCH", f"/api/v1/events/{missing}", {"title": "X"}),
        ("DELETE", f"/api/v1/events/{missing}", None),
        ("GET", f"/api/v1/calendars/{missing}", None),
        ("PATCH", f"/api/v1/calendars/{missing}", {"name": "X"}),
        ("PATCH", f"/api/v1/calendars/{missing}", {}),
        ("POST", "/api/v1/events", {**EVENT_BODY, "calendar_id": missing}),
    ]:
        response = client.request(method, path, json=body)
        problem = assert_problem(response, 404)
        assert problem["title"] == "Not found", (method, path)


async def test_cross_site_write_with_the_cookie_is_403_and_changes_nothing(sign_in):
    client = await sign_in()
    event = create_event(client, "Mine")
    evil = {"Origin": "https://evil.example"}
    assert (
        client.patch(f"/api/v1/events/{event['id']}", json={"title": "Pwned"}, headers=evil).status_code
        == 403
    )
    assert client.delete(f"/api/v1/events/{event['id']}", headers=evil).status_code == 403
    response = client.post("/api/v1/calendars", json={"name": "Evil"}, headers=evil)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/api/v1/events/{event['id']}").json()["title"] == "Mine"
    same_origin = {"Origin": str(client.base_url).rstrip("/")}
    assert (
        client.patch(f"/api/v1/events/{event['id']}", json={"title": "Ok"}, headers=same_origin).status_code
        == 200
    )
    # Reads are not writes: a cross-site GET is still answered (CORS decides what a page may see).
    assert client.get(f"/api/v1/events/{event['id']}", headers=evil).status_code == 200
