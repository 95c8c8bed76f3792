"""Start, supervise and stop the embedded SecantusDB server used when no MONGODB_URI is set.

SecantusDB is GPL-2.0, so it runs only as a separate process from its own virtual environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)


class EmbeddedDatabaseError(RuntimeError):
    """The embedded database could not be started."""


def uri_for_port(port: int) -> str:
    """Connection string for a SecantusDB listening on 127.0.0.1:port."""
    return f"mongodb://127.0.0.1:{port}/?directConnection=true"


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class EmbeddedDatabase:
    """One SecantusDB server process with durable commits, data under `storage_dir`."""

    def __init__(self, command: Path, storage_dir: Path, port: int, log_file: Path | None = None):
        self.command = command
        self.storage_dir = storage_dir
        self.port = port
        self.log_file = log_file or storage_dir.parent / "secantusdb.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return uri_for_port(self.port)

    def start(self, timeout: float = 30.0) -> None:
        """Launch the server and wait until it accepts connections."""
        if not self.command.exists():
            raise EmbeddedDatabaseError(
                f"SecantusDB is not installed at {self.command}; run `make setup` first."
            )
        if _port_open(self.port):
            raise EmbeddedDatabaseError(
                f"Port {self.port} is already in use; set EMBEDDED_DB_PORT or MONGODB_URI."
            )
        self.storage_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 (our configured executable)
                [
                    str(self.command),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--storage-path",
                    str(self.storage_dir),
                    "--sync-on-commit",
                    "--log-level",
                    "WARNING",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmbeddedDatabaseError(
                    f"SecantusDB exited with code {self.process.returncode}; see {self.log_file}"
                )
            if _port_open(self.port):
                log.info("embedded_db.started", port=self.port, pid=self.process.pid)
                return
            time.sleep(0.1)
        self.stop()
        raise EmbeddedDatabaseError(f"SecantusDB did not listen on {self.port} within {timeout}s")

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the server with SIGTERM (clean WiredTiger shutdown), SIGKILL as a last resort."""
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        log.info("embedded_db.stopped", port=self.port, code=self.process.returncode)
        self.process = None


async def supervise(database: EmbeddedDatabase, interval: float = 2.0) -> None:
    """Restart the server whenever it dies, until cancelled."""
    while True:
        await asyncio.sleep(interval)
        if not database.running():
            log.warning("embedded_db.restarting", port=database.port)
            try:
                await asyncio.to_thread(database.start)
            except EmbeddedDatabaseError as error:
                log.error("embedded_db.restart_failed", error=str(error))


@contextlib.asynccontextmanager
async def running_embedded_database(database: EmbeddedDatabase) -> AsyncIterator[EmbeddedDatabase]:
    """Run and supervise the server for the lifetime of the block, then stop it cleanly."""
    await asyncio.to_thread(database.start)
    supervisor = asyncio.create_task(supervise(database))
    try:
        yield database
    finally:
        supervisor.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await supervisor
        await asyncio.to_thread(database.stop)
