"""Reflex wrapper around FullCalendar 7 (``@fullcalendar/react``, MIT).

Handlers receive small plain dicts built in JS, never FullCalendar's info objects.
See ``docs/decisions/0002-calendar-component.md`` for the design and pitfalls.
"""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx
from reflex.components.component import field
from reflex.vars import ObjectVar
from reflex.vars.function import FunctionStringVar

FC_VERSION = "7.1.4"
FC_LIBRARY = f"@fullcalendar/react@{FC_VERSION}"
TEMPORAL_POLYFILL = "temporal-polyfill@1.0.8"

# Theme plugin + stylesheets. v7 ships no CSS injection: skeleton + theme + palette.
THEME = "pulse"
THEME_PALETTE = "palettes/blue.css"

VIEWS = ("timeGridWeek", "timeGridDay", "dayGridMonth", "listWeek")

DEFAULT_HEADER_TOOLBAR: dict[str, str] = {
    "start": "prev,next today",
    "center": "title",
    "end": "dayGridMonth,timeGridWeek,timeGridDay,listWeek",
}

# Plugins are default exports of sub-paths of the one package (never the v6 packages).
_PLUGINS: dict[str, str] = {
    "fcDayGridPlugin": "/daygrid",
    "fcTimeGridPlugin": "/timegrid",
    "fcListPlugin": "/list",
    "fcInteractionPlugin": "/interaction",
    "fcThemePlugin": f"/themes/{THEME}",
}

# Module-level JS. fcEvents maps v6-style colours (v7 only knows color/contrastColor)
# and returns a new array when the revision changes: Reflex keeps the identity of
# deep-equal state, so re-sending an unchanged list never reaches FullCalendar.
_EVENTS_JS = """const fcLegacyColors = (ev) => {
  const out = { ...ev };
  if (!out.color) { out.color = ev.backgroundColor || ev.borderColor || undefined; }
  if (!out.contrastColor && ev.textColor) { out.contrastColor = ev.textColor; }
  return out;
};
const fcEventsCache = new WeakMap();
const fcEvents = (events, revision) => {
  if (!Array.isArray(events)) { return events; }
  const hit = fcEventsCache.get(events);
  if (hit && hit.revision === revision) { return hit.out; }
  const out = events.map(fcLegacyColors);
  fcEventsCache.set(events, { revision, out });
  return out;
};"""


class SelectPayload(TypedDict):
    """Payload of ``on_select``: exclusive, slot-snapped range."""

    start: str
    end: str
    all_day: bool


class EventClickPayload(TypedDict):
    """Payload of ``on_event_click``."""

    id: str


class EventChangePayload(TypedDict):
    """Payload of ``on_event_drop`` and ``on_event_resize``: the new dates."""

    id: str
    start: str
    end: str
    all_day: bool


class DatesSetPayload(TypedDict):
    """Payload of ``on_dates_set``: visible range (end exclusive) and view type."""

    start: str
    end: str
    view: str


def _js(expr: str, var_type: type) -> rx.Var:
    """Wrap a raw JS object expression as a typed Var."""
    return rx.Var(_js_expr=f"({expr})", _var_type=var_type)


def _select_spec(info: ObjectVar[dict[str, Any]]) -> tuple[rx.Var[SelectPayload]]:
    """Map FullCalendar's ``DateSelectInfo`` to a plain dict."""
    return (
        _js(
            f"{{start: {info}.startStr, end: {info}.endStr, all_day: {info}.allDay}}",
            SelectPayload,
        ),
    )


def _event_click_spec(
    info: ObjectVar[dict[str, Any]],
) -> tuple[rx.Var[EventClickPayload]]:
    """Map FullCalendar's ``EventClickInfo`` to ``{"id"}``."""
    return (_js(f"{{id: {info}.event.id}}", EventClickPayload),)


def _event_change_spec(
    info: ObjectVar[dict[str, Any]],
) -> tuple[rx.Var[EventChangePayload]]:
    """Map drop/resize info to the event's new ``{"id", "start", "end", "all_day"}``."""
    ev = f"{info}.event"
    return (
        _js(
            f"{{id: {ev}.id, start: {ev}.startStr, end: {ev}.endStr, all_day: {ev}.allDay}}",
            EventChangePayload,
        ),
    )


def _dates_set_spec(info: ObjectVar[dict[str, Any]]) -> tuple[rx.Var[DatesSetPayload]]:
    """Map FullCalendar's ``DatesSetInfo`` to ``{"start", "end", "view"}``."""
    return (
        _js(
            f"{{start: {info}.startStr, end: {info}.endStr, view: {info}.view.type}}",
            DatesSetPayload,
        ),
    )


