"""What the app does at start and stop: logging, the database (embedded when unconfigured), indexes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import structlog

from scheduler_app.backend.db import configure_database, get_database
from scheduler_app.backend.embedded_db import EmbeddedDatabase, running_embedded_database
from scheduler_app.backend.observability import configure_logging
from scheduler_app.settings import get_settings

log = structlog.get_logger("scheduler_app.lifecycle")
INDEX_RETRY_S = 5.0


async def _ensure_indexes_when_reachable() -> None:
    """Create indexes as soon as the database answers; a down database must not stop the app."""
    while True:
        try:
            await get_database().ensure_indexes()
            log.info("database.indexes_ready")
            return
        except Exception as error:  # retried: the health endpoint reports the outage meanwhile
            log.warning("database.indexes_pending", error=str(error))
            await asyncio.sleep(INDEX_RETRY_S)


@contextlib.asynccontextmanager
async def app_lifespan() -> AsyncIterator[None]:
    """Run for the whole life of the backend process."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    async with contextlib.AsyncExitStack() as stack:
        if settings.mongodb_uri:
            uri = settings.mongodb_uri
        else:
            embedded = EmbeddedDatabase(
                settings.embedded_db_command, settings.data_dir / "db", settings.embedded_db_port
            )
            await stack.enter_async_context(running_embedded_database(embedded))
            uri = embedded.uri
        database = configure_database(uri, settings.mongodb_database)
        indexes = asyncio.create_task(_ensure_indexes_when_reachable())
        try:
            yield
        finally:
            indexes.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await indexes
            await database.close()
