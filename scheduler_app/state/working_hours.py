"""The working-hours editor in Settings: one range per weekday, in a chosen zone."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pymongo.errors import PyMongoError

from scheduler_app.backend.db import collections
from scheduler_app.backend.errors import DomainError
from scheduler_app.backend.scheduling.store import (
    TimeRangeModel,
    WeeklyHours,
    WorkingHoursIn,
    WorkingHoursOut,
    get_working_hours,
    put_working_hours,
)
from scheduler_app.state.session import SessionState

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def rows_of(hours: WorkingHoursOut) -> list[dict[str, Any]]:
    """One editable row per weekday; a day with several ranges is shown but kept as it is."""
    rows = []
    for day in DAYS:
        ranges = getattr(hours.weekly, day)
        rows.append(
            {
                "day": day,
                "label": day.capitalize(),
                "on": bool(ranges),
                "start": ranges[0].start if ranges else "09:00",
                "end": ranges[-1].end if ranges else "17:00",
                "several": len(ranges) > 1,
            }
        )
    return rows


class WorkingHoursState(SessionState):
    hour_rows: list[dict[str, Any]] = []
    hours_zone: str = ""
    hours_message: str = ""
    hours_error: str = ""
    _stored: dict[str, Any] = {}

    @rx.event
    async def load_hours(self) -> None:
        if not self._user_id and not await self.load_user():
            return
        try:
            hours = await get_working_hours(collections(), self._user_id)
        except (DomainError, PyMongoError):
            self.hours_error = "Couldn't load your working hours."
            return
        self._stored = hours.model_dump()
        self.hour_rows = rows_of(hours)
        self.hours_zone = hours.time_zone

    def _set(self, day: str, key: str, value: Any) -> None:
        self.hours_message = ""
        self.hour_rows = [{**row, key: value} if row["day"] == day else row for row in self.hour_rows]

    @rx.event
    def set_day_on(self, day: str, on: bool) -> None:
        self._set(day, "on", bool(on))

    @rx.event
    def set_day_start(self, day: str, value: str) -> None:
        self._set(day, "start", value)

    @rx.event
    def set_day_end(self, day: str, value: str) -> None:
        self._set(day, "end", value)

    @rx.event
    async def save_hours(self, form_data: dict) -> rx.event.EventSpec | None:
        if ended := await self.session_ended():
            return ended
        self.hours_message, self.hours_error = "", ""
        stored_weekly = self._stored.get("weekly", {})
        weekly = {
            row["day"]: (
                stored_weekly.get(row["day"], [])
                if row["several"] and row["on"]
                else ([TimeRangeModel(start=row["start"], end=row["end"])] if row["on"] else [])
            )
            for row in self.hour_rows
        }
        try:
            saved = await put_working_hours(
                collections(),
                self._user_id,
                WorkingHoursIn(
                    time_zone=str(form_data.get("time_zone") or self.hours_zone),
                    weekly=WeeklyHours.model_validate(weekly),
                    overrides=self._stored.get("overrides", []),
                    out_of_office=self._stored.get("out_of_office", []),
                    lunch=self._stored.get("lunch"),
                ),
            )
        except DomainError as error:
            self.hours_error = str(error) if error.errors else error.detail
            return None
        except PyMongoError:
            self.hours_error = "Can't reach the database; your working hours were not saved."
            return None
        self._stored = saved.model_dump()
        self.hour_rows = rows_of(saved)
        self.hours_zone = saved.time_zone
        self.hours_message = "Working hours saved."
        return rx.toast.success("Working hours saved.")
