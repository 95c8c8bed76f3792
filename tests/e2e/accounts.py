"""Signing up through the real pages."""

from __future__ import annotations

import uuid

from playwright.async_api import Page, expect


async def sign_up(page: Page, app_url: str) -> str:
    email = f"e2e-{uuid.uuid4().hex[:8]}@example.com"
    await page.goto(f"{app_url}/sign-up")
    await page.get_by_label("Name").fill("Grace Hopper")
    await page.get_by_label("E-mail").fill(email)
    await page.get_by_label("Password").fill("a long enough password")
    await page.get_by_role("button", name="Create account").click()
    await expect(page.get_by_role("button", name="New event")).to_be_visible()
    await expect(page.get_by_role("tab", name="Week view")).to_be_visible()
    return email
