"""Import an .ics file in the browser, see what was skipped and why, and get the export and feed links."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.e2e.accounts import sign_up
from tests.e2e.calendar_grid import event_button, this_week_days

pytestmark = pytest.mark.e2e


def sample(day: str) -> bytes:
    compact = day.replace("-", "")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:import-1@test\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Imported <b>kickoff</b>\r\n"
        f"DTSTART;TZID=Europe/Berlin:{compact}T100000\r\nDTEND;TZID=Europe/Berlin:{compact}T110000\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:broken@test\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:No start\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    ).encode()


async def test_import_shows_the_report_and_the_events(page: Page, app_url: str) -> None:
    await sign_up(page, app_url)
    await page.get_by_role("button", name="Import & export").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_role("link", name="Download as .ics")).to_have_attribute(
        "href", re.compile(r"/api/v1/calendars/.+/export\.ics$")
    )
    await dialog.get_by_role("button", name="Create private link").click()
    await expect(dialog.get_by_label("Subscription link")).to_have_value(re.compile(r"/feeds/.+\.ics$"))

    wednesday = this_week_days()[2]
    await dialog.locator("input[type=file]").set_input_files(
        {"name": "team.ics", "mimeType": "text/calendar", "buffer": sample(wednesday)}
    )
    await expect(dialog.get_by_role("status").filter(has_text="Ready")).to_contain_text(
        "Ready to import 1 events (1 new, 0 updates); 1 will be skipped."
    )
    await expect(dialog.get_by_role("list", name="To import")).to_contain_text("Imported <b>kickoff</b>")
    await expect(event_button(page, "Imported <b>kickoff</b>")).to_have_count(0)  # nothing written yet
    await dialog.get_by_role("button", name="Import now").click()
    await expect(dialog.get_by_role("status").filter(has_text="Imported")).to_contain_text(
        "Imported 1 events (1 new, 0 updated); skipped 1."
    )
    await expect(dialog.get_by_role("list", name="Skipped")).to_contain_text("No start")
    await dialog.get_by_role("button", name="Close").click()
    # The title's markup is shown as text, never interpreted.
    await expect(event_button(page, "Imported <b>kickoff</b>")).to_be_visible()
