"""Booking pages through the REST API against the real database and a real SMTP server."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from tests.integration.api_helpers import assert_problem, cheap_password_hashing, create_event, timed  # noqa: F401

pytestmark = pytest.mark.integration
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def monday_ahead(weeks: int = 1) -> dt.date:
    """A Monday at least `weeks` weeks (and never fewer than 7 days) from today."""
    today = dt.date.today()
    return today + dt.timedelta(days=7 * weeks + (7 - today.weekday()) % 7 or 7)


def berlin(day: dt.date, hour: int, minute: int = 0) -> str:
    return dt.datetime.combine(day, dt.time(hour, minute), BERLIN).isoformat()


def make_type(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"title": "Intro call", "slug": "intro", "durations": [15, 30, 60]}
    body.update(fields)
    response = client.post("/api/v1/event-types", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def agree_to_host(host: httpx.Client, owner_email: str) -> None:
    """A colleague's consent to be a host: their calendar shared with the page's owner (free/busy)."""
    default = next(item for item in host.get("/api/v1/calendars").json() if item["is_default"])
    shared = host.post(
        f"/api/v1/calendars/{default['id']}/shares", json={"email": owner_email, "role": "freebusy"}
    )
    assert shared.status_code == 201, shared.text


def base(event_type: dict[str, Any]) -> str:
    return f"/api/v1/booking/{event_type['owner_handle']}/{event_type['slug']}"


def book(client: httpx.Client, event_type: dict[str, Any], start: str, **fields: Any) -> httpx.Response:
    body: dict[str, Any] = {
        "start": start,
        "duration": 30,
        "time_zone": "Europe/Berlin",
        "name": "Bea Booker",
        "email": "bea@example.com",
    }
    body.update(fields)
    return client.post(f"{base(event_type)}/bookings", json=body)


def slots(client: httpx.Client, event_type: dict[str, Any], day: dt.date, **params: Any) -> list[str]:
    query = {"start": day.isoformat(), "end": (day + dt.timedelta(days=1)).isoformat()}
    query.update(params)
    response = client.get(f"{base(event_type)}/slots", params=query)
    assert response.status_code == 200, response.text
    return [slot["start"] for slot in response.json()["slots"]]


def owner_titles(owner: httpx.Client, day: dt.date) -> list[str]:
    response = owner.get(
        "/api/v1/events", params={"start": berlin(day, 0), "end": berlin(day + dt.timedelta(days=1), 0)}
    )
    assert response.status_code == 200, response.text
    shared = {item["id"] for item in owner.get("/api/v1/calendars").json() if item["shared_with_me"]}
    # Their own events and invitations, not what colleagues' shared calendars show.
    return [item["title"] for item in response.json()["items"] if item["calendar_id"] not in shared]


def invitation(message: EmailMessage) -> str:
    """The unfolded text of the message's .ics attachment."""
    part = next(part for part in message.iter_attachments() if part.get_content_type() == "text/calendar")
    content = part.get_content()
    return (content.decode() if isinstance(content, bytes) else content).replace("\r\n ", "")


def unique_booker(prefix: str) -> str:
    import uuid

    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"


