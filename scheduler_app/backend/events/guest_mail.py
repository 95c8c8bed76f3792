"""Invitation mail: for guests an invitation when added, an update when the event changes, a
cancellation when removed or when the event is deleted, each with an iTIP .ics and the guest's
answer link (so people without an account can answer too); for the organiser, each guest's answer
(an iTIP REPLY).

Mail goes out after the event is saved, in the background: a slow or unreachable mail server never
delays or undoes a save; a failed delivery is logged (`guest_mail.failed`).
"""

from __future__ import annotations

import asyncio
import zoneinfo
from dataclasses import dataclass
from email.message import EmailMessage

import structlog

from scheduler_app.backend.events.itip import Method, itip_calendar
from scheduler_app.backend.mail.outbox import Attachment, MailDeliveryError, compose, send_mail
from scheduler_app.backend.models import AttendeeDoc, EventDoc
from scheduler_app.settings import get_settings

log = structlog.get_logger("scheduler_app.guest_mail")
DESCRIPTION_IN_MAIL = 2_000
_pending: set[asyncio.Task[None]] = set()


@dataclass(frozen=True)
class GuestMail:
    """One message to send: to whom, what kind, about which version of the event."""

    guest: AttendeeDoc
    method: Method
    kind: str  # "invitation", "update" or "cancellation"
    event: EventDoc


def _changed_for_guests(before: EventDoc, after: EventDoc) -> bool:
    return (
        before.start_utc != after.start_utc
        or before.end_utc != after.end_utc
        or before.all_day != after.all_day
        or before.title != after.title
        or before.location != after.location
        or before.recurrence != after.recurrence
        or (before.conference.url if before.conference else "")
        != (after.conference.url if after.conference else "")
    )


def mails_for(before: EventDoc | None, after: EventDoc | None) -> list[GuestMail]:
    """Who hears what after a change from `before` to `after` (None: created / deleted). Pure."""
    organizer = (after or before).organizer_email if (after or before) else ""
    old = {guest.email: guest for guest in (before.attendees if before else []) if guest.email != organizer}
    new = {guest.email: guest for guest in (after.attendees if after else []) if guest.email != organizer}
    mails: list[GuestMail] = []
    if after is None:
        assert before is not None
        return [GuestMail(guest, "CANCEL", "cancellation", before) for guest in old.values()]
    mails += [
        GuestMail(guest, "REQUEST", "invitation", after) for email, guest in new.items() if email not in old
    ]
    if before is not None:
        mails += [
            GuestMail(guest, "CANCEL", "cancellation", after)
            for email, guest in old.items()
            if email not in new
        ]
        if _changed_for_guests(before, after):
            mails += [
                GuestMail(guest, "REQUEST", "update", after) for email, guest in new.items() if email in old
            ]
    return mails


def _when(event: EventDoc) -> str:
    zone = zoneinfo.ZoneInfo(event.time_zone)
    if event.all_day and event.start_date is not None:
        return f"{event.start_date:%A %d %B %Y} (all day)"
    start, end = event.start_utc.astimezone(zone), (event.first_end_utc or event.end_utc).astimezone(zone)
    return f"{start:%A %d %B %Y, %H:%M}–{end:%H:%M} ({event.time_zone})"


def _compose(mail: GuestMail, calendar: bytes) -> EmailMessage:
    event = mail.event
    subject = {"invitation": "Invitation", "update": "Updated invitation", "cancellation": "Cancelled"}[
        mail.kind
    ]
    organizer = event.organizer_name or event.organizer_email
    lines = [
        {
            "invitation": f"{organizer} invites you to {event.title}.",
            "update": f"{organizer} changed {event.title}.",
            "cancellation": f"{event.title} was cancelled, or you are no longer invited.",
        }[mail.kind],
        "",
        f"When: {_when(event)}" + (" (repeats)" if event.is_series else ""),
    ]
    if event.location:
        lines.append(f"Where: {event.location}")
    if event.conference and mail.method == "REQUEST":
        lines.append(f"Video call: {event.conference.url}")
    if event.description and mail.method == "REQUEST":
        lines += ["", event.description[:DESCRIPTION_IN_MAIL]]
    if mail.method == "REQUEST":
        answer = f"{get_settings().app_url.rstrip('/')}/invitation/{mail.guest.rsvp_token}"
        lines += ["", f"Going? Answer here: {answer}"]
    return compose(
        mail.guest.email,
        f"{subject}: {event.title} — {_when(event)}",
        "\n".join(lines),
        attachments=[Attachment("invite.ics", f"text/calendar; method={mail.method}", calendar)],
        reply_to=event.organizer_email or None,
    )


async def _deliver(mails: list[GuestMail]) -> None:
    for mail in mails:
        try:
            # An occurrence's UID is its series' (see ics_events.event_uid), with its RECURRENCE-ID.
            calendar = await asyncio.to_thread(itip_calendar, mail.event, mail.method, mail.event.sequence)
            await send_mail(_compose(mail, calendar))
        except MailDeliveryError as error:
            log.error("guest_mail.failed", event_id=mail.event.id, to=mail.guest.email, error=str(error))
        except Exception:  # a bad event must not stop the other guests' mail
            log.exception("guest_mail.failed", event_id=mail.event.id, to=mail.guest.email)


def tell_guests(before: EventDoc | None, after: EventDoc | None) -> None:
    """Send the mails a change calls for, in the background (after the change is saved)."""
    if after is None and before is not None:  # a cancellation supersedes every earlier message
        before = before.model_copy(update={"sequence": before.sequence + 1})
    mails = mails_for(before, after)
    if not mails:
        return
    task = asyncio.get_running_loop().create_task(_deliver(mails))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


_ANSWERS = {"accepted": "Accepted", "tentative": "Maybe", "declined": "Declined"}


def reply_calendar(event: EventDoc, guest: AttendeeDoc) -> bytes:
    """The guest's answer as an iTIP REPLY: the event with that one attendee and their PARTSTAT."""
    return itip_calendar(event.model_copy(update={"attendees": [guest]}), "REPLY", event.sequence)


async def _deliver_reply(event: EventDoc, guest: AttendeeDoc) -> None:
    who = guest.display_name or guest.email
    verb = {"accepted": "accepted", "tentative": "might come to", "declined": "declined"}[
        guest.response_status
    ]
    try:
        calendar = await asyncio.to_thread(reply_calendar, event, guest)
        await send_mail(
            compose(
                event.organizer_email,
                f"{_ANSWERS[guest.response_status]}: {event.title} — {_when(event)}",
                f"{who} {verb} {event.title} ({_when(event)}).",
                attachments=[Attachment("reply.ics", "text/calendar; method=REPLY", calendar)],
                reply_to=guest.email,
            )
        )
    except MailDeliveryError as error:
        log.error("guest_mail.reply_failed", event_id=event.id, error=str(error))
    except Exception:  # the answer is saved; its mail is a courtesy
        log.exception("guest_mail.reply_failed", event_id=event.id)


def tell_organizer(event: EventDoc, guest: AttendeeDoc) -> None:
    """Mail the organiser a guest's answer (in the background; "no answer yet" is not news)."""
    if (
        guest.response_status not in _ANSWERS
        or not event.organizer_email
        or guest.email == event.organizer_email
    ):
        return
    task = asyncio.get_running_loop().create_task(_deliver_reply(event, guest))
    _pending.add(task)
    task.add_done_callback(_pending.discard)
