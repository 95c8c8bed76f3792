"""Browser endpoints of "Sign in with Google / Microsoft / <OIDC_NAME>".

`/auth/login/{provider}` sends the browser to the provider; the provider sends it back to
`/auth/callback/{provider}` (the redirect URI to register is `<APP_URL>/auth/callback/<provider>`), which
ends exactly like the password sign-in: a single-use login ticket redeemed by `/auth/complete`'s code sets
the session cookie. Failures go back to the sign-in page with a readable message and no details.
"""

from __future__ import annotations

import urllib.parse

import structlog
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from pymongo.errors import PyMongoError

from scheduler_app.backend.api.deps import DbDep, SettingsDep, request_origin
from scheduler_app.backend.api.routes.web_auth import complete_sign_in as complete_web_sign_in
from scheduler_app.backend.api.routes.web_auth import frontend_url, safe_next_path
from scheduler_app.backend.auth.identity_providers import IdentityProvider, get_provider
from scheduler_app.backend.auth.oidc_sign_in import (
    STATE_TTL,
    begin_sign_in,
    binding_cookie_name,
    complete_sign_in,
)
from scheduler_app.backend.auth.service import issue_login_ticket, token_digest
from scheduler_app.backend.errors import DomainError
from scheduler_app.settings import Settings

router = APIRouter(prefix="/auth", include_in_schema=False)
log = structlog.get_logger("scheduler_app.auth.oidc")

DATABASE_DOWN = "We can't reach the database right now. Please try again in a moment."


def callback_url(settings: Settings, provider_key: str) -> str:
    """The redirect URI registered at the provider."""
    return f"{settings.app_url.rstrip('/')}/auth/callback/{provider_key}"


def _back_to_sign_in(message: str) -> RedirectResponse:
    return RedirectResponse(
        frontend_url("/sign-in?" + urllib.parse.urlencode({"error": message[:200]})), status_code=303
    )


def _failed(provider: IdentityProvider) -> str:
    return f"Sign-in with {provider.label} did not work. Please try again."


@router.get("/login/{provider_key}")
async def start_provider_sign_in(
    provider_key: str, db: DbDep, settings: SettingsDep, next_path: str = Query("/", alias="next")
) -> RedirectResponse:
    """Remember this sign-in server-side, bind it to the browser by a cookie, and go to the provider."""
    try:
        provider = get_provider(settings, provider_key)
    except DomainError as error:
        return _back_to_sign_in(error.detail)
    try:
        start = await begin_sign_in(
            db, provider, callback_url(settings, provider.key), safe_next_path(next_path)
        )
    except DomainError as error:
        log.warning("auth.oidc_start_failed", provider=provider.key, reason=getattr(error, "reason", ""))
        return _back_to_sign_in(error.detail)
    except PyMongoError:
        return _back_to_sign_in(DATABASE_DOWN)
    response = RedirectResponse(start.authorization_url, status_code=303)
    response.set_cookie(
        start.binding_cookie,
        start.browser_binding,
        max_age=int(STATE_TTL.total_seconds()),
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path=f"/auth/callback/{provider.key}",
    )
    return response


@router.get("/callback/{provider_key}")
async def finish_provider_sign_in(
    provider_key: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    code: str = "",
    state: str = "",
    error: str = "",
    iss: str | None = None,
) -> RedirectResponse:
    """The provider's answer: sign in (setting the session cookie) or go back with a message."""
    try:
        provider = get_provider(settings, provider_key)
    except DomainError as problem:
        return _back_to_sign_in(problem.detail)
    cookie = binding_cookie_name(state)
    if error or not code or not state:
        if state:
            await db.oauth_states.delete_one({"_id": token_digest(state)})
        cancelled = error in {"access_denied", "consent_required", "login_required", "interaction_required"}
        message = f"Signing in with {provider.label} was cancelled." if cancelled else _failed(provider)
        log.info("auth.oidc_callback_error", provider=provider.key, error=error[:100])
        response = _back_to_sign_in(message)
    else:
        try:
            result = await complete_sign_in(
                db,
                provider,
                state=state,
                code=code,
                browser_binding=request.cookies.get(cookie),
                origin=request_origin(request),
                issuer=iss,
            )
            ticket = await issue_login_ticket(db, result.user.id, result.next_path)
            response = await complete_web_sign_in(request, db, settings, ticket)
        except DomainError as problem:
            response = _back_to_sign_in(problem.detail)
        except PyMongoError:
            response = _back_to_sign_in(DATABASE_DOWN)
        except Exception:
            log.exception("auth.oidc_callback_crashed", provider=provider.key)
            response = _back_to_sign_in(_failed(provider))
    response.delete_cookie(
        cookie,
        path=f"/auth/callback/{provider.key}",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )
    return response
