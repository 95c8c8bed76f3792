"""Benchmark: expand 1,000 recurring series for a month view, against recurring-ical-events.

Run from the project root (about three minutes with the defaults, most of it recurring-ical-events):

    .venv/bin/python -m bench.recurrence_expansion [--series N] [--rounds R] [--seed S]

It builds N series (daily, weekly, monthly, yearly, some all-day; nine zones; starts from 2018 to
mid-2026; a third endless, the rest ending by COUNT or UNTIL; EXDATEs and moved occurrences), stored
as our module stores them (lines + overrides keyed by recurrence id) and as one equivalent VCALENDAR
(masters with the same lines, overrides as VEVENTs with RECURRENCE-ID). Then, for each month of 2026
(the window is the calendar month in UTC) and in the same run, interleaved, it times:

* ours, warm: `recurrence.expand` on already parsed series (a running server parses each master once:
  `parse_recurrence` is cached), minus overridden ids, plus the overrides overlapping the window;
* ours, cold: the same with the parse cache cleared first (parse + validate + expand every series);
* recurring-ical-events: `recurring_ical_events.of(calendar).between(start, end)` on the parsed calendar.

Every measured month asserts that the three give the same occurrences (series id, start instant or
date). It prints the median and p95 per case and the ratio to recurring-ical-events.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field

import icalendar
import recurring_ical_events

from scheduler_app.backend.events import recurrence

ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "UTC",
)
WEEKDAYS = recurrence.WEEKDAYS
FIRST_START = dt.date(2018, 1, 1)
LAST_START = dt.date(2026, 6, 30)
YEAR = 2026
HISTORY = (dt.datetime(2017, 12, 1, tzinfo=dt.UTC), dt.datetime(2028, 1, 1, tzinfo=dt.UTC))

Key = tuple[str, object]  # (series id, start as a UTC instant or a date)


@dataclass
class Override:
    """A moved occurrence, stored as its own event: the series, the original start, the new times."""

    recurrence_id: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date


@dataclass
class Series:
    id: str
    time_zone: str
    all_day: bool
    start: dt.datetime | dt.date
    duration: dt.timedelta
    lines: list[str]
    overrides: list[Override] = field(default_factory=list)

    def parse(self) -> recurrence.RecurrenceRule:
        return recurrence.parse_recurrence(
            self.lines, self.start, time_zone=self.time_zone, all_day=self.all_day
        )


# --- data -------------------------------------------------------------------------------------------


def _rule(rng: random.Random, day: dt.date, all_day: bool) -> str:
    """An RRULE in sync with `day`, of the kinds calendar users pick."""
    weekday = WEEKDAYS[day.weekday()]
    kind = rng.choices(("daily", "weekly", "monthly", "yearly"), weights=(20, 50, 22, 8))[0]
    if all_day:
        kind = rng.choice(("weekly", "yearly", "monthly"))
    if kind == "daily":
        return rng.choice(("FREQ=DAILY", "FREQ=DAILY;INTERVAL=2", "FREQ=DAILY;INTERVAL=3"))
    if kind == "weekly":
        days = {weekday} | set(rng.sample(WEEKDAYS[:5], rng.randint(0, 3)))
        interval = rng.choices((1, 2, 3), weights=(70, 25, 5))[0]
        by_day = ",".join(day for day in WEEKDAYS if day in days)
        return (
            f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={by_day}"
            if interval > 1
            else f"FREQ=WEEKLY;BYDAY={by_day}"
        )
    if kind == "monthly":
        if rng.random() < 0.5:
            return f"FREQ=MONTHLY;BYMONTHDAY={day.day}"
        nth = (day.day - 1) // 7 + 1
        ordinal = -1 if nth == 5 or (nth == 4 and rng.random() < 0.5 and day.day + 7 > 31) else nth
        return f"FREQ=MONTHLY;BYDAY={ordinal}{weekday}"
    return "FREQ=YEARLY"


def build(count: int, seed: int) -> list[Series]:
    rng = random.Random(seed)
    result: list[Series] = []
    span = (LAST_START - FIRST_START).days
    for index in range(count):
        zone_name = rng.choice(ZONES)
        zone = zoneinfo.ZoneInfo(zone_name)
        day = FIRST_START + dt.timedelta(days=rng.randrange(span))
        all_day = rng.random() < 0.1
        rule = _rule(rng, day, all_day)
        end = rng.random()
        if end < 0.3:
            rule += f";COUNT={rng.randint(5, 400)}"
        elif end < 0.65:
            until = day + dt.timedelta(days=rng.randint(60, 3000))
            rule += f";UNTIL={until:%Y%m%d}" if all_day else f";UNTIL={until:%Y%m%d}T235959Z"
        if all_day:
            start: dt.datetime | dt.date = day
            duration = dt.timedelta(days=rng.choice((1, 1, 1, 2, 3)))
        else:
            start = dt.datetime.combine(day, dt.time(rng.randint(7, 18), rng.choice((0, 15, 30, 45))), zone)
            duration = dt.timedelta(minutes=rng.choice((15, 30, 45, 60, 90, 120)))
        series = Series(f"s{index:04d}", zone_name, all_day, start, duration, [f"RRULE:{rule}"])
        _add_exceptions(rng, series)
        result.append(series)
    return result


def _add_exceptions(rng: random.Random, series: Series) -> None:
    """Cancel a few occurrences (EXDATE) and move a few others (overrides), mostly around the bench year."""
    rule = series.parse()
    occurrences = recurrence.expand(rule, *HISTORY, series.duration)
    if len(occurrences) < 3:
        return
    cancelled = rng.sample(occurrences, min(len(occurrences) - 1, rng.choice((0, 0, 1, 2, 4))))
    for occurrence in cancelled:
        series.lines = recurrence.with_exdate(
            recurrence.parse_recurrence(
                series.lines, series.start, time_zone=series.time_zone, all_day=series.all_day
            ),
            occurrence.start,
        )
    remaining = [occurrence for occurrence in occurrences if occurrence not in cancelled]
    for occurrence in rng.sample(remaining, min(len(remaining), rng.choice((0, 0, 1, 2, 3)))):
        if series.all_day:
            shift: dt.timedelta = dt.timedelta(days=rng.choice((-2, -1, 1, 3)))
        else:
            shift = dt.timedelta(hours=rng.choice((-26, -3, -1, 1, 2, 50)))
        new_start = occurrence.start + shift
        series.overrides.append(Override(occurrence.recurrence_id, new_start, new_start + series.duration))


def calendar_of(all_series: list[Series]) -> icalendar.Calendar:
    """The equivalent VCALENDAR: masters with the same lines, overrides with RECURRENCE-ID."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//scheduler-app//bench//EN"]
    for series in all_series:
        end = _end(series.start, series.duration)
        lines += ["BEGIN:VEVENT", f"UID:{series.id}", _local("DTSTART", series.start, series.time_zone)]
        lines += [_local("DTEND", end, series.time_zone)]
        lines += [*series.lines, "END:VEVENT"]
        for override in series.overrides:
            original = recurrence.parse_recurrence_id(override.recurrence_id, all_day=series.all_day)
            lines += ["BEGIN:VEVENT", f"UID:{series.id}", _when("RECURRENCE-ID", original)]
            lines += [_when("DTSTART", override.start), _when("DTEND", override.end), "END:VEVENT"]
    lines += ["END:VCALENDAR", ""]
    return icalendar.Calendar.from_ical("\r\n".join(lines))


