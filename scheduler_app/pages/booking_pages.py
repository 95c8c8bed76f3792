"""Booking pages: what people can book with you, each with its own public link."""

from __future__ import annotations

from typing import Any

import reflex as rx

from scheduler_app.components.form_field import labelled
from scheduler_app.components.layout import page_frame
from scheduler_app.state.booking_pages import STEPS, BookingPagesState

state = BookingPagesState


def _text_field(label: str, name: str, **props: Any) -> rx.Component:
    field_id = f"bp-{name.replace('_', '-')}"
    return labelled(
        label,
        field_id,
        rx.input(
            id=field_id, value=state.form[name], on_change=lambda value: state.set_field(name, value), **props
        ),
        state.field_errors.get(name, ""),
    )


def _item(item: rx.Var[dict[str, Any]]) -> rx.Component:
    type_id = item["id"].to(str)
    title = item["title"].to(str)
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.heading(title, size="3", as_="h2"),
                rx.text(item["summary"].to(str), size="2", color_scheme="gray"),
                rx.link(item["path"].to(str), href=item["path"].to(str), size="2", is_external=True),
                spacing="1",
                flex="1",
            ),
            rx.el.label(
                rx.switch(
                    checked=item["active"].to(bool),
                    on_change=lambda on: state.set_active(type_id, on),
                    aria_label="Accept bookings for " + title,
                ),
                " On",
                class_name="inline-check",
            ),
            rx.button(
                rx.icon("copy", size=14),
                "Copy link",
                variant="soft",
                on_click=[rx.set_clipboard(item["url"].to(str)), rx.toast.info("Booking link copied.")],
                aria_label="Copy link to " + title,
            ),
            rx.button(
                "Edit", variant="outline", on_click=state.edit_type(type_id), aria_label="Edit " + title
            ),
            rx.button(
                "Delete",
                variant="ghost",
                color_scheme="red",
                on_click=state.delete_type(type_id),
                aria_label="Delete " + title,
            ),
            align="center",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
        role="listitem",
    )


def _question_row(question: rx.Var[dict[str, Any]], index: rx.Var[int]) -> rx.Component:
    return rx.hstack(
        rx.input(
            value=question["label"].to(str),
            on_change=lambda value: state.set_question(index, "label", value),
            placeholder="Question",
            aria_label="Question " + (index + 1).to(str),
            flex="1",
            min_width="12em",
        ),
        rx.el.select(
            rx.el.option("Short answer", value="short"),
            rx.el.option("Long answer", value="long"),
            value=question["kind"].to(str),
            on_change=lambda value: state.set_question(index, "kind", value),
            aria_label="Answer length for question " + (index + 1).to(str),
            class_name="native-select",
            style={"width": "auto", "flex": "none"},
        ),
        rx.el.label(
            rx.el.input(
                type="checkbox",
                checked=question["required"].to(bool),
                on_change=lambda checked: state.set_question(index, "required", checked),
            ),
            " Required",
            class_name="inline-check",
        ),
        rx.icon_button(
            rx.icon("x", size=14),
            variant="ghost",
            on_click=state.remove_question(index),
            aria_label="Remove question " + (index + 1).to(str),
        ),
        width="100%",
        align="center",
    )


