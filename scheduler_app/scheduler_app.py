"""The Reflex app: pages, the REST API and health/metrics on one origin, and the lifespan."""

from __future__ import annotations

import reflex as rx

from scheduler_app.backend.api.app import create_api
from scheduler_app.backend.api.security_headers import with_security_headers
from scheduler_app.backend.lifecycle import app_lifespan
from scheduler_app.pages import (  # noqa: F401  (registers the pages)
    admin,
    api_tokens,
    auth,
    booking_manage,
    booking_pages,
    booking_public,
    calendar,
    find_time,
    invitation,
    password_reset,
    security,
    settings,
)

app = rx.App(
    # Indigo, not blue: white text on blue 9 fails WCAG AA contrast (axe), on indigo 9 it passes.
    theme=rx.theme(accent_color="indigo", radius="medium", has_background=True),
    stylesheets=["/styles.css"],
    head_components=[rx.script(src="/shortcuts.js")],
    # The FastAPI app first (Reflex mounts itself under it), then the headers around everything.
    api_transformer=[create_api(), with_security_headers],
)
app.register_lifespan_task(app_lifespan)
