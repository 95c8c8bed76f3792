"""A local stand-in for Microsoft Graph v1.0 (`/me/events`, `/me/onlineMeetings`); there is no emulator.

It follows Graph's documented semantics closely enough for the real msgraph-sdk to talk to it: bearer
tokens (401 `InvalidAuthenticationToken` for unknown or expired ones, 403 without the needed permission),
OData error bodies, 404 for unknown ids, and calendar events paged with `@odata.nextLink`. An event
created with `isOnlineMeeting` and `onlineMeetingProvider: teamsForBusiness` gets `onlineMeeting.joinUrl`
for a work or school account; for a personal account (`add_user(..., personal=True)`) Graph makes no
Teams meeting and the field stays empty. `join_url_delay_reads` makes the URL appear only after that many
reads of the event, as Graph sometimes fills it a moment late. `transactionId` makes a repeated create
answer the first event, and `$select` trims what a read returns.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

MEETING_SCOPES = frozenset({"onlinemeetings.readwrite"})
CALENDAR_SCOPES = frozenset({"calendars.readwrite"})
READ_CALENDAR_SCOPES = frozenset({"calendars.read"})
PAGE_SIZE_DEFAULT = 10
TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"


@dataclass
class FakeGraphUser:
    """One Microsoft user with their online meetings and calendar events."""

    user_id: str
    email: str
    scopes: frozenset[str]
    personal: bool = False
    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)


def _error(status: int, code: str, message: str) -> JSONResponse:
    """Graph's OData error shape."""
    body = {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", ""),
                "request-id": str(uuid.uuid4()),
                "client-request-id": str(uuid.uuid4()),
            },
        }
    }
    return JSONResponse(body, status_code=status)


def _join_url() -> str:
    thread = f"19%3ameeting_{secrets.token_urlsafe(24)}%40thread.v2"
    return f"https://teams.microsoft.com/l/meetup-join/{thread}/0?context=%7b%22Tid%22%3a%22{TENANT_ID}%22%7d"


def _public(event: dict[str, Any]) -> dict[str, Any]:
    """An event as Graph shows it: without the fake's bookkeeping fields (those start with "_")."""
    return {key: value for key, value in event.items() if not key.startswith("_")}


def _maybe_fill_join_url(event: dict[str, Any]) -> None:
    """Give a pending Teams meeting its join URL once its delay (in reads) has run out."""
    if event.get("_pendingJoinUrl") and event.get("_readsUntilJoinUrl", 0) <= 0:
        url = event.pop("_pendingJoinUrl")
        event["onlineMeeting"] = {"joinUrl": url, "conferenceId": str(secrets.randbelow(10**9)).zfill(9)}


def _invalid_event(body: dict[str, Any]) -> str:
    """Graph's checks on a new event's times: dateTimeTimeZone shapes, all-day events at midnight."""
    for name in ("start", "end"):
        value = body.get(name)
        if not isinstance(value, dict) or not value.get("dateTime") or not value.get("timeZone"):
            return f"The '{name}' property must be a dateTimeTimeZone with dateTime and timeZone."
        try:
            dt.datetime.fromisoformat(value["dateTime"])
        except ValueError:
            return f"Cannot convert the literal '{value['dateTime']}' to the expected type 'Edm.DateTime'."
    if body.get("isAllDay"):
        for name in ("start", "end"):
            if dt.datetime.fromisoformat(body[name]["dateTime"]).time() != dt.time():
                return "Start and end must be at midnight for all-day events."
        if body["start"]["timeZone"] != body["end"]["timeZone"]:
            return "Start and end must be in the same time zone for all-day events."
    return ""


