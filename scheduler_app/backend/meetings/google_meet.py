"""Google Meet links through the Google Calendar API, acting as the signed-in user.

Google has no API that makes a Meet link on its own: a link belongs to a calendar event. We insert a
carrier event (same title and time, no guests, no notifications) into the user's primary calendar with a
`conferenceData.createRequest`, wait until Google says the request succeeded, and keep the event's id so
that the carrier can be deleted when our event loses its call (decision 0013).

google-api-python-client is blocking (httplib2): every call runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from typing import Any

import google.auth.exceptions
import google.oauth2.credentials
import google_auth_httplib2
import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from scheduler_app.backend.auth.provider_tokens import ReconnectRequiredError
from scheduler_app.backend.meetings.connections import GOOGLE_MEET, MeetingProviderUnavailableError
from scheduler_app.backend.meetings.details import MeetingDetails
from scheduler_app.backend.models import ConferenceDoc

HTTP_TIMEOUT_SECONDS = 10.0
# Google usually answers "success" at once, sometimes "pending" for a moment (then poll events.get).
POLL_ATTEMPTS = 5
POLL_INTERVAL_SECONDS = 0.4
# Marks the carrier event in the user's Google calendar, so calendar sync can recognise it.
CARRIER_PROPERTY = "schedulerMeetingFor"
GONE_STATUSES = frozenset({404, 410})
INSUFFICIENT_SCOPE_REASONS = frozenset({"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})


class GoogleMeetProvider:
    """Creates and deletes Meet links with one user's access token."""

    name = "google_meet"

    def __init__(self, access_token: str, user_id: str, api_base_url: str):
        self._access_token = access_token
        self._user_id = user_id
        self._api_base_url = api_base_url if api_base_url.endswith("/") else api_base_url + "/"

    async def create_meeting(self, details: MeetingDetails) -> ConferenceDoc:
        return await asyncio.to_thread(self._create, details)

    async def delete_meeting(self, conference: ConferenceDoc) -> None:
        if conference.remote_id:
            await asyncio.to_thread(self._delete, conference.remote_id)

    # --- blocking calls, run in a worker thread -----------------------------------------------------

    def _events(self) -> Any:
        credentials = google.oauth2.credentials.Credentials(self._access_token)
        # AuthorizedHttp instead of `credentials=` only to give the socket a timeout.
        http = google_auth_httplib2.AuthorizedHttp(
            credentials, http=httplib2.Http(timeout=HTTP_TIMEOUT_SECONDS)
        )
        service = build(
            "calendar",
            "v3",
            http=http,
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": self._api_base_url},
        )
        return service.events()

    def _create(self, details: MeetingDetails) -> ConferenceDoc:
        events = self._events()
        body = carrier_event(details, request_id=secrets.token_urlsafe(16))
        event = _run(
            events.insert(calendarId="primary", body=body, conferenceDataVersion=1, sendUpdates="none")
        )
        for attempt in range(POLL_ATTEMPTS + 1):
            status = create_request_status(event)
            if status == "success":
                break
            if status != "pending" or attempt == POLL_ATTEMPTS:
                self._discard(events, event["id"])
                raise GOOGLE_MEET.unavailable(f"conference create request ended as {status!r}")
            time.sleep(POLL_INTERVAL_SECONDS)
            event = _run(events.get(calendarId="primary", eventId=event["id"]))
        url, conference_id = join_link(event)
        if not url:
            self._discard(events, event["id"])
            raise GOOGLE_MEET.unavailable("the event has no Meet link")
        return ConferenceDoc(
            provider=self.name,
            url=url,
            conference_id=conference_id,
            remote_id=event["id"],
            remote_user_id=self._user_id,
        )

    def _discard(self, events: Any, event_id: str) -> None:
        """Best effort: remove a carrier whose link never came, so no stray event stays behind."""
        with contextlib.suppress(Exception):  # the original failure is what the user must hear about
            _run(events.delete(calendarId="primary", eventId=event_id, sendUpdates="none"))

    def _delete(self, event_id: str) -> None:
        try:
            _run(self._events().delete(calendarId="primary", eventId=event_id, sendUpdates="none"))
        except HttpError as error:
            if error.resp.status not in GONE_STATUSES:
                raise


def carrier_event(details: MeetingDetails, request_id: str) -> dict[str, Any]:
    """The Calendar API event that carries the Meet link: our title and time, nobody invited."""
    if details.all_day:
        assert details.start_date and details.end_date
        start: dict[str, str] = {"date": details.start_date.isoformat()}
        end: dict[str, str] = {"date": details.end_date.isoformat()}
    else:
        start = {"dateTime": details.start_utc.isoformat(), "timeZone": details.time_zone}
        end = {"dateTime": details.end_utc.isoformat(), "timeZone": details.time_zone}
    body: dict[str, Any] = {
        "summary": details.title,
        "start": start,
        "end": end,
        "conferenceData": {
            "createRequest": {"requestId": request_id, "conferenceSolutionKey": {"type": "hangoutsMeet"}}
        },
    }
    if details.event_id:
        body["extendedProperties"] = {"private": {CARRIER_PROPERTY: details.event_id}}
    return body


def create_request_status(event: dict[str, Any]) -> str:
    """`conferenceData.createRequest.status.statusCode`; an event whose conference is ready is "success"."""
    conference = event.get("conferenceData") or {}
    request = conference.get("createRequest")
    if request is None:
        return "success" if conference.get("entryPoints") else "missing"
    return str((request.get("status") or {}).get("statusCode") or "missing")


def join_link(event: dict[str, Any]) -> tuple[str, str]:
    """The video entry point's URI (or `hangoutLink`) and the conference id."""
    conference = event.get("conferenceData") or {}
    url = next(
        (
            point.get("uri", "")
            for point in conference.get("entryPoints") or []
            if point.get("entryPointType") == "video"
        ),
        "",
    )
    url = url or event.get("hangoutLink") or ""
    conference_id = conference.get("conferenceId") or url.rstrip("/").rsplit("/", 1)[-1]
    return url, conference_id


def _run(request: Any) -> dict[str, Any]:
    """Execute one API request; turn Google's failures into the errors a user can act on."""
    try:
        return request.execute() or {}
    except HttpError as error:
        status = error.resp.status
        if status == 401:
            raise ReconnectRequiredError(GOOGLE_MEET.label) from error
        if status == 403 and _reason(error) in INSUFFICIENT_SCOPE_REASONS:
            raise GOOGLE_MEET.permission_missing() from error
        if status in GONE_STATUSES:
            raise  # callers decide whether "already gone" matters
        raise GOOGLE_MEET.unavailable(f"Calendar API answered {status}: {_reason(error)}") from error
    except google.auth.exceptions.RefreshError as error:
        # A 401 made the library try to refresh a bare access token: the grant is no longer valid.
        raise ReconnectRequiredError(GOOGLE_MEET.label) from error
    except (OSError, httplib2.HttpLib2Error) as error:
        raise MeetingProviderUnavailableError(GOOGLE_MEET.label, repr(error)) from error


def _reason(error: HttpError) -> str:
    """Google's error reason (`errors[0].reason`, or the `details` ErrorInfo reason), if any."""
    try:
        payload = json.loads(error.content or b"{}").get("error") or {}
    except (ValueError, AttributeError):
        return ""
    for item in payload.get("errors") or []:
        if item.get("reason"):
            return str(item["reason"])
    for item in payload.get("details") or []:
        if item.get("reason"):
            return str(item["reason"])
    return str(payload.get("status") or "")
