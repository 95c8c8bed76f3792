"""Identity providers' access and refresh tokens (for calendar sync), encrypted at rest and kept fresh.

Tokens are stored on the identity link as AES-256-GCM ciphertext under a key derived for this purpose
only, with associated data naming the user and the provider: a ciphertext copied onto another user's or
another provider's link fails to decrypt. Refreshes are serialised per link by a short lease in the
database, because providers rotate refresh tokens and a second concurrent refresh with the old one fails
(and may revoke the grant).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import os
import warnings
from dataclasses import dataclass
from typing import Any

from authlib.integrations.base_client import OAuthError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from scheduler_app.backend.auth.identity_providers import (
    IdentityProvider,
    IdentityProviderError,
    get_provider,
    provider_metadata,
)
from scheduler_app.backend.auth.keys import derive_key
from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import ConflictError, NotFoundError
from scheduler_app.backend.models import EPOCH, IdentityDoc, utc_now
from scheduler_app.settings import get_settings

with warnings.catch_warnings():
    # authlib 1.9 asks for the `httpx2` fork; the pinned httpx 0.28 is what it still runs on here.
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

KEY_PURPOSE = "provider-token-encryption"
FORMAT_VERSION = "v1"
NONCE_BYTES = 12
# Refresh when the access token has less than this left, so a caller never gets one about to expire.
REFRESH_MARGIN = dt.timedelta(minutes=2)
REFRESH_LEASE = dt.timedelta(seconds=30)
LEASE_POLL_SECONDS = 0.2


class ReconnectRequiredError(ConflictError):
    """The stored tokens can no longer be refreshed: the user must sign in with the provider again."""

    def __init__(self, label: str):
        super().__init__(f"Your {label} connection has expired. Sign in with {label} again to reconnect.")


@dataclass(frozen=True)
class ProviderTokens:
    access_token: str
    refresh_token: str | None = None
    token_type: str = "Bearer"  # noqa: S105 (a token type, not a secret)
    expires_at: dt.datetime | None = None
    scope: str = ""

    @classmethod
    def from_token_response(
        cls, token: dict[str, Any], previous_refresh_token: str | None = None
    ) -> ProviderTokens:
        """Tokens from a token endpoint answer; a provider that does not rotate keeps the old refresh token."""
        expires_at = None
        if isinstance(token.get("expires_at"), int | float):
            expires_at = dt.datetime.fromtimestamp(token["expires_at"], dt.UTC)
        elif isinstance(token.get("expires_in"), int | float):
            expires_at = utc_now() + dt.timedelta(seconds=token["expires_in"])
        return cls(
            access_token=str(token.get("access_token") or ""),
            refresh_token=token.get("refresh_token") or previous_refresh_token,
            token_type=str(token.get("token_type") or "Bearer"),
            expires_at=expires_at,
            scope=str(token.get("scope") or ""),
        )

    def needs_refresh(self, margin: dt.timedelta = REFRESH_MARGIN) -> bool:
        return self.expires_at is not None and self.expires_at - utc_now() <= margin


def _associated_data(user_id: str, provider: str) -> bytes:
    return f"scheduler:provider-tokens:{FORMAT_VERSION}:{user_id}:{provider}".encode()


def encrypt_tokens(tokens: ProviderTokens, user_id: str, provider: str) -> str:
    """`v1.<base64url(nonce || ciphertext)>`, bound to this user and provider."""
    plain = json.dumps(
        {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "token_type": tokens.token_type,
            "expires_at": tokens.expires_at.isoformat() if tokens.expires_at else None,
            "scope": tokens.scope,
        }
    ).encode()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(derive_key(KEY_PURPOSE)).encrypt(nonce, plain, _associated_data(user_id, provider))
    return f"{FORMAT_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt_tokens(blob: str, user_id: str, provider: str) -> ProviderTokens:
    """The tokens sealed by `encrypt_tokens` for this user and provider; anything else raises ValueError."""
    version, _, payload = blob.partition(".")
    if version != FORMAT_VERSION or not payload:
        raise ValueError("unknown provider token format")
    try:
        raw = base64.urlsafe_b64decode(payload.encode())
        plain = AESGCM(derive_key(KEY_PURPOSE)).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(user_id, provider)
        )
    except (InvalidTag, ValueError) as error:
        raise ValueError("provider tokens do not decrypt for this user and provider") from error
    data = json.loads(plain)
    return ProviderTokens(
        access_token=data["access_token"],
        refresh_token=data.get("refresh_token"),
        token_type=data.get("token_type") or "Bearer",
        expires_at=dt.datetime.fromisoformat(data["expires_at"]) if data.get("expires_at") else None,
        scope=data.get("scope") or "",
    )


def sealed_fields(tokens: ProviderTokens, user_id: str, provider: str) -> dict[str, Any]:
    """The identity-document fields that hold `tokens`."""
    return {"tokens": encrypt_tokens(tokens, user_id, provider), "token_expires_at": tokens.expires_at}


def previous_refresh_token(identity: IdentityDoc) -> str | None:
    """The refresh token already stored on a link, kept when a provider sends no new one."""
    if not identity.tokens:
        return None
    try:
        return decrypt_tokens(identity.tokens, identity.user_id, identity.provider).refresh_token
    except ValueError:
        return None


async def _identity_for(db: Collections, user_id: str, provider: str) -> IdentityDoc:
    document = await db.identities.find_one(
        {"user_id": user_id, "provider": provider}, sort=[("last_sign_in_at", -1)]
    )
    if document is None or not document.get("tokens"):
        raise NotFoundError("No connected account at this provider.")
    return IdentityDoc.from_mongo(document)


async def _refresh(provider: IdentityProvider, refresh_token: str) -> dict[str, Any]:
    metadata = await provider_metadata(provider)
    async with AsyncOAuth2Client(provider.client_id, provider.client_secret) as client:
        try:
            return dict(await client.refresh_token(metadata["token_endpoint"], refresh_token=refresh_token))
        except OAuthError as error:
            if error.error in {"invalid_grant", "unauthorized_client"}:
                raise ReconnectRequiredError(provider.label) from error
            raise IdentityProviderError(provider.label, f"refresh failed: {error.error}") from error
        except Exception as error:
            raise IdentityProviderError(provider.label, f"refresh failed: {error!r}") from error


async def fresh_access_token(
    db: Collections, user_id: str, provider_key: str, *, margin: dt.timedelta = REFRESH_MARGIN
) -> str:
    """A usable access token for the user's account at the provider, refreshed (and stored) if needed."""
    provider = get_provider(get_settings(), provider_key)
    deadline = utc_now() + REFRESH_LEASE + dt.timedelta(seconds=5)
    while True:
        identity = await _identity_for(db, user_id, provider_key)
        try:
            tokens = decrypt_tokens(identity.tokens, user_id, provider_key)
        except ValueError:
            raise ReconnectRequiredError(provider.label) from None
        if not tokens.needs_refresh(margin):
            return tokens.access_token
        if not tokens.refresh_token:
            raise ReconnectRequiredError(provider.label)
        now = utc_now()
        leased = await db.identities.find_one_and_update(
            {
                "_id": identity.id,
                "token_version": identity.token_version,
                "refresh_lease_until": {"$lte": now},
            },
            {"$set": {"refresh_lease_until": now + REFRESH_LEASE}},
        )
        if leased is not None:
            break
        if utc_now() > deadline:
            raise IdentityProviderError(provider.label, "token refresh lease was never released")
        await asyncio.sleep(LEASE_POLL_SECONDS)  # someone else is refreshing: use their result
    try:
        answer = await _refresh(provider, tokens.refresh_token)
    except BaseException:
        await db.identities.update_one({"_id": identity.id}, {"$set": {"refresh_lease_until": EPOCH}})
        raise
    rotated = ProviderTokens.from_token_response(answer, tokens.refresh_token)
    await db.identities.update_one(
        {"_id": identity.id},
        {
            "$set": {**sealed_fields(rotated, user_id, provider_key), "refresh_lease_until": EPOCH},
            "$inc": {"token_version": 1},
        },
    )
    return rotated.access_token
