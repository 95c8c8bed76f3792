"""Guests are mailed: an invitation with their answer link, updates with a rising SEQUENCE, cancellations."""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest

from tests.conftest import unique_email
from tests.integration.api_helpers import (
    cheap_password_hashing,  # noqa: F401  (autouse)
    create_event,
    timed,
)
from tests.mail_server import MailServer

pytestmark = pytest.mark.integration


def titled(messages: list[EmailMessage], prefix: str) -> EmailMessage:
    """The one message whose subject starts with `prefix` (a Maildir lists messages in no set order)."""
    [found] = [message for message in messages if message["Subject"].startswith(prefix)]
    return found


def ics_of(message: EmailMessage) -> str:
    [part] = [part for part in message.iter_attachments() if part.get_filename() == "invite.ics"]
    return part.get_payload(decode=True).decode().replace("\r\n ", "")  # unfolded (RFC 5545 3.1)


async def test_a_guest_is_invited_updated_and_told_of_the_cancellation(
    sign_in, anonymous, mail_server: MailServer
):
    organiser = await sign_in()
    outsider = unique_email("outsider")
    event = create_event(organiser, "Quarterly planning", attendees=[{"email": outsider}], location="Room 4")

    [invitation] = mail_server.wait_for(outsider)
    assert invitation["Subject"].startswith("Invitation: Quarterly planning")
    assert invitation["Reply-To"] == organiser.email
    text = invitation.get_body(("plain",)).get_content()
    link = re.search(r"(https?://\S+/invitation/(\S+))", text)
    assert link is not None and "Room 4" in text
    calendar = ics_of(invitation)
    assert "METHOD:REQUEST" in calendar and "SEQUENCE:1" not in calendar and outsider in calendar.lower()
    # The link lets them answer without an account.
    answered = anonymous.post(
        f"/api/v1/invitations/{link.group(2)}/response", json={"response_status": "accepted"}
    )
    assert answered.status_code == 200, answered.text
    # The organiser is not mailed their own invitation, but hears the answer (an iTIP REPLY).
    [reply] = mail_server.wait_for(organiser.email)
    assert reply["Subject"].startswith("Accepted: Quarterly planning") and reply["Reply-To"] == outsider
    [part] = [part for part in reply.iter_attachments() if part.get_filename() == "reply.ics"]
    answer = part.get_payload(decode=True).decode().replace("\r\n ", "")
    assert "METHOD:REPLY" in answer and "PARTSTAT=ACCEPTED" in answer and outsider in answer.lower()

    moved = organiser.patch(
        f"/api/v1/events/{event['id']}", json=timed("2026-03-02T11:00:00", "2026-03-02T12:00:00")
    )
    assert moved.status_code == 200, moved.text
    update = titled(mail_server.wait_for(outsider, count=2), "Updated invitation: Quarterly planning")
    assert "SEQUENCE:1" in ics_of(update)

    organiser.patch(f"/api/v1/events/{event['id']}", json={"description": "Agenda attached"})
    assert organiser.delete(f"/api/v1/events/{event['id']}").status_code == 204
    messages = mail_server.wait_for(outsider, count=3)
    assert len(messages) == 3  # the description change alone sent nothing
    cancellation = titled(messages, "Cancelled: Quarterly planning")
    calendar = ics_of(cancellation)
    assert "METHOD:CANCEL" in calendar and "STATUS:CANCELLED" in calendar and "SEQUENCE:2" in calendar


async def test_removed_guests_get_a_cancellation_and_one_occurrence_cancels_alone(
    sign_in, mail_server: MailServer
):
    organiser = await sign_in()
    stays, leaves = unique_email("stays"), unique_email("leaves")
    series = create_event(
        organiser,
        "Weekly sync",
        attendees=[{"email": stays}, {"email": leaves}],
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=4"],
    )
    assert "RRULE:FREQ=WEEKLY;COUNT=4" in ics_of(mail_server.wait_for(stays)[0])
    organiser.patch(
        f"/api/v1/events/{series['id']}", params={"scope": "all"}, json={"attendees": [{"email": stays}]}
    )
    removed = titled(mail_server.wait_for(leaves, count=2), "Cancelled")
    assert "METHOD:CANCEL" in ics_of(removed)
    second = f"{series['id']}_20260309T080000Z"
    assert organiser.delete(f"/api/v1/events/{second}", params={"scope": "this"}).status_code == 204
    cancelled = titled(mail_server.wait_for(stays, count=2), "Cancelled")
    calendar = ics_of(cancelled)
    assert "METHOD:CANCEL" in calendar and "RECURRENCE-ID" in calendar and "20260309T" in calendar
