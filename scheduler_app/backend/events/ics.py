"""iCalendar (RFC 5545) export and import of events, as pure functions over neutral dataclasses.

No database, no web framework: the service maps its documents to `IcsEvent` and back. Import never
raises for a single bad event; it reports it in `ImportPreview.skipped`. Only whole-file problems
(too big, not iCalendar, broken structure or truncated) raise `InvalidInputError`.
See docs/decisions/0006-ics.md.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import itertools
import re
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from dateutil.rrule import rrulestr
from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration, vRecur, vText, vUri
from icalendar.cal import Component, ComponentFactory
from icalendar.parser import Parameters
from icalendar.parser.content_line import Contentline
from icalendar.parser.ical.component import ComponentIcalParser
from icalendar.prop import vBroken, vUnknown
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from scheduler_app.backend.errors import FieldProblem, InvalidInputError
from scheduler_app.backend.events import timing
from scheduler_app.backend.models import DESCRIPTION_MAX, LOCATION_MAX, TITLE_MAX

MAX_IMPORT_BYTES = 10 * 1024 * 1024
"""Files above this size are refused before parsing."""
MAX_IMPORT_EVENTS = 20_000
"""Files with more VEVENTs (or VTIMEZONEs) than this are refused: parsing costs ~0.5 ms per event."""
MAX_CUSTOM_ZONE_LOOKUPS = 20
"""File-defined zones (VTIMEZONE with a non-IANA TZID) matched per file; later ones count as unknown."""
MAX_NESTING = 6
"""Deepest component nesting accepted (VCALENDAR > VEVENT > VALARM is 3)."""
PRODUCT_ID = "-//Scheduler//Scheduler Calendar//EN"
DEFAULT_REFRESH_INTERVAL = dt.timedelta(hours=1)
UNTITLED = "(No title)"
MAX_UID_LENGTH = 255
"""Longer UIDs are replaced by "sha256-<hex of the UID>" (stable, so re-imports still match)."""
RECURRENCE_NAMES = ("RRULE", "RDATE", "EXDATE")
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")

# Properties whose loss changes when an event happens: a broken one skips the event.
_CRITICAL = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID", "UID")
_SINGLE = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID")
_MIN_INSTANT = dt.datetime(2, 1, 1, tzinfo=dt.UTC)
_MAX_INSTANT = dt.datetime(9998, 12, 31, tzinfo=dt.UTC)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NAME = re.compile(r"^[A-Za-z0-9-]+$")
_PROPERTY_NAME = re.compile(r"([A-Za-z0-9-]+)[;:]")
# What import reads from a VEVENT; other properties (X-ALT-DESC, ATTACH, ...) are dropped unparsed.
_EVENT_PROPERTIES = frozenset(
    (
        "BEGIN", "END", "UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "EXRULE",
        "RECURRENCE-ID", "SUMMARY", "DESCRIPTION", "LOCATION", "STATUS", "SEQUENCE", "CREATED",
        "LAST-MODIFIED", "DTSTAMP", "URL", "CONFERENCE", "X-GOOGLE-CONFERENCE",
        "X-MICROSOFT-SKYPETEAMSMEETINGURL", "ORGANIZER", "ATTENDEE",
    )
)  # fmt: skip
_WEB_SCHEMES = ("https://", "http://", "mailto:")
_COMPONENT_FACTORY = ComponentFactory()
_TYPES = Component.types_factory


# --- public shapes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IcsAttendee:
    """A person on an event: ATTENDEE or ORGANIZER, without the "mailto:"."""

    email: str
    name: str = ""
    partstat: str = "NEEDS-ACTION"
    role: str = "REQ-PARTICIPANT"


@dataclass
class IcsEvent:
    """One VEVENT: a single event, a series master (with `recurrence`), or an override (with `recurrence_id`).

    Timed events have aware `start`/`end` (import gives them in `time_zone`); all-day events have dates
    with an exclusive `end`. `recurrence` holds RFC 5545 lines ("RRULE:...", "EXDATE;TZID=...:...").
    """

    uid: str
    title: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date
    time_zone: str = "UTC"
    description: str = ""
    location: str = ""
    recurrence: list[str] = field(default_factory=list)
    recurrence_id: dt.datetime | dt.date | None = None
    status: str = "CONFIRMED"
    sequence: int = 0
    created: dt.datetime | None = None
    last_modified: dt.datetime | None = None
    url: str = ""
    conference_url: str = ""
    organizer: IcsAttendee | None = None
    attendees: list[IcsAttendee] = field(default_factory=list)
    source_line: int | None = field(default=None, compare=False)

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)


class SkipCode(enum.StrEnum):
    """Why an event was not imported; `SkippedItem.reason` says it in words."""

    MALFORMED = "malformed"
    NO_START = "no_start"
    END_BEFORE_START = "end_before_start"
    ZERO_DURATION = "zero_duration"
    TOO_LONG = "too_long"
    OUT_OF_RANGE = "out_of_range"
    UNKNOWN_TIME_ZONE = "unknown_time_zone"
    INVALID_RECURRENCE = "invalid_recurrence"
    UNSUPPORTED = "unsupported"
    CANCELLED = "cancelled"
    DUPLICATE = "duplicate"
    SERIES_SKIPPED = "series_skipped"


@dataclass(frozen=True)
class SkippedItem:
    """A VEVENT left out of the import, with a readable reason and the line where it begins."""

    uid: str | None
    summary: str
    reason: str
    code: SkipCode
    line: int | None = None
    recurrence_id: dt.datetime | dt.date | None = None


@dataclass(frozen=True)
class IcsWarning:
    """Something imported differently from how the file says it, or ignored."""

    message: str
    uid: str | None = None
    line: int | None = None


@dataclass
class ImportPreview:
    """What an import would create: valid events (masters, singles, overrides) and what was left out."""

    events: list[IcsEvent]
    skipped: list[SkippedItem]
    ignored_components: dict[str, int]
    warnings: list[IcsWarning]
    calendar_name: str | None = None
    calendar_time_zone: str | None = None


RecurrenceValidator = Callable[[list[str], dt.datetime | dt.date, str, bool], list[str]]
"""(lines, start, time_zone, all_day) -> normalized lines; raises InvalidInputError when invalid."""


# --- text and zones --------------------------------------------------------------------------------


def clean_text(value: str, *, single_line: bool = False, limit: int | None = None) -> str:
    """Plain text without control characters or lone surrogates; optionally one line and truncated."""
    value = _LINE_BREAK.sub("\n", value)
    if single_line:
        value = " ".join(value.split())
    value = _CONTROL.sub("", value).strip()
    if limit is not None and len(value) > limit:
        value = value[:limit].rstrip()
    return value


@functools.cache
def _zone_names_lower() -> dict[str, str]:
    return {name.lower(): name for name in timing.available_zones()}


@functools.cache
def _windows_lower() -> dict[str, str]:
    return {name.lower(): olson for name, olson in WINDOWS_TO_OLSON.items()}


@functools.cache
def _cities() -> dict[str, list[str]]:
    """IANA zones by their city in lower case ("new york" -> ["America/New_York"])."""
    result: dict[str, list[str]] = {}
    for name in sorted(timing.available_zones()):
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            result.setdefault(name.rsplit("/", 1)[1].replace("_", " ").lower(), []).append(name)
    return result


def iana_zone_name(tzid: str) -> str | None:
    """The IANA zone a TZID names: IANA itself (any case), a Windows name, or "/vendor/Area/City"."""
    cleaned = tzid.strip().strip('"').strip()
    lower = _zone_names_lower()
    for candidate in (cleaned, cleaned.strip("/")):
        if candidate in timing.available_zones():
            return candidate
        if candidate.lower() in lower:
            return lower[candidate.lower()]
    olson = WINDOWS_TO_OLSON.get(cleaned) or _windows_lower().get(cleaned.lower())
    if olson is not None:
        return lower.get(olson.lower())
    if cleaned.startswith("/") or "://" in cleaned:
        parts = [part for part in cleaned.split("/") if part]
        for first in range(1, len(parts)):
            suffix = "/".join(parts[first:]).lower()
            if suffix in lower:
                return lower[suffix]
    return None


def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _in_zone(wall: dt.datetime, zone: dt.tzinfo, target: zoneinfo.ZoneInfo) -> dt.datetime:
    """A wall-clock time read in `zone` (RFC 5545: gaps use the offset before, repeats the first), in `target`."""
    return wall.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(target)


# --- export ----------------------------------------------------------------------------------------


def export_calendar(
    name: str,
    events: Iterable[IcsEvent],
    *,
    time_zone: str | None = None,
    description: str = "",
    product_id: str = PRODUCT_ID,
    refresh_interval: dt.timedelta | None = DEFAULT_REFRESH_INTERVAL,
    source_url: str | None = None,
    now: dt.datetime | None = None,
    method: str = "PUBLISH",
) -> bytes:
    """A VCALENDAR (CRLF, folded) with a VTIMEZONE for each zone used; also the feed body.

    `method` is PUBLISH for files and feeds, or an iTIP method (REQUEST, CANCEL) for invitations.

    Raises ValueError for events that cannot be written (unknown zone, bad recurrence line).
    """
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("PRODID", product_id)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    title = clean_text(name, single_line=True)
    calendar.add("NAME", vText(title))
    calendar.add("X-WR-CALNAME", vText(title))
    if description:
        calendar.add("X-WR-CALDESC", vText(clean_text(description)))
    if time_zone:
        calendar.add("X-WR-TIMEZONE", vText(_export_zone(time_zone, "(calendar)").key))
    if refresh_interval is not None:
        interval = vDuration(refresh_interval)
        interval.params["VALUE"] = "DURATION"
        calendar.add("REFRESH-INTERVAL", interval, encode=False)
        calendar.add("X-PUBLISHED-TTL", vText(vDuration(refresh_interval).to_ical().decode()))
    if source_url:
        source = vUri(clean_text(source_url, single_line=True))
        source.params["VALUE"] = "URI"
        calendar.add("SOURCE", source, encode=False)

    ordered = _series_order(list(events))
    masters = {event.uid: event for event in ordered if event.recurrence_id is None}
    first_year, last_year = stamp.year, stamp.year + 20
    components: list[Event] = []
    for event in ordered:
        components.append(_export_event(event, masters.get(event.uid), stamp))
        year = event.start.year
        first_year, last_year = min(first_year, year - 1), max(last_year, year + 2)
    for component in components:
        calendar.add_component(component)
    used = sorted(calendar.get_used_tzids() - {"UTC"})
    calendar.subcomponents[0:0] = [
        _vtimezone(tzid, max(first_year, 1), min(last_year, 9999)) for tzid in used
    ]
    return _serialize(calendar)


def _serialize(calendar: Calendar) -> bytes:
    """`calendar.to_ical()`, with short lines spared icalendar's per-character folding loop."""
    out = []
    for line in calendar.content_lines():
        if not line:
            continue
        encoded = line.encode()
        out.append(encoded if len(encoded) < 75 else line.to_ical())
    return b"\r\n".join(out) + b"\r\n"


