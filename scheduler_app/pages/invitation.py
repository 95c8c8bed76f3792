"""A guest's invitation, opened from the link the organiser shared (no account needed)."""

from __future__ import annotations

import reflex as rx

from scheduler_app.state.invitation import InvitationState

ANSWERS = (("accepted", "Yes, I'll come"), ("tentative", "Maybe"), ("declined", "No"))


def _details() -> rx.Component:
    state = InvitationState
    return rx.vstack(
        rx.heading(state.title, size="6", as_="h1"),
        rx.text(rx.icon("clock", size=14), " ", state.when),
        rx.cond(state.location != "", rx.text(rx.icon("map-pin", size=14), " ", state.location)),
        rx.text("Organised by ", rx.text.strong(state.organizer)),
        rx.cond(
            state.meeting_url != "",
            rx.link(rx.icon("video", size=14), " Join video call", href=state.meeting_url, is_external=True),
        ),
        rx.text("Invitation for ", rx.code(state.guest_email), size="2", color_scheme="gray"),
        rx.text("Going?", weight="medium"),
        rx.hstack(
            *[
                rx.button(
                    label,
                    variant=rx.cond(state.response == status, "solid", "outline"),
                    aria_pressed=rx.cond(state.response == status, "true", "false"),
                    on_click=InvitationState.answer(status),
                )
                for status, label in ANSWERS
            ],
            wrap="wrap",
        ),
        spacing="3",
    )


@rx.page(route="/invitation/[token]", title="Invitation · Scheduler", on_load=InvitationState.load)
def invitation_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.cond(
                InvitationState.error != "",
                rx.callout(InvitationState.error, icon="triangle-alert", color_scheme="red", role="alert"),
                rx.cond(InvitationState.found, _details(), rx.spinner()),
            ),
            size="3",
            width="min(520px, 94vw)",
        ),
        min_height="100vh",
        role="main",  # the page's one main landmark (no top bar here)
        class_name="auth-backdrop",
    )
