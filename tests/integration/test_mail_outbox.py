"""Mail leaves through the configured SMTP server, or lands in the local outbox when none is set."""

from __future__ import annotations

import mailbox

import pytest

from scheduler_app.backend.mail.outbox import Attachment, MailDeliveryError, compose, send_mail
from scheduler_app.settings import get_settings
from tests.conftest import unique_email
from tests.mail_server import MailServer
from tests.servers import free_port

pytestmark = pytest.mark.integration


async def test_mail_with_calendar_attachment_reaches_the_smtp_server(mail_server: MailServer) -> None:
    to = unique_email("mail")
    invite = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    message = compose(
        to,
        "Booked: Intro call",
        "See you then.",
        html="<p>See you then.</p>",
        attachments=[Attachment("invite.ics", "text/calendar; method=REQUEST", invite)],
    )
    await send_mail(message)
    [received] = mail_server.wait_for(to)
    assert received["Subject"] == "Booked: Intro call"
    assert received.get_body(("plain",)).get_content().strip() == "See you then."
    [part] = [part for part in received.iter_attachments() if part.get_filename() == "invite.ics"]
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_payload(decode=True) == invite


async def test_without_smtp_mail_lands_in_the_local_outbox(tmp_path, monkeypatch) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_url", None)
    monkeypatch.setattr(settings, "data_dir", tmp_path)
    to = unique_email("outbox")
    await send_mail(compose(to, "Reset your password", "Follow the link."))
    [stored] = list(mailbox.Maildir(tmp_path / "outbox", create=False))
    assert stored["To"] == to


async def test_an_unreachable_server_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "smtp_url", f"smtp://127.0.0.1:{free_port()}")
    with pytest.raises(MailDeliveryError, match="Could not send mail"):
        await send_mail(compose(unique_email("nobody"), "Hello", "Hi"))
