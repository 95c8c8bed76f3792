"""The signed-in page frame: top bar with navigation, time zone, colour mode and the user menu."""

from __future__ import annotations

import reflex as rx

from scheduler_app.state.session import SessionState

SHORTCUTS = [
    ("t", "Go to today"),
    ("n / j", "Next period"),
    ("p / k", "Previous period"),
    ("d, w, m, a", "Day, week, month, agenda view"),
    ("c", "New event"),
]


def shortcuts_help() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            rx.icon_button(rx.icon("keyboard", size=18), variant="ghost", aria_label="Keyboard shortcuts")
        ),
        rx.popover.content(
            rx.heading("Keyboard shortcuts", size="2", as_="h2"),
            rx.el.dl(
                *[
                    rx.fragment(rx.el.dt(rx.code(keys)), rx.el.dd(meaning, class_name="shortcut-meaning"))
                    for keys, meaning in SHORTCUTS
                ],
                class_name="shortcut-list",
            ),
        ),
    )


NAVIGATION = (("Calendar", "/"), ("Find a time", "/find-a-time"), ("Booking pages", "/booking-pages"))


def _wide_navigation() -> rx.Component:
    """The page links in a row, from tablet width up."""
    return rx.el.nav(
        rx.hstack(
            *[
                rx.link(label, href=href, size="2", weight="medium", white_space="nowrap")
                for label, href in NAVIGATION
            ],
            rx.cond(
                SessionState.user_is_admin,
                rx.link("Admin", href="/admin", size="2", weight="medium", white_space="nowrap"),
            ),
            spacing="4",
            align="center",
        ),
        aria_label="Main",
        display=["none", "none", "block"],
    )


def _narrow_navigation() -> rx.Component:
    """On phones the same links behind one menu button, so the bar never overflows the screen."""
    return rx.box(
        rx.menu.root(
            rx.menu.trigger(
                rx.icon_button(rx.icon("menu", size=18), variant="ghost", aria_label="Navigation menu")
            ),
            rx.menu.content(
                *[rx.menu.item(label, on_click=rx.redirect(href)) for label, href in NAVIGATION],
                rx.cond(SessionState.user_is_admin, rx.menu.item("Admin", on_click=rx.redirect("/admin"))),
            ),
        ),
        display=["block", "block", "none"],
    )


def top_bar(*actions: rx.Component) -> rx.Component:
    return rx.el.header(
        rx.hstack(
            rx.link(
                rx.hstack(
                    rx.icon("calendar-days", size=22),
                    rx.heading("Scheduler", size="5", as_="div", display=["none", "block"]),
                    align="center",
                ),
                href="/",
                underline="none",
                color=rx.color("gray", 12),
            ),
            _wide_navigation(),
            _narrow_navigation(),
            *actions,
            rx.spacer(),
            rx.badge(
                rx.icon("globe", size=14),
                SessionState.display_time_zone,
                variant="soft",
                size="2",
                title="Times are shown in this zone (change it in Settings)",
                display=["none", "none", "flex"],
            ),
            rx.box(shortcuts_help(), display=["none", "none", "block"]),
            rx.color_mode.button(aria_label="Toggle dark mode", size="2", variant="ghost"),
            rx.menu.root(
                rx.menu.trigger(
                    rx.button(
                        rx.avatar(fallback=SessionState.user_initial, size="1", radius="full"),
                        rx.text(SessionState.user_name, display=["none", "none", "inline"]),
                        variant="ghost",
                        aria_label="Account menu",
                    )
                ),
                rx.menu.content(
                    rx.menu.item(
                        rx.text(SessionState.user_email, size="1", color_scheme="gray"), disabled=True
                    ),
                    rx.menu.separator(),
                    rx.menu.item("Settings", on_click=rx.redirect("/settings")),
                    rx.menu.item("Security", on_click=rx.redirect("/settings/security")),
                    rx.menu.item("API tokens", on_click=rx.redirect("/settings/api-tokens")),
                    rx.menu.item("Sign out", on_click=SessionState.sign_out, color="red"),
                ),
            ),
            align="center",
            spacing="4",
            width="100%",
        ),
        class_name="top-bar",
    )


def page_frame(*children: rx.Component, actions: list[rx.Component] | None = None) -> rx.Component:
    return rx.box(
        top_bar(*(actions or [])),
        rx.el.main(*children, class_name="page-main"),
        class_name="page-frame",
    )
