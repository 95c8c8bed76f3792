"""How the engine words times, lengths and lists of names in reasons and explanations."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

NAMES_SHOWN = 3


def join_names(names: Sequence[str], shown: int = NAMES_SHOWN) -> str:
    """Names as prose: "A", "A and B", "A, B and C", "A, B, C and 4 more"."""
    if len(names) > shown:
        return f"{', '.join(names[:shown])} and {len(names) - shown} more"
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def count(number: int, noun: str) -> str:
    """A counted noun: "1 time", "3 times" (regular plurals only)."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def length_adjective(length: dt.timedelta) -> str:
    """A length before a noun: "30-minute", "1-hour", "90-minute"."""
    minutes = int(length.total_seconds() // 60)
    if minutes % 60 == 0:
        return f"{minutes // 60}-hour"
    return f"{minutes}-minute"


def length_phrase(length: dt.timedelta) -> str:
    """A length in the largest unit that divides it: "2 days", "4 hours", "90 minutes"."""
    minutes = int(length.total_seconds() // 60)
    for unit, size in (("day", 24 * 60), ("hour", 60)):
        if minutes % size == 0:
            return count(minutes // size, unit)
    return count(minutes, "minute")


def day_label(local: dt.date) -> str:
    """A local date as "Tue 3 Mar"."""
    return f"{local:%a} {local.day} {local:%b}"


def slot_label(start: dt.datetime, end: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """Like "Tue 3 Mar 09:00-10:00 (Europe/Berlin)" with an en dash; both dates when it spans midnight."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if (local_end - dt.timedelta(microseconds=1)).date() == local_start.date():
        span = f"{day_label(local_start)} {local_start:%H:%M}–{local_end:%H:%M}"
    else:
        span = f"{day_label(local_start)} {local_start:%H:%M} – {day_label(local_end)} {local_end:%H:%M}"
    return f"{span} ({zone.key})"
