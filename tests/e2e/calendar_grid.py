"""Finding places on the FullCalendar grid and dragging on it, for Playwright tests."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from playwright.async_api import Locator, Page


async def day_column(page: Page, date: str) -> dict[str, float]:
    """Bounding box of the timed column for `date` (YYYY-MM-DD) in week/day view."""
    box = await page.locator(f'[role=cell][data-date="{date}"]').last.bounding_box()
    assert box is not None, f"no column for {date}"
    return box


async def slot_row(page: Page, time: str) -> dict[str, float]:
    """Bounding box of the time-grid row starting at `time` (HH:MM:SS): the widest match is the row."""
    boxes = [
        box for loc in await page.locator(f'[data-time="{time}"]').all() if (box := await loc.bounding_box())
    ]
    assert boxes, f"no slot row for {time}"
    return max(boxes, key=lambda box: box["width"])


async def slot_point(page: Page, date: str, time: str) -> tuple[float, float]:
    column, row = await day_column(page, date), await slot_row(page, time)
    return column["x"] + column["width"] / 2, row["y"] + min(8, row["height"] / 2)


async def scroll_to_slot(page: Page, time: str) -> None:
    await page.locator(f'[data-time="{time}"]').last.scroll_into_view_if_needed()


async def drag(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Press, move past FullCalendar's drag threshold, move to `end`, release."""
    await page.mouse.move(*start)
    await page.mouse.down()
    await page.mouse.move(start[0] + 6, start[1] + 6, steps=4)
    await page.mouse.move(*end, steps=20)
    await page.mouse.up()


async def click_slot(page: Page, date: str, time: str) -> None:
    await scroll_to_slot(page, time)
    x, y = await slot_point(page, date, time)
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.mouse.up()


def event_button(page: Page, title: str) -> Locator:
    return page.get_by_role("button", name=title).filter(has_text=title).first


def this_week_days() -> list[str]:
    """The Monday-first week the calendar opens on (browser zone Europe/Berlin)."""
    today = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Berlin")).date()
    monday = today - dt.timedelta(days=today.weekday())
    return [(monday + dt.timedelta(days=offset)).isoformat() for offset in range(7)]