def _series_order(events: list[IcsEvent]) -> list[IcsEvent]:
    """Events grouped by UID in first-seen order, each master before its overrides."""
    first_seen: dict[str, int] = {}
    for index, event in enumerate(events):
        first_seen.setdefault(event.uid, index)
    return sorted(events, key=lambda event: (first_seen[event.uid], event.recurrence_id is not None))


@functools.lru_cache(maxsize=512)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    return Timezone.from_tzid(tzid, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 1, 1))


def _export_event(event: IcsEvent, master: IcsEvent | None, stamp: dt.datetime) -> Event:
    if not event.uid.strip():
        raise ValueError("An event to export needs a UID.")
    component = Event()
    component.add("UID", vText(clean_text(event.uid, single_line=True)))
    component.add("DTSTAMP", stamp)
    if event.all_day:
        if isinstance(event.end, dt.datetime):
            raise ValueError(f"Event {event.uid!r}: an all-day start needs an all-day end.")
        component.add("DTSTART", event.start)
        component.add("DTEND", event.end)
    else:
        if not isinstance(event.end, dt.datetime):
            raise ValueError(f"Event {event.uid!r}: a timed start needs a timed end.")
        zone = _export_zone(event.time_zone, event.uid)
        start = _aware(event.start, event.uid).astimezone(zone)
        # A series must repeat on its zone's wall clock, so its DTSTART keeps the TZID.
        component.add("DTSTART", start if event.recurrence else _wall_or_utc(start))
        component.add("DTEND", _wall_or_utc(_aware(event.end, event.uid).astimezone(zone)))
    if event.recurrence_id is not None:
        component.add("RECURRENCE-ID", _export_recurrence_id(event, master))
    if event.recurrence and event.recurrence_id is None:
        _add_recurrence(component, event)
    component.add("SUMMARY", vText(clean_text(event.title, single_line=True) or UNTITLED))
    if event.description:
        component.add("DESCRIPTION", vText(clean_text(event.description)))
    if event.location:
        component.add("LOCATION", vText(clean_text(event.location, single_line=True)))
    status = event.status.upper()
    component.add("STATUS", status if status in STATUSES else "CONFIRMED")
    if event.sequence:
        component.add("SEQUENCE", int(event.sequence))
    for name, value in (("CREATED", event.created), ("LAST-MODIFIED", event.last_modified)):
        if value is not None:
            component.add(name, _aware(value, event.uid).astimezone(dt.UTC).replace(microsecond=0))
    if event.url:
        component.add("URL", vUri(clean_text(event.url, single_line=True)))
    if event.conference_url:
        url = clean_text(event.conference_url, single_line=True)
        conference = vUri(url)
        conference.params.update({"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": "Join the meeting"})
        component.add("CONFERENCE", conference, encode=False)
        component.add("X-GOOGLE-CONFERENCE", vText(url))
    if event.organizer is not None:
        component.add("ORGANIZER", _address(event.organizer, organizer=True), encode=False)
    for attendee in event.attendees:
        component.add("ATTENDEE", _address(attendee, organizer=False), encode=False)
    return component


def _export_zone(name: str, uid: str) -> zoneinfo.ZoneInfo:
    try:
        return _zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"Event {uid!r}: unknown time zone {name!r}.") from error


