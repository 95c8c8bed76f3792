"""Accounts and sessions against the real database."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest

from scheduler_app.backend.audit import RequestOrigin, list_audit
from scheduler_app.backend.auth import admin
from scheduler_app.backend.auth import service as auth
from scheduler_app.backend.db import INDEXES, Collections, Database
from scheduler_app.backend.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    TooManyRequestsError,
)
from scheduler_app.settings import get_settings
from tests.conftest import unique_email
from tests.integration.api_helpers import cheap_password_hashing  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.integration

TTL = dt.timedelta(hours=1)
PASSWORD = "correct horse battery"


async def test_sign_up_stores_a_hash_and_a_default_calendar(db):
    email = unique_email()
    user = await auth.sign_up(db, email.upper(), "  Ada  ", PASSWORD, "Europe/Berlin")
    stored = await db.users.find_one({"_id": user.id})
    assert stored["email"] == email
    assert stored["name"] == "Ada"
    assert stored["password_hash"].startswith("$argon2id$") and PASSWORD not in stored["password_hash"]
    assert stored["time_zone"] == "Europe/Berlin"
    assert await db.calendars.count_documents({"owner_id": user.id, "is_default": True}) == 1


async def test_sign_up_drops_an_unknown_zone(db):
    user = await auth.sign_up(db, unique_email(), "Ada", PASSWORD, "Mars/Olympus_Mons")
    assert user.time_zone is None


async def test_sign_up_twice_with_one_email_is_a_conflict(db):
    email = unique_email()
    await auth.sign_up(db, email, "Ada", PASSWORD)
    with pytest.raises(ConflictError):
        await auth.sign_up(db, email.title(), "Ada again", PASSWORD)
    assert await db.users.count_documents({"email": email}) == 1


async def test_sign_up_names_every_bad_field(db):
    with pytest.raises(InvalidInputError) as error:
        await auth.sign_up(db, "not-an-email", "", "short")
    assert sorted(problem.field for problem in error.value.errors) == ["email", "name", "password"]


async def test_authenticate_accepts_the_password_and_rejects_others(db):
    email = unique_email()
    user = await auth.sign_up(db, email, "Ada", PASSWORD)
    assert (await auth.authenticate(db, f"  {email.upper()} ", PASSWORD)).id == user.id
    with pytest.raises(AuthenticationError) as wrong:
        await auth.authenticate(db, email, "wrong password")
    with pytest.raises(AuthenticationError) as unknown:
        await auth.authenticate(db, unique_email(), PASSWORD)
    assert wrong.value.detail == unknown.value.detail  # no hint which one was wrong


async def test_disabled_account_cannot_sign_in_or_use_its_session(db):
    user = await auth.sign_up(db, unique_email(), "Ada", PASSWORD)
    token, _ = await auth.create_session(db, user.id, TTL)
    await db.users.update_one({"_id": user.id}, {"$set": {"disabled": True}})
    with pytest.raises(AuthenticationError):
        await auth.authenticate(db, user.email, PASSWORD)
    with pytest.raises(AuthenticationError):
        await auth.resolve_session(db, token, TTL)
    assert await db.sessions.count_documents({"user_id": user.id}) == 0


async def test_session_token_is_stored_only_as_a_digest(db):
    user = await auth.sign_up(db, unique_email(), "Ada", PASSWORD)
    token, session = await auth.create_session(db, user.id, TTL)
    assert session.id == auth.token_digest(token) != token
    assert await db.sessions.find_one({"_id": token}) is None
    assert (await auth.resolve_session(db, token, TTL)).user.id == user.id


async def test_expired_session_is_refused_and_removed(db):
    user = await auth.sign_up(db, unique_email(), "Ada", PASSWORD)
    token, session = await auth.create_session(db, user.id, TTL)
    await db.sessions.update_one(
        {"_id": session.id}, {"$set": {"expires_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}}
    )
    with pytest.raises(AuthenticationError, match="expired"):
        await auth.resolve_session(db, token, TTL)
    assert await db.sessions.find_one({"_id": session.id}) is None


async def test_login_ticket_is_single_use(db):
    user = await auth.sign_up(db, unique_email(), "Ada", PASSWORD)
    ticket = await auth.issue_login_ticket(db, user.id, "/week")
    redeemed = await auth.redeem_login_ticket(db, ticket)
    assert (redeemed.user_id, redeemed.next_path) == (user.id, "/week")
    with pytest.raises(AuthenticationError):
        await auth.redeem_login_ticket(db, ticket)


async def test_set_time_zone_validates(db):
    user = await auth.sign_up(db, unique_email(), "Ada", PASSWORD)
    assert (await auth.set_time_zone(db, user.id, "Asia/Tokyo")).time_zone == "Asia/Tokyo"
    with pytest.raises(InvalidInputError):
        await auth.set_time_zone(db, user.id, "Nowhere/Land")
    assert (await db.users.find_one({"_id": user.id}))["time_zone"] == "Asia/Tokyo"
    assert (await auth.set_time_zone(db, user.id, None)).time_zone is None


# --- brute-force protection -------------------------------------------------------------------------


def _origin() -> RequestOrigin:
    """A client address of its own per test, so tests never share an address's counter."""
    return RequestOrigin(ip=f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}", user_agent="pytest")


