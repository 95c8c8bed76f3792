"""REST credentials: the OAuth 2.0 token and revocation endpoints, and personal access tokens.

The token endpoint speaks RFC 6749 (form-encoded, JSON accepted too) and answers its errors in RFC
6749's own shape, `{"error": ..., "error_description": ...}`, not problem+json, so that OAuth client
libraries understand them: 400 for every refused grant (wrong password included, as section 5.2
says), 429 with Retry-After when sign-ins are being throttled. There is no client authentication,
so `invalid_client` (401) never occurs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response, status
from fastapi.responses import JSONResponse
from sqlmodel import Field, SQLModel

from scheduler_app.backend.api.deps import CurrentSession, DbDep, request_origin
from scheduler_app.backend.api.problems import problem
from scheduler_app.backend.auth import tokens
from scheduler_app.backend.auth.service import authenticate
from scheduler_app.backend.auth.tokens import InsufficientScopeError, InvalidTokenError, TokenGrantError
from scheduler_app.backend.errors import AuthenticationError, ForbiddenError, TooManyRequestsError
from scheduler_app.backend.models import API_TOKEN_NAME_MAX, ApiTokenDoc, TokenScope

router = APIRouter(tags=["authentication"])

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
PARAMETER_MAX = 4_096

_TOKEN_REQUEST_SCHEMA = {
    "type": "object",
    "required": ["grant_type"],
    "properties": {
        "grant_type": {"type": "string", "enum": ["password", "refresh_token"]},
        "username": {"type": "string", "description": "E-mail (password grant)"},
        "password": {"type": "string", "format": "password"},
        "refresh_token": {"type": "string"},
        "scope": {"type": "string", "enum": ["read", "read_write"]},
    },
}
_REVOKE_REQUEST_SCHEMA = {
    "type": "object",
    "required": ["token"],
    "properties": {"token": {"type": "string"}, "token_type_hint": {"type": "string"}},
}


def _body_schema(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": schema},
                "application/json": {"schema": schema},
            },
        }
    }


class TokenResponse(SQLModel):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 (the RFC 6750 type name)
    expires_in: int
    refresh_token: str
    scope: TokenScope


def oauth_error(code: str, description: str, status_code: int = 400, **headers: str) -> JSONResponse:
    """An RFC 6749 section 5.2 error response."""
    return JSONResponse(
        {"error": code, "error_description": description},
        status_code=status_code,
        headers={**NO_STORE, **headers},
    )


async def _parameters(request: Request) -> dict[str, str]:
    """The request's parameters, from a form (as RFC 6749 says) or a JSON object."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise TokenGrantError("invalid_request", "The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise TokenGrantError("invalid_request", "The request body must be a JSON object.")
        items = list(body.items())
    elif content_type in FORM_TYPES:
        form = await request.form()
        keys = list(form.keys())
        if len(keys) != len(set(keys)):
            raise TokenGrantError("invalid_request", "A parameter was sent more than once.")
        items = list(form.items())
    else:
        raise TokenGrantError(
            "invalid_request",
            "Send the parameters form-encoded (application/x-www-form-urlencoded) or as JSON.",
        )
    parameters: dict[str, str] = {}
    for key, value in items:
        if not isinstance(value, str) or len(value) > PARAMETER_MAX:
            raise TokenGrantError("invalid_request", f"The parameter {key!r} must be a short string.")
        parameters[str(key)] = value
    return parameters


async def _password_grant(request: Request, db: DbDep, parameters: dict[str, str]) -> tokens.TokenPair:
    username, password = parameters.get("username", ""), parameters.get("password", "")
    if not username or not password:
        raise TokenGrantError("invalid_request", "The password grant needs username and password.")
    scope = tokens.parse_scope(parameters.get("scope"))
    try:
        user = await authenticate(db, username, password, origin=request_origin(request))
    except AuthenticationError as error:
        raise TokenGrantError("invalid_grant", error.detail) from None
    return await tokens.grant_tokens(db, user, scope)


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    openapi_extra=_body_schema(_TOKEN_REQUEST_SCHEMA),
    responses={400: {"description": "RFC 6749 error: invalid_request, invalid_grant, invalid_scope, ..."}},
)
async def token(request: Request, db: DbDep) -> JSONResponse:
    """Exchange a password or a refresh token for an access token and a new refresh token."""
    try:
        parameters = await _parameters(request)
        grant_type = parameters.get("grant_type", "")
        if grant_type == "password":
            pair = await _password_grant(request, db, parameters)
        elif grant_type == "refresh_token":
            pair = await tokens.refresh_tokens(
                db, parameters.get("refresh_token", ""), parameters.get("scope"), request_origin(request)
            )
        elif not grant_type:
            raise TokenGrantError("invalid_request", "The grant_type parameter is missing.")
        else:
            raise TokenGrantError("unsupported_grant_type", "Use grant_type 'password' or 'refresh_token'.")
    except TokenGrantError as error:
        return oauth_error(error.code, error.detail, error.status)
    except TooManyRequestsError as error:
        return oauth_error("invalid_grant", error.detail, 429, **{"Retry-After": str(error.retry_after)})
    body = TokenResponse(
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
        scope=pair.scope,
    )
    return JSONResponse(body.model_dump(), headers=NO_STORE)


