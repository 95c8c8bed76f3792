"""MongoDB access: one async client per event loop, the collections, and their indexes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pymongo import ASCENDING, AsyncMongoClient, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

SERVER_SELECTION_TIMEOUT_MS = 3_000

INDEXES: dict[str, list[IndexModel]] = {
    "users": [IndexModel([("email", ASCENDING)], unique=True, name="email_unique")],
    "sessions": [
        IndexModel([("user_id", ASCENDING)], name="by_user"),
        IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
    ],
    "login_tickets": [
        IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
    ],
    "calendars": [
        IndexModel([("owner_id", ASCENDING), ("created_at", ASCENDING)], name="by_owner"),
        IndexModel([("feed_token", ASCENDING)], name="by_feed_token"),
    ],
    "events": [
        # Range listing: equality on "<calendar>:<week>" keys (see EventDoc.time_keys).
        IndexModel([("time_keys", ASCENDING)], name="by_calendar_week"),
        IndexModel([("calendar_id", ASCENDING), ("start_utc", ASCENDING)], name="by_calendar_start"),
        IndexModel([("attendees.rsvp_token", ASCENDING)], name="by_rsvp_token"),
        IndexModel([("recurring_event_id", ASCENDING)], name="overrides_by_series"),
        IndexModel([("conference.remote_id", ASCENDING)], name="by_remote_meeting", sparse=True),
    ],
    "audit_log": [IndexModel([("at", ASCENDING)], name="by_time")],
    # Unused months fall out after a while; a missing month is simply computed again.
    "busy_cache": [
        IndexModel([("computed_at", ASCENDING)], expireAfterSeconds=45 * 86_400, name="expiry_ttl")
    ],
    "calendar_shares": [
        IndexModel([("grantee_id", ASCENDING)], name="by_grantee"),
        IndexModel([("calendar_id", ASCENDING)], name="by_calendar"),
    ],
    # Booking pages: one link name per owner; bookings by manage-link digest and by host.
    "event_types": [
        IndexModel([("owner_id", ASCENDING), ("slug", ASCENDING)], unique=True, name="owner_slug_unique"),
        IndexModel(
            [("owner_handle", ASCENDING), ("slug", ASCENDING)], unique=True, name="handle_slug_unique"
        ),
    ],
    "bookings": [
        IndexModel([("manage_token_hash", ASCENDING)], unique=True, name="manage_token_unique"),
        IndexModel([("host_ids", ASCENDING), ("start_utc", ASCENDING)], name="by_host_start"),
        IndexModel([("event_type_id", ASCENDING), ("status", ASCENDING)], name="by_type_status"),
        # The booking behind a calendar event (the host deleting or moving it).
        IndexModel([("event_id", ASCENDING)], name="by_event"),
    ],
    "api_tokens": [
        IndexModel([("digest", ASCENDING)], unique=True, name="digest_unique"),
        IndexModel([("user_id", ASCENDING)], name="by_user"),
        IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
    ],
    "refresh_tokens": [
        IndexModel([("family_id", ASCENDING)], name="by_family"),
        IndexModel([("user_id", ASCENDING)], name="by_user"),
        IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
    ],
    "password_resets": [
        IndexModel([("user_id", ASCENDING)], name="by_user"),
        IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
    ],
    "sign_in_attempts": [
        IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
    ],
    # Sign-in with identity providers: pending sign-ins expire; one account per provider subject.
    "oauth_states": [
        IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
    ],
    "identities": [
        IndexModel([("provider", ASCENDING), ("subject", ASCENDING)], unique=True, name="subject_unique"),
        IndexModel([("user_id", ASCENDING), ("provider", ASCENDING)], name="by_user_provider"),
    ],
}


@dataclass(frozen=True)
class Collections:
    """Typed handles to every collection the app uses."""

    database: AsyncDatabase
    users: AsyncCollection
    sessions: AsyncCollection
    login_tickets: AsyncCollection
    calendars: AsyncCollection
    events: AsyncCollection
    working_hours: AsyncCollection
    # Identity and access (issue 3)
    api_tokens: AsyncCollection
    refresh_tokens: AsyncCollection
    oauth_states: AsyncCollection
    identities: AsyncCollection
    password_resets: AsyncCollection
    sign_in_attempts: AsyncCollection
    calendar_shares: AsyncCollection
    audit_log: AsyncCollection
    # Booking pages (issue 5)
    event_types: AsyncCollection
    bookings: AsyncCollection
    booking_slots: AsyncCollection
    # Find-a-time's per-person, per-month busy time (scheduling/busy_cache.py)
    busy_cache: AsyncCollection

    @classmethod
    def of(cls, database: AsyncDatabase) -> Collections:
        return cls(
            database=database,
            users=database["users"],
            sessions=database["sessions"],
            login_tickets=database["login_tickets"],
            calendars=database["calendars"],
            events=database["events"],
            working_hours=database["working_hours"],
            api_tokens=database["api_tokens"],
            refresh_tokens=database["refresh_tokens"],
            oauth_states=database["oauth_states"],
            identities=database["identities"],
            password_resets=database["password_resets"],
            sign_in_attempts=database["sign_in_attempts"],
            calendar_shares=database["calendar_shares"],
            audit_log=database["audit_log"],
            event_types=database["event_types"],
            bookings=database["bookings"],
            booking_slots=database["booking_slots"],
            busy_cache=database["busy_cache"],
        )


class Database:
    """Connection settings plus a lazily created client for each running event loop.

    pymongo's async client is bound to the loop that created it; Reflex handlers, the REST API and
    tests may run on different loops, so each loop gets its own client.
    """

    def __init__(self, uri: str, name: str):
        self.uri = uri
        self.name = name
        self._clients: dict[asyncio.AbstractEventLoop, AsyncMongoClient] = {}

    def client(self) -> AsyncMongoClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            for stale in [known for known in self._clients if known.is_closed()]:
                del self._clients[stale]
            client = AsyncMongoClient(
                self.uri,
                tz_aware=True,
                serverSelectionTimeoutMS=SERVER_SELECTION_TIMEOUT_MS,
                uuidRepresentation="standard",
            )
            self._clients[loop] = client
        return client

    def collections(self) -> Collections:
        return Collections.of(self.client()[self.name])

    async def ensure_indexes(self) -> None:
        """Create every declared index (idempotent)."""
        database = self.client()[self.name]
        for collection, indexes in INDEXES.items():
            await database[collection].create_indexes(indexes)

    async def ping(self) -> None:
        await self.client().admin.command("ping")

    async def close(self) -> None:
        loop = asyncio.get_running_loop()
        client = self._clients.pop(loop, None)
        if client is not None:
            await client.close()


_database: Database | None = None


def configure_database(uri: str, name: str) -> Database:
    """Point the process at a database (called once at start-up, or by tests)."""
    global _database
    _database = Database(uri, name)
    return _database


def get_database() -> Database:
    """The configured database; raises if start-up has not configured one."""
    if _database is None:
        raise RuntimeError("The database is not configured; the app lifespan sets it up.")
    return _database


def collections() -> Collections:
    """Collections of the configured database, for the current event loop."""
    return get_database().collections()
