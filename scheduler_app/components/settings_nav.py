"""The tabs between the settings pages: general, security, API tokens."""

from __future__ import annotations

import reflex as rx

SECTIONS = (
    ("/settings", "General"),
    ("/settings/security", "Security"),
    ("/settings/api-tokens", "API tokens"),
)


def settings_nav(current: str) -> rx.Component:
    """Links to each settings page; the current one is marked for assistive technology too."""
    return rx.el.nav(
        rx.hstack(
            *[
                rx.link(
                    label,
                    href=route,
                    size="2",
                    weight=rx.cond(route == current, "bold", "regular"),
                    underline=rx.cond(route == current, "always", "hover"),
                    aria_current="page" if route == current else None,
                )
                for route, label in SECTIONS
            ],
            spacing="4",
        ),
        aria_label="Settings sections",
    )
