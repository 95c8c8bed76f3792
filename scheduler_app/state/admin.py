"""The admin page: accounts (disable/enable, role), the audit log with filters and CSV, the local outbox."""

from __future__ import annotations

import urllib.parse

import reflex as rx
from pymongo.errors import PyMongoError

from scheduler_app.backend.audit import AuditEntryDoc
from scheduler_app.backend.auth import admin
from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import DomainError
from scheduler_app.backend.models import UserDoc
from scheduler_app.state.security import format_instant
from scheduler_app.state.session import SessionState, backend_url, client_origin

DATABASE_DOWN = "Can't reach the database right now."
AUDIT_PAGE = 50
USERS_PAGE = 50


class AdminState(SessionState):
    allowed: bool = False
    error: str = ""
    users: list[dict[str, str]] = []
    user_query: str = ""
    users_next: str = ""
    audit: list[dict[str, str]] = []
    audit_action: str = ""
    audit_actor: str = ""
    audit_next: str = ""
    outbox: list[dict[str, str]] = []
    mail_subject: str = ""
    mail_to: str = ""
    mail_text: str = ""
    mail_open: bool = False

    def _user_row(self, user: UserDoc) -> dict[str, str]:
        return {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "disabled": "yes" if user.disabled else "",
            "self": "yes" if user.id == self._user_id else "",
            "created": format_instant(user.created_at, self.display_time_zone),
        }

    def _audit_row(self, entry: AuditEntryDoc) -> dict[str, str]:
        return {
            "id": entry.id,
            "at": format_instant(entry.at, self.display_time_zone),
            "action": entry.action,
            "outcome": entry.outcome,
            "actor": entry.actor_email or entry.actor_id or "",
            "target": f"{entry.target_type} {entry.target_id}".strip(),
            "ip": entry.ip,
            "details": ", ".join(f"{key}: {value}" for key, value in entry.details.items()),
        }

    async def _require_admin(self) -> rx.event.EventSpec | None:
        """Re-check session and role before every action (a demoted admin loses the page at once)."""
        if ended := await self.session_ended():
            self.allowed = False
            return ended
        self.allowed = self.user_is_admin
        if not self.allowed:
            self.error = "Only admins may see this page."
            self.users, self.audit, self.outbox = [], [], []
        return None

    async def _load_users(self, append: bool = False) -> None:
        page = await admin.list_users(
            collections(), self.user_query, self.users_next if append else "", USERS_PAGE
        )
        rows = [self._user_row(user) for user in page.users]
        self.users = self.users + rows if append else rows
        self.users_next = page.next_after or ""

    async def _load_audit(self, append: bool = False) -> None:
        page = await admin.search_audit(
            collections(),
            action=self.audit_action,
            actor=self.audit_actor,
            cursor=self.audit_next if append else "",
            limit=AUDIT_PAGE,
        )
        rows = [self._audit_row(entry) for entry in page.entries]
        self.audit = self.audit + rows if append else rows
        self.audit_next = page.next_cursor or ""

    async def _load_outbox(self) -> None:
        self.outbox = [
            {
                "key": item.key,
                "subject": item.subject,
                "to": item.to,
                "date": format_instant(item.sent_at, self.display_time_zone) if item.sent_at else "",
            }
            for item in await admin.list_outbox()
        ]

    @rx.event
    async def load_page(self) -> rx.event.EventSpec | None:
        self.error, self.mail_open = "", False
        try:
            if not await self.load_user():
                return rx.redirect("/sign-in?" + urllib.parse.urlencode({"next": "/admin"}))
            if (refused := await self._require_admin()) or not self.allowed:
                return refused
            await self._load_users()
            await self._load_audit()
            await self._load_outbox()
        except PyMongoError:
            self.error = DATABASE_DOWN
        except DomainError as error:
            self.error = error.detail
        return None

    @rx.var
    def audit_csv_url(self) -> str:
        query = urllib.parse.urlencode(
            {
                key: value
                for key, value in (("action", self.audit_action), ("actor", self.audit_actor))
                if value
            }
        )
        return backend_url("/api/v1/admin/audit.csv" + (f"?{query}" if query else ""))

    async def _update(self, user_id: str, **changes: object) -> rx.event.EventSpec | None:
        if (refused := await self._require_admin()) or not self.allowed:
            return refused
        signed = await self.signed_in()
        if signed is None:
            return await self.session_ended()
        self.error = ""
        try:
            user = await admin.update_user(
                collections(),
                signed.user,
                str(user_id),
                origin=client_origin(self),
                **changes,  # type: ignore[arg-type]
            )
            await self._load_users()
            await self._load_audit()
        except DomainError as error:
            self.error = error.detail
            return rx.toast.error(error.detail)
        except PyMongoError:
            self.error = DATABASE_DOWN
            return None
        return rx.toast.success(f"{user.email} updated.")

    @rx.event
    async def set_disabled(self, user_id: str, disabled: bool) -> rx.event.EventSpec | None:
        return await self._update(user_id, disabled=bool(disabled))

    @rx.event
    async def set_role(self, user_id: str, role: str) -> rx.event.EventSpec | None:
        return await self._update(user_id, role=str(role))

    @rx.event
    async def search_users(self, form_data: dict) -> rx.event.EventSpec | None:
        if (refused := await self._require_admin()) or not self.allowed:
            return refused
        self.user_query = str(form_data.get("query", ""))[:100]
        try:
            await self._load_users()
        except PyMongoError:
            self.error = DATABASE_DOWN
        return None

    @rx.event
    async def more_users(self) -> rx.event.EventSpec | None:
        if (refused := await self._require_admin()) or not self.allowed:
            return refused
        try:
            await self._load_users(append=True)
        except PyMongoError:
            self.error = DATABASE_DOWN
        return None

    @rx.event
    async def filter_audit(self, form_data: dict) -> rx.event.EventSpec | None:
        if (refused := await self._require_admin()) or not self.allowed:
            return refused
        self.audit_action = str(form_data.get("action", "")).strip()[:100]
        self.audit_actor = str(form_data.get("actor", "")).strip()[:320]
        try:
            await self._load_audit()
        except PyMongoError:
            self.error = DATABASE_DOWN
        except DomainError as error:
            self.error = error.detail
        return None

    @rx.event
    async def more_audit(self) -> rx.event.EventSpec | None:
        if (refused := await self._require_admin()) or not self.allowed:
            return refused
        try:
            await self._load_audit(append=True)
        except PyMongoError:
            self.error = DATABASE_DOWN
        except DomainError as error:
            self.error = error.detail
        return None

    @rx.event
    async def refresh_outbox(self) -> rx.event.EventSpec | None:
        if (refused := await self._require_admin()) or not self.allowed:
            return refused
        await self._load_outbox()
        return None

    @rx.event
    async def open_mail(self, key: str) -> rx.event.EventSpec | None:
        if (refused := await self._require_admin()) or not self.allowed:
            return refused
        try:
            message = await admin.read_outbox_message(str(key))
        except DomainError as error:
            return rx.toast.error(error.detail)
        self.mail_subject, self.mail_to, self.mail_text = message.subject, message.to, message.text
        self.mail_open = True
        return None

    @rx.event
    def set_mail_open(self, is_open: bool) -> None:
        self.mail_open = bool(is_open)
