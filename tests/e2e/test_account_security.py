"""Account security in the browser: password reset from the mailed link, and signing another device out."""

from __future__ import annotations

import asyncio
import os
import re
import urllib.parse

import pytest
from playwright.async_api import Browser, Page, expect

from scheduler_app.backend.db import Database
from scheduler_app.settings import get_settings
from tests.e2e.accounts import sign_up
from tests.mail_server import MailServer

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough password"
NEW_PASSWORD = "an even longer new password"
LINK = re.compile(r"https?://\S+/reset-password/[A-Za-z0-9_-]+")


async def sign_in(page: Page, app_url: str, email: str, password: str) -> None:
    await page.goto(f"{app_url}/sign-in")
    await page.get_by_label("E-mail").fill(email)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def test_reset_a_forgotten_password_through_the_mailed_link(
    page: Page, browser: Browser, app_url: str, mail_server: MailServer, monkeypatch: pytest.MonkeyPatch
):
    if os.environ.get("E2E_BASE_URL"):
        pytest.skip("reads the app's mail through the in-process settings")
    monkeypatch.setattr(get_settings(), "smtp_url", mail_server.url)
    email = await sign_up(page, app_url)

    visitor = await (await browser.new_context()).new_page()
    await visitor.goto(f"{app_url}/sign-in")
    await visitor.get_by_role("link", name="Forgot password?").click()
    await expect(visitor.get_by_role("heading", name="Reset your password")).to_be_visible()
    await visitor.get_by_label("E-mail").fill(email)
    await visitor.get_by_role("button", name="Send reset link").click()
    await expect(visitor.get_by_role("status")).to_contain_text("If an account uses this address")

    [mail] = await asyncio.to_thread(mail_server.wait_for, email)
    link = LINK.search(mail.get_body(("plain",)).get_content()).group(0)
    # The link names the configured APP_URL; open its path on the app under test.
    await visitor.goto(app_url + urllib.parse.urlsplit(link).path)
    await expect(visitor.get_by_text(email)).to_be_visible()
    await visitor.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    await visitor.get_by_label("Repeat new password").fill(NEW_PASSWORD + "typo")
    await visitor.get_by_role("button", name="Set new password").click()
    await expect(visitor.get_by_text("The two passwords differ.")).to_be_visible()
    await visitor.get_by_label("Repeat new password").fill(NEW_PASSWORD)
    await visitor.get_by_role("button", name="Set new password").click()
    await expect(visitor).to_have_url(re.compile(r"/sign-in"))
    await expect(visitor.get_by_role("status")).to_contain_text("Your password was changed")

    # The old password no longer works; the new one does.
    await sign_in(visitor, app_url, email, PASSWORD)
    await expect(visitor.get_by_role("alert")).to_contain_text("Wrong e-mail or password.")
    await sign_in(visitor, app_url, email, NEW_PASSWORD)
    await expect(visitor.get_by_role("button", name="New event")).to_be_visible()

    # The first browser was signed out by the reset; the used link is refused.
    await page.reload()
    await expect(page).to_have_url(re.compile(r"/sign-in"))
    await visitor.goto(app_url + urllib.parse.urlsplit(link).path)
    await expect(visitor.get_by_role("alert")).to_contain_text("invalid, expired or already used")
    await visitor.context.close()


async def test_signing_out_another_device_sends_that_browser_to_sign_in(
    page: Page, browser: Browser, app_url: str
):
    email = await sign_up(page, app_url)
    other_context = await browser.new_context()
    other = await other_context.new_page()
    await sign_in(other, app_url, email, PASSWORD)
    await expect(other.get_by_role("button", name="New event")).to_be_visible()
    await other.goto(f"{app_url}/settings/security")
    await expect(other.get_by_role("heading", name="Where you're signed in")).to_be_visible()

    await page.goto(f"{app_url}/settings/security")
    sessions = page.get_by_role("table", name="Signed-in sessions")
    await expect(sessions.get_by_role("row")).to_have_count(3)  # header + two devices
    await expect(sessions.get_by_text("This device")).to_have_count(1)
    await page.get_by_role("button", name="Sign out Headless Chrome on Linux session").click()
    await expect(sessions.get_by_role("row")).to_have_count(2)

    # The other browser's open page is sent to sign-in on its next action.
    await other.get_by_role("button", name="Sign out everywhere else").click()
    await expect(other).to_have_url(re.compile(r"/sign-in"))
    await expect(other.get_by_role("alert")).to_contain_text("Your session has ended")
    await other_context.close()

    # The remaining session still works.
    await page.reload()
    await expect(page.get_by_role("heading", name="Security")).to_be_visible()


async def test_repeated_wrong_passwords_show_how_long_to_wait(
    page: Page, browser: Browser, app_url: str, indexed_database: Database
):
    email = await sign_up(page, app_url)
    guesser = await (await browser.new_context()).new_page()
    try:
        alert = guesser.get_by_role("alert")
        for _ in range(6):
            await sign_in(guesser, app_url, email, "not my password")
            await expect(alert).to_contain_text("Wrong e-mail or password.")
        # From now on each failure locks the account for longer (1 s, 2 s, 4 s ...): keep guessing
        # until a guess arrives inside the lock, as a script would.
        for _ in range(6):
            await sign_in(guesser, app_url, email, "not my password")
            await expect(alert).to_have_text(re.compile(r"Wrong e-mail or password\.|Too many attempts"))
            if "Too many attempts" in await alert.inner_text():
                break
        await expect(alert).to_have_text(re.compile(r"Too many attempts; try again in \d+ seconds?\."))
        await expect(guesser).to_have_url(re.compile(r"/sign-in"))
    finally:
        await guesser.context.close()
        # The browser's address collected failures too; leave it clean for other tests.
        await indexed_database.collections().sign_in_attempts.delete_many({"_id": {"$regex": "^ip:"}})
