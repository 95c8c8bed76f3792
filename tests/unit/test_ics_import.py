"""ICS import: whole-file refusals, and each kind of bad or unusual event, skipped or converted with a reason."""

from __future__ import annotations

import codecs
import datetime as dt
import zoneinfo

import pytest
from icalendar.timezone import tzp

from scheduler_app.backend.errors import FieldProblem, InvalidInputError
from scheduler_app.backend.events import ics, timing
from scheduler_app.backend.events.ics import IcsAttendee, SkipCode

pytestmark = pytest.mark.unit

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
START = "DTSTART;TZID=Europe/Berlin:20260302T090000"
END = "DTEND;TZID=Europe/Berlin:20260302T100000"

NEW_YORK_RULES = """BEGIN:VTIMEZONE
TZID:{tzid}
BEGIN:STANDARD
DTSTART:16011104T020000
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010311T020000
RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
END:DAYLIGHT
END:VTIMEZONE
"""


def fixed_zone(tzid: str, offset: str) -> str:
    return (
        f"BEGIN:VTIMEZONE\nTZID:{tzid}\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
        f"TZOFFSETFROM:{offset}\nTZOFFSETTO:{offset}\nEND:STANDARD\nEND:VTIMEZONE\n"
    )


def vevent(*lines: str, uid: str | None = "e1@test") -> str:
    body = ["BEGIN:VEVENT"]
    if uid is not None:
        body.append(f"UID:{uid}")
    body += ["DTSTAMP:20260301T120000Z", *lines, "END:VEVENT"]
    return "\n".join(body) + "\n"


def calendar(*components: str, header: str = "", newline: str = "\r\n") -> bytes:
    text = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Test//EN\n"
        + header
        + "".join(components)
        + "END:VCALENDAR\n"
    )
    return text.replace("\n", newline).encode()


def parse(data: bytes, **options) -> ics.ImportPreview:
    options.setdefault("default_time_zone", "Europe/Berlin")
    return ics.parse_calendar(data, **options)


def only_event(data: bytes, **options) -> ics.IcsEvent:
    preview = parse(data, **options)
    assert preview.skipped == [], preview.skipped
    assert len(preview.events) == 1
    return preview.events[0]


def only_skip(data: bytes, **options) -> ics.SkippedItem:
    preview = parse(data, **options)
    assert preview.events == []
    assert len(preview.skipped) == 1
    return preview.skipped[0]


def file_problem(error: pytest.ExceptionInfo[InvalidInputError]) -> str:
    assert error.value.status == 422
    [problem] = error.value.errors
    assert isinstance(problem, FieldProblem) and problem.field == "file"
    return problem.message


def messages(preview: ics.ImportPreview) -> str:
    return "\n".join(warning.message for warning in preview.warnings)


# --- whole-file problems ---------------------------------------------------------------------------


def test_a_20_mb_file_is_refused_before_parsing(monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed a file over the limit")

    monkeypatch.setattr(ics, "_decode", no_parsing)
    data = calendar() + b" " * (20 * 1024 * 1024)
    with pytest.raises(InvalidInputError) as error:
        parse(data)
    assert error.value.detail == "The file is too large."
    assert file_problem(error) == "The file has 20.0 MB; the limit is 10.0 MB."


def test_the_size_limit_is_a_parameter_and_the_limit_itself_is_accepted():
    data = calendar(vevent(START, END))
    assert len(parse(data, max_bytes=len(data)).events) == 1
    with pytest.raises(InvalidInputError):
        parse(data, max_bytes=len(data) - 1)
    assert ics.MAX_IMPORT_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\r\n\r\n", "the file is empty"),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "line 1 is '<!DOCTYPE html>"),
        (b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", "line 1 is 'BEGIN:VEVENT'"),
        (b"\n\nhello: world\n", "line 3 is 'hello: world'"),
    ],
)
def test_a_file_that_is_not_icalendar_is_refused_naming_what_it_found(data, message):
    with pytest.raises(InvalidInputError) as error:
        parse(data)
    assert message in file_problem(error)
    assert "BEGIN:VCALENDAR" in file_problem(error)


def test_binary_data_is_refused():
    with pytest.raises(InvalidInputError) as error:
        parse(calendar() + b"\x00\x01\x02")
    assert "binary" in file_problem(error)


def test_a_truncated_file_is_refused_naming_the_unfinished_component():
    data = calendar(vevent(START, END, uid="a"), vevent(START, END, uid="b"))
    cut = data[: data.rindex(b"SUMMARY") if b"SUMMARY" in data else data.rindex(b"DTEND")]
    with pytest.raises(InvalidInputError) as error:
        parse(cut)
    assert error.value.detail == "The file is incomplete."
    assert "inside the VEVENT that begins on line 10" in file_problem(error)
    assert "truncated" in file_problem(error)


def test_a_file_cut_between_events_imports_them_with_a_warning():
    data = calendar(vevent(START, END))
    preview = parse(data[: data.rindex(b"END:VCALENDAR")])
    assert len(preview.events) == 1
    assert "does not end with END:VCALENDAR" in messages(preview)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VTODO\nEND:VCALENDAR\n",
            "Line 3: END:VTODO does not close BEGIN:VEVENT from line 2.",
        ),
        ("BEGIN:VCALENDAR\nEND:VCALENDAR\nEND:VEVENT\n", "Line 3: END:VEVENT without a matching BEGIN."),
        (
            "BEGIN:VCALENDAR\nEND:VCALENDARD\n",
            "Line 2: END:VCALENDARD does not close BEGIN:VCALENDAR from line 1.",
        ),
        ("BEGIN:VCALENDAR\nBEGIN:\nEND:VCALENDAR\n", "Line 2: 'BEGIN:' does not name a component."),
        (
            "BEGIN:VCALENDAR\nEND:VCALENDAR\nBEGIN:VEVENT\nEND:VEVENT\n",
            "Line 3: BEGIN:VEVENT outside of a VCALENDAR.",
        ),
        ("BEGIN:VCALENDAR\n" + "BEGIN:X-A\n" * 7, "Line 7: components are nested too deeply."),
    ],
)
def test_broken_structure_is_refused_naming_the_line(text, message):
    with pytest.raises(InvalidInputError) as error:
        parse(text.encode())
    assert file_problem(error) == message


