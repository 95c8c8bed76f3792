"""Week view with 300 events in Chromium: time from navigation to every event drawn.

Baseline in the same run: the same user's week view with no events in it (navigation to grid drawn),
so the figure that matters is the extra cost of drawing 300 events.

    .venv/bin/python -m bench.week_view_render [--events 300] [--repeats 7]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import time
import zoneinfo

from playwright.async_api import Browser, async_playwright
from reflex.config import get_config

from scheduler_app.backend.auth.service import issue_login_ticket, sign_up
from scheduler_app.backend.db import configure_database
from scheduler_app.backend.events import timing
from scheduler_app.backend.events.calendars import list_calendars
from scheduler_app.backend.models import EventDoc
from scheduler_app.settings import PROJECT_ROOT, get_settings
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.servers import scratch_database

ZONE = "Europe/Berlin"


def week_events(calendar_id: str, owner_id: str, monday: dt.date, count: int, prefix: str) -> list[dict]:
    """`count` 30-90 minute events spread over the week's working hours."""
    zone = zoneinfo.ZoneInfo(ZONE)
    documents = []
    for index in range(count):
        day = monday + dt.timedelta(days=index % 7)
        start = dt.datetime.combine(day, dt.time(8 + (index // 7) % 10, 30 * (index % 2)), zone)
        end = start + dt.timedelta(minutes=30 + 30 * (index % 3))
        start_utc, end_utc = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
        documents.append(
            EventDoc(
                calendar_id=calendar_id,
                owner_id=owner_id,
                title=f"{prefix} {index}",
                start_utc=start_utc,
                end_utc=end_utc,
                time_zone=ZONE,
                time_keys=timing.time_keys(calendar_id, start_utc, end_utc),
            ).to_mongo()
        )
    return documents


async def make_user(events: int, monday: dt.date, prefix: str) -> str:
    """A user whose current week holds `events` events; returns a login ticket."""
    from scheduler_app.backend.db import collections

    db = collections()
    user = await sign_up(db, f"bench-{time.time_ns()}@example.com", "Bench", "bench password", ZONE)
    calendar = (await list_calendars(db, user.id))[0]
    if events:
        await db.events.insert_many(week_events(calendar.id, user.id, monday, events, prefix))
    return await issue_login_ticket(db, user.id)


async def time_week_view(
    browser: Browser, app_url: str, ticket: str, expected: int, prefix: str
) -> list[tuple[float, float]]:
    """Sign in once, then time navigation -> all `expected` events drawn, on repeated loads."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, timezone_id=ZONE)
    page = await context.new_page()
    await page.goto(f"{get_config().api_url}/auth/complete?ticket={ticket}")
    await page.wait_for_url(f"{app_url}/")
    grid_drawn = "() => document.querySelector('[data-time=\"08:00:00\"]') !== null"
    events_drawn = """([prefix, expected]) => [...document.querySelectorAll('[role=button]')]
        .filter((el) => el.textContent.includes(prefix + ' ')).length >= expected"""
    timings = []
    for _ in range(REPEATS + 1):
        started = time.perf_counter()
        await page.goto(f"{app_url}/")
        await page.wait_for_function(grid_drawn, timeout=60_000, polling="raf")
        grid = (time.perf_counter() - started) * 1000
        await page.wait_for_function(events_drawn, arg=[prefix, expected], timeout=60_000, polling="raf")
        timings.append((grid, (time.perf_counter() - started) * 1000))
    await context.close()
    return timings[1:]  # the first load warms caches


REPEATS = 7


async def main() -> None:
    global REPEATS
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    REPEATS = args.repeats

    from reflex.testing import AppHarnessProd

    with scratch_database("bench-week-") as uri:
        os.environ["MONGODB_URI"] = uri
        os.environ["MONGODB_DATABASE"] = "bench"
        get_settings.cache_clear()
        database = configure_database(uri, "bench")
        await database.ensure_indexes()
        today = dt.datetime.now(zoneinfo.ZoneInfo(ZONE)).date()
        monday = today - dt.timedelta(days=today.weekday())
        empty_ticket = await make_user(0, monday, "Empty")
        full_ticket = await make_user(args.events, monday, "Bench")
        print("building the app in production mode...", flush=True)
        with AppHarnessProd.create(root=PROJECT_ROOT, app_name="scheduler_app") as harness:
            assert harness.frontend_url
            app_url = harness.frontend_url.rstrip("/")
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                baseline = await time_week_view(browser, app_url, empty_ticket, 0, "Empty")
                loaded = await time_week_view(browser, app_url, full_ticket, args.events, "Bench")
                await browser.close()

    print(f"\nweek view, median of {REPEATS} loads in headless Chromium (ms from navigation)")
    print(f"{'case':<24}{'grid drawn':>12}{'events drawn':>14}{'events after grid':>19}")
    for label, runs in (("baseline: empty week", baseline), (f"{args.events} events", loaded)):
        grid = statistics.median(run[0] for run in runs)
        done = statistics.median(run[1] for run in runs)
        after = statistics.median(run[1] - run[0] for run in runs)
        print(f"{label:<24}{grid:>12.0f}{done:>14.0f}{after:>19.0f}")
    base = statistics.median(run[1] for run in baseline)
    full = statistics.median(run[1] for run in loaded)
    print(f"ratio: {full / base:.2f}x the empty week's time to a complete view")


if __name__ == "__main__":
    asyncio.run(main())
