"""The day picker and the list of free times shared by the booking and the manage pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx


def slot_picker(
    *,
    day: rx.Var[str],
    on_day: Callable[[str], Any],
    on_shift: Callable[[int], Any],
    slots: rx.Var[list[dict[str, str]]],
    selected: rx.Var[str],
    on_pick: Callable[[str], Any],
    loading: rx.Var[bool],
    time_zone: rx.Var[str],
    id_prefix: str,
) -> rx.Component:
    """A date input with previous/next day, then the day's free times as toggle buttons."""
    day_id = f"{id_prefix}-day"
    return rx.vstack(
        rx.flex(
            rx.el.label("Day", html_for=day_id, class_name="field-label"),
            rx.hstack(
                rx.icon_button(
                    rx.icon("chevron-left", size=16),
                    variant="soft",
                    on_click=on_shift(-1),
                    aria_label="Previous day",
                ),
                rx.input(id=day_id, type="date", value=day, on_change=on_day),
                rx.icon_button(
                    rx.icon("chevron-right", size=16),
                    variant="soft",
                    on_click=on_shift(1),
                    aria_label="Next day",
                ),
                align="center",
            ),
            direction="column",
            spacing="1",
        ),
        rx.text("Times in ", rx.code(time_zone), size="2", color_scheme="gray"),
        rx.cond(
            loading,
            rx.spinner(),
            rx.cond(
                slots.length() > 0,  # type: ignore[attr-defined]
                rx.flex(
                    rx.foreach(
                        slots,
                        lambda slot: rx.button(
                            slot["label"],
                            variant=rx.cond(selected == slot["start"], "solid", "outline"),
                            aria_pressed=rx.cond(selected == slot["start"], "true", "false"),
                            on_click=on_pick(slot["start"]),
                        ),
                    ),
                    wrap="wrap",
                    gap="2",
                    role="group",
                    aria_label="Free times",
                ),
                rx.text("No free times on this day; try another.", role="status"),
            ),
        ),
        spacing="3",
        width="100%",
    )
