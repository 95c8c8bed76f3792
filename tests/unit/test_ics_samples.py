"""ICS import against real-world files: our Google/Outlook/Apple-style samples in tests/data/ics, and the
sample files shipped inside the installed icalendar package's own test suite (read at test time)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from scheduler_app.backend.errors import InvalidInputError
from scheduler_app.backend.events import ics, timing
from scheduler_app.backend.events.ics import IcsAttendee, SkipCode

pytestmark = pytest.mark.unit

DATA = Path(__file__).parents[1] / "data" / "ics"
PACKAGE_SAMPLES = Path(icalendar.__file__).parent / "tests"
PACKAGE_FILES = sorted(PACKAGE_SAMPLES.rglob("*.ics")) if PACKAGE_SAMPLES.is_dir() else []
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
DEFAULT_ZONE = "Europe/Berlin"


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def package_file(relative: str) -> bytes:
    path = PACKAGE_SAMPLES / relative
    if not path.is_file():
        pytest.skip(f"{relative} is not shipped with this icalendar version")
    return path.read_bytes()


def parse(data: bytes, zone: str = DEFAULT_ZONE) -> ics.ImportPreview:
    return ics.parse_calendar(data, default_time_zone=zone)


# --- our samples -----------------------------------------------------------------------------------


def test_google_export():
    preview = parse(load("google_export.ics"))
    assert (preview.calendar_name, preview.calendar_time_zone) == ("Team calendar", "Europe/Berlin")
    assert preview.skipped == []
    assert preview.ignored_components == {"VALARM": 1}
    master, moved, offsite, call = preview.events
    assert master.title == 'Standup <i>team</i> & "friends"'
    assert master.description.startswith("<b>Daily</b> standup.")
    assert "<script>alert(1)</script>" in master.description
    assert master.recurrence == [
        "RRULE:FREQ=WEEKLY;UNTIL=20260430T215959Z;BYDAY=MO,WE;WKST=MO",
        "EXDATE;TZID=Europe/Berlin:20260311T090000,20260318T090000",  # + the cancelled occurrence
    ]
    assert master.conference_url == "https://meet.google.com/abc-defg-hij"
    assert master.organizer == IcsAttendee("c_0123456789abcdef@group.calendar.google.com", "Team calendar")
    assert [(person.email, person.partstat, person.role) for person in master.attendees] == [
        ("ada@example.com", "ACCEPTED", "REQ-PARTICIPANT"),
        ("bob@example.com", "NEEDS-ACTION", "OPT-PARTICIPANT"),
    ]
    assert (master.sequence, master.status) == (2, "CONFIRMED")
    assert (moved.title, moved.recurrence_id) == (
        "Standup (moved)",
        dt.datetime(2026, 3, 16, 9, tzinfo=BERLIN),
    )
    assert (offsite.start, offsite.end, offsite.status) == (
        dt.date(2026, 3, 20),
        dt.date(2026, 3, 21),
        "TENTATIVE",
    )
    assert offsite.location == "Lakeside Lodge, Room A"
    assert call.start == dt.datetime(2026, 3, 25, 14, tzinfo=BERLIN)
    assert call.time_zone == "Europe/Berlin"


def test_outlook_export():
    preview = parse(load("outlook_export.ics"))
    assert preview.calendar_name == "Kalender"
    assert preview.ignored_components == {"VALARM": 1, "VTODO": 1}
    series, moved, easter, call = preview.events
    assert series.time_zone == "Europe/Berlin"  # "W. Europe Standard Time"
    assert series.title == "Team-Abstimmung"
    assert series.description == "Wöchentliche Abstimmung.\nBitte Agenda vorbereiten."
    assert series.recurrence == [
        "RRULE:FREQ=WEEKLY;UNTIL=20260427T073000Z;INTERVAL=1;BYDAY=MO;WKST=MO",
        "EXDATE;TZID=Europe/Berlin:20260406T093000",
    ]
    assert moved.recurrence_id == dt.datetime(2026, 3, 16, 9, 30, tzinfo=BERLIN)
    assert (easter.start, easter.end) == (dt.date(2026, 4, 3), dt.date(2026, 4, 7))
    assert call.start == dt.datetime(2026, 3, 5, 15, tzinfo=BERLIN)  # 09:00 in the custom New York zone
    [skipped] = preview.skipped
    assert (skipped.summary, skipped.code) == ("New York weekly", SkipCode.UNKNOWN_TIME_ZONE)
    assert any("Customized Time Zone" in warning.message for warning in preview.warnings)


def test_outlook_custom_zone_matches_when_the_calendar_is_in_that_zone():
    preview = parse(load("outlook_export.ics"), "America/New_York")
    assert preview.skipped == []
    weekly = preview.events[-1]
    assert (weekly.title, weekly.time_zone) == ("New York weekly", "America/New_York")
    assert weekly.start == dt.datetime(2026, 3, 6, 14, tzinfo=dt.UTC)


def test_apple_export():
    preview = parse(load("apple_export.ics"))
    assert (preview.calendar_name, preview.calendar_time_zone) == ("Home", "America/Los_Angeles")
    assert preview.skipped == [] and preview.warnings == []
    coffee, birthday, night = preview.events
    assert coffee.location == "Blue Bottle Coffee, 1 Ferry Building, San Francisco"
    assert coffee.url == "https://example.com/menu?a=1&b=2"
    assert coffee.time_zone == "America/Los_Angeles"
    assert (birthday.start, birthday.end, birthday.recurrence) == (
        dt.date(1990, 5, 12),
        dt.date(1990, 5, 13),
        ["RRULE:FREQ=YEARLY"],
    )
    # DURATION:PT2H from 01:00 on the night the clocks jump: two real hours later is 04:00.
    assert night.end.astimezone(dt.UTC) - night.start.astimezone(dt.UTC) == dt.timedelta(hours=2)
    assert night.end.hour == 4


def test_copied_icalendar_samples():
    globally_unique = parse(load("icalendar_issue_313_globally_unique_tzid.ics"))
    assert [event.time_zone for event in globally_unique.events] == [
        "Europe/Berlin",
        "America/New_York",
        "America/Argentina/Buenos_Aires",
    ]
    custom = parse(load("icalendar_america_new_york.ics"))
    assert [event.time_zone for event in custom.events] == ["America/New_York"]  # "custom_America/New_York"
    google = parse(load("icalendar_alarm_google_future.ics"))
    assert google.ignored_components == {"VALARM": 4}
    assert google.events[0].start == dt.datetime(2024, 10, 4, 18, 15, tzinfo=dt.UTC)
    location = parse(load("icalendar_x_location.ics"))
    assert location.events[0].location == "Roadstar 16, 12764 Happyville, Denmark"
    assert location.events[0].recurrence == ["RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"]


# --- round trips -----------------------------------------------------------------------------------

ROUND_TRIP = [
    ("google_export.ics", (2026, 3, 1), (2026, 5, 1)),
    ("outlook_export.ics", (2026, 3, 1), (2026, 5, 1)),
    ("apple_export.ics", (2026, 1, 1), (2028, 1, 1)),
    ("icalendar_x_location.ics", (2016, 10, 1), (2016, 12, 1)),
    ("icalendar_america_new_york.ics", (2010, 1, 1), (2030, 1, 1)),
    ("icalendar_issue_313_globally_unique_tzid.ics", (2020, 1, 1), (2021, 1, 1)),
]


# recurring-ical-events adds DURATION:PT2H on the wall clock across the DST jump (ending at 03:00 PDT);
# RFC 5545 (3.3.6) makes hours exact, as we do (04:00 PDT): test_apple_export checks that event.
WALL_CLOCK_DURATION = {"77E0A1B2-C3D4-4E5F-9A0B-C1D2E3F4A5B6"}


def occurrences(data: bytes, start: tuple, end: tuple, uids: set[str]) -> set[tuple]:
    zone = zoneinfo.ZoneInfo(DEFAULT_ZONE)

    def instant(value: dt.date) -> object:
        if isinstance(value, dt.datetime):
            return (value.replace(tzinfo=zone) if value.tzinfo is None else value).astimezone(dt.UTC)
        return value

    found = set()
    for event in recurring_ical_events.of(icalendar.Calendar.from_ical(data)).between(start, end):
        if (
            str(event["UID"]) in uids - WALL_CLOCK_DURATION
            and str(event.get("STATUS", "")).upper() != "CANCELLED"
        ):
            found.add((str(event["UID"]), instant(event["DTSTART"].dt), instant(event.end)))
    return found


@pytest.mark.filterwarnings(
    "ignore::icalendar.error.GloballyUniqueTZIDGuessed"
)  # icalendar reading the original
@pytest.mark.parametrize(("name", "start", "end"), ROUND_TRIP)
def test_reexport_expands_to_the_same_occurrences_as_the_original(name, start, end):
    original = load(name)
    preview = parse(original)
    uids = {event.uid for event in preview.events}
    exported = ics.export_calendar("Round trip", preview.events)
    expected = occurrences(original, start, end, uids)
    assert expected, "the window should hold occurrences"
    assert occurrences(exported, start, end, uids) == expected


@pytest.mark.parametrize(("name", "start", "end"), ROUND_TRIP)
def test_import_of_our_export_is_stable(name, start, end):
    first = parse(load(name))
    second = parse(ics.export_calendar("Round trip", first.events))
    assert second.skipped == []
    for event in first.events + second.events:
        event.source_line = None
    assert second.events == first.events


def test_the_recurrence_module_accepts_what_import_produces():
    """With the recurrence module as `validate_recurrence` (as the service wires it), no sample series is lost."""
    recurrence = pytest.importorskip("scheduler_app.backend.events.recurrence")
    parse_recurrence = getattr(recurrence, "parse_recurrence", None)
    if parse_recurrence is None:
        pytest.skip("recurrence.parse_recurrence is not available")

    def validate(lines, start, time_zone, all_day):
        return list(parse_recurrence(lines, start, time_zone=time_zone, all_day=all_day).lines)

    for name in ("google_export.ics", "outlook_export.ics", "apple_export.ics", "icalendar_x_location.ics"):
        preview = ics.parse_calendar(load(name), default_time_zone=DEFAULT_ZONE, validate_recurrence=validate)
        assert SkipCode.INVALID_RECURRENCE not in {item.code for item in preview.skipped}, name
        assert any(event.recurrence for event in preview.events), name


# --- every sample shipped with icalendar ------------------------------------------------------------


@pytest.mark.skipif(not PACKAGE_FILES, reason="the installed icalendar ships no test calendars")
@pytest.mark.parametrize("path", PACKAGE_FILES, ids=lambda path: str(path.relative_to(PACKAGE_SAMPLES)))
def test_every_icalendar_sample_imports_or_is_refused_cleanly(path):
    data = path.read_bytes()
    try:
        preview = parse(data)
    except InvalidInputError as error:
        assert error.errors and error.errors[0].field == "file"
        assert error.errors[0].message
        return
    assert len(preview.events) + len(preview.skipped) <= data.upper().count(b"BEGIN:VEVENT")
    for item in preview.skipped:
        assert item.reason.endswith(".") and isinstance(item.code, SkipCode)
    for event in preview.events:
        if event.all_day:
            timing.all_day(event.start, event.end, event.time_zone)
        else:
            timing.timed(event.start.astimezone(dt.UTC), event.end.astimezone(dt.UTC), event.time_zone)
        timing.parse_zone(event.time_zone)
        assert event.uid and event.title
    exported = ics.export_calendar(path.stem, preview.events)
    assert len(parse(exported).events) == len(preview.events)


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        (
            "calendars/timezone_same_start_and_offset.ics",
            "Line 23: END:VCALENDARD does not close BEGIN:VCALENDAR from line 1.",
        ),
        ("calendars/fuzz_testcase_0_char_in_component_name.ics", "binary data"),
        ("events/event_with_recurrence.ics", "starts with BEGIN:VCALENDAR, but line 1 is 'BEGIN:VEVENT'"),
    ],
)
def test_broken_icalendar_samples_are_refused_with_a_clear_message(relative, expected):
    with pytest.raises(InvalidInputError) as error:
        parse(package_file(relative))
    assert expected in error.value.errors[0].message


@pytest.mark.parametrize(
    ("relative", "code"),
    [
        ("calendars/broken_dtstart.ics", SkipCode.MALFORMED),
        ("calendars/issue_1081_invalid_rrule_freq.ics", SkipCode.MALFORMED),
        ("calendars/invalid_duration.ics", SkipCode.MALFORMED),
        ("calendars/issue_526_calendar_with_event_subset.ics", SkipCode.UNKNOWN_TIME_ZONE),
        ("calendars/issue_156_RDATE_with_PERIOD_TZID_khal.ics", SkipCode.UNSUPPORTED),
        ("calendars/america_new_york_forward_reference.ics", SkipCode.MALFORMED),
    ],
)
def test_bad_events_in_icalendar_samples_are_skipped_with_a_reason(relative, code):
    preview = parse(package_file(relative))
    assert code in {item.code for item in preview.skipped}


def test_windows_zone_names_from_icalendar_samples_are_mapped():
    preview = parse(package_file("calendars/issue_1426.ics"))
    assert [event.time_zone for event in preview.events] or preview.skipped
    period = parse(package_file("calendars/period_with_timezone.ics"))
    assert "RDATE;TZID=America/Vancouver:20231213T120000" in period.events[0].recurrence
    assert any("RDATE period" in warning.message for warning in period.warnings)
