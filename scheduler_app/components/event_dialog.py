"""The event form in a dialog: create, edit, delete."""

from __future__ import annotations

from typing import Any

import reflex as rx

from scheduler_app.backend.models import DESCRIPTION_MAX, LOCATION_MAX, TITLE_MAX
from scheduler_app.components.form_field import labelled
from scheduler_app.components.time_zone_select import time_zone_select
from scheduler_app.state.calendar import CalendarState

ERRORS = CalendarState.form_field_errors


def _error(name: str) -> rx.Var[str]:
    return ERRORS.get(name, "").to(str)


def _when_inputs() -> rx.Component:
    kind = rx.cond(CalendarState.form_all_day, "date", "datetime-local")
    return rx.grid(
        labelled(
            "Starts",
            "event-start",
            rx.input(
                id="event-start",
                type=kind,
                value=CalendarState.form_start,
                on_change=CalendarState.set_form_start,
                required=True,
            ),
            _error("start"),
        ),
        labelled(
            rx.cond(CalendarState.form_all_day, "Ends (last day)", "Ends"),  # type: ignore[arg-type]
            "event-end",
            rx.input(
                id="event-end",
                type=kind,
                value=CalendarState.form_end,
                on_change=CalendarState.set_form_end,
                required=True,
            ),
            _error("end"),
        ),
        columns="2",
        spacing="3",
        width="100%",
    )


def _calendar_option(calendar: rx.Var[dict[str, Any]]) -> rx.Component:
    return rx.el.option(calendar["name"].to(str), value=calendar["id"].to(str))


def event_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(CalendarState.form_heading),
            rx.dialog.description("Details of the event", class_name="sr-only"),
            rx.form(
                rx.vstack(
                    labelled(
                        "Title",
                        "event-title",
                        rx.input(
                            id="event-title",
                            name="title",
                            default_value=CalendarState.form_title,
                            max_length=TITLE_MAX,
                            auto_focus=True,
                            placeholder="Add a title",
                        ),
                        _error("title"),
                    ),
                    rx.el.label(
                        rx.el.input(
                            type="checkbox",
                            id="event-all-day",
                            checked=CalendarState.form_all_day,
                            on_change=CalendarState.set_form_all_day,
                        ),
                        " All day",
                        html_for="event-all-day",
                        class_name="inline-check",
                    ),
                    _when_inputs(),
                    rx.cond(
                        ~CalendarState.form_all_day,
                        labelled(
                            "Time zone",
                            "event-time-zone",
                            time_zone_select("event-time-zone", "time_zone", CalendarState.form_time_zone),
                            _error("time_zone"),
                        ),
                    ),
                    labelled(
                        "Calendar",
                        "event-calendar",
                        rx.el.select(
                            rx.foreach(CalendarState.calendars, _calendar_option),
                            id="event-calendar",
                            name="calendar_id",
                            default_value=CalendarState.form_calendar_id,
                            class_name="native-select",
                        ),
                        _error("calendar_id"),
                    ),
                    labelled(
                        "Location",
                        "event-location",
                        rx.input(
                            id="event-location",
                            name="location",
                            default_value=CalendarState.form_location,
                            max_length=LOCATION_MAX,
                        ),
                        _error("location"),
                    ),
                    labelled(
                        "Description",
                        "event-description",
                        rx.text_area(
                            id="event-description",
                            name="description",
                            default_value=CalendarState.form_description,
                            max_length=DESCRIPTION_MAX,
                            rows="4",
                        ),
                        _error("description"),
                    ),
                    rx.cond(
                        CalendarState.form_error != "",
                        rx.callout(
                            CalendarState.form_error,
                            icon="triangle-alert",
                            color_scheme="red",
                            role="alert",
                            width="100%",
                        ),
                    ),
                    rx.hstack(
                        rx.cond(
                            CalendarState.editing,
                            rx.button(
                                rx.icon("trash-2", size=14),
                                "Delete",
                                type="button",
                                color_scheme="red",
                                variant="soft",
                                on_click=CalendarState.delete_event,
                            ),
                        ),
                        rx.spacer(),
                        rx.dialog.close(
                            rx.button("Cancel", type="button", variant="soft", color_scheme="gray")
                        ),
                        rx.button("Save", type="submit"),
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=CalendarState.save_event,
                reset_on_submit=False,
                key=CalendarState.form_key,
            ),
            max_width="560px",
        ),
        open=CalendarState.event_dialog_open,
        on_open_change=CalendarState.set_event_dialog_open,
    )
