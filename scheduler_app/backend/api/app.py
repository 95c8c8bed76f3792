"""The FastAPI application that Reflex mounts through `api_transformer`."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from scheduler_app.backend.api.problems import install_problem_handlers
from scheduler_app.backend.api.routes import (
    account,
    admin,
    auth_tokens,
    booking,
    calendars,
    events,
    health,
    invitations,
    oidc,
    scheduling,
    web_auth,
)
from scheduler_app.backend.observability import RequestContextMiddleware, metrics_endpoint

API_PREFIX = "/api/v1"


def create_api() -> FastAPI:
    """REST API under /api/v1, health, metrics and the cookie endpoints, all on the app's origin."""
    api = FastAPI(
        title="Scheduler API",
        version="1.0.0",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    v1 = APIRouter(prefix=API_PREFIX)
    v1.include_router(calendars.router)
    v1.include_router(events.router)
    v1.include_router(invitations.router)
    v1.include_router(scheduling.router)
    v1.include_router(booking.router)
    v1.include_router(account.router)
    v1.include_router(admin.router)
    v1.include_router(auth_tokens.router)
    api.include_router(v1)
    api.include_router(calendars.feeds)
    api.include_router(health.router)
    api.include_router(web_auth.router)
    api.include_router(oidc.router)
    api.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    install_problem_handlers(api)
    auth_tokens.install_bearer_problems(api)
    api.add_middleware(RequestContextMiddleware)
    return api
