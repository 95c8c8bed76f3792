"""Access-token signing and checking, and scope narrowing (no database)."""

from __future__ import annotations

import time

import pytest

from scheduler_app.backend.auth import tokens
from scheduler_app.backend.auth.tokens import InvalidTokenError, TokenGrantError

pytestmark = pytest.mark.unit
LIFETIME = int(tokens.ACCESS_TOKEN_TTL.total_seconds())


def test_round_trip_carries_user_scope_and_family() -> None:
    token, lifetime = tokens.issue_access_token("user-1", "read", "family-1")
    claims = tokens.verify_access_token(token)
    assert (claims.user_id, claims.scope, claims.family_id) == ("user-1", "read", "family-1")
    assert lifetime == LIFETIME and claims.token_id


def test_every_token_has_its_own_id() -> None:
    first, _ = tokens.issue_access_token("user-1", "read", "family-1")
    second, _ = tokens.issue_access_token("user-1", "read", "family-1")
    assert tokens.verify_access_token(first).token_id != tokens.verify_access_token(second).token_id


@pytest.mark.parametrize(
    ("issued_ago", "valid"),
    [
        (0, True),
        (LIFETIME - 1, True),
        (LIFETIME + tokens.CLOCK_LEEWAY_SECONDS - 1, True),  # within the clock-skew leeway
        (LIFETIME + tokens.CLOCK_LEEWAY_SECONDS + 1, False),
        (-(tokens.CLOCK_LEEWAY_SECONDS + 60), False),  # issued in the future
    ],
)
def test_expiry_and_leeway(issued_ago: int, valid: bool) -> None:
    now = int(time.time())
    token, _ = tokens.issue_access_token("user-1", "read_write", "family-1", now=now - issued_ago)
    if valid:
        assert tokens.verify_access_token(token, now=now).user_id == "user-1"
    else:
        with pytest.raises(InvalidTokenError):
            tokens.verify_access_token(token, now=now)


@pytest.mark.parametrize("garbage", ["", "x", "a.b.c", "a.b", "....", "eyJhbGciOiJub25lIn0.e30."])
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidTokenError):
        tokens.verify_access_token(garbage)


@pytest.mark.parametrize(
    ("requested", "granted", "expected"),
    [(None, "read_write", "read_write"), ("", "read", "read"), ("read", "read_write", "read")],
)
def test_scope_may_narrow(requested: str | None, granted: str, expected: str) -> None:
    assert tokens.parse_scope(requested, granted) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("requested", "granted"), [("read_write", "read"), ("admin", "read_write")])
def test_scope_may_not_widen_or_be_unknown(requested: str, granted: str) -> None:
    with pytest.raises(TokenGrantError) as raised:
        tokens.parse_scope(requested, granted)  # type: ignore[arg-type]
    assert raised.value.code == "invalid_scope"
