"""A local stand-in for Microsoft Graph v1.0 (`/me/onlineMeetings`, `/me/events`); there is no emulator.

It follows Graph's documented semantics closely enough for the real msgraph-sdk to talk to it: bearer
tokens (401 `InvalidAuthenticationToken` for unknown or expired ones, 403 `Forbidden` without the needed
permission), OData error bodies, `onlineMeeting` resources with `joinWebUrl`, `id` and join settings,
404 `NotFound` for unknown ids, and calendar events (`isOnlineMeeting` gives `onlineMeeting.joinUrl`)
paged with `@odata.nextLink`, for calendar sync later.
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
PAGE_SIZE_DEFAULT = 10
TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"


@dataclass
class FakeGraphUser:
    """One Microsoft user with their online meetings and calendar events."""

    user_id: str
    email: str
    scopes: frozenset[str]
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


class FakeMicrosoftGraph:
    """The fake's state and switches; `app` is the ASGI app to serve with ThreadedServer."""

    def __init__(self) -> None:
        self.users: dict[str, FakeGraphUser] = {}
        self.tokens: dict[str, str] = {}  # access token -> user id
        self.expired_tokens: set[str] = set()
        self.fail_status = 0
        self.fail_next = 0
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self.app = self._build()

    # --- test controls ----------------------------------------------------------------------------

    def add_user(self, email: str, scopes: frozenset[str] = MEETING_SCOPES | CALENDAR_SCOPES) -> str:
        """A Microsoft user and a valid access token for them."""
        user = next((u for u in self.users.values() if u.email == email), None)
        if user is None:
            user = FakeGraphUser(str(uuid.uuid4()), email, scopes)
            self.users[user.user_id] = user
        user.scopes = frozenset(scope.lower() for scope in scopes)
        token = "eyJ0eXAi." + secrets.token_urlsafe(32)
        self.tokens[token] = user.user_id
        return token

    def expire(self, token: str) -> None:
        self.expired_tokens.add(token)

    def fail(self, status: int = 500, times: int = 1) -> None:
        self.fail_status, self.fail_next = status, times

    def meetings_of(self, email: str) -> list[dict[str, Any]]:
        return [m for u in self.users.values() if u.email == email for m in u.meetings.values()]

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
            event_id = f"AAMk{secrets.token_urlsafe(40)}"
            event = {**body, "id": event_id, "changeKey": secrets.token_urlsafe(12)}
            if body.get("isOnlineMeeting"):
                event["onlineMeeting"] = {"joinUrl": _join_url()}
                event.setdefault("onlineMeetingProvider", "teamsForBusiness")
            user.events[event_id] = event
            return JSONResponse(event, status_code=201)

        @app.get("/v1.0/me/events")
        async def list_events(request: Request) -> Response:
            user: FakeGraphUser = request.state.user
            if not allowed(user, CALENDAR_SCOPES):
                return _error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
            skip = int(request.query_params.get("$skip", "0"))
            top = int(request.query_params.get("$top", PAGE_SIZE_DEFAULT))
            items = list(user.events.values())
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
