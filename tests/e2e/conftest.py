"""The real app in production mode (AppHarnessProd) and headless Chromium driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright

from scheduler_app.backend.db import Database
from scheduler_app.settings import get_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def app_url(mongo_uri: str, indexed_database: Database) -> Iterator[str]:
    """The app's URL: E2E_BASE_URL when given (a running `make run`), else a fresh AppHarnessProd."""
    if external := os.environ.get("E2E_BASE_URL"):
        yield external.rstrip("/")
        return
    from reflex.testing import AppHarnessProd

    os.environ["MONGODB_URI"] = mongo_uri
    os.environ["MONGODB_DATABASE"] = indexed_database.name  # the same database the other tests use
    get_settings.cache_clear()
    with AppHarnessProd.create(root=PROJECT_ROOT, app_name="scheduler_app") as harness:
        assert harness.frontend_url is not None
        yield harness.frontend_url.rstrip("/")
    os.environ.pop("MONGODB_URI", None)
    os.environ.pop("MONGODB_DATABASE", None)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
async def playwright_instance() -> AsyncIterator[Playwright]:
    async with async_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
async def browser(playwright_instance: Playwright) -> AsyncIterator[Browser]:
    browser = await playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    await browser.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, timezone_id="Europe/Berlin")
    context.set_default_timeout(15_000)
    yield context
    await context.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()
