"""The pure slot logic of booking pages: hours, busy time, buffers, notice, horizon, limits, hosts."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler_app.backend.booking.service import lock_ids
from scheduler_app.backend.booking.slots import (
    BookingRules,
    HostTime,
    available_slots,
    bookable_slot,
    ranked_hosts,
)
from scheduler_app.backend.errors import ConflictError, InvalidInputError
from scheduler_app.backend.scheduling.busy import BusyInterval
from scheduler_app.backend.scheduling.working_hours import WorkingHours

pytestmark = pytest.mark.unit
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
MONDAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 2, 27, 12, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), BERLIN)


def host(host_id: str = "ada", *busy: tuple[dt.datetime, dt.datetime], **fields) -> HostTime:
    hours = WorkingHours.weekdays("Europe/Berlin", "09:00-12:00", "13:00-17:00")
    return HostTime(host_id, hours, [BusyInterval(s, e) for s, e in busy], **fields)


def rules(**fields) -> BookingRules:
    fields.setdefault("duration", 30 * MIN)
    fields.setdefault("grid_zone", "Europe/Berlin")
    return BookingRules(**fields)


def starts(found) -> list[str]:
    return [f"{slot.start.astimezone(BERLIN):%H:%M}" for slot in found]


def day_slots(booking_rules: BookingRules, hosts: list[HostTime], now: dt.datetime = NOW) -> list[str]:
    return starts(available_slots(booking_rules, hosts, now, at(0), at(0, day=MONDAY + dt.timedelta(days=1))))


def test_slots_fill_working_hours_on_the_hosts_clock() -> None:
    found = day_slots(rules(step=30 * MIN), [host()])
    assert found == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"] + [
        f"{hour}:{minute}" for hour in range(13, 17) for minute in ("00", "30")
    ]


def test_busy_time_widened_by_buffers_is_not_offered() -> None:
    busy = host("ada", (at(10), at(11)))
    assert "10:00" not in day_slots(rules(), [busy]) and "11:00" in day_slots(rules(), [busy])
    buffered = rules(buffer_before=15 * MIN, buffer_after=15 * MIN)
    found = day_slots(buffered, [busy])
    assert "09:15" in found and "09:30" not in found and "11:00" not in found and "11:15" in found


def test_notice_and_horizon_bound_the_window() -> None:
    now = at(10, day=MONDAY)
    assert day_slots(rules(min_notice=60 * MIN), [host()], now)[0] == "11:00"
    assert day_slots(rules(horizon=dt.timedelta(hours=3)), [host()], now)[-1] == "11:30"
    assert day_slots(rules(), [host()], at(18)) == []


def test_daily_limit_closes_the_whole_local_day() -> None:
    full = host("ada", booked_per_day={MONDAY: 2})
    assert day_slots(rules(daily_limit=2), [full]) == []
    assert day_slots(rules(daily_limit=3), [full]) != []
    with pytest.raises(InvalidInputError) as refused:
        bookable_slot(rules(daily_limit=2), [full], NOW, at(10))
    assert "fully booked" in refused.value.errors[0].message


def test_collective_intersects_and_round_robin_unions() -> None:
    morning_busy = host("bob", (at(9), at(12)))
    collective = day_slots(rules(step=60 * MIN), [host(), morning_busy])
    assert collective == ["13:00", "14:00", "15:00", "16:00"]
    either = available_slots(
        rules(step=60 * MIN, kind="round_robin"), [host(), morning_busy], NOW, at(0), at(23)
    )
    assert starts(either)[0] == "09:00" and either[0].host_ids == ("ada",)
    assert either[-1].host_ids == ("ada", "bob")


def test_round_robin_ranks_by_priority_then_fewest_bookings() -> None:
    hosts = [host("a", load=3), host("b", load=1), host("c", priority=2, load=9)]
    assert [item.host_id for item in ranked_hosts(hosts)] == ["c", "b", "a"]


def test_each_refusal_has_its_own_reason() -> None:
    def reason(start: dt.datetime, **fields) -> str:
        with pytest.raises(InvalidInputError) as refused:
            bookable_slot(rules(**fields), [host()], NOW, start)
        return refused.value.errors[0].message

    assert "passed" in reason(at(10, day=dt.date(2026, 2, 20)))
    assert "notice" in reason(at(10), min_notice=dt.timedelta(days=5))
    assert "days ahead" in reason(at(10), horizon=dt.timedelta(days=2))
    assert "every 15 minutes" in reason(at(10, 5))
    assert "not available" in reason(at(12))
    assert bookable_slot(rules(), [host()], NOW, at(10)).start == at(10)


def test_a_time_taken_by_a_meeting_is_a_conflict_not_bad_input() -> None:
    with pytest.raises(ConflictError, match="just taken"):
        bookable_slot(rules(), [host("ada", (at(10), at(10, 30)))], NOW, at(10))


@settings(max_examples=40, deadline=None)
@given(zone=st.sampled_from(["UTC", "America/New_York", "Asia/Kathmandu", "Pacific/Auckland"]))
def test_offered_instants_do_not_depend_on_the_bookers_zone(zone: str) -> None:
    """The grid is the host's: asking in another zone only changes how the same instants are written."""
    viewer = zoneinfo.ZoneInfo(zone)
    start = dt.datetime.combine(MONDAY, dt.time(), viewer)
    found = available_slots(rules(), [host()], NOW, start, start + dt.timedelta(days=3))
    reference = available_slots(
        rules(), [host()], NOW, at(0) - dt.timedelta(days=2), at(0) + dt.timedelta(days=5)
    )
    inside = [slot.start for slot in reference if start <= slot.start < start + dt.timedelta(days=3)]
    assert [slot.start for slot in found] == inside


@settings(max_examples=60, deadline=None)
@given(
    busy=st.lists(st.tuples(st.integers(0, 24 * 12), st.integers(1, 36)), max_size=6),
    before=st.sampled_from([0, 5, 15]),
    after=st.sampled_from([0, 10, 30]),
)
def test_no_offered_slot_touches_a_meeting_or_leaves_working_hours(busy, before, after) -> None:
    meetings = [(at(0) + start * 5 * MIN, at(0) + (start + length) * 5 * MIN) for start, length in busy]
    booking_rules = rules(buffer_before=before * MIN, buffer_after=after * MIN)
    for slot in available_slots(booking_rules, [host("ada", *meetings)], NOW, at(0), at(23)):
        low, high = slot.start - booking_rules.buffer_before, slot.end + booking_rules.buffer_after
        assert all(not (start < high and end > low) for start, end in meetings)
        assert at(9) <= slot.start and slot.end <= at(17) and not (slot.start < at(13) and slot.end > at(12))


def test_lock_ids_cover_every_five_minute_block_per_host() -> None:
    ids = lock_ids(["a", "b"], at(10) - 5 * MIN, at(10, 30) + 10 * MIN)
    assert len(ids) == 2 * 9 and ids[0] == "a:20260302T0855Z" and ids[-1] == "b:20260302T0935Z"
    assert lock_ids(["a"], at(10, 2), at(10, 7)) == ["a:20260302T0900Z", "a:20260302T0905Z"]
