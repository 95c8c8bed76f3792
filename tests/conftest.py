"""Shared fixtures: a real SecantusDB server for the whole test session, and a database per test run."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from scheduler_app.backend.db import Collections, Database, configure_database
from scheduler_app.backend.embedded_db import EmbeddedDatabase
from scheduler_app.backend.observability import configure_logging
from scheduler_app.settings import get_settings
from tests.servers import free_port


@pytest.fixture(scope="session", autouse=True)
def quiet_logs() -> None:
    """Route app logs through the app's own configuration, warnings and above only."""
    configure_logging("WARNING", json_logs=True)


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
