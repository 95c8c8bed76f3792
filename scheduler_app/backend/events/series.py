"""Recurring series in storage: a master with RFC 5545 lines, overrides keyed by recurrence id.

Occurrences are never stored; they are expanded for the requested window. A changed occurrence is an
override document whose id is the occurrence id (`<master id>_<recurrence id>`), so an occurrence keeps
its id whether or not it was changed. A cancelled occurrence is an EXDATE on the master.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Literal

from scheduler_app.backend.db import Collections
from scheduler_app.backend.errors import FieldProblem, InvalidInputError
from scheduler_app.backend.events import recurrence, timing
from scheduler_app.backend.models import EventDoc
from scheduler_app.backend.scheduling.busy_cache import busy_changed_for

Scope = Literal["this", "following", "all"]
SCOPES: tuple[str, ...] = ("this", "following", "all")
# Unbounded series are indexed up to here (and under the "long" key).
FOREVER = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def series_start(event: EventDoc) -> recurrence.Start:
    """DTSTART of a series: an aware datetime in its zone, or a date."""
    if event.all_day:
        assert event.start_date is not None
        return event.start_date
    return event.start_utc.astimezone(zoneinfo.ZoneInfo(event.time_zone))


def occurrence_length(event: EventDoc) -> dt.timedelta:
    """How long each occurrence lasts (whole days for all-day series)."""
    if event.all_day:
        assert event.start_date is not None and event.end_date is not None
        return dt.timedelta(days=(event.end_date - event.start_date).days)
    end = event.first_end_utc if event.is_series and event.first_end_utc else event.end_utc
    return end - event.start_utc


def rule_of(event: EventDoc) -> recurrence.RecurrenceRule:
    return recurrence.parse_recurrence(
        event.recurrence, series_start(event), time_zone=event.time_zone, all_day=event.all_day
    )


def timing_start(when: timing.EventTiming) -> recurrence.Start:
    if when.all_day:
        assert when.start_date is not None
        return when.start_date
    return when.start_utc.astimezone(zoneinfo.ZoneInfo(when.time_zone))


def series_placement(when: timing.EventTiming, lines: list[str]) -> tuple[dict, dt.datetime, dt.datetime]:
    """Fields of a master whose first occurrence is `when`, plus the UTC span to index it under."""
    rule = recurrence.parse_recurrence(
        lines, timing_start(when), time_zone=when.time_zone, all_day=when.all_day
    )
    length = (
        dt.timedelta(days=(when.end_date - when.start_date).days)  # type: ignore[operator]
        if when.all_day
        else when.end_utc - when.start_utc
    )
    span_start, span_end = recurrence.series_span_utc(rule, length)
    span_end = span_end or FOREVER
    fields = {
        "recurrence": list(rule.lines),
        "is_series": True,
        "first_end_utc": None if when.all_day else when.end_utc,
        "start_utc": min(span_start, when.start_utc),
        "end_utc": max(span_end, when.end_utc),
    }
    return fields, fields["start_utc"], fields["end_utc"]


def occurrence_doc(master: EventDoc, occurrence: recurrence.Occurrence) -> EventDoc:
    """One occurrence as an (unsaved) event: the master's details at the occurrence's time."""
    when = occurrence.event_timing()
    return master.model_copy(
        update={
            "id": recurrence.occurrence_id(master.id, occurrence.recurrence_id),
            "all_day": when.all_day,
            "start_utc": when.start_utc,
            "end_utc": when.end_utc,
            "start_date": when.start_date,
            "end_date": when.end_date,
            "recurrence": [],
            "is_series": False,
            "first_end_utc": None,
            "recurring_event_id": master.id,
            "recurrence_id": occurrence.recurrence_id,
            "time_keys": [],
        }
    )


async def occurrence_by_id(db: Collections, event_id: str) -> tuple[EventDoc, EventDoc] | None:
    """(master, occurrence) for an unchanged occurrence's id, or None when `event_id` is not one."""
    parts = recurrence.split_occurrence_id(event_id)
    if parts is None:
        return None
    master_id, recurrence_id = parts
    document = await db.events.find_one({"_id": master_id, "is_series": True})
    if document is None:
        return None
    master = EventDoc.from_mongo(document)
    original = recurrence.parse_recurrence_id(recurrence_id, all_day=master.all_day)
    rule = rule_of(master)
    if not recurrence.is_occurrence(rule, original):
        return None
    occurrence = recurrence.get_occurrence(rule, original, occurrence_length(master))
    return master, occurrence_doc(master, occurrence)