def test_line_numbers_count_physical_lines_of_folded_files():
    data = calendar(
        vevent(START, END, "DESCRIPTION:a long\n  folded\n  description", uid="a"), vevent(START, uid="b")
    )
    preview = parse(data)
    assert [event.source_line for event in preview.events] == [4]
    assert [(item.uid, item.line) for item in preview.skipped] == [("b", 13)]


def test_several_calendars_in_one_file_are_read_together_and_text_after_them_is_ignored():
    data = (
        calendar(vevent(START, END, uid="a")) + calendar(vevent(START, END, uid="b")) + b"trailing junk\r\n"
    )
    preview = parse(data)
    assert [event.uid for event in preview.events] == ["a", "b"]
    assert "1 line(s) outside the VCALENDAR were ignored." in messages(preview)


# --- encodings and line endings --------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_any_line_ending_works(newline):
    assert only_event(calendar(vevent(START, END, "SUMMARY:Hi"), newline=newline)).title == "Hi"


def test_folding_with_tabs_and_blank_lines_before_continuations_is_undone():
    data = calendar(vevent(START, END, "SUMMARY:Long\n\t title\n\n  continued"))
    assert only_event(data).title == "Long title continued"


def test_utf8_with_bom_and_utf16_are_read():
    data = calendar(vevent(START, END, "SUMMARY:Grüße"))
    assert only_event(codecs.BOM_UTF8 + data).title == "Grüße"
    assert only_event(data.decode().encode("utf-16")).title == "Grüße"


def test_windows_1252_is_read_with_a_warning():
    data = calendar(vevent(START, END, "SUMMARY:Grüße")).decode().encode("cp1252")
    preview = parse(data)
    assert preview.events[0].title == "Grüße"
    assert "not valid UTF-8" in messages(preview)


# --- calendar properties and ignored components ---------------------------------------------------


def test_calendar_name_and_zone_are_reported():
    header = "X-WR-CALNAME:Team\\, Berlin\nX-WR-TIMEZONE:W. Europe Standard Time\n"
    preview = parse(calendar(header=header))
    assert (preview.calendar_name, preview.calendar_time_zone) == ("Team, Berlin", "Europe/Berlin")
    assert parse(calendar(header="NAME:Only name\n")).calendar_name == "Only name"
    assert parse(calendar()).calendar_name is None


def test_todos_journals_free_busy_and_alarms_are_ignored_and_counted():
    others = (
        "BEGIN:VTODO\nUID:t\nEND:VTODO\nBEGIN:VTODO\nUID:t2\nEND:VTODO\n"
        "BEGIN:VJOURNAL\nUID:j\nEND:VJOURNAL\nBEGIN:VFREEBUSY\nUID:f\nEND:VFREEBUSY\n"
        "BEGIN:X-CUSTOM\nEND:X-CUSTOM\n"
    )
    alarm = "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT10M\nEND:VALARM"
    preview = parse(calendar(others, vevent(START, END, alarm)))
    assert len(preview.events) == 1
    assert preview.ignored_components == {
        "VALARM": 1,
        "VFREEBUSY": 1,
        "VJOURNAL": 1,
        "VTODO": 2,
        "X-CUSTOM": 1,
    }


# --- text ------------------------------------------------------------------------------------------


def test_html_and_script_stay_literal_plain_text():
    summary = 'SUMMARY:<script>alert(1)</script> <b>Plan</b> &amp; "go"'
    description = 'DESCRIPTION:<p onclick="x()">Hi</p>\\n<a href="javascript:alert(1)">link</a>\\, ok\\; \\\\'
    event = only_event(calendar(vevent(START, END, summary, description)))
    assert event.title == '<script>alert(1)</script> <b>Plan</b> &amp; "go"'
    assert event.description == '<p onclick="x()">Hi</p>\n<a href="javascript:alert(1)">link</a>, ok; \\'


def test_outlook_html_alternative_description_is_not_imported():
    alt = "X-ALT-DESC;FMTTYPE=text/html:<html><body><script>x</script></body></html>"
    event = only_event(calendar(vevent(START, END, "DESCRIPTION:plain", alt)))
    assert event.description == "plain"


def test_titles_become_one_line_and_control_characters_are_dropped():
    event = only_event(
        calendar(
            vevent(START, END, "SUMMARY:  two\\nlines\x07 \x1b[31mred  ", "LOCATION:Room 1\\nFloor 2\\n")
        )
    )
    assert event.title == "two lines [31mred"
    assert event.location == "Room 1, Floor 2"


def test_missing_or_blank_summary_gives_a_placeholder_title():
    assert only_event(calendar(vevent(START, END))).title == ics.UNTITLED
    assert only_event(calendar(vevent(START, END, "SUMMARY: "))).title == ics.UNTITLED


def test_overlong_text_is_cut_with_a_warning():
    preview = parse(calendar(vevent(START, END, "SUMMARY:" + "x" * 600, "DESCRIPTION:" + "y" * 25_000)))
    [event] = preview.events
    assert len(event.title) == 500 and len(event.description) == 20_000
    assert "Its SUMMARY was cut to 500 characters (it had 600)." in messages(preview)
    assert "Its DESCRIPTION was cut to 20000 characters (it had 25000)." in messages(preview)


