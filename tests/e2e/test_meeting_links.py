"""In the browser: the event form offers Google Meet once a Google account is connected, and uses it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.async_api import Page, expect

from scheduler_app.backend.auth.identity_providers import GOOGLE_CALENDAR_EVENTS_SCOPE
from scheduler_app.backend.auth.provider_tokens import ProviderTokens, sealed_fields
from scheduler_app.backend.meetings import google_meet
from scheduler_app.backend.models import IdentityDoc, utc_now
from scheduler_app.settings import get_settings
from tests.e2e.accounts import sign_up
from tests.e2e.calendar_grid import event_button, this_week_days
from tests.fakes.google_calendar import FakeGoogleCalendar
from tests.servers import ThreadedServer

pytestmark = pytest.mark.e2e


@pytest.fixture
def google(app_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogleCalendar]:
    """The fake Google Calendar API, with the app (same process) configured to use it."""
    fake = FakeGoogleCalendar()
    with ThreadedServer(fake.app) as server:
        settings = get_settings()
        monkeypatch.setattr(settings, "google_client_id", "google-client")
        monkeypatch.setattr(settings, "google_client_secret", "google-secret")
        monkeypatch.setattr(settings, "google_api_base_url", f"{server.url}/calendar/v3/")
        monkeypatch.setattr(google_meet, "POLL_INTERVAL_SECONDS", 0.05)
        yield fake


async def test_the_form_offers_google_meet_when_connected(
    page: Page, app_url: str, indexed_database, google: FakeGoogleCalendar
) -> None:
    email = await sign_up(page, app_url)
    db = indexed_database.collections()
    user = await db.users.find_one({"email": email})
    tuesday = this_week_days()[1]

    dialog = page.get_by_role("dialog")
    provider = dialog.get_by_label("Video call provider")
    await page.get_by_role("button", name="New event").click()
    await dialog.get_by_label("Add video call", exact=True).click()
    await expect(provider.locator("option")).to_have_text(["Jitsi"])  # nothing connected yet
    await dialog.get_by_role("button", name="Cancel").click()

    tokens = ProviderTokens(
        access_token=google.add_account(email),
        expires_at=utc_now().replace(year=utc_now().year + 1),
        scope=f"openid email profile {GOOGLE_CALENDAR_EVENTS_SCOPE}",
    )
    identity = IdentityDoc(
        user_id=user["_id"],
        provider="google",
        subject=uuid.uuid4().hex,
        email=email,
        email_verified=True,
        **sealed_fields(tokens, user["_id"], "google"),
    )
    await db.identities.insert_one(identity.to_mongo())

    await page.get_by_role("button", name="New event").click()
    await dialog.get_by_label("Title").fill("Meet in the browser")
    await dialog.get_by_label("Starts").fill(f"{tuesday}T10:00")
    await dialog.get_by_label("Ends", exact=True).fill(f"{tuesday}T11:00")
    await dialog.get_by_label("Add video call", exact=True).click()
    await expect(provider.locator("option")).to_have_text(["Jitsi", "Google Meet"])
    await provider.select_option(label="Google Meet")
    await dialog.get_by_role("button", name="Save").click()
    await expect(dialog).to_be_hidden()

    [carrier] = google.live_events(email)
    assert carrier["summary"] == "Meet in the browser"
    await event_button(page, "Meet in the browser").click()
    await expect(dialog.get_by_role("link", name=re.compile(r"meet\.google\.com"))).to_have_attribute(
        "href", carrier["hangoutLink"]
    )
