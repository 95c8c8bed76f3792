"""Reflex configuration: reads the app settings; holds no secrets."""

import reflex as rx

from scheduler_app.settings import get_settings

settings = get_settings()

config = rx.Config(
    app_name="scheduler_app",
    telemetry_enabled=False,
    frontend_port=3000,
    backend_port=3000,
    deploy_url=settings.app_url,
    api_url=settings.app_url,
    show_built_with_reflex=False,
    disable_plugins=[rx.plugins.SitemapPlugin],
)
