"""The "who is free" grid: a person counts when free and, if working hours count, at work."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from scheduler_app.backend.scheduling.busy import BusyInterval
from scheduler_app.backend.scheduling.service import FreeBusy, Person
from scheduler_app.backend.scheduling.working_hours import WorkingHours
from scheduler_app.state.find_time import _grid_cell, _working_time

pytestmark = pytest.mark.unit
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
MONDAY = dt.date(2026, 3, 2)


def person(email: str, zone: str) -> Person:
    return Person(email, email, email.split("@")[0].title(), zone, WorkingHours.weekdays(zone, "09:00-17:00"))


def cells(respect_hours: bool) -> dict[int, dict]:
    ada, ben = person("ada@example.com", "Europe/Berlin"), person("ben@example.com", "America/New_York")
    people = {p.email: p for p in (ada, ben)}
    day_start = dt.datetime.combine(MONDAY, dt.time(), BERLIN)
    meeting = BusyInterval(day_start.replace(hour=16), day_start.replace(hour=17))
    free_busy = [FreeBusy(ada.email, [meeting]), FreeBusy(ben.email, [])]
    end = day_start + dt.timedelta(days=1)
    working = (
        {email: _working_time(p.hours, day_start, end) for email, p in people.items()}
        if respect_hours
        else None
    )
    return {
        hour: _grid_cell(MONDAY, hour, BERLIN, free_busy, people, working) for hour in (8, 10, 15, 16, 18)
    }


def test_working_hours_decide_who_can_attend_and_mark_hours_outside_everyones() -> None:
    grid = cells(respect_hours=True)
    assert grid[8]["off_hours"] is True and grid[8]["level"] == "0"  # 08:00 Berlin, 02:00 New York
    assert grid[10]["level"] == "2" and "Outside working hours: Ben" in grid[10]["title"]
    assert grid[15]["level"] == "4" and grid[15]["off_hours"] is False  # 09:00 in New York
    assert grid[16]["level"] == "2"  # Ada is in a meeting
    assert grid[18]["level"] == "2" and "Outside working hours: Ada" in grid[18]["title"]
    assert "Ben 12:00 America/New_York" in grid[18]["title"]


def test_without_working_hours_only_meetings_count() -> None:
    grid = cells(respect_hours=False)
    assert grid[8]["level"] == "4" and grid[8]["off_hours"] is False
    assert grid[16]["level"] == "2"