@router.post("/auth/revoke", openapi_extra=_body_schema(_REVOKE_REQUEST_SCHEMA))
async def revoke(request: Request, db: DbDep) -> Response:
    """RFC 7009: revoke a refresh, access or personal token; unknown tokens also answer 200."""
    try:
        parameters = await _parameters(request)
    except TokenGrantError as error:
        return oauth_error(error.code, error.detail, error.status)
    if "token" not in parameters:
        return oauth_error("invalid_request", "The token parameter is missing.")
    await tokens.revoke_token(db, parameters["token"], request_origin(request))
    return Response(status_code=status.HTTP_200_OK, headers=NO_STORE)


class ApiTokenCreate(SQLModel):
    name: str = Field(max_length=API_TOKEN_NAME_MAX * 2)
    scope: TokenScope = "read"
    expires_in_days: int | None = Field(default=30, description="Null: never expires.")


class ApiTokenPublic(SQLModel):
    id: str
    name: str
    scope: TokenScope
    hint: str = Field(description="The token's first characters, to recognise it.")
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None

    @classmethod
    def of(cls, document: ApiTokenDoc) -> ApiTokenPublic:
        return cls(
            id=document.id,
            name=document.name,
            scope=document.scope,
            hint=document.hint,
            created_at=document.created_at,
            expires_at=document.expires_at,
            last_used_at=document.last_used_at,
        )


class ApiTokenCreated(ApiTokenPublic):
    token: str = Field(description="The secret itself, shown this once and never again.")


@router.get("/me/tokens", response_model=list[ApiTokenPublic])
async def list_tokens(db: DbDep, caller: CurrentSession) -> list[ApiTokenPublic]:
    return [ApiTokenPublic.of(item) for item in await tokens.list_personal_tokens(db, caller.user.id)]


@router.post("/me/tokens", status_code=status.HTTP_201_CREATED, response_model=ApiTokenCreated)
async def create_token(
    data: ApiTokenCreate, request: Request, response: Response, db: DbDep, caller: CurrentSession
) -> ApiTokenCreated:
    # A leaked personal token must not be able to outlive its revocation by minting successors.
    if caller.method == "personal_access_token":
        raise ForbiddenError("A personal access token cannot create tokens; sign in to do that.")
    secret, created = await tokens.create_personal_token(
        db, caller.user.id, data.name, data.scope, data.expires_in_days, request_origin(request)
    )
    response.headers["Location"] = f"/api/v1/me/tokens/{created.id}"
    response.headers.update(NO_STORE)
    return ApiTokenCreated(**ApiTokenPublic.of(created).model_dump(), token=secret)


@router.delete("/me/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_token(token_id: str, request: Request, db: DbDep, caller: CurrentSession) -> Response:
    await tokens.revoke_personal_token(db, caller.user.id, token_id, request_origin(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def install_bearer_problems(api: FastAPI) -> None:
    """Bearer failures are problem+json with the RFC 6750 challenge a client can act on."""

    @api.exception_handler(InvalidTokenError)
    async def _invalid_token(request: Request, error: InvalidTokenError) -> JSONResponse:
        response = problem(error.status, error.title, error.detail, request)
        response.headers["WWW-Authenticate"] = 'Bearer realm="scheduler", error="invalid_token"'
        return response

    @api.exception_handler(InsufficientScopeError)
    async def _insufficient_scope(request: Request, error: InsufficientScopeError) -> JSONResponse:
        response = problem(error.status, error.title, error.detail, request)
        response.headers["WWW-Authenticate"] = (
            'Bearer realm="scheduler", error="insufficient_scope", scope="read_write"'
        )
        return response
