"""Sharing in the browser: share a calendar as a viewer, then as free/busy, and see what the other sees."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.accounts import sign_up
from tests.e2e.calendar_grid import event_button, this_week_days

pytestmark = pytest.mark.e2e


async def test_share_a_calendar_read_only_then_free_busy(page: Page, browser: Browser, app_url: str) -> None:
    colleague_context = await browser.new_context(
        viewport={"width": 1400, "height": 900}, timezone_id="Europe/Berlin"
    )
    colleague = await colleague_context.new_page()
    colleague_email = await sign_up(colleague, app_url)

    await sign_up(page, app_url)
    await page.get_by_role("button", name="New calendar").click()
    await page.get_by_role("dialog").get_by_label("Name").fill("Hiring")
    await page.get_by_role("dialog").get_by_role("button", name="Create calendar").click()
    await expect(page.get_by_role("group", name="My calendars").get_by_text("Hiring")).to_be_visible()

    wednesday = this_week_days()[2]
    await page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Title").fill("Interview: Ada")
    await dialog.get_by_label("Starts").fill(f"{wednesday}T10:00")
    await dialog.get_by_label("Ends", exact=True).fill(f"{wednesday}T11:00")
    await dialog.get_by_label("Calendar").select_option(label="Hiring")
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden()

    await page.get_by_role("button", name="Share Hiring").click()
    share = page.get_by_role("dialog")
    await share.get_by_label("Person's e-mail").fill("nobody-with-an-account@example.com")
    await share.get_by_role("button", name="Share").click()
    await expect(share.get_by_role("alert")).to_contain_text("account")
    await share.get_by_label("Person's e-mail").fill(colleague_email)
    await share.get_by_label("Access").select_option(label="See all event details")
    await share.get_by_role("button", name="Share").click()
    people = share.get_by_role("list", name="People with access")
    await expect(people.get_by_text(colleague_email)).to_be_visible()
    await share.get_by_role("button", name="Done").click()

    # The colleague sees the calendar under "Other calendars" and the event, read-only.
    await colleague.reload()
    others = colleague.get_by_role("group", name="Other calendars")
    await expect(others.get_by_text("Hiring")).to_be_visible()
    await expect(others.get_by_text("can view")).to_be_visible()
    await event_button(colleague, "Interview: Ada").click()
    view = colleague.get_by_role("dialog")
    await expect(view.get_by_role("heading", name="Interview: Ada")).to_be_visible()
    await expect(view.get_by_label("Title")).to_have_count(0)  # no form to edit
    await expect(view.get_by_role("button", name="Yes")).to_have_count(0)  # not a guest
    await view.get_by_role("button", name="Close").click()

    # Down to free/busy: the same time shows as "Busy" with no title.
    await page.get_by_role("button", name="Share Hiring").click()
    await people.get_by_label(f"Access for {colleague_email}").select_option(label="See only free/busy")
    await expect(people.get_by_label(f"Access for {colleague_email}")).to_have_value("freebusy")
    await share.get_by_role("button", name="Done").click()
    await colleague.reload()
    await expect(event_button(colleague, "Busy")).to_be_visible()
    await expect(event_button(colleague, "Interview: Ada")).to_have_count(0)

    # The colleague removes it from their list.
    await colleague.get_by_role("button", name="Remove Hiring from my calendars").click()
    await expect(colleague.get_by_role("group", name="Other calendars")).to_have_count(0)
    await expect(event_button(colleague, "Busy")).to_have_count(0)
    await colleague_context.close()
