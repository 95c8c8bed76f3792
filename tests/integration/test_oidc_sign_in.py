"""Sign-in with an OpenID Connect provider, end to end over HTTP against the real `oidc-provider`."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterator

import httpx
import pytest

from scheduler_app.backend.auth.identity_providers import IdentityProviderError, get_provider, metadata_cache
from scheduler_app.backend.auth.oidc_sign_in import begin_sign_in, exchange_code, redeem_state
from scheduler_app.backend.auth.service import sign_up, token_digest
from scheduler_app.backend.db import Collections
from scheduler_app.backend.models import IdentityDoc, OAuthStateDoc
from scheduler_app.settings import get_settings
from tests.conftest import unique_email
from tests.integration.api_helpers import cheap_password_hashing  # noqa: F401 (autouse fixture)
from tests.oidc_server import OidcProviderServer, ProviderLogin, app_callback_path, authorize, callback_query

pytestmark = pytest.mark.integration


@pytest.fixture
def provider_configured(oidc_provider: OidcProviderServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the app's generic OIDC settings at the test provider."""
    settings = get_settings()
    monkeypatch.setattr(settings, "oidc_issuer", oidc_provider.issuer)
    monkeypatch.setattr(settings, "oidc_client_id", oidc_provider.client_id)
    monkeypatch.setattr(settings, "oidc_client_secret", oidc_provider.client_secret)
    monkeypatch.setattr(settings, "oidc_name", "Test IdP")
    metadata_cache().clear()
    yield
    metadata_cache().clear()


@pytest.fixture
def browser(api_url: str) -> Iterator[httpx.Client]:
    """The app's side of a browser: its cookie jar, redirects not followed."""
    with httpx.Client(base_url=api_url, timeout=30) as client:
        yield client


SignInThrough = Callable[..., httpx.Response]


@pytest.fixture
def sign_in_through_provider(
    provider_configured: None, oidc_provider: OidcProviderServer, browser: httpx.Client
) -> SignInThrough:
    """Start at /auth/login/oidc, log in at the provider, and return the app's answer to the callback."""

    def run(login: ProviderLogin, next_path: str = "/", client: httpx.Client | None = None) -> httpx.Response:
        client = client or browser
        started = client.get("/auth/login/oidc", params={"next": next_path})
        assert started.status_code == 303, started.text
        assert started.headers["location"].startswith(oidc_provider.issuer)
        callback = authorize(oidc_provider, started.headers["location"], login)
        return client.get(app_callback_path(callback))

    return run


def error_of(response: httpx.Response) -> str:
    """The message the sign-in page will show, from a redirect to it."""
    assert response.status_code == 303
    location = urllib.parse.urlsplit(response.headers["location"])
    assert location.path.endswith("/sign-in"), response.headers["location"]
    return urllib.parse.parse_qs(location.query)["error"][0]


def assert_signed_in(response: httpx.Response, client: httpx.Client, path: str = "/") -> None:
    assert response.status_code == 303, response.text
    assert urllib.parse.urlsplit(response.headers["location"]).path == path
    cookie = get_settings().session_cookie_name
    assert cookie in response.headers.get("set-cookie", "")
    assert client.get("/api/v1/calendars").status_code == 200


async def identities_of(db: Collections, user_id: str) -> list[IdentityDoc]:
    return [IdentityDoc.from_mongo(doc) async for doc in db.identities.find({"user_id": user_id})]


async def test_first_sign_in_creates_the_account_and_the_next_one_signs_in(
    db: Collections, sign_in_through_provider: SignInThrough, browser: httpx.Client
) -> None:
    email = unique_email("oidc-new")
    response = sign_in_through_provider(
        ProviderLogin(email=email, name="Ada Lovelace"), next_path="/settings"
    )
    assert_signed_in(response, browser, "/settings")

    user = await db.users.find_one({"email": email})
    assert user is not None and user["name"] == "Ada Lovelace" and user["password_hash"] == ""
    assert await db.calendars.find_one({"owner_id": user["_id"], "is_default": True}) is not None
    [identity] = await identities_of(db, user["_id"])
    assert identity.provider == "oidc" and identity.email == email and identity.email_verified
    actions = [entry["action"] async for entry in db.audit_log.find({"actor_id": user["_id"]})]
    assert "auth.sign_up" in actions and "auth.sign_in" in actions

    with httpx.Client(base_url=str(browser.base_url), timeout=30) as other_browser:
        again = sign_in_through_provider(ProviderLogin(email=email), client=other_browser)
        assert_signed_in(again, other_browser)
    assert await db.users.count_documents({"email": email}) == 1
    assert len(await identities_of(db, user["_id"])) == 1