def test_only_web_and_mail_urls_are_kept():
    assert (
        only_event(calendar(vevent(START, END, "URL:https://example.com/a?b=1"))).url
        == "https://example.com/a?b=1"
    )
    preview = parse(calendar(vevent(START, END, "URL:javascript:alert(1)")))
    assert preview.events[0].url == ""
    assert "URL was dropped" in messages(preview)


def test_people_and_meeting_links_are_read():
    lines = [
        "ORGANIZER;CN=Boss:mailto:boss@example.com",
        'ATTENDEE;CN="Lovelace, Ada";PARTSTAT=ACCEPTED;ROLE=CHAIR:MAILTO:ada@example.com',
        "ATTENDEE:mailto:bob@example.com",
        "X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij",
    ]
    event = only_event(calendar(vevent(START, END, *lines)))
    assert event.organizer == IcsAttendee("boss@example.com", "Boss", "NEEDS-ACTION", "REQ-PARTICIPANT")
    assert event.attendees == [
        IcsAttendee("ada@example.com", "Lovelace, Ada", "ACCEPTED", "CHAIR"),
        IcsAttendee("bob@example.com", "", "NEEDS-ACTION", "REQ-PARTICIPANT"),
    ]
    assert event.conference_url == "https://meet.google.com/abc-defg-hij"


@pytest.mark.parametrize(
    "line",
    [
        "CONFERENCE;VALUE=URI;FEATURE=VIDEO:https://meet.example.com/rfc",
        "X-MICROSOFT-SKYPETEAMSMEETINGURL:https://meet.example.com/rfc",
    ],
)
def test_rfc_7986_and_teams_meeting_links_are_read(line):
    assert only_event(calendar(vevent(START, END, line))).conference_url == "https://meet.example.com/rfc"


def test_status_sequence_and_timestamps_are_read():
    lines = ["STATUS:TENTATIVE", "SEQUENCE:4", "CREATED:20260101T100000Z", "LAST-MODIFIED:20260102T100000"]
    event = only_event(calendar(vevent(START, END, *lines)))
    assert (event.status, event.sequence) == ("TENTATIVE", 4)
    assert event.created == dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC)
    assert event.last_modified == dt.datetime(2026, 1, 2, 10, tzinfo=dt.UTC)
    assert only_event(calendar(vevent(START, END, "STATUS:WHATEVER", "SEQUENCE:x"))).status == "CONFIRMED"


# --- UIDs and duplicates ---------------------------------------------------------------------------


def test_an_event_without_uid_gets_a_stable_one_with_a_warning():
    data = calendar(vevent(START, END, "SUMMARY:No id", uid=None))
    first, second = parse(data), parse(data.replace(b"DTSTAMP:20260301", b"DTSTAMP:20260302"))
    assert first.events[0].uid.startswith("import-")
    assert first.events[0].uid == second.events[0].uid
    assert "has no UID" in messages(first)


def test_an_overlong_uid_is_replaced_by_its_hash():
    event = only_event(calendar(vevent(START, END, uid="u" * 300)))
    assert event.uid.startswith("sha256-") and len(event.uid) == 71


def test_duplicate_uids_keep_the_higher_sequence_and_report_the_other():
    data = calendar(
        vevent(START, END, "SUMMARY:new", "SEQUENCE:2"), vevent(START, END, "SUMMARY:old", "SEQUENCE:1")
    )
    preview = parse(data)
    assert [event.title for event in preview.events] == ["new"]
    [skip] = preview.skipped
    assert (skip.code, skip.summary, skip.line) == (SkipCode.DUPLICATE, "old", 12)
    assert "line 4 has the same UID" in skip.reason


def test_duplicate_uids_with_the_same_sequence_keep_the_later_modification_then_the_last_in_file():
    newer = vevent(START, END, "SUMMARY:newer", "LAST-MODIFIED:20260201T000000Z")
    older = vevent(START, END, "SUMMARY:older", "LAST-MODIFIED:20260101T000000Z")
    assert [event.title for event in parse(calendar(newer, older)).events] == ["newer"]
    first, last = vevent(START, END, "SUMMARY:first"), vevent(START, END, "SUMMARY:last")
    preview = parse(calendar(first, last))
    assert [event.title for event in preview.events] == ["last"]
    assert [(item.summary, item.code) for item in preview.skipped] == [("first", SkipCode.DUPLICATE)]


def test_overrides_are_duplicates_only_with_the_same_recurrence_id():
    master = vevent(START, END, "RRULE:FREQ=DAILY;COUNT=5", "SUMMARY:master")
    one = vevent(
        "DTSTART;TZID=Europe/Berlin:20260303T100000",
        "DTEND;TZID=Europe/Berlin:20260303T110000",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260303T090000",
        "SUMMARY:a",
    )
    same = vevent(
        "DTSTART:20260303T100000Z", "DTEND:20260303T110000Z", "RECURRENCE-ID:20260303T080000Z", "SUMMARY:b"
    )
    other = vevent(
        "DTSTART;TZID=Europe/Berlin:20260304T100000",
        "DTEND;TZID=Europe/Berlin:20260304T110000",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260304T090000",
        "SUMMARY:c",
    )
    preview = parse(calendar(master, one, same, other))
    assert [event.title for event in preview.events] == ["master", "b", "c"]
    [skip] = preview.skipped
    assert (skip.code, skip.summary) == (SkipCode.DUPLICATE, "a")
    assert "same UID and RECURRENCE-ID" in skip.reason


