"""A flapping fleet for the monitor tests: real HTTP on 127.0.0.1, sites down on a schedule.

One aiohttp server answers for every host (Host-based virtual hosting, reached through the
monitor's `--resolve` map). Each host has a list of outages in the monitor's clock time —
virtual time when the test compresses it — and answers according to the outage covering
the moment a request arrives: a 503, a dropped connection, a WAF challenge or a stall past
the probe timeout. Outside outages it serves a normal home page.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web

from govsite.monitor.schedule import Clock

MODE_503 = "503"
MODE_RESET = "reset"
MODE_WAF = "waf"
MODE_STALL = "stall"

HOME = ("<html><head><meta charset='utf-8'><title>某区人民政府</title></head><body>"
        + "<p>政务公开 新闻动态 通知公告 办事服务</p>" * 40 + "</body></html>")
# What 安全狗 answers a crawler it does not like (collect/waf.py recognises it).
WAF_PAGE = "<html><body><h1>网站防火墙</h1><p>您的访问被安全狗拦截</p></body></html>"


@dataclass(frozen=True)
class Outage:
    """[start, end) in the monitor's clock, and how the host misbehaves meanwhile."""

    start: datetime
    end: datetime
    mode: str = MODE_503


@dataclass
class FlappingServer:
    """The server; `await start()` binds a port, `await stop()` closes it."""

    clock: Clock
    outages: dict[str, list[Outage]] = field(default_factory=dict)
    stall_s: float = 5.0
    log: list[tuple[str, datetime]] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None

    async def start(self) -> int:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # Stalled handlers must not hold teardown for their whole stall.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def resolve(self, hosts: list[str]) -> tuple[str, ...]:
        return tuple(f"{host}=127.0.0.1:{self.port}" for host in hosts)

    def requests_for(self, host: str) -> list[datetime]:
        return [moment for h, moment in self.log if h == host]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").split(":", 1)[0].lower()
        now = self.clock.now()
        self.log.append((host, now))
        mode = next((o.mode for o in self.outages.get(host, []) if o.start <= now < o.end), None)
        if mode == MODE_503:
            return web.Response(status=503, text="Service Unavailable")
        if mode == MODE_RESET:
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)  # never reaches the client
        if mode == MODE_WAF:
            return web.Response(status=403, text=WAF_PAGE, content_type="text/html")
        if mode == MODE_STALL:
            await asyncio.sleep(self.stall_s)
        return web.Response(text=HOME, content_type="text/html")
