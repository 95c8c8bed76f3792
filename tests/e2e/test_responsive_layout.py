"""Phones: no page scrolls sideways, and the page links sit behind one menu button."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.accounts import sign_up

pytestmark = pytest.mark.e2e


async def test_on_a_phone_nothing_overflows_and_the_menu_navigates(browser: Browser, app_url: str) -> None:
    context = await browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="Europe/Berlin")
    page = await context.new_page()
    await sign_up(page, app_url)
    for path in (
        "/",
        "/find-a-time",
        "/booking-pages",
        "/settings",
        "/settings/security",
        "/settings/api-tokens",
    ):
        await page.goto(f"{app_url}{path}")
        await expect(page.get_by_role("button", name="Navigation menu")).to_be_visible()
        await page.wait_for_load_state("networkidle")
        overflow = await page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the phone"
    await expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    await page.get_by_role("button", name="Navigation menu").click()
    await page.get_by_role("menuitem", name="Find a time").click()
    await expect(page.get_by_role("heading", name="Find a time")).to_be_visible()
    await context.close()
