"""The Reflex app: pages, the REST API and health/metrics on one origin, and the lifespan."""

from __future__ import annotations

import reflex as rx

from scheduler_app.backend.api.app import create_api
from scheduler_app.backend.lifecycle import app_lifespan
from scheduler_app.pages import auth, calendar, find_time, invitation, settings  # noqa: F401  (registers the pages)

app = rx.App(
    theme=rx.theme(accent_color="blue", radius="medium", has_background=True),
    stylesheets=["/styles.css"],
    head_components=[rx.script(src="/shortcuts.js")],
    api_transformer=create_api(),
)
app.register_lifespan_task(app_lifespan)