async def test_anyone_books_a_listed_slot_and_both_sides_get_the_event_and_mail(
    sign_in, anonymous: httpx.Client, mail_server
) -> None:
    owner = await sign_in()
    event_type = make_type(
        owner,
        questions=[{"label": "What should we talk about?", "required": True, "kind": "long"}],
        video_call=True,
    )
    assert event_type["booking_path"] == f"/book/{event_type['owner_handle']}/intro"
    info = anonymous.get(base(event_type))
    assert info.status_code == 200, info.text
    assert info.json()["durations"] == [15, 30, 60] and "email" not in info.text
    day = monday_ahead()
    in_new_york = slots(anonymous, event_type, day, time_zone="America/New_York", duration=30)
    # Berlin's 09:00-17:00 seen from New York (six hours behind), every 15 minutes, ending by 17:00.
    assert in_new_york[0].startswith(f"{day.isoformat()}T03:00:00-0")
    assert in_new_york[-1].startswith(f"{day.isoformat()}T10:30:00-0")
    assert len(in_new_york) == 31
    question = event_type["questions"][0]["id"]
    booker = unique_booker("bea")
    response = book(anonymous, event_type, berlin(day, 10), email=booker, answers={question: "Pricing"})
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "confirmed" and created["manage_path"].endswith(created["manage_token"])
    assert created["conference_url"].startswith("https://")
    assert "Intro call: Bea Booker" in owner_titles(owner, day)
    again = book(anonymous, event_type, berlin(day, 10), answers={question: "Too late"})
    assert assert_problem(again, 409)["detail"] == "This time was just taken; pick another."
    mail = mail_server.wait_for(booker)[0]
    text = mail.get_body(("plain",)).get_content()
    assert created["manage_token"] in text and "Pricing" in text
    calendar = invitation(mail)
    assert "METHOD:REQUEST" in calendar and f"mailto:{booker}" in calendar.lower() and "ATTENDEE" in calendar
    host_mail = mail_server.wait_for(owner.email)[0]
    assert created["manage_token"] not in host_mail.as_string()
    # The slot is gone from the listing, and so are the 15-minute starts overlapping it.
    after = slots(anonymous, event_type, day, time_zone="Europe/Berlin", duration=30)
    assert not any(
        start.startswith(f"{day.isoformat()}T{hhmm}")
        for start in after
        for hhmm in ("09:45", "10:00", "10:15")
    )
    assert any(start.startswith(f"{day.isoformat()}T10:30") for start in after)