async def _fail(db, email: str, origin: RequestOrigin, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationError):
            await auth.authenticate(db, email, "wrong password", origin=origin)


async def test_account_is_locked_after_five_failures_even_for_the_right_password(db):
    user = await auth.sign_up(db, unique_email(), "Ada", PASSWORD)
    origin = _origin()
    await _fail(db, user.email, origin, 6)
    with pytest.raises(TooManyRequestsError) as locked:
        await auth.authenticate(db, user.email, PASSWORD, origin=_origin())  # another address too
    assert locked.value.retry_after == 1
    assert locked.value.detail == "Too many attempts; try again in 1 second."
    assert (
        await db.audit_log.count_documents({"action": "auth.sign_in_throttled", "actor_email": user.email})
        == 1
    )
    await asyncio.sleep(1.1)
    assert (await auth.authenticate(db, user.email, PASSWORD, origin=origin)).id == user.id


async def test_delays_grow_with_each_further_failure(db):
    user = await auth.sign_up(db, unique_email(), "Ada", PASSWORD)
    await _fail(db, user.email, _origin(), 6)
    await asyncio.sleep(1.1)
    await _fail(db, user.email, _origin(), 1)  # the 7th failure locks for 2 seconds
    with pytest.raises(TooManyRequestsError) as locked:
        await auth.authenticate(db, user.email, PASSWORD)
    assert locked.value.retry_after == 2


async def test_a_success_resets_the_account_counter(db):
    user = await auth.sign_up(db, unique_email(), "Ada", PASSWORD)
    origin = _origin()
    await _fail(db, user.email, origin, 5)
    await auth.authenticate(db, user.email, PASSWORD, origin=origin)
    await _fail(db, user.email, origin, 5)
    assert (await auth.authenticate(db, user.email, PASSWORD, origin=origin)).id == user.id


async def test_unknown_accounts_are_throttled_like_real_ones(db):
    email = unique_email("ghost")
    await _fail(db, email, _origin(), 6)
    with pytest.raises(TooManyRequestsError):
        await auth.authenticate(db, email, PASSWORD)


async def test_one_address_guessing_across_accounts_is_locked_for_every_account(db):
    origin = _origin()
    for _ in range(21):  # each account stays under its own limit
        await _fail(db, unique_email("spray"), origin, 1)
    user = await auth.sign_up(db, unique_email(), "Ada", PASSWORD)
    with pytest.raises(TooManyRequestsError) as locked:
        await auth.authenticate(db, user.email, PASSWORD, origin=origin)
    assert locked.value.retry_after >= 1
    # The same account from another address is fine: only the address is locked.
    assert (await auth.authenticate(db, user.email, PASSWORD, origin=_origin())).id == user.id


async def test_sign_ins_and_failures_are_audited_with_origin_and_without_passwords(db):
    user = await auth.sign_up(db, unique_email(), "Ada", PASSWORD)
    origin = _origin()
    await _fail(db, user.email, origin, 1)
    await auth.authenticate(db, user.email, PASSWORD, origin=origin)
    failed = await db.audit_log.find_one({"action": "auth.sign_in_failed", "actor_id": user.id})
    signed = await db.audit_log.find_one({"action": "auth.sign_in", "actor_id": user.id})
    assert failed["outcome"] == "failure" and failed["details"] == {"reason": "wrong_password"}
    assert (signed["ip"], signed["user_agent"]) == (origin.ip, "pytest")
    assert "wrong password" not in str(failed) and PASSWORD not in str(signed)


