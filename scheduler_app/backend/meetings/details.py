"""What a meeting provider is told about the event a link is for (Google and Microsoft want its time)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass


@dataclass(frozen=True)
class MeetingDetails:
    """The event's title and time; all-day events also carry their dates (end exclusive)."""

    title: str
    start_utc: dt.datetime
    end_utc: dt.datetime
    time_zone: str = "UTC"
    all_day: bool = False
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    event_id: str | None = None

    def wall_clock_span(self) -> tuple[dt.datetime, dt.datetime]:
        """Start and end instants; an all-day event runs from midnight to midnight in its own zone."""
        if self.all_day and self.start_date and self.end_date:
            zone = zoneinfo.ZoneInfo(self.time_zone)
            return (
                dt.datetime.combine(self.start_date, dt.time(), zone),
                dt.datetime.combine(self.end_date, dt.time(), zone),
            )
        return self.start_utc, self.end_utc
