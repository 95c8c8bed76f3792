"""Brute-force protection for password checks: growing delays per account and per client address.

Each key ("account:<e-mail>" or "ip:<address>") is one document in `sign_in_attempts` counting recent
failures. After a few free failures every further one locks the key for twice as long as the last
(1 s, 2 s, 4 s ... capped at 15 minutes). A locked key is refused before any password is checked, so
guessing gets no faster by sending more requests. A success clears the account's counter but not the
address's: owning one account must not buy an attacker fresh guesses against the others. Counters are
forgotten a day after the last failure (TTL index on `expires_at`).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from dataclasses import dataclass

from pymongo import ReturnDocument

from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import TooManyRequestsError
from scheduler_app.backend.models import utc_now

MAX_DELAY_SECONDS = 15 * 60
FORGET_AFTER = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Policy:
    """How many failures a key gets for free before delays start."""

    free_failures: int
    max_delay_seconds: int = MAX_DELAY_SECONDS


# Many people may share one address (an office, a NAT), so addresses get more room than accounts.
ACCOUNT_POLICY = Policy(free_failures=5)
ADDRESS_POLICY = Policy(free_failures=20)


def delay_after(failures: int, policy: Policy) -> int:
    """Seconds a key stays locked after its `failures`-th failure: 0, then 1, 2, 4 ... up to the cap."""
    beyond = failures - policy.free_failures
    if beyond <= 0:
        return 0
    if beyond > 30:  # 2**30 s is far past any cap; avoid huge integers
        return policy.max_delay_seconds
    return min(2 ** (beyond - 1), policy.max_delay_seconds)


def wait_message(seconds: int) -> str:
    """What the person is told, in whole seconds or (from two minutes on) minutes."""
    seconds = max(1, seconds)
    if seconds < 120:
        return f"Too many attempts; try again in {seconds} second{'s' if seconds != 1 else ''}."
    minutes = math.ceil(seconds / 60)
    return f"Too many attempts; try again in {minutes} minutes."


def account_key(email: str) -> str:
    return "account:" + (email or "").strip().lower()[:320]


def address_key(ip: str) -> str | None:
    """The key of a client address; IPv6 clients are grouped by /64 (one host usually owns a /64)."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return "ip:" + str(address.ipv4_mapped)
        return "ip:" + str(ipaddress.IPv6Network(f"{address}/64", strict=False).network_address) + "/64"
    return "ip:" + str(address)


def _keys(email: str, ip: str) -> list[tuple[str, Policy]]:
    keys = [(account_key(email), ACCOUNT_POLICY)]
    if (by_address := address_key(ip)) is not None:
        keys.append((by_address, ADDRESS_POLICY))
    return keys


async def ensure_allowed(db: Collections, email: str, ip: str = "") -> None:
    """Raise TooManyRequestsError while the account or the address is locked."""
    now = utc_now()
    wait = 0.0
    for key, _ in _keys(email, ip):
        document = await db.sign_in_attempts.find_one({"_id": key})
        locked_until = document.get("locked_until") if document else None
        if locked_until is not None and locked_until > now:
            wait = max(wait, (locked_until - now).total_seconds())
    if wait > 0:
        seconds = math.ceil(wait)
        raise TooManyRequestsError(wait_message(seconds), seconds)


async def record_failure(db: Collections, email: str, ip: str = "") -> None:
    """Count one failed password check against the account and the address."""
    now = utc_now()
    for key, policy in _keys(email, ip):
        document = await db.sign_in_attempts.find_one_and_update(
            {"_id": key},
            {"$inc": {"failures": 1}, "$set": {"last_failure_at": now, "expires_at": now + FORGET_AFTER}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        delay = delay_after(int(document["failures"]), policy)
        if delay:
            await db.sign_in_attempts.update_one(
                {"_id": key}, {"$set": {"locked_until": now + dt.timedelta(seconds=delay)}}
            )


async def record_success(db: Collections, email: str) -> None:
    """The right password: the account starts afresh (the address keeps its count)."""
    await db.sign_in_attempts.delete_one({"_id": account_key(email)})
