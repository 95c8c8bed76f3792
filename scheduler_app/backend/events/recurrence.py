"""Recurring events (RFC 5545): validate recurrence lines, expand a series over a window, split it.

A series is one master: its first start (DTSTART), an IANA zone and `RRULE` / `RDATE` / `EXDATE`
lines as in Google Calendar's API. Rules are expanded by python-dateutil's `rrule` on the series'
wall clock in its own zone (so 09:00 stays 09:00 across daylight-saving changes); local times that
do not exist or occur twice resolve as RFC 5545 says: the offset before the gap, the first occurrence.
Everything here is pure: no I/O, no clock. See docs/decisions/0005-recurrence.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from dateutil import rrule as du
from icalendar.parser import Contentline

from scheduler_app.backend.errors import FieldProblem, InvalidInputError
from scheduler_app.backend.events import timing

MAX_COUNT = 1_000
"""Largest COUNT: a counted series is walked from its start, so COUNT bounds that work."""
MAX_OCCURRENCES = 5_000
"""Most occurrences one `expand` call returns; beyond it raises `TooManyOccurrencesError`."""
MAX_DATES = 1_000
"""Most RDATE values, and most EXDATE values, per series."""
MAX_LINES = 100
MAX_LINE_LENGTH = 20_000
MAX_INTERVAL = 1_000
MAX_GAP_YEARS = 10
"""A rule must repeat within this many years of its start (catches rules that never or hardly match)."""

FREQUENCIES = {"DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY, "YEARLY": du.YEARLY}
_REFUSED_FREQUENCIES = ("HOURLY", "MINUTELY", "SECONDLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Canonical order of RRULE parts; COUNT and UNTIL are rendered from typed values.
_PART_ORDER = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY")
_PART_ORDER += ("BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS", "WKST")
_TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
# Which BYxxx parts each frequency takes (RFC 5545 section 3.3.10, the table of BYxxx and FREQ).
_ALLOWED_PARTS = {
    "DAILY": {"BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", *_TIME_PARTS},
    "WEEKLY": {"BYMONTH", "BYDAY", "BYSETPOS", *_TIME_PARTS},
    "MONTHLY": {"BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", *_TIME_PARTS},
    "YEARLY": {"BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "BYSETPOS", *_TIME_PARTS},
}
_INTEGER_PARTS = {  # name: (lowest absolute value, highest absolute value, negatives allowed)
    "BYMONTH": (1, 12, False),
    "BYWEEKNO": (1, 53, True),
    "BYYEARDAY": (1, 366, True),
    "BYMONTHDAY": (1, 31, True),
    "BYSETPOS": (1, 366, True),
    "BYHOUR": (0, 23, False),
    "BYMINUTE": (0, 59, False),
    "BYSECOND": (0, 59, False),
}
_UNSUPPORTED_PARTS = {
    "RSCALE": "only the Gregorian calendar is supported",
    "SKIP": "only the Gregorian calendar is supported",
}
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_TIME = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$")
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_INTEGER = re.compile(r"^[+-]?\d{1,4}$")
_RECURRENCE_ID = re.compile(r"^\d{8}(T\d{6}Z)?$")
_UTC = dt.UTC
_LATEST_WALL = dt.datetime(9999, 12, 31, 23, 59, 59)
_EARLIEST_WALL = dt.datetime(1, 1, 3)
# The Gregorian calendar repeats exactly every 400 years (146,097 days, a whole number of weeks),
# so a rule expanded 400*k years later gives the same dates 400*k years later.
_CYCLE_YEARS = 400
# Wall clocks and UTC differ by at most ~26 hours (and a zone may skip a whole day): walk a little wider.
_SLACK = dt.timedelta(days=2)
# All-day dates are floating; these match `timing.all_day`'s padding of stored instants.
_ALL_DAY_BEFORE = dt.timedelta(hours=14)
_ALL_DAY_AFTER = dt.timedelta(hours=12)

Start = dt.datetime | dt.date
"""An occurrence start: an aware datetime (timed series) or a date (all-day series)."""


class TooManyOccurrencesError(InvalidInputError):
    """A window holds more than `MAX_OCCURRENCES` occurrences of one series."""

    def __init__(self, count: int):
        super().__init__(
            "The range holds too many occurrences of a recurring event.",
            [FieldProblem("end", f"More than {count:,} occurrences of one series; ask for a shorter range.")],
        )


@dataclass(frozen=True)
class RecurrenceRule:
    """A validated series: its start, zone and canonical lines, ready to expand.

    `start` is the first occurrence (DTSTART): an aware datetime in the series' zone, or a date for
    all-day series. `until` is an aware UTC datetime (timed) or a date (all-day). `rdates` and
    `exdates` hold UTC instants (timed) or dates (all-day), sorted.
    """

    start: Start
    time_zone: str
    all_day: bool
    lines: tuple[str, ...]
    rrule: str | None
    count: int | None
    until: Start | None
    rdates: tuple[Start, ...]
    exdates: tuple[Start, ...]
    _core: _Core = field(repr=False, compare=False)

    @property
    def bounded(self) -> bool:
        """True when the series ends (COUNT, UNTIL, or no RRULE at all)."""
        return self.rrule is None or self.count is not None or self.until is not None


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence of a series: `start`/`end` aware in the series' zone, or dates (end exclusive)."""

    start: Start
    end: Start
    recurrence_id: str
    time_zone: str

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    def event_timing(self) -> timing.EventTiming:
        """This occurrence as the `EventTiming` a stored single event would have (instants, dates)."""
        if isinstance(self.start, dt.datetime):
            assert isinstance(self.end, dt.datetime)
            return timing.timed(self.start.astimezone(_UTC), self.end.astimezone(_UTC), self.time_zone)
        assert not isinstance(self.end, dt.datetime)
        return timing.all_day(self.start, self.end, self.time_zone)


# --- recurrence ids --------------------------------------------------------------------------------


def format_recurrence_id(start: Start) -> str:
    """The canonical id of an occurrence's original start: `20260302T080000Z` (UTC) or `20260302`."""
    if isinstance(start, dt.datetime):
        if start.tzinfo is None:
            raise ValueError("recurrence ids need an aware datetime")
        return start.astimezone(_UTC).strftime("%Y%m%dT%H%M%SZ")
    return start.strftime("%Y%m%d")


