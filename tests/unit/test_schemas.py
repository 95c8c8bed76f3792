"""Input and output shapes: EventCreate / EventUpdate / CalendarCreate validation, and EventPublic rendering."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from scheduler_app.backend.events import timing
from scheduler_app.backend.events.schemas import (
    CalendarCreate,
    CalendarPublic,
    CalendarUpdate,
    EventCreate,
    EventPublic,
    EventTime,
    EventUpdate,
)
from scheduler_app.backend.models import TITLE_MAX, CalendarDoc, CorruptDocumentError, EventDoc

pytestmark = pytest.mark.unit

TIMES = {"start": {"date": "2026-03-10"}, "end": {"date": "2026-03-11"}}


def error_locations(error: pytest.ExceptionInfo[ValidationError]) -> list[tuple]:
    return [item["loc"] for item in error.value.errors()]


def test_event_create_accepts_a_minimal_event_and_strips_the_title():
    event = EventCreate.model_validate({"title": "  Standup  ", **TIMES})
    assert event.title == "Standup"
    assert event.start == EventTime(date="2026-03-10")
    assert (event.id, event.calendar_id, event.description, event.location) == (None, None, "", "")


def test_event_create_rejects_a_10000_character_title():
    with pytest.raises(ValidationError) as error:
        EventCreate.model_validate({"title": "x" * 10_000, **TIMES})
    assert error_locations(error) == [("title",)]


def test_event_create_accepts_a_title_of_exactly_the_maximum_length():
    assert len(EventCreate.model_validate({"title": "x" * TITLE_MAX, **TIMES}).title) == TITLE_MAX
    with pytest.raises(ValidationError):
        EventCreate.model_validate({"title": "x" * (TITLE_MAX + 1), **TIMES})


@pytest.mark.parametrize("title", ["", "   ", "\t\n"])
def test_event_create_rejects_a_blank_title(title):
    with pytest.raises(ValidationError) as error:
        EventCreate.model_validate({"title": title, **TIMES})
    assert error_locations(error) == [("title",)]
    assert "title is required" in error.value.errors()[0]["msg"]


def test_event_create_rejects_unknown_fields():
    with pytest.raises(ValidationError) as error:
        EventCreate.model_validate({"title": "A", "owner_id": "someone-else", **TIMES})
    assert error_locations(error) == [("owner_id",)]


def test_event_time_rejects_unknown_fields():
    with pytest.raises(ValidationError) as error:
        EventCreate.model_validate(
            {"title": "A", "start": {"date": "2026-03-10", "zone": "UTC"}, "end": {"date": "2026-03-11"}}
        )
    assert error_locations(error) == [("start", "zone")]


@pytest.mark.parametrize("missing", ["title", "start", "end"])
def test_event_create_names_a_missing_required_field(missing):
    data = {"title": "A", **TIMES}
    del data[missing]
    with pytest.raises(ValidationError) as error:
        EventCreate.model_validate(data)
    assert error_locations(error) == [(missing,)]


@pytest.mark.parametrize("client_id", ["abcde", "A_b-c" * 25, "0123456789abcdef"])
def test_event_create_accepts_well_formed_client_ids(client_id):
    assert EventCreate.model_validate({"id": client_id, "title": "A", **TIMES}).id == client_id


@pytest.mark.parametrize("client_id", ["abcd", "x" * 129, "has space", "../etc", "a/b/c/d", "ünïcode"])
def test_event_create_rejects_malformed_client_ids(client_id):
    with pytest.raises(ValidationError) as error:
        EventCreate.model_validate({"id": client_id, "title": "A", **TIMES})
    assert error_locations(error) == [("id",)]


def test_event_create_rejects_over_long_description_and_location():
    with pytest.raises(ValidationError) as error:
        EventCreate.model_validate(
            {"title": "A", "description": "d" * 20_001, "location": "l" * 1_001, **TIMES}
        )
    assert sorted(error_locations(error)) == [("description",), ("location",)]


def test_event_update_is_partial_and_validates_what_is_given():
    update = EventUpdate.model_validate({"title": " New "})
    assert update.title == "New"
    assert update.model_dump(exclude_unset=True) == {"title": "New"}
    with pytest.raises(ValidationError) as error:
        EventUpdate.model_validate({"title": "x" * 10_000})
    assert error_locations(error) == [("title",)]
    with pytest.raises(ValidationError):
        EventUpdate.model_validate({"title": "  "})
    with pytest.raises(ValidationError):
        EventUpdate.model_validate({"etag": "forged"})


def test_calendar_create_defaults_and_strips():
    calendar = CalendarCreate.model_validate({"name": "  Work "})
    assert (calendar.name, calendar.color) == ("Work", "#3b82f6")


@pytest.mark.parametrize("color", ["red", "#12345g", "#1234567", "123456", "#abc", ""])
def test_calendar_create_rejects_bad_colours(color):
    with pytest.raises(ValidationError) as error:
        CalendarCreate.model_validate({"name": "Work", "color": color})
    assert error_locations(error) == [("color",)]


@pytest.mark.parametrize("color", ["#000000", "#ABCdef"])
def test_calendar_colours_accept_hex_triplets(color):
    assert CalendarCreate.model_validate({"name": "Work", "color": color}).color == color
    assert CalendarUpdate.model_validate({"color": color}).color == color


def test_calendar_update_rejects_bad_colour_and_unknown_fields():
    with pytest.raises(ValidationError) as error:
        CalendarUpdate.model_validate({"color": "blue"})
    assert error_locations(error) == [("color",)]
    with pytest.raises(ValidationError) as error:
        CalendarUpdate.model_validate({"owner_id": "x"})
    assert error_locations(error) == [("owner_id",)]


@pytest.mark.parametrize("name", ["", "   ", "n" * 101])
def test_calendar_create_rejects_blank_or_long_names(name):
    with pytest.raises(ValidationError) as error:
        CalendarCreate.model_validate({"name": name})
    assert error_locations(error) == [("name",)]


def test_event_public_renders_timed_events_in_their_zone():
    event = EventDoc(
        calendar_id="c",
        owner_id="u",
        title="Call",
        start_utc=dt.datetime(2026, 7, 1, 7, tzinfo=dt.UTC),
        end_utc=dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC),
        time_zone="Europe/Berlin",
    )
    public = EventPublic.of(event)
    assert public.start == EventTime(date_time="2026-07-01T09:00:00+02:00", time_zone="Europe/Berlin")
    assert public.end == EventTime(date_time="2026-07-01T10:00:00+02:00", time_zone="Europe/Berlin")
    assert public.etag == event.etag and public.id == event.id


def test_event_public_renders_all_day_events_as_dates():
    when = timing.all_day(dt.date(2026, 3, 10), dt.date(2026, 3, 12), "Asia/Tokyo")
    event = EventDoc(
        calendar_id="c",
        owner_id="u",
        title="Trip",
        all_day=True,
        start_utc=when.start_utc,
        end_utc=when.end_utc,
        start_date=when.start_date,
        end_date=when.end_date,
        time_zone=when.time_zone,
    )
    dumped = EventPublic.of(event).model_dump()
    assert dumped["start"] == {"date": "2026-03-10", "date_time": None, "time_zone": None}
    assert dumped["end"] == {"date": "2026-03-12", "date_time": None, "time_zone": None}


def test_event_doc_round_trips_through_mongo_shape():
    event = EventDoc(
        calendar_id="c",
        owner_id="u",
        title="Trip",
        all_day=True,
        start_utc=dt.datetime(2026, 3, 9, 10, tzinfo=dt.UTC),
        end_utc=dt.datetime(2026, 3, 11, 12, tzinfo=dt.UTC),
        start_date=dt.date(2026, 3, 10),
        end_date=dt.date(2026, 3, 11),
        time_zone="UTC",
    )
    stored = event.to_mongo()
    assert stored["_id"] == event.id and "id" not in stored
    assert stored["start_date"] == "2026-03-10"
    assert EventDoc.from_mongo(stored) == event


def test_event_doc_makes_naive_instants_utc():
    event = EventDoc(
        calendar_id="c",
        owner_id="u",
        title="T",
        start_utc=dt.datetime(2026, 3, 9, 10),
        end_utc=dt.datetime(2026, 3, 9, 11, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        time_zone="UTC",
    )
    assert event.start_utc == dt.datetime(2026, 3, 9, 10, tzinfo=dt.UTC)
    assert event.end_utc == dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC)


def test_a_stored_document_that_fails_validation_raises_corrupt_document():
    with pytest.raises(CorruptDocumentError, match="bad-1"):
        EventDoc.from_mongo({"_id": "bad-1", "calendar_id": "c", "title": "no owner or times"})


def test_calendar_public_exposes_no_owner():
    calendar = CalendarDoc(owner_id="secret-owner", name="Work", color="#112233")
    dumped = CalendarPublic.of(calendar).model_dump()
    assert "owner_id" not in dumped
    assert dumped["name"] == "Work" and dumped["color"] == "#112233"


def test_calendar_update_strips_the_name_and_rejects_a_blank_one():
    assert CalendarUpdate.model_validate({"name": "  Home "}).name == "Home"
    with pytest.raises(ValidationError) as error:
        CalendarUpdate.model_validate({"name": "   "})
    assert error_locations(error) == [("name",)]
