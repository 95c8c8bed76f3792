"""A local stand-in for the Google Calendar API v3 events resource (there is no emulator).

It follows Google's documented semantics closely enough for the real google-api-python-client to talk
to it: bearer tokens (401 `authError` for unknown or expired ones, 403 `insufficientPermissions` without
a calendar scope), `conferenceDataVersion` (conference data is ignored and not returned below 1), Meet
create requests that stay "pending" for a configurable number of reads before "success", `hangoutLink`
and entry points, `etag`s, 404 for unknown and 410 for deleted events, and listing with `pageToken` /
`nextPageToken` and incremental `syncToken` / `nextSyncToken` (cancelled tombstones; 410
`fullSyncRequired` for an unknown token), for calendar sync later.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

CALENDAR_SCOPES = frozenset(
    {"https://www.googleapis.com/auth/calendar", "https://www.googleapis.com/auth/calendar.events"}
)
PAGE_SIZE_DEFAULT = 250


@dataclass
class FakeGoogleAccount:
    """One Google user: their primary calendar, addressed as "primary" or by e-mail."""

    email: str
    scopes: frozenset[str] = CALENDAR_SCOPES
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Reads of an event still to answer "pending" for its Meet create request.
    pending_reads: dict[str, int] = field(default_factory=dict)
    sequence: int = 0


def _error(status: int, reason: str, message: str, status_name: str) -> JSONResponse:
    """Google's JSON error shape (both the legacy `errors` list and the `status` name)."""
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"domain": "global", "reason": reason, "message": message}],
            "status": status_name,
        }
    }
    return JSONResponse(body, status_code=status)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class FakeGoogleCalendar:
    """The fake's state and switches; `app` is the ASGI app to serve with ThreadedServer."""

    def __init__(self) -> None:
        self.accounts: dict[str, FakeGoogleAccount] = {}
        self.tokens: dict[str, str] = {}  # access token -> account e-mail
        self.expired_tokens: set[str] = set()
        # Switches for bad paths: answer this status to the next N requests; Meet requests fail.
        self.fail_status = 0
        self.fail_next = 0
        self.pending_reads = 1
        self.conference_failure = False
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self.app = self._build()

    # --- test controls ----------------------------------------------------------------------------

    def add_account(self, email: str, scopes: frozenset[str] = CALENDAR_SCOPES) -> str:
        """A Google user and a valid access token for them."""
        self.accounts.setdefault(email, FakeGoogleAccount(email, scopes)).scopes = scopes
        token = "ya29." + secrets.token_urlsafe(24)
        self.tokens[token] = email
        return token

    def expire(self, token: str) -> None:
        self.expired_tokens.add(token)

    def fail(self, status: int = 500, times: int = 1) -> None:
        self.fail_status, self.fail_next = status, times

    def live_events(self, email: str) -> list[dict[str, Any]]:
        return [e for e in self.accounts[email].events.values() if e["status"] != "cancelled"]

    # --- the API ----------------------------------------------------------------------------------

    def _build(self) -> FastAPI:
        app = FastAPI()
        base = "/calendar/v3/calendars/{calendar_id}/events"

        @app.middleware("http")
        async def _gate(request: Request, call_next: Any) -> Response:
            self.requests.append((request.method, request.url.path, dict(request.query_params)))
            with self._lock:
                if self.fail_next > 0:
                    self.fail_next -= 1
                    return _error(self.fail_status, "backendError", "Backend Error", "UNAVAILABLE")
            header = request.headers.get("authorization", "")
            token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
            if not token or token not in self.tokens or token in self.expired_tokens:
                response = _error(
                    401,
                    "authError",
                    "Request had invalid authentication credentials. Expected OAuth 2 access token.",
                    "UNAUTHENTICATED",
                )
                response.headers["www-authenticate"] = 'Bearer realm="https://accounts.google.com/"'
                return response
            account = self.accounts[self.tokens[token]]
            if not account.scopes & CALENDAR_SCOPES:
                return _error(
                    403,
                    "insufficientPermissions",
                    "Request had insufficient authentication scopes.",
                    "PERMISSION_DENIED",
                )
            request.state.account = account
            return await call_next(request)

        def calendar_of(request: Request, calendar_id: str) -> FakeGoogleAccount | None:
            account: FakeGoogleAccount = request.state.account
            return account if calendar_id in ("primary", account.email) else None

        @app.post(base)
        async def insert(request: Request, calendar_id: str) -> Response:
            account = calendar_of(request, calendar_id)
            if account is None:
                return _error(404, "notFound", "Not Found", "NOT_FOUND")
            body = await request.json()
            if "start" not in body or "end" not in body:
                return _error(400, "required", "Missing time range.", "INVALID_ARGUMENT")
            version = int(request.query_params.get("conferenceDataVersion", "0"))
            event_id = body.get("id") or secrets.token_hex(13)
            if event_id in account.events:
                return _error(409, "duplicate", "The requested identifier already exists.", "ALREADY_EXISTS")
            event = {
                **{k: v for k, v in body.items() if k != "conferenceData"},
                "kind": "calendar#event",
                "id": event_id,
                "status": "confirmed",
                "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
                "created": _now(),
                "updated": _now(),
                "creator": {"email": account.email, "self": True},
                "organizer": {"email": account.email, "self": True},
                "iCalUID": f"{event_id}@google.com",
                "sequence": 0,
                "eventType": "default",
            }
            request_body = (body.get("conferenceData") or {}).get("createRequest")
            if version >= 1 and request_body:
                key = (request_body.get("conferenceSolutionKey") or {}).get("type")
                if key != "hangoutsMeet" or not request_body.get("requestId"):
                    return _error(400, "invalid", "Invalid conference type value.", "INVALID_ARGUMENT")
                event["conferenceData"] = {
                    "createRequest": {**request_body, "status": {"statusCode": "pending"}}
                }
                account.pending_reads[event_id] = self.pending_reads
                if self.pending_reads == 0:
                    self._settle(account, event)
            self._store(account, event)
            return JSONResponse(self._view(event, version))

        @app.get(base + "/{event_id}")
        async def get(request: Request, calendar_id: str, event_id: str) -> Response:
            account = calendar_of(request, calendar_id)
            event = account.events.get(event_id) if account else None
            if event is None or account is None:
                return _error(404, "notFound", "Not Found", "NOT_FOUND")
            if account.pending_reads.get(event_id, 0) > 0:
                account.pending_reads[event_id] -= 1
            elif "conferenceData" in event and "entryPoints" not in event["conferenceData"]:
                self._settle(account, event)
                self._store(account, event)
            version = int(request.query_params.get("conferenceDataVersion", "1"))
            return JSONResponse(self._view(event, version))

        @app.delete(base + "/{event_id}")
        async def delete(request: Request, calendar_id: str, event_id: str) -> Response:
            account = calendar_of(request, calendar_id)
            event = account.events.get(event_id) if account else None
            if event is None or account is None:
                return _error(404, "notFound", "Not Found", "NOT_FOUND")
            if event["status"] == "cancelled":
                return _error(410, "deleted", "Resource has been deleted", "FAILED_PRECONDITION")
            event["status"] = "cancelled"
            self._store(account, event)
            return Response(status_code=204)

        @app.get(base)
        async def list_events(request: Request, calendar_id: str) -> Response:
            account = calendar_of(request, calendar_id)
            if account is None:
                return _error(404, "notFound", "Not Found", "NOT_FOUND")
            params = request.query_params
            sync_token, page_token = params.get("syncToken"), params.get("pageToken")
            since = 0
            if sync_token:
                if not sync_token.startswith("s") or not sync_token[1:].isdigit():
                    return _error(410, "fullSyncRequired", "Sync token is no longer valid.", "GONE")
                since = int(sync_token[1:])
            offset = int(page_token) if page_token and page_token.isdigit() else 0
            size = min(int(params.get("maxResults", PAGE_SIZE_DEFAULT)), 2500)
            show_deleted = bool(sync_token) or params.get("showDeleted") == "true"
            items = sorted(account.events.values(), key=lambda e: e["_seq"])
            items = [e for e in items if e["_seq"] > since and (show_deleted or e["status"] != "cancelled")]
            page = items[offset : offset + size]
            version = int(params.get("conferenceDataVersion", "1"))  # reads always carry it
            answer: dict[str, Any] = {
                "kind": "calendar#events",
                "summary": account.email,
                "items": [self._view(e, version) for e in page],
            }
            if offset + size < len(items):
                answer["nextPageToken"] = str(offset + size)
            else:
                answer["nextSyncToken"] = f"s{account.sequence}"
            return JSONResponse(answer)

        return app

    def _settle(self, account: FakeGoogleAccount, event: dict[str, Any]) -> None:
        """Finish a pending Meet create request: success with a link, or failure when told to."""
        request_body = event["conferenceData"]["createRequest"]
        if self.conference_failure:
            request_body["status"] = {"statusCode": "failure"}
            return
        code = "-".join(secrets.token_hex(2)[:3] for _ in range(3))
        request_body["status"] = {"statusCode": "success"}
        event["conferenceData"].update(
            {
                "entryPoints": [
                    {
                        "entryPointType": "video",
                        "uri": f"https://meet.google.com/{code}",
                        "label": f"meet.google.com/{code}",
                    },
                    {"entryPointType": "more", "uri": f"https://tel.meet/{code}?pin=1"},
                ],
                "conferenceSolution": {
                    "key": {"type": "hangoutsMeet"},
                    "name": "Google Meet",
                    "iconUri": "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo.png",
                },
                "conferenceId": code,
            }
        )
        event["hangoutLink"] = f"https://meet.google.com/{code}"
        account.pending_reads.pop(event["id"], None)

    def _store(self, account: FakeGoogleAccount, event: dict[str, Any]) -> None:
        with self._lock:
            account.sequence += 1
            event["_seq"] = account.sequence
            event["etag"] = f'"{account.sequence}{secrets.randbelow(10**6):06d}"'
            event["updated"] = _now()
            account.events[event["id"]] = event

    @staticmethod
    def _view(event: dict[str, Any], version: int) -> dict[str, Any]:
        view = {k: v for k, v in event.items() if not k.startswith("_")}
        if view["status"] == "cancelled":
            return {"kind": view["kind"], "etag": view["etag"], "id": view["id"], "status": "cancelled"}
        if version < 1:
            view.pop("conferenceData", None)
        return view
