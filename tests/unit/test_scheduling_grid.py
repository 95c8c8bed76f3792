"""Candidate starts: a grid on the viewer's wall clock, through DST changes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from scheduler_app.backend.scheduling.grid import slot_starts
from tests.scheduling_cases import HOUR, utc

pytestmark = pytest.mark.unit

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")


def test_grid_is_aligned_to_the_viewer_wall_clock():
    starts = slot_starts(utc(2026, 3, 2, 8, 10), utc(2026, 3, 2, 10), dt.timedelta(minutes=30), BERLIN)
    assert [f"{start.astimezone(BERLIN):%H:%M}" for start in starts] == ["09:30", "10:00", "10:30"]
    assert all(start.tzinfo is dt.UTC for start in starts)


def test_half_hour_zone_puts_hourly_slots_on_the_half_hour_in_utc():
    starts = slot_starts(utc(2026, 3, 2), utc(2026, 3, 2, 3), HOUR, KOLKATA)
    assert [f"{start:%H:%M}" for start in starts] == ["00:30", "01:30", "02:30"]


def test_spring_forward_day_skips_the_missing_hour():
    day = slot_starts(utc(2026, 3, 8, 5), utc(2026, 3, 9, 4), HOUR, NEW_YORK)
    local = [f"{start.astimezone(NEW_YORK):%H:%M}" for start in day]
    assert len(day) == 23
    assert "02:00" not in local
    assert local[:3] == ["00:00", "01:00", "03:00"]


def test_fall_back_day_offers_both_readings_of_the_repeated_hour():
    day = slot_starts(utc(2026, 10, 24, 22), utc(2026, 10, 25, 23), HOUR, BERLIN)
    local = [f"{start.astimezone(BERLIN):%H:%M %Z}" for start in day]
    assert len(day) == 25
    assert local[2:4] == ["02:00 CEST", "02:00 CET"]
    assert day == sorted(set(day))


def test_grid_is_empty_for_an_empty_span():
    assert slot_starts(utc(2026, 3, 2, 10), utc(2026, 3, 2, 10), HOUR, BERLIN) == []
