"""Find a time that works for everyone, ranked, with why; one click makes it an event."""

from __future__ import annotations

from typing import Any

import reflex as rx

from scheduler_app.components.form_field import labelled
from scheduler_app.components.layout import page_frame
from scheduler_app.components.person_row import person_row
from scheduler_app.state.find_time import DURATIONS, FindTimeState

state = FindTimeState


def _person_row(person: rx.Var[dict[str, Any]]) -> rx.Component:
    email = person["email"].to(str)
    return person_row(
        email,
        person["optional"].to(bool),
        lambda checked: FindTimeState.set_person_optional(email, checked),
        FindTimeState.remove_person(email),
    )


def _calendar_choice(option: rx.Var[dict[str, Any]]) -> rx.Component:
    checkbox_id = "find-calendar-" + option["id"].to(str)
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            id=checkbox_id,
            checked=state.chosen_calendars.contains(option["id"].to(str)),
            on_change=lambda chosen: state.set_calendar_chosen(option["id"].to(str), chosen),
        ),
        " ",
        option["name"].to(str),
        rx.text(" (", option["owner"].to(str), ")", as_="span", size="1", color_scheme="gray"),
        html_for=checkbox_id,
        class_name="inline-check",
    )


def _calendar_choices() -> rx.Component:
    """Shared calendars (a room, a team's calendar) that must be free as well."""
    return rx.el.fieldset(
        rx.el.legend("Calendars that must be free too", class_name="field-label"),
        rx.hstack(rx.foreach(state.calendar_options, _calendar_choice), spacing="4", wrap="wrap"),
        class_name="plain-fieldset",
    )


def _criteria() -> rx.Component:
    return rx.card(
        rx.vstack(
            labelled(
                "Title", "find-title", rx.input(id="find-title", value=state.title, on_change=state.set_title)
            ),
            labelled(
                "People",
                "find-person",
                rx.hstack(
                    rx.input(
                        id="find-person",
                        type="email",
                        value=state.person_email,
                        on_change=state.set_person_email,
                        on_key_down=state.person_key_down,
                        placeholder="name@example.com",
                        flex="1",
                    ),
                    rx.button("Add", variant="soft", on_click=state.add_person(False)),
                    width="100%",
                ),
                state.person_error,
            ),
            rx.vstack(rx.foreach(state.people, _person_row), width="100%", role="list", aria_label="People"),
            rx.cond(state.calendar_options.length() > 0, _calendar_choices()),
            rx.grid(
                labelled(
                    "Length",
                    "find-duration",
                    rx.el.select(
                        *[rx.el.option(f"{minutes} minutes", value=minutes) for minutes in DURATIONS],
                        id="find-duration",
                        value=state.duration,
                        on_change=state.set_duration,
                        class_name="native-select",
                    ),
                ),
                labelled(
                    "From",
                    "find-from",
                    rx.input(
                        id="find-from",
                        type="date",
                        value=state.window_start,
                        on_change=state.set_window_start,
                    ),
                ),
                labelled(
                    "Until",
                    "find-until",
                    rx.input(
                        id="find-until", type="date", value=state.window_end, on_change=state.set_window_end
                    ),
                ),
                columns="3",
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.el.label(
                    rx.el.input(
                        type="checkbox",
                        id="find-hours",
                        checked=state.within_working_hours,
                        on_change=state.set_within_working_hours,
                    ),
                    " Within working hours",
                    html_for="find-hours",
                    class_name="inline-check",
                ),
                rx.el.label(
                    rx.el.input(
                        type="checkbox",
                        id="find-lunch",
                        checked=state.avoid_lunch,
                        on_change=state.set_avoid_lunch,
                    ),
                    " Avoid lunch",
                    html_for="find-lunch",
                    class_name="inline-check",
                ),
                spacing="4",
            ),
            rx.button(
                rx.cond(state.searching, rx.spinner(size="1"), rx.icon("search", size=16)),
                "Find times",
                on_click=state.search,
                disabled=state.searching,
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _suggestion(item: rx.Var[dict[str, Any]]) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(item["label"].to(str), weight="bold"),
                rx.text(item["reasons"].to(str), size="2", color_scheme="gray"),
                spacing="1",
                flex="1",
            ),
            rx.button(
                "Create event",
                on_click=FindTimeState.create_from(item["start"].to(str), item["end"].to(str)),
                aria_label="Create event " + item["label"].to(str),
            ),
            align="center",
            width="100%",
        ),
        width="100%",
    )


def _grid_cell(cell: rx.Var[dict[str, Any]]) -> rx.Component:
    return rx.el.td(
        class_name="free-" + cell["level"].to(str) + rx.cond(cell["off_hours"].to(bool), " off-hours", ""),
        title=cell["title"].to(str),
        aria_label=cell["title"].to(str),
    )


def _grid_row(row: rx.Var[dict[str, Any]]) -> rx.Component:
    return rx.el.tr(
        rx.el.th(row["day"].to(str), scope="row"),
        rx.foreach(row["cells"].to(list[dict[str, Any]]), _grid_cell),
    )


def _availability_grid() -> rx.Component:
    """Hours of the first days, darker where more people can attend; hover for everyone's local time."""
    return rx.cond(
        state.grid_rows.length() > 0,  # type: ignore[attr-defined]
        rx.vstack(
            rx.heading("Who is free", size="2", as_="h2"),
            rx.box(
                rx.el.table(
                    rx.el.thead(
                        rx.el.tr(
                            rx.el.th(""),
                            rx.foreach(state.grid_hours, lambda hour: rx.el.th(hour, scope="col")),
                        )
                    ),
                    rx.el.tbody(rx.foreach(state.grid_rows, _grid_row)),
                    class_name="availability-grid",
                    aria_label="Who is free, by hour",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.text(
                "Darker: more people can attend. Striped: outside everyone's working hours. "
                "Hover a cell for each person's local time.",
                size="1",
                color_scheme="gray",
            ),
            width="100%",
        ),
    )


def _results() -> rx.Component:
    return rx.vstack(
        rx.cond(state.error != "", rx.callout(state.error, color_scheme="red", role="alert", width="100%")),
        rx.cond(state.summary != "", rx.text(state.summary, role="status")),
        rx.vstack(
            rx.foreach(state.suggestions, _suggestion), width="100%", role="list", aria_label="Suggestions"
        ),
        _availability_grid(),
        rx.cond(
            state.bottlenecks.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.heading("Who is the bottleneck", size="2", as_="h2"),
                rx.foreach(state.bottlenecks, lambda line: rx.text(line, size="2")),
                spacing="1",
            ),
        ),
        rx.cond(
            state.relaxations.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.heading("Nearest options", size="2", as_="h2"),
                rx.foreach(state.relaxations, lambda line: rx.text(line, size="2")),
                spacing="1",
            ),
        ),
        width="100%",
        spacing="3",
    )


@rx.page(route="/find-a-time", title="Find a time · Scheduler", on_load=FindTimeState.load_page)
def find_time_page() -> rx.Component:
    return page_frame(
        rx.container(
            rx.vstack(
                rx.heading("Find a time", size="6", as_="h1"),
                rx.text(
                    "Times are shown in ",
                    rx.code(state.display_time_zone),
                    ". You are always included.",
                    size="2",
                ),
                _criteria(),
                _results(),
                spacing="4",
                padding_y="1.5em",
            ),
            size="3",
        ),
    )
