"""Growing sign-in delays, address grouping and the wording people see."""

from __future__ import annotations

import pytest

from scheduler_app.backend.auth.throttle import (
    ACCOUNT_POLICY,
    ADDRESS_POLICY,
    MAX_DELAY_SECONDS,
    Policy,
    account_key,
    address_key,
    delay_after,
    wait_message,
)

pytestmark = pytest.mark.unit


def test_free_failures_cost_nothing_then_delays_double():
    policy = Policy(free_failures=5)
    assert [delay_after(n, policy) for n in range(0, 6)] == [0, 0, 0, 0, 0, 0]
    assert [delay_after(n, policy) for n in range(6, 11)] == [1, 2, 4, 8, 16]


def test_delays_are_capped_at_fifteen_minutes_even_for_huge_counts():
    assert delay_after(5 + 10, ACCOUNT_POLICY) == 512
    assert delay_after(5 + 11, ACCOUNT_POLICY) == MAX_DELAY_SECONDS == 900
    assert delay_after(10_000, ACCOUNT_POLICY) == MAX_DELAY_SECONDS


def test_addresses_get_more_free_failures_than_accounts():
    assert ADDRESS_POLICY.free_failures > ACCOUNT_POLICY.free_failures
    assert delay_after(ACCOUNT_POLICY.free_failures + 1, ADDRESS_POLICY) == 0


@pytest.mark.parametrize(
    ("seconds", "message"),
    [
        (0, "Too many attempts; try again in 1 second."),
        (1, "Too many attempts; try again in 1 second."),
        (4, "Too many attempts; try again in 4 seconds."),
        (119, "Too many attempts; try again in 119 seconds."),
        (120, "Too many attempts; try again in 2 minutes."),
        (121, "Too many attempts; try again in 3 minutes."),
        (900, "Too many attempts; try again in 15 minutes."),
    ],
)
def test_wait_message_uses_seconds_then_minutes(seconds, message):
    assert wait_message(seconds) == message


def test_account_key_is_the_normalised_email():
    assert account_key("  Ada@Example.COM ") == account_key("ada@example.com") == "account:ada@example.com"


def test_address_key_groups_ipv6_by_64_and_unwraps_mapped_ipv4():
    assert address_key("203.0.113.7") == "ip:203.0.113.7"
    assert address_key("::ffff:203.0.113.7") == "ip:203.0.113.7"
    assert (
        address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9") == "ip:2001:db8:1:2::/64"
    )
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")


@pytest.mark.parametrize("bad", ["", "unknown", "127.0.0.1; drop", "999.1.1.1"])
def test_unparseable_addresses_have_no_key(bad):
    assert address_key(bad) is None
