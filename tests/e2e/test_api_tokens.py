"""Settings, API tokens: create a personal access token, use it against the API, revoke it."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Page, expect
from reflex.config import get_config

from tests.e2e.accounts import sign_up

pytestmark = pytest.mark.e2e


def api_status(token: str) -> int:
    """What the REST API answers this bearer token (the backend has its own origin under the harness)."""
    backend = (get_config().api_url or "").rstrip("/")
    response = httpx.get(
        f"{backend}/api/v1/calendars", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    return response.status_code


async def test_create_use_and_revoke_a_personal_token(page: Page, app_url: str) -> None:
    await sign_up(page, app_url)
    await page.goto(f"{app_url}/settings/api-tokens")
    await expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    await expect(page.get_by_text("You have no personal access tokens.")).to_be_visible()

    await page.get_by_label("Token name").fill("Deploy script")
    await page.get_by_label("Access").select_option("read_write")
    await page.get_by_label("Expires after").select_option("7")
    await page.get_by_role("button", name="Create token").click()

    notice = page.get_by_role("status").filter(has_text="It will not be shown again")
    await expect(notice).to_be_visible()
    secret = (await page.locator("#new-token-value").inner_text()).strip()
    assert secret.startswith("sch_pat_")
    await notice.get_by_role("button", name="Copy").click()
    await expect(page.get_by_text("Token copied to the clipboard.")).to_be_visible()
    table = page.get_by_role("table")
    row = table.get_by_role("row").filter(has_text="Deploy script")
    await expect(row).to_contain_text("Read & write")
    await expect(row).to_contain_text("Never used")
    assert api_status(secret) == 200

    # Shown once: after a reload the secret is gone, the token stays listed (now used).
    await page.reload()
    await expect(table.get_by_role("row").filter(has_text="Deploy script")).to_be_visible()
    await expect(page.locator("#new-token-value")).to_have_count(0)
    await expect(page.get_by_text(secret)).to_have_count(0)
    await expect(table.get_by_role("row").filter(has_text="Deploy script")).not_to_contain_text("Never used")

    await page.get_by_role("button", name="Revoke Deploy script").click()
    dialog = page.get_by_role("alertdialog")
    await expect(dialog).to_contain_text("Programs using this token will stop working")
    await dialog.get_by_role("button", name="Revoke token").click()
    await expect(page.get_by_role("status").filter(has_text="revoked")).to_be_visible()
    await expect(page.get_by_text("You have no personal access tokens.")).to_be_visible()
    assert api_status(secret) == 401


async def test_a_token_needs_a_name(page: Page, app_url: str) -> None:
    await sign_up(page, app_url)
    await page.goto(f"{app_url}/settings/api-tokens")
    await page.get_by_role("button", name="Create token").click()
    await expect(page.get_by_role("alert")).to_contain_text("Name the token")
    await expect(page.locator("#new-token-value")).to_have_count(0)
