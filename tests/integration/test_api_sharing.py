"""Calendar sharing through the API: each role can do exactly what it permits, and nothing leaks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from scheduler_app.backend.audit import list_audit
from scheduler_app.backend.db import Database
from tests.integration.api_helpers import (
    assert_problem,
    cheap_password_hashing,  # noqa: F401  (autouse)
    create_calendar,
    create_event,
    list_events,
    timed,
    titles,
)
from tests.integration.conftest import SignIn

pytestmark = pytest.mark.integration

WEEK = {"start": "2026-03-02T00:00:00Z", "end": "2026-03-09T00:00:00Z"}
SECRET_TITLE = "Board meeting: acquisition of Initech"


def share(owner: httpx.Client, calendar_id: str, email: str, role: str) -> httpx.Response:
    return owner.post(f"/api/v1/calendars/{calendar_id}/shares", json={"email": email, "role": role})


async def _team(sign_in: SignIn) -> tuple[httpx.Client, dict[str, Any], dict[str, Any]]:
    owner = await sign_in()
    calendar = create_calendar(owner, "Leadership")
    event = create_event(
        owner,
        SECRET_TITLE,
        calendar_id=calendar["id"],
        description="Numbers inside",
        location="Room 4",
        attendees=[{"email": "cfo@example.com"}],
    )
    return owner, calendar, event


async def test_a_viewer_sees_the_calendar_and_its_events_but_cannot_change_them(sign_in: SignIn) -> None:
    owner, calendar, event = await _team(sign_in)
    viewer = await sign_in()
    response = share(owner, calendar["id"], viewer.email, "viewer")
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "viewer" and response.json()["user_id"] == viewer.user_id

    listed = {item["id"]: item for item in viewer.get("/api/v1/calendars").json()}
    shared = listed[calendar["id"]]
    assert shared["access_role"] == "viewer" and shared["shared_with_me"] is True
    assert shared["owner_email"] == owner.email and shared["is_default"] is False
    assert SECRET_TITLE in titles(list_events(viewer, **WEEK))
    assert viewer.get(f"/api/v1/events/{event['id']}").json()["location"] == "Room 4"

    assert_problem(viewer.patch(f"/api/v1/events/{event['id']}", json={"title": "Mine now"}), 403)
    assert_problem(viewer.delete(f"/api/v1/events/{event['id']}"), 403)
    assert_problem(
        viewer.post(
            "/api/v1/events",
            json={
                "title": "x",
                "calendar_id": calendar["id"],
                **timed("2026-03-03T09:00:00", "2026-03-03T10:00:00"),
            },
        ),
        403,
    )
    assert owner.get(f"/api/v1/events/{event['id']}").json()["title"] == SECRET_TITLE


async def test_an_editor_creates_changes_and_deletes_events_in_the_shared_calendar(sign_in: SignIn) -> None:
    owner, calendar, event = await _team(sign_in)
    editor = await sign_in()
    share(owner, calendar["id"], editor.email, "editor")
    added = create_event(editor, "Prep", calendar_id=calendar["id"])
    assert added["organizer"]["email"] == editor.email
    assert "Prep" in titles(list_events(owner, **WEEK))
    changed = editor.patch(f"/api/v1/events/{event['id']}", json={"title": "Board meeting (moved)"})
    assert changed.status_code == 200, changed.text
    assert owner.get(f"/api/v1/events/{event['id']}").json()["title"] == "Board meeting (moved)"
    assert editor.delete(f"/api/v1/events/{added['id']}").status_code == 204
    assert "Prep" not in titles(list_events(owner, **WEEK))
    # Editing events is not managing the calendar.
    assert_problem(share(editor, calendar["id"], owner.email, "viewer"), 403)
    assert_problem(editor.patch(f"/api/v1/calendars/{calendar['id']}", json={"name": "Ours"}), 403)


async def test_free_busy_shows_busy_blocks_without_any_detail(sign_in: SignIn) -> None:
    owner, calendar, event = await _team(sign_in)
    colleague = await sign_in()
    share(owner, calendar["id"], colleague.email, "freebusy")
    listing = list_events(colleague, **WEEK)
    assert titles(listing) == ["Busy"]
    [busy] = listing.json()["items"]
    assert busy["start"] == event["start"] and busy["end"] == event["end"]
    assert busy["description"] == "" and busy["location"] == "" and busy["attendees"] == []
    assert busy["organizer"]["email"] == ""
    single = colleague.get(f"/api/v1/events/{event['id']}")
    assert single.json()["title"] == "Busy"
    for response in (
        listing,
        single,
        colleague.get("/api/v1/events", params={**WEEK, "calendar_id": calendar["id"]}),
        colleague.get(f"/api/v1/events/{event['id']}/export.ics"),
    ):
        assert SECRET_TITLE not in response.text and "Room 4" not in response.text
    assert_problem(colleague.get(f"/api/v1/calendars/{calendar['id']}/export.ics"), 403)


async def test_sharing_rejects_unknown_people_the_owner_and_unknown_roles(sign_in: SignIn) -> None:
    owner, calendar, _ = await _team(sign_in)
    other = await sign_in()
    assert_problem(share(owner, calendar["id"], "nobody-here@example.com", "viewer"), 422, "email")
    assert_problem(share(owner, calendar["id"], owner.email, "viewer"), 422, "email")
    assert_problem(share(owner, calendar["id"], other.email, "admin"), 422, "role")
    assert_problem(share(owner, calendar["id"], "not an address", "viewer"), 422, "email")
    assert_problem(share(other, calendar["id"], other.email, "owner"), 404)  # cannot grant yourself
    assert owner.get(f"/api/v1/calendars/{calendar['id']}/shares").json() == []


async def test_roles_change_and_revoking_ends_access(sign_in: SignIn) -> None:
    owner, calendar, event = await _team(sign_in)
    member = await sign_in()
    share(owner, calendar["id"], member.email, "viewer")
    changed = owner.put(
        f"/api/v1/calendars/{calendar['id']}/shares/{member.user_id}", json={"role": "editor"}
    )
    assert changed.status_code == 200 and changed.json()["role"] == "editor"
    assert [item["role"] for item in owner.get(f"/api/v1/calendars/{calendar['id']}/shares").json()] == [
        "editor"
    ]
    assert owner.delete(f"/api/v1/calendars/{calendar['id']}/shares/{member.user_id}").status_code == 204
    assert_problem(member.get(f"/api/v1/events/{event['id']}"), 404)
    assert_problem(member.get(f"/api/v1/calendars/{calendar['id']}"), 404)
    assert SECRET_TITLE not in titles(list_events(member, **WEEK))
    assert_problem(owner.delete(f"/api/v1/calendars/{calendar['id']}/shares/{member.user_id}"), 404)


async def test_a_grantee_keeps_their_own_colour_and_can_leave(sign_in: SignIn) -> None:
    owner, calendar, _ = await _team(sign_in)
    member = await sign_in()
    share(owner, calendar["id"], member.email, "viewer")
    mine = member.patch(f"/api/v1/calendars/{calendar['id']}", json={"color": "#aa0000", "visible": False})
    assert mine.status_code == 200 and mine.json()["color"] == "#aa0000" and mine.json()["visible"] is False
    assert owner.get(f"/api/v1/calendars/{calendar['id']}").json()["color"] == calendar["color"]
    assert owner.get(f"/api/v1/calendars/{calendar['id']}").json()["visible"] is True
    assert_problem(member.patch(f"/api/v1/calendars/{calendar['id']}", json={"name": "Renamed"}), 403)
    assert member.delete(f"/api/v1/calendars/{calendar['id']}/shares/{member.user_id}").status_code == 204
    assert calendar["id"] not in {item["id"] for item in member.get("/api/v1/calendars").json()}


async def test_deleting_a_calendar_removes_its_events_and_shares_and_is_audited(
    sign_in: SignIn, indexed_database: Database
) -> None:
    owner, calendar, event = await _team(sign_in)
    co_owner, viewer = await sign_in(), await sign_in()
    share(owner, calendar["id"], co_owner.email, "owner")
    share(owner, calendar["id"], viewer.email, "viewer")
    assert_problem(viewer.delete(f"/api/v1/calendars/{calendar['id']}"), 403)
    assert_problem(co_owner.delete(f"/api/v1/calendars/{calendar['id']}"), 403)
    default = next(item for item in owner.get("/api/v1/calendars").json() if item["is_default"])
    assert_problem(owner.delete(f"/api/v1/calendars/{default['id']}"), 409)

    assert owner.delete(f"/api/v1/calendars/{calendar['id']}").status_code == 204
    assert_problem(owner.get(f"/api/v1/events/{event['id']}"), 404)
    assert_problem(viewer.get(f"/api/v1/calendars/{calendar['id']}"), 404)
    assert calendar["id"] not in {item["id"] for item in viewer.get("/api/v1/calendars").json()}

    entries = await list_audit(indexed_database.collections(), limit=500)
    mine = [
        (entry.action, entry.details.get("grantee")) for entry in entries if entry.target_id == calendar["id"]
    ]
    assert ("calendar.deleted", None) in mine
    assert ("calendar.shared", viewer.email) in mine and ("calendar.shared", co_owner.email) in mine
    [deleted] = [
        entry for entry in entries if entry.action == "calendar.deleted" and entry.target_id == calendar["id"]
    ]
    assert deleted.actor_id == owner.user_id and deleted.details["events_deleted"] == 1
    assert deleted.ip == "127.0.0.1"


async def test_a_co_owner_manages_sharing(sign_in: SignIn) -> None:
    owner, calendar, _ = await _team(sign_in)
    co_owner, newcomer = await sign_in(), await sign_in()
    share(owner, calendar["id"], co_owner.email, "owner")
    assert share(co_owner, calendar["id"], newcomer.email, "viewer").status_code == 201
    renamed = co_owner.patch(f"/api/v1/calendars/{calendar['id']}", json={"color": "#00aa00"})
    assert renamed.status_code == 200  # their own colour for it
    assert {item["email"] for item in co_owner.get(f"/api/v1/calendars/{calendar['id']}/shares").json()} == {
        co_owner.email,
        newcomer.email,
    }


# --- the access matrix: every calendar and event route x every role ----------------------------------

Request = Callable[[httpx.Client, dict[str, Any], dict[str, Any]], httpx.Response]

ROUTES: dict[str, Request] = {
    "get calendar": lambda c, cal, ev: c.get(f"/api/v1/calendars/{cal['id']}"),
    "rename calendar": lambda c, cal, ev: c.patch(f"/api/v1/calendars/{cal['id']}", json={"name": "Taken"}),
    "delete calendar": lambda c, cal, ev: c.delete(f"/api/v1/calendars/{cal['id']}"),
    "list shares": lambda c, cal, ev: c.get(f"/api/v1/calendars/{cal['id']}/shares"),
    "export calendar": lambda c, cal, ev: c.get(f"/api/v1/calendars/{cal['id']}/export.ics"),
    "import into calendar": lambda c, cal, ev: c.post(
        f"/api/v1/calendars/{cal['id']}/import",
        content=b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nEND:VCALENDAR\r\n",
        headers={"content-type": "text/calendar"},
    ),
    "enable feed": lambda c, cal, ev: c.post(f"/api/v1/calendars/{cal['id']}/feed"),
    "disable feed": lambda c, cal, ev: c.delete(f"/api/v1/calendars/{cal['id']}/feed"),
    "list its events": lambda c, cal, ev: c.get("/api/v1/events", params={**WEEK, "calendar_id": cal["id"]}),
    "create event in it": lambda c, cal, ev: c.post(
        "/api/v1/events",
        json={"title": "x", "calendar_id": cal["id"], **timed("2026-03-04T09:00:00", "2026-03-04T10:00:00")},
    ),
    "get event": lambda c, cal, ev: c.get(f"/api/v1/events/{ev['id']}"),
    "export event": lambda c, cal, ev: c.get(f"/api/v1/events/{ev['id']}/export.ics"),
    "edit event": lambda c, cal, ev: c.patch(f"/api/v1/events/{ev['id']}", json={"title": "Changed"}),
    "delete event": lambda c, cal, ev: c.delete(f"/api/v1/events/{ev['id']}"),
}
# What each role gets; anything not listed must be refused (403 when they know it exists, else 404).
ALLOWED: dict[str, set[str]] = {
    "stranger": set(),
    "freebusy": {"get calendar", "list its events", "get event", "export event"},
    "viewer": {"get calendar", "list its events", "get event", "export event", "export calendar"},
    "editor": {
        "get calendar",
        "list its events",
        "get event",
        "export event",
        "export calendar",
        "import into calendar",
        "create event in it",
        "edit event",
        "delete event",
    },
}


@pytest.mark.parametrize("role", list(ALLOWED))
async def test_every_route_refuses_what_the_role_does_not_permit(sign_in: SignIn, role: str) -> None:
    for route, send in ROUTES.items():
        owner, calendar, event = await _team(sign_in)
        caller = await sign_in()
        if role != "stranger":
            share(owner, calendar["id"], caller.email, role)
        response = send(caller, calendar, event)
        if route in ALLOWED[role]:
            assert response.status_code < 300, (role, route, response.text)
        else:
            expected = 404 if role == "stranger" else 403
            assert response.status_code == expected, (role, route, response.status_code, response.text)
            assert SECRET_TITLE not in response.text and "Leadership" not in response.text
        if role in ("stranger", "freebusy"):
            assert SECRET_TITLE not in response.text and "Numbers inside" not in response.text