# --- start, end, duration --------------------------------------------------------------------------


def test_an_event_without_dtstart_is_skipped_with_its_uid_summary_and_line():
    skip = only_skip(calendar(vevent(END, "SUMMARY:Lost", uid="lost@x")))
    assert (skip.uid, skip.summary, skip.code, skip.line) == ("lost@x", "Lost", SkipCode.NO_START, 4)
    assert skip.reason == "It has no start (DTSTART)."


def test_dtend_before_dtstart_is_skipped():
    skip = only_skip(calendar(vevent(START, "DTEND;TZID=Europe/Berlin:20260302T080000")))
    assert skip.code == SkipCode.END_BEFORE_START
    assert skip.reason == "It ends (2026-03-02 08:00+01:00) before it starts (2026-03-02 09:00+01:00)."
    assert (
        only_skip(calendar(vevent("DTSTART;VALUE=DATE:20260305", "DTEND;VALUE=DATE:20260304"))).code
        == SkipCode.END_BEFORE_START
    )


@pytest.mark.parametrize("end", [[], ["DTEND;TZID=Europe/Berlin:20260302T090000"], ["DURATION:PT0S"]])
def test_timed_events_without_duration_are_skipped(end):
    skip = only_skip(calendar(vevent(START, *end)))
    assert skip.code == SkipCode.ZERO_DURATION
    assert "no duration" in skip.reason


def test_duration_is_converted_with_days_on_the_wall_clock_and_hours_exact():
    # Berlin switches to summer time on 29 March 2026 at 02:00.
    day = only_event(calendar(vevent("DTSTART;TZID=Europe/Berlin:20260328T090000", "DURATION:P1D")))
    assert day.end == dt.datetime(2026, 3, 29, 9, tzinfo=BERLIN)
    hours = only_event(calendar(vevent("DTSTART;TZID=Europe/Berlin:20260328T090000", "DURATION:PT24H")))
    assert hours.end == dt.datetime(2026, 3, 29, 9, tzinfo=BERLIN)  # a timedelta cannot tell P1D from PT24H
    night = only_event(calendar(vevent("DTSTART;TZID=Europe/Berlin:20260329T010000", "DURATION:PT2H")))
    assert night.end == dt.datetime(2026, 3, 29, 4, tzinfo=BERLIN)
    assert night.end.astimezone(dt.UTC) - night.start.astimezone(dt.UTC) == dt.timedelta(hours=2)


def test_negative_duration_is_skipped():
    assert only_skip(calendar(vevent(START, "DURATION:-PT1H"))).code == SkipCode.END_BEFORE_START


def test_both_dtend_and_duration_use_dtend_with_a_warning():
    preview = parse(calendar(vevent(START, END, "DURATION:PT3H")))
    assert preview.events[0].end == dt.datetime(2026, 3, 2, 10, tzinfo=BERLIN)
    assert "both DTEND and DURATION" in messages(preview)


def test_all_day_end_is_exclusive_and_a_missing_end_means_one_day():
    event = only_event(calendar(vevent("DTSTART;VALUE=DATE:20260320", "DTEND;VALUE=DATE:20260323")))
    assert (event.start, event.end, event.all_day) == (dt.date(2026, 3, 20), dt.date(2026, 3, 23), True)
    assert event.time_zone == "Europe/Berlin"
    assert only_event(calendar(vevent("DTSTART;VALUE=DATE:20260320"))).end == dt.date(2026, 3, 21)
    assert only_event(calendar(vevent("DTSTART;VALUE=DATE:20260320", "DURATION:P2D"))).end == dt.date(
        2026, 3, 22
    )


def test_all_day_end_equal_to_start_means_one_day_with_a_warning():
    preview = parse(calendar(vevent("DTSTART;VALUE=DATE:20260320", "DTEND;VALUE=DATE:20260320")))
    assert preview.events[0].end == dt.date(2026, 3, 21)
    assert "read as one day" in messages(preview)


def test_all_day_duration_in_hours_is_rounded_up_with_a_warning():
    preview = parse(calendar(vevent("DTSTART;VALUE=DATE:20260320", "DURATION:PT12H")))
    assert preview.events[0].end == dt.date(2026, 3, 21)
    assert "rounded up to whole days" in messages(preview)


def test_mixed_date_and_date_time_is_skipped():
    skip = only_skip(calendar(vevent("DTSTART;VALUE=DATE:20260320", "DTEND:20260321T100000Z")))
    assert (skip.code, skip.reason) == (
        SkipCode.UNSUPPORTED,
        "Its DTSTART and DTEND are not both dates or both date-times.",
    )


def test_too_long_and_out_of_range_events_are_skipped():
    long = only_skip(calendar(vevent("DTSTART;VALUE=DATE:20200101", "DTEND;VALUE=DATE:20300101")))
    assert long.code == SkipCode.TOO_LONG
    assert f"at most {timing.MAX_EVENT_DAYS} days" in long.reason
    far = only_skip(calendar(vevent("DTSTART:99991231T100000Z", "DTEND:99991231T110000Z")))
    assert far.code == SkipCode.OUT_OF_RANGE
    assert only_skip(calendar(vevent("DTSTART;VALUE=DATE:00010101"))).code == SkipCode.OUT_OF_RANGE


def test_two_dtstarts_are_skipped_as_malformed():
    skip = only_skip(calendar(vevent(START, START.replace("09", "10"), END)))
    assert (skip.code, skip.reason) == (SkipCode.MALFORMED, "It has 2 DTSTART properties; one is allowed.")


