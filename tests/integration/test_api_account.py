"""Account security through the REST API: sessions, password change, password reset by e-mail."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from contextlib import closing

import httpx
import pytest

from scheduler_app.backend.auth.service import issue_login_ticket, token_digest
from scheduler_app.backend.db import Database
from tests.conftest import unique_email
from tests.integration.api_helpers import assert_problem, cheap_password_hashing  # noqa: F401 (autouse)
from tests.mail_server import MailServer

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"
CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"
LINK = re.compile(r"http\S+/reset-password/([A-Za-z0-9_-]+)")


@pytest.fixture(autouse=True)
async def forget_local_failures(indexed_database: Database):
    """These tests fail passwords from 127.0.0.1 on purpose; don't let that lock out other tests."""
    yield
    await indexed_database.collections().sign_in_attempts.delete_many({"_id": {"$regex": "^ip:127\\."}})


async def second_browser(api_url: str, db, user_id: str, user_agent: str) -> httpx.Client:
    """Another signed-in session of the same account, from a browser with this User-Agent."""
    client = httpx.Client(base_url=api_url, timeout=30, headers={"user-agent": user_agent})
    ticket = await issue_login_ticket(db, user_id)
    assert client.get("/auth/complete", params={"ticket": ticket}).status_code == 303
    return client


def sessions_of(client: httpx.Client) -> list[dict]:
    response = client.get("/api/v1/me/sessions")
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_lists_own_sessions_with_device_and_this_device_first(sign_in, api_url, db):
    me = await sign_in()
    with closing(await second_browser(api_url, db, me.user_id, FIREFOX_WINDOWS)) as other:
        items = sessions_of(me)
        assert len(items) == 2
        assert items[0]["current"] is True and items[1]["current"] is False
        assert items[1]["device"] == "Firefox on Windows"
        assert items[1]["ip"] == "127.0.0.1"
        assert {"id", "device", "ip", "created_at", "last_seen_at", "current"} <= set(items[0])
        stored_ids = {document["_id"] async for document in db.sessions.find({"user_id": me.user_id})}
        assert not {item["id"] for item in items} & stored_ids  # never the stored digest
        assert (sessions_of(other))[0]["device"] == "Firefox on Windows"


async def test_revoking_a_session_signs_that_browser_out(sign_in, api_url, db):
    me = await sign_in()
    with closing(await second_browser(api_url, db, me.user_id, CHROME_LINUX)) as other:
        [other_item] = [item for item in sessions_of(me) if not item["current"]]
        assert me.delete(f"/api/v1/me/sessions/{other_item['id']}").status_code == 204
        assert_problem(other.get("/api/v1/me/sessions"), 401)
        assert len(sessions_of(me)) == 1
        assert_problem(me.delete(f"/api/v1/me/sessions/{other_item['id']}"), 404)
    entry = await db.audit_log.find_one({"action": "auth.session_revoked", "actor_id": me.user_id})
    assert entry["target_id"] == other_item["id"] and entry["details"]["device"] == "Chrome on Linux"


async def test_another_users_session_id_is_not_found_and_stays_alive(sign_in):
    me, them = await sign_in(), await sign_in()
    [theirs] = sessions_of(them)
    assert_problem(me.delete(f"/api/v1/me/sessions/{theirs['id']}"), 404)
    assert_problem(me.delete("/api/v1/me/sessions/not-a-session"), 404)
    assert len(sessions_of(them)) == 1


async def test_revoking_the_current_session_clears_the_cookie(sign_in):
    me = await sign_in()
    [mine] = sessions_of(me)
    response = me.delete(f"/api/v1/me/sessions/{mine['id']}")
    assert response.status_code == 204
    assert "max-age=0" in response.headers["set-cookie"].lower()
    assert_problem(me.get("/api/v1/me/sessions"), 401)


async def test_sign_out_everywhere_else_keeps_only_this_session(sign_in, api_url, db):
    me = await sign_in()
    others = [
        await second_browser(api_url, db, me.user_id, agent) for agent in (CHROME_LINUX, FIREFOX_WINDOWS)
    ]
    response = me.post("/api/v1/me/sessions/revoke-others")
    assert response.status_code == 200 and response.json() == {"revoked": 2}
    for other in others:
        assert_problem(other.get("/api/v1/me/sessions"), 401)
        other.close()
    [only] = sessions_of(me)
    assert only["current"] is True


