"""ICS export: calendar properties, VTIMEZONEs, escaping, folding, and round trips through icalendar,
recurring-ical-events and our own import."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
import recurring_ical_events

from scheduler_app.backend.events import ics
from scheduler_app.backend.events.ics import IcsAttendee, IcsEvent

pytestmark = pytest.mark.unit

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def berlin(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def export(*events: IcsEvent, **options) -> bytes:
    options.setdefault("now", NOW)
    return ics.export_calendar("Team", events, **options)


def single(**changes) -> IcsEvent:
    values = {
        "uid": "single-1@scheduler",
        "title": "Planning",
        "start": berlin(2026, 3, 2, 9),
        "end": berlin(2026, 3, 2, 10),
        "time_zone": "Europe/Berlin",
    }
    values.update(changes)
    return IcsEvent(**values)


def weekly_series() -> list[IcsEvent]:
    """A Monday/Wednesday standup with one Wednesday excluded and one Monday moved to 11:00."""
    master = IcsEvent(
        uid="standup@scheduler",
        title="Standup",
        start=berlin(2026, 3, 2, 9),
        end=berlin(2026, 3, 2, 9, 30),
        time_zone="Europe/Berlin",
        recurrence=["RRULE:FREQ=WEEKLY;BYDAY=MO,WE", "EXDATE;TZID=Europe/Berlin:20260311T090000"],
    )
    moved = IcsEvent(
        uid="standup@scheduler",
        title="Standup (moved)",
        start=berlin(2026, 3, 16, 11),
        end=berlin(2026, 3, 16, 12),
        time_zone="Europe/Berlin",
        recurrence_id=berlin(2026, 3, 16, 9),
    )
    return [master, moved]


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


# --- shape of the file -----------------------------------------------------------------------------


def test_export_is_crlf_utf8_and_folded_at_75_octets():
    data = export(single(title="Ünïcödé " * 30, description="Zeile\n" * 40))
    data.decode("utf-8")
    lines = physical_lines(data)
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"


def test_export_bytes_are_what_icalendar_itself_writes():
    data = export(*weekly_series(), single(title="Ünïcödé, long; " * 20, description="x\\y\n" * 30))
    assert icalendar.Calendar.from_ical(data).to_ical() == data


def test_export_writes_calendar_properties_for_subscriptions():
    data = export(single(), time_zone="Europe/Berlin", source_url="https://example.com/feed.ics")
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == ics.PRODUCT_ID
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["CALSCALE"] == "GREGORIAN"
    text = data.decode()
    assert "X-WR-CALNAME:Team\r\n" in text
    assert "NAME:Team\r\n" in text
    assert "X-WR-TIMEZONE:Europe/Berlin\r\n" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "X-PUBLISHED-TTL:PT1H\r\n" in text
    assert "SOURCE;VALUE=URI:https://example.com/feed.ics\r\n" in text


def test_refresh_interval_can_be_changed_or_left_out():
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H" in export(refresh_interval=dt.timedelta(hours=6))
    data = export(refresh_interval=None)
    assert b"REFRESH-INTERVAL" not in data and b"X-PUBLISHED-TTL" not in data


def test_export_of_the_same_events_at_the_same_time_is_byte_identical():
    assert export(*weekly_series(), single()) == export(*weekly_series(), single())


def test_calendar_name_is_escaped_and_kept_on_one_line():
    data = export(single())
    assert b"X-WR-CALNAME:Team\r\n" in data
    data = ics.export_calendar('R&D, Berlin; "core"\nteam', [], now=NOW)
    assert b'X-WR-CALNAME:R&D\\, Berlin\\; "core" team\r\n' in data


# --- time zones ------------------------------------------------------------------------------------


def test_a_vtimezone_is_written_for_every_zone_used_but_not_for_utc():
    events = [
        single(),
        single(
            uid="ny@x",
            start=dt.datetime(2026, 3, 2, 9, tzinfo=NEW_YORK),
            end=dt.datetime(2026, 3, 2, 10, tzinfo=NEW_YORK),
            time_zone="America/New_York",
        ),
        single(uid="utc@x", start=utc(2026, 3, 2, 9), end=utc(2026, 3, 2, 10), time_zone="UTC"),
    ]
    calendar = icalendar.Calendar.from_ical(export(*events))
    assert sorted(zone.tz_name for zone in calendar.timezones) == ["America/New_York", "Europe/Berlin"]
    assert calendar.get_missing_tzids() == set()
    assert b"DTSTART:20260302T090000Z" in export(events[2])


def test_vtimezone_comes_before_the_events_and_covers_the_years_used():
    data = export(single(start=berlin(2031, 7, 1, 9), end=berlin(2031, 7, 1, 10)))
    assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")
    text = data.decode().replace("\r\n ", "")
    assert "20310330T030000" in text  # the 2031 switch to summer time is listed


def test_zone_named_only_in_a_recurrence_line_gets_a_vtimezone_too():
    event = single(
        start=utc(2026, 3, 2, 8),
        end=utc(2026, 3, 2, 9),
        time_zone="UTC",
        recurrence=["RRULE:FREQ=DAILY;COUNT=3", "EXDATE;TZID=Europe/Berlin:20260303T090000"],
    )
    calendar = icalendar.Calendar.from_ical(export(event))
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/Berlin"]


def test_timed_values_are_written_in_the_event_zone():
    event = single(start=utc(2026, 7, 1, 7), end=utc(2026, 7, 1, 8))  # 09:00-10:00 in Berlin summer
    data = export(event)
    assert b"DTSTART;TZID=Europe/Berlin:20260701T090000\r\n" in data
    assert b"DTEND;TZID=Europe/Berlin:20260701T100000\r\n" in data


def test_all_day_events_use_dates_with_an_exclusive_end():
    data = export(single(start=dt.date(2026, 3, 20), end=dt.date(2026, 3, 21)))
    assert b"DTSTART;VALUE=DATE:20260320\r\n" in data
    assert b"DTEND;VALUE=DATE:20260321\r\n" in data


# --- text and people -------------------------------------------------------------------------------


def test_html_and_script_are_written_as_escaped_plain_text():
    title = '<script>alert("x")</script>, <b>bold</b>; a\\b'
    description = "<p>Line one</p>\nLine two, with; punctuation\r\n<img src=x onerror=alert(1)>"
    data = export(single(title=title, description=description, location="Room 1\nFloor 2"))
    assert b'SUMMARY:<script>alert("x")</script>\\, <b>bold</b>\\; a\\\\b\r\n' in data
    event = icalendar.Calendar.from_ical(data).events[0]
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]) == description.replace("\r\n", "\n")
    assert str(event["LOCATION"]) == "Room 1 Floor 2"


def test_text_cannot_inject_properties_or_components():
    title = "Hi\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected"
    calendar = icalendar.Calendar.from_ical(export(single(title=title, description=title)))
    assert len(calendar.events) == 1
    assert "injected" in str(calendar.events[0]["SUMMARY"])


def test_control_characters_and_lone_surrogates_are_dropped():
    data = export(single(title="a\x00b\x1bc\x7fd\ud800e", description="tab\tkept"))
    event = icalendar.Calendar.from_ical(data).events[0]
    assert str(event["SUMMARY"]) == "abcde"
    assert str(event["DESCRIPTION"]) == "tab\tkept"


def test_blank_title_is_written_as_untitled():
    assert b"SUMMARY:(No title)\r\n" in export(single(title="  \n "))


def test_status_sequence_timestamps_url_conference_and_people_are_written():
    event = single(
        status="tentative",
        sequence=3,
        created=utc(2026, 1, 1, 10),
        last_modified=dt.datetime(2026, 2, 1, 11, 30, 15, 123456, tzinfo=BERLIN),
        url="https://example.com/agenda?a=1&b=2",
        conference_url="https://meet.example.com/abc-defg",
        organizer=IcsAttendee("boss@example.com", "The Boss"),
        attendees=[
            IcsAttendee("ada@example.com", 'Ada "Countess" Lovelace', "ACCEPTED", "CHAIR"),
            IcsAttendee("mailto:bob@example.com"),
        ],
    )
    data = export(event)
    parsed = icalendar.Calendar.from_ical(data).events[0]
    assert parsed["STATUS"] == "TENTATIVE"
    assert parsed["SEQUENCE"] == 3
    assert parsed["CREATED"].dt == utc(2026, 1, 1, 10)
    assert parsed["LAST-MODIFIED"].dt == utc(2026, 2, 1, 10, 30, 15)
    assert parsed["DTSTAMP"].dt == NOW
    assert str(parsed["URL"]) == "https://example.com/agenda?a=1&b=2"
    assert str(parsed["CONFERENCE"]) == "https://meet.example.com/abc-defg"
    assert parsed["CONFERENCE"].params["FEATURE"] == "VIDEO"
    assert b"X-GOOGLE-CONFERENCE:https://meet.example.com/abc-defg" in data
    assert str(parsed["ORGANIZER"]) == "mailto:boss@example.com"
    assert parsed["ORGANIZER"].params["CN"] == "The Boss"
    ada, bob = parsed["ATTENDEE"]
    assert str(ada) == "mailto:ada@example.com"
    assert ada.params["CN"] == "Ada 'Countess' Lovelace"
    assert (ada.params["PARTSTAT"], ada.params["ROLE"]) == ("ACCEPTED", "CHAIR")
    assert str(bob) == "mailto:bob@example.com"
    assert (bob.params["PARTSTAT"], bob.params["ROLE"]) == ("NEEDS-ACTION", "REQ-PARTICIPANT")


def test_unknown_status_is_written_as_confirmed():
    assert b"STATUS:CONFIRMED" in export(single(status="maybe"))


# --- recurrence ------------------------------------------------------------------------------------


def test_recurrence_lines_and_recurrence_id_are_written():
    data = export(*weekly_series())
    assert b"RRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\n" in data
    assert b"EXDATE;TZID=Europe/Berlin:20260311T090000\r\n" in data
    assert b"RECURRENCE-ID;TZID=Europe/Berlin:20260316T090000\r\n" in data


def test_overrides_follow_their_master_whatever_the_input_order():
    master, moved = weekly_series()
    other = single()
    calendar = icalendar.Calendar.from_ical(export(moved, other, master))
    assert [("RECURRENCE-ID" in event, str(event["UID"])) for event in calendar.events] == [
        (False, "standup@scheduler"),
        (True, "standup@scheduler"),
        (False, "single-1@scheduler"),
    ]


def test_recurrence_id_is_written_in_the_master_zone():
    master, moved = weekly_series()
    moved.recurrence_id = utc(2026, 3, 16, 8)
    moved.time_zone = "America/New_York"
    moved.start, moved.end = moved.start.astimezone(NEW_YORK), moved.end.astimezone(NEW_YORK)
    data = export(master, moved)
    assert b"RECURRENCE-ID;TZID=Europe/Berlin:20260316T090000\r\n" in data
    assert b"DTSTART;TZID=America/New_York:20260316T060000\r\n" in data


def test_windows_zone_names_in_recurrence_lines_are_written_as_iana():
    master = weekly_series()[0]
    master.recurrence = ["RRULE:FREQ=WEEKLY", 'EXDATE;TZID="W. Europe Standard Time":20260309T090000']
    assert b"EXDATE;TZID=Europe/Berlin:20260309T090000\r\n" in export(master)


def test_all_day_series_round_trip_through_recurring_ical_events():
    birthday = IcsEvent(
        uid="birthday@x",
        title="Birthday",
        start=dt.date(1990, 5, 12),
        end=dt.date(1990, 5, 13),
        time_zone="Europe/Berlin",
        recurrence=["RRULE:FREQ=YEARLY", "EXDATE;VALUE=DATE:20270512"],
    )
    calendar = icalendar.Calendar.from_ical(export(birthday))
    starts = [
        event["DTSTART"].dt
        for event in recurring_ical_events.of(calendar).between((2026, 1, 1), (2029, 1, 1))
    ]
    assert starts == [dt.date(2026, 5, 12), dt.date(2028, 5, 12)]


def test_weekly_series_with_exdate_and_override_expands_to_the_same_occurrences():
    """Export, parse back with icalendar, expand March with recurring-ical-events: the occurrences are
    those the recurrence lines describe (DST starts on 29 March; the Monday after stays at 09:00)."""
    calendar = icalendar.Calendar.from_ical(export(*weekly_series()))
    occurrences = recurring_ical_events.of(calendar).between(berlin(2026, 3, 1), berlin(2026, 4, 1))
    got = sorted(
        (event["DTSTART"].dt.astimezone(dt.UTC), event["DTEND"].dt.astimezone(dt.UTC), str(event["SUMMARY"]))
        for event in occurrences
    )
    expected = [
        (
            berlin(2026, 3, day, 9).astimezone(dt.UTC),
            berlin(2026, 3, day, 9, 30).astimezone(dt.UTC),
            "Standup",
        )
        for day in (2, 4, 9, 18, 23, 25, 30)
    ]
    expected.append(
        (
            berlin(2026, 3, 16, 11).astimezone(dt.UTC),
            berlin(2026, 3, 16, 12).astimezone(dt.UTC),
            "Standup (moved)",
        )
    )
    assert got == sorted(expected)
    assert got[-1][0] == utc(2026, 3, 30, 7)  # 09:00 summer time


def test_what_we_export_imports_back_unchanged():
    master, moved = weekly_series()
    master.description = "<b>agenda</b>\nsecond line"
    master.attendees = [IcsAttendee("ada@example.com", "Ada", "ACCEPTED", "REQ-PARTICIPANT")]
    master.organizer = IcsAttendee("boss@example.com", "Boss")
    master.conference_url = "https://meet.example.com/x"
    master.sequence = 2
    master.created = utc(2026, 1, 1)
    master.last_modified = utc(2026, 1, 2)
    all_day = single(uid="offsite@x", start=dt.date(2026, 3, 20), end=dt.date(2026, 3, 22), location="Lodge")
    events = [master, moved, all_day]
    preview = ics.parse_calendar(export(*events), default_time_zone="Europe/Berlin")
    assert preview.skipped == []
    assert preview.warnings == []
    assert preview.calendar_name == "Team"
    for event in events:
        event.source_line = None
    for event in preview.events:
        event.source_line = None
    assert preview.events == events


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": dt.datetime(2026, 3, 2, 9), "end": dt.datetime(2026, 3, 2, 10)}, "timezone-aware"),
        ({"time_zone": "Mars/Olympus"}, "unknown time zone"),
        ({"end": dt.date(2026, 3, 3)}, "timed end"),
        ({"start": dt.date(2026, 3, 2)}, "all-day end"),
        ({"uid": " "}, "UID"),
        ({"recurrence": ["SUMMARY:not a rule"]}, "bad recurrence line"),
        ({"recurrence": ["RRULE:FREQ=SOMETIMES"]}, "bad recurrence line"),
        ({"recurrence": ["EXDATE;TZID=Mars/Base:20260302T090000"]}, "unknown time zone"),
    ],
)
def test_events_that_cannot_be_written_raise_value_error(change, message):
    with pytest.raises(ValueError, match=message):
        export(single(**change))