def test_every_imported_event_passes_the_services_timing_rules():
    preview = parse(calendar(vevent(START, END, uid="a"), vevent("DTSTART;VALUE=DATE:20260320", uid="b")))
    for event in preview.events:
        if event.all_day:
            timing.all_day(event.start, event.end, event.time_zone)
        else:
            timing.timed(event.start, event.end, event.time_zone)
        timing.parse_zone(event.time_zone)


# --- malformed lines -------------------------------------------------------------------------------


def test_an_unreadable_date_skips_the_event_naming_the_property():
    skip = only_skip(calendar(vevent("DTSTART:2026-03-02 09:00", END)))
    assert skip.code == SkipCode.MALFORMED
    assert skip.reason.startswith("DTSTART: ")


def test_a_malformed_critical_line_skips_the_event_naming_the_line():
    skip = only_skip(calendar(vevent("DTSTART;;VALUE=DATE-TIME:20260302T090000", END)))
    assert skip.code == SkipCode.MALFORMED
    assert skip.reason.startswith("Line 7: cannot read 'DTSTART;;VALUE=DATE-TIME:20260302T090000'")


def test_a_malformed_harmless_line_is_ignored_with_a_warning_naming_the_line():
    preview = parse(calendar(vevent(START, END, "SUMMARY:ok", "this line lost its fold")))
    assert preview.events[0].title == "ok"
    [warning] = preview.warnings
    assert warning.line == 10
    assert warning.message.startswith("Ignored: line 10: cannot read 'this line lost its fold'")


def test_a_broken_vtimezone_is_reported_and_its_events_skipped():
    zone = "BEGIN:VTIMEZONE\nTZID:Broken Zone\nBEGIN:STANDARD\nTZOFFSETFROM:+25:00\nTZOFFSETTO:nonsense\nEND:STANDARD\nEND:VTIMEZONE\n"
    event = vevent("DTSTART;TZID=Broken Zone:20260302T090000", "DTEND;TZID=Broken Zone:20260302T100000")
    preview = parse(calendar(zone, event))
    assert "The VTIMEZONE could not be read" in messages(preview)
    assert [item.code for item in preview.skipped] == [SkipCode.UNKNOWN_TIME_ZONE]


# --- time zones ------------------------------------------------------------------------------------


def test_iana_and_utc_times_keep_their_instant():
    event = only_event(
        calendar(
            vevent(
                "DTSTART;TZID=America/New_York:20260302T090000", "DTEND;TZID=America/New_York:20260302T100000"
            )
        )
    )
    assert event.time_zone == "America/New_York"
    assert event.start == dt.datetime(2026, 3, 2, 14, tzinfo=dt.UTC)
    assert event.start.tzinfo == zoneinfo.ZoneInfo("America/New_York")


def test_utc_single_events_show_in_the_calendar_zone_but_utc_series_keep_utc():
    single = only_event(calendar(vevent("DTSTART:20260302T080000Z", "DTEND:20260302T090000Z")))
    assert single.time_zone == "Europe/Berlin"
    assert single.start == dt.datetime(2026, 3, 2, 9, tzinfo=BERLIN)
    series = only_event(
        calendar(vevent("DTSTART:20260302T080000Z", "DTEND:20260302T090000Z", "RRULE:FREQ=DAILY"))
    )
    assert series.time_zone == "UTC"


def test_dtend_in_another_zone_is_converted_to_the_start_zone():
    event = only_event(calendar(vevent(START, "DTEND;TZID=Europe/London:20260302T090000")))
    assert event.end == dt.datetime(2026, 3, 2, 10, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("tzid", "zone"),
    [
        ('"W. Europe Standard Time"', "Europe/Berlin"),
        ("Eastern Standard Time", "America/New_York"),
        ("europe/berlin", "Europe/Berlin"),
        ("/freeassociation.sourceforge.net/Tzfile/Europe/Berlin", "Europe/Berlin"),
        ("/mozilla.org/20070129_1/America/New_York", "America/New_York"),
        ('"tzone://Microsoft/Utc"', "UTC"),
    ],
)
def test_windows_and_vendor_zone_names_map_to_iana(tzid, zone):
    event = only_event(
        calendar(vevent(f"DTSTART;TZID={tzid}:20260302T090000", f"DTEND;TZID={tzid}:20260302T100000"))
    )
    assert event.time_zone == zone
    assert event.start.replace(tzinfo=None) == dt.datetime(2026, 3, 2, 9)


def test_unknown_tzid_without_vtimezone_is_skipped_with_the_zone_named():
    skip = only_skip(
        calendar(
            vevent("DTSTART;TZID=Mars/Olympus:20260302T090000", "DTEND;TZID=Mars/Olympus:20260302T100000")
        )
    )
    assert skip.code == SkipCode.UNKNOWN_TIME_ZONE
    assert (
        skip.reason
        == "Its time zone 'Mars/Olympus' is not a known zone and the file does not define it (VTIMEZONE)."
    )


def test_a_file_defined_zone_matching_the_calendar_zone_is_stored_as_that_zone():
    zone = NEW_YORK_RULES.format(tzid="Customized Time Zone")
    lines = (
        "DTSTART;TZID=Customized Time Zone:20260306T090000",
        "DTEND;TZID=Customized Time Zone:20260306T093000",
        "RRULE:FREQ=WEEKLY;COUNT=4",
    )
    event = only_event(calendar(zone, vevent(*lines)), default_time_zone="America/New_York")
    assert event.time_zone == "America/New_York"
    assert event.start == dt.datetime(2026, 3, 6, 14, tzinfo=dt.UTC)


