"""Error classes and retries, each produced by a real server (or a real closed port)."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest
from aiohttp import web
from collect_helpers import collect, html, settings, site

from govsite.collect import Collector
from govsite.collect.errors import is_transient

HOST = "www.example.gov.cn"
EXT = "ext.example.com"
URL = f"http://{HOST}/"


def counting(answers: list[tuple[int, dict[str, str]]], content_type: str = "application/pdf"):
    """A handler giving `answers` in turn (the last one repeats), recording when it was hit."""
    times: list[float] = []

    async def handler(_request: web.Request) -> web.Response:
        status, headers = answers[min(len(times), len(answers) - 1)]
        times.append(time.monotonic())
        body = "<html><title>页面</title><body>内容</body></html>"
        return web.Response(status=status, headers=headers, text=body, content_type=content_type)

    handler.times = times  # type: ignore[attr-defined]
    return handler


def test_transient_classes() -> None:
    for status in (408, 429, 500, 502, 503, 504):
        assert is_transient("http_5xx" if status >= 500 else "http_4xx", status)
    assert is_transient("timeout", None) and is_transient("reset", None)
    for error in ("dns", "refused", "tls", "too_many_redirects", "robots_denied"):
        assert not is_transient(error, None)
    assert not is_transient("http_4xx", 404) and not is_transient("http_5xx", 501)


async def site_linking(servers, target: str):
    server = await servers()
    server.page("/", html("首页", f'<a href="{target}">目标</a>'))
    return server


@pytest.mark.asyncio
async def test_429_retry_after_is_honoured_then_success_is_not_broken(servers) -> None:
    server = await site_linking(servers, "/file.pdf")
    handler = counting([(429, {"Retry-After": "1"}), (200, {})])
    server.route("/file.pdf", handler)
    snap = await collect(URL, resolve=(server.maps(HOST),))
    check = snap.checks[f"{URL}file.pdf"]
    assert (check.ok, check.status, check.attempts) == (True, 200, 2)
    first, second = handler.times
    assert second - first >= 0.95


@pytest.mark.asyncio
async def test_persistent_429_is_not_measured(servers) -> None:
    server = await site_linking(servers, "/file.pdf")
    server.route("/file.pdf", counting([(429, {"Retry-After": "0"})]))
    snap = await collect(URL, resolve=(server.maps(HOST),))
    check = snap.checks[f"{URL}file.pdf"]
    assert (check.ok, check.status, check.attempts) == (None, 429, 2)


@pytest.mark.asyncio
async def test_503_is_retried_until_success(servers) -> None:
    server = await site_linking(servers, "/file.pdf")
    handler = counting([(503, {"Retry-After": "0"}), (503, {"Retry-After": "0"}), (200, {})])
    server.route("/file.pdf", handler)
    snap = await collect(URL, resolve=(server.maps(HOST),), retries=2)
    check = snap.checks[f"{URL}file.pdf"]
    assert (check.ok, check.attempts, len(handler.times)) == (True, 3, 3)


@pytest.mark.asyncio
async def test_503_outliving_retries_is_broken_with_attempts(servers) -> None:
    server = await site_linking(servers, "/file.pdf")
    server.route("/file.pdf", counting([(503, {"Retry-After": "0"})]))
    snap = await collect(URL, resolve=(server.maps(HOST),), retries=1)
    check = snap.checks[f"{URL}file.pdf"]
    assert (check.ok, check.error, check.status, check.attempts) == (False, "http_5xx", 503, 2)


@pytest.mark.asyncio
async def test_404_is_not_retried(servers) -> None:
    server = await site_linking(servers, "/gone.pdf")
    snap = await collect(URL, resolve=(server.maps(HOST),), retries=2)
    check = snap.checks[f"{URL}gone.pdf"]
    assert (check.ok, check.error, check.status, check.attempts) == (False, "http_4xx", 404, 1)
    assert server.count("/gone.pdf") == 1


@pytest.mark.asyncio
async def test_timeout(servers) -> None:
    server = await site_linking(servers, "/slow.pdf")
    server.page("/slow.pdf", b"%PDF", content_type="application/pdf", delay=2.0)
    snap = await collect(URL, resolve=(server.maps(HOST),), timeout_s=0.3, retries=0)
    check = snap.checks[f"{URL}slow.pdf"]
    assert (check.ok, check.error, check.status) == (False, "timeout", None)


@pytest.mark.asyncio
async def test_reset_is_retried(servers) -> None:
    server = await site_linking(servers, "/drop.pdf")

    async def drop(request: web.Request) -> web.Response:
        assert request.transport is not None
        request.transport.close()
        return web.Response(text="never sent")

    server.route("/drop.pdf", drop)
    snap = await collect(URL, resolve=(server.maps(HOST),), retries=1)
    check = snap.checks[f"{URL}drop.pdf"]
    assert (check.ok, check.error, check.attempts) == (False, "reset", 2)
    # aiohttp itself resends once when a kept-alive connection turns out dead, so the
    # server may see each of our attempts twice.
    assert server.count("/drop.pdf") in (2, 4)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.asyncio
async def test_refused_link_and_unreachable_home(servers) -> None:
    port = closed_port()
    server = await site_linking(servers, f"http://{EXT}/a.pdf")
    snap = await collect(URL, resolve=(server.maps(HOST), f"{EXT}=127.0.0.1:{port}"))
    check = snap.checks[f"http://{EXT}/a.pdf"]
    assert (check.ok, check.error) == (False, "refused")
    dead = await collect(URL, resolve=(f"{HOST}=127.0.0.1:{port}",))
    assert dead.blocked == "unreachable" and "refused" in dead.blocked_detail
    assert dead.home is not None and dead.home.error == "refused" and dead.home.status is None
    assert dead.pages == [dead.home] and dead.checks == {}


@pytest.mark.asyncio
async def test_dns_failure() -> None:
    snap = await collect("http://nonexistent.invalid/")
    assert snap.blocked == "unreachable"
    assert snap.home is not None and snap.home.error == "dns"
    assert snap.stats["pages"] == 1


@pytest.mark.asyncio
async def test_timeout_home_is_unreachable(servers) -> None:
    server = await servers()
    server.page("/", html("慢"), delay=2.0)
    snap = await collect(URL, resolve=(server.maps(HOST),), timeout_s=0.3, retries=0)
    assert snap.blocked == "unreachable" and snap.home is not None
    assert snap.home.error == "timeout"


@pytest.mark.asyncio
async def test_external_link_checked_once_for_two_sites_even_concurrently(servers) -> None:
    ext = await servers()
    ext.page("/shared.html", html("共享"), delay=0.2)
    ext.page("/gone.html", "", status=404)
    a, b = await servers(), await servers()
    for server in (a, b):
        links = f'<a href="http://{EXT}/shared.html">S</a><a href="http://{EXT}/gone.html">G</a>'
        server.page("/", html("首页", links))
    resolve = (a.maps("a.gov.cn"), b.maps("b.gov.cn"), ext.maps(EXT))
    async with Collector(settings(resolve=resolve)) as collector:
        snaps = await asyncio.gather(
            collector.collect(site("http://a.gov.cn/")), collector.collect(site("http://b.gov.cn/"))
        )
        again = await collector.collect(site("http://a.gov.cn/", code="1100000002"))
    for snap in (*snaps, again):
        assert snap.checks[f"http://{EXT}/shared.html"].ok is True
        assert snap.checks[f"http://{EXT}/gone.html"].ok is False
    assert ext.count("/shared.html") == 1 and ext.count("/gone.html") == 1
    assert ext.count("/robots.txt") == 1


@pytest.mark.asyncio
async def test_transient_failure_is_not_cached(servers) -> None:
    ext = await servers()
    ext.route("/flaky.html", counting([(500, {}), (200, {})], content_type="text/html"))
    a, b = await servers(), await servers()
    for server in (a, b):
        server.page("/", html("首页", f'<a href="http://{EXT}/flaky.html">F</a>'))
    resolve = (a.maps("a.gov.cn"), b.maps("b.gov.cn"), ext.maps(EXT))
    async with Collector(settings(resolve=resolve, retries=0)) as collector:
        first = await collector.collect(site("http://a.gov.cn/"))
        second = await collector.collect(site("http://b.gov.cn/"))
    target = f"http://{EXT}/flaky.html"
    assert (first.checks[target].ok, first.checks[target].status) == (False, 500)
    assert (second.checks[target].ok, second.checks[target].status) == (True, 200)
    assert ext.count("/flaky.html") == 2
