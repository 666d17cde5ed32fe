"""Real Chromium against real aiohttp servers on 127.0.0.1: no mocks of the browser or HTTP.

Chromium (apt `chromium`), Playwright (pyproject) and axe-core (`npm install`, make install)
are installed by `make install`. One missing is a clear failure in CI (`CI=true`), a skip
with the reason on a developer's machine.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import pytest_asyncio
from aiohttp import web

from govsite.collect.browser import axe_source_path
from govsite.collect.settings import DEFAULT_CHROMIUM_PATH


def _missing() -> str | None:
    if not os.path.isfile(DEFAULT_CHROMIUM_PATH):
        return f"{DEFAULT_CHROMIUM_PATH} missing: run `make install` (apt-get install chromium)"
    if axe_source_path() is None:
        return "node_modules/axe-core missing: run `make install` (npm install)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright missing: run `make install`"
    return None


@pytest.fixture(autouse=True)
def browser_parts() -> None:
    why = _missing()
    if why and os.environ.get("CI") == "true":
        pytest.fail(why)
    if why:
        pytest.skip(why)


Pages = dict[str, str]
ServerFactory = Callable[[Pages], Awaitable[tuple[int, list[tuple[str, str]]]]]


@pytest_asyncio.fixture
async def serve() -> AsyncIterator[ServerFactory]:
    """`await serve({path: html})` → (port, hits as (path, Host header)); stopped at teardown."""
    runners: list[web.AppRunner] = []

    async def start(pages: Pages) -> tuple[int, list[tuple[str, str]]]:
        hits: list[tuple[str, str]] = []

        async def handle(request: web.Request) -> web.StreamResponse:
            hits.append((request.path, request.headers.get("Host", "")))
            body = pages.get(request.path)
            if body is None:
                return web.Response(status=404, text="not found")
            kind = "text/css" if request.path.endswith(".css") else "text/html"
            return web.Response(text=body, content_type=kind, charset="utf-8")

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
        return runner.addresses[0][1], hits

    yield start
    for runner in runners:
        await runner.cleanup()
