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
            rx.link("Calendar", href="/", size="2", weight="medium", white_space="nowrap"),
            rx.link("Find a time", href="/find-a-time", size="2", weight="medium", white_space="nowrap"),
            rx.link("Booking pages", href="/booking-pages", size="2", weight="medium", white_space="nowrap"),
            rx.cond(
                SessionState.user_is_admin,
                rx.link("Admin", href="/admin", size="2", weight="medium", white_space="nowrap"),
            ),
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
