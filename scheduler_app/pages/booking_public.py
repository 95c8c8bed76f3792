"""The public booking page: anyone with the link books a time (no account needed)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from scheduler_app.components.booking_slots import slot_picker
from scheduler_app.components.form_field import labelled
from scheduler_app.state.booking_public import BookingPublicState

state = BookingPublicState


def _question(question: rx.Var[dict[str, Any]]) -> rx.Component:
    question_id = question["id"].to(str)
    field_id = "bq-" + question_id
    label = question["label"].to(str) + rx.cond(question["required"].to(bool), " (required)", "")
    control = rx.cond(
        question["kind"].to(str) == "long",
        rx.text_area(
            id=field_id,
            value=state.answers.get(question_id, ""),
            on_change=lambda value: state.set_answer(question_id, value),
            required=question["required"].to(bool),
        ),
        rx.input(
            id=field_id,
            value=state.answers.get(question_id, ""),
            on_change=lambda value: state.set_answer(question_id, value),
            required=question["required"].to(bool),
        ),
    )
    return rx.flex(
        rx.el.label(label, html_for=field_id, class_name="field-label"),
        control,
        rx.cond(
            state.field_errors.get("answers." + question_id, "") != "",
            rx.text(
                state.field_errors.get("answers." + question_id, ""),
                color=rx.color("red", 11),
                size="1",
                role="alert",
            ),
        ),
        direction="column",
        spacing="1",
        width="100%",
    )


def _details_form() -> rx.Component:
    return rx.vstack(
        rx.heading("Your details", size="3", as_="h2"),
        rx.text(state.selected_label, weight="medium"),
        labelled(
            "Name",
            "book-name",
            rx.input(id="book-name", value=state.name, on_change=state.set_name, autocomplete="name"),
            state.field_errors.get("name", ""),
        ),
        labelled(
            "E-mail",
            "book-email",
            rx.input(
                id="book-email",
                type="email",
                value=state.email,
                on_change=state.set_email,
                autocomplete="email",
            ),
            state.field_errors.get("email", ""),
        ),
        rx.foreach(state.questions, _question),
        rx.button(
            rx.cond(state.booking, rx.spinner(size="1"), rx.icon("check", size=16)),
            "Confirm booking",
            on_click=state.confirm,
            disabled=state.booking,
        ),
        spacing="3",
        width="100%",
    )


def _booking_view() -> rx.Component:
    return rx.vstack(
        rx.heading(state.title, size="6", as_="h1"),
        rx.cond(state.host_names != "", rx.text("With ", rx.text.strong(state.host_names))),
        rx.cond(state.description != "", rx.text(state.description, white_space="pre-wrap")),
        rx.cond(state.location != "", rx.text(rx.icon("map-pin", size=14), " ", state.location)),
        rx.cond(state.video_call, rx.text(rx.icon("video", size=14), " Video call link in the confirmation")),
        rx.flex(
            rx.el.label("Length", html_for="book-duration", class_name="field-label"),
            rx.el.select(
                rx.foreach(
                    state.durations, lambda minutes: rx.el.option(minutes + " minutes", value=minutes)
                ),
                id="book-duration",
                value=state.duration,
                on_change=state.set_duration,
                class_name="native-select",
            ),
            direction="column",
            spacing="1",
        ),
        slot_picker(
            day=state.day,
            on_day=state.set_day,
            on_shift=state.shift_day,
            slots=state.slots,
            selected=state.selected_start,
            on_pick=state.pick,
            loading=state.slots_loading,
            time_zone=state.time_zone,
            id_prefix="book",
        ),
        rx.cond(
            state.booking_error != "",
            rx.callout(
                state.booking_error, icon="triangle-alert", color_scheme="red", role="alert", width="100%"
            ),
        ),
        rx.cond(state.selected_start != "", _details_form()),
        spacing="4",
        width="100%",
    )


def _done_view() -> rx.Component:
    return rx.vstack(
        rx.heading("You're booked", size="6", as_="h1"),
        rx.text(state.title, weight="bold"),
        rx.text(state.booked_when),
        rx.text("A confirmation with a calendar invitation is on its way to ", rx.code(state.email), "."),
        rx.text(
            "To cancel or reschedule, use the link in that e-mail or ",
            rx.link("manage this booking", href=state.manage_path),
            ".",
        ),
        role="status",
        spacing="3",
    )


@rx.page(route="/book/[handle]/[slug]", title="Book a time · Scheduler", on_load=BookingPublicState.load)
def booking_public_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.cond(
                state.error != "",
                rx.callout(state.error, icon="triangle-alert", color_scheme="red", role="alert"),
                rx.cond(state.found, rx.cond(state.booked, _done_view(), _booking_view()), rx.spinner()),
            ),
            size="3",
            width="min(640px, 94vw)",
        ),
        min_height="100vh",
        role="main",  # the page's one main landmark (no top bar here)
        padding_y="2em",
        class_name="auth-backdrop",
    )
