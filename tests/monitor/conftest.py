"""Fixtures for the monitor tests: real stores (SQLite, PostgreSQL) and the flapping server.

The PostgreSQL half follows tests/store/conftest.py: GOVSITE_TEST_PG_URL (default: the local
trust-auth server), one fresh schema per test; a missing server is a skip with the reason,
except under CI=true, where it fails.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from flapping import FlappingServer, Outage
from sqlalchemy import create_engine, text

from govsite.monitor.schedule import Clock
from govsite.store import Store, sqlite_url

PG_URL = os.environ.get("GOVSITE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_schema() -> Iterator[str]:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # any failure to connect means "no server here"
        admin.dispose()
        message = f"PostgreSQL not available at {PG_URL}: {exc.__class__.__name__}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    schema = f"govsite_monitor_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'create schema "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store URL on each database (tests of the store's probe methods run on both)."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "monitor.db")
    else:
        yield from _pg_schema()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store(store_url) as opened:
        opened.migrate()
        yield opened


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
