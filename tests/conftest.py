"""Shared fixtures: a real SecantusDB server for the whole test session, and a database per test run."""

from __future__ import annotations

import contextlib
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from scheduler_app.backend.auth.keys import derive_key, master_secret
from scheduler_app.backend.db import Collections, Database, configure_database
from scheduler_app.backend.embedded_db import EmbeddedDatabase
from scheduler_app.backend.observability import configure_logging
from scheduler_app.settings import get_settings
from tests.mail_server import MailServer
from tests.oidc_server import OidcProviderServer
from tests.servers import free_port


@pytest.fixture(scope="session", autouse=True)
def quiet_logs() -> None:
    """Route app logs through the app's own configuration, warnings and above only."""
    configure_logging("WARNING", json_logs=True)


@contextlib.contextmanager
def test_setting(name: str, value: str) -> Iterator[None]:
    """One setting for the whole run: in the environment too, so it survives `get_settings.cache_clear()`
    (the browser tests' app harness re-reads the settings) and reaches the app the harness starts."""
    variable = name.upper()
    previous_env, previous = os.environ.get(variable), getattr(get_settings(), name)
    os.environ[variable] = value
    setattr(get_settings(), name, value)
    try:
        yield
    finally:
        if previous_env is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = previous_env
        setattr(get_settings(), name, previous)


@pytest.fixture(scope="session", autouse=True)
def mail_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailServer]:
    """Every mail the app sends during the tests goes to this real SMTP server."""
    server = MailServer(tmp_path_factory.mktemp("smtp"))
    server.start()
    with test_setting("smtp_url", server.url):
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session", autouse=True)
def generated_secret(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A secret key made for this test run (never one from the repository)."""
    master_secret.cache_clear()
    derive_key.cache_clear()
    with test_setting("secret_key", secrets.token_urlsafe(48)):
        yield
    master_secret.cache_clear()
    derive_key.cache_clear()


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A SecantusDB server on 127.0.0.1 for the session (or TEST_MONGODB_URI when given)."""
    if external := os.environ.get("TEST_MONGODB_URI"):
        yield external
        return
    root: Path = tmp_path_factory.mktemp("secantus")
    server = EmbeddedDatabase(get_settings().embedded_db_command, root / "db", free_port(), root / "db.log")
    server.start()
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture(scope="session")
def database(mongo_uri: str) -> Database:
    """The process-wide database, pointed at a fresh database name for this run."""
    return configure_database(mongo_uri, f"test_{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="session")
async def indexed_database(database: Database) -> Database:
    await database.ensure_indexes()
    return database


@pytest.fixture
async def db(indexed_database: Database) -> AsyncIterator[Collections]:
    yield indexed_database.collections()


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProviderServer]:
    """A real OpenID Connect provider (npm oidc-provider) whose client redirects to APP_URL's callback."""
    redirect_uri = f"{get_settings().app_url.rstrip('/')}/auth/callback/oidc"
    with OidcProviderServer([redirect_uri], tmp_path_factory.mktemp("oidc") / "provider.log") as server:
        yield server
