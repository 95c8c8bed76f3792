"""Sign-in with an OpenID Connect provider: authorization code flow with PKCE, then the account rules.

`begin_sign_in` stores `state`, `nonce` and the PKCE verifier server-side (single use, 10 minutes) and
binds them to the browser through a random value whose digest is stored with them and whose plain value
goes into a short-lived HttpOnly cookie. The state value alone would not do: an attacker could start a
sign-in, stop before the callback and send the victim that callback link, signing the victim into the
attacker's account (login CSRF). `complete_sign_in` redeems the state, exchanges the code, verifies the
ID token against the provider's keys and finds, links or creates the account.

Account rules: a known (provider, subject) signs in to its account; otherwise a verified e-mail links to
the account with that e-mail or creates a new one. An unverified e-mail never links and never creates:
an account created on an address nobody proved could later capture its real owner's sign-ins.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import secrets
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from pymongo.errors import DuplicateKeyError

from scheduler_app.backend.audit import RequestOrigin, record_audit
from scheduler_app.backend.auth.admin import promote_configured_admin, role_for_new_account
from scheduler_app.backend.auth.identity_providers import (
    MICROSOFT_CONSUMERS_TENANT,
    IdentityProvider,
    IdentityProviderError,
    provider_jwks,
    provider_metadata,
)
from scheduler_app.backend.auth.provider_tokens import ProviderTokens, previous_refresh_token, sealed_fields
from scheduler_app.backend.auth.service import NAME_MAX, audit_sign_in, token_digest
from scheduler_app.backend.db import Collections
from scheduler_app.backend.email_address import normalize_email
from scheduler_app.backend.errors import AuthenticationError, DomainError, InvalidInputError
from scheduler_app.backend.events.calendars import ensure_default_calendar
from scheduler_app.backend.models import IdentityDoc, OAuthStateDoc, UserDoc, new_id, utc_now
from scheduler_app.backend.scheduling.store import start_working_week

with warnings.catch_warnings():
    # authlib 1.9 asks for the `httpx2` fork; the pinned httpx 0.28 is what it still runs on here.
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

log = structlog.get_logger("scheduler_app.auth.oidc")

STATE_TTL = dt.timedelta(minutes=10)
ID_TOKEN_LEEWAY_SECONDS = 60
# Asymmetric algorithms only: "none" and HMAC (keyed with the client secret) are never accepted.
SIGNING_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)
BINDING_COOKIE_PREFIX = "scheduler_oidc_"


class InvalidIdTokenError(Exception):
    """The ID token failed verification; the message is for logs only."""


@dataclass(frozen=True)
class SignInStart:
    """Where to send the browser, and the value for its binding cookie."""

    authorization_url: str
    browser_binding: str
    binding_cookie: str


@dataclass(frozen=True)
class VerifiedIdentity:
    """What a provider asserted about the person, after verification."""

    subject: str
    email: str
    email_verified: bool
    name: str
    zoneinfo: str | None = None


@dataclass(frozen=True)
class SignInResult:
    user: UserDoc
    outcome: str  # "signed_in", "linked" or "created"
    next_path: str


def binding_cookie_name(state: str) -> str:
    """One cookie per sign-in in progress, so two tabs signing in at once do not trip each other."""
    return BINDING_COOKIE_PREFIX + token_digest(state)[:16]


# --- ID tokens ----------------------------------------------------------------------------------------


def verify_id_token(
    id_token: str,
    *,
    jwks: dict[str, Any],
    client_id: str,
    accepted_issuers: Callable[[dict[str, Any]], list[str]],
    nonce: str,
    access_token: str | None = None,
    algorithms: list[str] | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    """The ID token's claims once signature, iss, aud, exp, iat, nonce, azp and at_hash all check out.

    Raises InvalidKeyIdError when the token names a key not in `jwks` (the caller re-fetches once).
    """
    allowed = [alg for alg in (algorithms or ["RS256"]) if alg in SIGNING_ALGORITHMS] or ["RS256"]
    try:
        token = jwt.decode(id_token, KeySet.import_key_set(jwks), registry=JWSRegistry(algorithms=allowed))
    except InvalidKeyIdError:
        raise
    except (JoseError, ValueError, TypeError) as error:
        raise InvalidIdTokenError(f"signature or format: {error!r}") from error
    issuers = accepted_issuers(token.claims)
    if not issuers:
        raise InvalidIdTokenError("no acceptable issuer for this token")
    claims = CodeIDToken(
        token.claims,
        token.header,
        {
            "iss": {"essential": True, "values": issuers},
            "aud": {"essential": True, "value": client_id},
            "exp": {"essential": True},
            "sub": {"essential": True},
        },
        {"nonce": nonce, "client_id": client_id, "access_token": access_token},
    )
    try:
        claims.validate(now=now, leeway=ID_TOKEN_LEEWAY_SECONDS)
    except JoseError as error:
        raise InvalidIdTokenError(f"claims: {error!r}") from error
    return dict(claims)


def _is_true(value: object) -> bool:
    # Some providers send booleans as strings.
    return value is True or (isinstance(value, str) and value.lower() == "true")


def identity_from_claims(provider: IdentityProvider, claims: dict[str, Any]) -> VerifiedIdentity:
    """The person behind verified claims; only an e-mail the provider vouches for counts as verified."""
    try:
        email = normalize_email(str(claims.get("email") or ""))
    except InvalidInputError:
        email = ""
    verified = _is_true(claims.get("email_verified"))
    if provider.key == "microsoft":
        # Microsoft sends no email_verified: trust personal accounts, or a tenant that proved the domain.
        verified = (
            verified or _is_true(claims.get("xms_edov")) or claims.get("tid") == MICROSOFT_CONSUMERS_TENANT
        )
    full_name = " ".join(str(claims.get(part) or "").strip() for part in ("given_name", "family_name"))
    name = (
        str(claims.get("name") or "").strip()
        or full_name.strip()
        or str(claims.get("preferred_username") or "").strip()
        or email.split("@")[0]
    )
    zoneinfo = claims.get("zoneinfo")
    return VerifiedIdentity(
        subject=str(claims["sub"]),
        email=email,
        email_verified=bool(email) and verified,
        name=name[:NAME_MAX] or "New user",
        zoneinfo=zoneinfo if isinstance(zoneinfo, str) else None,
    )


# --- The flow -----------------------------------------------------------------------------------------


def _client(provider: IdentityProvider, redirect_uri: str, token: dict[str, Any] | None = None) -> Any:
    return AsyncOAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        scope=provider.scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token=token,
    )


def _scope_for(provider: IdentityProvider, metadata: dict[str, Any]) -> str:
    """The configured scopes, minus offline_access where the provider says it has none."""
    supported = metadata.get("scopes_supported")
    scopes = provider.scope.split()
    if isinstance(supported, list):
        scopes = [scope for scope in scopes if scope != "offline_access" or scope in supported]
    return " ".join(scopes)


async def begin_sign_in(
    db: Collections, provider: IdentityProvider, redirect_uri: str, next_path: str = "/"
) -> SignInStart:
    """Store a pending sign-in and build the provider's authorization URL (code flow, PKCE S256)."""
    metadata = await provider_metadata(provider)
    methods = metadata.get("code_challenge_methods_supported")
    if isinstance(methods, list) and "S256" not in methods:
        raise IdentityProviderError(provider.label, "provider does not support PKCE S256")
    state, nonce, binding = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    code_verifier = generate_token(64)
    await db.oauth_states.insert_one(
        OAuthStateDoc(
            id=token_digest(state),
            provider=provider.key,
            nonce=nonce,
            code_verifier=code_verifier,
            redirect_uri=redirect_uri,
            browser_binding=token_digest(binding),
            next_path=next_path,
            expires_at=utc_now() + STATE_TTL,
        ).to_mongo()
    )
    async with _client(provider, redirect_uri) as client:
        client.scope = _scope_for(provider, metadata)
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"],
            state=state,
            code_verifier=code_verifier,
            nonce=nonce,
            **dict(provider.authorize_params),
        )
    return SignInStart(url, binding, binding_cookie_name(state))


