"""The app's own pages run under its Content-Security-Policy with zero violations, in Chromium.

Under the test harness the compiled pages come from a separate static server without our headers
(in production the backend serves them through the security-headers middleware). So the same
compiled pages are also served here through the real middleware, on 127.0.0.1, and visited there.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.async_api import BrowserContext, Page, Route, expect
from reflex.config import get_config
from reflex.utils.exec import _frontend_prod_app

from scheduler_app.backend.api.security_headers import SecurityHeadersMiddleware, content_security_policy
from tests.e2e.accounts import sign_up
from tests.servers import ThreadedServer

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def backend_url() -> str:
    return (get_config().api_url or "").rstrip("/")


@pytest.fixture(scope="module")
def guarded_pages(app_url: str) -> Iterator[str]:
    """The compiled pages behind the app's security-headers middleware (as `api_transformer` wraps them)."""
    backend = backend_url()  # read here: the server thread does not see the harness's config
    with ThreadedServer(SecurityHeadersMiddleware(_frontend_prod_app(), api_url=lambda: backend)) as server:
        yield server.url


async def watch_for_violations(context: BrowserContext) -> list[str]:
    """Record CSP violations in every page; returns the console's CSP complaints as they come."""
    await context.add_init_script(RECORD_VIOLATIONS)
    complaints: list[str] = []
    context.on(
        "console",
        lambda message: (
            complaints.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return complaints


async def violations(page: Page) -> list[str]:
    return await page.evaluate("window.__cspViolations")


async def test_pages_load_without_csp_violations(
    context: BrowserContext, page: Page, app_url: str, guarded_pages: str
) -> None:
    complaints = await watch_for_violations(context)
    response = await page.goto(f"{guarded_pages}/sign-in")
    assert response is not None
    policy = (await response.all_headers())["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "'sha256-" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    await page.wait_for_load_state("networkidle")
    assert await violations(page) == []

    # The session cookie is per host, not per port: signing up on the harness's pages signs us in here.
    await sign_up(page, app_url)
    pages = [
        ("/", page.get_by_role("button", name="New event")),
        ("/find-a-time", page.get_by_role("heading", name="Find a time", level=1)),
        ("/settings", page.get_by_role("heading", name="Settings", level=1)),
        ("/settings/api-tokens", page.get_by_role("heading", name="API tokens", level=1)),
    ]
    for path, landmark in pages:
        await page.goto(f"{guarded_pages}{path}")
        await expect(landmark).to_be_visible()
        await page.wait_for_load_state("networkidle")
        assert await violations(page) == [], path
    # Interaction runs Reflex's event loop over the socket and its `call_script` (eval).
    await page.goto(f"{guarded_pages}/")
    await page.get_by_role("button", name="New event").click()
    await expect(page.get_by_role("dialog")).to_be_visible()
    await page.keyboard.press("Escape")
    await page.get_by_role("tab", name="Month view").click()
    await page.wait_for_load_state("networkidle")
    assert await violations(page) == []
    assert complaints == []


async def test_a_stricter_policy_would_be_caught(
    context: BrowserContext, page: Page, guarded_pages: str
) -> None:
    """The check above can fail: without inline scripts allowed the same page reports violations."""
    # No inline script allowed at all (no hashes, no 'unsafe-inline').
    strict = content_security_policy(guarded_pages, backend_url(), script_hashes=())

    async def stricter(route: Route) -> None:
        response = await route.fetch()
        await route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": strict}
        )

    await context.route(f"{guarded_pages}/sign-in", stricter)
    await watch_for_violations(context)
    await page.goto(f"{guarded_pages}/sign-in")
    await page.wait_for_function("window.__cspViolations.length > 0")
    assert any("script-src" in item for item in await violations(page))


def test_backend_responses_carry_the_headers(app_url: str) -> None:
    """The real app's middleware (its `api_transformer`) guards what the backend serves."""
    response = httpx.get(f"{backend_url()}/api/health", timeout=30)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in response.headers
