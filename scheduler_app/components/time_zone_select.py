"""A native <select> of IANA time zones (static options: no state round trip)."""

from __future__ import annotations

import functools

import reflex as rx

from scheduler_app.backend.events.timing import available_zones


@functools.cache
def zone_names() -> list[str]:
    """Canonical Area/City zones plus UTC, sorted."""
    names = {
        name
        for name in available_zones()
        if "/" in name and not name.startswith(("posix/", "right/", "Etc/", "SystemV/", "US/", "Canada/"))
    }
    return sorted(names | {"UTC"})


def time_zone_select(
    field_id: str, name: str, value: rx.Var[str] | str, extra_options: list[tuple[str, str]] | None = None
) -> rx.Component:
    """Uncontrolled select; remount it (key) to change the preselected zone."""
    options = [rx.el.option(label, value=key) for key, label in (extra_options or [])]
    options += [rx.el.option(zone.replace("_", " "), value=zone) for zone in zone_names()]
    return rx.el.select(*options, id=field_id, name=name, default_value=value, class_name="native-select")
