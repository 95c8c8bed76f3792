"""The embedded SecantusDB: durable across SIGKILL, restarted by its supervisor, clear start-up errors."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient

from scheduler_app.backend.embedded_db import EmbeddedDatabase, EmbeddedDatabaseError, supervise
from scheduler_app.settings import get_settings
from tests.servers import free_port

pytestmark = pytest.mark.integration


def embedded(tmp_path: Path) -> EmbeddedDatabase:
    return EmbeddedDatabase(
        get_settings().embedded_db_command, tmp_path / "db", free_port(), tmp_path / "db.log"
    )


async def count(uri: str) -> int:
    client = AsyncMongoClient(uri, serverSelectionTimeoutMS=10_000)
    try:
        return await client.crash.docs.count_documents({"kind": "acknowledged"})
    finally:
        await client.close()


async def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    server = embedded(tmp_path)
    await asyncio.to_thread(server.start)
    try:
        client = AsyncMongoClient(server.uri)
        for index in range(200):
            await client.crash.docs.insert_one({"kind": "acknowledged", "n": index})
        await client.close()
        assert server.process is not None
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
        await asyncio.to_thread(server.start)
        assert await count(server.uri) == 200
    finally:
        await asyncio.to_thread(server.stop)


async def test_supervisor_restarts_a_killed_server(tmp_path: Path) -> None:
    server = embedded(tmp_path)
    await asyncio.to_thread(server.start)
    watcher = asyncio.create_task(supervise(server, interval=0.2))
    try:
        assert server.process is not None
        first_pid = server.process.pid
        os.killpg(first_pid, signal.SIGKILL)
        for _ in range(200):
            await asyncio.sleep(0.1)
            if server.running() and server.process is not None and server.process.pid != first_pid:
                break
        assert server.running() and server.process is not None and server.process.pid != first_pid
        assert await count(server.uri) == 0  # it answers again
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await asyncio.to_thread(server.stop)


def test_start_refuses_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        server = EmbeddedDatabase(
            get_settings().embedded_db_command, tmp_path / "db", busy.getsockname()[1], tmp_path / "db.log"
        )
        with pytest.raises(EmbeddedDatabaseError, match="already in use"):
            server.start()


def test_start_explains_a_missing_install(tmp_path: Path) -> None:
    server = EmbeddedDatabase(tmp_path / "nope" / "secantusd-py", tmp_path / "db", free_port())
    with pytest.raises(EmbeddedDatabaseError, match="make setup"):
        server.start()
