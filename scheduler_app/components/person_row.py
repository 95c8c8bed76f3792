"""One invited person in a list: their e-mail, an "Optional" switch, extra controls and "Remove"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx


def person_row(
    email: rx.Var[str],
    optional: rx.Var[bool],
    on_optional: Callable[[Any], Any],
    on_remove: Any,
    *extras: rx.Component,
) -> rx.Component:
    """The first of `extras` (e.g. an answer badge) sits before the switch, the others after it."""
    return rx.hstack(
        rx.text(email, size="2", flex="1", trim="both", class_name="guest-email"),
        *extras[:1],
        rx.el.label(
            rx.el.input(type="checkbox", checked=optional, on_change=on_optional),
            " Optional",
            class_name="inline-check",
        ),
        *extras[1:],
        rx.icon_button(
            rx.icon("x", size=14),
            type="button",
            variant="ghost",
            color_scheme="gray",
            aria_label="Remove " + email,
            on_click=on_remove,
        ),
        align="center",
        width="100%",
        spacing="2",
    )
