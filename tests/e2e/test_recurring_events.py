"""A weekly series in the browser: create it, move one occurrence, delete this-and-following, check month view."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from playwright.async_api import Page, expect

from tests.e2e.accounts import sign_up
from tests.e2e.calendar_grid import day_column, drag, slot_point, this_week_days

pytestmark = pytest.mark.e2e
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def occurrences(page: Page):
    return page.get_by_role("button", name=re.compile("Team sync"))


def month_grid(today: dt.date) -> tuple[dt.date, dt.date]:
    """The 6 Monday-first weeks FullCalendar's month view shows for today's month."""
    first = today.replace(day=1)
    start = first - dt.timedelta(days=first.weekday())
    return start, start + dt.timedelta(days=42)


async def test_weekly_series_move_one_and_delete_following(page: Page, app_url: str) -> None:
    await sign_up(page, app_url)
    monday = dt.date.fromisoformat(this_week_days()[0])
    await page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Title").fill("Team sync")
    await dialog.get_by_label("Starts").fill(f"{monday}T09:00")
    await dialog.get_by_label("Ends", exact=True).fill(f"{monday}T09:30")
    await dialog.get_by_label("Repeat").select_option(label="Weekly on Monday")
    await dialog.get_by_label("Ends", exact=True).last.wait_for()
    await dialog.get_by_role("combobox", name="Ends").select_option("after")
    await dialog.get_by_label("Times").fill("4")
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden()
    await expect(occurrences(page)).to_have_count(1)

    # Next week: move that occurrence to Tuesday 11:00 (this occurrence only).
    await page.keyboard.press("n")
    week2 = [(monday + dt.timedelta(days=7 + offset)).isoformat() for offset in range(7)]
    event = occurrences(page).first
    await expect(event).to_be_visible()
    await event.scroll_into_view_if_needed()
    box = await event.bounding_box()
    assert box is not None
    await drag(
        page, (box["x"] + box["width"] / 2, box["y"] + 6), await slot_point(page, week2[1], "09:00:00")
    )
    await page.wait_for_timeout(1000)
    await page.reload()
    await expect(page.get_by_role("tab", name="Week view")).to_be_visible()
    await page.keyboard.press("n")
    await expect(occurrences(page)).to_have_count(1)
    column = await day_column(page, week2[1])
    moved = await occurrences(page).first.bounding_box()
    assert moved is not None
    assert column["x"] <= moved["x"] + moved["width"] / 2 <= column["x"] + column["width"], "not on Tuesday"

    # Week 3: delete this and following.
    await page.keyboard.press("n")
    await occurrences(page).first.click()
    await dialog.get_by_role("radio", name="This and following events").click()
    await dialog.get_by_role("button", name="Delete").click()
    await expect(dialog).to_be_hidden()
    await expect(occurrences(page)).to_have_count(0)
    await page.keyboard.press("n")
    await expect(occurrences(page)).to_have_count(0)

    # Month view: the first Monday and the moved Tuesday remain, nothing after.
    await page.keyboard.press("t")
    await page.keyboard.press("m")
    await expect(page.get_by_role("tab", name="Month view")).to_have_attribute("aria-selected", "true")
    start, end = month_grid(dt.datetime.now(BERLIN).date())
    kept = [monday, monday + dt.timedelta(days=8)]
    expected = sum(1 for day in kept if start <= day < end)
    await expect(occurrences(page)).to_have_count(expected)


async def test_custom_every_other_week_on_chosen_days(page: Page, app_url: str) -> None:
    await sign_up(page, app_url)
    monday = dt.date.fromisoformat(this_week_days()[0])
    tuesday = monday + dt.timedelta(days=1)
    await page.get_by_role("button", name="New event").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Title").fill("Team sync")
    await dialog.get_by_label("Starts").fill(f"{tuesday}T15:00")
    await dialog.get_by_label("Ends", exact=True).fill(f"{tuesday}T15:30")
    await dialog.get_by_label("Repeat").select_option(label="Custom…")
    await dialog.get_by_label("Every").fill("2")
    await dialog.get_by_label("Unit").select_option("WEEKLY")
    await dialog.get_by_label("Thu").click()
    await expect(dialog.get_by_label("Thu")).to_be_checked()
    await dialog.get_by_label("Tue").click()
    await expect(dialog.get_by_label("Tue")).to_be_checked()
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden()
    await expect(occurrences(page)).to_have_count(2)  # Tuesday and Thursday
    await page.keyboard.press("n")
    await expect(occurrences(page)).to_have_count(0)  # the week in between
    await page.keyboard.press("n")
    await expect(occurrences(page)).to_have_count(2)
