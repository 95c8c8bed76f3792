"""The recurrence examples of RFC 5545 section 3.8.5.3, as data, expanded by our module.

Each example is the RFC's DTSTART (America/New_York, as the RFC assumes), its RRULE (and EXDATE) lines
and its expected occurrences, all at 9:00 AM local time, with the RFC's EDT/EST annotations. For the
"forever" examples the RFC lists a prefix: we expand up to the last listed day and compare exactly.
Each example is also checked against python-dateutil's `rrulestr` and against recurring-ical-events
expanding a VEVENT built from the same lines. The sub-daily examples are the ones we refuse.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import icalendar
import pytest
import recurring_ical_events
from dateutil.rrule import rruleset, rrulestr

from scheduler_app.backend.errors import InvalidInputError
from scheduler_app.backend.events import recurrence as rec

pytestmark = pytest.mark.unit

NY = zoneinfo.ZoneInfo("America/New_York")
HOUR = dt.timedelta(hours=1)
EDT, EST = "EDT", "EST"


@dataclass(frozen=True)
class Example:
    title: str
    dtstart: str  # DTSTART;TZID=America/New_York:<this>
    lines: tuple[str, ...]
    expected: tuple[tuple[int, int, tuple[int, ...], str], ...]  # (year, month, days, EDT/EST)
    forever: bool = False


def days(first: int, last: int, step: int = 1) -> tuple[int, ...]:
    return tuple(range(first, last + 1, step))


EXAMPLES = [
    Example(
        "Daily for 10 occurrences",
        "19970902T090000",
        ("RRULE:FREQ=DAILY;COUNT=10",),
        ((1997, 9, days(2, 11), EDT),),
    ),
    Example(
        "Daily until December 24, 1997",
        "19970902T090000",
        ("RRULE:FREQ=DAILY;UNTIL=19971224T000000Z",),
        (
            (1997, 9, days(2, 30), EDT),
            (1997, 10, days(1, 25), EDT),
            (1997, 10, days(26, 31), EST),
            (1997, 11, days(1, 30), EST),
            (1997, 12, days(1, 23), EST),
        ),
    ),
    Example(
        "Every other day - forever",
        "19970902T090000",
        ("RRULE:FREQ=DAILY;INTERVAL=2",),
        (
            (1997, 9, days(2, 30, 2), EDT),
            (1997, 10, days(2, 24, 2), EDT),
            (1997, 10, (26, 28, 30), EST),
            (1997, 11, days(1, 29, 2), EST),
            (1997, 12, (1, 3), EST),
        ),
        forever=True,
    ),
    Example(
        "Every 10 days, 5 occurrences",
        "19970902T090000",
        ("RRULE:FREQ=DAILY;INTERVAL=10;COUNT=5",),
        ((1997, 9, (2, 12, 22), EDT), (1997, 10, (2, 12), EDT)),
    ),
    *(
        Example(
            f"Every day in January, for 3 years ({variant})",
            "19980101T090000",
            (line,),
            ((1998, 1, days(1, 31), EST), (1999, 1, days(1, 31), EST), (2000, 1, days(1, 31), EST)),
        )
        for variant, line in (
            ("yearly", "RRULE:FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA"),
            ("daily", "RRULE:FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1"),
        )
    ),
    Example(
        "Weekly for 10 occurrences",
        "19970902T090000",
        ("RRULE:FREQ=WEEKLY;COUNT=10",),
        (
            (1997, 9, (2, 9, 16, 23, 30), EDT),
            (1997, 10, (7, 14, 21), EDT),
            (1997, 10, (28,), EST),
            (1997, 11, (4,), EST),
        ),
    ),
    Example(
        "Weekly until December 24, 1997",
        "19970902T090000",
        ("RRULE:FREQ=WEEKLY;UNTIL=19971224T000000Z",),
        (
            (1997, 9, (2, 9, 16, 23, 30), EDT),
            (1997, 10, (7, 14, 21), EDT),
            (1997, 10, (28,), EST),
            (1997, 11, (4, 11, 18, 25), EST),
            (1997, 12, (2, 9, 16, 23), EST),
        ),
    ),
    Example(
        "Every other week - forever",
        "19970902T090000",
        ("RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU",),
        (
            (1997, 9, (2, 16, 30), EDT),
            (1997, 10, (14,), EDT),
            (1997, 10, (28,), EST),
            (1997, 11, (11, 25), EST),
            (1997, 12, (9, 23), EST),
            (1998, 1, (6, 20), EST),
            (1998, 2, (3, 17), EST),
        ),
        forever=True,
    ),
    *(
        Example(
            f"Weekly on Tuesday and Thursday for five weeks ({variant})",
            "19970902T090000",
            (line,),
            ((1997, 9, (2, 4, 9, 11, 16, 18, 23, 25, 30), EDT), (1997, 10, (2,), EDT)),
        )
        for variant, line in (
            ("until", "RRULE:FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH"),
            ("count", "RRULE:FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH"),
        )
    ),
    Example(
        "Every other week on Monday, Wednesday, and Friday until December 24, 1997",
        "19970901T090000",
        ("RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",),
        (
            (1997, 9, (1, 3, 5, 15, 17, 19, 29), EDT),
            (1997, 10, (1, 3, 13, 15, 17), EDT),
            (1997, 10, (27, 29, 31), EST),
            (1997, 11, (10, 12, 14, 24, 26, 28), EST),
            (1997, 12, (8, 10, 12, 22), EST),
        ),
    ),
    Example(
        "Every other week on Tuesday and Thursday, for 8 occurrences",
        "19970902T090000",
        ("RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",),
        ((1997, 9, (2, 4, 16, 18, 30), EDT), (1997, 10, (2, 14, 16), EDT)),
    ),
    Example(
        "Monthly on the first Friday for 10 occurrences",
        "19970905T090000",
        ("RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR",),
        (
            (1997, 9, (5,), EDT),
            (1997, 10, (3,), EDT),
            (1997, 11, (7,), EST),
            (1997, 12, (5,), EST),
            (1998, 1, (2,), EST),
            (1998, 2, (6,), EST),
            (1998, 3, (6,), EST),
            (1998, 4, (3,), EST),
            (1998, 5, (1,), EDT),
            (1998, 6, (5,), EDT),
        ),
    ),
    Example(
        "Monthly on the first Friday until December 24, 1997",
        "19970905T090000",
        ("RRULE:FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR",),
        ((1997, 9, (5,), EDT), (1997, 10, (3,), EDT), (1997, 11, (7,), EST), (1997, 12, (5,), EST)),
    ),
    Example(
        "Every other month on the first and last Sunday of the month for 10 occurrences",
        "19970907T090000",
        ("RRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",),
        (
            (1997, 9, (7, 28), EDT),
            (1997, 11, (2, 30), EST),
            (1998, 1, (4, 25), EST),
            (1998, 3, (1, 29), EST),
            (1998, 5, (3, 31), EDT),
        ),
    ),
    Example(
        "Monthly on the second-to-last Monday of the month for 6 months",
        "19970922T090000",
        ("RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",),
        (
            (1997, 9, (22,), EDT),
            (1997, 10, (20,), EDT),
            (1997, 11, (17,), EST),
            (1997, 12, (22,), EST),
            (1998, 1, (19,), EST),
            (1998, 2, (16,), EST),
        ),
    ),
    Example(
        "Monthly on the third-to-the-last day of the month, forever",
        "19970928T090000",
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=-3",),
        (
            (1997, 9, (28,), EDT),
            (1997, 10, (29,), EST),
            (1997, 11, (28,), EST),
            (1997, 12, (29,), EST),
            (1998, 1, (29,), EST),
            (1998, 2, (26,), EST),
        ),
        forever=True,
    ),
    Example(
        "Monthly on the 2nd and 15th of the month for 10 occurrences",
        "19970902T090000",
        ("RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",),
        (
            (1997, 9, (2, 15), EDT),
            (1997, 10, (2, 15), EDT),
            (1997, 11, (2, 15), EST),
            (1997, 12, (2, 15), EST),
            (1998, 1, (2, 15), EST),
        ),
    ),
    Example(
        "Monthly on the first and last day of the month for 10 occurrences",
        "19970930T090000",
        ("RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",),
        (
            (1997, 9, (30,), EDT),
            (1997, 10, (1,), EDT),
            (1997, 10, (31,), EST),
            (1997, 11, (1, 30), EST),
            (1997, 12, (1, 31), EST),
            (1998, 1, (1, 31), EST),
            (1998, 2, (1,), EST),
        ),
    ),
    Example(
        "Every 18 months on the 10th thru 15th of the month for 10 occurrences",
        "19970910T090000",
        ("RRULE:FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15",),
        ((1997, 9, days(10, 15), EDT), (1999, 3, days(10, 13), EST)),
    ),
    Example(
        "Every Tuesday, every other month",
        "19970902T090000",
        ("RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",),
        (
            (1997, 9, (2, 9, 16, 23, 30), EDT),
            (1997, 11, (4, 11, 18, 25), EST),
            (1998, 1, (6, 13, 20, 27), EST),
            (1998, 3, (3, 10, 17, 24, 31), EST),
        ),
        forever=True,
    ),
    Example(
        "Yearly in June and July for 10 occurrences",
        "19970610T090000",
        ("RRULE:FREQ=YEARLY;COUNT=10;BYMONTH=6,7",),
        tuple((year, month, (10,), EDT) for year in range(1997, 2002) for month in (6, 7)),
    ),
    Example(
        "Every other year on January, February, and March for 10 occurrences",
        "19970310T090000",
        ("RRULE:FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3",),
        (
            (1997, 3, (10,), EST),
            *((year, month, (10,), EST) for year in (1999, 2001, 2003) for month in (1, 2, 3)),
        ),
    ),
    Example(
        "Every third year on the 1st, 100th, and 200th day for 10 occurrences",
        "19970101T090000",
        ("RRULE:FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",),
        (
            (1997, 1, (1,), EST),
            (1997, 4, (10,), EDT),
            (1997, 7, (19,), EDT),
            (2000, 1, (1,), EST),
            (2000, 4, (9,), EDT),
            (2000, 7, (18,), EDT),
            (2003, 1, (1,), EST),
            (2003, 4, (10,), EDT),
            (2003, 7, (19,), EDT),
            (2006, 1, (1,), EST),
        ),
    ),
    Example(
        "Every 20th Monday of the year, forever",
        "19970519T090000",
        ("RRULE:FREQ=YEARLY;BYDAY=20MO",),
        ((1997, 5, (19,), EDT), (1998, 5, (18,), EDT), (1999, 5, (17,), EDT)),
        forever=True,
    ),
    Example(
        "Monday of week number 20 (where the default start of the week is Monday), forever",
        "19970512T090000",
        ("RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",),
        ((1997, 5, (12,), EDT), (1998, 5, (11,), EDT), (1999, 5, (17,), EDT)),
        forever=True,
    ),
    Example(
        "Every Thursday in March, forever",
        "19970313T090000",
        ("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=TH",),
        ((1997, 3, (13, 20, 27), EST), (1998, 3, (5, 12, 19, 26), EST), (1999, 3, (4, 11, 18, 25), EST)),
        forever=True,
    ),
    Example(
        "Every Thursday, but only during June, July, and August, forever",
        "19970605T090000",
        ("RRULE:FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8",),
        (
            (1997, 6, (5, 12, 19, 26), EDT),
            (1997, 7, (3, 10, 17, 24, 31), EDT),
            (1997, 8, (7, 14, 21, 28), EDT),
            (1998, 6, (4, 11, 18, 25), EDT),
            (1998, 7, (2, 9, 16, 23, 30), EDT),
            (1998, 8, (6, 13, 20, 27), EDT),
            (1999, 6, (3, 10, 17, 24), EDT),
            (1999, 7, (1, 8, 15, 22, 29), EDT),
            (1999, 8, (5, 12, 19, 26), EDT),
        ),
        forever=True,
    ),
    Example(
        "Every Friday the 13th, forever",
        "19970902T090000",
        ("EXDATE;TZID=America/New_York:19970902T090000", "RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13"),
        (
            (1998, 2, (13,), EST),
            (1998, 3, (13,), EST),
            (1998, 11, (13,), EST),
            (1999, 8, (13,), EDT),
            (2000, 10, (13,), EDT),
        ),
        forever=True,
    ),
    Example(
        "The first Saturday that follows the first Sunday of the month, forever",
        "19970913T090000",
        ("RRULE:FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",),
        (
            (1997, 9, (13,), EDT),
            (1997, 10, (11,), EDT),
            (1997, 11, (8,), EST),
            (1997, 12, (13,), EST),
            (1998, 1, (10,), EST),
            (1998, 2, (7,), EST),
            (1998, 3, (7,), EST),
            (1998, 4, (11,), EDT),
            (1998, 5, (9,), EDT),
            (1998, 6, (13,), EDT),
        ),
        forever=True,
    ),
    Example(
        "Every 4 years, the first Tuesday after a Monday in November, forever (U.S. Presidential Election day)",
        "19961105T090000",
        ("RRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",),
        ((1996, 11, (5,), EST), (2000, 11, (7,), EST), (2004, 11, (2,), EST)),
        forever=True,
    ),
    Example(
        "The third instance into the month of one of Tuesday, Wednesday, or Thursday, for the next 3 months",
        "19970904T090000",
        ("RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",),
        ((1997, 9, (4,), EDT), (1997, 10, (7,), EDT), (1997, 11, (6,), EST)),
    ),
    Example(
        "The second-to-last weekday of the month",
        "19970929T090000",
        ("RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",),
        (
            (1997, 9, (29,), EDT),
            (1997, 10, (30,), EST),
            (1997, 11, (27,), EST),
            (1997, 12, (30,), EST),
            (1998, 1, (29,), EST),
            (1998, 2, (26,), EST),
            (1998, 3, (30,), EST),
        ),
        forever=True,
    ),
    Example(
        "An example where the days generated makes a difference because of WKST (MO)",
        "19970805T090000",
        ("RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",),
        ((1997, 8, (5, 10, 19, 24), EDT),),
    ),
    Example(
        "Changing only WKST from MO to SU, yields different results",
        "19970805T090000",
        ("RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",),
        ((1997, 8, (5, 17, 19, 31), EDT),),
    ),
    Example(
        "An example where an invalid date (i.e., February 30) is ignored",
        "20070115T090000",
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",),
        ((2007, 1, (15, 30), EST), (2007, 2, (15,), EST), (2007, 3, (15, 30), EDT)),
    ),
]

# The RFC's sub-daily examples: the app refuses them (a calendar event repeats at most daily).
REFUSED = {
    "Every 3 hours from 9:00 AM to 5:00 PM on a specific day": "RRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z",
    "Every 15 minutes for 6 occurrences": "RRULE:FREQ=MINUTELY;INTERVAL=15;COUNT=6",
    "Every hour and a half for 4 occurrences": "RRULE:FREQ=MINUTELY;INTERVAL=90;COUNT=4",
    "Every 20 minutes from 9:00 AM to 4:40 PM every day (daily)": (
        "RRULE:FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40"
    ),
    "Every 20 minutes from 9:00 AM to 4:40 PM every day (minutely)": (
        "RRULE:FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16"
    ),
}


def dtstart(example: Example) -> dt.datetime:
    return dt.datetime.strptime(example.dtstart, "%Y%m%dT%H%M%S").replace(tzinfo=NY)


def expected_starts(example: Example) -> list[tuple[dt.datetime, str]]:
    return [
        (dt.datetime(year, month, day, 9, tzinfo=NY), zone)
        for year, month, month_days, zone in example.expected
        for day in month_days
    ]


def window(example: Example) -> tuple[dt.datetime, dt.datetime]:
    """From DTSTART to after the last expected day (forever), or over 20 years (bounded series)."""
    first = dtstart(example)
    if example.forever:
        last = expected_starts(example)[-1][0]
        return first, dt.datetime.combine(last.date() + dt.timedelta(days=1), dt.time(), NY)
    return first - dt.timedelta(days=1), first + dt.timedelta(days=366 * 20)


def ids(examples: list[Example]) -> list[str]:
    return [example.title for example in examples]


@pytest.mark.parametrize("example", EXAMPLES, ids=ids(EXAMPLES))
def test_rfc_5545_example(example: Example):
    rule = rec.parse_recurrence(
        list(example.lines), dtstart(example), time_zone="America/New_York", all_day=False
    )
    assert rule.bounded is not example.forever
    found = rec.expand(rule, *window(example), HOUR)
    assert [(occurrence.start, occurrence.start.tzname()) for occurrence in found] == expected_starts(example)


@pytest.mark.parametrize("example", EXAMPLES, ids=ids(EXAMPLES))
def test_rfc_5545_example_against_dateutil(example: Example):
    """python-dateutil's own expansion of the same lines gives the same instants."""
    rules = rruleset()
    for line in example.lines:
        name, _, value = line.partition(":")
        if name == "RRULE":
            rules.rrule(rrulestr(value, dtstart=dtstart(example)))
        else:
            rules.exdate(dt.datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=NY))
    rules.rdate(dtstart(example))  # RFC 5545: DTSTART is the first instance
    start, end = window(example)
    reference = rules.between(start - HOUR, end)  # starts overlapping [start, end) for one hour
    rule = rec.parse_recurrence(
        list(example.lines), dtstart(example), time_zone="America/New_York", all_day=False
    )
    assert [occurrence.start for occurrence in rec.expand(rule, start, end, HOUR)] == reference


