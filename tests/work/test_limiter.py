"""The shared host limiter and the site claims, against the machine's real Redis.

Several gates with their own connections stand for several worker processes: Redis is all
they share, as on a real cluster. Every test works under keys of its own.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from redis.asyncio import Redis

from govsite.collect.hosts import HostConfig, HostPool
from govsite.work.claims import RunClaims
from govsite.work.limiter import RedisHostGate

HOST = "www.example.gov.cn"


@pytest_asyncio.fixture
async def clients(redis_url: str) -> AsyncIterator[list[Redis]]:
    """Three connections, as three worker processes would have."""
    opened = [Redis.from_url(redis_url) for _ in range(3)]
    yield opened
    for client in opened:
        await client.aclose()


@pytest.fixture
def prefix() -> str:
    return f"govsite:test:{secrets.token_hex(4)}:"


@pytest.mark.asyncio
async def test_concurrency_holds_across_processes(clients: list[Redis], prefix: str) -> None:
    gates = [RedisHostGate(c, prefix=prefix) for c in clients]
    inside = most = 0

    async def request(gate: RedisHostGate) -> None:
        nonlocal inside, most
        async with gate.hold(HOST, 2, 0.0):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.05)
            inside -= 1

    await asyncio.gather(*(request(g) for g in gates for _ in range(4)))
    assert most == 2


@pytest.mark.asyncio
async def test_starts_keep_the_interval_across_processes(clients: list[Redis], prefix: str) -> None:
    gates = [RedisHostGate(c, prefix=prefix) for c in clients]
    loop = asyncio.get_running_loop()
    starts: list[float] = []

    async def request(gate: RedisHostGate) -> None:
        async with gate.hold(HOST, 9, 0.1):
            starts.append(loop.time())

    await asyncio.gather(*(request(g) for g in gates for _ in range(3)))
    starts.sort()
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 9 and min(gaps) >= 0.095, gaps  # Redis expires keys to the ms


@pytest.mark.asyncio
async def test_a_killed_holders_slot_comes_back_after_its_lease(clients: list[Redis],
                                                                prefix: str) -> None:
    # The holder takes the host's only slot and is never heard of again: no renewal within the
    # test (renew_s), no release.
    dead = RedisHostGate(clients[0], prefix=prefix, lease_s=0.5, renew_s=60)
    held = dead.hold(HOST, 1, 0.0)  # kept referenced: collecting it would release the slot
    await held.__aenter__()
    alive = RedisHostGate(clients[1], prefix=prefix)
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with alive.hold(HOST, 1, 0.0):
        waited = loop.time() - started
    assert 0.4 <= waited <= 2.0


@pytest.mark.asyncio
async def test_a_live_holder_keeps_its_slot_past_the_lease(clients: list[Redis],
                                                          prefix: str) -> None:
    first = RedisHostGate(clients[0], prefix=prefix, lease_s=0.3, renew_s=0.1)
    second = RedisHostGate(clients[1], prefix=prefix, lease_s=0.3, renew_s=0.1)
    loop = asyncio.get_running_loop()
    released = entered = 0.0

    async def long_request() -> None:
        nonlocal released
        async with first.hold(HOST, 1, 0.0):
            await asyncio.sleep(1.0)
            released = loop.time()

    async def next_request() -> None:
        nonlocal entered
        await asyncio.sleep(0.1)
        async with second.hold(HOST, 1, 0.0):
            entered = loop.time()

    await asyncio.gather(long_request(), next_request())
    assert entered >= released > 0


@pytest.mark.asyncio
async def test_retry_after_told_to_one_process_pauses_the_others(clients: list[Redis],
                                                                prefix: str) -> None:
    """Two HostPools, as two workers' collectors: a 429 seen by one holds back both."""
    pools = [HostPool(default=HostConfig(2, 0.01), max_pause_s=30,
                      shared=RedisHostGate(c, prefix=prefix)) for c in clients[:2]]
    loop = asyncio.get_running_loop()
    told = pools[0].get(HOST)
    async with told.slot():
        told.observe(429, "1")
    paused_at = loop.time()
    async with pools[1].get(HOST).slot():
        waited = loop.time() - paused_at
    assert 0.9 <= waited <= 2.0


@pytest.mark.asyncio
async def test_host_slots_of_two_pools_keep_one_interval(clients: list[Redis], prefix: str) -> None:
    pools = [HostPool(default=HostConfig(2, 0.1), max_pause_s=30,
                      shared=RedisHostGate(c, prefix=prefix)) for c in clients[:2]]
    loop = asyncio.get_running_loop()
    starts: list[float] = []

    async def request(pool: HostPool) -> None:
        async with pool.get(HOST).slot():
            starts.append(loop.time())

    await asyncio.gather(*(request(p) for p in pools for _ in range(4)))
    starts.sort()
    assert min(b - a for a, b in zip(starts, starts[1:], strict=False)) >= 0.095


@pytest.mark.asyncio
async def test_a_site_claim_excludes_a_second_worker_until_released(clients: list[Redis]) -> None:
    run = f"test-{secrets.token_hex(4)}"
    first, second = RunClaims(clients[0], run), RunClaims(clients[1], run)
    loop = asyncio.get_running_loop()
    released = entered = 0.0

    async def holder() -> None:
        nonlocal released
        async with first.site("1101050002"):
            await asyncio.sleep(0.7)
            released = loop.time()

    async def duplicate() -> None:
        nonlocal entered
        await asyncio.sleep(0.1)
        async with second.site("1101050002"):
            entered = loop.time()

    await asyncio.gather(holder(), duplicate())
    assert entered >= released > 0


@pytest.mark.asyncio
async def test_a_killed_workers_claim_lapses(clients: list[Redis]) -> None:
    run = f"test-{secrets.token_hex(4)}"
    dead = RunClaims(clients[0], run, lease_s=0.5)
    held = dead.site("1101050002")  # never released, renewed only every 5 s
    await held.__aenter__()
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with RunClaims(clients[1], run).site("1101050002"):
        waited = loop.time() - started
    assert 0.3 <= waited <= 2.0
