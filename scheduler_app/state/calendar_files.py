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
            self.feed_url, self.import_error, self.import_summary, self.import_skipped = "", "", "", []

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

    @rx.event
    async def import_file(self, files: list[rx.UploadFile]):
        """Import the dropped .ics file into the chosen calendar, all or nothing."""
        if ended := await self.session_ended():
            yield ended
            return
        self.import_error, self.import_summary, self.import_skipped = "", "", []
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
                collections(), self._user_id, self.files_calendar_id, data, self.display_time_zone
            )
        except DomainError as error:
            self.import_error = str(error) if error.errors else error.detail
            return
        except PyMongoError:
            self.import_error = DATABASE_DOWN
            return
        finally:
            self.importing = False
        self.import_summary = (
            f"Imported {result.created + result.updated} events "
            f"({result.created} new, {result.updated} updated); skipped {len(result.skipped)}."
        )
        self.import_skipped = [
            {"title": item.get("title") or item.get("uid") or "(untitled)", "reason": item["reason"]}
            for item in result.skipped
        ]
        await self._refresh()