def test_a_file_defined_zone_is_matched_by_x_lic_location_or_a_city_in_its_name():
    zone = NEW_YORK_RULES.format(tzid="Eastern").replace(
        "BEGIN:STANDARD", "X-LIC-LOCATION:America/New_York\nBEGIN:STANDARD", 1
    )
    event = only_event(
        calendar(zone, vevent("DTSTART;TZID=Eastern:20260306T090000", "DTEND;TZID=Eastern:20260306T093000"))
    )
    assert event.time_zone == "America/New_York"
    zone = NEW_YORK_RULES.format(tzid="(UTC-05:00) Eastern Time (US & Canada), New York")
    tzid = '"(UTC-05:00) Eastern Time (US & Canada), New York"'
    event = only_event(
        calendar(zone, vevent(f"DTSTART;TZID={tzid}:20260306T090000", f"DTEND;TZID={tzid}:20260306T093000"))
    )
    assert event.time_zone == "America/New_York"


def test_a_file_defined_fixed_offset_zone_becomes_an_etc_zone():
    event = only_event(
        calendar(
            fixed_zone("UTC+11", "+1100"),
            vevent("DTSTART;TZID=UTC+11:20260302T090000", "DTEND;TZID=UTC+11:20260302T100000"),
        )
    )
    assert event.time_zone == "Etc/GMT-11"
    assert event.start == dt.datetime(2026, 3, 1, 22, tzinfo=dt.UTC)


def test_an_unmatched_file_defined_zone_converts_single_events_and_skips_series():
    zone = NEW_YORK_RULES.format(tzid="Customized Time Zone")
    single = vevent(
        "DTSTART;TZID=Customized Time Zone:20260305T090000",
        "DTEND;TZID=Customized Time Zone:20260305T100000",
        uid="single",
    )
    series = vevent(
        "DTSTART;TZID=Customized Time Zone:20260306T090000",
        "DTEND;TZID=Customized Time Zone:20260306T093000",
        "RRULE:FREQ=WEEKLY",
        uid="series",
    )
    preview = parse(calendar(zone, single, series))
    [event] = preview.events
    assert event.time_zone == "Europe/Berlin"
    assert event.start == dt.datetime(2026, 3, 5, 15, tzinfo=BERLIN)  # 09:00 New York = 15:00 Berlin
    assert "converted to Europe/Berlin" in messages(preview)
    [skip] = preview.skipped
    assert (skip.uid, skip.code) == ("series", SkipCode.UNKNOWN_TIME_ZONE)
    assert "repetitions cannot be placed reliably" in skip.reason


def test_file_defined_zones_do_not_leak_between_files_or_into_icalendar():
    tzid = "Scheduler Test Zone 7f3a"
    event = vevent(f"DTSTART;TZID={tzid}:20260302T090000", f"DTEND;TZID={tzid}:20260302T100000")
    plus_five = parse(calendar(fixed_zone(tzid, "+0500"), event)).events[0]
    plus_nine = parse(calendar(fixed_zone(tzid, "+0900"), event)).events[0]
    assert plus_five.start == dt.datetime(2026, 3, 2, 4, tzinfo=dt.UTC)
    assert plus_nine.start == dt.datetime(2026, 3, 2, 0, tzinfo=dt.UTC)
    assert tzp.timezone(tzid) is None  # icalendar's process-wide cache was not touched
    assert only_skip(calendar(event)).code == SkipCode.UNKNOWN_TIME_ZONE


def test_only_so_many_file_defined_zones_are_read():
    count = ics.MAX_CUSTOM_ZONE_LOOKUPS + 1
    zones = [fixed_zone(f"Zone {index}", f"+{index % 10:02d}00") for index in range(count)]
    events = [
        vevent(
            f"DTSTART;TZID=Zone {index}:20260302T090000",
            f"DTEND;TZID=Zone {index}:20260302T100000",
            uid=f"e{index}",
        )
        for index in range(count)
    ]
    preview = parse(calendar(*zones, *events))
    assert len(preview.events) == ics.MAX_CUSTOM_ZONE_LOOKUPS
    [skip] = preview.skipped
    assert (skip.uid, skip.code) == (f"e{count - 1}", SkipCode.UNKNOWN_TIME_ZONE)
    assert f"only the first {ics.MAX_CUSTOM_ZONE_LOOKUPS} zones" in skip.reason


def test_a_file_with_too_many_events_is_refused_before_they_are_parsed():
    data = calendar("BEGIN:VEVENT\nEND:VEVENT\n" * (ics.MAX_IMPORT_EVENTS + 1))
    with pytest.raises(InvalidInputError) as error:
        parse(data)
    assert file_problem(error) == "The file has more than 20,000 events; import it in smaller parts."


def test_floating_times_are_read_in_the_calendar_zone_and_reported():
    preview = parse(
        calendar(vevent("DTSTART:20260302T090000", "DTEND:20260302T100000")), default_time_zone="Asia/Tokyo"
    )
    [event] = preview.events
    assert event.time_zone == "Asia/Tokyo"
    assert event.start == dt.datetime(2026, 3, 2, 0, tzinfo=dt.UTC)
    assert "1 event(s) have floating times (no time zone); they were read in Asia/Tokyo" in messages(preview)


def test_wall_times_in_a_dst_gap_or_overlap_follow_rfc_5545():
    gap = only_event(
        calendar(
            vevent("DTSTART;TZID=Europe/Berlin:20260329T023000", "DTEND;TZID=Europe/Berlin:20260329T040000")
        )
    )
    assert gap.start.astimezone(dt.UTC) == dt.datetime(
        2026, 3, 29, 1, 30, tzinfo=dt.UTC
    )  # offset before the gap
    assert gap.start.hour == 3
    overlap = only_event(
        calendar(
            vevent("DTSTART;TZID=Europe/Berlin:20261025T023000", "DTEND;TZID=Europe/Berlin:20261025T040000")
        )
    )
    # The first of the two; compare in UTC (PEP 495: repeated times never equal other zones' times).
    assert overlap.start.astimezone(dt.UTC) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)


