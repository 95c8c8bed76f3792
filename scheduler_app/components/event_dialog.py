"""The event form in a dialog: create, edit, delete."""

from __future__ import annotations

from typing import Any

import reflex as rx

from scheduler_app.backend.models import DESCRIPTION_MAX, LOCATION_MAX, TITLE_MAX
from scheduler_app.components.form_field import labelled
from scheduler_app.components.person_row import person_row
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


STATUS_LABELS = {
    "needsAction": "No answer yet",
    "accepted": "Accepted",
    "tentative": "Maybe",
    "declined": "Declined",
}
STATUS_COLORS = {"needsAction": "gray", "accepted": "green", "tentative": "amber", "declined": "red"}


def _status_badge(status: rx.Var[str]) -> rx.Component:
    return rx.match(
        status,
        *[
            (key, rx.badge(label, color_scheme=STATUS_COLORS[key], variant="soft"))
            for key, label in STATUS_LABELS.items()
        ],
        rx.badge(status),
    )


def _guest_row(guest: rx.Var[dict[str, Any]]) -> rx.Component:
    email = guest["email"].to(str)
    copy_link = rx.cond(
        guest["link"].to(str) != "",
        rx.icon_button(
            rx.icon("link", size=14),
            type="button",
            variant="ghost",
            aria_label="Copy invitation link for " + email,
            title="Copy the link this guest can answer from",
            on_click=[rx.set_clipboard(guest["link"].to(str)), rx.toast.info("Invitation link copied.")],
        ),
    )
    return person_row(
        email,
        guest["optional"].to(bool),
        lambda checked: CalendarState.set_guest_optional(email, checked),
        CalendarState.remove_guest(email),
        _status_badge(guest["response_status"].to(str)),
        copy_link,
    )


def _guests_editor() -> rx.Component:
    """The guest field belongs to no form (form="none"): Enter adds a guest instead of saving the event."""
    return rx.vstack(
        labelled(
            "Guests",
            "event-guest",
            rx.hstack(
                rx.input(
                    id="event-guest",
                    type="email",
                    value=CalendarState.form_guest_email,
                    on_change=CalendarState.set_form_guest_email,
                    on_key_down=CalendarState.guest_key_down,
                    placeholder="name@example.com",
                    flex="1",
                    custom_attrs={"form": "none"},
                ),
                rx.button("Add guest", type="button", variant="soft", on_click=CalendarState.add_guest),
                width="100%",
            ),
            CalendarState.form_guest_error,
        ),
        rx.vstack(
            rx.foreach(CalendarState.form_guests, _guest_row),
            width="100%",
            spacing="1",
            role="list",
            aria_label="Guests",
        ),
        rx.cond(
            CalendarState.form_guests.length() > 0,
            rx.text(
                "Guests get an e-mail invitation with a link to answer, and an update when the time changes.",
                size="1",
                color_scheme="gray",
            ),
        ),
        rx.cond(
            (CalendarState.form_guests.length() > 0) & ~CalendarState.form_guest_editor, _guest_permissions()
        ),
        width="100%",
        spacing="2",
    )


GUEST_PERMISSION_LABELS = (
    ("guests_can_modify", "Modify event", CalendarState.form_guests_can_modify),
    ("guests_can_invite_others", "Invite others", CalendarState.form_guests_can_invite_others),
    ("guests_can_see_other_guests", "See guest list", CalendarState.form_guests_can_see_other_guests),
)


def _guest_permissions() -> rx.Component:
    """Google's three guest permissions, as plain form checkboxes (sent with the event)."""
    return rx.el.fieldset(
        rx.el.legend("Guests can", class_name="field-label"),
        rx.hstack(
            *[
                rx.el.label(
                    rx.el.input(type="checkbox", name=name, id=f"event-{name}", default_checked=checked),
                    " ",
                    label,
                    html_for=f"event-{name}",
                    class_name="inline-check",
                )
                for name, label, checked in GUEST_PERMISSION_LABELS
            ],
            spacing="4",
            wrap="wrap",
        ),
        class_name="plain-fieldset",
    )


def _video_call() -> rx.Component:
    return rx.hstack(
        rx.el.label(
            rx.el.input(
                type="checkbox",
                id="event-video-call",
                checked=CalendarState.form_video_call,
                on_change=CalendarState.set_form_video_call,
            ),
            rx.icon("video", size=16),
            " Add video call",
            html_for="event-video-call",
            class_name="inline-check",
        ),
        rx.cond(
            CalendarState.form_video_call & (CalendarState.form_conference_url == ""),
            rx.el.label(
                "with ",
                rx.el.select(
                    rx.foreach(
                        CalendarState.form_video_options,
                        lambda option: rx.el.option(option["label"], value=option["value"]),
                    ),
                    id="event-video-provider",
                    value=CalendarState.form_video_provider,
                    on_change=CalendarState.set_form_video_provider,
                    aria_label="Video call provider",
                    class_name="native-select",
                ),
                html_for="event-video-provider",
                class_name="inline-check",
            ),
        ),
        rx.cond(
            CalendarState.form_video_call & (CalendarState.form_conference_url != ""),
            rx.link(
                CalendarState.form_conference_url,
                href=CalendarState.form_conference_url,
                is_external=True,
                size="2",
                class_name="meeting-link",
            ),
        ),
        align="center",
        spacing="3",
        wrap="wrap",
    )


