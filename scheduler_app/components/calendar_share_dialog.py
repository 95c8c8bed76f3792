"""The "Share calendar" dialog: add people with a role, change or remove their access."""

from __future__ import annotations

from typing import Any

import reflex as rx

from scheduler_app.components.form_field import labelled
from scheduler_app.state.calendar_sharing import ROLE_CHOICES, CalendarSharingState


def _role_options() -> list[rx.Component]:
    return [rx.el.option(label, value=value) for value, label in ROLE_CHOICES]


def _share_row(share: rx.Var[dict[str, Any]]) -> rx.Component:
    email = share["email"].to(str)
    return rx.hstack(
        rx.text(email, size="2", flex="1", class_name="share-email"),
        rx.el.select(
            *_role_options(),
            value=share["role"].to(str),
            on_change=lambda role: CalendarSharingState.change_role(email, role),
            aria_label="Access for " + email,
            class_name="native-select",
        ),
        rx.icon_button(
            rx.icon("x", size=14),
            variant="ghost",
            color_scheme="gray",
            type="button",
            aria_label="Stop sharing with " + email,
            on_click=CalendarSharingState.remove(share["user_id"].to(str), email),
        ),
        align="center",
        width="100%",
        role="listitem",
    )


def calendar_share_dialog() -> rx.Component:
    state = CalendarSharingState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Share “", state.share_calendar_name, "”"),
            rx.dialog.description(
                "People you add see this calendar in their list with the access you choose.",
                size="2",
                color_scheme="gray",
            ),
            rx.form(
                rx.vstack(
                    labelled(
                        "Person's e-mail",
                        "share-email",
                        rx.input(
                            id="share-email",
                            type="email",
                            value=state.share_email,
                            on_change=state.set_share_email,
                            placeholder="name@example.com",
                            required=True,
                        ),
                    ),
                    labelled(
                        "Access",
                        "share-role",
                        rx.el.select(
                            *_role_options(),
                            id="share-role",
                            value=state.share_role,
                            on_change=state.set_share_role,
                            class_name="native-select",
                        ),
                    ),
                    rx.cond(
                        state.share_error != "",
                        rx.callout(state.share_error, color_scheme="red", role="alert", width="100%"),
                    ),
                    rx.button("Share", type="submit"),
                    spacing="3",
                    align="start",
                    width="100%",
                ),
                on_submit=state.add_share,
                reset_on_submit=False,
            ),
            rx.heading("People with access", size="2", as_="h3", margin_top="1em"),
            rx.cond(
                state.shares.length() > 0,
                rx.vstack(
                    rx.foreach(state.shares, _share_row),
                    role="list",
                    aria_label="People with access",
                    width="100%",
                    spacing="2",
                ),
                rx.text("Only you.", size="2", color_scheme="gray"),
            ),
            rx.hstack(
                rx.dialog.close(rx.button("Done", type="button", variant="soft")),
                justify="end",
                width="100%",
                margin_top="1em",
            ),
        ),
        open=state.share_dialog_open,
        on_open_change=state.set_share_dialog_open,
    )
