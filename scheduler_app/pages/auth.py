"""Sign-in and sign-up pages (the only pages open without a session)."""

from __future__ import annotations

import reflex as rx

from scheduler_app.components.form_field import labelled
from scheduler_app.components.identity_buttons import IdentityProvidersState, identity_buttons
from scheduler_app.state.auth_forms import AuthFormState, SignInState, SignUpState


def _card(title: str, form: rx.Component, footer: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("calendar-days", size=28), rx.heading("Scheduler", size="6"), align="center"
                ),
                rx.heading(title, size="4", as_="h1"),
                form,
                identity_buttons(),
                footer,
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


def _error_callout(state: type[AuthFormState]) -> rx.Component:
    return rx.cond(
        state.error != "",
        rx.callout(state.error, icon="triangle-alert", color_scheme="red", role="alert", width="100%"),
    )


def _field(state: type[AuthFormState], label: str, name: str, kind: str, autocomplete: str) -> rx.Component:
    field_id = f"{state.__name__.lower()}-{name}"
    return labelled(
        label,
        field_id,
        rx.input(id=field_id, name=name, type=kind, auto_complete=autocomplete, required=True, width="100%"),
        state.field_errors.get(name, "").to(str),
    )


@rx.page(
    route="/sign-in",
    title="Sign in · Scheduler",
    on_load=[SignInState.redirect_if_signed_in, IdentityProvidersState.load],
)
def sign_in_page() -> rx.Component:
    return _card(
        "Sign in",
        rx.form(
            rx.vstack(
                _field(SignInState, "E-mail", "email", "email", "username"),
                _field(SignInState, "Password", "password", "password", "current-password"),
                rx.link("Forgot password?", href="/forgot-password", size="2"),
                rx.cond(
                    SignInState.notice != "",
                    rx.callout(
                        SignInState.notice, icon="info", color_scheme="green", role="status", width="100%"
                    ),
                ),
                _error_callout(SignInState),
                rx.button("Sign in", type="submit", width="100%", size="3"),
                spacing="3",
            ),
            on_submit=SignInState.submit,
            reset_on_submit=False,
        ),
        rx.text("New here? ", rx.link("Create an account", href="/sign-up"), size="2"),
    )


@rx.page(
    route="/sign-up",
    title="Create account · Scheduler",
    on_load=[SignUpState.redirect_if_signed_in, IdentityProvidersState.load],
)
def sign_up_page() -> rx.Component:
    return _card(
        "Create your account",
        rx.form(
            rx.vstack(
                _field(SignUpState, "Name", "name", "text", "name"),
                _field(SignUpState, "E-mail", "email", "email", "email"),
                _field(SignUpState, "Password", "password", "password", "new-password"),
                rx.text("At least 8 characters.", size="1", color_scheme="gray"),
                _error_callout(SignUpState),
                rx.button("Create account", type="submit", width="100%", size="3"),
                spacing="3",
            ),
            on_submit=SignUpState.submit,
            reset_on_submit=False,
        ),
        rx.text("Already have an account? ", rx.link("Sign in", href="/sign-in"), size="2"),
    )