def _end(start: dt.datetime | dt.date, duration: dt.timedelta) -> dt.datetime | dt.date:
    if isinstance(start, dt.datetime):
        return (start.astimezone(dt.UTC) + duration).astimezone(start.tzinfo)
    return start + duration


def _local(name: str, value: dt.datetime | dt.date, zone: str) -> str:
    """A master's DTSTART/DTEND: local time with TZID, so the rule keeps its wall clock."""
    if isinstance(value, dt.datetime):
        return f"{name};TZID={zone}:{value.astimezone(zoneinfo.ZoneInfo(zone)):%Y%m%dT%H%M%S}"
    return f"{name};VALUE=DATE:{value:%Y%m%d}"


def _when(name: str, value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return f"{name}:{value.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    return f"{name};VALUE=DATE:{value:%Y%m%d}"


# --- the cases ----------------------------------------------------------------------------------------


def ours(all_series: list[Series], start: dt.datetime, end: dt.datetime) -> set[Key]:
    """What the service would do: expand each master (overridden ids left out), add overrides in range."""
    found: set[Key] = set()
    for series in all_series:
        rule = series.parse()
        skip = {override.recurrence_id for override in series.overrides}
        for occurrence in recurrence.expand(rule, start, end, series.duration, exclude=skip):
            found.add((series.id, _key(occurrence.start)))
        for override in series.overrides:  # in the app: a range query on the override documents
            if _overlaps(override, start, end):
                found.add((series.id, _key(override.start)))
    return found


def ours_cold(all_series: list[Series], start: dt.datetime, end: dt.datetime) -> set[Key]:
    # Measure parsing and validation too: empty the module's parse cache.
    recurrence._parse_cached.cache_clear()
    return ours(all_series, start, end)


def theirs(calendar: icalendar.Calendar, start: dt.datetime, end: dt.datetime) -> set[Key]:
    return {
        (str(event["UID"]), _key(event["DTSTART"].dt))
        for event in recurring_ical_events.of(calendar).between(start, end)
    }


def _key(value: dt.datetime | dt.date) -> object:
    return value.astimezone(dt.UTC) if isinstance(value, dt.datetime) else value


def _overlaps(override: Override, start: dt.datetime, end: dt.datetime) -> bool:
    if isinstance(override.start, dt.datetime):
        return override.start < end and override.end > start  # type: ignore[operator]
    midnight = dt.datetime.combine(override.start, dt.time(), dt.UTC)
    return midnight < end and dt.datetime.combine(override.end, dt.time(), dt.UTC) > start  # type: ignore[arg-type]


# --- running ----------------------------------------------------------------------------------------------


def months() -> list[tuple[dt.datetime, dt.datetime]]:
    starts = [dt.datetime(YEAR, month, 1, tzinfo=dt.UTC) for month in range(1, 13)]
    return list(zip(starts, [*starts[1:], dt.datetime(YEAR + 1, 1, 1, tzinfo=dt.UTC)], strict=True))


def timed(function: Callable[[], set[Key]]) -> tuple[float, set[Key]]:
    began = time.perf_counter()
    result = function()
    return (time.perf_counter() - began) * 1000, result


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=2, help="passes over the 12 months of 2026")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    began = time.perf_counter()
    all_series = build(args.series, args.seed)
    calendar = calendar_of(all_series)
    endless = sum(not series.parse().bounded for series in all_series)
    exdates = sum(len(series.parse().exdates) for series in all_series)
    overrides = sum(len(series.overrides) for series in all_series)
    print(
        f"{len(all_series)} series ({endless} endless, {sum(s.all_day for s in all_series)} all-day), "
        f"{exdates} EXDATEs, {overrides} overrides; built in {time.perf_counter() - began:.1f} s"
    )
    ours(all_series, *months()[0])  # warm-up: parse cache filled, imports done
    theirs(calendar, *months()[0])

    samples: dict[str, list[float]] = {"ours, warm": [], "ours, cold": [], "recurring-ical-events": []}
    shown: list[int] = []
    for _ in range(args.rounds):
        for start, end in months():
            warm_ms, warm = timed(lambda start=start, end=end: ours(all_series, start, end))
            cold_ms, cold = timed(lambda start=start, end=end: ours_cold(all_series, start, end))
            ours(all_series, start, end)  # refill the parse cache for the next warm run
            their_ms, reference = timed(lambda start=start, end=end: theirs(calendar, start, end))
            if not warm == cold == reference:
                print(
                    f"MISMATCH in {start:%Y-%m}: only ours {sorted(warm - reference)[:5]}, "
                    f"only theirs {sorted(reference - warm)[:5]}",
                    file=sys.stderr,
                )
                return 1
            shown.append(len(reference))
            samples["ours, warm"].append(warm_ms)
            samples["ours, cold"].append(cold_ms)
            samples["recurring-ical-events"].append(their_ms)

    baseline = statistics.median(samples["recurring-ical-events"])
    print(
        f"month views: {len(shown)}; occurrences shown per month: {min(shown)}-{max(shown)} "
        f"(median {statistics.median(shown):.0f}); all three agreed on every month"
    )
    print(f"{'case':<24} {'median ms':>10} {'p95 ms':>10} {'runs':>5} {'speed-up':>9}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(
            f"{name:<24} {median:>10.1f} {percentile(values, 0.95):>10.1f} {len(values):>5} {baseline / median:>8.1f}x"
        )
    print(f"total {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
