"""The per-host limits of `collect.hosts`, held across worker processes in Redis.

Each Celery worker process runs its own Collector and HostPool. Without a shared gate, N
processes would each keep `host_concurrency` requests in flight on a host and each start one
every `host_interval_s`: N times the manners the census promises. `RedisHostGate` is the
`SharedGate` their pools enter inside their local slots:

- **concurrency**: a sorted set per host of the slots held, each scored by the expiry of its
  lease in Redis server time (so the workers' clocks need not agree). Taking a slot drops the
  expired ones and adds ours only if fewer than `concurrency` remain, in one Lua script. A
  holder renews its lease while its request runs, so the slot of a killed worker frees itself
  after `lease_s` at most, and nobody else's.
- **interval**: one key per host, set with SET NX PX interval: whoever sets it may start, and
  nobody can start again until it expires. A waiter sleeps the key's remaining PTTL.
- **pause**: a 429/503's Retry-After (or the host's backoff) lengthens that key's TTL, so every
  worker waits, not only the one that was told.

Needs Redis 5 or newer (TIME before writes in a script).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

from govsite.work.leases import renewing

KEY_PREFIX = "govsite:host:"
# A slot's lease, renewed every RENEW_S while held: long enough to survive an event loop
# busy judging a big site for a while, short enough that a killed worker's slot comes back
# before anyone waits long.
LEASE_S = 30.0
RENEW_S = 5.0
# How often a waiter for a full host asks again. Waiters are few (each process sends at most
# host_concurrency per host), so polling costs Redis little and avoids pub/sub bookkeeping.
POLL_S = 0.05

_NOW_MS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""
# KEYS[1] slots; ARGV: limit, token, lease ms. 1 when the slot was taken.
_TAKE = _NOW_MS + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0
"""
# KEYS[1] slots; ARGV: token, lease ms. Renews only a slot still held (never resurrects one).
_RENEW = _NOW_MS + """
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"""
# KEYS[1] start key; ARGV: pause ms. Lengthens the wait for the next start, never shortens it.
_PAUSE = """
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 0
"""


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


class RedisHostGate:
    """A `collect.hosts.SharedGate` in Redis: one instance per process and event loop."""

    def __init__(self, redis: Redis, *, prefix: str = KEY_PREFIX, lease_s: float = LEASE_S,
                 renew_s: float = RENEW_S) -> None:
        self._redis = redis
        self._prefix = prefix
        self._lease_ms = _ms(lease_s)
        self._renew_s = renew_s
        self._take = redis.register_script(_TAKE)
        self._renew = redis.register_script(_RENEW)
        self._pause = redis.register_script(_PAUSE)

    def _key(self, host: str, part: str) -> str:
        return f"{self._prefix}{host}:{part}"

    @asynccontextmanager
    async def hold(self, host: str, concurrency: int, interval_s: float) -> AsyncIterator[None]:
        """One of the host's `concurrency` slots, entered `interval_s` after the last start."""
        slots = self._key(host, "slots")
        token = secrets.token_hex(8)
        while not await self._take(keys=[slots], args=[max(1, concurrency), token, self._lease_ms]):
            await asyncio.sleep(POLL_S)
        try:
            async with renewing(lambda: self._renew(keys=[slots], args=[token, self._lease_ms]),
                                self._renew_s):
                await self._start(host, interval_s)
                yield
        finally:
            await self._redis.zrem(slots, token)

    async def _start(self, host: str, interval_s: float) -> None:
        # Even at interval 0 the key is set (for 1 ms): a pause another worker set must hold.
        key, ms = self._key(host, "start"), _ms(interval_s)
        while not await self._redis.set(key, b"1", nx=True, px=ms):
            left = await self._redis.pttl(key)
            await asyncio.sleep(max(left, 1) / 1000)

    async def pause(self, host: str, seconds: float) -> None:
        await self._pause(keys=[self._key(host, "start")], args=[_ms(seconds)])