def _aware(value: dt.datetime | dt.date, uid: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ValueError(f"Event {uid!r}: timed values must be timezone-aware datetimes.")
    return value


def _export_recurrence_id(event: IcsEvent, master: IcsEvent | None) -> dt.datetime | dt.date:
    """RECURRENCE-ID in the master's zone when known (RFC 5545 expects the master's DTSTART form)."""
    value = event.recurrence_id
    assert value is not None
    if not isinstance(value, dt.datetime):
        return value
    zone_name = master.time_zone if master is not None and not master.all_day else event.time_zone
    return _wall_or_utc(_aware(value, event.uid).astimezone(_export_zone(zone_name, event.uid)))


def _wall_or_utc(local: dt.datetime) -> dt.datetime:
    """The time as written: its zone's wall time, or UTC when that wall time would mean an hour earlier."""
    return local.astimezone(dt.UTC) if _second_of_two(local) else local


def _add_recurrence(component: Event, event: IcsEvent) -> None:
    for line in event.recurrence:
        try:
            name, params, value = Contentline(clean_text(line, single_line=True)).parts()
            name = name.upper()
            if name not in RECURRENCE_NAMES:
                raise ValueError(f"{name} is not one of {', '.join(RECURRENCE_NAMES)}")
            if "TZID" in params:
                zone = iana_zone_name(str(params["TZID"]))
                if zone is None:
                    raise ValueError(f"unknown time zone {params['TZID']!r}")
                params["TZID"] = zone
            factory = _TYPES.for_property(name, params.value)
            prop = factory(factory.from_ical(value))
        except (ValueError, TypeError, AssertionError) as error:
            raise ValueError(f"Event {event.uid!r}: bad recurrence line {line!r}: {error}") from error
        prop.params = params
        component.add(name, prop, encode=False)


def _address(person: IcsAttendee, *, organizer: bool) -> vCalAddress:
    email = clean_text(person.email, single_line=True)
    address = vCalAddress(email if email.lower().startswith("mailto:") else f"mailto:{email}")
    if person.name:
        address.params["CN"] = clean_text(person.name, single_line=True).replace('"', "'")
    if not organizer:
        address.params["PARTSTAT"] = person.partstat.upper() or "NEEDS-ACTION"
        address.params["ROLE"] = person.role.upper() or "REQ-PARTICIPANT"
    return address


# --- import: reading lines -------------------------------------------------------------------------


class _LineError(ValueError):
    def __init__(self, number: int, text: str, error: Exception):
        shown = text if len(text) <= 60 else text[:57] + "..."
        super().__init__(f"line {number}: cannot read {shown!r} ({error})")
        self.number = number


class _Line(Contentline):
    """A logical (unfolded) content line that knows the physical line it starts on."""

    __slots__ = ("number",)
    number: int

    def __new__(cls, value: str, number: int) -> _Line:
        self = super().__new__(cls, value)
        self.number = number
        return self

    def raw_parts(self) -> tuple[str, Parameters, str]:
        """icalendar's split, scanning only up to the value: its character loop is the hot spot on big files."""
        colon = self.find(":")
        head = self[: colon + 1]
        if colon > 0 and '"' not in head and "\\" not in head:
            if ";" not in head:
                name = "".join(self[:colon].split())
                if _NAME.match(name):
                    return name, Parameters(), self[colon + 1 :]
            try:
                name, params, _ = Contentline(head).raw_parts()
            except ValueError:
                pass
            else:
                return name, params, self[colon + 1 :]
        return super().raw_parts()

    def parts(self) -> tuple[str, Parameters, str]:
        try:
            return super().parts()
        except (ValueError, AssertionError) as error:
            raise _LineError(self.number, str(self), error) from error


@dataclass
class _Problem:
    name: str | None
    line: int
    message: str


class _Parser(ComponentIcalParser):
    """icalendar's parser minus its process-wide side effects.

    Stock parsing resolves TZIDs while reading and caches every VTIMEZONE it sees in a global cache,
    first definition wins: one user's "Customized Time Zone" would shift another user's events, and
    the cache grows with every upload. Here values stay naive with their TZID parameter and nothing is
    cached; `_Zones` resolves them per file.
    """

    def __init__(self, lines: list[_Line]):
        super().__init__(list(lines), _COMPONENT_FACTORY, _TYPES)
        self.problems: list[_Problem] = []

    def handle_line_parse_error(self, exception: Exception) -> None:
        number = exception.number if isinstance(exception, _LineError) else 0
        self.problems.append(_Problem(None, number, str(exception)))
        super().handle_line_parse_error(exception)

    def handle_end_component(self, vals: str) -> None:
        if not self._stack:
            raise ValueError("END encountered without an accompanying BEGIN!")
        component = self._stack.pop()
        if self._stack:
            self._stack[-1].add_component(component)
        else:
            self._components.append(component)

    def parse_and_add_property(
        self, name: str, params: Parameters, val: str, tzid: str | None, line: Contentline
    ) -> None:
        super().parse_and_add_property(name, params, val, None, line)

    def handle_property_parse_error(
        self, exception: Exception, name: str, params: Parameters, val: str, line: Contentline
    ) -> None:
        self.problems.append(_Problem(name, getattr(line, "number", 0), f"{name}: {exception}"))
        super().handle_property_parse_error(exception, name, params, val, line)


def _parse_component(
    lines: list[_Line], keep: frozenset[str] | None = None
) -> tuple[Component, list[_Problem]]:
    """Parse one component; with `keep`, well-formed properties not named there are dropped first."""
    if keep is not None:
        lines = [line for line in lines if _wanted(line, keep)]
    parser = _Parser(lines)
    components = parser.parse()
    if len(components) != 1:
        raise ValueError("expected exactly one component")
    return components[0], parser.problems


def _wanted(line: str, keep: frozenset[str]) -> bool:
    name = _PROPERTY_NAME.match(line)
    return name is None or name.group(1).upper() in keep


@dataclass
class _Block:
    name: str
    line: int
    lines: list[_Line] = field(default_factory=list)


@dataclass
class _Scan:
    blocks: list[_Block]
    properties: list[_Line]
    warnings: list[IcsWarning]


def _decode(data: bytes) -> tuple[str, list[IcsWarning]]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            pass
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        warning = IcsWarning(
            f"The file is not valid UTF-8 (byte {error.start}); it was read as Windows-1252, "
            "so some accented characters may look wrong."
        )
        return data.decode("cp1252", errors="replace"), [warning]


def _whole_file(
    message: str, detail: str = "The file is not a valid iCalendar (.ics) file."
) -> InvalidInputError:
    return InvalidInputError(detail, [FieldProblem("file", message)])


def _unfold(text: str) -> Iterator[_Line]:
    """Logical lines (folding undone, blank lines dropped), numbered by the physical line they start on.

    Like icalendar, a folded continuation may follow blank lines (some Mozilla exports do that).
    """
    pieces: list[str] = []
    start = 0
    for number, physical in enumerate(_LINE_BREAK.split(text), start=1):
        if physical[:1] in (" ", "\t") and pieces:
            pieces.append(physical[1:])
            continue
        if not physical.strip():
            continue
        if pieces:
            yield _Line("".join(pieces), start)
        pieces, start = [physical], number
    if pieces:
        yield _Line("".join(pieces), start)


def _scan(all_lines: Iterable[_Line]) -> _Scan:
    """Check BEGIN/END nesting and cut the calendar into its top-level components."""
    lines = iter(all_lines)
    first = next(lines, None)
    if first is None or first.strip().upper() != "BEGIN:VCALENDAR":
        where = f"line {first.number} is {first[:40]!r}" if first is not None else "the file is empty"
        raise _whole_file(f"An iCalendar file starts with BEGIN:VCALENDAR, but {where}.")
    lines = itertools.chain([first], lines)
    last = first
    stack: list[tuple[str, int]] = []
    blocks: list[_Block] = []
    properties: list[_Line] = []
    warnings: list[IcsWarning] = []
    trailing = parsed = 0
    for line in lines:
        last = line
        key, _, value = line.partition(":")
        keyword = key.strip().upper()
        if keyword in ("BEGIN", "END"):
            name = value.strip().upper()
            if not _NAME.match(name):
                raise _whole_file(f"Line {line.number}: {line[:60]!r} does not name a component.")
            if keyword == "BEGIN":
                if not stack and name != "VCALENDAR":
                    raise _whole_file(f"Line {line.number}: BEGIN:{name} outside of a VCALENDAR.")
                if len(stack) >= MAX_NESTING:
                    raise _whole_file(f"Line {line.number}: components are nested too deeply.")
                if len(stack) == 1:
                    blocks.append(_Block(name, line.number))
                    if name in ("VEVENT", "VTIMEZONE"):
                        parsed += 1
                        if parsed > MAX_IMPORT_EVENTS:
                            raise _whole_file(
                                f"The file has more than {MAX_IMPORT_EVENTS:,} events; import it in smaller parts.",
                                "The file has too many events.",
                            )
                stack.append((name, line.number))
            else:
                if not stack:
                    raise _whole_file(f"Line {line.number}: END:{name} without a matching BEGIN.")
                opened, opened_at = stack.pop()
                if opened != name:
                    raise _whole_file(
                        f"Line {line.number}: END:{name} does not close BEGIN:{opened} from line {opened_at}."
                    )
            if stack[1:] or (keyword == "END" and len(stack) == 1):
                blocks[-1].lines.append(line)
            continue
        if not stack:
            trailing += 1
        elif len(stack) == 1:
            properties.append(line)
        else:
            blocks[-1].lines.append(line)
    if len(stack) > 1:
        name, opened_at = stack[-1]
        raise _whole_file(
            f"The file ends (line {last.number}) inside the {name} that begins on line {opened_at}; "
            "it looks truncated.",
            "The file is incomplete.",
        )
    if stack:
        warnings.append(IcsWarning("The file does not end with END:VCALENDAR; all its events are complete."))
    if trailing:
        warnings.append(IcsWarning(f"{trailing} line(s) outside the VCALENDAR were ignored."))
    return _Scan(blocks, properties, warnings)


# --- import: time zones ----------------------------------------------------------------------------


@dataclass
class _Zones:
    """TZID resolution for one file: IANA names, Windows names, and the file's own VTIMEZONEs."""

    default: str
    calendar_zone: str | None
    definitions: dict[str, Timezone]
    _custom: dict[str, dt.tzinfo | None] = field(default_factory=dict)
    _matched: dict[tuple[str, int], str | None] = field(default_factory=dict)
    # Matching a file-defined zone costs ~1k offset lookups: bound it, or one file could hold thousands.
    _budget: int = MAX_CUSTOM_ZONE_LOOKUPS

    def resolve(self, tzid: str, year: int) -> tuple[str | None, dt.tzinfo]:
        """The IANA zone to store (None if only the file's VTIMEZONE knows it) and the zone to read in."""
        name = iana_zone_name(tzid)
        if name is not None:
            return name, _zone(name)
        custom = self._custom_zone(tzid)
        if custom is None:
            raise _Skip(
                SkipCode.UNKNOWN_TIME_ZONE,
                f"Its time zone {tzid!r} is not a known zone and the file does not define it (VTIMEZONE).",
            )
        key = (tzid, year)
        if key not in self._matched:
            self._budget -= 1
            self._matched[key] = self._match(tzid, custom, year) if self._budget >= 0 else None
        match = self._matched[key]
        return (match, _zone(match)) if match else (None, custom)

    def _custom_zone(self, tzid: str) -> dt.tzinfo | None:
        if tzid not in self._custom and len(self._custom) >= MAX_CUSTOM_ZONE_LOOKUPS:
            raise _Skip(
                SkipCode.UNKNOWN_TIME_ZONE,
                f"Its time zone {tzid!r} is defined in the file, but only the first "
                f"{MAX_CUSTOM_ZONE_LOOKUPS} zones a file defines itself are read.",
            )
        if tzid not in self._custom:
            definition = self.definitions.get(tzid) or self.definitions.get(tzid.strip('"'))
            zone = None
            if definition is not None:
                try:
                    zone = tzp.create_timezone(definition)
                except Exception:  # dateutil raises many kinds for odd VTIMEZONEs
                    zone = None
            self._custom[tzid] = zone
        return self._custom[tzid]

    def _match(self, tzid: str, custom: dt.tzinfo, year: int) -> str | None:
        """An IANA zone with the same offsets as `custom` on every day of `year` and the next."""
        candidates: list[str] = []
        definition = self.definitions.get(tzid) or self.definitions.get(tzid.strip('"'))
        location = str(definition.get("X-LIC-LOCATION", "")) if definition is not None else ""
        for name in (iana_zone_name(location) if location else None, self.default, self.calendar_zone):
            if name:
                candidates.append(name)
        lowered = tzid.lower().replace("_", " ")
        for city, names in _cities().items():
            if len(city) > 3 and re.search(rf"(?<![a-z]){re.escape(city)}(?![a-z])", lowered):
                candidates.extend(names)
        # The answer depends only on the definition's text, the year and the candidates: share it
        # between files (a preview and the import that follows read the same file twice).
        text = definition.to_ical() if definition is not None else b""
        key = (hashlib.sha256(text).digest(), tzid, year, tuple(candidates))
        if key not in _MATCHES:
            if len(_MATCHES) >= 1024:
                _MATCHES.clear()
            _MATCHES[key] = _match_offsets(custom, year, candidates)
        return _MATCHES[key]


_MATCHES: dict[tuple[bytes, str, int, tuple[str, ...]], str | None] = {}


def _match_offsets(custom: dt.tzinfo, year: int, candidates: list[str]) -> str | None:
    """The first candidate zone with `custom`'s UTC offset on every day of `year` and the next."""
    days = [dt.datetime(min(max(year, 1), 9997), 1, 1, 12) + dt.timedelta(days=day) for day in range(731)]
    try:
        offsets = [custom.utcoffset(day) for day in days]
    except Exception:  # a VTIMEZONE dateutil cannot evaluate matches nothing
        return None
    for name in dict.fromkeys(candidates):
        zone = _zone(name)
        if all(zone.utcoffset(day) == offset for day, offset in zip(days, offsets, strict=True)):
            return name
    distinct = set(offsets)
    if len(distinct) == 1:
        offset = distinct.pop()
        if offset is not None and offset % dt.timedelta(hours=1) == dt.timedelta(0):
            hours = int(offset / dt.timedelta(hours=1))
            if hours == 0:
                return "UTC"
            if -12 <= hours <= 14:
                return f"Etc/GMT{-hours:+d}"
    return None


# --- import: events --------------------------------------------------------------------------------


class _Skip(Exception):
    def __init__(self, code: SkipCode, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class _Candidate:
    event: IcsEvent
    stamp: dt.datetime | None
    index: int
    cancelled: bool = False


@dataclass
class _Reader:
    """Turns parsed VEVENTs into `IcsEvent`s for one file."""

    zones: _Zones
    warnings: list[IcsWarning] = field(default_factory=list)
    floating: list[str] = field(default_factory=list)

    def event(self, component: Component, block: _Block, problems: list[_Problem]) -> _Candidate:
        uid = self._uid(component, block)
        for problem in problems:
            label = problem.name or _line_name(block, problem.line)
            if label in _CRITICAL:
                raise _Skip(SkipCode.MALFORMED, f"{_capital(problem.message)}.")
            self.warnings.append(IcsWarning(f"Ignored: {problem.message}.", uid, problem.line or block.line))
        for name in _SINGLE:
            if isinstance(component.get(name), list):
                raise _Skip(
                    SkipCode.MALFORMED, f"It has {len(component[name])} {name} properties; one is allowed."
                )
        status = _text(component.get("STATUS")).upper() or "CONFIRMED"
        if "EXRULE" in component:
            raise _Skip(
                SkipCode.UNSUPPORTED, "It uses EXRULE, which RFC 5545 deprecated and is not supported."
            )
        start_prop = component.get("DTSTART")
        if start_prop is None:
            raise _Skip(SkipCode.NO_START, "It has no start (DTSTART).")
        repeats = "RRULE" in component or "RDATE" in component
        start_value = start_prop.dt
        if isinstance(start_value, dt.datetime):
            zone_name, start = self._start(start_value, start_prop.params.get("TZID"), repeats, uid, block)
        elif isinstance(start_value, dt.date):
            zone_name, start = self.zones.default, start_value
        else:
            raise _Skip(SkipCode.MALFORMED, "Its DTSTART is neither a date nor a date-time.")
        end = self._end(component, start, zone_name, uid, block)
        checked = _check_timing(start, end, zone_name)
        if not (checked.start_utc >= _MIN_INSTANT and checked.end_utc <= _MAX_INSTANT):
            raise _Skip(SkipCode.OUT_OF_RANGE, "Its dates are too far in the past or future.")
        rid_prop = component.get("RECURRENCE-ID")
        recurrence_id = None
        if rid_prop is not None:
            if str(rid_prop.params.get("RANGE", "")).upper() == "THISANDFUTURE":
                raise _Skip(
                    SkipCode.UNSUPPORTED, "It changes this and all later occurrences (RANGE=THISANDFUTURE)."
                )
            recurrence_id = self._recurrence_id(rid_prop.dt, rid_prop.params.get("TZID"), zone_name)
        recurrence: list[str] = []
        if recurrence_id is None:
            recurrence = self._recurrence(component, start, zone_name, uid, block)
        elif any(name in component for name in RECURRENCE_NAMES):
            self.warnings.append(
                IcsWarning("An override's own RRULE/RDATE/EXDATE was ignored.", uid, block.line)
            )
        stamp_prop = component.get("LAST-MODIFIED") or component.get("DTSTAMP")
        event = IcsEvent(
            uid=uid,
            title=self._clean(component, "SUMMARY", TITLE_MAX, uid, block, single_line=True) or UNTITLED,
            start=start,
            end=end,
            time_zone=zone_name,
            description=self._clean(component, "DESCRIPTION", DESCRIPTION_MAX, uid, block),
            location=self._clean(component, "LOCATION", LOCATION_MAX, uid, block, lines_joined=", "),
            recurrence=recurrence,
            recurrence_id=recurrence_id,
            status=status if status in STATUSES else "CONFIRMED",
            sequence=_integer(component.get("SEQUENCE")),
            created=_utc(component.get("CREATED")),
            last_modified=_utc(component.get("LAST-MODIFIED")),
            url=self._url(component, uid, block),
            conference_url=_conference(component),
            organizer=_person(component.get("ORGANIZER")),
            attendees=[person for person in map(_person, _all(component, "ATTENDEE")) if person is not None],
            source_line=block.line,
        )
        return _Candidate(event, _utc(stamp_prop), block.line, cancelled=status == "CANCELLED")

    def _url(self, component: Component, uid: str, block: _Block) -> str:
        url = clean_text(_text(component.get("URL")), single_line=True)
        if url and not url.lower().startswith(_WEB_SCHEMES):
            self.warnings.append(
                IcsWarning(
                    "Its URL was dropped: only http, https and mailto links are kept.", uid, block.line
                )
            )
            return ""
        return url

    def _uid(self, component: Component, block: _Block) -> str:
        uid = clean_text(_text(component.get("UID")), single_line=True)
        if len(uid) > MAX_UID_LENGTH:
            short = "sha256-" + hashlib.sha256(uid.encode()).hexdigest()
            self.warnings.append(
                IcsWarning(
                    f"Its UID is over {MAX_UID_LENGTH} characters; it became {short!r}.", short, block.line
                )
            )
            return short
        if uid:
            return uid
        digest = hashlib.sha256(
            "\n".join(line for line in block.lines if not line.upper().startswith("DTSTAMP")).encode()
        ).hexdigest()
        uid = f"import-{digest[:32]}"
        self.warnings.append(IcsWarning(f"The event has no UID; it was given {uid!r}.", uid, block.line))
        return uid

    def _start(
        self, value: dt.datetime, tzid: str | None, repeats: bool, uid: str, block: _Block
    ) -> tuple[str, dt.datetime]:
        """DTSTART as (the event's zone, aware start in it)."""
        if value.tzinfo is not None:
            # UTC: a single event shows in the importing calendar's zone; a series keeps UTC, where it repeats.
            name = "UTC" if repeats else self.zones.default
            return name, value.astimezone(_zone(name))
        if not tzid:
            self.floating.append(uid)
            zone = _zone(self.zones.default)
            return self.zones.default, _in_zone(value, zone, zone)
        name, reading_zone = self.zones.resolve(str(tzid), value.year)
        if name is None:
            if repeats:
                raise _Skip(
                    SkipCode.UNKNOWN_TIME_ZONE,
                    f"Its time zone {tzid!r} is defined only in the file and matches no known zone, "
                    "so its repetitions cannot be placed reliably.",
                )
            name = self.zones.default
            self.warnings.append(
                IcsWarning(
                    f"Time zone {tzid!r} is defined only in the file and matches no known zone; "
                    f"the times were converted to {name}.",
                    uid,
                    block.line,
                )
            )
        return name, _in_zone(value, reading_zone, _zone(name))

    def _instant(self, value: dt.datetime, tzid: str | None, zone_name: str) -> dt.datetime:
        """A date-time that follows DTSTART (DTEND, EXDATE, ...) as an aware time in the event's zone."""
        target = _zone(zone_name)
        if value.tzinfo is not None:
            return value.astimezone(target)
        if tzid:
            reading_zone = self.zones.resolve(str(tzid), value.year)[1]
            return _in_zone(value, reading_zone, target)
        return _in_zone(value, target, target)

    def _recurrence_id(self, value: object, tzid: str | None, zone_name: str) -> dt.datetime | dt.date:
        """RECURRENCE-ID as a date or an aware time; `_align` later puts it in the master's form."""
        if isinstance(value, dt.datetime):
            return self._instant(value, tzid, zone_name)
        if isinstance(value, dt.date):
            return value
        raise _Skip(SkipCode.MALFORMED, "Its RECURRENCE-ID is neither a date nor a date-time.")

    def _value(
        self,
        value: object,
        tzid: str | None,
        start: dt.datetime | dt.date,
        zone_name: str,
        uid: str,
        block: _Block,
    ) -> dt.datetime | dt.date:
        """A RECURRENCE-ID/EXDATE/RDATE value in the form of `start` (date, or aware time in its zone)."""
        if isinstance(value, tuple):  # a PERIOD: its start
            value = value[0]
        if isinstance(value, dt.datetime):
            instant = self._instant(value, tzid, zone_name)
            return instant if isinstance(start, dt.datetime) else instant.date()
        if isinstance(value, dt.date):
            if isinstance(start, dt.datetime):
                wall = dt.datetime.combine(value, start.replace(tzinfo=None).time())
                return _in_zone(wall, _zone(zone_name), _zone(zone_name))
            return value
        raise _Skip(SkipCode.MALFORMED, f"It has an unreadable date value {value!r}.")

    def _end(
        self, component: Component, start: dt.datetime | dt.date, zone_name: str, uid: str, block: _Block
    ) -> dt.datetime | dt.date:
        end_prop = component.get("DTEND")
        duration_prop = component.get("DURATION")
        if end_prop is not None:
            if duration_prop is not None:
                self.warnings.append(
                    IcsWarning("It has both DTEND and DURATION; DTEND was used.", uid, block.line)
                )
            value = end_prop.dt
            if isinstance(start, dt.datetime) != isinstance(value, dt.datetime) or not isinstance(
                value, dt.date
            ):
                raise _Skip(
                    SkipCode.UNSUPPORTED, "Its DTSTART and DTEND are not both dates or both date-times."
                )
            if isinstance(value, dt.datetime):
                return self._instant(value, end_prop.params.get("TZID"), zone_name)
            if value == start:
                self.warnings.append(
                    IcsWarning("Its DTEND equals DTSTART; it was read as one day.", uid, block.line)
                )
                return start + dt.timedelta(days=1)
            return value
        if duration_prop is not None:
            duration = getattr(duration_prop, "dt", None)
            if not isinstance(duration, dt.timedelta):
                raise _Skip(SkipCode.MALFORMED, "Its DURATION is not a duration.")
            if duration < dt.timedelta(0):
                raise _Skip(SkipCode.END_BEFORE_START, f"Its DURATION {_duration(duration)} is negative.")
            if isinstance(start, dt.datetime):
                zone = _zone(zone_name)
                wall = start.replace(tzinfo=None) + dt.timedelta(days=duration.days)
                exact = duration - dt.timedelta(days=duration.days)
                return (_in_zone(wall, zone, zone).astimezone(dt.UTC) + exact).astimezone(zone)
            days = duration.days + (1 if duration.seconds or duration.microseconds else 0)
            if days != duration / dt.timedelta(days=1):
                self.warnings.append(
                    IcsWarning(
                        f"Its DURATION {_duration(duration)} was rounded up to whole days.", uid, block.line
                    )
                )
            return start + dt.timedelta(days=days)
        if isinstance(start, dt.datetime):
            return start
        return start + dt.timedelta(days=1)

    def _recurrence(
        self, component: Component, start: dt.datetime | dt.date, zone_name: str, uid: str, block: _Block
    ) -> list[str]:
        lines = [f"RRULE:{self._rrule(rule, start, zone_name)}" for rule in _all(component, "RRULE")]
        for name in ("RDATE", "EXDATE"):
            values: list[dt.datetime | dt.date] = []
            for prop in _all(component, name):
                tzid = prop.params.get("TZID")
                for item in getattr(prop, "dts", []):
                    if isinstance(item.dt, tuple):
                        self.warnings.append(
                            IcsWarning(
                                "An RDATE period was read as a start time with the event's length.",
                                uid,
                                block.line,
                            )
                        )
                    values.append(self._value(item.dt, tzid, start, zone_name, uid, block))
            if values:
                lines.extend(date_lines(name, values, zone_name))
        return lines

    def _rrule(self, rule: vRecur, start: dt.datetime | dt.date, zone_name: str) -> str:
        """The RRULE value, with UNTIL in the form RFC 5545 requires for this DTSTART."""
        rule = vRecur(dict(rule))
        untils = rule.get("UNTIL")
        if untils:
            until = untils[0]
            if isinstance(start, dt.datetime):
                if not isinstance(until, dt.datetime):
                    until = dt.datetime.combine(until, dt.time(23, 59, 59))
                if until.tzinfo is None:
                    until = _in_zone(until, _zone(zone_name), _zone(zone_name))
                until = until.astimezone(dt.UTC)
            elif isinstance(until, dt.datetime):
                until = (until.astimezone(_zone(zone_name)) if until.tzinfo else until).date()
            rule["UNTIL"] = [until]
        return rule.to_ical().decode()

    def _clean(
        self,
        component: Component,
        name: str,
        limit: int,
        uid: str,
        block: _Block,
        *,
        single_line: bool = False,
        lines_joined: str | None = None,
    ) -> str:
        raw = _text(component.get(name))
        if lines_joined is not None:
            raw = lines_joined.join(part.strip() for part in _LINE_BREAK.split(raw) if part.strip())
        value = clean_text(raw, single_line=single_line or lines_joined is not None)
        if len(value) > limit:
            self.warnings.append(
                IcsWarning(
                    f"Its {name} was cut to {limit} characters (it had {len(value)}).", uid, block.line
                )
            )
        return clean_text(value, limit=limit)


def _line_name(block: _Block, number: int) -> str:
    """The property name on physical line `number` of `block` ("" when unknown)."""
    for line in block.lines:
        if line.number == number:
            return re.split(r"[;:]", line, maxsplit=1)[0].strip().upper()
    return ""


def date_lines(name: str, values: list[dt.datetime | dt.date], zone_name: str) -> list[str]:
    """RDATE/EXDATE lines: dates, or aware times as wall times in `zone_name`.

    A time that is the second of two equal wall times (clocks going back) goes on a UTC line, since a
    TZID wall time always means the first (RFC 5545 3.3.5).
    """
    if not values:
        return []
    if not isinstance(values[0], dt.datetime):
        return [f"{name};VALUE=DATE:" + ",".join(_basic(value) for value in values)]
    zone = _zone(zone_name)
    local = [value.astimezone(zone) for value in values]
    utc = [value for value in local if zone_name in ("UTC", "Etc/UTC") or _second_of_two(value)]
    wall = [value for value in local if value not in utc]
    lines = [f"{name};TZID={zone_name}:" + ",".join(_basic(value) for value in wall)] if wall else []
    if utc:
        lines.append(f"{name}:" + ",".join(_basic(value.astimezone(dt.UTC)) + "Z" for value in utc))
    return lines


def _second_of_two(local: dt.datetime) -> bool:
    """Whether this aware local time is the later of two equal wall times (clocks went back)."""
    return local.fold == 1 and local.replace(fold=0).utcoffset() != local.utcoffset()


def _basic(value: dt.date) -> str:
    """RFC 5545 basic format: 20260302 or 20260302T090000 (years zero-padded, unlike strftime)."""
    text = f"{value.year:04d}{value.month:02d}{value.day:02d}"
    if isinstance(value, dt.datetime):
        text += f"T{value.hour:02d}{value.minute:02d}{value.second:02d}"
    return text


def _check_timing(
    start: dt.datetime | dt.date, end: dt.datetime | dt.date, zone_name: str
) -> timing.EventTiming:
    # Aware datetimes in one zone compare by wall clock: compare instants.
    first, last = (
        (start.astimezone(dt.UTC), end.astimezone(dt.UTC))
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime)
        else (start, end)
    )
    if last < first:  # type: ignore[operator]
        raise _Skip(SkipCode.END_BEFORE_START, f"It ends ({_show(end)}) before it starts ({_show(start)}).")
    if last == first:
        raise _Skip(
            SkipCode.ZERO_DURATION,
            "It has no duration (no DTEND or DURATION, or DTEND equals DTSTART); events need an end after the start.",
        )
    try:
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
            return timing.timed(start.astimezone(dt.UTC), end.astimezone(dt.UTC), zone_name)
        return timing.all_day(start, end, zone_name)  # type: ignore[arg-type]
    except OverflowError:
        raise _Skip(SkipCode.OUT_OF_RANGE, "Its dates are too far in the past or future.") from None
    except InvalidInputError as error:
        code = SkipCode.TOO_LONG if "long" in error.detail else SkipCode.OUT_OF_RANGE
        raise _Skip(code, f"{error.detail} {_error_text(error)}") from None


def _show(value: dt.datetime | dt.date) -> str:
    return (
        value.isoformat(sep=" ", timespec="minutes") if isinstance(value, dt.datetime) else value.isoformat()
    )


def _duration(value: dt.timedelta) -> str:
    return vDuration(value).to_ical().decode()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _all(component: Component, name: str) -> list:
    value = component.get(name)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item for item in items if not isinstance(item, vBroken)]


