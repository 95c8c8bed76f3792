"""Signing in through a real OpenID Connect provider's pages in Chromium, ending on the calendar."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from reflex.config import get_config

from scheduler_app.backend.auth.identity_providers import metadata_cache
from scheduler_app.settings import get_settings
from tests.oidc_server import OidcProviderServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def backend_origin(app_url: str) -> str:
    """Where the app's HTTP routes live (the harness serves pages and backend on separate ports)."""
    return (get_config().api_url or app_url).rstrip("/")


@pytest.fixture(scope="module")
def e2e_oidc_provider(
    backend_origin: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OidcProviderServer]:
    log_path: Path = tmp_path_factory.mktemp("oidc-e2e") / "provider.log"
    with OidcProviderServer([f"{backend_origin}/auth/callback/oidc"], log_path) as server:
        yield server


@pytest.fixture
def oidc_configured(
    e2e_oidc_provider: OidcProviderServer, backend_origin: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The running app's settings (process-wide) point at the test provider while a test runs."""
    settings = get_settings()
    monkeypatch.setattr(settings, "app_url", backend_origin)
    monkeypatch.setattr(settings, "oidc_issuer", e2e_oidc_provider.issuer)
    monkeypatch.setattr(settings, "oidc_client_id", e2e_oidc_provider.client_id)
    monkeypatch.setattr(settings, "oidc_client_secret", e2e_oidc_provider.client_secret)
    monkeypatch.setattr(settings, "oidc_name", "Test IdP")
    metadata_cache().clear()
    yield
    metadata_cache().clear()


async def _log_in_at_provider(page: Page, email: str, *, verified: bool = True) -> None:
    await expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    await page.get_by_label("E-mail", exact=True).fill(email)
    await page.get_by_label("Name").fill("Katherine Johnson")
    if not verified:
        await page.get_by_label("E-mail verified").uncheck()
    await page.get_by_role("button", name="Continue").click()


async def test_no_provider_buttons_without_configuration(page: Page, app_url: str) -> None:
    await page.goto(f"{app_url}/sign-in")
    await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    await expect(page.get_by_role("link", name=re.compile("^Sign in with"))).to_have_count(0)


async def test_sign_in_through_the_provider_lands_on_the_calendar(
    page: Page, app_url: str, oidc_configured: None
) -> None:
    email = f"e2e-oidc-{uuid.uuid4().hex[:8]}@example.com"
    await page.goto(f"{app_url}/sign-up")
    await page.get_by_role("link", name="Sign in with Test IdP").click()
    await _log_in_at_provider(page, email)
    await expect(page.get_by_role("button", name="New event")).to_be_visible()
    await expect(page.get_by_role("tab", name="Week view")).to_be_visible()

    # Signed out and back in through the provider: the same account, still on the calendar.
    await page.goto(f"{get_config().api_url}/auth/sign-out")
    await expect(page).to_have_url(re.compile(r"/sign-in"))
    await page.get_by_role("link", name="Sign in with Test IdP").click()
    await expect(page.get_by_role("button", name="New event")).to_be_visible()


async def test_an_unverified_email_is_refused_with_a_message(
    page: Page, app_url: str, oidc_configured: None
) -> None:
    await page.goto(f"{app_url}/sign-in")
    await page.get_by_role("link", name="Sign in with Test IdP").click()
    await _log_in_at_provider(page, f"e2e-oidc-{uuid.uuid4().hex[:8]}@example.com", verified=False)
    await expect(page).to_have_url(re.compile(r"/sign-in/?\?error="))
    await expect(page.get_by_role("alert")).to_contain_text("has not verified your e-mail address")
    await expect(page.get_by_role("link", name="Sign in with Test IdP")).to_be_visible()
