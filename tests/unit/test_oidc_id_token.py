"""ID token verification with keys made in the test: signature, issuer, audience, expiry, nonce."""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError
from joserfc.jwk import OctKey, RSAKey

from scheduler_app.backend.auth.identity_providers import IdentityProvider
from scheduler_app.backend.auth.oidc_sign_in import InvalidIdTokenError, verify_id_token

pytestmark = pytest.mark.unit

ISSUER = "https://idp.example.com"
CLIENT_ID = "scheduler"
NONCE = "n-0S6_WzA2Mj"
KEY = RSAKey.generate_key(2048, parameters={"kid": "key-1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "key-1"})  # same kid, different key
JWKS = {"keys": [KEY.as_dict(private=False)]}


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"iss": ISSUER, "sub": "user-1", "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": NONCE}
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def sign(payload: dict[str, Any], key: Any = KEY, header: dict[str, Any] | None = None) -> str:
    return jwt.encode(header or {"alg": "RS256", "kid": "key-1"}, payload, key)


def verify(
    token: str, *, issuers: list[str] | None = None, nonce: str = NONCE, **kwargs: Any
) -> dict[str, Any]:
    return verify_id_token(
        token,
        jwks=kwargs.pop("jwks", JWKS),
        client_id=CLIENT_ID,
        accepted_issuers=lambda _claims: issuers if issuers is not None else [ISSUER],
        nonce=nonce,
        **kwargs,
    )


def test_a_good_token_verifies() -> None:
    verified = verify(sign(claims(email="ada@example.com")))
    assert verified["sub"] == "user-1" and verified["email"] == "ada@example.com"


def test_a_token_in_a_list_audience_with_azp_verifies() -> None:
    assert verify(sign(claims(aud=[CLIENT_ID, "other"], azp=CLIENT_ID)))["sub"] == "user-1"


def test_a_bad_signature_is_refused() -> None:
    with pytest.raises(InvalidIdTokenError):
        verify(sign(claims(), key=OTHER_KEY))
    header, _, signature = sign(claims()).split(".")
    forged_payload = sign(claims(sub="admin")).split(".")[1]
    with pytest.raises(InvalidIdTokenError):
        verify(f"{header}.{forged_payload}x.{signature}")


def test_an_unknown_key_id_asks_for_fresh_keys() -> None:
    with pytest.raises(InvalidKeyIdError):
        verify(sign(claims(), header={"alg": "RS256", "kid": "rotated"}))


@pytest.mark.parametrize("audience", ["someone-else", ["someone-else"], None])
def test_a_wrong_or_missing_audience_is_refused(audience: Any) -> None:
    with pytest.raises(InvalidIdTokenError):
        verify(sign(claims(aud=audience)))


def test_an_azp_naming_another_client_is_refused() -> None:
    with pytest.raises(InvalidIdTokenError):
        verify(sign(claims(aud=[CLIENT_ID, "other"], azp="other")))


def test_an_expired_token_is_refused_beyond_the_leeway() -> None:
    now = int(time.time())
    with pytest.raises(InvalidIdTokenError):
        verify(sign(claims(iat=now - 3600, exp=now - 120)))
    assert verify(sign(claims(iat=now - 600, exp=now - 30)))  # within the 60 s clock-skew leeway


@pytest.mark.parametrize("nonce", ["another-nonce", None])
def test_a_wrong_or_missing_nonce_is_refused(nonce: str | None) -> None:
    with pytest.raises(InvalidIdTokenError):
        verify(sign(claims(nonce=nonce)))


def test_a_wrong_issuer_is_refused() -> None:
    with pytest.raises(InvalidIdTokenError):
        verify(sign(claims(iss="https://evil.example.com")))
    with pytest.raises(InvalidIdTokenError):
        verify(sign(claims()), issuers=[])


def test_unsigned_and_hmac_tokens_are_refused() -> None:
    secret = OctKey.import_key(CLIENT_ID * 4)
    hmac_token = jwt.encode({"alg": "HS256"}, claims(), secret)
    with pytest.raises(InvalidIdTokenError):
        verify(hmac_token, algorithms=["HS256", "RS256"])
    payload = sign(claims()).split(".")[1]
    none_header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    with pytest.raises(InvalidIdTokenError):
        verify(f"{none_header}.{payload}.", algorithms=["none"])


def test_a_mismatched_access_token_hash_is_refused() -> None:
    token = sign(claims(at_hash="AAAAAAAAAAAAAAAAAAAAAA"))
    with pytest.raises(InvalidIdTokenError):
        verify(token, access_token="the-real-access-token")


def _microsoft(multi_tenant: bool = True) -> IdentityProvider:
    return IdentityProvider(
        key="microsoft",
        label="Microsoft",
        client_id=CLIENT_ID,
        client_secret="s",
        issuer="https://login.microsoftonline.com/common/v2.0",
        scope="openid",
        multi_tenant=multi_tenant,
    )


def test_microsoft_multi_tenant_issuer_follows_the_token_tenant() -> None:
    template = "https://login.microsoftonline.com/{tenantid}/v2.0"
    tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    provider = _microsoft()
    good = claims(iss=f"https://login.microsoftonline.com/{tenant}/v2.0", tid=tenant)
    assert verify_id_token(
        sign(good),
        jwks=JWKS,
        client_id=CLIENT_ID,
        accepted_issuers=lambda c: provider.accepted_issuers(template, c),
        nonce=NONCE,
    )
    # A token from one tenant claiming to be another's is refused, as is one without a tenant.
    for bad in (claims(iss=good["iss"], tid="00000000-0000-0000-0000-000000000000"), claims(iss=good["iss"])):
        with pytest.raises(InvalidIdTokenError):
            verify_id_token(
                sign(bad),
                jwks=JWKS,
                client_id=CLIENT_ID,
                accepted_issuers=lambda c: provider.accepted_issuers(template, c),
                nonce=NONCE,
            )
    assert _microsoft(multi_tenant=False).accepted_issuers(template, {"tid": tenant}) == []