def parse_recurrence_id(value: str, *, all_day: bool | None = None, field: str = "recurrence_id") -> Start:
    """Parse `format_recurrence_id`'s output: an aware UTC datetime or a date; 422 on anything else."""
    kind = "a date like 20260302" if all_day else "a UTC time like 20260302T080000Z"
    if all_day is None:
        kind = "20260302T080000Z (UTC) or 20260302 (all-day)"
    if not isinstance(value, str) or not _RECURRENCE_ID.match(value) or all_day is (len(value) != 8):
        raise InvalidInputError("Malformed recurrence id.", [FieldProblem(field, f"Expected {kind}.")])
    try:
        if len(value) == 8:
            return dt.datetime.strptime(value, "%Y%m%d").date()
        return dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=_UTC)
    except ValueError:
        raise InvalidInputError(
            "Malformed recurrence id.", [FieldProblem(field, f"Expected {kind}.")]
        ) from None


def occurrence_id(master_id: str, recurrence_id: str) -> str:
    """The id of one occurrence, as Google Calendar forms it: `<master id>_<recurrence id>`."""
    return f"{master_id}_{recurrence_id}"


def split_occurrence_id(value: str) -> tuple[str, str] | None:
    """`(master id, recurrence id)` when `value` looks like an occurrence id, else None."""
    master_id, sep, recurrence_id = value.rpartition("_")
    if not sep or not master_id or not _RECURRENCE_ID.match(recurrence_id):
        return None
    try:
        parse_recurrence_id(recurrence_id)
    except InvalidInputError:
        return None
    return master_id, recurrence_id


# --- parsing ---------------------------------------------------------------------------------------


def parse_recurrence(
    lines: Sequence[str], start: Start, *, time_zone: str, all_day: bool, field: str = "recurrence"
) -> RecurrenceRule:
    """Validate recurrence lines for a series starting at `start`; 422 naming `recurrence[i]` if bad.

    `start` is an aware datetime (read in `time_zone`; one already in that zone keeps its wall clock)
    or, for all-day series, a date. Results are cached: parsing the same series again is cheap.
    """
    if isinstance(lines, str) or not isinstance(lines, Sequence):
        raise InvalidInputError("Malformed recurrence.", [FieldProblem(field, "Expected a list of lines.")])
    if len(lines) > MAX_LINES:
        raise InvalidInputError(
            "Too many recurrence lines.", [FieldProblem(field, f"Use at most {MAX_LINES} lines.")]
        )
    zone = timing.parse_zone(time_zone, "time_zone")
    if all_day:
        if isinstance(start, dt.datetime) or not isinstance(start, dt.date):
            raise TypeError("an all-day series starts on a date")
        wall, instant = dt.datetime.combine(start, dt.time()), None
    else:
        if not isinstance(start, dt.datetime) or start.tzinfo is None:
            raise TypeError("a timed series starts at an aware datetime")
        local = start.astimezone(zone)
        wall, instant = local.replace(tzinfo=None, fold=0), local.astimezone(_UTC)
        if start.microsecond:
            raise InvalidInputError(
                "Recurring events start on a whole second.",
                [FieldProblem("start", "A recurring event cannot start at a fraction of a second.")],
            )
    for index, line in enumerate(lines):
        if not isinstance(line, str):
            raise InvalidInputError(
                "Malformed recurrence line.", [FieldProblem(f"{field}[{index}]", "Expected a string.")]
            )
    return _parse_cached(tuple(lines), wall, instant, zone.key, all_day, field)


@functools.lru_cache(maxsize=4_096)
def _parse_cached(
    lines: tuple[str, ...],
    wall: dt.datetime,
    instant: dt.datetime | None,
    time_zone: str,
    all_day: bool,
    field: str,
) -> RecurrenceRule:
    zone = zoneinfo.ZoneInfo(time_zone)
    rule_parts: dict[str, str] | None = None
    rule_field = field
    count: int | None = None
    until: Start | None = None
    rdates: set[Start] = set()
    exdates: set[Start] = set()
    rdate_lines: dict[Start, str] = {}
    for index, line in enumerate(lines):
        where = f"{field}[{index}]"
        name, params, value = _split_line(line, where)
        if name == "RRULE":
            if rule_parts is not None:
                raise _problem("Only one RRULE per event.", where, "An event takes at most one RRULE line.")
            if params:
                raise _problem("Malformed RRULE.", where, "RRULE takes no parameters (write RRULE:FREQ=…).")
            rule_parts, count, until = _parse_rrule(value, where, zone, all_day)
            rule_field = where
        elif name in ("RDATE", "EXDATE"):
            target = rdates if name == "RDATE" else exdates
            values = _parse_dates(name, params, value, where, zone, all_day)
            target.update(values)
            if name == "RDATE":
                rdate_lines.update(dict.fromkeys(values, where))
            if len(target) > MAX_DATES:
                raise _problem(f"Too many {name} values.", where, f"Use at most {MAX_DATES} {name} values.")
        elif name == "EXRULE":
            raise _problem("EXRULE is not supported.", where, "EXRULE is deprecated by RFC 5545; use EXDATE.")
        else:
            raise _problem(
                "Unknown recurrence line.", where, f"Expected RRULE:, RDATE: or EXDATE:, not {name}:."
            )
    first: Start = wall.date() if all_day else instant  # type: ignore[assignment]
    if until is not None and until < first:  # type: ignore[operator]
        raise _problem(
            "The recurrence ends before it starts.", rule_field, "UNTIL is before the event's start."
        )
    for value in sorted(rdates):  # type: ignore[type-var]
        if value < first:  # type: ignore[operator]
            raise _problem(
                "An added date is before the series starts.",
                rdate_lines[value],
                "RDATE values must not be before the event's start (the start is the first occurrence).",
            )
    core = _Core(
        zone=zone,
        all_day=all_day,
        wall=wall,
        instant=instant,
        parts=rule_parts,
        count=count,
        until=until,
        exdates=frozenset(exdates),
    )
    core.check_repeats(rule_field)
    return RecurrenceRule(
        start=wall.date() if all_day else instant.astimezone(zone),  # type: ignore[union-attr]
        time_zone=time_zone,
        all_day=all_day,
        lines=tuple(_render(core, rule_parts, count, until, sorted(rdates), sorted(exdates))),  # type: ignore[type-var]
        rrule=_render_rrule(rule_parts, count, until) if rule_parts else None,
        count=count,
        until=until,
        rdates=tuple(sorted(rdates)),  # type: ignore[type-var]
        exdates=tuple(sorted(exdates)),  # type: ignore[type-var]
        _core=core,
    )


