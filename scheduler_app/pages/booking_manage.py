"""The booker's manage page, opened from the private link in their confirmation."""

from __future__ import annotations

import reflex as rx

from scheduler_app.components.booking_slots import slot_picker
from scheduler_app.state.booking_manage import BookingManageState

state = BookingManageState


def _reschedule() -> rx.Component:
    return rx.vstack(
        rx.heading("Pick a new time", size="3", as_="h2"),
        slot_picker(
            day=state.day,
            on_day=state.set_day,
            on_shift=state.shift_day,
            slots=state.slots,
            selected=state.selected_start,
            on_pick=state.pick,
            loading=state.slots_loading,
            time_zone=state.time_zone,
            id_prefix="move",
        ),
        rx.button(
            "Move booking",
            on_click=state.confirm_reschedule,
            disabled=(state.selected_start == "") | state.working,
        ),
        spacing="3",
        width="100%",
    )


def _details() -> rx.Component:
    return rx.vstack(
        rx.heading(state.title, size="6", as_="h1"),
        rx.cond(
            state.status == "cancelled",
            rx.badge(
                rx.cond(state.cancelled_by_host, "Cancelled by the host", "Cancelled"),
                color_scheme="red",
                size="2",
            ),
            rx.badge("Confirmed", color_scheme="green", size="2"),
        ),
        rx.text(rx.icon("clock", size=14), " ", state.when),
        rx.cond(state.host_names != "", rx.text("With ", rx.text.strong(state.host_names))),
        rx.cond(state.location != "", rx.text(rx.icon("map-pin", size=14), " ", state.location)),
        rx.cond(
            state.conference_url != "",
            rx.link(
                rx.icon("video", size=14), " Join video call", href=state.conference_url, is_external=True
            ),
        ),
        rx.cond(
            state.action_error != "",
            rx.callout(
                state.action_error, icon="triangle-alert", color_scheme="red", role="alert", width="100%"
            ),
        ),
        rx.cond(
            state.status == "confirmed",
            rx.hstack(
                rx.cond(
                    state.can_reschedule,
                    rx.button("Reschedule", variant="outline", on_click=state.start_reschedule),
                ),
                rx.button(
                    "Cancel booking", color_scheme="red", on_click=state.cancel, disabled=state.working
                ),
            ),
        ),
        rx.cond(state.rescheduling & (state.status == "confirmed"), _reschedule()),
        spacing="3",
        width="100%",
    )


@rx.page(route="/booking/manage/[token]", title="Your booking · Scheduler", on_load=BookingManageState.load)
def booking_manage_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.cond(
                state.error != "",
                rx.callout(state.error, icon="triangle-alert", color_scheme="red", role="alert"),
                rx.cond(state.found, _details(), rx.spinner()),
            ),
            size="3",
            width="min(640px, 94vw)",
        ),
        min_height="100vh",
        role="main",  # the page's one main landmark (no top bar here)
        padding_y="2em",
        class_name="auth-backdrop",
    )
