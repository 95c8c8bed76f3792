"""Shared times and a default search for the scheduling engine's unit tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scheduler_app.backend.scheduling import SuggestionRequest

HOUR = dt.timedelta(hours=1)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


NOW = utc(2026, 3, 1)
MONDAY = utc(2026, 3, 2)


def base_request(**changes: Any) -> SuggestionRequest:
    """A one-hour search over Monday to Saturday 2 March 2026, asked on 1 March; `changes` override."""
    values = {
        "duration": HOUR,
        "window_start": MONDAY,
        "window_end": MONDAY + dt.timedelta(days=5),
        "now": NOW,
    }
    return SuggestionRequest(**(values | changes))
