"""Fixtures for the monitor tests: a SQLite-only store and the flapping server.

`store_url` and `store` (SQLite and PostgreSQL) come from tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from flapping import FlappingServer, Outage

from govsite.monitor.schedule import Clock
from govsite.store import Store, sqlite_url


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """SQLite only: for the scheduler tests, whose subject is not the database."""
    with Store(sqlite_url(tmp_path / "monitor.db")) as opened:
        opened.migrate()
        yield opened


ServerFactory = Callable[[Clock, dict[str, list[Outage]]], Awaitable[FlappingServer]]


@pytest_asyncio.fixture
async def flapping() -> AsyncIterator[ServerFactory]:
    """`await flapping(clock, outages)` starts a FlappingServer; all stop at teardown."""
    servers: list[FlappingServer] = []

    async def start(clock: Clock, outages: dict[str, list[Outage]]) -> FlappingServer:
        server = FlappingServer(clock=clock, outages=outages)
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()
