"""Our events as iCalendar VEVENTs: the one mapping used by exports, feeds and invitation mail."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from scheduler_app.backend.events import ics, series
from scheduler_app.backend.models import EventDoc

UID_DOMAIN = "scheduler"
PARTSTAT = {
    "needsAction": "NEEDS-ACTION",
    "accepted": "ACCEPTED",
    "tentative": "TENTATIVE",
    "declined": "DECLINED",
}


def event_uid(event: EventDoc) -> str:
    """The iCalendar UID: the one it was imported with, else ours (an occurrence shares its series')."""
    return event.ical_uid or f"{event.recurring_event_id or event.id}@{UID_DOMAIN}"


def _start_end(event: EventDoc) -> tuple[dt.datetime | dt.date, dt.datetime | dt.date]:
    if event.all_day:
        assert event.start_date and event.end_date
        return event.start_date, event.end_date
    zone = zoneinfo.ZoneInfo(event.time_zone)
    end = event.first_end_utc if event.is_series and event.first_end_utc else event.end_utc
    return event.start_utc.astimezone(zone), end.astimezone(zone)


def to_ics_event(event: EventDoc, master_uid: str | None = None) -> ics.IcsEvent:
    """The event as a VEVENT (a series with its rule, an occurrence with its RECURRENCE-ID)."""
    start, end = _start_end(event)
    return ics.IcsEvent(
        uid=master_uid or event_uid(event),
        title=event.title,
        start=start,
        end=end,
        time_zone=event.time_zone,
        description=event.description,
        location=event.location,
        recurrence=list(event.recurrence),
        recurrence_id=series.original_start(event) if event.recurrence_id else None,
        conference_url=event.conference.url if event.conference else "",
        organizer=ics.IcsAttendee(email=event.organizer_email, name=event.organizer_name)
        if event.organizer_email
        else None,
        attendees=[
            ics.IcsAttendee(
                email=guest.email,
                name=guest.display_name,
                partstat=PARTSTAT[guest.response_status],
                role="OPT-PARTICIPANT" if guest.optional else "REQ-PARTICIPANT",
            )
            for guest in event.attendees
        ],
        created=event.created_at,
        last_modified=event.updated_at,
    )
