"""A booking page end to end: the owner publishes it, an anonymous visitor books, the owner sees it."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import httpx
import pytest
from playwright.async_api import Browser, Page, expect
from reflex.config import get_config

from tests.e2e.accounts import sign_up

pytestmark = pytest.mark.e2e
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


async def test_visitor_books_a_slot_and_the_owner_sees_it(page: Page, browser: Browser, app_url: str) -> None:
    await sign_up(page, app_url)
    await page.get_by_role("link", name="Booking pages").click()
    await expect(page.get_by_role("heading", name="Booking pages", level=1)).to_be_visible()
    await page.get_by_role("button", name="New booking page").click()
    form = page.get_by_role("form", name="Booking page")
    await form.get_by_label("Title").fill("Coffee chat")
    await form.get_by_label("Link name").fill("coffee")
    await form.get_by_label("Lengths (minutes, e.g. 15, 30, 60)").fill("20 x")
    await form.get_by_role("button", name="Save").click()
    # A bad length is named next to its field, and nothing is saved.
    await expect(form.locator("#bp-durations-error")).to_have_text(
        "Use whole numbers of minutes, e.g. 15, 30, 60."
    )
    await form.get_by_label("Lengths (minutes, e.g. 15, 30, 60)").fill("30, 60")
    await form.get_by_role("button", name="Add question").click()
    await form.get_by_label("Question 1", exact=True).fill("Company")
    await form.get_by_label("Required").click()
    await expect(form.get_by_label("Required")).to_be_checked()
    await form.get_by_role("button", name="Save").click()
    await expect(form).to_be_hidden()
    pages = page.get_by_role("list", name="Your booking pages")
    link = pages.get_by_role("link", name=re.compile(r"book.+coffee$"))
    await expect(link).to_be_visible()
    path = await link.inner_text()

    visitor_context = await browser.new_context(timezone_id="America/New_York")
    visitor = await visitor_context.new_page()
    await visitor.goto(f"{app_url}{path}")
    await expect(visitor.get_by_role("heading", name="Coffee chat")).to_be_visible()
    await expect(visitor.get_by_text("America/New_York")).to_be_visible()
    times = visitor.get_by_role("group", name="Free times")
    first = times.get_by_role("button").first
    await expect(first).to_be_visible()
    await first.click()
    await visitor.get_by_label("Name").fill("Vera Visitor")
    await visitor.get_by_label("E-mail").fill("vera@example.com")
    await visitor.get_by_label("Company (required)").fill("ACME")
    # Someone else takes that very time first: the visitor is told, and the list no longer offers it.
    day = dt.date.fromisoformat(await visitor.get_by_label("Day", exact=True).input_value())
    backend = (get_config().api_url or app_url).rstrip("/")  # the harness serves the API on its own port
    api = f"{backend}/api/v1{path.replace('/book/', '/booking/')}"
    async with httpx.AsyncClient(timeout=30) as client:
        listed = await client.get(
            f"{api}/slots",
            params={
                "start": day.isoformat(),
                "end": (day + dt.timedelta(days=1)).isoformat(),
                "time_zone": "America/New_York",
            },
        )
        taken = listed.json()["slots"][0]["start"]
        question = (await client.get(api)).json()["questions"][0]["id"]
        other = {
            "start": taken,
            "duration": 30,
            "name": "Quick",
            "email": "quick@example.com",
            "answers": {question: "X"},
        }
        assert (await client.post(f"{api}/bookings", json=other)).status_code == 201
    await visitor.get_by_role("button", name="Confirm booking").click()
    await expect(visitor.get_by_role("alert")).to_have_text("This time was just taken; pick another.")
    await times.get_by_role("button").first.click()
    await visitor.get_by_role("button", name="Confirm booking").click()
    await expect(visitor.get_by_role("heading", name="You're booked")).to_be_visible()
    booked = await visitor.get_by_role("status").inner_text()
    when = re.search(r"(\w+day \d\d \w+ \d{4}, \d\d:\d\d) \(America/New_York\)", booked)
    assert when, booked
    start = dt.datetime.strptime(when.group(1), "%A %d %B %Y, %H:%M").replace(
        tzinfo=zoneinfo.ZoneInfo("America/New_York")
    )
    await visitor_context.close()

    await page.goto(f"{app_url}/")
    await expect(page.get_by_role("tab", name="Week view")).to_be_visible()
    today = dt.datetime.now(BERLIN).date()
    weeks_ahead = (start.astimezone(BERLIN).date() - (today - dt.timedelta(days=today.weekday()))).days // 7
    for _ in range(weeks_ahead):
        await page.keyboard.press("n")
    await expect(
        page.get_by_role("button", name=re.compile("Coffee chat: Vera Visitor")).first
    ).to_be_visible()
