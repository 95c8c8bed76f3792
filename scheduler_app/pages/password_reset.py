"""Forgot password (ask for a link) and reset password (set a new one from the link); no session needed."""

from __future__ import annotations

import reflex as rx

from scheduler_app.components.form_field import labelled
from scheduler_app.state.password_reset import LINK_SENT, ForgotPasswordState, ResetPasswordState


def _card(title: str, *children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("calendar-days", size=28),
                    rx.heading("Scheduler", size="6", as_="div"),
                    align="center",
                ),
                rx.heading(title, size="4", as_="h1"),
                *children,
                spacing="4",
                width="100%",
            ),
            size="3",
            width="min(420px, 94vw)",
        ),
        min_height="100vh",
        role="main",  # the page's one main landmark (no top bar here)
        class_name="auth-backdrop",
    )


def _alert(message: rx.Var[str]) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert", width="100%"),
    )


def _password_field(state: type[rx.State], label: str, name: str, field_id: str) -> rx.Component:
    return labelled(
        label,
        field_id,
        rx.input(
            id=field_id, name=name, type="password", auto_complete="new-password", required=True, width="100%"
        ),
        state.field_errors.get(name, "").to(str),  # type: ignore[attr-defined]
    )


@rx.page(
    route="/forgot-password", title="Forgot password · Scheduler", on_load=ForgotPasswordState.reset_page
)
def forgot_password_page() -> rx.Component:
    return _card(
        "Reset your password",
        rx.cond(
            ForgotPasswordState.sent,
            rx.callout(LINK_SENT, icon="mail", color_scheme="green", role="status", width="100%"),
            rx.form(
                rx.vstack(
                    rx.text("Enter the e-mail address of your account and we'll send you a link.", size="2"),
                    labelled(
                        "E-mail",
                        "forgot-email",
                        rx.input(
                            id="forgot-email",
                            name="email",
                            type="email",
                            auto_complete="username",
                            required=True,
                            width="100%",
                        ),
                        ForgotPasswordState.field_errors.get("email", "").to(str),
                    ),
                    _alert(ForgotPasswordState.error),
                    rx.button("Send reset link", type="submit", width="100%", size="3"),
                    spacing="3",
                ),
                on_submit=ForgotPasswordState.submit,
                reset_on_submit=False,
            ),
        ),
        rx.text("Remembered it? ", rx.link("Sign in", href="/sign-in"), size="2"),
    )


def _reset_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("Choose a new password for ", rx.text.strong(ResetPasswordState.email), ".", size="2"),
            _password_field(ResetPasswordState, "New password", "password", "reset-password"),
            _password_field(ResetPasswordState, "Repeat new password", "confirm_password", "reset-confirm"),
            rx.text("At least 8 characters. Every device will be signed out.", size="1", color_scheme="gray"),
            _alert(ResetPasswordState.error),
            rx.button("Set new password", type="submit", width="100%", size="3"),
            spacing="3",
        ),
        on_submit=ResetPasswordState.submit,
        reset_on_submit=False,
    )


@rx.page(
    route="/reset-password/[token]",
    title="Choose a new password · Scheduler",
    on_load=ResetPasswordState.load,
)
def reset_password_page() -> rx.Component:
    return _card(
        "Choose a new password",
        rx.cond(
            ResetPasswordState.link_error != "",
            rx.vstack(
                _alert(ResetPasswordState.link_error),
                rx.link("Ask for a new link", href="/forgot-password"),
                spacing="3",
                width="100%",
            ),
            rx.cond(ResetPasswordState.checked, _reset_form(), rx.spinner(aria_label="Checking the link")),
        ),
        rx.text(rx.link("Back to sign in", href="/sign-in"), size="2"),
    )