def _form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(
                    rx.cond(state.editing_id != "", "Edit booking page", "New booking page"),
                    size="4",
                    as_="h2",
                ),
                rx.cond(
                    state.form_error != "",
                    rx.callout(state.form_error, color_scheme="red", role="alert", width="100%"),
                ),
                rx.grid(
                    _text_field("Title", "title", placeholder="Intro call"),
                    _text_field("Link name", "slug", placeholder="intro-call"),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                labelled(
                    "Description",
                    "bp-description",
                    rx.text_area(
                        id="bp-description",
                        value=state.form["description"],
                        on_change=lambda value: state.set_field("description", value),
                    ),
                    state.field_errors.get("description", ""),
                ),
                rx.grid(
                    _text_field("Lengths (minutes, e.g. 15, 30, 60)", "durations"),
                    labelled(
                        "Start times every",
                        "bp-slot-step",
                        rx.el.select(
                            *[rx.el.option(f"{m} minutes", value=m) for m in STEPS],
                            id="bp-slot-step",
                            value=state.form["slot_step"],
                            on_change=lambda value: state.set_field("slot_step", value),
                            class_name="native-select",
                        ),
                        state.field_errors.get("slot_step", ""),
                    ),
                    _text_field("Buffer before (minutes)", "buffer_before", type="number", min=0),
                    _text_field("Buffer after (minutes)", "buffer_after", type="number", min=0),
                    _text_field("Minimum notice (minutes)", "min_notice", type="number", min=0),
                    _text_field("Bookable up to (days ahead)", "horizon_days", type="number", min=1),
                    _text_field("Most bookings a day (empty: no limit)", "daily_limit", type="number", min=1),
                    _text_field("Location (address, phone or link)", "location"),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.el.label(
                    rx.el.input(
                        type="checkbox",
                        id="bp-video",
                        checked=state.video_call,
                        on_change=state.set_video_call,
                    ),
                    " Add a video call (Jitsi) to every booking",
                    html_for="bp-video",
                    class_name="inline-check",
                ),
                rx.grid(
                    labelled(
                        "Hosts (one e-mail per line, optional priority after it; empty: just you)",
                        "bp-hosts",
                        rx.text_area(
                            id="bp-hosts",
                            value=state.form["hosts"],
                            on_change=lambda value: state.set_field("hosts", value),
                            rows="3",
                        ),
                        state.field_errors.get("hosts", ""),
                    ),
                    labelled(
                        "With several hosts",
                        "bp-kind",
                        rx.el.select(
                            rx.el.option("Everyone attends (collective)", value="collective"),
                            rx.el.option(
                                "One free host, by priority then evenly (round-robin)", value="round_robin"
                            ),
                            id="bp-kind",
                            value=state.form["kind"],
                            on_change=lambda value: state.set_field("kind", value),
                            class_name="native-select",
                        ),
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.vstack(
                    rx.text("Questions for the booker", weight="medium", size="2"),
                    rx.foreach(state.questions, _question_row),
                    rx.cond(
                        state.field_errors.get("questions", "") != "",
                        rx.text(
                            state.field_errors.get("questions", ""),
                            color=rx.color("red", 11),
                            size="1",
                            role="alert",
                        ),
                    ),
                    rx.button("Add question", type="button", variant="soft", on_click=state.add_question),
                    width="100%",
                    spacing="2",
                ),
                rx.hstack(
                    rx.button(
                        rx.cond(state.saving, rx.spinner(size="1"), rx.fragment()),
                        "Save",
                        type="submit",
                        disabled=state.saving,
                    ),
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=state.close_form,
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=lambda _: state.save(),
            reset_on_submit=False,
            aria_label="Booking page",
        ),
        width="100%",
    )


@rx.page(route="/booking-pages", title="Booking pages · Scheduler", on_load=BookingPagesState.load_page)
def booking_pages_page() -> rx.Component:
    return page_frame(
        rx.container(
            rx.vstack(
                rx.hstack(
                    rx.heading("Booking pages", size="6", as_="h1"),
                    rx.spacer(),
                    rx.button(rx.icon("plus", size=16), "New booking page", on_click=state.new_type),
                    width="100%",
                    align="center",
                ),
                rx.text(
                    "Anyone with a page's link can see when you are free and book a time; "
                    "it lands in your calendar and both of you get an e-mail.",
                    size="2",
                ),
                rx.cond(
                    state.load_error != "", rx.callout(state.load_error, color_scheme="red", role="alert")
                ),
                rx.cond(state.form_open, _form()),
                rx.cond(
                    state.items.length() > 0,  # type: ignore[attr-defined]
                    rx.vstack(
                        rx.foreach(state.items, _item),
                        role="list",
                        aria_label="Your booking pages",
                        width="100%",
                    ),
                    rx.cond(~state.form_open, rx.text("No booking pages yet.", color_scheme="gray")),
                ),
                spacing="4",
                padding_y="1.5em",
            ),
            size="3",
        ),
    )
