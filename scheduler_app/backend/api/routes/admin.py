"""REST routes for organisation admins: accounts and roles, the audit log (JSON or CSV), the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from scheduler_app.backend.api.deps import CurrentSession, DbDep, request_origin
from scheduler_app.backend.audit import AuditEntryDoc, record_audit
from scheduler_app.backend.auth import admin
from scheduler_app.backend.auth.service import SignedIn
from scheduler_app.backend.models import UserDoc, UserRole, utc_now

router = APIRouter(prefix="/admin", tags=["admin"])


async def _admin(caller: CurrentSession) -> SignedIn:
    admin.require_admin(caller.user)
    return caller


CurrentAdmin = Annotated[SignedIn, Depends(_admin)]


class UserAdminPublic(BaseModel):
    id: str
    email: str
    name: str
    role: UserRole
    disabled: bool
    has_password: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, user: UserDoc) -> UserAdminPublic:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            role=user.role,
            disabled=user.disabled,
            has_password=bool(user.password_hash),
            created_at=user.created_at,
        )


class UserAdminList(BaseModel):
    items: list[UserAdminPublic]
    next_after: str | None = Field(description="Pass as `after` for the next page; null on the last.")


class UserAdminUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    disabled: bool | None = None
    role: UserRole | None = None


class AuditEntryPublic(BaseModel):
    id: str
    at: dt.datetime
    action: str
    outcome: str
    actor_id: str | None
    actor_email: str
    target_type: str
    target_id: str
    ip: str
    user_agent: str
    details: dict

    @classmethod
    def of(cls, entry: AuditEntryDoc) -> AuditEntryPublic:
        return cls(**entry.model_dump())


class AuditList(BaseModel):
    items: list[AuditEntryPublic]
    next_cursor: str | None


class OutboxItemPublic(BaseModel):
    key: str
    subject: str
    to: str
    sent_at: dt.datetime | None


class OutboxMessagePublic(OutboxItemPublic):
    sender: str
    text: str


@router.get("/users", response_model=UserAdminList)
async def list_users(
    db: DbDep,
    _: CurrentAdmin,
    q: Annotated[str, Query(max_length=100, description="Part of an e-mail or name.")] = "",
    after: Annotated[str, Query(max_length=320)] = "",
    limit: Annotated[int, Query(ge=1, le=admin.USERS_PAGE_MAX)] = 50,
) -> UserAdminList:
    page = await admin.list_users(db, q, after, limit)
    return UserAdminList(items=[UserAdminPublic.of(user) for user in page.users], next_after=page.next_after)


@router.patch("/users/{user_id}", response_model=UserAdminPublic)
async def update_user(
    user_id: str, data: UserAdminUpdate, request: Request, db: DbDep, caller: CurrentAdmin
) -> UserAdminPublic:
    """Disable or enable an account (disabling signs it out everywhere) or change its role."""
    user = await admin.update_user(
        db, caller.user, user_id, disabled=data.disabled, role=data.role, origin=request_origin(request)
    )
    return UserAdminPublic.of(user)


def _csv_response(entries: list[AuditEntryDoc]) -> StreamingResponse:
    filename = f"audit-log-{utc_now():%Y%m%d-%H%M%S}.csv"
    return StreamingResponse(
        admin.audit_csv_lines(entries),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def _export(
    db: DbDep, caller: SignedIn, request: Request, action: str, actor: str
) -> StreamingResponse:
    entries = await admin.export_audit(db, action=action, actor=actor)
    await record_audit(
        db,
        "admin.audit_exported",
        actor_id=caller.user.id,
        actor_email=caller.user.email,
        origin=request_origin(request),
        details={"rows": len(entries), "action": action, "actor": actor},
    )
    return _csv_response(entries)


@router.get("/audit", response_model=AuditList)
async def read_audit(
    request: Request,
    db: DbDep,
    caller: CurrentAdmin,
    action: Annotated[str, Query(max_length=100, description='Exact action, e.g. "auth.sign_in".')] = "",
    actor: Annotated[str, Query(max_length=320, description="Actor's e-mail or user id.")] = "",
    cursor: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=admin.AUDIT_PAGE_MAX)] = 50,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> AuditList | StreamingResponse:
    """The audit log, newest first; `format=csv` downloads every matching entry instead."""
    if format == "csv":
        return await _export(db, caller, request, action, actor)
    page = await admin.search_audit(db, action=action, actor=actor, cursor=cursor, limit=limit)
    return AuditList(
        items=[AuditEntryPublic.of(entry) for entry in page.entries], next_cursor=page.next_cursor
    )


@router.get("/audit.csv", response_class=StreamingResponse)
async def export_audit(
    request: Request,
    db: DbDep,
    caller: CurrentAdmin,
    action: Annotated[str, Query(max_length=100)] = "",
    actor: Annotated[str, Query(max_length=320)] = "",
) -> StreamingResponse:
    """Every matching audit entry as CSV (formula-like cells are defused for spreadsheets)."""
    return await _export(db, caller, request, action, actor)


@router.get("/outbox", response_model=list[OutboxItemPublic])
async def list_outbox(_: CurrentAdmin) -> list[OutboxItemPublic]:
    """Mail held in the local outbox (used when SMTP_URL is unset), newest first."""
    return [OutboxItemPublic(**item.__dict__) for item in await admin.list_outbox()]


@router.get("/outbox/{key}", response_model=OutboxMessagePublic)
async def read_outbox_message(key: str, _: CurrentAdmin) -> OutboxMessagePublic:
    return OutboxMessagePublic(**(await admin.read_outbox_message(key)).__dict__)
