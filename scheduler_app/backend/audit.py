"""The audit log: who did what, when and from where, for security-relevant actions.

Entries are append-only. Write one with `record_audit` from the service that performs the action
(sign-ins, failed sign-ins, session revocations, role and sharing changes, deletions); admins read
them through `list_audit` (and the CSV export built on it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pymongo import DESCENDING
from sqlmodel import Field

from scheduler_app.backend.db import Collections
from scheduler_app.backend.models import Document, utc_now

DETAILS_MAX_KEYS = 20


class AuditEntryDoc(Document):
    at: dt.datetime = Field(default_factory=utc_now)
    action: str  # dotted, e.g. "auth.sign_in", "auth.sign_in_failed", "calendar.shared"
    outcome: str = "success"  # or "failure"
    actor_id: str | None = None
    actor_email: str = ""
    target_type: str = ""
    target_id: str = ""
    ip: str = ""
    user_agent: str = ""
    details: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class RequestOrigin:
    """Where a request came from, for the "from where" of an entry."""

    ip: str = ""
    user_agent: str = ""


async def record_audit(
    db: Collections,
    action: str,
    *,
    actor_id: str | None = None,
    actor_email: str = "",
    target_type: str = "",
    target_id: str = "",
    origin: RequestOrigin | None = None,
    outcome: str = "success",
    details: dict[str, Any] | None = None,
) -> AuditEntryDoc:
    """Append one entry. Details are small facts (ids, roles), never secrets or passwords."""
    origin = origin or RequestOrigin()
    entry = AuditEntryDoc(
        action=action,
        outcome=outcome,
        actor_id=actor_id,
        actor_email=actor_email,
        target_type=target_type,
        target_id=target_id,
        ip=origin.ip[:64],
        user_agent=origin.user_agent[:300],
        details=dict(list((details or {}).items())[:DETAILS_MAX_KEYS]),
    )
    await db.audit_log.insert_one(entry.to_mongo())
    return entry


async def list_audit(
    db: Collections, *, before: dt.datetime | None = None, limit: int = 100, action: str | None = None
) -> list[AuditEntryDoc]:
    """Newest first; page with `before` = the `at` of the last entry seen."""
    query: dict[str, Any] = {}
    if before is not None:
        query["at"] = {"$lt": before}
    if action:
        query["action"] = action
    cursor = db.audit_log.find(query).sort("at", DESCENDING).limit(limit)
    return [AuditEntryDoc.from_mongo(document) async for document in cursor]
