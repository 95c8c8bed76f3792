"""Which providers are configured, what counts as a verified e-mail, and the token encryption format."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.backend.auth.identity_providers import (
    MICROSOFT_CONSUMERS_TENANT,
    IdentityProvider,
    IdentityProviderError,
    configured_providers,
    get_provider,
)
from scheduler_app.backend.auth.oidc_sign_in import binding_cookie_name, identity_from_claims
from scheduler_app.backend.auth.provider_tokens import ProviderTokens, decrypt_tokens, encrypt_tokens
from scheduler_app.backend.errors import NotFoundError
from scheduler_app.settings import Settings

pytestmark = pytest.mark.unit


def settings(**values: str) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_only_fully_configured_providers_are_offered() -> None:
    assert configured_providers(settings()) == []
    assert configured_providers(settings(google_client_id="g")) == []  # no secret: not offered
    everything = settings(
        google_client_id="g",
        google_client_secret="gs",
        microsoft_client_id="m",
        microsoft_client_secret="ms",
        oidc_issuer="https://sso.example.com/",
        oidc_client_id="o",
        oidc_client_secret="os",
        oidc_name="Acme SSO",
    )
    google, microsoft, oidc = configured_providers(everything)
    assert (google.key, google.label, google.issuer) == ("google", "Google", "https://accounts.google.com")
    assert microsoft.issuer == "https://login.microsoftonline.com/common/v2.0" and microsoft.multi_tenant
    assert "offline_access" in microsoft.scope
    assert (oidc.label, oidc.issuer) == ("Acme SSO", "https://sso.example.com")
    assert oidc.discovery_url == "https://sso.example.com/.well-known/openid-configuration"
    with pytest.raises(NotFoundError):
        get_provider(settings(), "google")


def test_a_single_tenant_microsoft_app_has_a_fixed_issuer() -> None:
    tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    [microsoft] = configured_providers(
        settings(microsoft_client_id="m", microsoft_client_secret="s", microsoft_tenant=tenant)
    )
    assert microsoft.issuer == f"https://login.microsoftonline.com/{tenant}/v2.0"
    assert not microsoft.multi_tenant
    microsoft.check_metadata_issuer({"issuer": microsoft.issuer})
    with pytest.raises(IdentityProviderError):
        microsoft.check_metadata_issuer({"issuer": "https://login.microsoftonline.com/other/v2.0"})


def test_discovery_must_describe_the_configured_issuer() -> None:
    [oidc] = configured_providers(
        settings(oidc_issuer="https://sso.example.com", oidc_client_id="o", oidc_client_secret="s")
    )
    oidc.check_metadata_issuer({"issuer": "https://sso.example.com/"})
    with pytest.raises(IdentityProviderError) as refused:
        oidc.check_metadata_issuer({"issuer": "https://evil.example.com"})
    assert refused.value.detail == "Sign-in with Single sign-on did not work. Please try again."


def _provider(key: str) -> IdentityProvider:
    values = {
        "google": {"google_client_id": "g", "google_client_secret": "s"},
        "microsoft": {"microsoft_client_id": "m", "microsoft_client_secret": "s"},
        "oidc": {"oidc_issuer": "https://sso.example.com", "oidc_client_id": "o", "oidc_client_secret": "s"},
    }[key]
    return get_provider(settings(**values), key)


@pytest.mark.parametrize(
    ("key", "claims", "verified"),
    [
        ("oidc", {"email_verified": True}, True),
        ("oidc", {"email_verified": "true"}, True),
        ("oidc", {"email_verified": False}, False),
        ("oidc", {}, False),
        ("google", {"email_verified": True}, True),
        ("microsoft", {}, False),
        ("microsoft", {"xms_edov": True}, True),
        ("microsoft", {"tid": MICROSOFT_CONSUMERS_TENANT}, True),
        ("microsoft", {"tid": "some-work-tenant"}, False),
    ],
)
def test_which_emails_count_as_verified(key: str, claims: dict, verified: bool) -> None:
    person = identity_from_claims(_provider(key), {"sub": "s1", "email": " Ada@Example.COM ", **claims})
    assert person.email == "ada@example.com" and person.email_verified is verified


def test_names_come_from_the_claims_and_bad_emails_are_dropped() -> None:
    provider = _provider("oidc")
    person = identity_from_claims(
        provider, {"sub": "s", "given_name": "Ada", "family_name": "Lovelace", "email": "not an email"}
    )
    assert (person.name, person.email, person.email_verified) == ("Ada Lovelace", "", False)
    assert identity_from_claims(provider, {"sub": "s", "email": "grace@example.com"}).name == "grace"
    assert len(identity_from_claims(provider, {"sub": "s", "name": "x" * 500}).name) == 100


def test_tokens_round_trip_and_each_seal_is_unique() -> None:
    tokens = ProviderTokens(
        "access", "refresh", expires_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC), scope="openid"
    )
    first, second = encrypt_tokens(tokens, "u1", "google"), encrypt_tokens(tokens, "u1", "google")
    assert first != second and first.startswith("v1.") and "access" not in first
    assert decrypt_tokens(first, "u1", "google") == tokens
    for user, provider, blob in [("u2", "google", first), ("u1", "oidc", first), ("u1", "google", "v0.abc")]:
        with pytest.raises(ValueError):
            decrypt_tokens(blob, user, provider)


def test_token_answers_keep_the_previous_refresh_token_when_none_is_sent() -> None:
    answer = ProviderTokens.from_token_response({"access_token": "a", "expires_in": 60}, "old-refresh")
    assert answer.refresh_token == "old-refresh" and answer.needs_refresh()
    rotated = ProviderTokens.from_token_response({"access_token": "a", "refresh_token": "new"}, "old")
    assert rotated.refresh_token == "new" and rotated.expires_at is None and not rotated.needs_refresh()


def test_each_sign_in_gets_its_own_binding_cookie() -> None:
    assert binding_cookie_name("state-a") != binding_cookie_name("state-b")
    assert binding_cookie_name("state-a").startswith("scheduler_oidc_")
