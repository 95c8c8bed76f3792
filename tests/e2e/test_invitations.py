"""Guests in the browser: invite, see the invitation as the guest, answer it, and answer from a link."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.accounts import sign_up
from tests.e2e.calendar_grid import event_button, this_week_days

pytestmark = pytest.mark.e2e


async def test_invite_a_user_and_an_outsider_who_both_answer(
    page: Page, browser: Browser, app_url: str, indexed_database
) -> None:
    guest_context = await browser.new_context(
        viewport={"width": 1400, "height": 900}, timezone_id="Europe/Berlin"
    )
    guest_page = await guest_context.new_page()
    guest_email = await sign_up(guest_page, app_url)

    await sign_up(page, app_url)
    tuesday = this_week_days()[1]
    await page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Title").fill("Roadmap review")
    await dialog.get_by_label("Starts").fill(f"{tuesday}T13:00")
    await dialog.get_by_label("Ends", exact=True).fill(f"{tuesday}T14:00")
    for email in (guest_email, "partner@outside.example"):
        await dialog.get_by_role("textbox", name="Guests").fill(email)
        await dialog.get_by_role("textbox", name="Guests").press(
            "Enter"
        )  # adds the guest, does not save the event
    await expect(
        dialog.get_by_role("list", name="Guests").get_by_text("partner@outside.example")
    ).to_be_visible()
    await dialog.get_by_label("Add video call", exact=True).click()
    await expect(dialog.get_by_label("Add video call", exact=True)).to_be_checked()
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden()

    # The guest sees the invitation in their own week, opens it and says yes.
    await guest_page.reload()
    invitation = event_button(guest_page, "Roadmap review")
    await expect(invitation).to_be_visible()
    await invitation.click()
    guest_dialog = guest_page.get_by_role("dialog")
    await expect(guest_dialog.get_by_role("heading", name="Roadmap review")).to_be_visible()
    await expect(guest_dialog.get_by_role("link", name="Join video call")).to_have_attribute(
        "href", re.compile(r"^https://meet\.jit\.si/Scheduler-")
    )
    await guest_dialog.get_by_role("button", name="Yes").click()
    await expect(guest_dialog).to_be_hidden()
    await guest_context.close()

    # The outsider answers from their link, without an account.
    stored = await indexed_database.collections().events.find_one({"title": "Roadmap review"})
    token = next(a["rsvp_token"] for a in stored["attendees"] if a["email"] == "partner@outside.example")
    outsider_context = await browser.new_context()
    outsider = await outsider_context.new_page()
    await outsider.goto(f"{app_url}/invitation/{token}")
    await expect(outsider.get_by_role("heading", name="Roadmap review")).to_be_visible()
    await outsider.get_by_role("button", name="No").click()
    await expect(outsider.get_by_role("button", name="No")).to_have_attribute("aria-pressed", "true")
    await outsider_context.close()

    # The organiser sees both answers.
    await event_button(page, "Roadmap review").click()
    guests = dialog.get_by_role("list", name="Guests")
    await expect(guests.locator("div", has_text=guest_email).get_by_text("Accepted").first).to_be_visible()
    await expect(
        guests.locator("div", has_text="partner@outside.example").get_by_text("Declined").first
    ).to_be_visible()
