"""One probe against real servers on 127.0.0.1: timings, error classes, WAF, confirmation."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
import trustme
from aiohttp import web
from flapping import HOME, WAF_PAGE

from govsite.monitor import Prober, ProbeSettings, Target

HOST = "www.probe.gov.cn"


class Site:
    """Per-path behaviour, counting requests so confirmation retries can be seen."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] = self.hits.get(path, 0) + 1
        if path == "/blip" and self.hits[path] == 1:
            return web.Response(status=502, text="Bad Gateway")
        if path == "/down":
            return web.Response(status=500, text="Internal Server Error")
        if path == "/waf":
            return web.Response(status=403, text=WAF_PAGE, content_type="text/html")
        if path == "/stall":
            await asyncio.sleep(3)
        if path == "/moved":
            raise web.HTTPFound("/")
        if path == "/loop":
            raise web.HTTPFound("/loop")
        return web.Response(text=HOME, content_type="text/html")


@pytest_asyncio.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[Site, ProbeSettings]]:
    """The site over HTTP and HTTPS (a trustme CA), mapped with --resolve-style specs."""
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST).configure_cert(server_ctx)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    site = Site()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", site.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    await web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_ctx).start()
    http_port, https_port = runner.addresses[0][1], runner.addresses[1][1]
    settings = ProbeSettings(
        timeout_s=0.5, confirm_delay_s=0.05, ca_file=str(ca_file),
        resolve=(f"{HOST}:80=127.0.0.1:{http_port}", f"{HOST}:443=127.0.0.1:{https_port}"))
    yield site, settings
    await runner.cleanup()


async def probe(settings: ProbeSettings, url: str):  # noqa: ANN201
    async with Prober(settings) as prober:
        return await prober.probe(Target(site_code="1101050001", url=url))


@pytest.mark.asyncio
async def test_http_probe_records_every_phase(served) -> None:
    _, settings = served
    record = await probe(settings, f"http://{HOST}/")
    assert record.ok and record.status == 200 and record.error == "" and record.attempts == 1
    assert record.bytes == len(HOME.encode())
    assert record.dns_ms is not None and record.connect_ms is not None
    assert record.tls_ms is None  # plain HTTP has no handshake
    assert 0 < record.ttfb_ms <= record.elapsed_ms
    assert record.time.tzinfo is not None and record.slot == record.time


@pytest.mark.asyncio
async def test_https_probe_times_the_tls_handshake_apart(served) -> None:
    _, settings = served
    record = await probe(settings, f"https://{HOST}/")
    assert record.ok and record.status == 200
    assert record.tls_ms is not None and record.tls_ms > 0
    assert record.connect_ms is not None and record.connect_ms >= 0
    assert record.ttfb_ms is not None and record.ttfb_ms >= record.tls_ms


@pytest.mark.asyncio
async def test_untrusted_certificate_is_a_tls_failure(served) -> None:
    _, settings = served
    record = await probe(ProbeSettings(**{**settings.__dict__, "ca_file": None}), f"https://{HOST}/")
    assert not record.ok and record.error == "tls" and record.attempts == 2


@pytest.mark.asyncio
async def test_a_blip_is_confirmed_away_and_a_real_failure_counts(served) -> None:
    site, settings = served
    blip = await probe(settings, f"http://{HOST}/blip")
    assert blip.ok and blip.attempts == 2 and site.hits["/blip"] == 2
    assert "首次：http_5xx" in blip.detail and "复测：恢复" in blip.detail
    down = await probe(settings, f"http://{HOST}/down")
    assert not down.ok and down.attempts == 2 and down.error == "http_5xx" and down.status == 500
    unconfirmed = await probe(ProbeSettings(**{**settings.__dict__, "confirm": False}),
                              f"http://{HOST}/down")
    assert not unconfirmed.ok and unconfirmed.attempts == 1


@pytest.mark.asyncio
async def test_waf_challenge_is_blocked_not_down_and_not_retried(served) -> None:
    site, settings = served
    record = await probe(settings, f"http://{HOST}/waf")
    assert record.error == "blocked" and record.status == 403 and not record.ok
    assert record.attempts == 1 and site.hits["/waf"] == 1
    assert "安全狗" in record.detail or "防火墙" in record.detail


@pytest.mark.asyncio
async def test_timeout_redirects_and_network_errors_use_collects_classes(served) -> None:
    _, settings = served
    stalled = await probe(settings, f"http://{HOST}/stall")
    assert stalled.error == "timeout" and stalled.status is None
    assert 500 <= stalled.elapsed_ms < 2000 and "0.5 s" in stalled.detail
    moved = await probe(settings, f"http://{HOST}/moved")
    assert moved.ok and moved.status == 200
    looping = await probe(settings, f"http://{HOST}/loop")
    assert looping.error == "too_many_redirects"
    nowhere = await probe(settings, "http://www.nowhere.invalid/")
    assert nowhere.error == "dns"
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]  # bound, never listening, then released
    refused = await probe(settings, f"http://127.0.0.1:{closed_port}/")
    assert refused.error == "refused"
