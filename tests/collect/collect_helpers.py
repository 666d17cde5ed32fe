"""Helpers for the collect tests: a recording HTTP server and quick collector settings.

A `FakeSite` is a tiny aiohttp app whose routes a test sets (`site.page(...)`,
`site.route(...)`) and which records every request it receives, so that tests assert at the
server (Host header, timing, in-flight count, hit counts, what a form submitted). Collectors
reach these servers through `--resolve` mappings, the way a census reaches an intranet.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from govsite.collect import Collector, CollectSettings
from govsite.sites import Site
from govsite.snapshot import SiteSnapshot

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Hit:
    """One request as it arrived; `raw_query` is still percent-encoded (its charset unknown)."""

    path: str
    query: str
    host: str
    user_agent: str
    at: float
    method: str = "GET"
    raw_query: str = ""
    body: bytes = b""


@dataclass
class FakeSite:
    """One HTTP server; unknown paths answer 404 (robots.txt included, unless routed)."""

    routes: dict[str, Handler] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    inflight: int = 0
    max_inflight: int = 0
    port: int = 0
    fallback: Handler | None = None

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def page(
        self,
        path: str,
        body: str | bytes = "",
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        """A static answer for `path` (a str body is sent as UTF-8)."""
        data = body.encode("utf-8") if isinstance(body, str) else body

        async def handler(_request: web.Request) -> web.StreamResponse:
            if delay:
                await asyncio.sleep(delay)
            resp = web.Response(body=data, status=status, headers=headers or {})
            resp.headers["Content-Type"] = content_type
            return resp

        self.route(path, handler)

    def maps(self, host: str, port: int | None = None) -> str:
        """A `--resolve` spec sending `host` (on `port`, or every port) to this server."""
        left = f"{host}:{port}" if port else host
        return f"{left}=127.0.0.1:{self.port}"

    def count(self, path: str) -> int:
        return sum(1 for h in self.hits if h.path == path)

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        self.hits.append(
            Hit(
                path=request.path,
                query=request.query_string,
                host=request.headers.get("Host", ""),
                user_agent=request.headers.get("User-Agent", ""),
                at=time.monotonic(),
                method=request.method,
                raw_query=urlsplit(request.raw_path).query,
                body=await request.read(),
            )
        )
        self.inflight += 1
        self.max_inflight = max(self.max_inflight, self.inflight)
        try:
            handler = self.routes.get(request.path) or self.fallback
            if handler is None:
                return web.Response(status=404, text="<html><body>404</body></html>",
                                    content_type="text/html")
            return await handler(request)
        finally:
            self.inflight -= 1


def html(title: str = "", body: str = "", head: str = "") -> str:
    """A small UTF-8 HTML document."""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f"<body>{body}</body></html>"
    )


# Fast, test-friendly manners: no interval, short timeouts, one retry. The security probe
# (its own requests to fixed paths) is off here so that tests counting the requests a crawl
# makes see the crawl's alone; test_security_probe.py switches it on.
FAST = {"host_interval_s": 0.0, "timeout_s": 3.0, "retries": 1, "probe_security": False}


def settings(**overrides: Any) -> CollectSettings:
    return CollectSettings(**{**FAST, **overrides})


def site(url: str, *, status: str = "running", code: str = "1100000001") -> Site:
    return Site(name="测试网站", site_code=code, url=url, status=status)


async def collect(url: str, *, resolve: tuple[str, ...] = (), **overrides: Any) -> SiteSnapshot:
    """Collect one site with FAST settings plus `overrides`."""
    async with Collector(settings(resolve=resolve, **overrides)) as collector:
        return await collector.collect(site(url))
