"""A real SMTP server (aiosmtpd) on 127.0.0.1 that stores what it receives in a Maildir."""

from __future__ import annotations

import email.policy
import mailbox
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

from tests.servers import free_port


class MailServer:
    def __init__(self, root: Path):
        self.maildir = root / "maildir"
        for sub in ("tmp", "new", "cur"):
            (self.maildir / sub).mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self._controller = Controller(Mailbox(self.maildir), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def messages_to(self, address: str) -> list[EmailMessage]:
        """Every message delivered so far whose To or Cc names `address` (case-insensitive)."""
        found = []
        for key in mailbox.Maildir(self.maildir, create=False).iterkeys():
            path = next(self.maildir.glob(f"*/{key}*"), None)
            if path is None:
                continue
            parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            recipients = f"{parsed.get('To', '')},{parsed.get('Cc', '')}".lower()
            if address.lower() in recipients:
                found.append(parsed)
        return found

    def wait_for(self, address: str, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """Poll until `count` messages reached `address`; fails the test when they do not."""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.messages_to(address)
            if len(messages) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert len(messages) >= count, f"expected {count} mail(s) to {address}, got {len(messages)}"
        return messages
