"""Find a time for three people in the browser and turn the best suggestion into an event."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.accounts import sign_up

pytestmark = pytest.mark.e2e
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def next_weekday() -> dt.date:
    day = dt.datetime.now(BERLIN).date() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


async def test_three_people_find_a_time_and_book_it(page: Page, browser: Browser, app_url: str) -> None:
    day = next_weekday()
    others: list[str] = []
    for busy_hours in (("09:00", "12:00"), ("12:00", "14:00")):
        context = await browser.new_context(timezone_id="Europe/Berlin")
        other = await context.new_page()
        email = await sign_up(other, app_url)
        await other.get_by_role("button", name="New event").click()
        dialog = other.get_by_role("dialog")
        await dialog.get_by_label("Title").fill("Private")
        await dialog.get_by_label("Starts").fill(f"{day}T{busy_hours[0]}")
        await dialog.get_by_label("Ends", exact=True).fill(f"{day}T{busy_hours[1]}")
        await dialog.get_by_role("button", name="Save").click()
        await expect(dialog).to_be_hidden()
        await context.close()
        others.append(email)

    await sign_up(page, app_url)
    await page.get_by_role("link", name="Find a time").click()
    await expect(page.get_by_role("heading", name="Find a time")).to_be_visible()
    await page.get_by_label("Title").fill("Roadmap")
    for email in others:
        await page.get_by_role("textbox", name="People").fill(email)
        await page.get_by_role("textbox", name="People").press("Enter")
    await page.get_by_label("From").fill(day.isoformat())
    await page.get_by_label("Until").fill(day.isoformat())
    await page.get_by_role("button", name="Find times").click()
    suggestions = page.get_by_role("list", name="Suggestions")
    first = suggestions.get_by_role("button", name=re.compile("^Create event")).first
    await expect(first).to_be_visible()
    label = (await first.get_attribute("aria-label")) or ""
    # Everyone is busy 09:00-14:00 between them; the best time must start at 14:00 or later.
    start_hour = int(re.search(r", (\d\d):(\d\d)", label).group(1))  # type: ignore[union-attr]
    assert start_hour >= 14, label
    assert "Private" not in await suggestions.inner_text()  # others' titles never show
    grid = page.get_by_role("table", name="Who is free, by hour")
    await expect(grid).to_be_visible()
    weekday = f"{day:%a}"
    await expect(grid.locator(f'td[title^="{weekday} 10:00: 2 of 3 can attend"]')).to_have_count(1)
    await expect(grid.locator(f'td[title^="{weekday} 15:00: 3 of 3 can attend"]')).to_have_count(1)
    # Before nine nobody works: the hour is striped and says so.
    early = grid.locator(f'td[title^="{weekday} 07:00: 0 of 3 can attend"]')
    await expect(early).to_have_class(re.compile("off-hours"))
    await expect(early).to_have_attribute("title", re.compile("Outside working hours"))
    await first.click()
    await expect(page).to_have_url(re.compile(r"/$"))
    stored_title = page.get_by_role("button", name=re.compile("Roadmap"))
    today = dt.datetime.now(BERLIN).date()
    await expect(page.get_by_role("tab", name="Week view")).to_be_visible()
    if day >= today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7):
        await page.keyboard.press("n")  # the day falls in next week
    await expect(stored_title.first).to_be_visible()
