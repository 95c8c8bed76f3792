"""Candidate start times: a grid aligned to the viewer's wall clock (09:00, 09:15, ...), DST included."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from scheduler_app.backend.scheduling.working_hours import local_dates

_DAY = dt.timedelta(days=1)


def slot_starts(
    start: dt.datetime, end: dt.datetime, step: dt.timedelta, zone: zoneinfo.ZoneInfo
) -> list[dt.datetime]:
    """Sorted UTC instants in [start, end) whose wall-clock time in `zone` is a multiple of `step`.

    `step` must divide a day. On days without a clock change the grid is plain arithmetic; on a
    change day each wall time is converted (both readings of a repeated hour, gap times skipped).
    """
    starts: list[dt.datetime] = []
    per_day = _DAY // step
    for day in local_dates(start, end, zone):
        midnight = dt.datetime.combine(day, dt.time(), zone)
        next_midnight = dt.datetime.combine(day + _DAY, dt.time(), zone)
        first = midnight.astimezone(dt.UTC)
        if (
            midnight.utcoffset() == next_midnight.utcoffset()
            and next_midnight.astimezone(dt.UTC) - first == _DAY
        ):
            day_starts = [first + step * index for index in range(per_day)]
        else:
            day_starts = _change_day_starts(midnight, step, per_day, zone)
        starts.extend(instant for instant in day_starts if start <= instant < end)
    return starts


def _change_day_starts(
    midnight: dt.datetime, step: dt.timedelta, per_day: int, zone: zoneinfo.ZoneInfo
) -> list[dt.datetime]:
    instants: set[dt.datetime] = set()
    naive_midnight = midnight.replace(tzinfo=None)
    for index in range(per_day):
        wall = naive_midnight + step * index
        for fold in (0, 1):
            aware = wall.replace(tzinfo=zone, fold=fold)
            instant = aware.astimezone(dt.UTC)
            if instant.astimezone(zone).replace(tzinfo=None) == wall:
                instants.add(instant)
    return sorted(instants)
