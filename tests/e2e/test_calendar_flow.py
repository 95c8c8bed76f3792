"""A new user's journey in a real browser: sign up, create, view, edit, drag, reload, delete, sign out."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.async_api import Page, expect

from tests.e2e.accounts import sign_up
from tests.e2e.calendar_grid import click_slot, day_column, drag, event_button, slot_point, this_week_days

pytestmark = pytest.mark.e2e


async def test_protected_pages_send_visitors_to_sign_in(page: Page, app_url: str) -> None:
    await page.goto(f"{app_url}/")
    await expect(page).to_have_url(re.compile(r"/sign-in"))
    await page.goto(f"{app_url}/settings")
    await expect(page).to_have_url(re.compile(r"/sign-in"))


async def test_wrong_password_is_refused_with_a_message(page: Page, app_url: str) -> None:
    await page.goto(f"{app_url}/sign-in")
    await page.get_by_label("E-mail").fill("nobody@example.com")
    await page.get_by_label("Password").fill("wrong password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("Wrong e-mail or password")
    await expect(page).to_have_url(re.compile(r"/sign-in"))


async def test_event_lifecycle(page: Page, app_url: str) -> None:
    email = await sign_up(page, app_url)
    days = this_week_days()
    tuesday, thursday = days[1], days[3]

    # Click an empty slot: the form opens prefilled with that half hour.
    await click_slot(page, tuesday, "10:00:00")
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_role("heading", name="New event")).to_be_visible()
    await expect(dialog.get_by_label("Starts")).to_have_value(f"{tuesday}T10:00")
    await expect(dialog.get_by_label("Ends", exact=True)).to_have_value(f"{tuesday}T10:30")
    await dialog.get_by_label("Title").fill("Design review")
    await dialog.get_by_label("Location").fill("Room 4")
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden()
    event = event_button(page, "Design review")
    await expect(event).to_be_visible()

    # Month view shows it too.
    await page.get_by_role("tab", name="Month view").click()
    await expect(event_button(page, "Design review")).to_be_visible()
    await page.get_by_role("tab", name="Week view").click()

    # Edit it.
    await event_button(page, "Design review").click()
    await expect(dialog.get_by_role("heading", name="Edit event")).to_be_visible()
    await expect(dialog.get_by_label("Location")).to_have_value("Room 4")
    await dialog.get_by_label("Title").fill("Design review (v2)")
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden()
    moved = event_button(page, "Design review (v2)")
    await expect(moved).to_be_visible()

    # Drag it to Thursday at the same time, then reload: it stays there.
    box = await moved.bounding_box()
    assert box is not None
    target = await slot_point(page, thursday, "10:00:00")
    await drag(page, (box["x"] + box["width"] / 2, box["y"] + 8), target)
    await page.wait_for_timeout(1000)
    await page.reload()
    moved = event_button(page, "Design review (v2)")
    await expect(moved).to_be_visible()
    column = await day_column(page, thursday)
    box = await moved.bounding_box()
    assert box is not None
    assert column["x"] <= box["x"] + box["width"] / 2 <= column["x"] + column["width"]

    # Delete it.
    await moved.click()
    await dialog.get_by_role("button", name="Delete").click()
    await expect(dialog).to_be_hidden()
    await expect(page.get_by_role("button", name=re.compile("Design review"))).to_have_count(0)

    # Sign out: back to sign-in, and the calendar is closed again.
    await page.get_by_role("button", name="Account menu").click()
    await page.get_by_role("menuitem", name="Sign out").click()
    await expect(page).to_have_url(re.compile(r"/sign-in"))
    await page.goto(f"{app_url}/")
    await expect(page).to_have_url(re.compile(r"/sign-in"))
    assert email


async def test_invalid_event_shows_field_errors_and_saves_nothing(page: Page, app_url: str) -> None:
    await sign_up(page, app_url)
    await page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Title").fill("Backwards")
    start = await dialog.get_by_label("Starts").input_value()
    earlier = (dt.datetime.fromisoformat(start) - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    await dialog.get_by_label("Ends", exact=True).fill(earlier)
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog.get_by_text("End must be after start.")).to_be_visible()
    await expect(dialog.get_by_role("alert").last).to_contain_text("must end after it starts")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(page.get_by_role("button", name=re.compile("Backwards"))).to_have_count(0)


async def test_sign_up_explains_bad_fields_and_duplicates(page: Page, app_url: str) -> None:
    email = await sign_up(page, app_url)
    await page.context.clear_cookies()
    await page.goto(f"{app_url}/sign-up")
    await page.get_by_label("Name").fill("Second Grace")
    await page.get_by_label("E-mail").fill(email.upper())
    await page.get_by_label("Password").fill("short")
    await page.get_by_role("button", name="Create account").click()
    await expect(page.get_by_text("Use at least 8 characters.")).to_be_visible()
    await page.get_by_label("Password").fill("a long enough password")
    await page.get_by_role("button", name="Create account").click()
    await expect(page.get_by_role("alert").last).to_contain_text("already exists")
    await expect(page).to_have_url(re.compile(r"/sign-up"))
