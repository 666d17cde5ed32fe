"""Politeness measured at the server: intervals, concurrency caps, backoff, de-duplication."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from collect_helpers import collect, html

from govsite import USER_AGENT
from govsite.collect.hosts import Host, HostConfig, HostPool, next_backoff, parse_retry_after
from govsite.collect.settings import CollectSettings

HOST = "www.example.gov.cn"


def linked_pages(server, count: int, *, delay: float = 0.0) -> None:
    links = "".join(f'<a href="/p{i}.html">第{i}页</a>' for i in range(count))
    server.page("/", html("首页", links))
    for i in range(count):
        server.page(f"/p{i}.html", html(f"第{i}页"), delay=delay)


@pytest.mark.asyncio
async def test_interval_between_request_starts_is_kept(servers) -> None:
    server = await servers()
    linked_pages(server, 4)
    await collect(
        f"http://{HOST}/", resolve=(server.maps(HOST),), host_concurrency=1, host_interval_s=0.2
    )
    starts = [hit.at for hit in server.hits]
    assert len(starts) >= 7  # robots, home, probe, sitemap, 4 pages
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= 0.19, gaps  # 10 ms of scheduling slack at the server


@pytest.mark.asyncio
async def test_concurrency_cap_is_never_exceeded(servers) -> None:
    server = await servers()
    linked_pages(server, 12, delay=0.05)
    await collect(f"http://{HOST}/", resolve=(server.maps(HOST),), host_concurrency=2)
    assert server.max_inflight == 2


@pytest.mark.asyncio
async def test_per_host_override_applies(servers) -> None:
    server = await servers()
    linked_pages(server, 8, delay=0.05)
    await collect(
        f"http://{HOST}/",
        resolve=(server.maps(HOST),),
        host_concurrency=4,
        host_overrides={HOST: {"concurrency": 1}},
    )
    assert server.max_inflight == 1


@pytest.mark.asyncio
async def test_user_agent_identifies_govsite_on_every_request(servers) -> None:
    server = await servers()
    linked_pages(server, 2)
    await collect(f"http://{HOST}/", resolve=(server.maps(HOST),))
    assert server.hits and {hit.user_agent for hit in server.hits} == {USER_AGENT}
    assert "govsite" in USER_AGENT and "http" in USER_AGENT


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(later, now=now) == 90.0
    assert parse_retry_after("yesterday") is None
    assert parse_retry_after(None) is None


def test_backoff_grows_on_429_and_503_and_resets_on_success() -> None:
    assert next_backoff(0.0, 429, cap=30) == 0.5
    assert next_backoff(0.5, 503, cap=30) == 1.0
    assert next_backoff(20.0, 429, cap=30) == 30
    assert next_backoff(4.0, 404, cap=30) == 4.0
    assert next_backoff(4.0, None, cap=30) == 4.0
    assert next_backoff(4.0, 200, cap=30) == 0.0


def test_pool_is_lazy_keyed_by_host_and_applies_overrides() -> None:
    pool = HostPool.from_settings(
        CollectSettings(host_overrides={"Slow.Gov.CN": {"concurrency": 1, "interval_s": 2}})
    )
    assert pool.get("WWW.x.gov.cn") is pool.get("www.x.gov.cn.")
    assert pool.get("slow.gov.cn").config == HostConfig(1, 2.0)
    assert pool.get("www.x.gov.cn").config == HostConfig(2, 0.25)


@pytest.mark.asyncio
async def test_same_key_in_flight_runs_once() -> None:
    host = Host("x", HostConfig(2, 0.0), max_pause_s=1.0)
    runs = 0

    async def work() -> int:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.05)
        return 42

    results = await asyncio.gather(*(host.once("k", work) for _ in range(5)))
    assert results == [42] * 5 and runs == 1
    assert await host.once("k", work) == 42 and runs == 2  # finished keys run again
