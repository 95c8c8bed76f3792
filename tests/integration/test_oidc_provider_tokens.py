"""Provider tokens from a real OIDC sign-in: encrypted at rest, refreshed (and rotated) before expiry."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import httpx
import pytest

from scheduler_app.backend.auth.identity_providers import get_provider
from scheduler_app.backend.auth.provider_tokens import (
    ReconnectRequiredError,
    _refresh,
    decrypt_tokens,
    fresh_access_token,
    sealed_fields,
)
from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import NotFoundError
from scheduler_app.backend.models import IdentityDoc, utc_now
from scheduler_app.settings import get_settings
from tests.conftest import unique_email
from tests.integration import test_oidc_sign_in as sign_in_tests
from tests.integration.api_helpers import cheap_password_hashing  # noqa: F401 (autouse fixture)
from tests.integration.test_oidc_sign_in import SignInThrough, assert_signed_in
from tests.oidc_server import OidcProviderServer, ProviderLogin

pytestmark = pytest.mark.integration

# The sign-in tests' fixtures: a browser's cookie jar and a sign-in through the real provider.
provider_configured = sign_in_tests.provider_configured
browser = sign_in_tests.browser
sign_in_through_provider = sign_in_tests.sign_in_through_provider


async def _signed_in_identity(
    db: Collections, sign_in_through_provider: SignInThrough, browser: httpx.Client
) -> IdentityDoc:
    email = unique_email("oidc-tokens")
    assert_signed_in(sign_in_through_provider(ProviderLogin(email=email)), browser)
    user = await db.users.find_one({"email": email})
    assert user is not None
    document = await db.identities.find_one({"user_id": user["_id"], "provider": "oidc"})
    assert document is not None
    return IdentityDoc.from_mongo(document)


def _userinfo(oidc_provider: OidcProviderServer, access_token: str) -> httpx.Response:
    discovery = httpx.get(f"{oidc_provider.issuer}/.well-known/openid-configuration").json()
    return httpx.get(discovery["userinfo_endpoint"], headers={"authorization": f"Bearer {access_token}"})


async def test_tokens_are_encrypted_at_rest_and_bound_to_user_and_provider(
    db: Collections, sign_in_through_provider: SignInThrough, browser: httpx.Client
) -> None:
    identity = await _signed_in_identity(db, sign_in_through_provider, browser)
    raw = await db.identities.find_one({"_id": identity.id})
    assert raw is not None and raw["tokens"].startswith("v1.")
    tokens = decrypt_tokens(identity.tokens, identity.user_id, "oidc")
    assert tokens.access_token and tokens.refresh_token
    assert tokens.access_token not in str(raw) and tokens.refresh_token not in str(raw)
    assert identity.token_expires_at is not None and identity.token_expires_at > utc_now()
    with pytest.raises(ValueError):
        decrypt_tokens(identity.tokens, "someone-else", "oidc")
    with pytest.raises(ValueError):
        decrypt_tokens(identity.tokens, identity.user_id, "google")
    tampered = identity.tokens[:-6] + ("AAAAAA" if not identity.tokens.endswith("AAAAAA") else "BBBBBB")
    with pytest.raises(ValueError):
        decrypt_tokens(tampered, identity.user_id, "oidc")


async def test_a_fresh_token_is_returned_and_a_stale_one_refreshed_and_rotated(
    db: Collections,
    sign_in_through_provider: SignInThrough,
    browser: httpx.Client,
    oidc_provider: OidcProviderServer,
) -> None:
    identity = await _signed_in_identity(db, sign_in_through_provider, browser)
    before = decrypt_tokens(identity.tokens, identity.user_id, "oidc")
    assert await fresh_access_token(db, identity.user_id, "oidc") == before.access_token

    # With a day's margin, the one-hour token counts as about to expire: it is refreshed.
    refreshed = await fresh_access_token(db, identity.user_id, "oidc", margin=dt.timedelta(days=1))
    assert refreshed != before.access_token
    after = IdentityDoc.from_mongo(await db.identities.find_one({"_id": identity.id}))
    stored = decrypt_tokens(after.tokens, identity.user_id, "oidc")
    assert stored.access_token == refreshed
    assert stored.refresh_token and stored.refresh_token != before.refresh_token
    assert after.token_version == identity.token_version + 1
    userinfo = _userinfo(oidc_provider, refreshed)
    assert userinfo.status_code == 200 and userinfo.json()["sub"] == identity.subject

    # The provider rotated the refresh token: the old one is spent.
    provider = get_provider(get_settings(), "oidc")
    assert before.refresh_token is not None
    with pytest.raises(ReconnectRequiredError):
        await _refresh(provider, before.refresh_token)


async def test_concurrent_callers_share_one_refresh(
    db: Collections, sign_in_through_provider: SignInThrough, browser: httpx.Client
) -> None:
    identity = await _signed_in_identity(db, sign_in_through_provider, browser)
    tokens = decrypt_tokens(identity.tokens, identity.user_id, "oidc")
    expired = dataclasses.replace(tokens, expires_at=utc_now() - dt.timedelta(minutes=1))
    await db.identities.update_one(
        {"_id": identity.id}, {"$set": sealed_fields(expired, identity.user_id, "oidc")}
    )
    results = await asyncio.gather(*(fresh_access_token(db, identity.user_id, "oidc") for _ in range(4)))
    assert len(set(results)) == 1 and results[0] != tokens.access_token
    after = await db.identities.find_one({"_id": identity.id})
    assert after is not None and after["token_version"] == identity.token_version + 1


async def test_without_a_refresh_token_the_user_must_reconnect(
    db: Collections, sign_in_through_provider: SignInThrough, browser: httpx.Client
) -> None:
    identity = await _signed_in_identity(db, sign_in_through_provider, browser)
    tokens = decrypt_tokens(identity.tokens, identity.user_id, "oidc")
    stale = dataclasses.replace(tokens, refresh_token=None, expires_at=utc_now())
    await db.identities.update_one(
        {"_id": identity.id}, {"$set": sealed_fields(stale, identity.user_id, "oidc")}
    )
    with pytest.raises(ReconnectRequiredError) as reconnect:
        await fresh_access_token(db, identity.user_id, "oidc")
    assert "Sign in with Test IdP again" in reconnect.value.detail
    with pytest.raises(NotFoundError):
        await fresh_access_token(db, "nobody", "oidc")
