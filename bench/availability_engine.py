"""Benchmark: the availability engine against a brute-force search, and how it grows with participants.

Run from the project root (three to five minutes with the defaults on two shared cores):

    .venv/bin/python -m bench.availability_engine [--repeats N] [--baseline-repeats M] [--seed S]

Every participant has a year of meetings (2026, about 2,000 busy intervals each, in no particular
order: recurring series expanded in their own zone, team series shared by groups of eight, and
one-offs; about one in ten tentative), working hours 09:00-17:00 Monday to Friday in their zone, and
now and then a few days out of office. Zones: Europe/London, Europe/Berlin, America/New_York. The
search asks for a 60-minute meeting in the four weeks from Monday 2 March 2026 (both the US and the
EU clock changes fall inside), 15-minute steps, top 10, a 7-day lookahead; the first three
participants (London and Berlin) are required, the rest optional.

Cases, in the same run:

* engine: `find_suggestions` (validation included) given the whole year; past `MAX_PARTICIPANTS` the
  engine below the validation (`search`), since the limit refuses such groups;
* window-only: the same call given only the meetings overlapping `request.busy_range()`, as the
  service will load them (same answer asserted);
* baseline: every candidate start checked against every busy interval (the whole year)
  of every participant by scanning lists, then scored with the engine's own scoring so that the
  answers can be compared;
* required-first: the same brute force, but a slot is dropped at the first required participant who
  cannot attend (a shortcut anyone would add).

Both brute forces run for the smaller groups; their top suggestions must equal the engine's.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import os
import platform
import random
import statistics
import time
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scheduler_app.backend.scheduling import (
    MAX_PARTICIPANTS,
    BusyInterval,
    BusyStatus,
    OutOfOffice,
    Participant,
    Suggestion,
    SuggestionRequest,
    SuggestionResult,
    WorkingHours,
    find_suggestions,
    search,
)
from scheduler_app.backend.scheduling.grid import slot_starts
from scheduler_app.backend.scheduling.scoring import assess_slot, ranking_key
from tests.scheduling_oracle import ScannedCalendar

ZONES = ("Europe/London", "Europe/Berlin", "America/New_York")
YEAR_START = dt.date(2026, 1, 1)
YEAR_DAYS = 365
WINDOW_START = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
WINDOW = dt.timedelta(weeks=4)
REQUIRED = 3
SIZES = (5, 50, 200, 500)
BASELINE_SIZES = (5, 50)
TEAM_SIZE = 8
ONE_OFFS_PER_WORKDAY = (1, 4)
TENTATIVE_SHARE = 0.1


@dataclass(frozen=True)
class Series:
    """A weekly-based recurring meeting: weekdays, local start, length, every `interval` weeks."""

    weekdays: tuple[int, ...]
    start: dt.time
    minutes: int
    interval: int

    def occurrences(self, zone: zoneinfo.ZoneInfo, phase: int) -> list[tuple[dt.datetime, dt.datetime]]:
        spans = []
        for offset in range(YEAR_DAYS):
            day = YEAR_START + dt.timedelta(days=offset)
            if day.weekday() in self.weekdays and (offset // 7 + phase) % self.interval == 0:
                start = dt.datetime.combine(day, self.start, zone).astimezone(dt.UTC)
                spans.append((start, start + dt.timedelta(minutes=self.minutes)))
        return spans


def random_series(rng: random.Random) -> Series:
    kind = rng.random()
    minutes = rng.choice((15, 30, 30, 45, 60))
    start = dt.time(rng.randint(9, 16), rng.choice((0, 30)))
    if kind < 0.25:
        return Series((0, 1, 2, 3, 4), dt.time(rng.randint(9, 10), rng.choice((0, 15, 30))), 15, 1)
    if kind < 0.8:
        return Series((rng.randrange(5),), start, minutes, 1)
    return Series((rng.randrange(5),), start, minutes, 2)


def make_participants(count: int, seed: int) -> list[Participant]:
    """`count` people with a year of meetings each; the first REQUIRED are required."""
    rng = random.Random(seed)
    teams = [[random_series(rng) for _ in range(6)] for _ in range(count // TEAM_SIZE + 1)]
    participants = []
    for index in range(count):
        # Required people sit in the two European zones; optional ones in all three.
        zone_name = ZONES[index % 2] if index < REQUIRED else ZONES[index % len(ZONES)]
        zone = zoneinfo.ZoneInfo(zone_name)
        spans: list[tuple[dt.datetime, dt.datetime]] = []
        for series in teams[index // TEAM_SIZE]:
            spans += series.occurrences(zone, 0)
        for _ in range(8):
            spans += random_series(rng).occurrences(zone, rng.randrange(2))
        for offset in range(YEAR_DAYS):
            day = YEAR_START + dt.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for _ in range(rng.randint(*ONE_OFFS_PER_WORKDAY)):
                local = dt.datetime.combine(
                    day, dt.time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))), zone
                )
                start = local.astimezone(dt.UTC)
                spans.append((start, start + dt.timedelta(minutes=rng.choice((30, 30, 45, 60, 90)))))
        busy = [
            BusyInterval(
                start, end, BusyStatus.TENTATIVE if rng.random() < TENTATIVE_SHARE else BusyStatus.BUSY
            )
            for start, end in spans
        ]
        rng.shuffle(busy)  # arrive in no particular order, as from a database
        absences = []
        if rng.random() < 0.15:
            start = WINDOW_START + dt.timedelta(days=rng.randrange(28))
            absences.append(OutOfOffice(start, start + dt.timedelta(days=rng.randint(1, 5))))
        hours = WorkingHours.weekdays(zone_name, "09:00-17:00", out_of_office=absences)
        participants.append(
            Participant(f"p{index}", f"Person {index}", zone_name, hours, busy, optional=index >= REQUIRED)
        )
    return participants


def make_request() -> SuggestionRequest:
    return SuggestionRequest(
        duration=dt.timedelta(hours=1),
        window_start=WINDOW_START,
        window_end=WINDOW_START + WINDOW,
        now=WINDOW_START - dt.timedelta(days=1),
        viewer_time_zone="Europe/Berlin",
        limit=10,
        lookahead=dt.timedelta(days=7),
    )


# --- baseline ----------------------------------------------------------------------------------------


def brute_force(
    request: SuggestionRequest, participants: Sequence[Participant], *, required_first: bool = False
) -> list[Suggestion]:
    """Every grid slot in the window against every interval of every participant, by scanning; best first.

    With `required_first`, a slot is dropped at the first required participant who cannot attend,
    before the others are looked at (the shortcut anyone would add; not the brief's baseline).
    """
    calendars = [
        ScannedCalendar(participant, request, request.window_start, request.window_end)
        for participant in participants
    ]
    required = [calendar for calendar in calendars if not calendar.participant.optional]
    earliest = max(request.window_start, request.now + request.min_notice)
    grid = slot_starts(
        earliest, request.window_end, request.slot_step, zoneinfo.ZoneInfo(request.viewer_time_zone)
    )
    ranked = []
    for start in grid:
        end = start + request.duration
        if end > request.window_end:
            continue
        if required_first:
            if not all(calendar.can_attend(start, end) for calendar in required):
                continue
            attendances = [(calendar.participant, calendar.attendance(start, end)) for calendar in calendars]
        else:
            attendances = [(calendar.participant, calendar.attendance(start, end)) for calendar in calendars]
            if not all(calendar.can_attend(start, end) for calendar in required):
                continue
        ranked.append(assess_slot(start, end, attendances))
    ranked.sort(key=ranking_key)
    return ranked[: request.limit]


def window_meetings(request: SuggestionRequest, busy: Sequence[BusyInterval]) -> list[BusyInterval]:
    """What the service will pass: only the meetings overlapping `request.busy_range()`."""
    low, high = request.busy_range()
    return [meeting for meeting in busy if meeting.start < high and meeting.end > low]


# --- measuring ---------------------------------------------------------------------------------------


class Timer:
    """Collects wall-clock times of repeated calls; reports the median in milliseconds."""

    def __init__(self, function: Callable[[], object]):
        self.function = function
        self.times: list[float] = []
        self.answer = function()  # warm-up

    def run(self, times: int = 1) -> None:
        for _ in range(times):
            began = time.perf_counter()
            self.answer = self.function()
            self.times.append(time.perf_counter() - began)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000


@dataclass
class Row:
    participants: int
    function: str
    engine_ms: float
    window_only_ms: float
    fitting_slots: int
    best_score: float | None
    baseline_ms: float | None = None
    required_first_ms: float | None = None

    def cells(self) -> list[str]:
        return [
            str(self.participants),
            self.function,
            f"{self.engine_ms:,.1f}",
            f"{self.window_only_ms:,.1f}",
            _ms(self.baseline_ms),
            _ratio(self.baseline_ms, self.engine_ms),
            _ms(self.required_first_ms),
            _ratio(self.required_first_ms, self.engine_ms),
            str(self.fitting_slots),
            "-" if self.best_score is None else f"{self.best_score:g}",
        ]


HEADERS = [
    "participants",
    "engine function",
    "engine ms",
    "window-only ms",
    "baseline ms",
    "speed-up",
    "required-first ms",
    "speed-up",
    "fitting slots",
    "best score",
]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _ratio(slow: float | None, fast: float) -> str:
    return "-" if slow is None else f"{slow / fast:,.0f}x"


def measure(request: SuggestionRequest, group: list[Participant], repeats: int, baseline_repeats: int) -> Row:
    """Time the engine on `group` and, for the smaller groups, both brute forces, checking their answers.

    The cases are interleaved round by round so that all of them see the same (noisy) machine.
    """
    engine = find_suggestions if len(group) <= MAX_PARTICIPANTS else search
    engine_timer = Timer(lambda: engine(request, group))
    window_group = [dataclasses.replace(p, busy=window_meetings(request, p.busy)) for p in group]
    window_timer = Timer(lambda: engine(request, window_group))
    brute_forces = []
    if len(group) in BASELINE_SIZES:
        brute_forces = [
            Timer(lambda: brute_force(request, group)),
            Timer(lambda: brute_force(request, group, required_first=True)),
        ]
    rounds = max(1, baseline_repeats if brute_forces else 1)
    for round_index in range(rounds):
        engine_timer.run(repeats // rounds + (round_index < repeats % rounds))
        window_timer.run(repeats // rounds + (round_index < repeats % rounds))
        for timer in brute_forces:
            timer.run()
    result = engine_timer.answer
    assert isinstance(result, SuggestionResult)
    for timer in brute_forces:
        assert list(result.suggestions) == timer.answer, f"{len(group)} participants: the answers differ"
    assert window_timer.answer == result, f"{len(group)} participants: window-only input answers differently"
    return Row(
        len(group),
        engine.__name__,
        engine_timer.median_ms,
        window_timer.median_ms,
        result.candidates,
        result.suggestions[0].score if result.suggestions else None,
        *(timer.median_ms for timer in brute_forces),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=30, help="timed engine runs per size")
    parser.add_argument("--baseline-repeats", type=int, default=3, help="timed brute-force runs per size")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    request = make_request()
    print(
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M %Z')}, load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"window {request.window_start:%Y-%m-%d} + 4 weeks, 60-minute meeting, 15-minute steps, top {request.limit}"
    )
    began = time.perf_counter()
    everyone = make_participants(max(SIZES), args.seed)
    intervals = sum(len(participant.busy) for participant in everyone)
    # A million long-lived meetings would otherwise be rescanned by every full garbage collection,
    # adding noise to both sides; freezing them is what a long-running server does after start-up.
    gc.collect()
    gc.freeze()
    print(
        f"generated {len(everyone)} participants, {intervals:,} busy intervals "
        f"({intervals / len(everyone):,.0f} each) in {time.perf_counter() - began:.1f} s\n"
    )
    widths = [len(header) for header in HEADERS]
    print("  ".join(header.rjust(width) for header, width in zip(HEADERS, widths, strict=True)))
    for size in SIZES:
        row = measure(request, everyone[:size], args.repeats, args.baseline_repeats)
        print(
            "  ".join(cell.rjust(width) for cell, width in zip(row.cells(), widths, strict=True)), flush=True
        )
    print(
        f"\nmedians of {args.repeats} engine and {args.baseline_repeats} brute-force runs; the engine's top "
        f"{request.limit} equal both brute forces' at {' and '.join(map(str, BASELINE_SIZES))} participants"
    )


if __name__ == "__main__":
    main()