class FullCalendar(rx.NoSSRComponent):
    """FullCalendar 7 with day/time grid, list and interaction plugins."""

    library = FC_LIBRARY
    lib_dependencies: list[str] = [TEMPORAL_POLYFILL]
    tag = "FullCalendar"
    is_default = True

    # FullCalendar's callbacks are plain option names, not React-style onX props.
    _rename_props = {
        "onSelect": "select",
        "onEventClick": "eventClick",
        "onEventDrop": "eventDrop",
        "onEventResize": "eventResize",
        "onDatesSet": "datesSet",
    }

    events: rx.Var[list[dict[str, Any]]] = field(
        doc="Events: id, title, start, end, allDay, backgroundColor, borderColor, textColor."
    )
    initial_view: rx.Var[str] = field(doc="One of VIEWS; read only at mount.")
    initial_date: rx.Var[str] = field(doc="YYYY-MM-DD shown first; read at mount.")
    time_zone: rx.Var[str] = field(doc="IANA zone, 'local' or 'UTC'; remount via key.")
    height: rx.Var[str | int] = field(doc="CSS height of the whole calendar.")
    content_height: rx.Var[str | int] = field(doc="CSS height of the view area.")
    header_toolbar: rx.Var[dict[str, str] | bool] = field(doc="Toolbar layout.")
    editable: rx.Var[bool] = field(doc="Allow dragging and resizing events.")
    selectable: rx.Var[bool] = field(doc="Allow selecting empty slots.")
    select_mirror: rx.Var[bool] = field(doc="Draw a placeholder while selecting.")
    select_min_distance: rx.Var[int] = field(doc="Pixels before a select; 0 = click.")
    now_indicator: rx.Var[bool] = field(doc="Show the current-time line.")
    first_day: rx.Var[int] = field(doc="First day of week, 0 = Sunday.")
    slot_duration: rx.Var[str] = field(doc="Time-grid slot length, e.g. '00:30:00'.")
    snap_duration: rx.Var[str] = field(doc="Drag/select snap, defaults to slot.")
    slot_min_time: rx.Var[str] = field(doc="First visible time, e.g. '06:00:00'.")
    slot_max_time: rx.Var[str] = field(doc="Last visible time, e.g. '22:00:00'.")
    scroll_time: rx.Var[str] = field(doc="Initial scroll position of time grids.")
    all_day_slot: rx.Var[bool] = field(doc="Show the all-day row in time grids.")
    weekends: rx.Var[bool] = field(doc="Show Saturday and Sunday.")
    day_max_events: rx.Var[bool | int] = field(doc="Collapse busy days into +more.")
    nav_links: rx.Var[bool] = field(doc="Day/week names link to their view.")
    color_scheme: rx.Var[str] = field(doc="'light' or 'dark' palette.")
    business_hours: rx.Var[list[dict[str, Any]] | bool] = field(
        doc="Working hours to leave unshaded: [{daysOfWeek, startTime, endTime}]."
    )
    plugins: rx.Var[list[Any]] = field(doc="Set by create(); do not pass.")

    on_select: rx.EventHandler[_select_spec] = field(
        doc="Empty slot clicked or dragged: {start, end, all_day}."
    )
    on_event_click: rx.EventHandler[_event_click_spec] = field(doc="Event clicked: {id}.")
    on_event_drop: rx.EventHandler[_event_change_spec] = field(doc="Event moved: {id, start, end, all_day}.")
    on_event_resize: rx.EventHandler[_event_change_spec] = field(
        doc="Event resized: {id, start, end, all_day}."
    )
    on_dates_set: rx.EventHandler[_dates_set_spec] = field(
        doc="Visible range or view changed: {start, end, view}."
    )

    def add_imports(self) -> rx.ImportDict:
        """Import the plugins and the stylesheets."""
        return {
            "react": ["createElement"],
            FC_LIBRARY: [
                rx.ImportVar(tag=name, is_default=True, package_path=path) for name, path in _PLUGINS.items()
            ],
            "": [
                "@fullcalendar/react/skeleton.css",
                f"@fullcalendar/react/themes/{THEME}/theme.css",
                f"@fullcalendar/react/themes/{THEME}/{THEME_PALETTE}",
            ],
        }

    def _get_dynamic_imports(self) -> str:
        """Lazy-load the calendar, dropping the ``children`` prop it warns about."""
        lib = FC_LIBRARY.rpartition("@")[0]
        return (
            f"const {self.tag} = ClientSide(() => import('{lib}').then((mod) => {{"
            " const Cal = mod.default.default ?? mod.default;"
            " return ({ children, ...props }) => createElement(Cal, props);"
            f" }}), {self.tag!r})"
        )

    def add_custom_code(self) -> list[str]:
        """Define the event mapping helpers once per page."""
        return [_EVENTS_JS]

    @classmethod
    def create(cls, *children: rx.Component, **props: Any) -> rx.Component:
        """Create the calendar with app defaults; key defaults to the time zone."""
        props.setdefault("initial_view", "timeGridWeek")
        props.setdefault("header_toolbar", DEFAULT_HEADER_TOOLBAR)
        props.setdefault("editable", True)
        props.setdefault("selectable", True)
        props.setdefault("select_mirror", False)
        props.setdefault("select_min_distance", 0)
        props.setdefault("now_indicator", True)
        props.setdefault("first_day", 1)
        props.setdefault("day_max_events", True)
        props.setdefault("color_scheme", rx.color_mode_cond("light", "dark"))
        if "time_zone" in props and "key" not in props:
            props["key"] = props["time_zone"]
        revision = props.pop("events_revision", 0)
        if "events" in props:
            props["events"] = FunctionStringVar.create("fcEvents").call(props["events"], revision)
        props["plugins"] = rx.Var(_js_expr="[" + ", ".join(_PLUGINS) + "]")
        return super().create(*children, **props)


def full_calendar(**props: Any) -> rx.Component:
    """Render a FullCalendar (see ``FullCalendar`` props); ``key=`` remounts on zone change.

    Bump ``events_revision`` (an int Var) to force a re-render of unchanged ``events``.
    """
    return FullCalendar.create(**props)
