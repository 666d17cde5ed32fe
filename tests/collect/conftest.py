"""Fixtures for the collect tests: real HTTP(S) servers on 127.0.0.1, no mocks of HTTP."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest_asyncio
from aiohttp import web
from collect_helpers import FakeSite

ServerFactory = Callable[..., Awaitable[FakeSite]]


@pytest_asyncio.fixture
async def servers() -> AsyncIterator[ServerFactory]:
    """`await servers()` starts a FakeSite (`ssl_context=` for HTTPS); all stop at teardown."""
    runners: list[web.AppRunner] = []

    async def start(*, ssl_context: ssl.SSLContext | None = None) -> FakeSite:
        site = FakeSite()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", site.dispatch)
        # A short shutdown: handlers still sleeping for timeout tests must not hold teardown.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await runner.setup()
        tcp = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
        await tcp.start()
        site.port = runner.addresses[0][1]
        runners.append(runner)
        return site

    yield start
    for runner in runners:
        await runner.cleanup()


