"""Document schemas stored in MongoDB, as sqlmodel (pydantic) models.

Instants are timezone-aware UTC datetimes; all-day events keep dates. A stored document that does not
validate raises `CorruptDocumentError`: it is never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal, Self

from pydantic import ValidationError, field_validator
from sqlmodel import Field, SQLModel

TITLE_MAX = 500
DESCRIPTION_MAX = 20_000
LOCATION_MAX = 1_000
CALENDAR_NAME_MAX = 100


def new_id() -> str:
    """A fresh opaque document id."""
    return uuid.uuid4().hex


def utc_now() -> dt.datetime:
    """Now, as an aware UTC datetime truncated to BSON's millisecond precision."""
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class CorruptDocumentError(RuntimeError):
    """A stored document failed schema validation."""


class Document(SQLModel):
    """Base for stored documents: `id` maps to Mongo's `_id`."""

    id: str = Field(default_factory=new_id)

    def to_mongo(self) -> dict[str, Any]:
        data = self.model_dump(mode="python")
        data["_id"] = data.pop("id")
        for key, value in data.items():
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                data[key] = value.isoformat()
        return data

    @classmethod
    def from_mongo(cls, document: dict[str, Any]) -> Self:
        data = dict(document)
        data["id"] = data.pop("_id")
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise CorruptDocumentError(f"{cls.__name__} {data['id']!r} failed validation: {error}") from error


UserRole = Literal["member", "admin"]


class UserDoc(Document):
    email: str
    name: str
    # Empty for accounts that only sign in through an identity provider.
    password_hash: str = ""
    time_zone: str | None = None
    role: UserRole = "member"
    disabled: bool = False
    # Counts event writes that changed this user's busy time (scheduling/busy_cache.py).
    busy_version: int = 0
    created_at: dt.datetime = Field(default_factory=utc_now)


class SessionDoc(Document):
    """A signed-in browser; `id` is the SHA-256 of the cookie's token, never the token itself."""

    user_id: str
    created_at: dt.datetime = Field(default_factory=utc_now)
    last_seen_at: dt.datetime = Field(default_factory=utc_now)
    expires_at: dt.datetime
    user_agent: str = ""
    ip: str = ""


class LoginTicketDoc(Document):
    """A single-use hand-over from the sign-in form to the cookie-setting endpoint."""

    user_id: str
    expires_at: dt.datetime
    next_path: str = "/"


class CalendarDoc(Document):
    owner_id: str
    name: str = Field(min_length=1, max_length=CALENDAR_NAME_MAX)
    color: str = Field(schema_extra={"pattern": r"^#[0-9a-fA-F]{6}$"})
    visible: bool = True
    is_default: bool = False
    feed_token: str | None = None
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now)


class CalendarShareDoc(Document):
    """One user's role on someone's calendar; `id` is "<calendar id>:<grantee id>" (one per pair)."""

    calendar_id: str
    owner_id: str
    grantee_id: str
    grantee_email: str
    role: Literal["owner", "editor", "viewer", "freebusy"]
    # The grantee's own view of it: shown or hidden, and an optional colour of their choosing.
    visible: bool = True
    color: str | None = Field(default=None, schema_extra={"pattern": r"^#[0-9a-fA-F]{6}$"})
    granted_by: str = ""
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now)


ResponseStatus = Literal["needsAction", "accepted", "tentative", "declined"]
RESPONSE_STATUSES: tuple[str, ...] = ("needsAction", "accepted", "tentative", "declined")
ATTENDEES_MAX = 200


class AttendeeDoc(SQLModel):
    """An invited guest; `rsvp_token` lets them answer from a link without an account."""

    email: str
    display_name: str = ""
    response_status: ResponseStatus = "needsAction"
    optional: bool = False
    rsvp_token: str = Field(default_factory=lambda: new_id() + new_id())


class ConferenceDoc(SQLModel):
    """A meeting link made by a meeting provider."""

    provider: str
    url: str
    conference_id: str
    # Google Meet / Teams: the event or meeting made at the provider, and whose account holds it.
    remote_id: str | None = None
    remote_user_id: str | None = None


