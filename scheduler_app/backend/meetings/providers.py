"""Meeting-link providers: Jitsi needs no account; Google Meet and Teams need a connected account."""

from __future__ import annotations

import secrets
from typing import Protocol

from scheduler_app.backend.errors import FieldProblem, InvalidInputError
from scheduler_app.backend.models import ConferenceDoc

# Unambiguous lowercase words: Jitsi room names are case-insensitive and read aloud on calls.
_ROOM_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class MeetingProvider(Protocol):
    """Creates a meeting link for an event."""

    name: str

    async def create_meeting(self, title: str) -> ConferenceDoc: ...


class JitsiProvider:
    """Jitsi Meet rooms: an unguessable room name on a Jitsi server, no credentials needed."""

    name = "jitsi"

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")

    async def create_meeting(self, title: str) -> ConferenceDoc:
        del title  # room names never leak the event's title
        room = "-".join("".join(secrets.choice(_ROOM_ALPHABET) for _ in range(4)) for _ in range(4))
        room = f"Scheduler-{room}"
        return ConferenceDoc(provider=self.name, url=f"{self.base_url}/{room}", conference_id=room)


def meeting_provider(name: str, jitsi_base_url: str) -> MeetingProvider:
    """The provider called `name`, or a 422 explaining what it needs."""
    if name == "jitsi":
        return JitsiProvider(jitsi_base_url)
    if name in ("google_meet", "microsoft_teams"):
        account = "Google" if name == "google_meet" else "Microsoft"
        raise InvalidInputError(
            f"{account} meeting links need a connected {account} account.",
            [FieldProblem("conference.provider", f"Connect a {account} account first, or use 'jitsi'.")],
        )
    raise InvalidInputError(
        "Unknown meeting provider.", [FieldProblem("conference.provider", "Use 'jitsi'.")]
    )
