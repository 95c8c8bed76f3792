"""Calendars as iCalendar files: export, subscription feeds, and import with its report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from tests.integration.api_helpers import (
    cheap_password_hashing,  # noqa: F401 (autouse fixture)
    create_event,
    list_events,
)

pytestmark = pytest.mark.integration
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "ics"
MARCH = {"start": "2026-03-01T00:00:00Z", "end": "2026-04-01T00:00:00Z"}


def default_calendar(client) -> str:
    return client.get("/api/v1/calendars").json()[0]["id"]


def weekly_series(client) -> dict:
    response = client.post(
        "/api/v1/events",
        json={
            "title": "Weekly <b>sync</b>",
            "start": {"date_time": "2026-03-02T09:00:00", "time_zone": "Europe/Berlin"},
            "end": {"date_time": "2026-03-02T09:30:00", "time_zone": "Europe/Berlin"},
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5"],
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_export_expands_to_the_occurrences_we_show(sign_in):
    client = await sign_in()
    series = weekly_series(client)
    client.delete(f"/api/v1/events/{series['id']}_20260316T080000Z")
    client.patch(
        f"/api/v1/events/{series['id']}_20260309T080000Z",
        json={
            "start": {"date_time": "2026-03-10T11:00:00", "time_zone": "Europe/Berlin"},
            "end": {"date_time": "2026-03-10T11:30:00", "time_zone": "Europe/Berlin"},
        },
    )
    create_event(client, "One-off", **{"location": "Room <script>alert(1)</script>"})
    response = client.get(f"/api/v1/calendars/{default_calendar(client)}/export.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    parsed = icalendar.Calendar.from_ical(response.content)
    exported = sorted(
        event.decoded("DTSTART").astimezone(dt.UTC).isoformat()
        for event in recurring_ical_events.of(parsed).between(
            dt.datetime(2026, 3, 1), dt.datetime(2026, 4, 1)
        )
    )
    shown = sorted(
        dt.datetime.fromisoformat(item["start"]["date_time"]).astimezone(dt.UTC).isoformat()
        for item in list_events(client, **MARCH).json()["items"]
    )
    assert exported == shown
    assert len(shown) == 5  # 4 occurrences left (one moved) + the one-off


async def test_import_creates_then_updates_and_reports_skips(sign_in):
    client = await sign_in()
    calendar = default_calendar(client)
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:good-1@test\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Imported meeting\r\n"
        "DTSTART;TZID=Europe/Berlin:20260303T100000\r\nDTEND;TZID=Europe/Berlin:20260303T110000\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:bad-1@test\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Backwards\r\n"
        "DTSTART:20260303T120000Z\r\nDTEND:20260303T110000Z\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    first = client.post(
        f"/api/v1/calendars/{calendar}/import", content=body, headers={"Content-Type": "text/calendar"}
    )
    assert first.status_code == 200, first.text
    report = first.json()
    assert (report["created"], report["updated"]) == (1, 0)
    assert [(item["uid"], item["code"]) for item in report["skipped"]] == [("bad-1@test", "end_before_start")]
    again = client.post(
        f"/api/v1/calendars/{calendar}/import",
        files={"file": ("cal.ics", body.replace("Imported meeting", "Renamed").encode(), "text/calendar")},
    )
    assert again.status_code == 200, again.text
    assert (again.json()["created"], again.json()["updated"]) == (0, 1)
    titles = [item["title"] for item in list_events(client, **MARCH).json()["items"]]
    assert titles == ["Renamed"]


async def test_real_world_samples_import(sign_in):
    client = await sign_in()
    calendar = default_calendar(client)
    imported = 0
    for sample in sorted(SAMPLES.glob("*.ics")):
        response = client.post(
            f"/api/v1/calendars/{calendar}/import",
            content=sample.read_bytes(),
            headers={"Content-Type": "text/calendar"},
        )
        if response.status_code == 422:
            continue  # samples of whole-file failures are covered by the unit tests
        assert response.status_code == 200, (sample.name, response.text)
        imported += response.json()["created"] + response.json()["updated"]
    assert imported > 0


async def test_bad_files_are_refused_with_a_clear_problem_and_nothing_saved(sign_in):
    client = await sign_in()
    calendar = default_calendar(client)
    truncated = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260303T100000Z\r\n"
    response = client.post(
        f"/api/v1/calendars/{calendar}/import", content=truncated, headers={"Content-Type": "text/calendar"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    huge = b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"a" * (20 * 1024 * 1024) + b"\r\nEND:VCALENDAR\r\n"
    too_big = client.post(
        f"/api/v1/calendars/{calendar}/import", content=huge, headers={"Content-Type": "text/calendar"}
    )
    assert too_big.status_code == 413
    assert list_events(client, **MARCH).json()["items"] == []


async def test_import_into_someone_elses_calendar_is_404(sign_in):
    owner, intruder = await sign_in(), await sign_in()
    response = intruder.post(
        f"/api/v1/calendars/{default_calendar(owner)}/import",
        content="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        headers={"Content-Type": "text/calendar"},
    )
    assert response.status_code == 404
    assert intruder.get(f"/api/v1/calendars/{default_calendar(owner)}/export.ics").status_code == 404


async def test_subscription_feed_can_be_turned_on_rotated_and_off(sign_in, anonymous):
    client = await sign_in()
    calendar = default_calendar(client)
    weekly_series(client)
    url = client.post(f"/api/v1/calendars/{calendar}/feed").json()["url"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    feed = anonymous.get(f"/{path}")
    assert feed.status_code == 200
    assert b"RRULE:FREQ=WEEKLY" in feed.content
    rotated = client.post(f"/api/v1/calendars/{calendar}/feed").json()["url"]
    assert rotated != url
    assert anonymous.get(f"/{path}").status_code == 404
    assert client.delete(f"/api/v1/calendars/{calendar}/feed").status_code == 204
    assert anonymous.get("/" + rotated.split("://", 1)[1].split("/", 1)[1]).status_code == 404


async def test_one_event_or_its_whole_series_exports(sign_in):
    client = await sign_in()
    series = weekly_series(client)
    single = create_event(client, "Lunch")
    one = client.get(f"/api/v1/events/{single['id']}/export.ics")
    assert one.status_code == 200
    assert icalendar.Calendar.from_ical(one.content).walk("VEVENT")[0]["SUMMARY"] == "Lunch"
    from_occurrence = client.get(f"/api/v1/events/{series['id']}_20260309T080000Z/export.ics")
    assert from_occurrence.status_code == 200
    assert b"RRULE:FREQ=WEEKLY" in from_occurrence.content


async def test_dry_run_previews_and_writes_nothing(sign_in):
    client = await sign_in()
    calendar = default_calendar(client)
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:preview-1@test\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Preview me\r\n"
        "DTSTART:20260303T100000Z\r\nDTEND:20260303T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    preview = client.post(
        f"/api/v1/calendars/{calendar}/import",
        params={"dry_run": "true"},
        content=body,
        headers={"Content-Type": "text/calendar"},
    )
    assert preview.status_code == 200, preview.text
    assert preview.json()["dry_run"] is True
    assert [item["title"] for item in preview.json()["preview"]] == ["Preview me"]
    assert list_events(client, **MARCH).json()["items"] == []
