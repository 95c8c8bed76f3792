"""Real local servers for tests: free ports and an ASGI app served by uvicorn in a thread."""

from __future__ import annotations

import contextlib
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import uvicorn
from starlette.types import ASGIApp

from scheduler_app.backend.embedded_db import EmbeddedDatabase
from scheduler_app.settings import get_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThreadedServer:
    """An ASGI app on 127.0.0.1:<free port>, served by uvicorn in a background thread."""

    def __init__(self, app: ASGIApp):
        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@contextlib.contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A SecantusDB on a free 127.0.0.1 port with data in a temporary folder; yields its URI.

    The server is stopped on leaving the block, also on SIGTERM (turned into SystemExit here).
    """
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with tempfile.TemporaryDirectory(prefix=prefix) as root:
        server = EmbeddedDatabase(
            get_settings().embedded_db_command, Path(root) / "db", free_port(), Path(root) / "db.log"
        )
        server.start()
        try:
            yield server.uri
        finally:
            server.stop()
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, _frame: object) -> NoReturn:
    raise SystemExit(128 + signum)
