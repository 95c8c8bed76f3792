"""Calendars, time zones, keyboard shortcuts and a database outage, as a user meets them."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.database_outage import database_down
from tests.e2e.accounts import sign_up
from tests.e2e.calendar_grid import drag, event_button, slot_point, slot_row, this_week_days

pytestmark = pytest.mark.e2e


async def create_event(page: Page, title: str, start: str, end: str, calendar: str | None = None) -> None:
    await page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Title").fill(title)
    await dialog.get_by_label("Starts").fill(start)
    await dialog.get_by_label("Ends", exact=True).fill(end)
    if calendar:
        await dialog.get_by_label("Calendar").select_option(label=calendar)
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden()


async def test_keyboard_shortcuts_switch_views_and_open_the_form(page: Page, app_url: str) -> None:
    await sign_up(page, app_url)
    title = page.get_by_role("heading", name=re.compile(r"\d{4}")).first
    await page.keyboard.press("m")
    await expect(page.get_by_role("tab", name="Month view")).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("w")
    await expect(page.get_by_role("tab", name="Week view")).to_have_attribute("aria-selected", "true")
    before = await title.text_content()
    await page.keyboard.press("n")
    await expect(title).not_to_have_text(before or "")
    await page.keyboard.press("t")
    await expect(title).to_have_text(before or "")
    await page.keyboard.press("c")
    await expect(page.get_by_role("dialog").get_by_role("heading", name="New event")).to_be_visible()
    # Typing in the form must not trigger shortcuts.
    await page.get_by_role("dialog").get_by_label("Title").type("tmw")
    await expect(page.get_by_role("dialog").get_by_label("Title")).to_have_value("tmw")


async def test_second_calendar_can_be_hidden_and_shown(page: Page, app_url: str) -> None:
    await sign_up(page, app_url)
    await page.get_by_role("button", name="New calendar").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Name").fill("Work")
    await dialog.get_by_label("Colour #16a34a").check()
    await dialog.get_by_role("button", name="Create calendar").click()
    await expect(dialog).to_be_hidden()
    work = page.get_by_role("checkbox", name="Work")
    await expect(work).to_be_checked()

    tuesday = this_week_days()[1]
    await create_event(page, "Quarterly planning", f"{tuesday}T11:00", f"{tuesday}T12:00", calendar="Work")
    await expect(event_button(page, "Quarterly planning")).to_be_visible()

    await work.click()  # controlled by the server's state: it flips when the server has saved it
    await expect(work).not_to_be_checked()
    await expect(page.get_by_role("button", name=re.compile("Quarterly planning"))).to_have_count(0)
    await page.reload()
    await expect(page.get_by_role("checkbox", name="Work")).not_to_be_checked()
    await page.get_by_role("checkbox", name="Work").click()
    await expect(page.get_by_role("checkbox", name="Work")).to_be_checked()
    await expect(event_button(page, "Quarterly planning")).to_be_visible()


async def test_times_follow_the_chosen_time_zone(page: Page, app_url: str) -> None:
    await sign_up(page, app_url)
    tuesday = this_week_days()[1]
    await create_event(page, "Berlin morning", f"{tuesday}T09:00", f"{tuesday}T10:00")

    await page.goto(f"{app_url}/settings")
    await page.get_by_label("Time zone", exact=True).select_option("America/New_York")
    await page.get_by_role("button", name="Save settings").click()
    await expect(page.get_by_role("status")).to_have_text("Saved.")
    await page.goto(f"{app_url}/")
    await expect(page.get_by_text("America/New_York").first).to_be_visible()

    # 09:00 in Berlin is 03:00 in New York (both on standard or both on summer time this week).
    event = event_button(page, "Berlin morning")
    await event.scroll_into_view_if_needed()
    box, row = await event.bounding_box(), await slot_row(page, "03:00:00")
    assert box is not None
    assert abs(box["y"] - row["y"]) < row["height"], (box, row)


async def test_database_outage_is_explained_and_nothing_is_saved(
    page: Page, app_url: str, indexed_database
) -> None:
    await sign_up(page, app_url)
    tuesday = this_week_days()[1]
    await page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Title").fill("Lost in the outage")
    await dialog.get_by_label("Starts").fill(f"{tuesday}T14:00")
    await dialog.get_by_label("Ends", exact=True).fill(f"{tuesday}T15:00")
    with database_down(indexed_database):
        await dialog.get_by_role("button", name="Save").click()
        await expect(dialog.get_by_role("alert").last).to_contain_text(
            "Can't reach the database", timeout=20_000
        )
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Cancel").click()
    await page.reload()
    await expect(page.get_by_role("tab", name="Week view")).to_be_visible()
    await expect(page.get_by_role("button", name=re.compile("Lost in the outage"))).to_have_count(0)


async def test_refused_drag_rolls_back_with_a_message(page: Page, app_url: str, indexed_database) -> None:
    await sign_up(page, app_url)
    days = this_week_days()
    await create_event(page, "Deleted elsewhere", f"{days[1]}T10:00", f"{days[1]}T11:00")
    event = event_button(page, "Deleted elsewhere")
    await expect(event).to_be_visible()
    # Another device deletes the event; this page still shows it and the user drags it.
    await indexed_database.collections().events.delete_one({"title": "Deleted elsewhere"})
    box = await event.bounding_box()
    assert box is not None
    await drag(page, (box["x"] + box["width"] / 2, box["y"] + 8), await slot_point(page, days[3], "10:00:00"))
    await expect(page.get_by_text("Couldn't move the event")).to_be_visible()
    await expect(page.get_by_role("button", name=re.compile("Deleted elsewhere"))).to_have_count(0)


async def test_a_revoked_session_stops_the_open_page(page: Page, app_url: str, indexed_database) -> None:
    email = await sign_up(page, app_url)
    db = indexed_database.collections()
    user = await db.users.find_one({"email": email})
    await page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Title").fill("After sign-out elsewhere")
    # "Sign out everywhere" on another device: the open page must not keep acting as the user.
    await db.sessions.delete_many({"user_id": user["_id"]})
    await dialog.get_by_role("button", name="Save").click()
    await expect(page).to_have_url(re.compile(r"/sign-in"))
    await expect(page.get_by_role("alert")).to_contain_text("Your session has ended")
    assert await db.events.count_documents({"title": "After sign-out elsewhere"}) == 0