async def test_sign_out_is_audited(db):
    user = await auth.sign_up(db, unique_email(), "Ada", PASSWORD)
    token, session = await auth.create_session(db, user.id, TTL)
    await auth.end_session(db, token, origin=_origin())
    entry = await db.audit_log.find_one({"action": "auth.sign_out", "actor_id": user.id})
    assert entry["target_id"] == auth.session_public_id(session.id) != session.id


# --- admins -----------------------------------------------------------------------------------------


@pytest.fixture
async def fresh_db(indexed_database: Database) -> AsyncIterator[Collections]:
    """An empty database of its own: "the first account on an instance" needs an empty instance."""
    name = f"fresh_{uuid.uuid4().hex[:8]}"
    database = indexed_database.client()[name]
    for collection, indexes in INDEXES.items():
        await database[collection].create_indexes(indexes)
    yield Collections.of(database)
    await indexed_database.client().drop_database(name)


async def test_the_first_account_on_an_instance_becomes_admin_once(fresh_db):
    first, second = await asyncio.gather(
        auth.sign_up(fresh_db, unique_email(), "First", PASSWORD),
        auth.sign_up(fresh_db, unique_email(), "Second", PASSWORD),
    )
    assert sorted([first.role, second.role]) == ["admin", "member"]
    later = await auth.sign_up(fresh_db, unique_email(), "Later", PASSWORD)
    assert later.role == "member"
    assert await fresh_db.users.count_documents({"role": "admin"}) == 1


async def test_admin_emails_are_admins_at_sign_up_and_at_sign_in(db, monkeypatch):
    existing = await auth.sign_up(db, unique_email("boss"), "Boss", PASSWORD)
    await db.users.update_one({"_id": existing.id}, {"$set": {"role": "member"}})
    newcomer = unique_email("chief")
    monkeypatch.setattr(get_settings(), "admin_emails", f" {existing.email.upper()} , {newcomer}")
    assert (await auth.sign_up(db, newcomer, "Chief", PASSWORD)).role == "admin"
    assert (await auth.authenticate(db, existing.email, PASSWORD)).role == "admin"
    assert (await db.users.find_one({"_id": existing.id}))["role"] == "admin"
    entry = await db.audit_log.find_one({"action": "admin.role_changed", "target_id": existing.id})
    assert entry["actor_email"] == "ADMIN_EMAILS" and entry["details"]["to"] == "admin"


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(fresh_db):
    one = await auth.sign_up(fresh_db, unique_email(), "One", PASSWORD)
    two = await auth.sign_up(fresh_db, unique_email(), "Two", PASSWORD)
    await fresh_db.users.update_many({}, {"$set": {"role": "admin"}})
    one, two = one.model_copy(update={"role": "admin"}), two.model_copy(update={"role": "admin"})
    results = await asyncio.gather(
        admin.update_user(fresh_db, one, two.id, role="member"),
        admin.update_user(fresh_db, two, one.id, disabled=True),
        return_exceptions=True,
    )
    assert sum(isinstance(result, ConflictError) for result in results) == 1, results
    active_admins = await fresh_db.users.count_documents({"role": "admin", "disabled": False})
    assert active_admins == 1


async def test_disabling_an_account_ends_its_sessions_at_once(db):
    boss = await auth.sign_up(db, unique_email(), "Boss", PASSWORD)
    boss = boss.model_copy(update={"role": "admin"})
    await db.users.update_one({"_id": boss.id}, {"$set": {"role": "admin"}})
    user = await auth.sign_up(db, unique_email(), "Ada", PASSWORD)
    token, _ = await auth.create_session(db, user.id, TTL)
    await admin.update_user(db, boss, user.id, disabled=True)
    assert await db.sessions.count_documents({"user_id": user.id}) == 0
    with pytest.raises(AuthenticationError):
        await auth.resolve_session(db, token, TTL)


async def test_sign_up_is_audited_with_where_it_came_from(db) -> None:
    origin = RequestOrigin("10.1.2.3", "Firefox")
    user = await auth.sign_up(db, unique_email("audited"), "Audrey", "a long enough password", origin=origin)
    entries = await list_audit(db, action="auth.sign_up", limit=500)
    [entry] = [entry for entry in entries if entry.actor_id == user.id]
    assert entry.ip == "10.1.2.3" and entry.user_agent == "Firefox"
    assert entry.details == {"method": "password", "role": user.role}  # never the password itself