def test_an_unknown_default_zone_is_invalid_input():
    with pytest.raises(InvalidInputError) as error:
        parse(calendar(), default_time_zone="Nowhere/Special")
    assert error.value.errors[0].field == "default_time_zone"


# --- recurrence ------------------------------------------------------------------------------------


def test_recurrence_lines_are_normalized_to_the_event_zone():
    lines = (
        'DTSTART;TZID="W. Europe Standard Time":20260302T090000',
        'DTEND;TZID="W. Europe Standard Time":20260302T100000',
        "RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260427T090000",
        'EXDATE;TZID="W. Europe Standard Time":20260309T090000,20260316T090000',
        "EXDATE:20260323T080000Z",
        "RDATE;VALUE=DATE:20260304",
    )
    event = only_event(calendar(vevent(*lines)))
    assert event.recurrence == [
        "RRULE:FREQ=WEEKLY;UNTIL=20260427T070000Z;BYDAY=MO",
        "RDATE;TZID=Europe/Berlin:20260304T090000",
        "EXDATE;TZID=Europe/Berlin:20260309T090000,20260316T090000,20260323T090000",
    ]


def test_until_as_a_date_on_a_timed_series_covers_that_whole_day():
    event = only_event(calendar(vevent(START, END, "RRULE:FREQ=DAILY;UNTIL=20260305")))
    assert event.recurrence == ["RRULE:FREQ=DAILY;UNTIL=20260305T225959Z"]


def test_all_day_series_keep_date_exclusions():
    lines = (
        "DTSTART;VALUE=DATE:20260302",
        "RRULE:FREQ=WEEKLY;UNTIL=20260330T000000Z",
        "EXDATE;VALUE=DATE:20260309",
    )
    event = only_event(calendar(vevent(*lines)))
    assert event.recurrence == ["RRULE:FREQ=WEEKLY;UNTIL=20260330", "EXDATE;VALUE=DATE:20260309"]


def test_an_rrule_icalendar_cannot_read_skips_the_event():
    skip = only_skip(calendar(vevent(START, END, "RRULE:FREQ=SOMETIMES")))
    assert skip.code == SkipCode.MALFORMED
    assert skip.reason.startswith("RRULE: ")


def test_an_rrule_dateutil_rejects_skips_the_event_without_a_hook():
    skip = only_skip(calendar(vevent(START, END, "RRULE:FREQ=WEEKLY;BYSETPOS=400")))
    assert skip.code == SkipCode.INVALID_RECURRENCE
    assert skip.reason.startswith("Its recurrence is invalid: ")


def test_the_recurrence_hook_validates_and_normalizes_series():
    calls = []

    def validate(lines, start, time_zone, all_day):
        calls.append((lines, start, time_zone, all_day))
        if "COUNT=999" in lines[0]:
            raise InvalidInputError(
                "Invalid recurrence.", [FieldProblem("recurrence", "At most 730 occurrences.")]
            )
        return [line.replace("FREQ=WEEKLY", "FREQ=WEEKLY;WKST=MO") for line in lines]

    good = vevent(START, END, "RRULE:FREQ=WEEKLY", uid="good")
    bad = vevent(START, END, "RRULE:FREQ=DAILY;COUNT=999", uid="bad")
    plain = vevent(START, END, uid="plain")
    preview = parse(calendar(good, bad, plain), validate_recurrence=validate)
    assert calls[0] == (
        ["RRULE:FREQ=WEEKLY"],
        dt.datetime(2026, 3, 2, 9, tzinfo=BERLIN),
        "Europe/Berlin",
        False,
    )
    assert len(calls) == 2  # only series are checked
    assert [(event.uid, event.recurrence) for event in preview.events] == [
        ("good", ["RRULE:FREQ=WEEKLY;WKST=MO"]),
        ("plain", []),
    ]
    [skip] = preview.skipped
    assert (skip.uid, skip.code, skip.reason) == (
        "bad",
        SkipCode.INVALID_RECURRENCE,
        "Its recurrence is invalid: At most 730 occurrences.",
    )


def test_exrule_and_this_and_future_overrides_are_unsupported():
    assert (
        only_skip(calendar(vevent(START, END, "RRULE:FREQ=DAILY", "EXRULE:FREQ=WEEKLY"))).code
        == SkipCode.UNSUPPORTED
    )
    master = vevent(START, END, "RRULE:FREQ=DAILY", uid="s")
    future = vevent(
        "DTSTART;TZID=Europe/Berlin:20260305T100000",
        "DTEND;TZID=Europe/Berlin:20260305T110000",
        "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260305T090000",
        uid="s",
    )
    preview = parse(calendar(master, future))
    assert len(preview.events) == 1
    assert [(item.code, item.reason) for item in preview.skipped] == [
        (SkipCode.UNSUPPORTED, "It changes this and all later occurrences (RANGE=THISANDFUTURE).")
    ]


def test_overrides_are_put_in_the_master_form():
    master = vevent(START, END, "RRULE:FREQ=DAILY;COUNT=5", uid="s")
    by_utc = vevent(
        "DTSTART:20260303T120000Z", "DTEND:20260303T130000Z", "RECURRENCE-ID:20260303T080000Z", uid="s"
    )
    by_date = vevent(
        "DTSTART;TZID=Europe/Berlin:20260304T120000",
        "DTEND;TZID=Europe/Berlin:20260304T130000",
        "RECURRENCE-ID;VALUE=DATE:20260304",
        uid="s",
    )
    preview = parse(calendar(master, by_utc, by_date))
    assert preview.skipped == []
    assert [event.recurrence_id for event in preview.events[1:]] == [
        dt.datetime(2026, 3, 3, 9, tzinfo=BERLIN),
        dt.datetime(2026, 3, 4, 9, tzinfo=BERLIN),
    ]
    assert all(event.recurrence_id.tzinfo == BERLIN for event in preview.events[1:])


