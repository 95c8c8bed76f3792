"""Sidebar list of calendars (yours, then those shared with you): show/hide, share, create."""

from __future__ import annotations

from typing import Any

import reflex as rx

from scheduler_app.components.calendar_files_dialog import calendar_files_dialog
from scheduler_app.components.calendar_share_dialog import calendar_share_dialog
from scheduler_app.components.form_field import labelled
from scheduler_app.state.calendar import CalendarState
from scheduler_app.state.calendar_sharing import CalendarSharingState

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
        rx.spacer(),
        rx.cond(
            calendar["access_role"].to(str) == "owner",
            rx.icon_button(
                rx.icon("user-plus", size=14),
                variant="ghost",
                size="1",
                color_scheme="gray",
                aria_label="Share " + calendar["name"].to(str),
                title="Share",
                on_click=CalendarSharingState.open_sharing(calendar["id"].to(str)),
            ),
        ),
        align="center",
        spacing="2",
        width="100%",
    )


ROLE_NAMES = {"owner": "owner", "editor": "can edit", "viewer": "can view", "freebusy": "free/busy"}


def _shared_calendar_row(calendar: rx.Var[dict[str, Any]]) -> rx.Component:
    """A calendar someone shared with you: whose it is, your access, and a way to remove it."""
    role = calendar["access_role"].to(str)
    return rx.vstack(
        _calendar_row(calendar),
        rx.hstack(
            rx.text(
                calendar["owner_email"].to(str),
                " · ",
                rx.match(role, *ROLE_NAMES.items(), role),
                size="1",
                color_scheme="gray",
                class_name="shared-calendar-meta",
            ),
            rx.button(
                "Remove",
                size="1",
                variant="ghost",
                type="button",
                on_click=CalendarSharingState.leave_calendar(calendar["id"].to(str)),
                aria_label="Remove " + calendar["name"].to(str) + " from my calendars",
            ),
            spacing="2",
            padding_left="24px",
        ),
        spacing="0",
        width="100%",
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
                rx.foreach(CalendarState.own_calendars, _calendar_row),
                spacing="2",
                role="group",
                aria_label="My calendars",
                width="100%",
            ),
            rx.cond(
                CalendarState.shared_calendars.length() > 0,
                rx.vstack(
                    rx.heading("Other calendars", size="2", as_="h2", margin_top="1em"),
                    rx.vstack(
                        rx.foreach(CalendarState.shared_calendars, _shared_calendar_row),
                        spacing="2",
                        role="group",
                        aria_label="Other calendars",
                        width="100%",
                    ),
                    width="100%",
                ),
            ),
            _new_calendar_dialog(),
            calendar_files_dialog(),
            calendar_share_dialog(),
            spacing="2",
            align="start",
        ),
        class_name="sidebar",
        aria_label="Calendars",
    )
