"""Settings: the time zone the calendar is shown in."""

from __future__ import annotations

import reflex as rx

from scheduler_app.components.form_field import labelled
from scheduler_app.components.layout import page_frame
from scheduler_app.components.time_zone_select import time_zone_select
from scheduler_app.state.preferences import FOLLOW_BROWSER, PreferencesState


@rx.page(route="/settings", title="Settings · Scheduler", on_load=PreferencesState.load_page)
def settings_page() -> rx.Component:
    return page_frame(
        rx.container(
            rx.vstack(
                rx.heading("Settings", size="6", as_="h1"),
                rx.card(
                    rx.form(
                        rx.vstack(
                            labelled(
                                "Time zone",
                                "settings-time-zone",
                                rx.box(
                                    time_zone_select(
                                        "settings-time-zone",
                                        "time_zone",
                                        PreferencesState.time_zone_choice,
                                        [(FOLLOW_BROWSER, "Follow my browser")],
                                    ),
                                    key=PreferencesState.time_zone_choice,
                                ),
                            ),
                            rx.text(
                                "Your browser says you are in ",
                                rx.code(PreferencesState.browser_time_zone),
                                ".",
                                size="2",
                                color_scheme="gray",
                            ),
                            rx.cond(
                                PreferencesState.error != "",
                                rx.callout(PreferencesState.error, color_scheme="red", role="alert"),
                            ),
                            rx.cond(
                                PreferencesState.message != "",
                                rx.text(PreferencesState.message, role="status", color_scheme="green"),
                            ),
                            rx.button("Save settings", type="submit"),
                            spacing="3",
                            align="start",
                        ),
                        on_submit=PreferencesState.save,
                        reset_on_submit=False,
                    ),
                    width="100%",
                ),
                rx.link("← Back to calendar", href="/"),
                spacing="4",
                padding_y="2em",
            ),
            size="2",
        ),
    )
