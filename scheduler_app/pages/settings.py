"""Settings: the time zone the calendar is shown in."""

from __future__ import annotations

from typing import Any

import reflex as rx

from scheduler_app.components.form_field import labelled
from scheduler_app.components.layout import page_frame
from scheduler_app.components.settings_nav import settings_nav
from scheduler_app.components.time_zone_select import time_zone_select
from scheduler_app.state.preferences import FOLLOW_BROWSER, PreferencesState
from scheduler_app.state.working_hours import WorkingHoursState


def _hours_row(row: rx.Var[dict[str, Any]]) -> rx.Component:
    day, label = row["day"].to(str), row["label"].to(str)
    return rx.hstack(
        rx.el.label(
            rx.el.input(
                type="checkbox",
                checked=row["on"].to(bool),
                on_change=lambda on: WorkingHoursState.set_day_on(day, on),
            ),
            " ",
            label,
            class_name="inline-check hours-day",
        ),
        rx.input(
            type="time",
            value=row["start"].to(str),
            on_change=lambda value: WorkingHoursState.set_day_start(day, value),
            disabled=~row["on"].to(bool) | row["several"].to(bool),
            aria_label=label + " starts",
        ),
        rx.text("to", size="2"),
        rx.input(
            type="time",
            value=row["end"].to(str),
            on_change=lambda value: WorkingHoursState.set_day_end(day, value),
            disabled=~row["on"].to(bool) | row["several"].to(bool),
            aria_label=label + " ends",
        ),
        rx.cond(row["several"].to(bool), rx.text("several ranges (kept)", size="1", color_scheme="gray")),
        align="center",
        spacing="3",
        wrap="wrap",
    )


def _working_hours_card() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Working hours", size="3", as_="h2"),
                rx.text(
                    "Find a time keeps meetings inside these hours, and the calendar shades the rest.",
                    size="2",
                    color_scheme="gray",
                ),
                labelled(
                    "Working hours time zone",
                    "hours-time-zone",
                    rx.box(
                        time_zone_select("hours-time-zone", "time_zone", WorkingHoursState.hours_zone),
                        key=WorkingHoursState.hours_zone,
                    ),
                ),
                rx.vstack(rx.foreach(WorkingHoursState.hour_rows, _hours_row), spacing="2"),
                rx.cond(
                    WorkingHoursState.hours_error != "",
                    rx.callout(WorkingHoursState.hours_error, color_scheme="red", role="alert"),
                ),
                rx.cond(
                    WorkingHoursState.hours_message != "",
                    rx.text(WorkingHoursState.hours_message, role="status", color_scheme="green"),
                ),
                rx.button("Save working hours", type="submit"),
                spacing="3",
                align="start",
            ),
            on_submit=WorkingHoursState.save_hours,
            reset_on_submit=False,
        ),
        width="100%",
    )


@rx.page(
    route="/settings",
    title="Settings · Scheduler",
    on_load=[PreferencesState.load_page, WorkingHoursState.load_hours],
)
def settings_page() -> rx.Component:
    return page_frame(
        rx.container(
            rx.vstack(
                rx.heading("Settings", size="6", as_="h1"),
                settings_nav("/settings"),
                rx.card(
                    rx.form(
                        rx.vstack(
                            labelled(
                                "Time zone",
                                "settings-time-zone",
                                rx.box(
                                    time_zone_select(
                                        "settings-time-zone",
                                        "time_zone",
                                        PreferencesState.time_zone_choice,
                                        [(FOLLOW_BROWSER, "Follow my browser")],
                                    ),
                                    key=PreferencesState.time_zone_choice,
                                ),
                            ),
                            rx.text(
                                "Your browser says you are in ",
                                rx.code(PreferencesState.browser_time_zone),
                                ".",
                                size="2",
                                color_scheme="gray",
                            ),
                            rx.cond(
                                PreferencesState.error != "",
                                rx.callout(PreferencesState.error, color_scheme="red", role="alert"),
                            ),
                            rx.cond(
                                PreferencesState.message != "",
                                rx.text(PreferencesState.message, role="status", color_scheme="green"),
                            ),
                            rx.button("Save settings", type="submit"),
                            spacing="3",
                            align="start",
                        ),
                        on_submit=PreferencesState.save,
                        reset_on_submit=False,
                    ),
                    width="100%",
                ),
                _working_hours_card(),
                rx.link("← Back to calendar", href="/"),
                spacing="4",
                padding_y="2em",
            ),
            size="2",
        ),
    )