async def redeem_state(
    db: Collections, provider: IdentityProvider, state: str, browser_binding: str | None
) -> OAuthStateDoc:
    """The pending sign-in for `state`, consumed; it must be this provider's, live, and this browser's."""
    document = await db.oauth_states.find_one_and_delete({"_id": token_digest(state or "")})
    stale = AuthenticationError("This sign-in attempt expired or was already used. Please try again.")
    if document is None:
        raise stale
    pending = OAuthStateDoc.from_mongo(document)
    if pending.provider != provider.key or pending.expires_at <= utc_now():
        raise stale
    if not browser_binding or not hmac.compare_digest(pending.browser_binding, token_digest(browser_binding)):
        raise AuthenticationError("This sign-in was started in another browser. Please try again here.")
    return pending


async def exchange_code(
    provider: IdentityProvider, pending: OAuthStateDoc, code: str, code_verifier: str | None
) -> dict[str, Any]:
    """The token endpoint's answer for `code` (the verifier proves we started this sign-in)."""
    metadata = await provider_metadata(provider)
    async with _client(provider, pending.redirect_uri) as client:
        try:
            params: dict[str, Any] = {"code": code, "grant_type": "authorization_code"}
            if code_verifier is not None:
                params["code_verifier"] = code_verifier
            return dict(await client.fetch_token(metadata["token_endpoint"], **params))
        except OAuthError as error:
            raise IdentityProviderError(provider.label, f"token exchange refused: {error.error}") from error
        except Exception as error:
            raise IdentityProviderError(provider.label, f"token exchange failed: {error!r}") from error


