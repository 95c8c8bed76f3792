""" "Sign in with Google / Microsoft / <OIDC_NAME>" buttons, shown only for configured providers.

Which providers exist is read when the page loads, not when the app is compiled, so the buttons follow
the running server's settings. Each button is a plain link (a full page load): the provider round trip
must end in an HTTP response that can set the session cookie.
"""

from __future__ import annotations

import urllib.parse

import reflex as rx

from scheduler_app.backend.api.routes.web_auth import safe_next_path
from scheduler_app.backend.auth.identity_providers import configured_providers
from scheduler_app.settings import get_settings
from scheduler_app.state.session import backend_url


class IdentityProvidersState(rx.State):
    """The provider buttons of the sign-in and sign-up pages."""

    buttons: list[dict[str, str]] = []

    @rx.event
    def load(self) -> None:
        next_path = safe_next_path(self.router.url.query_parameters.get("next"))
        query = "" if next_path == "/" else "?" + urllib.parse.urlencode({"next": next_path})
        self.buttons = [
            {
                "key": provider.key,
                "label": f"Sign in with {provider.label}",
                "href": backend_url(f"/auth/login/{provider.key}{query}"),
            }
            for provider in configured_providers(get_settings())
        ]


def _provider_button(button: rx.Var) -> rx.Component:
    return rx.button(
        rx.el.a(rx.icon("key-round", size=16, aria_hidden="true"), button["label"], href=button["href"]),
        as_child=True,
        variant="outline",
        size="3",
        width="100%",
    )


def identity_buttons() -> rx.Component:
    """An "or" divider and one button per configured provider; nothing when none is configured."""
    return rx.cond(
        IdentityProvidersState.buttons.length() > 0,
        rx.vstack(
            rx.hstack(
                rx.separator(size="4"),
                rx.text("or", size="1", color_scheme="gray"),
                rx.separator(size="4"),
                align="center",
                width="100%",
            ),
            rx.foreach(IdentityProvidersState.buttons, _provider_button),
            spacing="2",
            width="100%",
            role="group",
            aria_label="Other ways to sign in",
        ),
    )