def _problem(detail: str, where: str, message: str) -> InvalidInputError:
    return InvalidInputError(detail, [FieldProblem(where, message)])


def _split_line(line: str, where: str) -> tuple[str, dict[str, str], str]:
    """Name, parameters and value of one content line, via icalendar's RFC 5545 line parser."""
    text = line.strip()
    if not text or len(text) > MAX_LINE_LENGTH or any(char in text for char in "\r\n"):
        raise _problem("Malformed recurrence line.", where, "Expected one line like RRULE:FREQ=WEEKLY.")
    try:
        name, parameters, value = Contentline(text).parts()
    except (ValueError, AssertionError):
        raise _problem(
            "Malformed recurrence line.", where, f"{text[:80]!r} is not a line like RRULE:FREQ=WEEKLY."
        ) from None
    params: dict[str, str] = {}
    for key, param in parameters.items():
        if not isinstance(param, str):
            raise _problem("Malformed recurrence line.", where, f"Parameter {key} takes one value.")
        params[key.upper()] = param
    return name.upper(), params, value.strip()


def _parse_rrule(
    value: str, where: str, zone: zoneinfo.ZoneInfo, all_day: bool
) -> tuple[dict[str, str], int | None, Start | None]:
    """Canonical RRULE parts (without COUNT and UNTIL), COUNT, and UNTIL (UTC instant or date)."""
    raw: dict[str, str] = {}
    for item in value.split(";"):
        if not item.strip():
            continue
        key, sep, text = item.partition("=")
        key, text = key.strip().upper(), text.strip().upper()
        if not sep or not key or not text:
            raise _problem("Invalid RRULE.", where, f"{item!r} is not NAME=VALUE.")
        if key in raw:
            raise _problem("Invalid RRULE.", where, f"{key} appears twice.")
        raw[key] = text
    frequency = raw.get("FREQ")
    if frequency is None:
        raise _problem("Invalid RRULE.", where, "FREQ is required, e.g. RRULE:FREQ=WEEKLY.")
    if frequency in _REFUSED_FREQUENCIES:
        raise _problem(
            "Events cannot repeat more often than daily.",
            where,
            f"FREQ={frequency} is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY.",
        )
    if frequency not in FREQUENCIES:
        raise _problem("Invalid RRULE.", where, f"FREQ={frequency} is not DAILY, WEEKLY, MONTHLY or YEARLY.")
    parts = {"FREQ": frequency}
    count: int | None = None
    until: Start | None = None
    for key, text in raw.items():
        if key in _UNSUPPORTED_PARTS:
            raise _problem(
                "Unsupported RRULE part.", where, f"{key} is not supported: {_UNSUPPORTED_PARTS[key]}."
            )
        if key == "FREQ":
            continue
        if key == "INTERVAL":
            parts[key] = str(_bounded_int(text, 1, MAX_INTERVAL, where, key))
        elif key == "COUNT":
            count = _bounded_int(text, 1, MAX_COUNT, where, key, "use UNTIL or no end for longer series")
        elif key == "UNTIL":
            until = _parse_until(text, where, zone, all_day)
        elif key == "WKST":
            if text not in WEEKDAYS:
                raise _problem("Invalid RRULE.", where, f"WKST={text} is not a weekday such as MO.")
            parts[key] = text
        elif key in _INTEGER_PARTS:
            if key not in _ALLOWED_PARTS[frequency]:
                raise _problem("Invalid RRULE.", where, f"{key} cannot be used with FREQ={frequency}.")
            if key in _TIME_PARTS and "," in text:
                raise _problem(
                    "Events cannot repeat more often than daily.",
                    where,
                    f"{key} with several values is not supported: an event has one time of day.",
                )
            parts[key] = _integer_list(key, text, where)
        elif key == "BYDAY":
            parts[key] = _byday_list(text, frequency, "BYWEEKNO" in raw, where)
        else:
            raise _problem("Invalid RRULE.", where, f"Unknown RRULE part {key}.")
    if count is not None and until is not None:
        raise _problem("Invalid RRULE.", where, "Use COUNT or UNTIL, not both.")
    if "BYSETPOS" in parts and not any(key.startswith("BY") and key != "BYSETPOS" for key in parts):
        raise _problem("Invalid RRULE.", where, "BYSETPOS needs another BYxxx part to select from.")
    if parts.get("INTERVAL") == "1":
        del parts["INTERVAL"]
    if parts.get("WKST") == "MO":
        del parts["WKST"]
    return parts, count, until


def _bounded_int(text: str, low: int, high: int, where: str, key: str, hint: str = "") -> int:
    if not _INTEGER.match(text) or not low <= int(text) <= high:
        suffix = f"; {hint}" if hint else ""
        raise _problem(
            "Invalid RRULE.", where, f"{key} must be a whole number from {low} to {high:,}{suffix}."
        )
    return int(text)


def _integer_list(key: str, text: str, where: str) -> str:
    low, high, negatives = _INTEGER_PARTS[key]
    values: set[int] = set()
    for item in text.split(","):
        if not _INTEGER.match(item) or not low <= abs(int(item)) <= high or (int(item) < 0 and not negatives):
            span = f"{low} to {high}" + (f" or -{high} to -{low}" if negatives else "")
            raise _problem("Invalid RRULE.", where, f"{key} values must be {span}, not {item!r}.")
        values.add(int(item))
    return ",".join(str(value) for value in sorted(values))


