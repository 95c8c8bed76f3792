"""The admin page in the browser: only for admins; disable an account, read and download the audit log."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from scheduler_app.backend.auth.service import sign_up as create_account
from scheduler_app.backend.db import Database
from tests.conftest import unique_email
from tests.e2e.accounts import sign_up

pytestmark = pytest.mark.e2e


async def test_members_see_no_admin_link_and_are_refused(
    page: Page, app_url: str, indexed_database: Database
):
    email = await sign_up(page, app_url)
    db = indexed_database.collections()
    await db.users.update_one({"email": email}, {"$set": {"role": "member"}})
    await page.reload()
    await expect(page.get_by_role("button", name="New event")).to_be_visible()
    await expect(page.get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    await page.goto(f"{app_url}/admin")
    await expect(page.get_by_role("alert")).to_contain_text("Only admins may see this page.")
    await expect(page.get_by_role("table")).to_have_count(0)


async def test_admin_disables_an_account_and_downloads_the_audit_log(
    page: Page, app_url: str, indexed_database: Database
):
    email = await sign_up(page, app_url)
    db = indexed_database.collections()
    await db.users.update_one({"email": email}, {"$set": {"role": "admin"}})
    target = await create_account(db, unique_email("target"), "Target Person", "correct horse battery")

    await page.reload()
    await page.get_by_role("link", name="Admin", exact=True).click()
    await expect(page.get_by_role("heading", name="Users")).to_be_visible()
    await page.get_by_label("Search users").fill(target.email)
    await page.get_by_role("button", name="Search").click()
    users = page.get_by_role("table", name="Users")
    await expect(users.get_by_role("row")).to_have_count(2)
    await page.get_by_role("button", name=f"Disable {target.email}").click()
    await expect(users.get_by_text("Disabled")).to_be_visible()
    assert (await db.users.find_one({"_id": target.id}))["disabled"] is True

    await page.get_by_label("Action").fill("admin.user_disabled")
    await page.get_by_label("User (e-mail or id)").fill(email)
    await page.get_by_role("button", name="Filter").click()
    audit = page.get_by_role("table", name="Audit log")
    await expect(audit.get_by_role("row")).to_have_count(2)
    await expect(audit.get_by_text(target.id)).to_be_visible()

    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Download CSV").click()
    download = await download_info.value
    rows = list(csv.DictReader(io.StringIO(Path(await download.path()).read_text(encoding="utf-8"))))
    assert [(row["action"], row["actor_email"], row["target_id"]) for row in rows] == [
        ("admin.user_disabled", email, target.id)
    ]