async def verified_claims(
    provider: IdentityProvider, token: dict[str, Any], nonce: str, redirect_uri: str
) -> dict[str, Any]:
    """The ID token's verified claims, completed from userinfo when they lack the e-mail."""
    if not isinstance(token.get("id_token"), str):
        raise IdentityProviderError(provider.label, "token answer has no id_token")
    metadata = await provider_metadata(provider)

    def check(jwks: dict[str, Any]) -> dict[str, Any]:
        return verify_id_token(
            token["id_token"],
            jwks=jwks,
            client_id=provider.client_id,
            accepted_issuers=lambda claims: provider.accepted_issuers(metadata["issuer"], claims),
            nonce=nonce,
            access_token=token.get("access_token"),
            algorithms=metadata.get("id_token_signing_alg_values_supported"),
        )

    try:
        try:
            claims = check(await provider_jwks(provider))
        except InvalidKeyIdError:
            claims = check(await provider_jwks(provider, refresh=True))
    except (InvalidIdTokenError, InvalidKeyIdError) as error:
        raise IdentityProviderError(provider.label, f"id_token rejected: {error}") from error
    if not claims.get("email") and metadata.get("userinfo_endpoint") and token.get("access_token"):
        async with _client(provider, redirect_uri, token=token) as client:
            try:
                response = await client.get(metadata["userinfo_endpoint"])
                response.raise_for_status()
                userinfo = response.json()
            except Exception as error:
                raise IdentityProviderError(provider.label, f"userinfo failed: {error!r}") from error
        # OpenID Connect Core 5.3.2: userinfo about anyone else must not be used.
        if not isinstance(userinfo, dict) or userinfo.get("sub") != claims["sub"]:
            raise IdentityProviderError(provider.label, "userinfo subject differs from the id_token's")
        claims = {**userinfo, **claims}
    return claims


# --- Accounts -----------------------------------------------------------------------------------------


def _refuse_disabled(user: UserDoc) -> None:
    if user.disabled:
        raise AuthenticationError("This account is disabled.")


async def _create_account(
    db: Collections,
    provider: IdentityProvider,
    person: VerifiedIdentity,
    sealed: dict[str, Any],
    user_id: str,
) -> UserDoc:
    """The user and their identity link in one transaction, then the default calendar and working week."""
    user = UserDoc(id=user_id, email=person.email, name=person.name, password_hash="")
    user.role = await role_for_new_account(db, person.email, user.id)
    identity = IdentityDoc(
        user_id=user.id,
        provider=provider.key,
        subject=person.subject,
        email=person.email,
        email_verified=person.email_verified,
        **sealed,
    )

    async def write(session: Any) -> None:
        await db.users.insert_one(user.to_mongo(), session=session)
        await db.identities.insert_one(identity.to_mongo(), session=session)

    async with db.database.client.start_session() as session:
        await session.with_transaction(write)
    await ensure_default_calendar(db, user.id, person.name)
    await start_working_week(db, user.id, person.zoneinfo)
    return user