def _byday_list(text: str, frequency: str, has_weekno: bool, where: str) -> str:
    values: list[tuple[int, int]] = []
    for item in text.split(","):
        match = _BYDAY.match(item)
        if not match:
            raise _problem("Invalid RRULE.", where, f"BYDAY value {item!r} is not like MO, 2TU or -1FR.")
        ordinal = int(match.group(1)) if match.group(1) else 0
        if ordinal:
            if frequency not in ("MONTHLY", "YEARLY") or has_weekno:
                raise _problem(
                    "Invalid RRULE.",
                    where,
                    f"BYDAY={item}: numbered weekdays need FREQ=MONTHLY or FREQ=YEARLY (without BYWEEKNO).",
                )
            limit = 5 if frequency == "MONTHLY" else 53
            if not 1 <= abs(ordinal) <= limit:
                raise _problem(
                    "Invalid RRULE.",
                    where,
                    f"BYDAY={item}: the number must be 1 to {limit} or -{limit} to -1.",
                )
        value = (ordinal, WEEKDAYS.index(match.group(2)))
        if value not in values:
            values.append(value)
    if len({ordinal == 0 for ordinal, _ in values}) > 1:
        # dateutil would require both (a day that is e.g. a Friday *and* the first Monday): refuse.
        raise _problem("Invalid RRULE.", where, "BYDAY cannot mix numbered (2TU) and plain (FR) weekdays.")
    return ",".join(f"{ordinal or ''}{WEEKDAYS[day]}" for ordinal, day in sorted(values, key=_byday_order))


def _byday_order(value: tuple[int, int]) -> tuple[int, int]:
    ordinal, day = value
    return (ordinal if ordinal > 0 else 100 - ordinal if ordinal else 0), day


def _parse_until(text: str, where: str, zone: zoneinfo.ZoneInfo, all_day: bool) -> Start:
    """UNTIL as a UTC instant (timed) or a date (all-day).

    Timed series also take a floating local time (read in the event's zone) and a date (through the end
    of that day there); all-day series take the date part of a date-time, as recurring-ical-events does.
    """
    parsed = _parse_value(text)
    if parsed is None:
        raise _problem("Invalid RRULE.", where, f"UNTIL={text} is not like 20261231 or 20261231T235959Z.")
    value, is_utc = parsed
    if all_day:
        return value.date() if isinstance(value, dt.datetime) else value
    if not isinstance(value, dt.datetime):
        next_day = dt.datetime.combine(value, dt.time()) + dt.timedelta(days=1)
        return _instant(next_day, zone) - dt.timedelta(seconds=1)
    return value.replace(tzinfo=_UTC) if is_utc else _instant(value, zone)


def _parse_value(text: str) -> tuple[dt.datetime | dt.date, bool] | None:
    """A DATE or DATE-TIME value and whether it was UTC (trailing Z); None if malformed."""
    try:
        if match := _DATE.match(text):
            return dt.date(*(int(group) for group in match.groups())), False
        if match := _DATE_TIME.match(text):
            *numbers, utc = match.groups()
            return dt.datetime(*(int(number) for number in numbers)), bool(utc)
    except ValueError:
        return None
    return None


def _parse_dates(
    name: str, params: dict[str, str], value: str, where: str, zone: zoneinfo.ZoneInfo, all_day: bool
) -> list[Start]:
    """RDATE / EXDATE values as UTC instants (timed series) or dates (all-day series)."""
    unknown = set(params) - {"TZID", "VALUE"}
    if unknown:
        raise _problem(f"Malformed {name}.", where, f"Unsupported parameter {sorted(unknown)[0]}.")
    kind = params.get("VALUE", "").upper()
    if kind == "PERIOD":
        raise _problem(f"Unsupported {name}.", where, "VALUE=PERIOD is not supported; give start times.")
    if kind not in ("", "DATE", "DATE-TIME"):
        raise _problem(f"Malformed {name}.", where, f"VALUE={kind} must be DATE or DATE-TIME.")
    value_zone = zone
    if "TZID" in params:
        if all_day:
            raise _problem(
                f"Malformed {name}.", where, f"All-day events take dates: {name};VALUE=DATE:20260302."
            )
        value_zone = timing.parse_zone(params["TZID"], where)
    results: list[Start] = []
    for text in value.split(","):
        parsed = _parse_value(text.strip().upper())
        if parsed is None:
            raise _problem(f"Malformed {name}.", where, f"{text!r} is not like 20260302T090000 or 20260302.")
        moment, is_utc = parsed
        is_date = not isinstance(moment, dt.datetime)
        if (kind and is_date != (kind == "DATE")) or (is_utc and "TZID" in params):
            raise _problem(f"Malformed {name}.", where, f"{text!r} does not match its VALUE or TZID.")
        if all_day != is_date:
            example = f"{name};VALUE=DATE:20260302" if all_day else f"{name};TZID={zone.key}:20260302T090000"
            kind_name = "dates" if all_day else "date-times"
            raise _problem(f"Malformed {name}.", where, f"This event takes {kind_name}, like {example}.")
        if isinstance(moment, dt.datetime):
            results.append(moment.replace(tzinfo=_UTC) if is_utc else _instant(moment, value_zone))
        else:
            results.append(moment)
    return results


