"""Import and export of a calendar as .ics, and its private subscription link."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pymongo.errors import PyMongoError

from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import DomainError
from scheduler_app.backend.events import calendar_files, ics
from scheduler_app.state.calendar import DATABASE_DOWN, CalendarState
from scheduler_app.state.session import backend_url

UPLOAD_ID = "ics-upload"


class CalendarFilesState(CalendarState):
    files_dialog_open: bool = False
    files_calendar_id: str = ""
    feed_url: str = ""
    importing: bool = False
    import_error: str = ""
    import_summary: str = ""
    import_skipped: list[dict[str, Any]] = []
    import_preview: list[dict[str, Any]] = []
    import_ready: bool = False
    _pending_file: bytes = b""

    @rx.var
    def export_url(self) -> str:
        return (
            backend_url(f"/api/v1/calendars/{self.files_calendar_id}/export.ics")
            if self.files_calendar_id
            else ""
        )

    @rx.event
    def set_files_dialog_open(self, is_open: bool) -> None:
        self.files_dialog_open = is_open
        if is_open:
            self.files_calendar_id = self.files_calendar_id or next(
                (calendar["id"] for calendar in self.calendars if calendar["is_default"]), ""
            )
            self.feed_url = ""
            self._reset_import()

    @rx.event
    def set_files_calendar_id(self, calendar_id: str) -> None:
        self.files_calendar_id = calendar_id
        self.feed_url = ""

    @rx.event
    async def create_feed(self) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        try:
            token = await calendar_files.enable_feed(collections(), self._user_id, self.files_calendar_id)
        except DomainError as error:
            return rx.toast.error(error.detail)
        except PyMongoError:
            return rx.toast.error(DATABASE_DOWN)
        self.feed_url = backend_url(f"/feeds/{token}.ics")
        return None

    @rx.event
    async def turn_off_feed(self) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        try:
            await calendar_files.disable_feed(collections(), self._user_id, self.files_calendar_id)
        except DomainError as error:
            return rx.toast.error(error.detail)
        except PyMongoError:
            return rx.toast.error(DATABASE_DOWN)
        self.feed_url = ""
        return rx.toast.success("The subscription link no longer works.")

    def _reset_import(self) -> None:
        self.import_error, self.import_summary = "", ""
        self.import_skipped, self.import_preview = [], []
        self.import_ready, self._pending_file = False, b""

    def _report(self, result: calendar_files.ImportResult) -> None:
        self.import_skipped = [
            {"title": item.get("title") or item.get("uid") or "(untitled)", "reason": item["reason"]}
            for item in result.skipped
        ]
        self.import_preview = [
            {"title": item["title"], "when": item["start"][:16].replace("T", " "), "change": item["change"]}
            for item in result.preview
        ]

    @rx.event
    async def preview_file(self, files: list[rx.UploadFile]):
        """Read the dropped .ics and show what importing it would do; nothing is written yet."""
        if ended := await self.session_ended():
            yield ended
            return
        self._reset_import()
        if not files:
            self.import_error = "Choose an .ics file first."
            return
        self.importing = True
        yield
        try:
            data = await files[0].read(ics.MAX_IMPORT_BYTES + 1)
            if len(data) > ics.MAX_IMPORT_BYTES:
                self.import_error = f"The file is larger than {ics.MAX_IMPORT_BYTES // 1_000_000} MB."
                return
            result = await calendar_files.import_calendar(
                collections(),
                self._user_id,
                self.files_calendar_id,
                data,
                self.display_time_zone,
                dry_run=True,
            )
        except DomainError as error:
            self.import_error = str(error) if error.errors else error.detail
            return
        except PyMongoError:
            self.import_error = DATABASE_DOWN
            return
        finally:
            self.importing = False
        self._report(result)
        self._pending_file = data
        self.import_ready = result.created + result.updated > 0
        self.import_summary = (
            f"Ready to import {result.created + result.updated} events "
            f"({result.created} new, {result.updated} updates); {len(result.skipped)} will be skipped."
        )

    @rx.event
    async def confirm_import(self):
        """Import the previewed file, all or nothing."""
        if ended := await self.session_ended():
            yield ended
            return
        if not self._pending_file:
            return
        self.importing, self.import_ready = True, False
        yield
        try:
            result = await calendar_files.import_calendar(
                collections(),
                self._user_id,
                self.files_calendar_id,
                self._pending_file,
                self.display_time_zone,
            )
        except DomainError as error:
            self.import_error = str(error) if error.errors else error.detail
            return
        except PyMongoError:
            self.import_error = DATABASE_DOWN
            return
        finally:
            self.importing = False
        self._pending_file = b""
        self._report(result)
        self.import_preview = []
        self.import_summary = (
            f"Imported {result.created + result.updated} events "
            f"({result.created} new, {result.updated} updated); skipped {len(result.skipped)}."
        )
        await self._refresh()

    @rx.event
    def cancel_import(self) -> None:
        self._reset_import()
