"""iTIP (RFC 5546) messages: an event as the .ics an invitation, update or cancellation carries."""

from __future__ import annotations

import dataclasses
from typing import Literal

from scheduler_app.backend.events import ics
from scheduler_app.backend.events.ics_events import to_ics_event
from scheduler_app.backend.models import EventDoc

Method = Literal["REQUEST", "CANCEL", "REPLY"]


def itip_calendar(event: EventDoc, method: Method, sequence: int, master_uid: str | None = None) -> bytes:
    """The event under an iTIP method: the same UID for every change, SEQUENCE counting the changes.

    An occurrence of a series carries the series' UID (`master_uid`) and its RECURRENCE-ID.
    """
    item = dataclasses.replace(
        to_ics_event(event, master_uid),
        sequence=sequence,
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
    )
    return ics.export_calendar(event.title, [item], refresh_interval=None, method=method)