@pytest.mark.parametrize("example", EXAMPLES, ids=ids(EXAMPLES))
def test_rfc_5545_example_against_recurring_ical_events(example: Example):
    """recurring-ical-events expanding a VEVENT built from the same lines gives the same instants."""
    calendar = icalendar.Calendar.from_ical(
        "\r\n".join(
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//scheduler-app//tests//EN",
                "BEGIN:VEVENT",
                "UID:rfc-example",
                f"DTSTART;TZID=America/New_York:{example.dtstart}",
                f"DTEND;TZID=America/New_York:{example.dtstart[:9]}100000",
                *example.lines,
                "END:VEVENT",
                "END:VCALENDAR",
                "",
            ]
        )
    )
    start, end = window(example)
    reference = sorted(
        event["DTSTART"].dt for event in recurring_ical_events.of(calendar).between(start, end)
    )
    rule = rec.parse_recurrence(
        list(example.lines), dtstart(example), time_zone="America/New_York", all_day=False
    )
    assert [occurrence.start for occurrence in rec.expand(rule, start, end, HOUR)] == reference


@pytest.mark.parametrize("line", REFUSED.values(), ids=REFUSED.keys())
def test_rfc_5545_sub_daily_examples_are_refused(line: str):
    with pytest.raises(InvalidInputError) as caught:
        rec.parse_recurrence(
            [line], dt.datetime(1997, 9, 2, 9, tzinfo=NY), time_zone="America/New_York", all_day=False
        )
    assert caught.value.errors[0].field == "recurrence[0]"
    assert "not supported" in caught.value.errors[0].message
