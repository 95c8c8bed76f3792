"""Which connected account a meeting provider acts through, whether it may, and a fresh token for it.

Meet and Teams links are made with the user's own Google or Microsoft account (the tokens stored at
sign-in). This module turns "no account", "account without the permission" and "expired connection"
into messages a user can act on, before any provider is called.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler_app.backend.auth.identity_providers import (
    GOOGLE_CALENDAR_EVENTS_SCOPE,
    MICROSOFT_CALENDARS_SCOPE,
    IdentityProviderError,
    configured_providers,
)
from scheduler_app.backend.auth.provider_tokens import (
    ReconnectRequiredError,
    decrypt_tokens,
    fresh_access_token,
)
from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import DomainError, FieldProblem, InvalidInputError, NotFoundError
from scheduler_app.settings import get_settings

PROVIDER_FIELD = "conference.provider"


class MeetingProviderUnavailableError(DomainError):
    """The meeting provider failed, timed out or answered 5xx: nothing was saved; Jitsi still works."""

    def __init__(self, label: str, reason: str):
        super().__init__(
            f"{label} did not answer; try again in a moment or use Jitsi.", 503, "Service unavailable"
        )
        self.reason = reason


@dataclass(frozen=True)
class MeetingAccount:
    """The identity provider behind a meeting provider and the scopes that allow making links."""

    meeting_provider: str
    identity_provider: str
    label: str
    product: str
    # Any one of these granted scopes is enough (compared case-insensitively).
    sufficient_scopes: frozenset[str]

    def allows(self, granted_scope: str) -> bool:
        """Whether a stored grant allows links; an empty grant is unknown (RFC 6749: as requested)."""
        granted = {scope.lower() for scope in granted_scope.split()}
        return not granted or bool(granted & self.sufficient_scopes)

    def permission_missing(self) -> InvalidInputError:
        return InvalidInputError(
            f"Your {self.label} account is connected without permission to create {self.product} links.",
            [
                FieldProblem(
                    PROVIDER_FIELD,
                    f"Sign in with {self.label} again and allow access to your calendar, or use Jitsi.",
                )
            ],
        )

    def not_connected(self) -> InvalidInputError:
        return InvalidInputError(
            f"{self.product} links need a connected {self.label} account.",
            [FieldProblem(PROVIDER_FIELD, f"Sign in with {self.label} once to connect it, or use Jitsi.")],
        )

    def unavailable(self, reason: str) -> MeetingProviderUnavailableError:
        return MeetingProviderUnavailableError(self.label, reason)


GOOGLE_MEET = MeetingAccount(
    meeting_provider="google_meet",
    identity_provider="google",
    label="Google",
    product="Google Meet",
    sufficient_scopes=frozenset(
        {GOOGLE_CALENDAR_EVENTS_SCOPE.lower(), "https://www.googleapis.com/auth/calendar"}
    ),
)
MICROSOFT_TEAMS = MeetingAccount(
    meeting_provider="microsoft_teams",
    identity_provider="microsoft",
    label="Microsoft",
    product="Microsoft Teams",
    # Teams links are calendar events with a Teams meeting (decision 0013): a grant of only the older
    # OnlineMeetings.ReadWrite cannot make them, so those users are asked to sign in again.
    sufficient_scopes=frozenset(
        {
            MICROSOFT_CALENDARS_SCOPE.lower(),
            f"https://graph.microsoft.com/{MICROSOFT_CALENDARS_SCOPE}".lower(),
        }
    ),
)
MEETING_ACCOUNTS = {account.meeting_provider: account for account in (GOOGLE_MEET, MICROSOFT_TEAMS)}


async def _granted_scope(db: Collections, user_id: str, provider_key: str) -> str | None:
    """The scope stored with the user's newest link to the provider; None when there is no usable link."""
    document = await db.identities.find_one(
        {"user_id": user_id, "provider": provider_key}, sort=[("last_sign_in_at", -1)]
    )
    if document is None or not document.get("tokens"):
        return None
    try:
        return decrypt_tokens(document["tokens"], user_id, provider_key).scope
    except ValueError:
        return ""  # undecryptable: the token step below asks the user to reconnect


async def check_connected(db: Collections, user_id: str, account: MeetingAccount) -> None:
    """Refuse (422) when the provider is not set up here, the user has no link, or it lacks the scope."""
    if account.identity_provider not in {p.key for p in configured_providers(get_settings())}:
        raise account.not_connected()
    scope = await _granted_scope(db, user_id, account.identity_provider)
    if scope is None:
        raise account.not_connected()
    if not account.allows(scope):
        raise account.permission_missing()


async def access_token(db: Collections, user_id: str, account: MeetingAccount) -> str:
    """A fresh access token for the account; an expired grant raises ReconnectRequiredError (409)."""
    try:
        return await fresh_access_token(db, user_id, account.identity_provider)
    except ReconnectRequiredError:
        raise
    except NotFoundError:
        raise account.not_connected() from None
    except IdentityProviderError as error:
        raise account.unavailable(error.reason) from error


async def usable_meeting_providers(db: Collections, user_id: str) -> list[str]:
    """The meeting providers this user can pick: Jitsi always, Meet/Teams with a permitted connection."""
    usable = ["jitsi"]
    for name, account in MEETING_ACCOUNTS.items():
        try:
            await check_connected(db, user_id, account)
        except InvalidInputError:
            continue
        usable.append(name)
    return usable