async def test_session_routes_need_a_session(anonymous):
    assert_problem(anonymous.get("/api/v1/me/sessions"), 401)
    assert_problem(anonymous.post("/api/v1/me/sessions/revoke-others"), 401)
    assert_problem(
        anonymous.post("/api/v1/me/password", json={"current_password": "x", "new_password": "y"}), 401
    )


async def test_cross_site_revocation_is_refused(sign_in):
    me = await sign_in()
    response = me.post("/api/v1/me/sessions/revoke-others", headers={"origin": "https://evil.example"})
    assert_problem(response, 403)


async def test_password_change_needs_the_current_password_and_ends_other_sessions(sign_in, api_url, db):
    me = await sign_in()
    with closing(await second_browser(api_url, db, me.user_id, CHROME_LINUX)) as other:
        wrong = me.post(
            "/api/v1/me/password", json={"current_password": "nope nope", "new_password": NEW_PASSWORD}
        )
        assert_problem(wrong, 422, "current_password")
        assert sessions_of(other)  # a failed change ends nothing
        short = me.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "short"})
        assert_problem(short, 422, "new_password")
        same = me.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": PASSWORD})
        assert_problem(same, 422, "new_password")
        changed = me.post(
            "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        )
        assert changed.status_code == 200 and changed.json() == {"revoked": 1}
        assert_problem(other.get("/api/v1/me/sessions"), 401)
        assert len(sessions_of(me)) == 1
    actions = [entry["action"] async for entry in db.audit_log.find({"actor_id": me.user_id})]
    assert "auth.password_changed" in actions and "auth.password_change_failed" in actions
    async for entry in db.audit_log.find({"actor_id": me.user_id}):
        assert PASSWORD not in str(entry) and NEW_PASSWORD not in str(entry)


async def test_password_change_rejects_unknown_fields_and_huge_values(sign_in):
    me = await sign_in()
    extra = me.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "x": 1}
    )
    assert_problem(extra, 422, "x")
    huge = me.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "x" * 5000})
    assert_problem(huge, 422, "new_password")


async def test_wrong_current_passwords_are_throttled_with_retry_after(sign_in):
    me = await sign_in()
    body = {"current_password": "wrong guess", "new_password": NEW_PASSWORD}
    for _ in range(6):
        assert_problem(me.post("/api/v1/me/password", json=body), 422, "current_password")
    throttled = me.post("/api/v1/me/password", json={**body, "current_password": PASSWORD})
    problem = assert_problem(throttled, 429)
    assert throttled.headers["retry-after"] == "1"
    assert problem["detail"] == "Too many attempts; try again in 1 second."


async def test_sign_in_is_throttled_per_account_with_retry_after(sign_in, anonymous, db):
    me = await sign_in()
    grant = {"grant_type": "password", "username": me.email, "password": "wrong guess"}
    for _ in range(6):
        assert anonymous.post("/api/v1/auth/token", data=grant).status_code == 400
    refused = anonymous.post("/api/v1/auth/token", data={**grant, "password": PASSWORD})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert "Too many attempts" in refused.text
    failures = await db.audit_log.count_documents({"action": "auth.sign_in_failed", "actor_id": me.user_id})
    assert failures == 6
    assert (
        await db.audit_log.count_documents({"action": "auth.sign_in_throttled", "actor_email": me.email}) == 1
    )


async def test_reset_by_mail_link_sets_the_password_and_ends_every_session(
    sign_in, anonymous, db, mail_server: MailServer
):
    me = await sign_in()
    response = anonymous.post("/api/v1/auth/password-reset", json={"email": me.email.upper()})
    assert response.status_code == 202
    [mail] = await asyncio.to_thread(mail_server.wait_for, me.email)
    assert mail["Subject"] == "Reset your Scheduler password"
    token = LINK.search(mail.get_body(("plain",)).get_content()).group(1)
    stored = await db.password_resets.find_one({"user_id": me.user_id})
    assert stored["_id"] == token_digest(token) != token
    done = anonymous.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert done.status_code == 204
    assert_problem(me.get("/api/v1/me/sessions"), 401)  # signed out everywhere
    grant = {"grant_type": "password", "username": me.email, "password": NEW_PASSWORD}
    assert anonymous.post("/api/v1/auth/token", data=grant).status_code == 200
    again = anonymous.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "another one!"}
    )
    assert_problem(again, 422, "token")
    assert await db.audit_log.count_documents({"action": "auth.password_reset", "target_id": me.user_id}) == 1


