"""Working hours in Settings: change a day, save, and find them again after a reload."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.accounts import sign_up

pytestmark = pytest.mark.e2e


async def test_working_hours_are_saved(page: Page, app_url: str) -> None:
    await sign_up(page, app_url)
    await page.goto(f"{app_url}/settings")
    await expect(page.get_by_role("heading", name="Working hours")).to_be_visible()
    await expect(page.get_by_label("Tuesday starts")).to_have_value("09:00")
    await page.get_by_role("checkbox", name="Monday").click()  # Monday off
    await expect(page.get_by_role("checkbox", name="Monday")).not_to_be_checked()
    await page.get_by_label("Tuesday starts").fill("10:30")
    await page.get_by_label("Tuesday ends").fill("15:00")
    await page.get_by_label("Working hours time zone").select_option("Asia/Tokyo")
    await page.get_by_role("button", name="Save working hours").click()
    await expect(page.get_by_text("Working hours saved.").first).to_be_visible()
    await page.reload()
    await expect(page.get_by_label("Tuesday starts")).to_have_value("10:30")
    await expect(page.get_by_label("Tuesday ends")).to_have_value("15:00")
    await expect(page.get_by_role("checkbox", name="Monday")).not_to_be_checked()
    await expect(page.get_by_label("Working hours time zone")).to_have_value("Asia/Tokyo")


async def test_end_before_start_is_refused_with_a_message(page: Page, app_url: str) -> None:
    await sign_up(page, app_url)
    await page.goto(f"{app_url}/settings")
    await page.get_by_label("Wednesday starts").fill("18:00")
    await page.get_by_label("Wednesday ends").fill("08:00")
    await page.get_by_role("button", name="Save working hours").click()
    await expect(page.get_by_role("alert")).to_contain_text("wednesday")