async def expand_masters(
    db: Collections,
    masters: list[EventDoc],
    window_start: dt.datetime,
    window_end: dt.datetime,
    viewer_zone: str,
) -> list[EventDoc]:
    """Occurrences of these series in the window, minus those replaced by an override."""
    if not masters:
        return []
    replaced: dict[str, set[str]] = {}
    cursor = db.events.find(
        {"recurring_event_id": {"$in": [master.id for master in masters]}},
        {"recurring_event_id": 1, "recurrence_id": 1},
    )
    async for document in cursor:
        replaced.setdefault(document["recurring_event_id"], set()).add(document["recurrence_id"])
    occurrences: list[EventDoc] = []
    for master in masters:
        occurrences += [
            occurrence_doc(master, occurrence)
            for occurrence in recurrence.expand(
                rule_of(master),
                window_start,
                window_end,
                occurrence_length(master),
                viewer_zone=viewer_zone,
                exclude=replaced.get(master.id, ()),
            )
        ]
    return occurrences


def original_start(event: EventDoc) -> recurrence.Start:
    """The original start of an occurrence or override, from its recurrence id."""
    assert event.recurrence_id is not None
    return recurrence.parse_recurrence_id(event.recurrence_id, all_day=event.all_day)


async def delete_overrides(db: Collections, master_id: str, from_recurrence_id: str | None = None) -> None:
    """Drop a series' overrides (all, or those from one occurrence on: ids sort as times do)."""
    query: dict = {"recurring_event_id": master_id}
    if from_recurrence_id is not None:
        query["recurrence_id"] = {"$gte": from_recurrence_id}
    dropped = [document async for document in db.events.find(query, {"owner_id": 1, "attendees.email": 1})]
    if not dropped:
        return
    await db.events.delete_many(query)
    await busy_changed_for(
        db,
        [document["owner_id"] for document in dropped],
        [guest["email"] for document in dropped for guest in document.get("attendees", [])],
    )


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_BOUND_PARTS = ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")


def shift_weekdays(lines: list[str], days: int) -> list[str]:
    """Rule lines for a series whose dates all moved by `days`: weekly BYDAY days move along.

    Rules pinned to other calendar positions (a month day, "second Tuesday", a year day) cannot follow
    a move to another day; those are refused so that nothing lands somewhere unexpected.
    """
    if days == 0:
        return list(lines)
    shifted: list[str] = []
    for line in lines:
        if not line.upper().startswith("RRULE:"):
            shifted.append(line)
            continue
        parts = dict(part.split("=", 1) for part in line[len("RRULE:") :].split(";") if "=" in part)
        if any(name in parts for name in _DAY_BOUND_PARTS) or (
            "BYDAY" in parts and any(not day.isalpha() for day in parts["BYDAY"].split(","))
        ):
            raise InvalidInputError(
                "This repetition is tied to dates in the month or year.",
                [
                    FieldProblem(
                        "start", "Keep the day and change only the time, or edit the repetition itself."
                    )
                ],
            )
        if "BYDAY" in parts:
            parts["BYDAY"] = ",".join(
                _WEEKDAYS[(_WEEKDAYS.index(day) + days) % 7] for day in parts["BYDAY"].split(",")
            )
        shifted.append("RRULE:" + ";".join(f"{name}={value}" for name, value in parts.items()))
    return shifted
