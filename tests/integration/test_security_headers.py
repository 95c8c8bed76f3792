"""Security headers on API responses of every kind, served through the same middleware the app uses."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scheduler_app.backend.api.app import create_api
from scheduler_app.backend.api.security_headers import (
    SecurityHeadersMiddleware,
    content_security_policy,
    inline_script_hashes,
    page_script_hashes,
)
from scheduler_app.backend.db import Database
from scheduler_app.settings import get_settings
from tests.integration.api_helpers import cheap_password_hashing  # noqa: F401  (fixture)
from tests.integration.conftest import SignIn
from tests.servers import ThreadedServer

pytestmark = pytest.mark.integration

BACKEND = "http://127.0.0.1:8123"


@pytest.fixture(scope="module")
def guarded_url(indexed_database: Database) -> Iterator[str]:
    """The REST app wrapped in the security-headers middleware, as `api_transformer` wraps it."""
    guarded = SecurityHeadersMiddleware(create_api(), api_url=lambda: BACKEND, pages_dir=lambda: None)
    with ThreadedServer(guarded) as server:
        yield server.url


@pytest.fixture
def https_app_url() -> Iterator[str]:
    settings = get_settings()
    previous = settings.app_url
    settings.app_url = "https://calendar.example.com"
    try:
        yield settings.app_url
    finally:
        settings.app_url = previous


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_guarded(response: httpx.Response) -> dict[str, list[str]]:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    policy = directives(headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert all("*" not in value for values in policy.values() for value in values), policy
    return policy


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/health", 200),
        ("GET", "/metrics", 200),
        ("GET", "/api/v1/calendars", 401),
        ("GET", "/api/v1/no-such-route", 404),
        ("POST", "/api/v1/auth/token", 400),
        ("GET", "/api/v1/openapi.json", 200),
        ("GET", "/auth/sign-out", 303),
    ],
)
def test_every_kind_of_response_is_guarded(guarded_url: str, method: str, path: str, status: int) -> None:
    with httpx.Client(base_url=guarded_url, timeout=30) as client:
        response = client.request(method, path, follow_redirects=False)
    assert response.status_code == status, response.text
    assert_guarded(response)
    assert "strict-transport-security" not in response.headers  # APP_URL is plain http here


async def test_signed_in_responses_are_guarded(guarded_url: str, sign_in: SignIn) -> None:
    owner = await sign_in()
    owner.base_url = httpx.URL(guarded_url)
    response = owner.get("/api/v1/calendars")
    assert response.status_code == 200, response.text
    policy = assert_guarded(response)
    # The page's socket and API calls go to the backend's own origin, over HTTP and WebSocket.
    assert {BACKEND, "ws://127.0.0.1:8123"} <= set(policy["connect-src"])


def test_hsts_only_behind_https(guarded_url: str, https_app_url: str) -> None:
    with httpx.Client(base_url=guarded_url, timeout=30) as client:
        response = client.get("/api/health")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")
    policy = assert_guarded(response)
    assert "wss://calendar.example.com" in policy["connect-src"]
    assert "upgrade-insecure-requests" in policy


def test_interactive_docs_may_load_swagger_ui(guarded_url: str) -> None:
    with httpx.Client(base_url=guarded_url, timeout=30) as client:
        docs = client.get("/api/v1/docs")
        json_api = client.get("/api/health")
    assert docs.status_code == 200
    assert "https://cdn.jsdelivr.net" in directives(docs.headers["content-security-policy"])["script-src"]
    assert "https://cdn.jsdelivr.net" not in json_api.headers["content-security-policy"]


def test_policy_allows_only_what_the_pages_need() -> None:
    hashes = ("'sha256-AAAA'", "'sha256-BBBB'")
    policy = directives(content_security_policy("http://127.0.0.1:3000", script_hashes=hashes))
    assert policy["connect-src"] == ["'self'", "http://127.0.0.1:3000", "ws://127.0.0.1:3000"]
    assert policy["script-src"] == ["'self'", *hashes, "'unsafe-eval'"]
    assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'self'"]
    assert "upgrade-insecure-requests" not in policy
    # Without compiled pages to read hashes from, inline scripts are allowed wholesale.
    fallback = directives(content_security_policy("http://127.0.0.1:3000"))
    assert fallback["script-src"] == ["'self'", "'unsafe-inline'", "'unsafe-eval'"]


def test_inline_scripts_of_the_compiled_pages_are_hashed(tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    (tmp_path / "index.html").write_text(
        '<html><script>window.a = 1;</script><script src="/x.js"></script>'
        '<script type="module" async="">import("/y.js")</script></html>'
    )
    (tmp_path / "nested" / "page.html").write_text("<script>window.a = 1;</script><script></script>")
    expected = {
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in ("window.a = 1;", 'import("/y.js")')
    }
    assert set(inline_script_hashes(tmp_path)) == expected
    assert page_script_hashes(tmp_path) == inline_script_hashes(tmp_path)
    assert page_script_hashes(tmp_path / "missing") is None
    assert page_script_hashes(None) is None