def _instant(wall: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The UTC instant of a local wall time, RFC 5545 style: in a gap the offset before it, else the first."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(_UTC)


# --- rendering -------------------------------------------------------------------------------------


def _render_rrule(parts: dict[str, str], count: int | None, until: Start | None) -> str:
    values = dict(parts)
    if count is not None:
        values["COUNT"] = str(count)
    if until is not None:
        values["UNTIL"] = _format_until(until)
    return ";".join(f"{key}={values[key]}" for key in _PART_ORDER if key in values)


def _format_until(until: Start) -> str:
    if isinstance(until, dt.datetime):
        return until.astimezone(_UTC).strftime("%Y%m%dT%H%M%SZ")
    return until.strftime("%Y%m%d")


def _render(
    core: _Core,
    parts: dict[str, str] | None,
    count: int | None,
    until: Start | None,
    rdates: Sequence[Start],
    exdates: Sequence[Start],
) -> list[str]:
    lines = [f"RRULE:{_render_rrule(parts, count, until)}"] if parts else []
    for name, values in (("RDATE", rdates), ("EXDATE", exdates)):
        lines.extend(_date_lines(name, sorted(values), core.zone))  # type: ignore[type-var]
    return lines


def _date_lines(name: str, values: Sequence[Start], zone: zoneinfo.ZoneInfo) -> list[str]:
    """One line of local times with the series' TZID, plus one UTC line for times TZID cannot say."""
    if not values:
        return []
    if not isinstance(values[0], dt.datetime):
        return [f"{name};VALUE=DATE:" + ",".join(value.strftime("%Y%m%d") for value in values)]
    local: list[str] = []
    utc: list[str] = []
    for value in values:
        wall = value.astimezone(zone).replace(tzinfo=None)
        if _instant(wall, zone) == value:
            local.append(wall.strftime("%Y%m%dT%H%M%S"))
        else:  # the second of two equal wall times (clocks went back): only UTC names it
            utc.append(value.astimezone(_UTC).strftime("%Y%m%dT%H%M%SZ"))
    lines = [f"{name};TZID={zone.key}:" + ",".join(local)] if local else []
    return lines + ([f"{name}:" + ",".join(utc)] if utc else [])


# --- the engine ------------------------------------------------------------------------------------


class _Core:
    """The expansion engine of one series: dateutil rrule on naive wall-clock times in the zone."""

    def __init__(
        self,
        *,
        zone: zoneinfo.ZoneInfo,
        all_day: bool,
        wall: dt.datetime,
        instant: dt.datetime | None,
        parts: dict[str, str] | None,
        count: int | None,
        until: Start | None,
        exdates: frozenset[Start],
    ):
        self.zone = zone
        self.all_day = all_day
        self.wall = wall
        self.instant = instant
        self.parts = parts
        self.count = count
        self.until = until
        self.exdates = exdates
        self.freq: int | None = None
        self.interval = 1
        self.wkst = 0
        self.kwargs: dict[str, Any] = {}
        self.synced = True
        self._count_end: dt.datetime | None = None
        self._count_end_known = False
        if parts:
            self._prepare(parts)

    def _prepare(self, parts: dict[str, str]) -> None:
        self.freq = FREQUENCIES[parts["FREQ"]]
        self.interval = int(parts.get("INTERVAL", "1"))
        self.wkst = WEEKDAYS.index(parts.get("WKST", "MO"))
        kwargs: dict[str, Any] = {}
        names = {"BYMONTH": "bymonth", "BYWEEKNO": "byweekno", "BYYEARDAY": "byyearday"}
        names |= {"BYMONTHDAY": "bymonthday", "BYSETPOS": "bysetpos"}
        names |= {"BYHOUR": "byhour", "BYMINUTE": "byminute", "BYSECOND": "bysecond"}
        for key, name in names.items():
            if key in parts:
                kwargs[name] = tuple(int(item) for item in parts[key].split(","))
        if "BYDAY" in parts:
            days = []
            for item in parts["BYDAY"].split(","):
                match = _BYDAY.match(item)
                assert match is not None
                weekday = du.weekday(WEEKDAYS.index(match.group(2)))
                days.append(weekday(int(match.group(1))) if match.group(1) else weekday)
            kwargs["byweekday"] = tuple(days)
        # dateutil fills missing BYxxx parts from DTSTART; do it here once, from the series' own start,
        # so expansion may begin at a later period without changing the rule.
        if not {"byweekno", "byyearday", "bymonthday", "byweekday"} & kwargs.keys():
            if self.freq == du.YEARLY:
                kwargs.setdefault("bymonth", (self.wall.month,))
                kwargs["bymonthday"] = (self.wall.day,)
            elif self.freq == du.MONTHLY:
                kwargs["bymonthday"] = (self.wall.day,)
            elif self.freq == du.WEEKLY:
                kwargs["byweekday"] = (du.weekday(self.wall.weekday()),)
        # The time of day too (BYHOUR... or DTSTART's), so a walk may start at any midnight.
        kwargs.setdefault("byhour", (self.wall.hour,))
        kwargs.setdefault("byminute", (self.wall.minute,))
        kwargs.setdefault("bysecond", (self.wall.second,))
        self.kwargs = kwargs

    def time_of_day(self) -> dt.time:
        """The wall-clock time of the rule's instances."""
        return dt.time(self.kwargs["byhour"][0], self.kwargs["byminute"][0], self.kwargs["bysecond"][0])

    # -- keys: what identifies an occurrence (UTC instant, or date) --

    def key(self, wall: dt.datetime) -> Start:
        if self.all_day:
            return wall.date()
        if wall == self.wall:
            assert self.instant is not None
            return self.instant  # DTSTART as given (it may be the second of two equal wall times)
        return _instant(wall, self.zone)

    def first_key(self) -> Start:
        return self.wall.date() if self.all_day else self.instant  # type: ignore[return-value]

    def wall_of(self, key: Start) -> dt.datetime:
        if isinstance(key, dt.datetime):
            return key.astimezone(self.zone).replace(tzinfo=None, fold=0)
        return dt.datetime.combine(key, dt.time())

    # -- walking the rule --

    def rule_walls(self, low: dt.datetime, high: dt.datetime) -> Iterator[dt.datetime]:
        """Wall times of rule instances (COUNT/UNTIL applied, DTSTART not added) in [low, high]."""
        if self.freq is None:
            return
        if self.count is not None:
            end = self.count_end()
            if end is None:
                return
            high = min(high, end)
        elif isinstance(self.until, dt.datetime):
            high = min(high, self.wall_of(self.until) + _SLACK)
        elif self.until is not None:
            high = min(high, dt.datetime.combine(self.until, self.wall.time()))
        low = max(low, self.wall)
        if high < low:
            return
        for wall in self._dateutil(self._skip_point(low), high):
            if wall < low:
                continue
            if isinstance(self.until, dt.datetime) and self.key(wall) > self.until:  # type: ignore[operator]
                return
            yield wall

    def _dateutil(self, anchor: dt.datetime, high: dt.datetime) -> Iterator[dt.datetime]:
        """dateutil's instances from `anchor` through `high`, computed 400*k years later and shifted back.

        dateutil stops at UNTIL only when it produces a later instance: a rule with no further instance
        runs on to year 9999 (4 s for a daily rule). Doing the work 400*k years later, as close to 9999
        as such an exact shift allows, bounds that scan to under 400 years.
        """
        years = (_LATEST_WALL.year - high.year - 1) // _CYCLE_YEARS * _CYCLE_YEARS
        years = max(years, 0)
        rule = du.rrule(
            self.freq,  # type: ignore[arg-type]
            dtstart=_add_years(anchor, years),
            interval=self.interval,
            wkst=self.wkst,
            until=_add_years(high, years),
            cache=False,
            **self.kwargs,
        )
        for wall in rule:
            yield _add_years(wall, -years)

    def _skip_point(self, low: dt.datetime) -> dt.datetime:
        """Where dateutil starts walking: DTSTART, or the midnight starting a later period at or before
        `low`, in phase with INTERVAL.

        Weekly rules always start at the week's first day (WKST), so BYSETPOS sees whole weeks as
        RFC 5545 defines them (dateutil alone would cut DTSTART's week short).
        """
        start = self.wall
        interval = self.interval
        if self.freq == du.WEEKLY:
            week_start = start.date() - dt.timedelta(days=(start.weekday() - self.wkst) % 7)
            periods = max((low.date() - week_start).days // 7 // interval, 0)
            return dt.datetime.combine(week_start + dt.timedelta(weeks=periods * interval), dt.time())
        if self.freq == du.DAILY:
            periods = (low.date() - start.date()).days // interval - 1
            if periods < 1:
                return start
            return dt.datetime.combine(start.date() + dt.timedelta(days=periods * interval), dt.time())
        if self.freq == du.MONTHLY:
            periods = ((low.year - start.year) * 12 + low.month - start.month) // interval - 1
            if periods < 1:
                return start
            year, month = divmod(start.month - 1 + periods * interval, 12)
            return dt.datetime(start.year + year, month + 1, 1)
        periods = (low.year - start.year) // interval - 1
        if periods < 1:
            return start
        return dt.datetime(start.year + periods * interval, 1, 1)

    def count_end(self) -> dt.datetime | None:
        """Wall time of the COUNT-th occurrence's rule instance (None if DTSTART is the only one)."""
        if not self._count_end_known:
            assert self.count is not None
            wanted = self.count - (0 if self.synced else 1)
            end: dt.datetime | None = None
            if wanted > 0:
                low = self.wall
                found = 0
                while found < wanted and low <= _LATEST_WALL:
                    # Chunks keep dateutil's search for the next instance bounded (see `_dateutil`).
                    high = _add_years_clamped(low, 20)
                    for wall in self._dateutil(self._skip_point(low), high):
                        if wall < low:
                            continue
                        found += 1
                        end = wall
                        if found == wanted:
                            break
                    if high >= _LATEST_WALL:
                        break
                    low = high + dt.timedelta(seconds=1)
            self._count_end, self._count_end_known = end, True
        return self._count_end

    def check_repeats(self, where: str) -> None:
        """Learn whether DTSTART is an instance; refuse rules that do not repeat within MAX_GAP_YEARS."""
        if self.freq is None:
            return
        horizon = _add_years_clamped(self.wall, MAX_GAP_YEARS)
        instances = (
            wall for wall in self._dateutil(self._skip_point(self.wall), horizon) if wall >= self.wall
        )
        first = next(instances, None)
        self.synced = first == self.wall
        following = next(instances, None) if self.synced else first
        if following is None and horizon < _LATEST_WALL:
            raise _problem(
                "The rule does not repeat.",
                where,
                f"It has no occurrence in the {MAX_GAP_YEARS} years after the start; check BYMONTH, "
                "BYMONTHDAY, BYDAY, BYSETPOS and INTERVAL.",
            )

    # -- occurrences: DTSTART, rule instances and RDATEs, less EXDATEs --

    def keys(self, low: dt.datetime, high: dt.datetime, rdates: Sequence[Start]) -> Iterator[Start]:
        """Occurrence keys whose wall time is in [low, high], ascending, EXDATEs removed."""
        found: set[Start] = set()
        if low <= self.wall <= high:
            found.add(self.first_key())
        for value in rdates:
            if low <= self.wall_of(value) <= high:
                found.add(value)
        ordered = sorted(found)  # type: ignore[type-var]
        index = 0
        last: Start | None = None
        for wall in self.rule_walls(low, high):
            key = self.key(wall)
            while index < len(ordered) and ordered[index] < key:  # type: ignore[operator]
                if ordered[index] not in self.exdates:
                    yield ordered[index]
                index += 1
            if key != last and key not in self.exdates and key not in found:
                yield key
            last = key
        for value in ordered[index:]:
            if value not in self.exdates:
                yield value

    def has_rule_instance(self, key: Start) -> bool:
        wall = self.wall_of(key)
        return key == self.first_key() or any(
            self.key(found) == key for found in self.rule_walls(wall - _SLACK, wall + _SLACK)
        )

    def rule_instances_before(self, key: Start) -> int:
        """How many rule instances (DTSTART counted) come before `key`: COUNT's share before a split."""
        total = 1
        for wall in self.rule_walls(self.wall, self.wall_of(key) + _SLACK):
            if wall != self.wall and self.key(wall) < key:  # type: ignore[operator]
                total += 1
        return total


def _add_years(wall: dt.datetime, years: int) -> dt.datetime:
    return wall.replace(year=wall.year + years) if years else wall


def _add_years_clamped(wall: dt.datetime, years: int) -> dt.datetime:
    if wall.year + years > _LATEST_WALL.year:
        return _LATEST_WALL
    return (
        wall.replace(year=wall.year + years, day=28)
        if (wall.month, wall.day) == (2, 29)
        else _add_years(wall, years)
    )


# --- expansion -------------------------------------------------------------------------------------


def expand(
    rule: RecurrenceRule,
    window_start: dt.datetime,
    window_end: dt.datetime,
    duration: dt.timedelta,
    *,
    viewer_zone: str = "UTC",
    exclude: Collection[str] = (),
) -> list[Occurrence]:
    """Occurrences overlapping [window_start, window_end), by start; EXDATEs and `exclude` ids left out.

    An occurrence overlaps when start < window_end and start + duration > window_start. Timed series
    use exact durations; all-day series (whole-day `duration`) are read as dates in `viewer_zone`, as
    `service._visible_in_window` reads stored all-day events. Raises `TooManyOccurrencesError` beyond
    `MAX_OCCURRENCES`.
    """
    _check_window(window_start, window_end)
    core = rule._core
    if window_end <= window_start:
        return []
    viewer: zoneinfo.ZoneInfo | None = None
    if rule.all_day:
        days = _whole_days(duration)
        viewer = timing.parse_zone(viewer_zone, "viewer_zone")
        first = _shift(dt.datetime.combine(window_start.astimezone(viewer).date(), dt.time()), -days - 1)
        last = _shift(dt.datetime.combine(window_end.astimezone(viewer).date(), dt.time()), 1)
        low, high = first, last
    else:
        if duration <= dt.timedelta(0):
            raise ValueError("duration must be positive")
        low = _shift(core.wall_of(window_start), -duration.days - 3)
        high = _shift(core.wall_of(window_end), 2)
    results: list[Occurrence] = []
    for key in core.keys(low, high, rule.rdates):
        occurrence = _occurrence(rule, key, duration)
        if isinstance(key, dt.datetime):
            if not (key < window_end and key + duration > window_start):
                continue
        else:
            assert viewer is not None and not isinstance(occurrence.end, dt.datetime)
            local_start, local_end = timing.date_range_in_zone(key, occurrence.end, viewer)
            if not (local_start < window_end and local_end > window_start):
                continue
        if occurrence.recurrence_id in exclude:
            continue
        results.append(occurrence)
        if len(results) > MAX_OCCURRENCES:
            raise TooManyOccurrencesError(MAX_OCCURRENCES)
    return results


def _check_window(window_start: dt.datetime, window_end: dt.datetime) -> None:
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise ValueError("the window needs aware datetimes")


def _whole_days(duration: dt.timedelta) -> int:
    if duration.days < 1 or duration != dt.timedelta(days=duration.days):
        raise ValueError("an all-day series lasts a whole, positive number of days")
    return duration.days


def _shift(wall: dt.datetime, days: int) -> dt.datetime:
    """`wall` moved by whole days, kept within the years datetime can hold."""
    try:
        return min(max(wall + dt.timedelta(days=days), _EARLIEST_WALL), _LATEST_WALL)
    except OverflowError:
        return _EARLIEST_WALL if days < 0 else _LATEST_WALL


def _occurrence(rule: RecurrenceRule, key: Start, duration: dt.timedelta) -> Occurrence:
    if isinstance(key, dt.datetime):
        zone = rule._core.zone
        return Occurrence(
            key.astimezone(zone), (key + duration).astimezone(zone), format_recurrence_id(key), rule.time_zone
        )
    return Occurrence(key, key + duration, format_recurrence_id(key), rule.time_zone)


def _key_of(rule: RecurrenceRule, start: Start, field: str) -> Start:
    """An occurrence start given by a caller, as the series' key type (UTC instant or date)."""
    if rule.all_day:
        if isinstance(start, dt.datetime) or not isinstance(start, dt.date):
            raise InvalidInputError(
                "Expected a date.", [FieldProblem(field, "This all-day series takes dates.")]
            )
        return start
    if not isinstance(start, dt.datetime) or start.tzinfo is None:
        raise InvalidInputError(
            "Expected a date-time.",
            [FieldProblem(field, "This series takes times with an offset or in UTC.")],
        )
    return start.astimezone(_UTC)


# --- single occurrences ----------------------------------------------------------------------------


def is_occurrence(rule: RecurrenceRule, start: Start) -> bool:
    """True when `start` (aware datetime or date) is an occurrence's original start, not cancelled."""
    try:
        key = _key_of(rule, start, "start")
    except InvalidInputError:
        return False
    return _is_occurrence_key(rule, key)


def _is_occurrence_key(rule: RecurrenceRule, key: Start) -> bool:
    if key in rule._core.exdates:
        return False
    return key in rule.rdates or rule._core.has_rule_instance(key)


def get_occurrence(
    rule: RecurrenceRule, original_start: Start, duration: dt.timedelta, *, field: str = "recurrence_id"
) -> Occurrence:
    """The occurrence originally starting at `original_start`; 422 naming `field` if there is none."""
    key = _require_occurrence(rule, original_start, field)
    if rule.all_day:
        _whole_days(duration)
    return _occurrence(rule, key, duration)


def _require_occurrence(rule: RecurrenceRule, start: Start, field: str) -> Start:
    key = _key_of(rule, start, field)
    if not _is_occurrence_key(rule, key):
        raise InvalidInputError(
            "No such occurrence.", [FieldProblem(field, "The series has no occurrence starting then.")]
        )
    return key


def with_exdate(rule: RecurrenceRule, occurrence_start: Start, *, field: str = "recurrence_id") -> list[str]:
    """Lines with one occurrence cancelled ("delete this event"): an EXDATE, or its RDATE removed."""
    key = _require_occurrence(rule, occurrence_start, field)
    rdates, exdates = set(rule.rdates), set(rule.exdates)
    if key in rdates and not rule._core.has_rule_instance(key):
        rdates.discard(key)
    else:
        exdates.add(key)
    return _lines(rule, rule.count, rule.until, rdates, exdates)


def has_occurrences(rule: RecurrenceRule) -> bool:
    """False when EXDATEs cancelled every occurrence (the master can then be deleted)."""
    if not rule.bounded:
        return True
    core = rule._core
    return next(core.keys(core.wall, _LATEST_WALL, rule.rdates), None) is not None


def _lines(
    rule: RecurrenceRule,
    count: int | None,
    until: Start | None,
    rdates: Collection[Start],
    exdates: Collection[Start],
    *,
    parts: dict[str, str] | bool | None = True,
) -> list[str]:
    """Canonical lines of `rule` with these COUNT/UNTIL/RDATE/EXDATE; `parts` True keeps its RRULE."""
    core = rule._core
    if parts is True:
        parts = core.parts
    return _render(core, parts or None, count, until, sorted(rdates), sorted(exdates))  # type: ignore[type-var]


# --- this and following ----------------------------------------------------------------------------


def split_at(
    rule: RecurrenceRule, split_start: Start, *, field: str = "recurrence_id"
) -> tuple[list[str] | None, list[str]]:
    """Split for "this and following": lines of the series before `split_start`, and of the rest.

    The first part ends with UNTIL one second (or one day) before the split, or is None when the split
    is the series' first occurrence. The second part starts at `split_start` (its new DTSTART): it
    keeps the rule, UNTIL, and what remains of COUNT. RDATEs and EXDATEs go to the side they fall on.
    """
    key = _require_occurrence(rule, split_start, field)
    core = rule._core
    if key == core.first_key():
        return None, list(rule.lines)
    before_rdates = [value for value in rule.rdates if value < key]  # type: ignore[operator]
    after_rdates = [value for value in rule.rdates if value > key]  # type: ignore[operator]
    before_exdates = [value for value in rule.exdates if value < key]  # type: ignore[operator]
    after_exdates = [value for value in rule.exdates if value > key]  # type: ignore[operator]
    if not core.has_rule_instance(key):  # an added date (RDATE) that the rule does not produce
        wall = core.wall_of(key)
        if next(core.rule_walls(wall + dt.timedelta(seconds=1), _LATEST_WALL), None) is not None:
            raise InvalidInputError(
                "Cannot split the series at an added date.",
                [
                    FieldProblem(
                        field,
                        "This occurrence was added with RDATE and the rule goes on after it: edit this "
                        "occurrence alone, or all occurrences.",
                    )
                ],
            )
        before = _lines(rule, rule.count, rule.until, before_rdates, before_exdates)
        after = _lines(rule, None, None, after_rdates, after_exdates, parts=False)
        return before, after
    count_after = None
    if rule.count is not None:
        count_after = rule.count - core.rule_instances_before(key)
    until_before: Start
    if isinstance(key, dt.datetime):
        until_before = key - dt.timedelta(seconds=1)
    else:
        until_before = key - dt.timedelta(days=1)
    before = _lines(rule, None, until_before, before_rdates, before_exdates)
    after_parts = dict(core.parts or {})
    rule_time = core.time_of_day()
    if isinstance(key, dt.datetime) and core.wall_of(key).time() != rule_time:
        # The split falls in a DST gap (02:30 happening at 03:30): the new series starts at 03:30, so
        # keep the rule's own time of day explicitly.
        after_parts.update(_time_parts(rule_time))
    after = _lines(rule, count_after, rule.until, after_rdates, after_exdates, parts=after_parts)
    return before, after


def _time_parts(value: dt.time) -> dict[str, str]:
    parts = {"BYHOUR": str(value.hour), "BYMINUTE": str(value.minute)}
    return parts | ({"BYSECOND": str(value.second)} if value.second else {})


# --- moving a whole series -------------------------------------------------------------------------


def rebase(rule: RecurrenceRule, new_start: Start) -> list[str]:
    """Lines for the series moved to start at `new_start` ("all events" got a new date or time).

    RDATE, EXDATE and UNTIL move by the same wall-clock shift, so cancelled occurrences stay cancelled
    and the series keeps its length. Re-key overrides with `rebase_start`.
    """
    rdates = [rebase_start(rule, new_start, value) for value in rule.rdates]
    exdates = [rebase_start(rule, new_start, value) for value in rule.exdates]
    until = rebase_start(rule, new_start, rule.until) if rule.until is not None else None
    core = rule._core
    parts = dict(core.parts or {})
    if set(_TIME_PARTS) & parts.keys() and isinstance(new_start, dt.datetime):
        shift = core.wall_of(new_start.astimezone(_UTC)) - core.wall
        moved = dt.datetime.combine(dt.date(2000, 1, 3), core.time_of_day()) + shift
        for key in _TIME_PARTS:
            parts.pop(key, None)
        parts.update(_time_parts(moved.time()))
    return _lines(rule, rule.count, until, rdates, exdates, parts=parts)


def rebase_start(rule: RecurrenceRule, new_start: Start, start: Start) -> Start:
    """Where the occurrence originally at `start` lands once the series moves to `new_start`."""
    core = rule._core
    if rule.all_day:
        if isinstance(new_start, dt.datetime) or isinstance(start, dt.datetime):
            raise TypeError("an all-day series moves by dates; convert timed/all-day by re-creating it")
        return start + (new_start - core.wall.date())
    if not isinstance(new_start, dt.datetime) or not isinstance(start, dt.datetime):
        raise TypeError("a timed series moves by aware datetimes")
    shift = core.wall_of(new_start.astimezone(_UTC)) - core.wall
    moved = _instant(core.wall_of(start.astimezone(_UTC)) + shift, core.zone)
    return moved.astimezone(core.zone)


# --- indexing --------------------------------------------------------------------------------------


def series_span_utc(rule: RecurrenceRule, duration: dt.timedelta) -> tuple[dt.datetime, dt.datetime | None]:
    """[first start, an upper bound of the last end) in UTC for indexing; end None when unbounded.

    All-day series are padded as `timing.all_day` pads stored all-day events (UTC-12 to UTC+14), so
    an overlap query on this span never misses an occurrence in any viewer's zone.
    """
    core = rule._core
    last: Start = core.first_key()
    if rule.rrule is not None:
        if rule.count is not None:
            end_wall = core.count_end()
            if end_wall is not None:
                last = max(last, core.key(end_wall))  # type: ignore[type-var]
        elif rule.until is not None:
            last = max(last, rule.until)  # type: ignore[type-var]
        else:
            last = None  # type: ignore[assignment]
    if last is not None and rule.rdates:
        last = max(last, rule.rdates[-1])  # type: ignore[type-var]
    if rule.all_day:
        days = _whole_days(duration)
        first_utc = dt.datetime.combine(core.wall.date(), dt.time(), _UTC) - _ALL_DAY_BEFORE
        if last is None:
            return first_utc, None
        last_end = dt.datetime.combine(last + dt.timedelta(days=days), dt.time(), _UTC)  # type: ignore[operator]
        return first_utc, last_end + _ALL_DAY_AFTER
    assert core.instant is not None
    return core.instant, None if last is None else last + duration  # type: ignore[operator]
