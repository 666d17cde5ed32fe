"""Serve a fleet on 127.0.0.1 with Host-based virtual hosting.

One aiohttp server answers for every host of the fleet; a census reaches `www.hdq.gov.cn` by
connecting to 127.0.0.1:PORT with `Host: www.hdq.gov.cn` (curl-style `--resolve`, see
`resolve_args()`). The server runs its own event loop in a background thread so that plain
synchronous code, pytest fixtures and asyncio programs can all use it. Every answer is a stored
`Resource` except a site's search endpoint, which is computed per query (`search.py`).
"""

from __future__ import annotations

import asyncio
import threading
import time
from types import TracebackType

from aiohttp import web

from govsite.fleet import search
from govsite.fleet.model import BEHAVIOUR_429_ONCE, BEHAVIOUR_SLOW, Fleet

# "Slow-ish but < 2 s": long enough to be noticed in timings, short of any sane link timeout.
SLOW_DELAY_S = 0.8
RETRY_AFTER_S = 1
STARTUP_TIMEOUT_S = 10.0


class FleetServer:
    """The fleet's HTTP server.

    `request_log` holds (host, path, method, time.monotonic()) for every request, so tests can
    count requests per host and path (politeness, deduplication).
    """

    def __init__(self, fleet: Fleet, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fleet = fleet
        self.host = host
        self.port = port
        self.request_log: list[tuple[str, str, str, float]] = []
        self._seen_once: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> int:
        """Start serving in a background thread; returns the bound port."""
        if self._thread is not None:
            return self.port
        ready = threading.Event()
        failure: list[BaseException] = []
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(self._serve())
            except BaseException as exc:  # reported to the caller of start()
                failure.append(exc)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="fleet-server", daemon=True)
        self._thread.start()
        if not ready.wait(STARTUP_TIMEOUT_S):
            raise RuntimeError("fleet server did not start")
        if failure:
            self._thread = None
            raise RuntimeError("fleet server failed to start") from failure[0]
        return self.port

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        """Stop the server and its thread; safe to call twice."""
        if self._thread is None or self._loop is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
        self._thread = None
        self._loop = None

    def __enter__(self) -> FleetServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- what a client needs -----------------------------------------------------------------

    def resolve_args(self) -> list[str]:
        """`HOST=127.0.0.1:PORT` for every host of the fleet (contract.md `--resolve`)."""
        return [f"{host}={self.host}:{self.port}" for host in self.fleet.hosts]

    def reset(self) -> None:
        """Forget served 429s and the request log, as a freshly started server would."""
        with self._lock:
            self._seen_once.clear()
            self.request_log.clear()

    # --- request handling --------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        # Host may carry a port (`www.hdq.gov.cn:8080`); fleet hosts are names, never IPv6.
        host = (request.host or "").split(":", 1)[0].lower()
        path = request.raw_path
        with self._lock:
            self.request_log.append((host, path, request.method, time.monotonic()))
        endpoint = self.fleet.searches.get(host)
        if endpoint is not None and request.rel_url.raw_path == endpoint.path:
            body = await request.read()
            found = search.answer(endpoint, request.method, request.rel_url.raw_query_string, body)
            return web.Response(status=found.status, headers=found.headers, body=found.body)
        resource = self.fleet.lookup(host, path)
        if resource is None:
            return web.Response(status=421, text=f"Misdirected Request: unknown host {host!r}")
        if resource.behaviour == BEHAVIOUR_429_ONCE:
            key = (host, path)
            with self._lock:
                first = key not in self._seen_once
                self._seen_once.add(key)
            if first:
                return web.Response(
                    status=429, text="Too Many Requests",
                    headers={"Retry-After": str(RETRY_AFTER_S)},
                )
        if resource.behaviour == BEHAVIOUR_SLOW:
            await asyncio.sleep(SLOW_DELAY_S)
        return web.Response(status=resource.status, headers=resource.headers, body=resource.body)
