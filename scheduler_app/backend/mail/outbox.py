"""Outgoing mail: compose a message and hand it to the configured SMTP server or the local outbox.

With SMTP_URL unset (the embedded default) messages are written to a Maildir under DATA_DIR/outbox,
which admins read on the Outbox page; nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import mailbox
import smtplib
import ssl
import urllib.parse
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import structlog

from scheduler_app.settings import get_settings

SMTP_TIMEOUT_SECONDS = 15
SEND_ATTEMPTS = 3
log = structlog.get_logger("scheduler_app.mail")


class MailDeliveryError(RuntimeError):
    """The mail server refused or could not be reached after retries."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "text/calendar; method=REQUEST"
    content: bytes


def compose(
    to: str | list[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: list[Attachment] | None = None,
    reply_to: str | None = None,
) -> EmailMessage:
    """A standards-compliant message from the configured sender (plain text first, HTML optional)."""
    message = EmailMessage()
    message["From"] = get_settings().mail_from
    message["To"] = ", ".join(to) if isinstance(to, list) else to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="scheduler.local")
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for attachment in attachments or []:
        maintype, _, rest = attachment.content_type.partition("/")
        subtype, _, params = rest.partition(";")
        extra = dict(part.strip().split("=", 1) for part in params.split(";") if "=" in part)
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype.strip(),
            filename=attachment.filename,
            params=extra,
        )
    return message


def outbox_path() -> Path:
    return get_settings().data_dir / "outbox"


def _deliver_to_outbox(message: EmailMessage) -> None:
    outbox = mailbox.Maildir(outbox_path(), create=True)
    outbox.add(message)


def _deliver_by_smtp(url: str, message: EmailMessage) -> None:
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port or 465, timeout=SMTP_TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    elif parts.scheme in ("smtp", "smtp+starttls"):
        client = smtplib.SMTP(host, port or 25, timeout=SMTP_TIMEOUT_SECONDS)
    else:
        raise MailDeliveryError(f"Unsupported SMTP_URL scheme {parts.scheme!r}.")
    with client:
        if parts.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""))
        client.send_message(message)


def deliver(message: EmailMessage) -> None:
    """Send now (blocking), retrying transient failures; raises MailDeliveryError when it gives up."""
    url = get_settings().smtp_url
    if not url:
        _deliver_to_outbox(message)
        log.info("mail.queued_locally", to=message["To"], subject=message["Subject"])
        return
    last_error: Exception | None = None
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            _deliver_by_smtp(url, message)
        except smtplib.SMTPResponseException as error:
            last_error = error
            if error.smtp_code < 500:
                continue  # 4xx: temporary, try again
            break
        except (OSError, smtplib.SMTPException) as error:
            last_error = error
        else:
            log.info("mail.sent", to=message["To"], subject=message["Subject"], attempt=attempt)
            return
    log.error("mail.failed", to=message["To"], subject=message["Subject"], error=str(last_error))
    raise MailDeliveryError(f"Could not send mail to {message['To']}: {last_error}") from last_error


async def send_mail(message: EmailMessage) -> None:
    """`deliver` without blocking the event loop."""
    await asyncio.to_thread(deliver, message)
