"""API fixtures: the REST app served by uvicorn on 127.0.0.1, and signed-in HTTP clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from scheduler_app.backend.api.app import create_api
from scheduler_app.backend.auth.service import issue_login_ticket, sign_up
from scheduler_app.backend.db import Database
from tests.conftest import unique_email
from tests.servers import ThreadedServer


@pytest.fixture(scope="session")
def api_url(indexed_database: Database) -> Iterator[str]:
    with ThreadedServer(create_api()) as server:
        yield server.url


@pytest.fixture
def anonymous(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=30) as client:
        yield client


SignIn = Callable[..., "httpx.Client"]


@pytest.fixture
async def sign_in(api_url: str, indexed_database: Database) -> SignIn:
    """Make a new account and return an HTTP client holding its session cookie."""
    clients: list[httpx.Client] = []

    async def _sign_in(time_zone: str | None = "Europe/Berlin") -> httpx.Client:
        db = indexed_database.collections()
        user = await sign_up(db, unique_email(), "Test User", "correct horse battery", time_zone)
        ticket = await issue_login_ticket(db, user.id)
        client = httpx.Client(base_url=api_url, timeout=30)
        clients.append(client)
        response = client.get("/auth/complete", params={"ticket": ticket}, follow_redirects=False)
        assert response.status_code == 303, response.text
        assert "httponly" in response.headers["set-cookie"].lower()
        client.user_id = user.id  # type: ignore[attr-defined]
        client.email = user.email  # type: ignore[attr-defined]
        return client

    yield _sign_in
    for client in clients:
        client.close()
