"""The admin API: users and roles, the audit log as JSON and CSV, the local outbox."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import uuid

import httpx
import pytest

from scheduler_app.backend.audit import record_audit
from scheduler_app.backend.db import Database
from scheduler_app.backend.mail.outbox import compose, send_mail
from scheduler_app.settings import get_settings
from tests.integration.api_helpers import assert_problem, cheap_password_hashing  # noqa: F401 (autouse)

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
async def forget_local_failures(indexed_database: Database):
    yield
    await indexed_database.collections().sign_in_attempts.delete_many({"_id": {"$regex": "^ip:127\\."}})


@pytest.fixture
async def member(sign_in, db) -> httpx.Client:
    client = await sign_in()
    await db.users.update_one({"_id": client.user_id}, {"$set": {"role": "member"}})
    return client


@pytest.fixture
async def boss(sign_in, db) -> httpx.Client:
    client = await sign_in()
    await db.users.update_one({"_id": client.user_id}, {"$set": {"role": "admin"}})
    return client


ADMIN_READS = [
    "/api/v1/admin/users",
    "/api/v1/admin/audit",
    "/api/v1/admin/audit.csv",
    "/api/v1/admin/outbox",
]


@pytest.mark.parametrize(
    "path", [*ADMIN_READS, "/api/v1/admin/outbox/1.2.3", "/api/v1/admin/audit?format=csv"]
)
async def test_members_get_403_and_strangers_401_on_admin_reads(member, anonymous, path):
    assert_problem(member.get(path), 403)
    assert_problem(anonymous.get(path), 401)


async def test_members_cannot_change_users(member, anonymous):
    assert_problem(member.patch(f"/api/v1/admin/users/{member.user_id}", json={"role": "admin"}), 403)
    assert_problem(anonymous.patch(f"/api/v1/admin/users/{member.user_id}", json={"role": "admin"}), 401)


async def test_admin_lists_and_searches_users_with_paging(boss, sign_in):
    found = [await sign_in() for _ in range(3)]
    for client in found:
        response = boss.get("/api/v1/admin/users", params={"q": client.email.split("@")[0]})
        assert [item["email"] for item in response.json()["items"]] == [client.email]
    response = boss.get("/api/v1/admin/users", params={"q": "EXAMPLE.COM", "limit": 2})
    body = response.json()
    assert response.status_code == 200 and len(body["items"]) == 2 and body["next_after"]
    page_two = boss.get(
        "/api/v1/admin/users", params={"q": "example.com", "limit": 2, "after": body["next_after"]}
    )
    assert page_two.json()["items"][0]["email"] > body["items"][1]["email"]
    item = body["items"][0]
    assert set(item) == {"id", "email", "name", "role", "disabled", "has_password", "created_at"}
    assert "password_hash" not in response.text and "argon2" not in response.text
    assert boss.get("/api/v1/admin/users", params={"q": ".*"}).json()["items"] == []  # not a regex
    assert_problem(boss.get("/api/v1/admin/users", params={"limit": 0}), 422, "limit")


async def test_disabling_ends_sessions_refuses_sign_in_and_enabling_restores(boss, member, anonymous, db):
    disabled = boss.patch(f"/api/v1/admin/users/{member.user_id}", json={"disabled": True})
    assert disabled.status_code == 200 and disabled.json()["disabled"] is True
    assert_problem(member.get("/api/v1/me/sessions"), 401)
    assert await db.sessions.count_documents({"user_id": member.user_id}) == 0
    grant = {"grant_type": "password", "username": member.email, "password": PASSWORD}
    refused = anonymous.post("/api/v1/auth/token", data=grant)
    assert refused.status_code == 400 and "disabled" in refused.text
    enabled = boss.patch(f"/api/v1/admin/users/{member.user_id}", json={"disabled": False})
    assert enabled.json()["disabled"] is False
    assert anonymous.post("/api/v1/auth/token", data=grant).status_code == 200
    actions = [entry["action"] async for entry in db.audit_log.find({"target_id": member.user_id})]
    assert "admin.user_disabled" in actions and "admin.user_enabled" in actions


async def test_promoting_gives_admin_rights_and_demoting_takes_them(boss, member, db):
    promoted = boss.patch(f"/api/v1/admin/users/{member.user_id}", json={"role": "admin"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "admin"
    assert member.get("/api/v1/admin/users").status_code == 200
    assert (
        boss.patch(f"/api/v1/admin/users/{member.user_id}", json={"role": "member"}).json()["role"]
        == "member"
    )
    assert_problem(member.get("/api/v1/admin/users"), 403)
    entry = await db.audit_log.find_one({"action": "admin.role_changed", "target_id": member.user_id})
    assert entry["actor_id"] == boss.user_id and entry["details"]["to"] == "admin"


async def test_admins_cannot_disable_or_demote_themselves(boss, db):
    assert_problem(boss.patch(f"/api/v1/admin/users/{boss.user_id}", json={"disabled": True}), 409)
    assert_problem(boss.patch(f"/api/v1/admin/users/{boss.user_id}", json={"role": "member"}), 409)
    stored = await db.users.find_one({"_id": boss.user_id})
    assert (stored["role"], stored["disabled"]) == ("admin", False)
    assert boss.patch(f"/api/v1/admin/users/{boss.user_id}", json={"role": "admin"}).status_code == 200


async def test_bad_user_updates_are_refused(boss, member):
    assert_problem(boss.patch(f"/api/v1/admin/users/{member.user_id}", json={"role": "root"}), 422, "role")
    assert_problem(boss.patch(f"/api/v1/admin/users/{member.user_id}", json={"email": "x@y.z"}), 422, "email")
    assert_problem(boss.patch("/api/v1/admin/users/no-such-user", json={"disabled": True}), 404)


async def test_audit_log_filters_by_action_and_actor_and_pages(boss, db):
    action = f"test.probe_{uuid.uuid4().hex[:6]}"
    for number in range(5):
        await record_audit(db, action, actor_email=f"actor{number % 2}@example.com", details={"n": number})
    page = boss.get("/api/v1/admin/audit", params={"action": action, "limit": 2}).json()
    assert [item["details"]["n"] for item in page["items"]] == [4, 3]
    seen = [item["details"]["n"] for item in page["items"]]
    while page["next_cursor"]:
        page = boss.get(
            "/api/v1/admin/audit", params={"action": action, "limit": 2, "cursor": page["next_cursor"]}
        ).json()
        seen += [item["details"]["n"] for item in page["items"]]
    assert seen == [4, 3, 2, 1, 0]
    mine = boss.get("/api/v1/admin/audit", params={"action": action, "actor": "ACTOR1@example.com"}).json()
    assert [item["details"]["n"] for item in mine["items"]] == [3, 1]
    assert_problem(boss.get("/api/v1/admin/audit", params={"cursor": "garbage"}), 422, "cursor")
    assert_problem(boss.get("/api/v1/admin/audit", params={"format": "xml"}), 422, "format")


async def test_audit_csv_is_quoted_and_formula_safe(boss, db):
    action = f"test.csv_{uuid.uuid4().hex[:6]}"
    await record_audit(
        db,
        action,
        actor_email='=HYPERLINK("http://evil.example","click")',
        origin=None,
        details={"note": '+1, with "quotes"\nand a line'},
    )
    for url, extra in (("/api/v1/admin/audit.csv", {}), ("/api/v1/admin/audit", {"format": "csv"})):
        response = boss.get(url, params={"action": action, **extra})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == 1
        assert rows[0]["actor_email"] == '\'=HYPERLINK("http://evil.example","click")'
        assert rows[0]["details"] == 'note=+1, with "quotes"\nand a line'
        assert rows[0]["action"] == action
    assert (
        await db.audit_log.count_documents({"action": "admin.audit_exported", "actor_id": boss.user_id}) == 2
    )


async def test_outbox_lists_local_mail_and_shows_a_reset_mail(
    boss, sign_in, anonymous, tmp_path, monkeypatch
):
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_url", None)
    monkeypatch.setattr(settings, "data_dir", tmp_path)
    assert boss.get("/api/v1/admin/outbox").json() == []
    someone = await sign_in()
    assert anonymous.post("/api/v1/auth/password-reset", json={"email": someone.email}).status_code == 202
    items: list = []
    for _ in range(100):
        items = boss.get("/api/v1/admin/outbox").json()
        if items:
            break
        await asyncio.sleep(0.05)
    [item] = items
    assert item["to"] == someone.email and item["subject"] == "Reset your Scheduler password"
    await send_mail(compose("ada@example.com", "Café at 09:00–09:30", "Bonjour"))
    subjects = [entry["subject"] for entry in boss.get("/api/v1/admin/outbox").json()]
    assert "Café at 09:00–09:30" in subjects  # encoded headers are shown decoded
    message = boss.get(f"/api/v1/admin/outbox/{item['key']}").json()
    assert re.search(r"/reset-password/[A-Za-z0-9_-]{20,}", message["text"])
    assert_problem(boss.get("/api/v1/admin/outbox/no-such-key"), 404)
    assert_problem(boss.get("/api/v1/admin/outbox/..%2F..%2Fsecret_key"), 404)
