"""Accounts and sessions against the real database."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.backend.auth import service as auth
from scheduler_app.backend.errors import AuthenticationError, ConflictError, InvalidInputError
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