async def find_or_create_account(
    db: Collections, provider: IdentityProvider, person: VerifiedIdentity, tokens: ProviderTokens
) -> tuple[UserDoc, str]:
    """The account this identity signs in to (linking or creating it by the rules above), and how."""
    for _attempt in range(3):
        found = await db.identities.find_one({"provider": provider.key, "subject": person.subject})
        if found is not None:
            identity = IdentityDoc.from_mongo(found)
            user_document = await db.users.find_one({"_id": identity.user_id})
            if user_document is None:
                raise AuthenticationError("This account is no longer available.")
            user = UserDoc.from_mongo(user_document)
            _refuse_disabled(user)
            kept = tokens
            if not kept.refresh_token:
                kept = dataclasses.replace(kept, refresh_token=previous_refresh_token(identity))
            await db.identities.update_one(
                {"_id": identity.id},
                {
                    "$set": {
                        "last_sign_in_at": utc_now(),
                        "email": person.email,
                        "email_verified": person.email_verified,
                        **sealed_fields(kept, user.id, provider.key),
                    },
                    "$inc": {"token_version": 1},
                },
            )
            return user, "signed_in"
        if not person.email:
            raise AuthenticationError(
                f"{provider.label} did not share your e-mail address. Allow access to it and try again."
            )
        existing = await db.users.find_one({"email": person.email})
        if existing is not None and not person.email_verified:
            raise AuthenticationError(
                f"Your e-mail address at {provider.label} is not verified, so it cannot be linked to the "
                f"existing account for {person.email}. Sign in with your password, or verify the address "
                f"at {provider.label} first."
            )
        if not person.email_verified:
            raise AuthenticationError(
                f"{provider.label} has not verified your e-mail address, so we cannot create an account "
                f"with it. Verify the address at {provider.label} and try again."
            )
        try:
            if existing is not None:
                user = UserDoc.from_mongo(existing)
                _refuse_disabled(user)
                await db.identities.insert_one(
                    IdentityDoc(
                        user_id=user.id,
                        provider=provider.key,
                        subject=person.subject,
                        email=person.email,
                        email_verified=True,
                        **sealed_fields(tokens, user.id, provider.key),
                    ).to_mongo()
                )
                return user, "linked"
            user_id = new_id()
            sealed = sealed_fields(tokens, user_id, provider.key)
            return await _create_account(db, provider, person, sealed, user_id), "created"
        except DuplicateKeyError:
            continue  # a concurrent sign-in of the same person won: take its result on the next pass
    raise AuthenticationError("We could not finish signing you in. Please try again.")


async def complete_sign_in(
    db: Collections,
    provider: IdentityProvider,
    *,
    state: str,
    code: str,
    browser_binding: str | None,
    origin: RequestOrigin | None = None,
    issuer: str | None = None,
) -> SignInResult:
    """Finish a sign-in at the provider's callback; every outcome is audited."""
    origin = origin or RequestOrigin()
    try:
        pending = await redeem_state(db, provider, state, browser_binding)
        if issuer is not None and not provider.multi_tenant:
            # RFC 9207: the answer must come from the provider we sent the user to (mix-up defence).
            metadata = await provider_metadata(provider)
            if issuer not in provider.accepted_issuers(metadata["issuer"], {}):
                raise IdentityProviderError(provider.label, f"callback iss {issuer!r} is not the issuer")
        token = await exchange_code(provider, pending, code, pending.code_verifier)
        claims = await verified_claims(provider, token, pending.nonce, pending.redirect_uri)
        person = identity_from_claims(provider, claims)
        user, outcome = await find_or_create_account(
            db, provider, person, ProviderTokens.from_token_response(token)
        )
    except DomainError as error:
        reason = getattr(error, "reason", error.detail)
        log.info("auth.oidc_sign_in_failed", provider=provider.key, reason=reason)
        await record_audit(
            db,
            "auth.sign_in_failed",
            origin=origin,
            outcome="failure",
            details={"method": provider.key, "reason": reason[:300]},
        )
        raise
    user = await promote_configured_admin(db, user, origin)
    if outcome != "signed_in":
        await record_audit(
            db,
            "auth.sign_up" if outcome == "created" else "auth.identity_linked",
            actor_id=user.id,
            actor_email=user.email,
            target_type="user",
            target_id=user.id,
            origin=origin,
            details={"method": provider.key},
        )
    await audit_sign_in(db, user, origin, provider.key)
    return SignInResult(user=user, outcome=outcome, next_path=pending.next_path)