async def test_simultaneous_bookings_of_one_slot_exactly_one_wins(sign_in, api_url: str) -> None:
    owner = await sign_in()
    event_type = make_type(owner)
    day = monday_ahead()

    def attempt(index: int) -> httpx.Response:
        with httpx.Client(base_url=api_url, timeout=60) as client:
            # Overlapping, not identical: 10:00 and 10:15 for 30 minutes collide on the 10:15 blocks.
            minute = 0 if index % 2 == 0 else 15
            return book(client, event_type, berlin(day, 10, minute), email=unique_booker(f"race{index}"))

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(attempt, range(6)))
    codes = sorted(response.status_code for response in responses)
    assert codes == [201, 409, 409, 409, 409, 409], [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert assert_problem(response, 409)["detail"] == "This time was just taken; pick another."
    assert owner_titles(owner, day).count("Intro call: Bea Booker") == 1


async def test_cancel_and_reschedule_from_the_manage_link(
    sign_in, anonymous: httpx.Client, mail_server
) -> None:
    owner = await sign_in()
    event_type = make_type(owner, buffer_after=15)
    day = monday_ahead()
    booker = unique_booker("move")
    created = book(anonymous, event_type, berlin(day, 11), email=booker).json()
    token = created["manage_token"]
    seen = anonymous.get(f"/api/v1/bookings/manage/{token}", params={"time_zone": "Asia/Tokyo"})
    assert seen.status_code == 200 and seen.json()["start"].endswith("+09:00")
    # The buffer after 11:00-11:30 keeps 11:30 closed.
    assert not any(
        "T11:30" in start for start in slots(anonymous, event_type, day, time_zone="Europe/Berlin")
    )
    moved = anonymous.post(f"/api/v1/bookings/manage/{token}/reschedule", json={"start": berlin(day, 14)})
    assert moved.status_code == 200, moved.text
    assert moved.json()["start"].startswith(f"{day.isoformat()}T14:00")
    assert len(mail_server.wait_for(booker, count=2)) == 2
    free = slots(anonymous, event_type, day, time_zone="Europe/Berlin")
    assert any("T11:00" in start for start in free) and not any("T14:00" in start for start in free)
    response = owner.get(
        "/api/v1/events", params={"start": berlin(day, 0), "end": berlin(day + dt.timedelta(days=1), 0)}
    )
    [event] = [item for item in response.json()["items"] if item["title"].startswith("Intro call")]
    assert event["start"]["date_time"].startswith(f"{day.isoformat()}T14:00")
    cancelled = anonymous.delete(f"/api/v1/bookings/manage/{token}")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    messages = mail_server.wait_for(booker, count=3)
    assert any("METHOD:CANCEL" in invitation(message) for message in messages)
    assert "Intro call: Bea Booker" not in owner_titles(owner, day)
    assert_problem(anonymous.delete(f"/api/v1/bookings/manage/{token}"), 409)
    # The cancelled time is free again: someone else can take it.
    assert book(anonymous, event_type, berlin(day, 14), email=unique_booker("next")).status_code == 201
    assert_problem(anonymous.get("/api/v1/bookings/manage/" + "x" * 43), 404)


async def test_collective_needs_every_host_and_round_robin_any_one(sign_in, anonymous: httpx.Client) -> None:
    owner = await sign_in()
    colleague = await sign_in()
    day = monday_ahead()
    create_event(colleague, "Busy", **timed(berlin(day, 9)[:19], berlin(day, 12)[:19]))
    agree_to_host(colleague, owner.email)
    team = make_type(
        owner, slug="team", kind="collective", hosts=[{"email": owner.email}, {"email": colleague.email}]
    )
    together = slots(anonymous, team, day, time_zone="Europe/Berlin")
    assert together[0].startswith(f"{day.isoformat()}T12:00")
    either = make_type(
        owner,
        slug="either",
        kind="round_robin",
        hosts=[{"email": owner.email, "priority": 0}, {"email": colleague.email, "priority": 5}],
    )
    assert slots(anonymous, either, day, time_zone="Europe/Berlin")[0].startswith(f"{day.isoformat()}T09:00")
    # 09:00: the colleague (higher priority) is busy, so the owner takes it.
    assert book(anonymous, either, berlin(day, 9), email=unique_booker("a")).status_code == 201
    assert "Intro call: Bea Booker" in owner_titles(owner, day)
    # 13:00: both free, the colleague has priority.
    assert book(anonymous, either, berlin(day, 13), email=unique_booker("b")).status_code == 201
    assert "Intro call: Bea Booker" in owner_titles(colleague, day)
    collective = book(anonymous, team, berlin(day, 15), email=unique_booker("c"))
    assert collective.status_code == 201, collective.text
    assert sorted(collective.json()["host_names"]) == ["Test User", "Test User"]


async def test_round_robin_spreads_equal_priority_evenly(sign_in, anonymous: httpx.Client) -> None:
    first, second = await sign_in(), await sign_in()
    agree_to_host(second, first.email)
    event_type = make_type(first, kind="round_robin", hosts=[{"email": first.email}, {"email": second.email}])
    day = monday_ahead()
    for hour in (9, 10, 11, 12):
        assert book(anonymous, event_type, berlin(day, hour), email=unique_booker("rr")).status_code == 201
    assert len(owner_titles(first, day)) == 2 and len(owner_titles(second, day)) == 2


async def test_bad_bookings_say_what_is_wrong(sign_in, anonymous: httpx.Client) -> None:
    owner = await sign_in()
    event_type = make_type(owner, questions=[{"label": "Company", "required": True}], daily_limit=1)
    question = event_type["questions"][0]["id"]
    day = monday_ahead()
    answers = {question: "ACME"}

    def refused(start: str, field: str = "start", **fields: Any) -> str:
        body = assert_problem(book(anonymous, event_type, start, **{"answers": answers, **fields}), 422)
        return next(item["message"] for item in body["errors"] if item["field"] == field)

    assert assert_problem(
        book(anonymous, event_type, berlin(day, 10), duration=0, answers=answers), 422, "duration"
    )
    assert assert_problem(
        book(anonymous, event_type, berlin(day, 10), duration=-15, answers=answers), 422, "duration"
    )
    assert "15, 30, 60" in refused(berlin(day, 10), "duration", duration=45)
    last_week = day - dt.timedelta(days=14)
    assert "passed" in refused(berlin(last_week, 10))
    assert "not available" in refused(berlin(day, 20))
    assert "not available" in refused(berlin(day + dt.timedelta(days=5), 10))  # a Saturday
    assert "listed times" in refused(berlin(day, 10, 7))
    assert_problem(book(anonymous, event_type, "next tuesday", answers=answers), 422, "start")
    assert_problem(
        book(anonymous, event_type, berlin(day, 10), time_zone="Mars/Olympus", answers=answers), 422
    )
    assert_problem(book(anonymous, event_type, berlin(day, 10)), 422, f"answers.{question}")
    assert_problem(
        book(anonymous, event_type, berlin(day, 10), answers={question: "x" * 501}),
        422,
        f"answers.{question}",
    )
    assert_problem(
        book(anonymous, event_type, berlin(day, 10), answers={**answers, "nosuch": "?"}),
        422,
        "answers.nosuch",
    )
    assert_problem(
        book(anonymous, event_type, berlin(day, 10), answers=answers, email="not-an-address"), 422, "email"
    )
    assert book(anonymous, event_type, berlin(day, 10), answers=answers).status_code == 201
    assert "fully booked" in refused(berlin(day, 14))
    assert slots(anonymous, event_type, day) == []
    notice = make_type(owner, slug="notice", min_notice=30 * 24 * 60)
    assert "notice" in assert_problem(book(anonymous, notice, berlin(day, 10)), 422)["errors"][0]["message"]
    soon = make_type(owner, slug="soon", horizon_days=2)
    assert "days ahead" in assert_problem(book(anonymous, soon, berlin(day, 10)), 422)["errors"][0]["message"]


async def test_bad_slot_queries_and_unknown_pages(sign_in, anonymous: httpx.Client) -> None:
    owner = await sign_in()
    event_type = make_type(owner)
    url = f"{base(event_type)}/slots"
    day = monday_ahead().isoformat()
    assert_problem(anonymous.get(url, params={"start": "yesterday", "end": day}), 422, "start")
    assert_problem(anonymous.get(url, params={"start": day, "end": day}), 422, "end")
    assert_problem(anonymous.get(url, params={"start": day, "end": "2099-01-01"}), 422, "end")
    assert_problem(anonymous.get(url, params={"start": day, "end": "2026-13-40"}), 422, "end")
    assert_problem(anonymous.get(url, params={"start": day, "end": day, "time_zone": "Nowhere/City"}), 422)
    assert_problem(anonymous.get(url, params={"start": day, "end": "2030-01-01", "duration": 0}), 422)
    assert_problem(anonymous.get(f"/api/v1/booking/{event_type['owner_handle']}/nosuch"), 404)
    assert_problem(
        anonymous.get("/api/v1/booking/nobody-xxxxxx/intro/slots", params={"start": day, "end": day}), 404
    )
    off = owner.patch(f"/api/v1/event-types/{event_type['id']}", json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert_problem(anonymous.get(base(event_type)), 404)
    assert_problem(book(anonymous, event_type, berlin(monday_ahead(), 10)), 404)
    # Also found by the owner's user id while active.
    owner.patch(f"/api/v1/event-types/{event_type['id']}", json={"active": True})
    assert anonymous.get(f"/api/v1/booking/{owner.user_id}/intro").status_code == 200


async def test_owner_crud_and_validation(sign_in) -> None:
    owner, stranger = await sign_in(), await sign_in()
    event_type = make_type(owner)
    type_url = f"/api/v1/event-types/{event_type['id']}"
    listed = owner.get("/api/v1/event-types")
    assert [item["id"] for item in listed.json()] == [event_type["id"]]
    assert event_type["hosts"] == [{"email": owner.email, "name": "Test User", "priority": 0}]
    # Another user's event type does not exist for them.
    assert_problem(stranger.get(type_url), 404)
    assert_problem(stranger.patch(type_url, json={"title": "Mine"}), 404)
    assert_problem(stranger.delete(type_url), 404)
    assert stranger.get("/api/v1/event-types").json() == []
    assert_problem(
        owner.post("/api/v1/event-types", json={"title": "Again", "slug": "intro", "durations": [30]}), 409
    )
    renamed = owner.patch(type_url, json={"title": "Discovery", "durations": [20, 40]})
    assert renamed.status_code == 200 and renamed.json()["durations"] == [20, 40]
    assert_problem(owner.patch(type_url, json={"slug": "Not A Slug"}), 422, "slug")
    bad = {"title": " ", "slug": "-x", "durations": [0, 7], "buffer_before": 3, "slot_step": 7}
    assert_problem(
        owner.post("/api/v1/event-types", json=bad),
        422,
        "title",
        "slug",
        "durations",
        "buffer_before",
        "slot_step",
    )
    assert_problem(
        owner.post("/api/v1/event-types", json={"title": "X", "slug": "x", "durations": []}), 422, "durations"
    )
    assert_problem(
        owner.post(
            "/api/v1/event-types",
            json={"title": "X", "slug": "x", "durations": [30], "hosts": [{"email": "ghost@example.com"}]},
        ),
        422,
        "hosts[0].email",
    )
    assert owner.delete(type_url).status_code == 204
    assert_problem(owner.get(type_url), 404)


async def test_bookings_and_cancellations_show_in_find_a_time_at_once(
    sign_in, anonymous: httpx.Client
) -> None:
    owner = await sign_in()
    event_type = make_type(owner, slug="cache-check")
    day = monday_ahead(2)
    window = {"users": owner.email, "start": berlin(day, 0), "end": berlin(day + dt.timedelta(days=1), 0)}

    def busy() -> list[dict[str, Any]]:
        response = owner.get("/api/v1/availability", params=window)
        assert response.status_code == 200, response.text
        return response.json()["users"][0]["busy"]

    assert busy() == []  # read (and cached) before the booking
    booked = book(anonymous, event_type, berlin(day, 11), email=unique_booker("cache"))
    assert booked.status_code == 201, booked.text
    [interval] = busy()
    assert dt.datetime.fromisoformat(interval["start"].replace("Z", "+00:00")).astimezone(BERLIN).hour == 11
    cancelled = anonymous.delete(f"/api/v1/bookings/manage/{booked.json()['manage_token']}")
    assert cancelled.status_code == 200, cancelled.text
    assert busy() == []


def booked_event(owner: httpx.Client, day: dt.date) -> dict[str, Any]:
    """The one booking event in the owner's calendar on `day`."""
    response = owner.get(
        "/api/v1/events", params={"start": berlin(day, 0), "end": berlin(day + dt.timedelta(days=1), 0)}
    )
    assert response.status_code == 200, response.text
    [event] = [item for item in response.json()["items"] if item["title"].startswith("Intro call")]
    return event


async def test_host_deleting_the_booked_event_cancels_the_booking_and_frees_the_time(
    sign_in, anonymous: httpx.Client, mail_server
) -> None:
    owner, colleague = await sign_in(), await sign_in()
    agree_to_host(colleague, owner.email)
    # A daily limit of one and a buffer: both must be released, or the same time stays closed.
    event_type = make_type(
        owner,
        slug="host-deletes",
        kind="collective",
        daily_limit=1,
        buffer_after=15,
        hosts=[{"email": owner.email}, {"email": colleague.email}],
    )
    day = monday_ahead()
    booker = unique_booker("dropped")
    created = book(anonymous, event_type, berlin(day, 10), email=booker)
    assert created.status_code == 201, created.text
    token = created.json()["manage_token"]
    mail_server.wait_for(booker)
    mail_server.wait_for(colleague.email)
    owner_mail = len(mail_server.wait_for(owner.email))
    assert not any(
        "T10:00" in start for start in slots(anonymous, event_type, day, time_zone="Europe/Berlin")
    )
    event = booked_event(owner, day)

    deleted = owner.delete(f"/api/v1/events/{event['id']}")
    assert deleted.status_code == 204, deleted.text

    seen = anonymous.get(f"/api/v1/bookings/manage/{token}")
    assert seen.status_code == 200, seen.text
    shown = seen.json()
    assert shown["status"] == "cancelled" and shown["cancelled_by"] == "host"
    assert shown["can_reschedule"] is False and shown["conference_url"] == ""
    [cancellation] = [
        message
        for message in mail_server.wait_for(booker, count=2)
        if message["Subject"].startswith("Cancelled by the host: Intro call: Bea Booker")
    ]
    assert "The host cancelled this booking" in cancellation.get_body(("plain",)).get_content()
    calendar = invitation(cancellation)
    assert "METHOD:CANCEL" in calendar and "STATUS:CANCELLED" in calendar and "SEQUENCE:1" in calendar
    # The co-host is told too; the host who deleted the event is not mailed about their own action.
    colleague_mail = mail_server.wait_for(colleague.email, count=2)
    assert sorted("METHOD:CANCEL" in invitation(message) for message in colleague_mail) == [False, True]
    assert len(mail_server.messages_to(owner.email)) == owner_mail
    # The booker can neither cancel nor move it any more.
    assert (
        "already cancelled"
        in assert_problem(anonymous.delete(f"/api/v1/bookings/manage/{token}"), 409)["detail"]
    )
    assert_problem(
        anonymous.post(f"/api/v1/bookings/manage/{token}/reschedule", json={"start": berlin(day, 14)}), 409
    )
    # Locks, buffer and the day's counter are released: the very same time is bookable at once.
    assert any(start.startswith(f"{day.isoformat()}T10:00") for start in slots(anonymous, event_type, day))
    again = book(anonymous, event_type, berlin(day, 10), email=unique_booker("again"))
    assert again.status_code == 201, again.text
    assert booked_event(owner, day)["id"] != event["id"]


async def test_host_moving_a_booked_event_is_refused_but_other_edits_pass(
    sign_in, anonymous: httpx.Client
) -> None:
    owner = await sign_in()
    event_type = make_type(owner, slug="host-moves")
    day = monday_ahead()
    created = book(anonymous, event_type, berlin(day, 11), email=unique_booker("stay"))
    assert created.status_code == 201, created.text
    token = created.json()["manage_token"]
    event = booked_event(owner, day)
    url = f"/api/v1/events/{event['id']}"

    moved = owner.patch(url, json=timed(berlin(day, 15)[:19], berlin(day, 15, 30)[:19]))
    assert "reschedule it from the booking or cancel it" in assert_problem(moved, 409)["detail"]
    longer = owner.patch(url, json={"end": {"date_time": berlin(day, 12)[:19], "time_zone": "Europe/Berlin"}})
    assert_problem(longer, 409)
    repeated = owner.patch(url, json={"recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"]})
    assert_problem(repeated, 409)
    # The same times, as an edit form sends them, with a new title: not a move.
    renamed = owner.patch(
        url, json={"title": "Intro call: Bea (prep)", "start": event["start"], "end": event["end"]}
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["start"]["date_time"].startswith(f"{day.isoformat()}T11:00")
    shown = anonymous.get(f"/api/v1/bookings/manage/{token}").json()
    assert shown["status"] == "confirmed" and shown["start"].startswith(f"{day.isoformat()}T11:00")
    # Once the booker moves it, the new event is guarded the same way and the old time reopens.
    rescheduled = anonymous.post(
        f"/api/v1/bookings/manage/{token}/reschedule", json={"start": berlin(day, 14)}
    )
    assert rescheduled.status_code == 200, rescheduled.text
    new_event = booked_event(owner, day)
    assert_problem(
        owner.patch(
            f"/api/v1/events/{new_event['id']}", json=timed(berlin(day, 9)[:19], berlin(day, 9, 30)[:19])
        ),
        409,
    )
    # An ordinary event of the same host still moves freely.
    plain = create_event(owner, "Plain", **timed(berlin(day, 16)[:19], berlin(day, 16, 30)[:19]))
    assert (
        owner.patch(
            f"/api/v1/events/{plain['id']}", json=timed(berlin(day, 8)[:19], berlin(day, 8, 30)[:19])
        ).status_code
        == 200
    )


async def test_a_colleague_becomes_a_host_only_after_sharing_their_calendar(sign_in) -> None:
    owner, colleague = await sign_in(), await sign_in()
    body = {"title": "Team intro", "slug": "team-intro", "durations": [30], "kind": "collective"}
    body["hosts"] = [{"email": owner.email}, {"email": colleague.email}]
    refused = owner.post("/api/v1/event-types", json=body)
    problem = assert_problem(refused, 422, "hosts[1].email")
    assert "shared their calendar" in problem["errors"][0]["message"]
    agree_to_host(colleague, owner.email)
    assert owner.post("/api/v1/event-types", json=body).status_code == 201
