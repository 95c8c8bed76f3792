"""A labelled form field with its error message, tied together for screen readers."""

from __future__ import annotations

import reflex as rx


def field_error(message: rx.Var[str], field_id: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.text(message, id=f"{field_id}-error", color=rx.color("red", 11), size="1", role="alert"),
    )


def labelled(
    label: str, field_id: str, control: rx.Component, error: rx.Var[str] | None = None
) -> rx.Component:
    """`<label for=id>` above the control, with the field's error below it (and described by it)."""
    if error is not None:
        control.custom_attrs["aria-describedby"] = f"{field_id}-error"
    return rx.flex(
        rx.el.label(label, html_for=field_id, class_name="field-label"),
        control,
        field_error(error, field_id) if error is not None else rx.fragment(),
        direction="column",
        spacing="1",
        width="100%",
    )