# --- cancellation and series consistency -----------------------------------------------------------


def test_a_cancelled_event_is_skipped():
    skip = only_skip(calendar(vevent(START, END, "STATUS:CANCELLED", "SUMMARY:Off")))
    assert (skip.code, skip.summary, skip.reason) == (
        SkipCode.CANCELLED,
        "Off",
        "It is cancelled (STATUS:CANCELLED).",
    )


def test_a_cancelled_occurrence_becomes_an_exclusion_of_its_series():
    master = vevent(START, END, "RRULE:FREQ=DAILY;COUNT=5", uid="s")
    cancelled = vevent(
        "DTSTART;TZID=Europe/Berlin:20260304T090000",
        "DTEND;TZID=Europe/Berlin:20260304T100000",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260304T090000",
        "STATUS:CANCELLED",
        uid="s",
    )
    preview = parse(calendar(cancelled, master))
    assert preview.skipped == []
    [event] = preview.events
    assert event.recurrence == ["RRULE:FREQ=DAILY;COUNT=5", "EXDATE;TZID=Europe/Berlin:20260304T090000"]
    with_exdate = master.replace("END:VEVENT", "EXDATE;TZID=Europe/Berlin:20260305T090000\nEND:VEVENT")
    [event] = parse(calendar(cancelled, with_exdate)).events
    assert event.recurrence[1] == "EXDATE;TZID=Europe/Berlin:20260305T090000,20260304T090000"
    assert "1 cancelled occurrence(s) were imported as exclusions (EXDATE)." in messages(preview)


def test_a_cancelled_occurrence_without_its_series_is_skipped():
    cancelled = vevent(
        "DTSTART;TZID=Europe/Berlin:20260304T090000",
        "DTEND;TZID=Europe/Berlin:20260304T100000",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260304T090000",
        "STATUS:CANCELLED",
        uid="s",
    )
    assert only_skip(calendar(cancelled)).code == SkipCode.CANCELLED


def test_overrides_of_a_skipped_series_are_skipped_too():
    master = vevent(START, END, "RRULE:FREQ=DAILY", "STATUS:CANCELLED", uid="s")
    moved = vevent(
        "DTSTART;TZID=Europe/Berlin:20260303T100000",
        "DTEND;TZID=Europe/Berlin:20260303T110000",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260303T090000",
        uid="s",
    )
    gone = moved.replace("20260303", "20260304").replace("END:VEVENT", "STATUS:CANCELLED\nEND:VEVENT")
    preview = parse(calendar(master, moved, gone))
    assert preview.events == []
    assert [(item.code, item.reason) for item in preview.skipped] == [
        (SkipCode.CANCELLED, "It is cancelled (STATUS:CANCELLED)."),
        (SkipCode.SERIES_SKIPPED, "It changes one occurrence, but its series is cancelled."),
        (SkipCode.SERIES_SKIPPED, "It cancels one occurrence, but its series is cancelled."),
    ]
    invalid = vevent(START, END, "RRULE:FREQ=WEEKLY;BYSETPOS=400", uid="s")
    preview = parse(calendar(invalid, moved))
    assert [item.code for item in preview.skipped] == [SkipCode.INVALID_RECURRENCE, SkipCode.SERIES_SKIPPED]


def test_an_override_of_an_event_that_does_not_repeat_is_skipped():
    master = vevent(START, END, uid="s")
    moved = vevent(
        "DTSTART;TZID=Europe/Berlin:20260302T100000",
        "DTEND;TZID=Europe/Berlin:20260302T110000",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260302T090000",
        uid="s",
    )
    preview = parse(calendar(master, moved))
    assert len(preview.events) == 1
    assert [item.code for item in preview.skipped] == [SkipCode.UNSUPPORTED]


def test_an_override_without_its_series_is_kept_with_a_warning():
    moved = vevent(
        "DTSTART;TZID=Europe/Berlin:20260302T100000",
        "DTEND;TZID=Europe/Berlin:20260302T110000",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260302T090000",
        uid="s",
    )
    preview = parse(calendar(moved))
    assert [event.recurrence_id for event in preview.events] == [dt.datetime(2026, 3, 2, 9, tzinfo=BERLIN)]
    assert "belong to a series that is not in the file" in messages(preview)


def test_every_vevent_is_either_imported_or_reported():
    events = [
        vevent(START, END, uid="ok"),
        vevent(END, uid="no-start"),
        vevent(START, "DTEND;TZID=Europe/Berlin:20260301T090000", uid="backwards"),
        vevent("DTSTART;TZID=Nowhere:20260302T090000", "DTEND;TZID=Nowhere:20260302T100000", uid="zone"),
        vevent(START, END, "STATUS:CANCELLED", uid="cancelled"),
        vevent(START, END, uid="ok"),
        vevent("DTSTART;VALUE=DATE:20260302", uid="all-day"),
    ]
    preview = parse(calendar(*events))
    assert len(preview.events) + len(preview.skipped) == len(events)
    assert [item.line for item in preview.skipped] == sorted(item.line for item in preview.skipped)
    assert {item.uid for item in preview.skipped} == {"no-start", "backwards", "zone", "cancelled", "ok"}
