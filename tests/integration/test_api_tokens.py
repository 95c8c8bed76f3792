"""REST bearer tokens: the token and revocation endpoints, refresh rotation, and bearer auth on routes."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from scheduler_app.backend.auth import tokens
from scheduler_app.backend.auth.keys import derive_key
from scheduler_app.backend.db import Database
from tests.integration.api_helpers import (
    assert_problem,
    cheap_password_hashing,  # noqa: F401  (fixture)
    create_event,
    timed,
)
from tests.integration.conftest import SignIn

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"  # what the sign_in fixture gives every account
WEEK = {"start": "2026-03-02T00:00:00Z", "end": "2026-03-09T00:00:00Z"}


def password_grant(
    client: httpx.Client, email: str, password: str = PASSWORD, **extra: str
) -> httpx.Response:
    return client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": email, "password": password, **extra},
    )


def refresh_grant(client: httpx.Client, refresh_token: str) -> httpx.Response:
    return client.post(
        "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": refresh_token}
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_invalid_token(response: httpx.Response) -> None:
    assert_problem(response, 401)
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer") and 'error="invalid_token"' in challenge


def assert_oauth_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code
    assert body["error_description"]
    assert response.headers["cache-control"] == "no-store"


@pytest.fixture
async def api_client(sign_in: SignIn, anonymous: httpx.Client) -> Callable[..., Any]:
    """A new account, and tokens for it from the password grant, used with a cookie-less client."""

    async def _make(scope: str | None = None) -> dict[str, Any]:
        owner = await sign_in()
        extra = {"scope": scope} if scope else {}
        response = password_grant(anonymous, owner.email, **extra)
        assert response.status_code == 200, response.text
        return {"owner": owner, **response.json()}

    return _make


def make_pat(client: httpx.Client, scope: str = "read_write", **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/me/tokens", json={"name": f"ci {scope}", "scope": scope, **fields})
    assert response.status_code == 201, response.text
    return response.json()


# The token endpoint


async def test_password_grant_form_encoded(sign_in: SignIn, anonymous: httpx.Client) -> None:
    owner = await sign_in()
    response = password_grant(anonymous, owner.email)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "read_write"
    assert 0 < body["expires_in"] <= 15 * 60
    assert body["refresh_token"] and body["access_token"].count(".") == 2
    assert response.headers["cache-control"] == "no-store"
    calendars = anonymous.get("/api/v1/calendars", headers=bearer(body["access_token"]))
    assert calendars.status_code == 200, calendars.text
    assert len(calendars.json()) == 1


async def test_password_grant_json(sign_in: SignIn, anonymous: httpx.Client) -> None:
    owner = await sign_in()
    response = anonymous.post(
        "/api/v1/auth/token",
        json={
            "grant_type": "password",
            "username": owner.email.upper(),
            "password": PASSWORD,
            "scope": "read",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "read"


async def test_wrong_password_is_invalid_grant(sign_in: SignIn, anonymous: httpx.Client) -> None:
    owner = await sign_in()
    assert_oauth_error(password_grant(anonymous, owner.email, "not the password"), 400, "invalid_grant")
    assert_oauth_error(password_grant(anonymous, "nobody@example.com"), 400, "invalid_grant")


async def test_malformed_token_requests(sign_in: SignIn, anonymous: httpx.Client) -> None:
    owner = await sign_in()
    endpoint = "/api/v1/auth/token"
    assert_oauth_error(anonymous.post(endpoint, data={"username": owner.email}), 400, "invalid_request")
    assert_oauth_error(
        anonymous.post(endpoint, data={"grant_type": "client_credentials"}), 400, "unsupported_grant_type"
    )
    assert_oauth_error(anonymous.post(endpoint, data={"grant_type": "password"}), 400, "invalid_request")
    assert_oauth_error(anonymous.post(endpoint, data={"grant_type": "refresh_token"}), 400, "invalid_request")
    assert_oauth_error(password_grant(anonymous, owner.email, scope="admin"), 400, "invalid_scope")
    assert_oauth_error(anonymous.post(endpoint, content=b"grant_type=password"), 400, "invalid_request")
    not_json = anonymous.post(endpoint, content=b"{", headers={"content-type": "application/json"})
    assert_oauth_error(not_json, 400, "invalid_request")
    a_list = anonymous.post(endpoint, json=["grant_type", "password"])
    assert_oauth_error(a_list, 400, "invalid_request")
    nested = anonymous.post(
        endpoint, json={"grant_type": "password", "username": {"$ne": ""}, "password": "x"}
    )
    assert_oauth_error(nested, 400, "invalid_request")


async def test_refresh_rotates_the_token(api_client: Callable[..., Any], anonymous: httpx.Client) -> None:
    first = await api_client()
    response = refresh_grant(anonymous, first["refresh_token"])
    assert response.status_code == 200, response.text
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert anonymous.get("/api/v1/calendars", headers=bearer(second["access_token"])).status_code == 200
    third = refresh_grant(anonymous, second["refresh_token"])
    assert third.status_code == 200, third.text


async def test_replayed_refresh_token_revokes_the_whole_family(
    api_client: Callable[..., Any], anonymous: httpx.Client, indexed_database: Database
) -> None:
    first = await api_client()
    second = refresh_grant(anonymous, first["refresh_token"]).json()
    other_sign_in = password_grant(anonymous, first["owner"].email).json()

    replay = refresh_grant(anonymous, first["refresh_token"])
    assert_oauth_error(replay, 400, "invalid_grant")
    assert "already used" in replay.json()["error_description"]
    # The legitimate successor and every access token of the family stop working too...
    assert_oauth_error(refresh_grant(anonymous, second["refresh_token"]), 400, "invalid_grant")
    assert_invalid_token(anonymous.get("/api/v1/calendars", headers=bearer(second["access_token"])))
    assert_invalid_token(anonymous.get("/api/v1/calendars", headers=bearer(first["access_token"])))
    # ...while another sign-in of the same user is untouched.
    assert (
        anonymous.get("/api/v1/calendars", headers=bearer(other_sign_in["access_token"])).status_code == 200
    )
    assert refresh_grant(anonymous, other_sign_in["refresh_token"]).status_code == 200
    entry = await indexed_database.collections().audit_log.find_one(
        {"action": "auth.refresh_token_replayed", "actor_id": first["owner"].user_id}
    )
    assert entry is not None and entry["outcome"] == "failure"


async def test_unknown_refresh_token_is_invalid_grant(anonymous: httpx.Client) -> None:
    assert_oauth_error(refresh_grant(anonymous, "not-a-token"), 400, "invalid_grant")


async def test_refresh_may_narrow_but_not_widen_the_scope(
    api_client: Callable[..., Any], anonymous: httpx.Client
) -> None:
    granted = await api_client(scope="read")
    widened = anonymous.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": granted["refresh_token"],
            "scope": "read_write",
        },
    )
    assert_oauth_error(widened, 400, "invalid_scope")
    # A refused request does not use the token up.
    kept = refresh_grant(anonymous, granted["refresh_token"])
    assert kept.status_code == 200 and kept.json()["scope"] == "read"


async def test_expired_refresh_token_is_refused(
    api_client: Callable[..., Any], anonymous: httpx.Client, indexed_database: Database
) -> None:
    granted = await api_client()
    db = indexed_database.collections()
    await db.refresh_tokens.update_many(
        {"user_id": granted["owner"].user_id}, {"$set": {"expires_at": tokens.utc_now()}}
    )
    assert_oauth_error(refresh_grant(anonymous, granted["refresh_token"]), 400, "invalid_grant")


# Access tokens that must be refused


async def test_expired_access_token(api_client: Callable[..., Any], anonymous: httpx.Client) -> None:
    granted = await api_client()
    user_id = granted["owner"].user_id
    long_ago = int(time.time()) - 3600
    expired, _ = tokens.issue_access_token(user_id, "read_write", "family", now=long_ago)
    response = anonymous.get("/api/v1/calendars", headers=bearer(expired))
    assert_invalid_token(response)
    assert "expired" in response.json()["detail"]
    # Within the leeway a token just past its expiry is still honoured (clock skew).
    lifetime = int(tokens.ACCESS_TOKEN_TTL.total_seconds())
    family = tokens.verify_access_token(granted["access_token"]).family_id
    barely, _ = tokens.issue_access_token(user_id, "read_write", family, now=int(time.time()) - lifetime - 5)
    assert anonymous.get("/api/v1/calendars", headers=bearer(barely)).status_code == 200


def _segments(token: str) -> list[str]:
    return token.split(".")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _payload(token: str) -> dict[str, Any]:
    part = _segments(token)[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


async def test_tampered_access_tokens(api_client: Callable[..., Any], anonymous: httpx.Client) -> None:
    granted = await api_client(scope="read")
    header, payload, signature = _segments(granted["access_token"])
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    widened = _b64({**_payload(granted["access_token"]), "scope": "read_write"})
    unsigned = _b64({"alg": "none", "typ": "at+jwt"}) + "." + payload + "."
    for forged in (f"{header}.{payload}.{flipped}", f"{header}.{widened}.{signature}", unsigned, "a.b.c"):
        assert_invalid_token(anonymous.get("/api/v1/calendars", headers=bearer(forged)))


async def test_token_for_another_audience_or_key_or_type(
    api_client: Callable[..., Any], anonymous: httpx.Client
) -> None:
    granted = await api_client()
    claims = _payload(granted["access_token"])
    own_key = OctKey.import_key(derive_key("api-access-token"))
    header = {"alg": "HS256", "typ": "at+jwt"}
    other_audience = jwt.encode(header, {**claims, "aud": "https://elsewhere.example/api"}, own_key)
    other_issuer = jwt.encode(header, {**claims, "iss": "https://elsewhere.example"}, own_key)
    other_key = jwt.encode(header, claims, OctKey.import_key(derive_key("some-other-purpose")))
    id_token_type = jwt.encode({"alg": "HS256", "typ": "JWT"}, claims, own_key)
    no_subject = jwt.encode(header, {k: v for k, v in claims.items() if k != "sub"}, own_key)
    for foreign in (other_audience, other_issuer, other_key, id_token_type, no_subject):
        assert_invalid_token(anonymous.get("/api/v1/calendars", headers=bearer(foreign)))


async def test_malformed_authorization_headers(anonymous: httpx.Client) -> None:
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-token", "Bearer sch_pat_unknown"):
        assert_invalid_token(anonymous.get("/api/v1/calendars", headers={"Authorization": header}))
    # No credentials at all is the cookie challenge, as before.
    assert_problem(anonymous.get("/api/v1/calendars"), 401)


# Revocation (RFC 7009)


async def test_revoking_a_refresh_token_ends_the_sign_in(
    api_client: Callable[..., Any], anonymous: httpx.Client
) -> None:
    granted = await api_client()
    response = anonymous.post("/api/v1/auth/revoke", data={"token": granted["refresh_token"]})
    assert response.status_code == 200, response.text
    assert_oauth_error(refresh_grant(anonymous, granted["refresh_token"]), 400, "invalid_grant")
    assert_invalid_token(anonymous.get("/api/v1/calendars", headers=bearer(granted["access_token"])))


async def test_revoking_an_access_token_ends_the_sign_in(
    api_client: Callable[..., Any], anonymous: httpx.Client
) -> None:
    granted = await api_client()
    response = anonymous.post(
        "/api/v1/auth/revoke", json={"token": granted["access_token"], "token_type_hint": "access_token"}
    )
    assert response.status_code == 200, response.text
    assert_invalid_token(anonymous.get("/api/v1/calendars", headers=bearer(granted["access_token"])))
    assert_oauth_error(refresh_grant(anonymous, granted["refresh_token"]), 400, "invalid_grant")


async def test_revoke_answers_200_for_unknown_tokens_and_400_without_one(anonymous: httpx.Client) -> None:
    for unknown in ("nothing-like-it", "a.b.c", "sch_pat_gone"):
        assert anonymous.post("/api/v1/auth/revoke", data={"token": unknown}).status_code == 200
    assert_oauth_error(anonymous.post("/api/v1/auth/revoke", data={}), 400, "invalid_request")


# Personal access tokens


async def test_personal_token_is_shown_once_listed_and_revocable(
    sign_in: SignIn, anonymous: httpx.Client, indexed_database: Database
) -> None:
    owner = await sign_in()
    created = make_pat(owner, "read_write", name="Deploy script", expires_in_days=7)
    secret = created["token"]
    assert secret.startswith("sch_pat_") and created["hint"] == secret[: len(created["hint"])]
    assert created["name"] == "Deploy script" and created["expires_at"] is not None
    stored = await indexed_database.collections().api_tokens.find_one({"_id": created["id"]})
    assert stored is not None and secret not in json.dumps(stored, default=str)

    listed = owner.get("/api/v1/me/tokens").json()
    assert [item["id"] for item in listed] == [created["id"]]
    assert "token" not in listed[0] and listed[0]["last_used_at"] is None
    assert anonymous.get("/api/v1/calendars", headers=bearer(secret)).status_code == 200
    assert owner.get("/api/v1/me/tokens").json()[0]["last_used_at"] is not None

    assert owner.delete(f"/api/v1/me/tokens/{created['id']}").status_code == 204
    assert owner.get("/api/v1/me/tokens").json() == []
    assert_invalid_token(anonymous.get("/api/v1/calendars", headers=bearer(secret)))
    assert_problem(owner.delete(f"/api/v1/me/tokens/{created['id']}"), 404)


async def test_personal_token_revoked_through_rfc7009(sign_in: SignIn, anonymous: httpx.Client) -> None:
    owner = await sign_in()
    secret = make_pat(owner)["token"]
    assert anonymous.post("/api/v1/auth/revoke", data={"token": secret}).status_code == 200
    assert_invalid_token(anonymous.get("/api/v1/calendars", headers=bearer(secret)))


async def test_read_only_token_is_refused_on_writes(sign_in: SignIn, anonymous: httpx.Client) -> None:
    owner = await sign_in()
    event = create_event(owner, "Read me")
    secret = make_pat(owner, "read")["token"]
    assert anonymous.get("/api/v1/events", params=WEEK, headers=bearer(secret)).status_code == 200
    writes = [
        anonymous.post(
            "/api/v1/events",
            json={"title": "No", **timed("2026-03-03T09:00:00", "2026-03-03T10:00:00")},
            headers=bearer(secret),
        ),
        anonymous.patch(f"/api/v1/events/{event['id']}", json={"title": "No"}, headers=bearer(secret)),
        anonymous.delete(f"/api/v1/events/{event['id']}", headers=bearer(secret)),
        anonymous.put("/api/v1/me/working-hours", json={}, headers=bearer(secret)),
    ]
    for response in writes:
        body = assert_problem(response, 403)
        assert "read-only" in body["detail"]
        assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
    assert owner.get(f"/api/v1/events/{event['id']}").json()["title"] == "Read me"


async def test_read_only_access_token_is_refused_on_writes(
    api_client: Callable[..., Any], anonymous: httpx.Client
) -> None:
    granted = await api_client(scope="read")
    response = anonymous.post(
        "/api/v1/calendars", json={"name": "No", "color": "#112233"}, headers=bearer(granted["access_token"])
    )
    assert_problem(response, 403)


async def test_a_personal_token_cannot_mint_tokens(sign_in: SignIn, anonymous: httpx.Client) -> None:
    owner = await sign_in()
    secret = make_pat(owner)["token"]
    response = anonymous.post(
        "/api/v1/me/tokens", json={"name": "child", "scope": "read"}, headers=bearer(secret)
    )
    assert_problem(response, 403)
    assert len(owner.get("/api/v1/me/tokens").json()) == 1


async def test_personal_token_input_is_validated(sign_in: SignIn) -> None:
    owner = await sign_in()
    assert_problem(owner.post("/api/v1/me/tokens", json={"name": "  ", "scope": "read"}), 422, "name")
    assert_problem(owner.post("/api/v1/me/tokens", json={"name": "x", "scope": "admin"}), 422, "scope")
    too_long = {"name": "x", "scope": "read", "expires_in_days": 5000}
    assert_problem(owner.post("/api/v1/me/tokens", json=too_long), 422, "expires_in_days")
    make_pat(owner, "read", name="Twice")
    assert_problem(owner.post("/api/v1/me/tokens", json={"name": "twice", "scope": "read"}), 409)


async def test_expired_personal_token(
    sign_in: SignIn, anonymous: httpx.Client, indexed_database: Database
) -> None:
    owner = await sign_in()
    created = make_pat(owner, expires_in_days=1)
    await indexed_database.collections().api_tokens.update_one(
        {"_id": created["id"]}, {"$set": {"expires_at": tokens.utc_now()}}
    )
    assert_invalid_token(anonymous.get("/api/v1/calendars", headers=bearer(created["token"])))
    assert owner.get("/api/v1/me/tokens").json() == []


async def test_another_users_token_cannot_be_revoked(sign_in: SignIn, anonymous: httpx.Client) -> None:
    owner, stranger = await sign_in(), await sign_in()
    created = make_pat(owner)
    assert_problem(stranger.delete(f"/api/v1/me/tokens/{created['id']}"), 404)
    assert anonymous.get("/api/v1/calendars", headers=bearer(created["token"])).status_code == 200


async def test_disabled_account_tokens_stop_working(
    api_client: Callable[..., Any], anonymous: httpx.Client, indexed_database: Database
) -> None:
    granted = await api_client()
    owner = granted["owner"]
    secret = make_pat(owner)["token"]
    await indexed_database.collections().users.update_one(
        {"_id": owner.user_id}, {"$set": {"disabled": True}}
    )
    assert_invalid_token(anonymous.get("/api/v1/calendars", headers=bearer(granted["access_token"])))
    assert_invalid_token(anonymous.get("/api/v1/calendars", headers=bearer(secret)))
    assert_oauth_error(refresh_grant(anonymous, granted["refresh_token"]), 400, "invalid_grant")
    assert_oauth_error(password_grant(anonymous, owner.email), 400, "invalid_grant")


# Bearer tokens work like the cookie


ROUTES: list[tuple[str, str, Callable[[dict[str, Any]], dict[str, Any]]]] = [
    ("GET", "/api/v1/calendars", lambda _: {}),
    ("GET", "/api/v1/events", lambda _: {"params": WEEK}),
    (
        "POST",
        "/api/v1/events",
        lambda _: {"json": {"title": "New", **timed("2026-03-04T09:00:00", "2026-03-04T10:00:00")}},
    ),
    ("GET", "/api/v1/events/{event}", lambda _: {}),
    ("PATCH", "/api/v1/events/{event}", lambda _: {"json": {"title": "Renamed"}}),
    ("GET", "/api/v1/events/{event}/export.ics", lambda _: {}),
    ("POST", "/api/v1/calendars", lambda _: {"json": {"name": "Side", "color": "#445566"}}),
    ("PATCH", "/api/v1/calendars/{calendar}", lambda _: {"json": {"name": "Main"}}),
    ("GET", "/api/v1/me/working-hours", lambda _: {}),
    (
        "POST",
        "/api/v1/events/conflicts",
        lambda _: {"json": timed("2026-03-02T09:30:00", "2026-03-02T09:45:00")},
    ),
    ("GET", "/api/v1/me/tokens", lambda _: {}),
    ("DELETE", "/api/v1/events/{event}", lambda _: {}),
]


@pytest.mark.parametrize("kind", ["access_token", "personal_access_token"])
async def test_bearer_works_like_the_cookie_on_every_route(
    kind: str, sign_in: SignIn, anonymous: httpx.Client
) -> None:
    by_cookie, by_token = await sign_in(), await sign_in()
    if kind == "access_token":
        secret = password_grant(anonymous, by_token.email).json()["access_token"]
    else:
        secret = make_pat(by_token)["token"]
    outcomes: dict[str, list[int]] = {}
    for client, headers in ((by_cookie, {}), (anonymous, bearer(secret))):
        owner = by_cookie if client is by_cookie else by_token
        event = create_event(owner, "Standup")
        calendar = event["calendar_id"]
        statuses = []
        for method, template, options in ROUTES:
            url = template.format(event=event["id"], calendar=calendar)
            response = client.request(method, url, headers=headers, **options({}))
            statuses.append(response.status_code)
        outcomes["cookie" if client is by_cookie else "bearer"] = statuses
    assert outcomes["bearer"] == outcomes["cookie"]
    assert all(code < 300 for code in outcomes["bearer"]), outcomes


async def test_bearer_writes_need_no_same_origin(
    api_client: Callable[..., Any], anonymous: httpx.Client
) -> None:
    """Tokens are never sent by a browser on its own, so a foreign Origin is no CSRF risk for them."""
    granted = await api_client()
    response = anonymous.post(
        "/api/v1/calendars",
        json={"name": "From a script", "color": "#123456"},
        headers={**bearer(granted["access_token"]), "Origin": "https://tools.example"},
    )
    assert response.status_code == 201, response.text


async def test_bearer_users_see_only_their_own_data(sign_in: SignIn, anonymous: httpx.Client) -> None:
    owner, stranger = await sign_in(), await sign_in()
    event = create_event(owner, "Private")
    secret = make_pat(stranger, "read_write")["token"]
    assert_problem(anonymous.get(f"/api/v1/events/{event['id']}", headers=bearer(secret)), 404)
    assert_problem(anonymous.delete(f"/api/v1/events/{event['id']}", headers=bearer(secret)), 404)


async def test_a_password_change_ends_api_sign_ins_but_keeps_personal_tokens(
    sign_in: SignIn, anonymous: httpx.Client
) -> None:
    owner = await sign_in()
    signed = password_grant(anonymous, owner.email).json()
    pat = make_pat(owner)
    changed = owner.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "a brand new passphrase"}
    )
    assert changed.status_code in (200, 204), changed.text
    assert_oauth_error(refresh_grant(anonymous, signed["refresh_token"]), 400, "invalid_grant")
    assert_invalid_token(anonymous.get("/api/v1/calendars", headers=bearer(signed["access_token"])))
    assert anonymous.get("/api/v1/calendars", headers=bearer(pat["token"])).status_code == 200
