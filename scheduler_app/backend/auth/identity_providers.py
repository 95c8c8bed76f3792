"""The configured identity providers (Google, Microsoft, any OpenID Connect issuer) and their metadata.

A provider is configured when its client id and secret are set. Discovery documents and key sets are
fetched over HTTPS and cached per process, so a sign-in costs no extra round trips once warm; a key set is
fetched again when a token names a key id we have not seen (the provider rotated its keys).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from scheduler_app.backend.errors import DomainError, NotFoundError
from scheduler_app.settings import Settings

GOOGLE_ISSUER = "https://accounts.google.com"
MICROSOFT_AUTHORITY = "https://login.microsoftonline.com"
# Microsoft's multi-tenant metadata names this placeholder instead of a tenant id in `issuer`.
TENANT_PLACEHOLDER = "{tenantid}"
# The tenant of personal Microsoft accounts, whose e-mail addresses Microsoft has verified.
MICROSOFT_CONSUMERS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
PROVIDER_KEYS = ("google", "microsoft", "oidc")
# Asked at sign-in so that meeting links (and later calendar sync) can act for the user.
GOOGLE_CALENDAR_EVENTS_SCOPE = "https://www.googleapis.com/auth/calendar.events"
# Teams links are made as calendar events: unlike OnlineMeetings.ReadWrite, personal accounts support it.
MICROSOFT_CALENDARS_SCOPE = "Calendars.ReadWrite"

METADATA_TTL = 3600.0
# A token with an unknown key id may make us re-fetch the key set, but not more often than this.
JWKS_MIN_REFRESH_INTERVAL = 10.0
HTTP_TIMEOUT = httpx.Timeout(10.0)


class IdentityProviderError(DomainError):
    """The provider failed or answered something we cannot trust; `reason` is for logs and audit only."""

    def __init__(self, label: str, reason: str):
        super().__init__(f"Sign-in with {label} did not work. Please try again.", 502, "Bad gateway")
        self.reason = reason


@dataclass(frozen=True)
class IdentityProvider:
    """One configured provider: how to reach it and how to check what it says."""

    key: str
    label: str
    client_id: str
    client_secret: str
    issuer: str
    scope: str
    # Extra authorization request parameters (e.g. Google's access_type=offline for a refresh token).
    authorize_params: tuple[tuple[str, str], ...] = ()
    # Google's tokens may also name the issuer without its scheme.
    issuer_aliases: tuple[str, ...] = ()
    # Microsoft's multi-tenant endpoints: the issuer depends on the tenant (`tid`) of each token.
    multi_tenant: bool = False

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def accepted_issuers(self, metadata_issuer: str, claims: dict[str, Any]) -> list[str]:
        """The `iss` values a token of this provider may carry (Microsoft: per its tenant)."""
        if TENANT_PLACEHOLDER in metadata_issuer:
            tenant = claims.get("tid")
            if not self.multi_tenant or not isinstance(tenant, str) or not tenant:
                return []
            return [metadata_issuer.replace(TENANT_PLACEHOLDER, tenant)]
        return [metadata_issuer, *self.issuer_aliases]

    def check_metadata_issuer(self, metadata: dict[str, Any]) -> None:
        """Discovery must describe the issuer we configured (OpenID Discovery 1.0, section 4.3)."""
        found = str(metadata.get("issuer", "")).rstrip("/")
        expected = self.issuer.rstrip("/")
        ok = found.startswith(MICROSOFT_AUTHORITY + "/") if self.multi_tenant else found == expected
        if not ok:
            raise IdentityProviderError(self.label, f"discovery issuer {found!r} is not {expected!r}")


def configured_providers(settings: Settings) -> list[IdentityProvider]:
    """Every provider whose client id and secret are set, in button order."""
    providers: list[IdentityProvider] = []
    if settings.google_client_id and settings.google_client_secret:
        providers.append(
            IdentityProvider(
                key="google",
                label="Google",
                client_id=settings.google_client_id,
                client_secret=settings.google_client_secret,
                issuer=GOOGLE_ISSUER,
                scope=f"openid email profile {GOOGLE_CALENDAR_EVENTS_SCOPE}",
                authorize_params=(("access_type", "offline"), ("include_granted_scopes", "true")),
                issuer_aliases=("accounts.google.com",),
            )
        )
    if settings.microsoft_client_id and settings.microsoft_client_secret:
        tenant = settings.microsoft_tenant.strip() or "common"
        providers.append(
            IdentityProvider(
                key="microsoft",
                label="Microsoft",
                client_id=settings.microsoft_client_id,
                client_secret=settings.microsoft_client_secret,
                issuer=f"{MICROSOFT_AUTHORITY}/{tenant}/v2.0",
                scope=f"openid email profile offline_access {MICROSOFT_CALENDARS_SCOPE}",
                multi_tenant=tenant in {"common", "organizations", "consumers"},
            )
        )
    if settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret:
        providers.append(
            IdentityProvider(
                key="oidc",
                label=settings.oidc_name.strip() or "Single sign-on",
                client_id=settings.oidc_client_id,
                client_secret=settings.oidc_client_secret,
                issuer=settings.oidc_issuer.rstrip("/"),
                scope="openid email profile offline_access",
            )
        )
    return providers


def get_provider(settings: Settings, key: str) -> IdentityProvider:
    """The configured provider called `key`; unknown or unconfigured ones are 404."""
    for provider in configured_providers(settings):
        if provider.key == key:
            return provider
    raise NotFoundError("This sign-in method is not available.")


@dataclass
class _Cached:
    value: dict[str, Any]
    fetched_at: float


@dataclass
class MetadataCache:
    """Discovery documents and key sets per URL, shared by every request of the process."""

    ttl: float = METADATA_TTL
    _entries: dict[str, _Cached] = field(default_factory=dict)

    def clear(self) -> None:
        self._entries.clear()

    async def get(self, url: str, label: str, *, max_age: float | None = None) -> dict[str, Any]:
        """The document at `url`, fetched when missing or older than `max_age` seconds.

        No lock: the app runs several event loops, and a duplicate fetch on a cold cache is harmless.
        """
        max_age = self.ttl if max_age is None else max_age
        cached = self._entries.get(url)
        if cached and time.monotonic() - cached.fetched_at < max_age:
            return cached.value
        value = await _fetch_json(url, label)
        self._entries[url] = _Cached(value, time.monotonic())
        return value


async def _fetch_json(url: str, label: str) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
            response = await client.get(url, headers={"accept": "application/json"})
            response.raise_for_status()
            value = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise IdentityProviderError(label, f"fetching {url} failed: {error!r}") from error
    if not isinstance(value, dict):
        raise IdentityProviderError(label, f"{url} did not answer a JSON object")
    return value


_cache = MetadataCache()


def metadata_cache() -> MetadataCache:
    """The process-wide cache (tests clear it between providers)."""
    return _cache


async def provider_metadata(provider: IdentityProvider) -> dict[str, Any]:
    """The provider's discovery document, checked to describe the configured issuer."""
    metadata = await _cache.get(provider.discovery_url, provider.label)
    provider.check_metadata_issuer(metadata)
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(endpoint), str):
            raise IdentityProviderError(provider.label, f"discovery lacks {endpoint}")
    return metadata


async def provider_jwks(provider: IdentityProvider, *, refresh: bool = False) -> dict[str, Any]:
    """The provider's signing keys; `refresh` re-fetches them (unless fetched a moment ago)."""
    metadata = await provider_metadata(provider)
    max_age = JWKS_MIN_REFRESH_INTERVAL if refresh else None
    return await _cache.get(metadata["jwks_uri"], provider.label, max_age=max_age)
