"""The calendar: day, week, month and agenda views of the user's visible calendars."""

from __future__ import annotations

import reflex as rx

from scheduler_app.components.calendar_list import calendar_sidebar
from scheduler_app.components.event_dialog import event_dialog
from scheduler_app.components.fullcalendar import full_calendar
from scheduler_app.components.layout import page_frame
from scheduler_app.state.calendar import CalendarState


def _status() -> rx.Component:
    return rx.hstack(
        rx.cond(
            CalendarState.banner != "",
            rx.callout(
                CalendarState.banner, icon="triangle-alert", color_scheme="red", role="alert", size="1"
            ),
        ),
        rx.cond(
            CalendarState.loading,
            rx.hstack(rx.spinner(size="1"), rx.text("Loading…", size="1"), role="status"),
        ),
        min_height="0",
        spacing="3",
    )


@rx.page(route="/", title="Calendar · Scheduler", on_load=CalendarState.load_page)
def calendar_page() -> rx.Component:
    return page_frame(
        rx.flex(
            calendar_sidebar(),
            rx.box(
                _status(),
                rx.cond(
                    CalendarState.time_zone_known,
                    full_calendar(
                        events=CalendarState.events,
                        events_revision=CalendarState.events_revision,
                        initial_view=CalendarState.view,
                        time_zone=CalendarState.display_time_zone,
                        business_hours=CalendarState.business_hours,
                        height="100%",
                        on_dates_set=CalendarState.dates_set,
                        on_select=CalendarState.new_event_at,
                        on_event_click=CalendarState.open_event,
                        on_event_drop=CalendarState.move_event,
                        on_event_resize=CalendarState.move_event,
                    ),
                ),
                class_name="calendar-area",
            ),
            class_name="calendar-layout",
        ),
        event_dialog(),
    )