class FakeMicrosoftGraph:
    """The fake's state and switches; `app` is the ASGI app to serve with ThreadedServer."""

    def __init__(self) -> None:
        self.users: dict[str, FakeGraphUser] = {}
        self.tokens: dict[str, str] = {}  # access token -> user id
        self.expired_tokens: set[str] = set()
        self.fail_status = 0
        self.fail_next = 0
        self.requests: list[tuple[str, str]] = []
        self.join_url_delay_reads = 0
        self._lock = threading.Lock()
        self.app = self._build()

    # --- test controls ----------------------------------------------------------------------------

    def add_user(
        self, email: str, scopes: frozenset[str] = CALENDAR_SCOPES, *, personal: bool = False
    ) -> str:
        """A Microsoft user (work or school, or a personal account) and a valid access token for them."""
        user = next((u for u in self.users.values() if u.email == email), None)
        if user is None:
            user = FakeGraphUser(str(uuid.uuid4()), email, scopes)
            self.users[user.user_id] = user
        user.scopes = frozenset(scope.lower() for scope in scopes)
        user.personal = personal
        token = "eyJ0eXAi." + secrets.token_urlsafe(32)
        self.tokens[token] = user.user_id
        return token

    def expire(self, token: str) -> None:
        self.expired_tokens.add(token)

    def fail(self, status: int = 500, times: int = 1) -> None:
        self.fail_status, self.fail_next = status, times

    def meetings_of(self, email: str) -> list[dict[str, Any]]:
        return [m for u in self.users.values() if u.email == email for m in u.meetings.values()]

    def events_of(self, email: str) -> list[dict[str, Any]]:
        """The user's calendar events as stored (with internal bookkeeping fields removed)."""
        return [_public(e) for u in self.users.values() if u.email == email for e in u.events.values()]

    # --- the API ----------------------------------------------------------------------------------

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.middleware("http")
        async def _gate(request: Request, call_next: Any) -> Response:
            self.requests.append((request.method, request.url.path))
            with self._lock:
                if self.fail_next > 0:
                    self.fail_next -= 1
                    return _error(self.fail_status, "generalException", "An internal server error occurred.")
            header = request.headers.get("authorization", "")
            token = header[len("Bearer ") :].strip() if header.startswith("Bearer ") else ""
            if not token:
                return _error(401, "InvalidAuthenticationToken", "Access token is empty.")
            if token in self.expired_tokens:
                return _error(
                    401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."
                )
            if token not in self.tokens:
                return _error(401, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed.")
            request.state.user = self.users[self.tokens[token]]
            return await call_next(request)

        def allowed(user: FakeGraphUser, needed: frozenset[str]) -> bool:
            return bool(user.scopes & needed)

        @app.post("/v1.0/me/onlineMeetings")
        async def create_meeting(request: Request) -> Response:
            user: FakeGraphUser = request.state.user
            if not allowed(user, MEETING_SCOPES):
                return _error(403, "Forbidden", "Forbidden")
            body = await request.json()
            meeting_id = f"MSo{secrets.token_urlsafe(40)}"
            now = dt.datetime.now(dt.UTC)
            meeting = {
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('me')/onlineMeetings/$entity",
                "id": meeting_id,
                "creationDateTime": now.isoformat().replace("+00:00", "Z"),
                "startDateTime": body.get("startDateTime") or now.isoformat().replace("+00:00", "Z"),
                "endDateTime": body.get("endDateTime")
                or (now + dt.timedelta(hours=1)).isoformat().replace("+00:00", "Z"),
                "subject": body.get("subject"),
                "joinWebUrl": _join_url(),
                "joinMeetingIdSettings": {
                    "isPasscodeRequired": True,
                    "joinMeetingId": str(secrets.randbelow(10**12)).zfill(12),
                    "passcode": secrets.token_urlsafe(6),
                },
                "participants": {
                    "organizer": {"upn": user.email, "identity": {"user": {"id": user.user_id}}}
                },
                "chatInfo": {"threadId": f"19:meeting_{secrets.token_hex(8)}@thread.v2", "messageId": "0"},
            }
            user.meetings[meeting_id] = meeting
            return JSONResponse(meeting, status_code=201)

        @app.get("/v1.0/me/onlineMeetings/{meeting_id}")
        async def get_meeting(request: Request, meeting_id: str) -> Response:
            meeting = request.state.user.meetings.get(meeting_id)
            if meeting is None:
                return _error(404, "NotFound", "The requested resource does not exist.")
            return JSONResponse(meeting)

        @app.delete("/v1.0/me/onlineMeetings/{meeting_id}")
        async def delete_meeting(request: Request, meeting_id: str) -> Response:
            if request.state.user.meetings.pop(meeting_id, None) is None:
                return _error(404, "NotFound", "The requested resource does not exist.")
            return Response(status_code=204)

        @app.post("/v1.0/me/events")
        async def create_event(request: Request) -> Response:
            user: FakeGraphUser = request.state.user
            if not allowed(user, CALENDAR_SCOPES):
                return _error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
            body = await request.json()
            problem = _invalid_event(body)
            if problem:
                return _error(400, "ErrorInvalidRequest", problem)
            transaction = body.get("transactionId")
            repeated = next(
                (e for e in user.events.values() if transaction and e.get("transactionId") == transaction),
                None,
            )
            if repeated is not None:
                return JSONResponse(_public(repeated), status_code=201)
            event_id = f"AAMk{secrets.token_urlsafe(40)}"
            event = {
                **body,
                "id": event_id,
                "changeKey": secrets.token_urlsafe(12),
                "isOnlineMeeting": bool(body.get("isOnlineMeeting")),
                "onlineMeetingProvider": body.get("onlineMeetingProvider") or "unknown",
                "onlineMeeting": None,
            }
            # Teams meetings exist for work or school accounts only; a personal account gets none.
            teams = event["isOnlineMeeting"] and event["onlineMeetingProvider"] == "teamsForBusiness"
            if teams and not user.personal:
                event["_pendingJoinUrl"] = _join_url()
                event["_readsUntilJoinUrl"] = self.join_url_delay_reads
                _maybe_fill_join_url(event)
            user.events[event_id] = event
            return JSONResponse(_public(event), status_code=201)

        @app.get("/v1.0/me/events/{event_id}")
        async def get_event(request: Request, event_id: str) -> Response:
            user: FakeGraphUser = request.state.user
            if not allowed(user, CALENDAR_SCOPES | READ_CALENDAR_SCOPES):
                return _error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
            event = user.events.get(event_id)
            if event is None:
                return _error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
            event["_readsUntilJoinUrl"] = event.get("_readsUntilJoinUrl", 0) - 1
            _maybe_fill_join_url(event)
            answer = _public(event)
            select = request.query_params.get("$select")
            if select:
                fields = {name.strip() for name in select.split(",")} | {"id"}
                answer = {key: value for key, value in answer.items() if key in fields}
            return JSONResponse(answer)

        @app.get("/v1.0/me/events")
        async def list_events(request: Request) -> Response:
            user: FakeGraphUser = request.state.user
            if not allowed(user, CALENDAR_SCOPES):
                return _error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
            skip = int(request.query_params.get("$skip", "0"))
            top = int(request.query_params.get("$top", PAGE_SIZE_DEFAULT))
            items = [_public(event) for event in user.events.values()]
            answer: dict[str, Any] = {"value": items[skip : skip + top]}
            if skip + top < len(items):
                answer["@odata.nextLink"] = f"{request.base_url}v1.0/me/events?$top={top}&$skip={skip + top}"
            return JSONResponse(answer)

        @app.delete("/v1.0/me/events/{event_id}")
        async def delete_event(request: Request, event_id: str) -> Response:
            if request.state.user.events.pop(event_id, None) is None:
                return _error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
            return Response(status_code=204)

        return app