async def test_a_verified_email_links_to_the_existing_account(
    db: Collections, sign_in_through_provider: SignInThrough, browser: httpx.Client
) -> None:
    email = unique_email("oidc-link")
    existing = await sign_up(db, email, "Grace Hopper", "correct horse battery")
    response = sign_in_through_provider(ProviderLogin(email=email.upper(), subject=f"s-{existing.id}"))
    assert_signed_in(response, browser)
    [identity] = await identities_of(db, existing.id)
    assert identity.subject == f"s-{existing.id}"
    assert await db.users.count_documents({"email": email}) == 1
    assert await db.audit_log.find_one({"action": "auth.identity_linked", "actor_id": existing.id})


async def test_an_unverified_email_never_links_nor_creates(
    db: Collections, sign_in_through_provider: SignInThrough, browser: httpx.Client
) -> None:
    email = unique_email("oidc-unverified")
    existing = await sign_up(db, email, "Grace Hopper", "correct horse battery")
    response = sign_in_through_provider(ProviderLogin(email=email, email_verified=False))
    assert "not verified" in error_of(response)
    assert get_settings().session_cookie_name not in response.headers.get("set-cookie", "")
    assert await identities_of(db, existing.id) == []

    stranger = unique_email("oidc-unverified-new")
    response = sign_in_through_provider(ProviderLogin(email=stranger, email_verified=False))
    assert "not verified" in error_of(response)
    assert await db.users.find_one({"email": stranger}) is None
    assert await db.identities.find_one({"email": stranger}) is None
    assert await db.audit_log.find_one({"action": "auth.sign_in_failed", "details.method": "oidc"})


async def test_a_disabled_account_is_refused(
    db: Collections, sign_in_through_provider: SignInThrough, browser: httpx.Client
) -> None:
    email = unique_email("oidc-disabled")
    assert_signed_in(sign_in_through_provider(ProviderLogin(email=email)), browser)
    await db.users.update_one({"email": email}, {"$set": {"disabled": True}})
    with httpx.Client(base_url=str(browser.base_url), timeout=30) as other_browser:
        response = sign_in_through_provider(ProviderLogin(email=email), client=other_browser)
    assert error_of(response) == "This account is disabled."

    # Nor does a disabled password account get linked.
    other = unique_email("oidc-disabled-link")
    user = await sign_up(db, other, "Disabled", "correct horse battery")
    await db.users.update_one({"_id": user.id}, {"$set": {"disabled": True}})
    with httpx.Client(base_url=str(browser.base_url), timeout=30) as third_browser:
        response = sign_in_through_provider(ProviderLogin(email=other), client=third_browser)
    assert error_of(response) == "This account is disabled."
    assert await identities_of(db, user.id) == []


async def test_a_wrong_or_replayed_state_is_refused(
    provider_configured: None, oidc_provider: OidcProviderServer, browser: httpx.Client, db: Collections
) -> None:
    started = browser.get("/auth/login/oidc")
    callback = authorize(oidc_provider, started.headers["location"], ProviderLogin(email=unique_email()))
    query = callback_query(callback)

    forged = browser.get("/auth/callback/oidc", params={**query, "state": "not-the-state"})
    assert "expired or was already used" in error_of(forged)

    good = browser.get(app_callback_path(callback))
    assert_signed_in(good, browser)
    replayed = browser.get(app_callback_path(callback))
    assert "expired or was already used" in error_of(replayed)


