"""Sidebar list of the user's calendars: show/hide each, and create a new one."""

from __future__ import annotations

from typing import Any

import reflex as rx

from scheduler_app.components.calendar_files_dialog import calendar_files_dialog
from scheduler_app.components.form_field import labelled
from scheduler_app.state.calendar import CalendarState

PALETTE = ["#3b82f6", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#db2777", "#4b5563"]


def _calendar_row(calendar: rx.Var[dict[str, Any]]) -> rx.Component:
    checkbox_id = "show-calendar-" + calendar["id"].to(str)
    return rx.hstack(
        rx.el.input(
            type="checkbox",
            id=checkbox_id,
            checked=calendar["visible"].to(bool),
            on_change=lambda checked: CalendarState.toggle_calendar(calendar["id"].to(str), checked),
            style={"accentColor": calendar["color"].to(str), "width": "16px", "height": "16px"},
        ),
        rx.el.label(calendar["name"].to(str), html_for=checkbox_id, class_name="calendar-name"),
        align="center",
        spacing="2",
    )


def _new_calendar_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("plus", size=14), "New calendar", variant="soft", size="1")),
        rx.dialog.content(
            rx.dialog.title("New calendar"),
            rx.form(
                rx.vstack(
                    labelled(
                        "Name",
                        "calendar-name",
                        rx.input(id="calendar-name", name="name", required=True, max_length=100),
                    ),
                    rx.el.fieldset(
                        rx.el.legend("Colour", class_name="field-label"),
                        rx.hstack(
                            *[
                                rx.el.label(
                                    rx.el.input(
                                        type="radio",
                                        name="color",
                                        value=color,
                                        default_checked=index == 0,
                                        aria_label=f"Colour {color}",
                                    ),
                                    rx.box(class_name="swatch", background=color),
                                    class_name="swatch-choice",
                                )
                                for index, color in enumerate(PALETTE)
                            ],
                            spacing="2",
                            wrap="wrap",
                        ),
                        class_name="plain-fieldset",
                    ),
                    rx.cond(
                        CalendarState.calendar_form_error != "",
                        rx.callout(CalendarState.calendar_form_error, color_scheme="red", role="alert"),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", type="button", variant="soft", color_scheme="gray")
                        ),
                        rx.button("Create calendar", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=CalendarState.create_calendar,
                reset_on_submit=False,
            ),
        ),
        open=CalendarState.calendar_dialog_open,
        on_open_change=CalendarState.set_calendar_dialog_open,
    )


def calendar_sidebar() -> rx.Component:
    return rx.el.aside(
        rx.vstack(
            rx.button(
                rx.icon("plus"),
                "New event",
                on_click=CalendarState.new_event,
                size="3",
                width="100%",
                # Until the browser has told its time zone, a new event would land in the wrong zone.
                disabled=~CalendarState.time_zone_known,
            ),
            rx.heading("My calendars", size="2", as_="h2", margin_top="1em"),
            rx.vstack(
                rx.foreach(CalendarState.calendars, _calendar_row),
                spacing="2",
                role="group",
                aria_label="My calendars",
            ),
            _new_calendar_dialog(),
            calendar_files_dialog(),
            spacing="2",
            align="start",
        ),
        class_name="sidebar",
        aria_label="Calendars",
    )
