"""Meeting-link providers: Jitsi needs no account; Google Meet and Teams act through the user's account.

`meeting_provider` picks the provider for the user who asks (checking their connection first), and
`release_meeting` removes a provider-side meeting once no stored event uses its link any more.
"""

from __future__ import annotations

import secrets
from typing import Protocol

import structlog

from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import FieldProblem, InvalidInputError
from scheduler_app.backend.meetings.connections import (
    MEETING_ACCOUNTS,
    MeetingAccount,
    access_token,
    check_connected,
    usable_meeting_providers,
)
from scheduler_app.backend.meetings.details import MeetingDetails
from scheduler_app.backend.models import ConferenceDoc
from scheduler_app.settings import get_settings

__all__ = [
    "PROVIDER_LABELS",
    "JitsiProvider",
    "MeetingDetails",
    "MeetingProvider",
    "meeting_provider",
    "release_meeting",
    "usable_meeting_providers",
]

log = structlog.get_logger(__name__)

# Unambiguous lowercase words: Jitsi room names are case-insensitive and read aloud on calls.
_ROOM_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PROVIDER_NAMES = ("jitsi", *MEETING_ACCOUNTS)
PROVIDER_LABELS = {"jitsi": "Jitsi", **{name: account.product for name, account in MEETING_ACCOUNTS.items()}}


class MeetingProvider(Protocol):
    """Creates a meeting link for an event, and removes what it made at the provider."""

    name: str

    async def create_meeting(self, details: MeetingDetails) -> ConferenceDoc: ...

    async def delete_meeting(self, conference: ConferenceDoc) -> None: ...


class JitsiProvider:
    """Jitsi Meet rooms: an unguessable room name on a Jitsi server, no credentials needed."""

    name = "jitsi"

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")

    async def create_meeting(self, details: MeetingDetails) -> ConferenceDoc:
        del details  # room names never leak the event's title
        room = "-".join("".join(secrets.choice(_ROOM_ALPHABET) for _ in range(4)) for _ in range(4))
        room = f"Scheduler-{room}"
        return ConferenceDoc(provider=self.name, url=f"{self.base_url}/{room}", conference_id=room)

    async def delete_meeting(self, conference: ConferenceDoc) -> None:
        del conference  # a Jitsi room exists only while people are in it


def _account_provider(account: MeetingAccount, token: str, user_id: str) -> MeetingProvider:
    # Imported here: the Google and Graph client libraries are large and only needed for these links.
    settings = get_settings()
    if account.meeting_provider == "google_meet":
        from scheduler_app.backend.meetings.google_meet import GoogleMeetProvider

        return GoogleMeetProvider(token, user_id, settings.google_api_base_url)
    from scheduler_app.backend.meetings.microsoft_teams import TeamsProvider

    return TeamsProvider(token, user_id, settings.microsoft_graph_base_url)


async def meeting_provider(db: Collections, user_id: str, name: str) -> MeetingProvider:
    """The provider called `name` acting for this user; 422 when they cannot use it, 409 to reconnect."""
    if name == "jitsi":
        return JitsiProvider(get_settings().jitsi_base_url)
    account = MEETING_ACCOUNTS.get(name)
    if account is None:
        raise InvalidInputError(
            "Unknown meeting provider.",
            [FieldProblem("conference.provider", f"Use one of: {', '.join(PROVIDER_NAMES)}.")],
        )
    await check_connected(db, user_id, account)
    return _account_provider(account, await access_token(db, user_id, account), user_id)


async def release_meeting(db: Collections, conference: ConferenceDoc | None) -> None:
    """Delete the provider-side meeting of a link no stored event uses any more (best effort).

    Called after our own write: a provider that is down leaves a stray meeting behind (logged), never
    a half-done change on our side.
    """
    if conference is None or not conference.remote_id or not conference.remote_user_id:
        return
    if await db.events.find_one({"conference.remote_id": conference.remote_id}, {"_id": 1}) is not None:
        return  # another event (e.g. the later part of a split series) still uses this link
    account = MEETING_ACCOUNTS.get(conference.provider)
    if account is None:
        return
    try:
        token = await access_token(db, conference.remote_user_id, account)
        await _account_provider(account, token, conference.remote_user_id).delete_meeting(conference)
    except Exception as error:  # our change is saved: a stray remote meeting is only logged
        log.warning(
            "meetings.release_failed",
            provider=conference.provider,
            remote_id=conference.remote_id,
            error=str(error),
        )
