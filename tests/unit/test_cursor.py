"""Cursor tokens for event listing: round trips, and garbage rejected as a 422 naming `cursor`."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from scheduler_app.backend.errors import InvalidInputError
from scheduler_app.backend.events.service import decode_cursor, encode_cursor
from scheduler_app.backend.models import EventDoc

pytestmark = pytest.mark.unit


def event_at(start: dt.datetime, event_id: str = "evt-1") -> EventDoc:
    return EventDoc(
        id=event_id,
        calendar_id="c",
        owner_id="u",
        title="T",
        start_utc=start,
        end_utc=start + dt.timedelta(hours=1),
        time_zone="UTC",
    )


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "start",
    [
        dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 2, 9, 0, 0, 123000, tzinfo=dt.UTC),
        dt.datetime(1969, 12, 31, 23, 59, tzinfo=dt.UTC),
    ],
)
def test_cursor_round_trips_start_and_id(start):
    cursor = encode_cursor(event_at(start, "abc_DEF-123"))
    assert decode_cursor(cursor) == (start, "abc_DEF-123")


def test_cursor_is_url_safe_and_unpadded():
    cursor = encode_cursor(event_at(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), "?" * 40))
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor


def test_decoded_start_is_aware():
    start, _ = decode_cursor(encode_cursor(event_at(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))))
    assert start.utcoffset() == dt.timedelta(0)


GARBAGE = [
    "not-a-cursor",
    "a",
    "!!!!",
    "é",
    b64(b"\xff\xfe\x00"),
    b64(b"null"),
    b64(b"[1, 2]"),
    b64(b'"just a string"'),
    b64(json.dumps({"s": "2026-03-02T09:00:00+00:00"}).encode()),
    b64(json.dumps({"i": "x"}).encode()),
    b64(json.dumps({"s": "yesterday", "i": "x"}).encode()),
    b64(json.dumps({"s": 12, "i": "x"}).encode()),
    b64(b"[" * 5_000),  # nesting deep enough to exhaust the JSON parser's recursion
]


@pytest.mark.parametrize("cursor", GARBAGE)
def test_garbage_cursor_is_invalid_input_naming_cursor(cursor):
    with pytest.raises(InvalidInputError) as error:
        decode_cursor(cursor)
    assert error.value.status == 422
    assert [problem.field for problem in error.value.errors] == ["cursor"]