async def test_a_used_reset_link_voids_the_others(sign_in, anonymous, db):
    me = await sign_in()
    tokens = ["first-" + "a" * 30, "second-" + "b" * 30]
    now = dt.datetime.now(dt.UTC)
    for token in tokens:
        await db.password_resets.insert_one(
            {
                "_id": token_digest(token),
                "user_id": me.user_id,
                "created_at": now,
                "expires_at": now + dt.timedelta(hours=1),
            }
        )
    first = anonymous.post(
        "/api/v1/auth/password-reset/confirm", json={"token": tokens[0], "password": NEW_PASSWORD}
    )
    assert first.status_code == 204
    second = anonymous.post(
        "/api/v1/auth/password-reset/confirm", json={"token": tokens[1], "password": "x" * 12}
    )
    assert_problem(second, 422, "token")


async def test_expired_reset_link_is_refused_and_keeps_the_password(sign_in, anonymous, db):
    me = await sign_in()
    token = "expired-" + "c" * 30
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    await db.password_resets.insert_one(
        {
            "_id": token_digest(token),
            "user_id": me.user_id,
            "created_at": past,
            "expires_at": past + dt.timedelta(hours=1),
        }
    )
    refused = anonymous.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert_problem(refused, 422, "token")
    assert len(sessions_of(me)) == 1  # nothing changed: still signed in


async def test_a_short_new_password_does_not_use_up_the_link(sign_in, anonymous, db):
    me = await sign_in()
    token = "keepme-" + "d" * 30
    now = dt.datetime.now(dt.UTC)
    await db.password_resets.insert_one(
        {
            "_id": token_digest(token),
            "user_id": me.user_id,
            "created_at": now,
            "expires_at": now + dt.timedelta(hours=1),
        }
    )
    short = anonymous.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": "short"})
    assert_problem(short, 422, "password")
    ok = anonymous.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert ok.status_code == 204


@pytest.mark.parametrize("token", ["", "x", "../../etc/passwd", "a" * 150])
async def test_malformed_reset_tokens_are_refused(anonymous, token):
    response = anonymous.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert_problem(response, 422, "token")


async def test_reset_request_answers_alike_for_unknown_addresses(sign_in, anonymous, db, mail_server):
    me = await sign_in()
    nobody = unique_email("nobody")
    known = anonymous.post("/api/v1/auth/password-reset", json={"email": me.email})
    unknown = anonymous.post("/api/v1/auth/password-reset", json={"email": nobody})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    await asyncio.to_thread(mail_server.wait_for, me.email)
    await asyncio.sleep(0.5)
    assert mail_server.messages_to(nobody) == []
    assert await db.password_resets.count_documents({"user_id": me.user_id}) == 1


async def test_repeated_reset_requests_send_one_mail_per_minute(sign_in, anonymous, db, mail_server):
    me = await sign_in()
    for _ in range(3):
        assert anonymous.post("/api/v1/auth/password-reset", json={"email": me.email}).status_code == 202
    await asyncio.to_thread(mail_server.wait_for, me.email)
    await asyncio.sleep(0.5)
    assert len(mail_server.messages_to(me.email)) == 1
    assert await db.password_resets.count_documents({"user_id": me.user_id}) == 1


async def test_reset_request_for_a_disabled_account_sends_nothing(sign_in, anonymous, db, mail_server):
    me = await sign_in()
    await db.users.update_one({"_id": me.user_id}, {"$set": {"disabled": True}})
    assert anonymous.post("/api/v1/auth/password-reset", json={"email": me.email}).status_code == 202
    await asyncio.sleep(0.5)
    assert mail_server.messages_to(me.email) == []


async def test_reset_request_validates_the_address(anonymous):
    assert_problem(
        anonymous.post("/api/v1/auth/password-reset", json={"email": "not an address"}), 422, "email"
    )
    assert_problem(anonymous.post("/api/v1/auth/password-reset", json={}), 422, "email")