def _guest_view() -> rx.Component:
    """What an invited guest sees: the event's details and their answer."""
    answer = CalendarState.form_my_response
    return rx.vstack(
        rx.text(rx.icon("clock", size=14), " ", CalendarState.form_when_text, size="2"),
        rx.cond(
            CalendarState.form_location != "",
            rx.text(rx.icon("map-pin", size=14), " ", CalendarState.form_location, size="2"),
        ),
        rx.cond(
            CalendarState.form_organizer != "",
            rx.text("Organised by ", rx.text.strong(CalendarState.form_organizer), size="2"),
        ),
        rx.cond(
            CalendarState.form_conference_url != "",
            rx.link(
                rx.icon("video", size=14),
                " Join video call",
                href=CalendarState.form_conference_url,
                is_external=True,
                size="2",
            ),
        ),
        rx.cond(
            CalendarState.form_description != "",
            rx.text(CalendarState.form_description, size="2", white_space="pre-wrap"),
        ),
        rx.cond(CalendarState.form_guests.length() > 0, rx.heading("Guests", size="2", as_="h3")),
        rx.vstack(
            rx.foreach(
                CalendarState.form_guests,
                lambda guest: rx.hstack(
                    rx.text(guest["email"].to(str), size="2", flex="1"),
                    _status_badge(guest["response_status"].to(str)),
                    width="100%",
                ),
            ),
            width="100%",
            role="list",
            aria_label="Guests",
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
        rx.cond(CalendarState.form_can_respond, rx.text("Going?", size="2", weight="medium")),
        rx.hstack(
            rx.cond(
                CalendarState.form_can_respond,
                rx.hstack(
                    *[
                        rx.button(
                            label,
                            type="button",
                            variant=rx.cond(answer == status, "solid", "outline"),
                            aria_pressed=rx.cond(answer == status, "true", "false"),
                            on_click=CalendarState.respond(status),
                        )
                        for status, label in (("accepted", "Yes"), ("tentative", "Maybe"), ("declined", "No"))
                    ],
                ),
            ),
            rx.spacer(),
            rx.dialog.close(rx.button("Close", type="button", variant="soft", color_scheme="gray")),
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


DAY_NAMES = (
    ("MO", "Mon"),
    ("TU", "Tue"),
    ("WE", "Wed"),
    ("TH", "Thu"),
    ("FR", "Fri"),
    ("SA", "Sat"),
    ("SU", "Sun"),
)


def _custom_repeat() -> rx.Component:
    """Every N days / weeks / months / years; weekly on the chosen days."""
    return rx.cond(
        CalendarState.form_repeat == "custom",
        rx.vstack(
            rx.hstack(
                labelled(
                    "Every",
                    "event-repeat-interval",
                    rx.input(
                        id="event-repeat-interval",
                        type="number",
                        min=1,
                        max=999,
                        value=CalendarState.form_custom_interval,
                        on_change=lambda value: CalendarState.set_repeat_field("form_custom_interval", value),
                    ),
                    _error("repeat_interval"),
                ),
                labelled(
                    "Unit",
                    "event-repeat-unit",
                    rx.el.select(
                        rx.el.option("days", value="DAILY"),
                        rx.el.option("weeks", value="WEEKLY"),
                        rx.el.option("months", value="MONTHLY"),
                        rx.el.option("years", value="YEARLY"),
                        id="event-repeat-unit",
                        value=CalendarState.form_custom_frequency,
                        on_change=lambda value: CalendarState.set_repeat_field(
                            "form_custom_frequency", value
                        ),
                        class_name="native-select",
                    ),
                ),
                width="100%",
            ),
            rx.cond(
                CalendarState.form_custom_frequency == "WEEKLY",
                rx.el.fieldset(
                    rx.el.legend("On", class_name="field-label"),
                    rx.hstack(
                        *[
                            rx.el.label(
                                rx.el.input(
                                    type="checkbox",
                                    checked=CalendarState.form_custom_days.contains(code),
                                    on_change=lambda chosen, code=code: CalendarState.toggle_custom_day(
                                        code, chosen
                                    ),
                                ),
                                f" {name}",
                                class_name="inline-check",
                            )
                            for code, name in DAY_NAMES
                        ],
                        wrap="wrap",
                        spacing="3",
                    ),
                    class_name="plain-fieldset",
                ),
            ),
            width="100%",
            spacing="2",
        ),
    )


def _repeat_controls() -> rx.Component:
    """Repeat presets (as Google Calendar offers them) and when the repetition ends."""
    return rx.cond(
        CalendarState.show_repeat,
        rx.vstack(
            labelled(
                "Repeat",
                "event-repeat",
                rx.el.select(
                    rx.foreach(
                        CalendarState.repeat_options,
                        lambda option: rx.el.option(option[1], value=option[0]),
                    ),
                    id="event-repeat",
                    value=CalendarState.form_repeat,
                    on_change=lambda value: CalendarState.set_repeat_field("form_repeat", value),
                    class_name="native-select",
                ),
                _error("recurrence"),
            ),
            _custom_repeat(),
            rx.cond(
                CalendarState.form_repeat != "none",
                rx.hstack(
                    labelled(
                        "Ends",
                        "event-repeat-ends",
                        rx.el.select(
                            rx.el.option("Never", value="never"),
                            rx.el.option("On a date", value="on"),
                            rx.el.option("After a number of times", value="after"),
                            id="event-repeat-ends",
                            value=CalendarState.form_repeat_ends,
                            on_change=lambda value: CalendarState.set_repeat_field("form_repeat_ends", value),
                            class_name="native-select",
                        ),
                    ),
                    rx.match(
                        CalendarState.form_repeat_ends,
                        (
                            "on",
                            labelled(
                                "Last day",
                                "event-repeat-until",
                                rx.input(
                                    id="event-repeat-until",
                                    type="date",
                                    value=CalendarState.form_repeat_until,
                                    on_change=lambda value: CalendarState.set_repeat_field(
                                        "form_repeat_until", value
                                    ),
                                ),
                                _error("repeat_until"),
                            ),
                        ),
                        (
                            "after",
                            labelled(
                                "Times",
                                "event-repeat-count",
                                rx.input(
                                    id="event-repeat-count",
                                    type="number",
                                    min=1,
                                    max=1000,
                                    value=CalendarState.form_repeat_count,
                                    on_change=lambda value: CalendarState.set_repeat_field(
                                        "form_repeat_count", value
                                    ),
                                ),
                                _error("repeat_count"),
                            ),
                        ),
                        rx.fragment(),
                    ),
                    width="100%",
                    align="end",
                ),
            ),
            width="100%",
            spacing="2",
        ),
    )


def _scope_choice() -> rx.Component:
    """For an occurrence of a series: which occurrences a save or delete applies to."""
    return rx.cond(
        CalendarState.form_is_occurrence,
        rx.el.fieldset(
            rx.el.legend("Apply changes to", class_name="field-label"),
            rx.radio_group.root(
                rx.flex(
                    rx.radio_group.item("This event", value="this"),
                    rx.radio_group.item("This and following events", value="following"),
                    rx.radio_group.item("All events", value="all"),
                    direction="column",
                    spacing="1",
                ),
                value=CalendarState.form_scope,
                on_change=CalendarState.set_form_scope,
            ),
            class_name="plain-fieldset",
        ),
    )


def _calendar_option(calendar: rx.Var[dict[str, Any]]) -> rx.Component:
    return rx.el.option(calendar["name"].to(str), value=calendar["id"].to(str))


def event_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(CalendarState.form_heading),
            rx.dialog.description("Details of the event", class_name="sr-only"),
            rx.cond(
                CalendarState.form_is_guest,
                _guest_view(),
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
                                time_zone_select(
                                    "event-time-zone", "time_zone", CalendarState.form_time_zone
                                ),
                                _error("time_zone"),
                            ),
                        ),
                        rx.cond(
                            ~CalendarState.form_guest_editor,
                            labelled(
                                "Calendar",
                                "event-calendar",
                                rx.el.select(
                                    rx.foreach(CalendarState.writable_calendars, _calendar_option),
                                    id="event-calendar",
                                    name="calendar_id",
                                    default_value=CalendarState.form_calendar_id,
                                    class_name="native-select",
                                ),
                                _error("calendar_id"),
                            ),
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
                        rx.cond(
                            CalendarState.form_conflicts.length() > 0,  # type: ignore[attr-defined]
                            rx.callout.root(
                                rx.callout.icon(rx.icon("calendar-x")),
                                rx.vstack(
                                    rx.text("Overlaps with:", weight="medium", size="2"),
                                    rx.foreach(
                                        CalendarState.form_conflicts, lambda line: rx.text(line, size="1")
                                    ),
                                    spacing="1",
                                ),
                                color_scheme="amber",
                                size="1",
                                width="100%",
                                role="status",
                                aria_label="Conflicts",
                            ),
                        ),
                        _repeat_controls(),
                        _guests_editor(),
                        _video_call(),
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
                        _scope_choice(),
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
                                CalendarState.may_delete,
                                rx.button(
                                    rx.icon("trash-2", size=14),
                                    "Delete",
                                    type="button",
                                    color_scheme="red",
                                    variant="soft",
                                    on_click=CalendarState.delete_event,
                                ),
                            ),
                            rx.cond(
                                CalendarState.editing,
                                rx.link("Download .ics", href=CalendarState.event_export_url, size="2"),
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
            ),
            max_width="560px",
        ),
        open=CalendarState.event_dialog_open,
        on_open_change=CalendarState.set_event_dialog_open,
    )
