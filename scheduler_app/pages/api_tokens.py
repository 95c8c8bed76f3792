"""Settings, API tokens: personal access tokens for scripts and other programs using the REST API."""

from __future__ import annotations

import reflex as rx

from scheduler_app.components.form_field import labelled
from scheduler_app.components.layout import page_frame
from scheduler_app.components.settings_nav import settings_nav
from scheduler_app.state.api_tokens import EXPIRY_CHOICES, PAGE_ROUTE, ApiTokensState


def _select(field_id: str, name: str, options: list[tuple[str, str]], default: str) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(label, value=value) for value, label in options],
        id=field_id,
        name=name,
        default_value=default,
        class_name="native-select",
    )


def _create_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("New token", size="3", as_="h2"),
                labelled(
                    "Token name",
                    "token-name",
                    rx.input(
                        id="token-name",
                        name="name",
                        placeholder="e.g. Deploy script",
                        max_length=100,
                        width="100%",
                    ),
                    ApiTokensState.name_error,
                ),
                rx.hstack(
                    labelled(
                        "Access",
                        "token-scope",
                        _select(
                            "token-scope",
                            "scope",
                            [("read", "Read only"), ("read_write", "Read & write")],
                            "read",
                        ),
                    ),
                    labelled(
                        "Expires after",
                        "token-expiry",
                        _select("token-expiry", "expires", EXPIRY_CHOICES, "30"),
                    ),
                    spacing="4",
                    width="100%",
                ),
                rx.button("Create token", type="submit"),
                spacing="3",
                align="start",
            ),
            on_submit=ApiTokensState.create_token,
            reset_on_submit=True,
        ),
        width="100%",
    )


def _new_token_notice() -> rx.Component:
    return rx.cond(
        ApiTokensState.new_token != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("key-round")),
            rx.vstack(
                rx.text(
                    "Copy your new token “",
                    ApiTokensState.new_token_name,
                    "” now. It will not be shown again.",
                    weight="medium",
                ),
                rx.hstack(
                    rx.code(ApiTokensState.new_token, id="new-token-value", aria_label="New token", size="2"),
                    rx.button(
                        rx.icon("copy", size=16),
                        "Copy",
                        on_click=ApiTokensState.copy_new_token,
                        variant="soft",
                        size="1",
                    ),
                    rx.button("Done", on_click=ApiTokensState.dismiss_new_token, variant="ghost", size="1"),
                    align="center",
                    wrap="wrap",
                ),
                spacing="2",
            ),
            color_scheme="green",
            role="status",
            width="100%",
        ),
    )


def _revoke_button(row: rx.Var[dict[str, str]]) -> rx.Component:
    name = row["name"].to(str)
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button("Revoke", color_scheme="red", variant="soft", size="1", aria_label="Revoke " + name)
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Revoke “" + name + "”?"),
            rx.alert_dialog.description(
                "Programs using this token will stop working at once. This cannot be undone."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Revoke token",
                        color_scheme="red",
                        on_click=ApiTokensState.revoke_token(row["id"].to(str)),
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
        ),
    )


def _token_row(row: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.text(row["name"].to(str), weight="medium"), rx.code(row["hint"].to(str), size="1")
        ),
        rx.table.cell(row["access"].to(str)),
        rx.table.cell(row["created"].to(str)),
        rx.table.cell(row["last_used"].to(str)),
        rx.table.cell(row["expires"].to(str)),
        rx.table.cell(_revoke_button(row)),
    )


def _token_list() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Your tokens", size="3", as_="h2"),
            rx.cond(
                ApiTokensState.token_rows.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(title)
                                for title in ("Name", "Access", "Created", "Last used", "Expires", "Actions")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(ApiTokensState.token_rows, _token_row)),
                    width="100%",
                ),
                rx.text("You have no personal access tokens.", color_scheme="gray", size="2"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@rx.page(route=PAGE_ROUTE, title="API tokens · Scheduler", on_load=ApiTokensState.load_page)
def api_tokens_page() -> rx.Component:
    return page_frame(
        rx.container(
            rx.vstack(
                rx.heading("API tokens", size="6", as_="h1"),
                settings_nav(PAGE_ROUTE),
                rx.text(
                    "Personal access tokens let scripts and other programs use the Scheduler REST API as you. "
                    "Send one as ",
                    rx.code("Authorization: Bearer <token>"),
                    ". Read-only tokens can look but not change anything.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.cond(
                    ApiTokensState.error != "",
                    rx.callout(ApiTokensState.error, color_scheme="red", role="alert", icon="triangle_alert"),
                ),
                rx.cond(
                    ApiTokensState.message != "",
                    rx.text(ApiTokensState.message, role="status", color_scheme="green"),
                ),
                _new_token_notice(),
                _create_form(),
                _token_list(),
                spacing="4",
                padding_y="2em",
            ),
            size="3",
        ),
    )