async def test_a_callback_in_another_browser_is_refused(
    provider_configured: None, oidc_provider: OidcProviderServer, browser: httpx.Client, api_url: str
) -> None:
    started = browser.get("/auth/login/oidc")
    callback = authorize(oidc_provider, started.headers["location"], ProviderLogin(email=unique_email()))
    with httpx.Client(base_url=api_url, timeout=30) as victim:
        response = victim.get(app_callback_path(callback))
    assert "another browser" in error_of(response)
    assert get_settings().session_cookie_name not in response.headers.get("set-cookie", "")


async def test_provider_errors_and_unknown_providers_go_back_with_a_message(
    provider_configured: None, browser: httpx.Client, db: Collections
) -> None:
    started = browser.get("/auth/login/oidc")
    state = callback_query(started.headers["location"])["state"]
    cancelled = browser.get("/auth/callback/oidc", params={"error": "access_denied", "state": state})
    assert error_of(cancelled) == "Signing in with Test IdP was cancelled."
    assert await db.oauth_states.find_one({"_id": token_digest(state)}) is None  # that attempt is over

    assert error_of(browser.get("/auth/login/google")) == "This sign-in method is not available."
    assert (
        error_of(browser.get("/auth/callback/unknown?code=x&state=y"))
        == "This sign-in method is not available."
    )


async def test_next_path_stays_on_this_site(
    sign_in_through_provider: SignInThrough, browser: httpx.Client
) -> None:
    response = sign_in_through_provider(ProviderLogin(email=unique_email()), next_path="//evil.example/")
    assert_signed_in(response, browser, "/")


async def _pending_code(db: Collections, oidc_provider: OidcProviderServer) -> tuple[OAuthStateDoc, str]:
    """A pending sign-in (as the app stores it) and a fresh authorization code for it."""
    provider = get_provider(get_settings(), "oidc")
    redirect_uri = f"{get_settings().app_url.rstrip('/')}/auth/callback/oidc"
    start = await begin_sign_in(db, provider, redirect_uri)
    callback = authorize(oidc_provider, start.authorization_url, ProviderLogin(email=unique_email()))
    query = callback_query(callback)
    pending = await redeem_state(db, provider, query["state"], start.browser_binding)
    return pending, query["code"]


async def test_a_replayed_authorization_code_is_refused(
    provider_configured: None, oidc_provider: OidcProviderServer, db: Collections
) -> None:
    provider = get_provider(get_settings(), "oidc")
    pending, code = await _pending_code(db, oidc_provider)
    token = await exchange_code(provider, pending, code, pending.code_verifier)
    assert token["access_token"] and token["id_token"]
    with pytest.raises(IdentityProviderError) as replay:
        await exchange_code(provider, pending, code, pending.code_verifier)
    assert "invalid_grant" in replay.value.reason
    assert replay.value.detail == "Sign-in with Test IdP did not work. Please try again."


@pytest.mark.parametrize("verifier", [None, "a-wrong-verifier-" + "x" * 40])
async def test_a_missing_or_wrong_pkce_verifier_is_refused(
    provider_configured: None, oidc_provider: OidcProviderServer, db: Collections, verifier: str | None
) -> None:
    provider = get_provider(get_settings(), "oidc")
    pending, code = await _pending_code(db, oidc_provider)
    with pytest.raises(IdentityProviderError) as refused:
        await exchange_code(provider, pending, code, verifier)
    assert refused.value.reason == "token exchange refused: invalid_grant"
    # Only the verifier was wrong: with the right one the very same code works.
    token = await exchange_code(provider, pending, code, pending.code_verifier)
    assert token["access_token"]


async def test_the_authorization_request_uses_pkce_s256_state_and_nonce(
    provider_configured: None, browser: httpx.Client, db: Collections
) -> None:
    started = browser.get("/auth/login/oidc")
    query = callback_query(started.headers["location"])
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["response_type"] == "code" and "openid" in query["scope"].split()
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["redirect_uri"].endswith("/auth/callback/oidc")
    cookie = next(c for c in browser.cookies.jar if c.name.startswith("scheduler_oidc_"))
    assert cookie.path == "/auth/callback/oidc"
    assert "httponly" in started.headers["set-cookie"].lower()
