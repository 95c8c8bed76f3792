"""Guest permissions in the browser: a guest allowed to modify the event edits it, others only answer."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.accounts import sign_up
from tests.e2e.calendar_grid import event_button, this_week_days

pytestmark = pytest.mark.e2e


async def test_a_guest_who_may_modify_changes_the_event_but_not_the_organisers_choices(
    page: Page, browser: Browser, app_url: str
) -> None:
    guest_context = await browser.new_context(
        viewport={"width": 1400, "height": 900}, timezone_id="Europe/Berlin"
    )
    guest = await guest_context.new_page()
    guest_email = await sign_up(guest, app_url)

    await sign_up(page, app_url)
    thursday = this_week_days()[3]
    for title, may_modify in (("Sprint review", True), ("Board call", False)):
        await page.get_by_role("button", name="New event").click()
        dialog = page.get_by_role("dialog")
        await dialog.get_by_label("Title").fill(title)
        start = "09:00" if may_modify else "13:00"
        await dialog.get_by_label("Starts").fill(f"{thursday}T{start}")
        await dialog.get_by_label("Ends", exact=True).fill(f"{thursday}T{start[:2]}:45")
        await dialog.get_by_role("textbox", name="Guests").fill(guest_email)
        await dialog.get_by_role("textbox", name="Guests").press("Enter")
        guests_can = dialog.get_by_role("group", name="Guests can")
        await expect(guests_can.get_by_label("Invite others")).to_be_checked()
        if may_modify:
            await guests_can.get_by_label("Modify event").check()
        await dialog.get_by_role("button", name="Save").click()
        await expect(dialog).to_be_hidden()

    await guest.reload()
    await event_button(guest, "Sprint review").click()
    form = guest.get_by_role("dialog")
    await expect(form.get_by_label("Title")).to_have_value("Sprint review")
    await expect(form.get_by_label("Calendar")).to_have_count(0)  # the organiser's choice
    await expect(form.get_by_role("group", name="Guests can")).to_have_count(0)
    await expect(form.get_by_role("button", name="Delete")).to_have_count(0)
    await form.get_by_label("Title").fill("Sprint review (demo first)")
    await form.get_by_role("button", name="Save").click()
    await expect(form).to_be_hidden()

    await event_button(guest, "Board call").click()
    view = guest.get_by_role("dialog")
    await expect(view.get_by_label("Title")).to_have_count(0)  # read-only: answer only
    await expect(view.get_by_role("button", name="Yes")).to_be_visible()
    await view.get_by_role("button", name="Close").click()
    await guest_context.close()

    await page.reload()
    await expect(event_button(page, "Sprint review (demo first)")).to_be_visible()
