"""Security settings: where you are signed in, signing devices out, and changing your password."""

from __future__ import annotations

import reflex as rx

from scheduler_app.components.form_field import labelled
from scheduler_app.components.layout import page_frame
from scheduler_app.components.settings_nav import settings_nav
from scheduler_app.state.security import SecurityState


def _session_row(row: rx.Var[dict[str, str]]) -> rx.Component:
    current = row["current"].to(str) != ""
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                rx.text(row["device"].to(str)),
                rx.cond(current, rx.badge("This device", color_scheme="green")),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(row["ip"].to(str)),
        rx.table.cell(row["created"].to(str)),
        rx.table.cell(row["last_seen"].to(str)),
        rx.table.cell(
            rx.button(
                "Sign out",
                size="1",
                variant="soft",
                color_scheme="red",
                aria_label=rx.cond(
                    current, "Sign out this device", "Sign out " + row["device"].to(str) + " session"
                ),
                on_click=SecurityState.revoke(row["id"].to(str)),
            )
        ),
    )


def _sessions_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Where you're signed in", size="3", as_="h2"),
            rx.text(
                "Sign out any device you don't recognise, then change your password.",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                SecurityState.sessions_error != "",
                rx.callout(SecurityState.sessions_error, color_scheme="red", role="alert", width="100%"),
            ),
            rx.box(
                rx.table.root(
                    rx.el.caption("Signed-in sessions", class_name="sr-only"),
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Device"),
                            rx.table.column_header_cell("Address"),
                            rx.table.column_header_cell("Signed in"),
                            rx.table.column_header_cell("Last seen"),
                            rx.table.column_header_cell(rx.el.span("Actions", class_name="sr-only")),
                        )
                    ),
                    rx.table.body(rx.foreach(SecurityState.sessions, _session_row)),
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.button(
                "Sign out everywhere else",
                variant="outline",
                color_scheme="red",
                disabled=SecurityState.other_session_count == 0,
                on_click=SecurityState.revoke_others,
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        width="100%",
    )


def _password_input(label: str, name: str, autocomplete: str) -> rx.Component:
    field_id = f"security-{name.replace('_', '-')}"
    return labelled(
        label,
        field_id,
        rx.input(
            id=field_id, name=name, type="password", auto_complete=autocomplete, required=True, width="100%"
        ),
        SecurityState.password_field_errors.get(name, "").to(str),
    )


def _password_card() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Change password", size="3", as_="h2"),
                _password_input("Current password", "current_password", "current-password"),
                _password_input("New password", "new_password", "new-password"),
                _password_input("Repeat new password", "confirm_password", "new-password"),
                rx.text(
                    "At least 8 characters. Your other devices will be signed out.",
                    size="1",
                    color_scheme="gray",
                ),
                rx.cond(
                    SecurityState.password_error != "",
                    rx.callout(SecurityState.password_error, color_scheme="red", role="alert", width="100%"),
                ),
                rx.cond(
                    SecurityState.password_message != "",
                    rx.text(SecurityState.password_message, role="status", color_scheme="green"),
                ),
                rx.button("Change password", type="submit"),
                spacing="3",
                align="start",
                width="100%",
            ),
            on_submit=SecurityState.change_password,
            reset_on_submit=False,
            key=SecurityState.password_form_key,
        ),
        width="min(480px, 100%)",
    )


@rx.page(route="/settings/security", title="Security · Scheduler", on_load=SecurityState.load_page)
def security_page() -> rx.Component:
    return page_frame(
        rx.container(
            rx.vstack(
                rx.heading("Security", size="6", as_="h1"),
                settings_nav("/settings/security"),
                _sessions_card(),
                _password_card(),
                spacing="5",
                padding_y="1rem",
                width="100%",
            ),
            size="3",
        )
    )
