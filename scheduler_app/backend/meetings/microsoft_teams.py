"""Microsoft Teams links through Microsoft Graph, as a Teams meeting on an event in the user's calendar.

`POST /me/onlineMeetings` would need the `OnlineMeetings.ReadWrite` permission, which personal Microsoft
accounts do not support, so asking for it at sign-in could fail their sign-in. Instead we ask for
`Calendars.ReadWrite` (work and personal accounts) and create a *carrier* event (our title and time, no
attendees, so Outlook sends no invitations) with `isOnlineMeeting` and `onlineMeetingProvider:
teamsForBusiness`; Graph puts the Teams join URL in `onlineMeeting.joinUrl`, sometimes only shortly
after the create, so the event is read again a few times. Only work or school accounts get a Teams
meeting; for a personal account the URL stays empty and the user is told to use Jitsi (decision 0013).

The stored access token is handed to msgraph-sdk as a token credential; the SDK's default middleware
(retries, redirects) stays, with one short retry so that an outage fails fast enough for a form.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import secrets
import time
from types import TracebackType
from typing import Any

import httpx
from azure.core.credentials import AccessToken
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from kiota_http.middleware.options import RetryHandlerOption
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.event import Event
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.online_meeting_provider_type import OnlineMeetingProviderType
from msgraph.generated.users.item.events.item.event_item_request_builder import EventItemRequestBuilder
from msgraph.graph_request_adapter import options as graph_adapter_options
from msgraph_core import GraphClientFactory

from scheduler_app.backend.auth.provider_tokens import ReconnectRequiredError
from scheduler_app.backend.errors import FieldProblem, InvalidInputError
from scheduler_app.backend.meetings.connections import MICROSOFT_TEAMS, PROVIDER_FIELD
from scheduler_app.backend.meetings.details import MeetingDetails
from scheduler_app.backend.models import ConferenceDoc

HTTP_TIMEOUT_SECONDS = 10.0
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
# Graph may fill `onlineMeeting.joinUrl` a moment after the event is created: read it again this often.
POLL_ATTEMPTS = 3
POLL_INTERVAL_SECONDS = 0.5
# Only what we need from the event when polling.
POLL_FIELDS = ["id", "isOnlineMeeting", "onlineMeetingProvider", "onlineMeeting"]
# Graph answers 403 with these codes when the token lacks Calendars.ReadWrite.
PERMISSION_CODES = frozenset(
    {"Forbidden", "Authorization_RequestDenied", "AccessDenied", "accessDenied", "ErrorAccessDenied"}
)
# Graph's date-time format for `dateTimeTimeZone` (wall clock in the named zone, no offset).
_GRAPH_DATE_TIME = "%Y-%m-%dT%H:%M:%S"


class StoredAccessToken:
    """An azure-core async token credential over an access token we already hold (no refresh here)."""

    def __init__(self, token: str, lifetime_seconds: int = 300):
        self._token = token
        self._lifetime = lifetime_seconds

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        del scopes, kwargs  # the token's scopes were granted at sign-in
        return AccessToken(self._token, int(time.time()) + self._lifetime)

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> StoredAccessToken:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


def teams_needs_work_account() -> InvalidInputError:
    """The 422 for an account Graph gives no Teams meeting (a personal Microsoft account)."""
    return InvalidInputError(
        "Teams meetings need a work or school Microsoft account; use Jitsi.",
        [FieldProblem(PROVIDER_FIELD, "Teams meetings need a work or school Microsoft account; use Jitsi.")],
    )


def carrier_event(details: MeetingDetails, transaction_id: str) -> Event:
    """The Graph event that carries the Teams meeting: our title and time, nobody invited.

    Timed events are sent in UTC (Graph's zone names are Windows names plus a fixed list, not every IANA
    zone we accept); all-day events keep their dates as an all-day event from midnight to midnight.
    `transactionId` lets Graph drop a duplicate when the SDK retries the create.
    """
    if details.all_day and details.start_date and details.end_date:
        start = dt.datetime.combine(details.start_date, dt.time())
        end = dt.datetime.combine(details.end_date, dt.time())
    else:
        start = details.start_utc.astimezone(dt.UTC).replace(tzinfo=None)
        end = details.end_utc.astimezone(dt.UTC).replace(tzinfo=None)
    return Event(
        subject=details.title,
        start=DateTimeTimeZone(date_time=start.strftime(_GRAPH_DATE_TIME), time_zone="UTC"),
        end=DateTimeTimeZone(date_time=end.strftime(_GRAPH_DATE_TIME), time_zone="UTC"),
        is_all_day=details.all_day,
        is_online_meeting=True,
        online_meeting_provider=OnlineMeetingProviderType.TeamsForBusiness,
        transaction_id=transaction_id,
    )


def join_url(event: Event | None) -> str:
    """The Teams join URL of an event, or "" while Graph has none (or gave another kind of meeting)."""
    if event is None or event.online_meeting is None:
        return ""
    provider = event.online_meeting_provider
    if provider is not None and provider != OnlineMeetingProviderType.TeamsForBusiness:
        return ""
    return event.online_meeting.join_url or ""


def gave_up_on_teams(event: Event | None) -> bool:
    """Whether Graph made the event without a Teams meeting for good (waiting will not bring one)."""
    if event is None:
        return False
    if event.is_online_meeting is False:
        return True
    provider = event.online_meeting_provider
    return provider is not None and provider not in {
        OnlineMeetingProviderType.TeamsForBusiness,
        OnlineMeetingProviderType.Unknown,
    }


class TeamsProvider:
    """Creates and deletes Teams meetings with one user's access token."""

    name = "microsoft_teams"

    def __init__(self, access_token: str, user_id: str, graph_base_url: str):
        self._access_token = access_token
        self._user_id = user_id
        self._graph_base_url = graph_base_url.rstrip("/")

    def _client(self, http: httpx.AsyncClient) -> GraphServiceClient:
        auth = AzureIdentityAuthenticationProvider(
            StoredAccessToken(self._access_token), scopes=[GRAPH_SCOPE]
        )
        # The SDK's own middleware options (they map /users/me-token-to-replace to /me), one quick retry.
        options = {
            **graph_adapter_options,
            RetryHandlerOption.get_key(): RetryHandlerOption(delay=1, max_retries=1),
        }
        piped = GraphClientFactory.create_with_default_middleware(client=http, options=options)
        adapter = GraphRequestAdapter(auth, client=piped)
        adapter.base_url = self._graph_base_url
        return GraphServiceClient(request_adapter=adapter)

    async def create_meeting(self, details: MeetingDetails) -> ConferenceDoc:
        carrier = carrier_event(details, transaction_id=secrets.token_urlsafe(24))
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS) as http:
            client = self._client(http)
            try:
                event = await _guarded(client.me.events.post(carrier))
            except ODataError as error:  # 404 on create: e.g. an account without a mailbox
                raise MICROSOFT_TEAMS.unavailable(
                    f"creating the event answered {error.response_status_code}"
                ) from error
            if event is None or not event.id:
                raise MICROSOFT_TEAMS.unavailable("event without id")
            event_id = event.id
            try:
                event = await self._wait_for_join_url(client, event_id, event)
            except Exception:
                await self._discard(client, event_id)
                raise
            url = join_url(event)
            if not url:
                await self._discard(client, event_id)
                raise teams_needs_work_account()
        meeting = event.online_meeting
        return ConferenceDoc(
            provider=self.name,
            url=url,
            conference_id=(meeting.conference_id if meeting else None) or event_id,
            remote_id=event_id,
            remote_user_id=self._user_id,
        )

    async def _wait_for_join_url(self, client: GraphServiceClient, event_id: str, event: Event) -> Event:
        """The event once it has a join URL (or Graph gave up), read again while Teams may still be adding it."""
        config = RequestConfiguration(
            query_parameters=EventItemRequestBuilder.EventItemRequestBuilderGetQueryParameters(
                select=POLL_FIELDS
            )
        )
        for attempt in range(POLL_ATTEMPTS + 1):
            if join_url(event) or gave_up_on_teams(event) or attempt == POLL_ATTEMPTS:
                return event
            await asyncio.sleep(POLL_INTERVAL_SECONDS)
            try:
                event = await _guarded(client.me.events.by_event_id(event_id).get(config)) or event
            except ODataError as error:  # 404: the event went away under us
                raise MICROSOFT_TEAMS.unavailable("the new event disappeared") from error
        return event

    async def _discard(self, client: GraphServiceClient, event_id: str) -> None:
        """Best effort: remove a carrier that got no Teams link, so no stray event stays behind."""
        with contextlib.suppress(Exception):  # the original failure is what the user must hear about
            await _guarded(client.me.events.by_event_id(event_id).delete())

    async def delete_meeting(self, conference: ConferenceDoc) -> None:
        if not conference.remote_id:
            return
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS) as http:
            request = self._client(http).me.events.by_event_id(conference.remote_id).delete()
            try:
                await _guarded(request)
            except ODataError as error:
                if error.response_status_code != 404:
                    raise


async def _guarded(call: Any) -> Any:
    """Await one Graph request; turn its failures into the errors a user can act on."""
    try:
        return await call
    except ODataError as error:
        status = error.response_status_code or 0
        code = error.error.code if error.error else ""
        if status == 401:
            raise ReconnectRequiredError(MICROSOFT_TEAMS.label) from error
        if status == 403 and code in PERMISSION_CODES:
            raise MICROSOFT_TEAMS.permission_missing() from error
        if status == 404:
            raise
        raise MICROSOFT_TEAMS.unavailable(f"Graph answered {status}: {code}") from error
    except httpx.HTTPError as error:
        raise MICROSOFT_TEAMS.unavailable(repr(error)) from error
