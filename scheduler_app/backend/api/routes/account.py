"""REST routes for the caller's own account security: sessions, password change, password reset."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from scheduler_app.backend.api.deps import CurrentSession, DbDep, SettingsDep, request_origin
from scheduler_app.backend.auth import account_security
from scheduler_app.backend.auth.service import PASSWORD_MAX
from scheduler_app.backend.errors import ForbiddenError

router = APIRouter(tags=["account"])

RESET_REQUESTED = (
    "If an account uses this address, we have sent it a link to reset the password. "
    "The link works once, for an hour."
)


class SessionPublic(BaseModel):
    id: str = Field(description="Public id of the session (not its cookie and not its stored digest).")
    device: str = Field(description='Browser and system, e.g. "Chrome on Linux".')
    ip: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    current: bool = Field(description="True for the session making this request.")


class SessionList(BaseModel):
    items: list[SessionPublic]


class RevokedCount(BaseModel):
    revoked: int


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(max_length=PASSWORD_MAX)
    new_password: str = Field(max_length=PASSWORD_MAX)


class PasswordResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)


class PasswordResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(max_length=200)
    password: str = Field(max_length=PASSWORD_MAX)


class Accepted(BaseModel):
    detail: str


@router.get("/me/sessions", response_model=SessionList)
async def list_my_sessions(db: DbDep, caller: CurrentSession) -> SessionList:
    """Your signed-in browsers, this one first."""
    current = caller.session.id if caller.session else ""
    views = await account_security.list_sessions(db, caller.user.id, current)
    return SessionList(items=[SessionPublic(**view.__dict__) for view in views])


@router.delete("/me/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_my_session(
    session_id: str, request: Request, db: DbDep, settings: SettingsDep, caller: CurrentSession
) -> Response:
    """Sign one of your sessions out (another person's session id answers 404)."""
    await account_security.revoke_session(db, caller.user, session_id, origin=request_origin(request))
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    if caller.session is not None and session_id == account_security.session_public_id(caller.session.id):
        response.delete_cookie(settings.session_cookie_name, path="/", httponly=True, samesite="lax")
    return response


@router.post("/me/sessions/revoke-others", response_model=RevokedCount)
async def revoke_my_other_sessions(request: Request, db: DbDep, caller: CurrentSession) -> RevokedCount:
    """Sign out everywhere else: every session but the one making this request."""
    current = caller.session.id if caller.session else ""
    count = await account_security.revoke_other_sessions(
        db, caller.user, current, origin=request_origin(request)
    )
    return RevokedCount(revoked=count)


@router.post("/me/password", response_model=RevokedCount)
async def change_my_password(
    data: PasswordChange, request: Request, db: DbDep, caller: CurrentSession
) -> RevokedCount:
    """Change your password (the current one is required); your other sessions are signed out."""
    if caller.session is None:
        raise ForbiddenError("Change your password from a signed-in browser, not with an API token.")
    count = await account_security.change_password(
        db,
        caller.user,
        data.current_password,
        data.new_password,
        caller.session.id,
        origin=request_origin(request),
    )
    return RevokedCount(revoked=count)


@router.post("/auth/password-reset", status_code=status.HTTP_202_ACCEPTED, response_model=Accepted)
async def request_password_reset(data: PasswordResetRequest, request: Request, db: DbDep) -> Accepted:
    """Mail a reset link; the answer is the same whether or not the address has an account."""
    await account_security.request_password_reset(db, data.email, origin=request_origin(request))
    return Accepted(detail=RESET_REQUESTED)


@router.post("/auth/password-reset/confirm", status_code=status.HTTP_204_NO_CONTENT)
async def confirm_password_reset(data: PasswordResetConfirm, request: Request, db: DbDep) -> Response:
    """Set a new password with a reset link's token; every session of the account ends."""
    await account_security.reset_password(db, data.token, data.password, origin=request_origin(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
