"""The "Import & export" dialog: download .ics, private subscription link, import a file."""

from __future__ import annotations

from typing import Any

import reflex as rx

from scheduler_app.components.form_field import labelled
from scheduler_app.state.calendar_files import UPLOAD_ID, CalendarFilesState


def _calendar_option(calendar: rx.Var[dict[str, Any]]) -> rx.Component:
    return rx.el.option(calendar["name"].to(str), value=calendar["id"].to(str))


def _skipped_row(item: rx.Var[dict[str, Any]]) -> rx.Component:
    return rx.el.li(rx.text.strong(item["title"].to(str)), ": ", item["reason"].to(str))


def _preview_row(item: rx.Var[dict[str, Any]]) -> rx.Component:
    return rx.el.li(
        rx.text.strong(item["title"].to(str)),
        " · ",
        item["when"].to(str),
        rx.cond(item["change"].to(str) == "update", " (update)", ""),
    )


def _feed_section() -> rx.Component:
    state = CalendarFilesState
    return rx.vstack(
        rx.heading("Subscribe from another app", size="2", as_="h3"),
        rx.text(
            "A private link that Google Calendar, Outlook or Apple Calendar can subscribe to. Anyone with the "
            "link can read this calendar; make a new one to revoke the old.",
            size="1",
            color_scheme="gray",
        ),
        rx.cond(
            state.feed_url != "",
            rx.hstack(
                rx.input(value=state.feed_url, read_only=True, aria_label="Subscription link", flex="1"),
                rx.button(
                    "Copy",
                    type="button",
                    variant="soft",
                    on_click=[rx.set_clipboard(state.feed_url), rx.toast.info("Link copied.")],
                ),
                rx.button(
                    "Turn off",
                    type="button",
                    variant="soft",
                    color_scheme="red",
                    on_click=state.turn_off_feed,
                ),
                width="100%",
            ),
            rx.button("Create private link", type="button", variant="soft", on_click=state.create_feed),
        ),
        spacing="2",
        width="100%",
    )


def _import_section() -> rx.Component:
    state = CalendarFilesState
    return rx.vstack(
        rx.heading("Import an .ics file", size="2", as_="h3"),
        rx.upload(
            rx.vstack(
                rx.icon("upload", size=20),
                rx.text("Drop an .ics file here, or click to choose one", size="2"),
                align="center",
                spacing="1",
            ),
            id=UPLOAD_ID,
            accept={"text/calendar": [".ics", ".ical", ".ifb", ".icalendar"]},
            max_files=1,
            on_drop=state.preview_file(rx.upload_files(upload_id=UPLOAD_ID)),
            border="1px dashed var(--gray-a8)",
            padding="1em",
            width="100%",
            aria_label="Import an .ics file",
        ),
        rx.cond(
            state.importing, rx.hstack(rx.spinner(size="1"), rx.text("Importing…", size="2"), role="status")
        ),
        rx.cond(
            state.import_error != "",
            rx.callout(state.import_error, color_scheme="red", role="alert", width="100%"),
        ),
        rx.cond(
            state.import_summary != "",
            rx.callout(state.import_summary, color_scheme="green", role="status", width="100%"),
        ),
        rx.cond(
            state.import_preview.length() > 0,  # type: ignore[attr-defined]
            rx.el.ul(
                rx.foreach(state.import_preview, _preview_row),
                class_name="skipped-list",
                aria_label="To import",
            ),
        ),
        rx.cond(
            state.import_ready,
            rx.hstack(
                rx.button(
                    "Cancel", type="button", variant="soft", color_scheme="gray", on_click=state.cancel_import
                ),
                rx.button("Import now", type="button", on_click=state.confirm_import),
                justify="end",
                width="100%",
            ),
        ),
        rx.cond(
            state.import_skipped.length() > 0,  # type: ignore[attr-defined]
            rx.el.ul(
                rx.foreach(state.import_skipped, _skipped_row),
                class_name="skipped-list",
                aria_label="Skipped",
            ),
        ),
        spacing="2",
        width="100%",
    )


def calendar_files_dialog() -> rx.Component:
    state = CalendarFilesState
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(rx.icon("file-down", size=14), "Import & export", variant="soft", size="1")
        ),
        rx.dialog.content(
            rx.dialog.title("Import & export"),
            rx.vstack(
                labelled(
                    "Calendar",
                    "files-calendar",
                    rx.el.select(
                        rx.foreach(state.calendars, _calendar_option),
                        id="files-calendar",
                        value=state.files_calendar_id,
                        on_change=state.set_files_calendar_id,
                        class_name="native-select",
                    ),
                ),
                rx.link(
                    rx.icon("download", size=14),
                    " Download as .ics",
                    href=state.export_url,
                    is_external=False,
                ),
                rx.separator(),
                _feed_section(),
                rx.separator(),
                _import_section(),
                rx.hstack(
                    rx.dialog.close(rx.button("Close", type="button", variant="soft", color_scheme="gray")),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
            ),
            max_width="560px",
        ),
        open=state.files_dialog_open,
        on_open_change=state.set_files_dialog_open,
    )
