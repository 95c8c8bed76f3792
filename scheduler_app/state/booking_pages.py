"""The owner's booking pages: list, create and edit event types, switch them on and off."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pymongo.errors import PyMongoError

from scheduler_app.backend.booking import event_types
from scheduler_app.backend.booking.schemas import EventTypeIn, EventTypeUpdate, validated
from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import DomainError
from scheduler_app.backend.models import UserDoc
from scheduler_app.settings import get_settings
from scheduler_app.state.session import SessionState

DATABASE_DOWN = "Can't reach the database right now; try again in a moment."
STEPS = ("5", "10", "15", "20", "30", "60")
# Form fields as the page names them; errors from the service are shown next to the matching one.
_FIELDS = (
    "title",
    "slug",
    "description",
    "durations",
    "buffer_before",
    "buffer_after",
    "min_notice",
    "horizon_days",
    "daily_limit",
    "slot_step",
    "location",
    "hosts",
    "questions",
)


def _blank_form() -> dict[str, str]:
    return {
        "title": "",
        "slug": "",
        "description": "",
        "durations": "30",
        "buffer_before": "0",
        "buffer_after": "0",
        "min_notice": "240",
        "horizon_days": "60",
        "daily_limit": "",
        "slot_step": "15",
        "location": "",
        "hosts": "",
        "kind": "collective",
    }


def _numbers(text: str) -> list[Any]:
    """ "15, 30 60" -> [15, 30, 60]; anything unreadable is kept so validation names the field."""
    values: list[Any] = []
    for part in text.replace(",", " ").split():
        values.append(int(part) if part.lstrip("-").isdigit() else part)
    return values


def _number(text: str) -> Any:
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else text


class BookingPagesState(SessionState):
    """The list of event types, and one form for creating or editing an event type."""

    items: list[dict[str, Any]] = []
    load_error: str = ""
    editing_id: str = ""
    form_open: bool = False
    form: dict[str, str] = _blank_form()
    video_call: bool = False
    questions: list[dict[str, Any]] = []
    form_error: str = ""
    field_errors: dict[str, str] = {}
    saving: bool = False

    @rx.event
    async def load_page(self) -> rx.event.EventSpec | None:
        try:
            if not await self.load_user():
                return rx.redirect("/sign-in?next=/booking-pages")
            await self._reload()
        except PyMongoError:
            self.load_error = DATABASE_DOWN
        return None

    async def _reload(self) -> None:
        db = collections()
        origin = get_settings().app_url.rstrip("/")
        self.items = [
            {
                "id": public.id,
                "title": public.title,
                "active": public.active,
                "url": origin + public.booking_path,
                "path": public.booking_path,
                "summary": f"{', '.join(str(m) for m in public.durations)} min · "
                + ("round-robin" if public.kind == "round_robin" else "collective")
                + f" · {len(public.hosts)} host{'s' if len(public.hosts) != 1 else ''}",
                "public": public.model_dump(),
            }
            for public in [
                await event_types.to_public(db, doc)
                for doc in await event_types.list_event_types(db, self._user_id)
            ]
        ]
        self.load_error = ""

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in self.form:
            self.form = {**self.form, name: value}
            self.field_errors = {key: message for key, message in self.field_errors.items() if key != name}

    @rx.event
    def set_video_call(self, value: bool) -> None:
        self.video_call = bool(value)

    @rx.event
    def new_type(self) -> None:
        self.editing_id, self.form, self.video_call, self.questions = "", _blank_form(), False, []
        self.form_error, self.field_errors, self.form_open = "", {}, True

    @rx.event
    def edit_type(self, type_id: str) -> None:
        item = next((item for item in self.items if item["id"] == type_id), None)
        if item is None:
            return
        public = item["public"]
        self.editing_id = type_id
        self.form = {
            "title": public["title"],
            "slug": public["slug"],
            "description": public["description"],
            "durations": ", ".join(str(m) for m in public["durations"]),
            "buffer_before": str(public["buffer_before"]),
            "buffer_after": str(public["buffer_after"]),
            "min_notice": str(public["min_notice"]),
            "horizon_days": str(public["horizon_days"]),
            "daily_limit": "" if public["daily_limit"] is None else str(public["daily_limit"]),
            "slot_step": str(public["slot_step"]),
            "location": public["location"],
            "hosts": "\n".join(
                f"{host['email']}" + (f" {host['priority']}" if host["priority"] else "")
                for host in public["hosts"]
            ),
            "kind": public["kind"],
        }
        self.video_call = public["video_call"]
        self.questions = [dict(question) for question in public["questions"]]
        self.form_error, self.field_errors, self.form_open = "", {}, True

    @rx.event
    def close_form(self) -> None:
        self.form_open = False

    @rx.event
    def add_question(self) -> None:
        self.questions = [*self.questions, {"id": "", "label": "", "required": False, "kind": "short"}]

    @rx.event
    def remove_question(self, index: int) -> None:
        self.questions = [question for position, question in enumerate(self.questions) if position != index]

    @rx.event
    def set_question(self, index: int, name: str, value: Any) -> None:
        if name in ("label", "required", "kind"):
            self.questions = [
                {**question, name: value} if position == index else question
                for position, question in enumerate(self.questions)
            ]

    def _payload(self) -> dict[str, Any]:
        form = self.form
        hosts = []
        for line in form["hosts"].splitlines():
            parts = line.replace(",", " ").split()
            if parts:
                hosts.append({"email": parts[0], "priority": _number(parts[1]) if len(parts) > 1 else 0})
        return {
            "title": form["title"],
            "slug": form["slug"].strip().lower(),
            "description": form["description"],
            "durations": _numbers(form["durations"]),
            "buffer_before": _number(form["buffer_before"] or "0"),
            "buffer_after": _number(form["buffer_after"] or "0"),
            "min_notice": _number(form["min_notice"] or "0"),
            "horizon_days": _number(form["horizon_days"] or "60"),
            "daily_limit": _number(form["daily_limit"]) if form["daily_limit"].strip() else None,
            "slot_step": _number(form["slot_step"]),
            "location": form["location"],
            "video_call": self.video_call,
            "kind": form["kind"],
            "hosts": hosts,
            "questions": [
                {
                    **({"id": question["id"]} if question.get("id") else {}),
                    "label": question["label"],
                    "required": bool(question["required"]),
                    "kind": question["kind"],
                }
                for question in self.questions
            ],
        }

    def _show(self, error: DomainError) -> None:
        self.field_errors = {}
        for problem in error.errors:
            key = problem.field.split(".")[0].split("[")[0]
            key = key if key in _FIELDS else ""
            if key and key not in self.field_errors:
                message = problem.message
                if "valid integer" in message:
                    message = "Use whole numbers of minutes, e.g. 15, 30, 60."
                self.field_errors = {**self.field_errors, key: message}
        unplaced = [
            problem for problem in error.errors if problem.field.split(".")[0].split("[")[0] not in _FIELDS
        ]
        self.form_error = (
            error.detail if not error.errors or unplaced else "Please correct the marked fields."
        )
        if unplaced:
            self.form_error += " " + " ".join(f"{p.field}: {p.message}" for p in unplaced)

    @rx.event
    async def save(self):
        if ended := await self.session_ended():
            yield ended
            return
        self.saving, self.form_error = True, ""
        yield
        db = collections()
        try:
            owner = UserDoc.from_mongo(await db.users.find_one({"_id": self._user_id}) or {})
            data: EventTypeIn = validated(EventTypeIn, self._payload())
            if self.editing_id:
                await event_types.update_event_type(
                    db, owner, self.editing_id, EventTypeUpdate(**data.model_dump(exclude={"active"}))
                )
            else:
                await event_types.create_event_type(db, owner, data)
            await self._reload()
        except DomainError as error:
            self._show(error)
            return
        except PyMongoError:
            self.form_error = DATABASE_DOWN
            return
        finally:
            self.saving = False
        self.form_open = False
        yield rx.toast.success("Booking page saved.")

    @rx.event
    async def set_active(self, type_id: str, active: bool):
        if ended := await self.session_ended():
            yield ended
            return
        db = collections()
        try:
            owner = UserDoc.from_mongo(await db.users.find_one({"_id": self._user_id}) or {})
            await event_types.update_event_type(db, owner, type_id, EventTypeUpdate(active=bool(active)))
            await self._reload()
        except DomainError as error:
            yield rx.toast.error(error.detail)
        except PyMongoError:
            yield rx.toast.error(DATABASE_DOWN)

    @rx.event
    async def delete_type(self, type_id: str):
        if ended := await self.session_ended():
            yield ended
            return
        try:
            await event_types.delete_event_type(collections(), self._user_id, type_id)
            await self._reload()
        except DomainError as error:
            yield rx.toast.error(error.detail)
        except PyMongoError:
            yield rx.toast.error(DATABASE_DOWN)
