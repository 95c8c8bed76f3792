"""Booking mail: confirmations and changes with an iTIP .ics (METHOD:REQUEST), cancellations (CANCEL)."""

from __future__ import annotations

import asyncio
import zoneinfo
from collections.abc import Sequence
from typing import Literal

import structlog

from scheduler_app.backend.booking.documents import BookingDoc
from scheduler_app.backend.events import itip
from scheduler_app.backend.events.itip import Method
from scheduler_app.backend.mail.outbox import Attachment, MailDeliveryError, compose, send_mail
from scheduler_app.backend.models import EventDoc
from scheduler_app.settings import get_settings

log = structlog.get_logger("scheduler_app.booking")
Change = Literal["booked", "rescheduled", "cancelled", "host_cancelled"]
_SUBJECTS = {
    "booked": "Confirmed",
    "rescheduled": "Rescheduled",
    "cancelled": "Cancelled",
    "host_cancelled": "Cancelled by the host",
}
_CANCELLED: frozenset[Change] = frozenset({"cancelled", "host_cancelled"})


def manage_url(token: str) -> str:
    return f"{get_settings().app_url.rstrip('/')}/booking/manage/{token}"


def itip_calendar(event: EventDoc, booking: BookingDoc, method: Method) -> bytes:
    """The booking's event as an iTIP message (its SEQUENCE counts the booking's changes)."""
    return itip.itip_calendar(event, method, booking.sequence)


def _when(booking: BookingDoc, zone_name: str) -> str:
    zone = zoneinfo.ZoneInfo(zone_name)
    start, end = booking.start_utc.astimezone(zone), booking.end_utc.astimezone(zone)
    return f"{start:%A %d %B %Y, %H:%M}–{end:%H:%M} ({zone_name})"


def _body(booking: BookingDoc, change: Change, zone: str, host_names: Sequence[str], link: str | None) -> str:
    lines = [
        f"{_SUBJECTS[change]}: {booking.title}",
        "",
        f"When: {_when(booking, zone)}",
        f"With: {', '.join(host_names)} and {booking.booker_name} <{booking.booker_email}>",
    ]
    if booking.location:
        lines.append(f"Where: {booking.location}")
    if change == "host_cancelled":
        lines[1:1] = ["", "The host cancelled this booking and removed it from their calendar."]
    if booking.conference_url and change not in _CANCELLED:
        lines.append(f"Video call: {booking.conference_url}")
    for answer in booking.answers:
        lines.append(f"{answer.label}: {answer.value}")
    if link:
        lines += [
            "",
            f"To cancel or reschedule: {link}",
            "Keep this link private; anyone holding it can change the booking.",
        ]
    return "\n".join(lines) + "\n"


async def send_booking_mail(
    event: EventDoc,
    booking: BookingDoc,
    change: Change,
    hosts: Sequence[dict],
    host_zones: dict[str, str],
    token: str | None = None,
) -> None:
    """Tell the booker (with their manage link) and every host; a failed delivery is logged, not raised.

    The booking is already committed: a mail server outage must not undo it or report it as failed.
    """
    method: Method = "CANCEL" if change in _CANCELLED else "REQUEST"
    calendar = await asyncio.to_thread(itip_calendar, event, booking, method)
    attachment = Attachment("invite.ics", f"text/calendar; method={method}", calendar)
    names = [host.get("name") or host["email"] for host in hosts]
    subject = f"{_SUBJECTS[change]}: {booking.title} on {_when(booking, booking.booker_time_zone)}"
    messages = [
        compose(
            booking.booker_email,
            subject,
            _body(booking, change, booking.booker_time_zone, names, manage_url(token) if token else None),
            attachments=[attachment],
        )
    ]
    for host in hosts:
        zone = host_zones.get(host["_id"], "UTC")
        messages.append(
            compose(
                host["email"],
                f"{_SUBJECTS[change]}: {booking.title} with {booking.booker_name} on {_when(booking, zone)}",
                _body(booking, change, zone, names, None),
                attachments=[attachment],
                reply_to=booking.booker_email,
            )
        )
    for message in messages:
        try:
            await send_mail(message)
        except MailDeliveryError as error:
            log.error("booking.mail_failed", booking_id=booking.id, to=message["To"], error=str(error))