def _text(value: object) -> str:
    if value is None or (isinstance(value, list) and not value):
        return ""
    if isinstance(value, list):
        value = value[0]
    if isinstance(value, vBroken):
        return ""
    if isinstance(value, vUnknown):
        return vText.from_ical(str(value))
    if isinstance(value, vText | vCalAddress | vUri | str):
        return str(value)
    if hasattr(value, "to_ical"):
        return vText.from_ical(value.to_ical().decode())
    return str(value)


def _integer(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def _moment(value: object) -> object:
    """A parsed property's `.dt`, or None (a broken property raises on `.dt`)."""
    return None if value is None or isinstance(value, vBroken | list) else getattr(value, "dt", None)


def _utc(value: object) -> dt.datetime | None:
    moment = _moment(value)
    if not isinstance(moment, dt.datetime):
        return None
    try:
        return (moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment).astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None


def _person(value: object) -> IcsAttendee | None:
    if value is None or isinstance(value, vBroken):
        return None
    address = clean_text(str(value), single_line=True)
    email = address[7:] if address.lower().startswith("mailto:") else address
    if not email:
        return None
    params = getattr(value, "params", {})
    return IcsAttendee(
        email=email,
        name=clean_text(str(params.get("CN", "")), single_line=True),
        partstat=str(params.get("PARTSTAT", "NEEDS-ACTION")).upper(),
        role=str(params.get("ROLE", "REQ-PARTICIPANT")).upper(),
    )


def _conference(component: Component) -> str:
    """The first web meeting link: RFC 7986 CONFERENCE, else Google's or Microsoft Teams' property."""
    for prop in _all(component, "CONFERENCE"):
        if str(prop).lower().startswith(("https://", "http://")):
            return clean_text(str(prop), single_line=True)
    for name in ("X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL"):
        value = component.get(name)
        if value is not None and not isinstance(value, list | vBroken):
            text = clean_text(_text(value), single_line=True)
            if text.lower().startswith(("https://", "http://")):
                return text
    return ""


def basic_recurrence_check(
    lines: list[str], start: dt.datetime | dt.date, time_zone: str, all_day: bool
) -> list[str]:
    """The default `validate_recurrence`: dateutil must accept the lines; returns them unchanged."""
    first = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
    rules = [line for line in lines if line.upper().startswith("RRULE")]
    try:
        for rule in rules:
            rrulestr(rule, dtstart=first)
    except (ValueError, TypeError, OverflowError) as error:
        raise InvalidInputError(
            "Invalid recurrence.", [FieldProblem("recurrence", f"{rule!r} is not a valid rule: {error}")]
        ) from None
    return lines


# --- import: the whole file ------------------------------------------------------------------------


def parse_calendar(
    data: bytes,
    *,
    default_time_zone: str,
    max_bytes: int = MAX_IMPORT_BYTES,
    validate_recurrence: RecurrenceValidator | None = None,
) -> ImportPreview:
    """Read an .ics file into events to create, reporting every VEVENT left out and why.

    Floating times are read in `default_time_zone` (the importing calendar's zone), as are all-day
    events. Raises InvalidInputError only for whole-file problems (too big, not iCalendar, truncated).
    """
    if len(data) > max_bytes:
        raise InvalidInputError(
            "The file is too large.",
            [FieldProblem("file", f"The file has {_size(len(data))}; the limit is {_size(max_bytes)}.")],
        )
    timing.parse_zone(default_time_zone, "default_time_zone")
    text, warnings = _decode(bytes(data))
    if "\x00" in text:
        raise _whole_file("The file contains binary data (NUL bytes), not iCalendar text.")
    scan = _scan(_unfold(text))
    warnings.extend(scan.warnings)

    calendar_name, calendar_zone = _calendar_properties(scan.properties, warnings)
    ignored: Counter[str] = Counter()
    definitions: dict[str, Timezone] = {}
    event_blocks: list[tuple[_Block, Component, list[_Problem]]] = []
    skipped: list[SkippedItem] = []
    for block in scan.blocks:
        if block.name not in ("VEVENT", "VTIMEZONE"):
            ignored[block.name] += 1
            continue
        try:
            keep = _EVENT_PROPERTIES if block.name == "VEVENT" else None
            component, problems = _parse_component(block.lines, keep)
        except (ValueError, TypeError, AssertionError) as error:
            if block.name == "VTIMEZONE":
                warnings.append(IcsWarning(f"The VTIMEZONE could not be read: {error}.", line=block.line))
            else:
                skipped.append(
                    SkippedItem(
                        _peek(block, "UID"),
                        _peek(block, "SUMMARY"),
                        f"{_capital(str(error))}.",
                        SkipCode.MALFORMED,
                        block.line,
                    )
                )
            continue
        if block.name == "VTIMEZONE":
            tzid = str(component.get("TZID", "")).strip()
            if tzid:
                definitions[tzid] = component  # type: ignore[assignment]
            continue
        for sub in component.subcomponents:
            ignored[sub.name] += 1
        event_blocks.append((block, component, problems))

    zones = _Zones(default_time_zone, calendar_zone, definitions)
    candidates: list[_Candidate] = []
    floating = 0
    for block, component, problems in event_blocks:
        reader = _Reader(zones)  # its warnings count only if the event is kept
        try:
            candidates.append(reader.event(component, block, problems))
            warnings.extend(reader.warnings)
            floating += len(reader.floating)
        except _Skip as skip:
            skipped.append(_skipped(component, block, skip.code, skip.reason))
        except OverflowError:
            reason = "Its dates are too far in the past or future."
            skipped.append(_skipped(component, block, SkipCode.OUT_OF_RANGE, reason))
        except Exception as error:  # a file must never turn into a server error
            reason = f"It could not be read ({type(error).__name__})."
            skipped.append(_skipped(component, block, SkipCode.MALFORMED, reason))
    if floating:
        warnings.append(
            IcsWarning(
                f"{floating} event(s) have floating times (no time zone); they were read in {default_time_zone}, "
                "the calendar's time zone."
            )
        )
    events = _resolve_series(candidates, skipped, warnings, validate_recurrence or basic_recurrence_check)
    skipped.sort(key=lambda item: item.line or 0)
    return ImportPreview(
        events=events,
        skipped=skipped,
        ignored_components=dict(sorted(ignored.items())),
        warnings=warnings,
        calendar_name=calendar_name,
        calendar_time_zone=calendar_zone,
    )


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{count} bytes"


def _peek(block: _Block, name: str) -> str:
    """A property's raw value from the block's lines, for reports about unreadable events."""
    for line in block.lines:
        if line.upper().startswith((f"{name}:", f"{name};")):
            return clean_text(line.partition(":")[2], single_line=True)[:200]
    return ""


def _skipped(component: Component, block: _Block, code: SkipCode, reason: str) -> SkippedItem:
    uid = clean_text(_text(component.get("UID")), single_line=True) or None
    summary = clean_text(_text(component.get("SUMMARY")), single_line=True, limit=200)
    rid = component.get("RECURRENCE-ID")
    rid_value = _moment(rid)
    return SkippedItem(
        uid, summary, reason, code, block.line, rid_value if isinstance(rid_value, dt.date) else None
    )


def _calendar_properties(lines: list[_Line], warnings: list[IcsWarning]) -> tuple[str | None, str | None]:
    name = zone = None
    for line in lines:
        try:
            key, _params, value = line.parts()
        except ValueError as error:
            warnings.append(IcsWarning(f"Ignored: {error}.", line=line.number))
            continue
        key = key.upper()
        if key in ("X-WR-CALNAME", "NAME") and name is None:
            name = clean_text(value, single_line=True, limit=200) or None
        elif key == "X-WR-TIMEZONE":
            zone = iana_zone_name(value)
    return name, zone


def _rid_key(value: dt.datetime | dt.date | None) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    return value


def _resolve_series(
    candidates: list[_Candidate],
    skipped: list[SkippedItem],
    warnings: list[IcsWarning],
    validate: RecurrenceValidator,
) -> list[IcsEvent]:
    """Drop duplicates, fold cancelled occurrences into EXDATEs, validate series, check overrides."""

    def skip(candidate: _Candidate, code: SkipCode, reason: str) -> None:
        event = candidate.event
        skipped.append(
            SkippedItem(event.uid, event.title, reason, code, candidate.index, event.recurrence_id)
        )

    # Duplicates: same UID and RECURRENCE-ID. Keep the highest SEQUENCE, then the latest
    # LAST-MODIFIED/DTSTAMP, then the last in the file.
    kept: dict[tuple[str, object], _Candidate] = {}
    for candidate in candidates:
        key = (candidate.event.uid, _rid_key(candidate.event.recurrence_id))
        previous = kept.get(key)
        if previous is None:
            kept[key] = candidate
            continue
        loser, winner = sorted((previous, candidate), key=_revision)
        kept[key] = winner
        skip(
            loser,
            SkipCode.DUPLICATE,
            f"The event on line {winner.index} has the same UID"
            + (" and RECURRENCE-ID" if loser.event.recurrence_id is not None else "")
            + " and was kept (higher SEQUENCE, later LAST-MODIFIED, or later in the file).",
        )
    survivors = sorted(kept.values(), key=lambda candidate: candidate.index)

    masters: dict[str, _Candidate] = {}
    for candidate in survivors:
        if candidate.event.recurrence_id is None:
            masters[candidate.event.uid] = candidate
    failed: dict[str, str] = {}
    for uid, master in list(masters.items()):
        if master.cancelled:
            skip(master, SkipCode.CANCELLED, "It is cancelled (STATUS:CANCELLED).")
            failed[uid] = "its series is cancelled"
            del masters[uid]

    # Cancelled occurrences become EXDATEs of their series.
    folded = 0
    for candidate in survivors:
        event = candidate.event
        master = masters.get(event.uid)
        if event.recurrence_id is None or not candidate.cancelled:
            continue
        if event.uid in failed:
            skip(candidate, SkipCode.SERIES_SKIPPED, f"It cancels one occurrence, but {failed[event.uid]}.")
            continue
        if master is None or not master.event.recurrence:
            skip(
                candidate,
                SkipCode.CANCELLED,
                "It cancels an occurrence of a series that is not in the file or does not repeat.",
            )
            continue
        rid = _align(event.recurrence_id, master.event)
        _add_exclusion(master.event, rid)
        folded += 1
    if folded:
        warnings.append(IcsWarning(f"{folded} cancelled occurrence(s) were imported as exclusions (EXDATE)."))

    for uid, master in list(masters.items()):
        event = master.event
        if not event.recurrence:
            continue
        try:
            event.recurrence = list(
                validate(list(event.recurrence), event.start, event.time_zone, event.all_day)
            )
        except (InvalidInputError, ValueError) as error:
            reason = str(error) if not isinstance(error, InvalidInputError) else _error_text(error)
            skip(master, SkipCode.INVALID_RECURRENCE, _sentence(f"Its recurrence is invalid: {reason}"))
            failed[uid] = "its series has an invalid recurrence"
            del masters[uid]

    events: list[IcsEvent] = []
    orphans = 0
    for candidate in survivors:
        event = candidate.event
        if event.recurrence_id is None:
            if event.uid in masters:
                events.append(event)
            continue
        if candidate.cancelled:
            continue
        if event.uid in failed:
            skip(candidate, SkipCode.SERIES_SKIPPED, f"It changes one occurrence, but {failed[event.uid]}.")
            continue
        master = masters.get(event.uid)
        if master is not None and not master.event.recurrence:
            skip(
                candidate, SkipCode.UNSUPPORTED, "It changes an occurrence of an event that does not repeat."
            )
            continue
        if master is None:
            orphans += 1
        else:
            event = dataclasses.replace(event, recurrence_id=_align(event.recurrence_id, master.event))
        events.append(event)
    if orphans:
        warnings.append(
            IcsWarning(
                f"{orphans} changed occurrence(s) (RECURRENCE-ID) belong to a series that is not in the file; "
                "they apply only if that series already exists."
            )
        )
    return events


def _add_exclusion(master: IcsEvent, value: dt.datetime | dt.date) -> None:
    """Add an EXDATE value, to the series' EXDATE line of the same form when there is one."""
    [line] = date_lines("EXDATE", [value], master.time_zone)
    head, _, stamp = line.partition(":")
    for index, existing in enumerate(master.recurrence):
        if existing.partition(":")[0] == head:
            master.recurrence[index] = f"{existing},{stamp}"
            return
    master.recurrence.append(line)


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _revision(candidate: _Candidate) -> tuple[int, dt.datetime, int]:
    return (candidate.event.sequence, candidate.stamp or _MIN_INSTANT, candidate.index)


def _align(value: dt.datetime | dt.date | None, master: IcsEvent) -> dt.datetime | dt.date:
    """A RECURRENCE-ID in the form of the master's start: a date, or a time in the master's zone."""
    assert value is not None
    zone = _zone(master.time_zone)
    if isinstance(master.start, dt.datetime):
        if isinstance(value, dt.datetime):
            return value.astimezone(zone)
        wall = dt.datetime.combine(value, master.start.replace(tzinfo=None).time())
        return _in_zone(wall, zone, zone)
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).date()
    return value


def _error_text(error: InvalidInputError) -> str:
    if error.errors:
        return "; ".join(problem.message for problem in error.errors)
    return error.detail
