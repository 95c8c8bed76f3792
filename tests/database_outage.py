"""Point the process at a database that does not answer, then back (for outage tests)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from scheduler_app.backend.db import Database, configure_database
from scheduler_app.backend.embedded_db import uri_for_port
from tests.servers import free_port


@contextlib.contextmanager
def database_down(working: Database) -> Iterator[None]:
    """Within the block every new database call goes to a closed port; afterwards, to `working`."""
    configure_database(uri_for_port(free_port()), working.name)
    try:
        yield
    finally:
        configure_database(working.uri, working.name)
