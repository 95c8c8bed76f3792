"""Microsoft Teams links through Microsoft Graph (`POST /me/onlineMeetings`), acting as the signed-in user.

The stored access token is handed to msgraph-sdk as a token credential; the SDK's default middleware
(retries, redirects) stays, with one short retry so that an outage fails fast enough for a form.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

import httpx
from azure.core.credentials import AccessToken
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from kiota_http.middleware.options import RetryHandlerOption
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.online_meeting import OnlineMeeting
from msgraph.graph_request_adapter import options as graph_adapter_options
from msgraph_core import GraphClientFactory

from scheduler_app.backend.auth.provider_tokens import ReconnectRequiredError
from scheduler_app.backend.meetings.connections import MICROSOFT_TEAMS
from scheduler_app.backend.meetings.details import MeetingDetails
from scheduler_app.backend.models import ConferenceDoc

HTTP_TIMEOUT_SECONDS = 10.0
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
# Graph answers 403 with these codes when the token lacks OnlineMeetings.ReadWrite.
PERMISSION_CODES = frozenset({"Forbidden", "Authorization_RequestDenied", "AccessDenied", "accessDenied"})


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
        start, end = details.wall_clock_span()
        body = OnlineMeeting(subject=details.title, start_date_time=start, end_date_time=end)
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS) as http:
            meeting = await _guarded(self._client(http).me.online_meetings.post(body))
        if meeting is None or not meeting.join_web_url or not meeting.id:
            raise MICROSOFT_TEAMS.unavailable("onlineMeeting without joinWebUrl or id")
        return ConferenceDoc(
            provider=self.name,
            url=meeting.join_web_url,
            conference_id=meeting.id,
            remote_id=meeting.id,
            remote_user_id=self._user_id,
        )

    async def delete_meeting(self, conference: ConferenceDoc) -> None:
        if not conference.remote_id:
            return
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS) as http:
            request = (
                self._client(http).me.online_meetings.by_online_meeting_id(conference.remote_id).delete()
            )
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