class EventDoc(Document):
    """One event. Timed events use the `*_utc` instants; all-day events also keep their dates.

    `time_keys` are "<scope>:<week number>" for each week the event touches (or "<scope>:long" for
    very long events), where the scopes are its calendar id and "attendee:<email>" for each guest: a
    single-field multikey index on them serves the range query with an equality match.
    """

    calendar_id: str
    owner_id: str
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    location: str = Field(default="", max_length=LOCATION_MAX)
    all_day: bool = False
    start_utc: dt.datetime
    end_utc: dt.datetime
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    time_zone: str
    time_keys: list[str] = Field(default_factory=list)
    organizer_email: str = ""
    organizer_name: str = ""
    attendees: list[AttendeeDoc] = Field(default_factory=list)
    conference: ConferenceDoc | None = None
    # What guests may do (Google's defaults): change the event, invite others, see who else is invited.
    guests_can_modify: bool = False
    guests_can_invite_others: bool = True
    guests_can_see_other_guests: bool = True
    # A recurring series ("master"): its RFC 5545 lines; `end_utc` then bounds the whole series (for
    # range queries) and `first_end_utc` ends the first occurrence.
    recurrence: list[str] = Field(default_factory=list)
    is_series: bool = False
    first_end_utc: dt.datetime | None = None
    # One changed occurrence of a series ("override"): its master and original start.
    recurring_event_id: str | None = None
    recurrence_id: str | None = None
    # The iCalendar UID an imported event came with (exports keep it).
    ical_uid: str | None = None
    # iTIP SEQUENCE: raised by every change guests are told about (time, title, place, repetition).
    sequence: int = 0
    etag: str = Field(default_factory=new_id)
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now)

    @field_validator("start_utc", "end_utc", "first_end_utc", "created_at", "updated_at")
    @classmethod
    def _aware_utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class TimeRangeDoc(SQLModel):
    """Wall-clock times "HH:MM" in the working hours' zone; an end of "24:00" is midnight."""

    start: str
    end: str


class DateOverrideDoc(SQLModel):
    """Hours on one local date ("YYYY-MM-DD") in place of the weekday's; no ranges is a day off."""

    date: str
    ranges: list[TimeRangeDoc] = Field(default_factory=list)


class OutOfOfficeDoc(SQLModel):
    start: dt.datetime
    end: dt.datetime

    @field_validator("start", "end")
    @classmethod
    def _aware_utc(cls, value: dt.datetime) -> dt.datetime:
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class WorkingHoursDoc(Document):
    """A user's working hours; `id` is the user's id (one document per user)."""

    time_zone: str
    weekly: dict[str, list[TimeRangeDoc]] = Field(default_factory=dict)
    overrides: list[DateOverrideDoc] = Field(default_factory=list)
    out_of_office: list[OutOfOfficeDoc] = Field(default_factory=list)
    lunch: TimeRangeDoc | None = None
    updated_at: dt.datetime = Field(default_factory=utc_now)


class PasswordResetDoc(Document):
    """A single-use password reset link; `id` is the SHA-256 of the link's token, never the token."""

    user_id: str
    created_at: dt.datetime = Field(default_factory=utc_now)
    expires_at: dt.datetime


TokenScope = Literal["read", "read_write"]
API_TOKEN_NAME_MAX = 100


class RefreshTokenDoc(Document):
    """One refresh token of a sign-in's family; `id` is the SHA-256 of the token, never the token.

    Using it sets `used_at` and issues its successor in the same family; a second use is a replay,
    which revokes the whole family.
    """

    family_id: str
    user_id: str
    scope: TokenScope
    created_at: dt.datetime = Field(default_factory=utc_now)
    expires_at: dt.datetime
    used_at: dt.datetime | None = None
    revoked: bool = False


class ApiTokenDoc(Document):
    """A personal access token; only `digest` (SHA-256 of the secret) is stored, `hint` is its start."""

    user_id: str
    name: str = Field(min_length=1, max_length=API_TOKEN_NAME_MAX)
    scope: TokenScope
    digest: str
    hint: str
    created_at: dt.datetime = Field(default_factory=utc_now)
    expires_at: dt.datetime | None = None
    last_used_at: dt.datetime | None = None


# --- Sign-in with identity providers (OAuth 2.0 / OpenID Connect) ------------------------------------

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class OAuthStateDoc(Document):
    """A sign-in at an identity provider in progress; `id` is the SHA-256 of its `state` value.

    Single use (redeemed with find_one_and_delete) and short-lived (TTL index on `expires_at`).
    """

    provider: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    # SHA-256 of the random value in the browser's short-lived cookie: the callback must come back
    # to the same browser that started the sign-in.
    browser_binding: str
    next_path: str = "/"
    created_at: dt.datetime = Field(default_factory=utc_now)
    expires_at: dt.datetime


class IdentityDoc(Document):
    """An account's link to one subject at one identity provider, plus that provider's tokens.

    `tokens` is AES-GCM ciphertext bound to the user and provider (see auth/provider_tokens.py).
    """

    user_id: str
    provider: str
    subject: str
    email: str = ""
    email_verified: bool = False
    created_at: dt.datetime = Field(default_factory=utc_now)
    last_sign_in_at: dt.datetime = Field(default_factory=utc_now)
    tokens: str = ""
    token_expires_at: dt.datetime | None = None
    token_version: int = 0
    # Whoever holds an unexpired lease refreshes the tokens; everyone else waits for the result.
    refresh_lease_until: dt.datetime = EPOCH
