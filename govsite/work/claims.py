"""Which worker is auditing which site of a run, and which sites failed: kept in Redis.

A site's task may be delivered twice: the broker hands a killed worker's task to another, and
`census --resume` enqueues every site still without a result, some of which may still be
queued or running. The store's result row says "done"; a claim says "being done". A task
takes the site's claim (waiting while another live worker holds it), then checks for a result
before collecting, so one site is never audited twice at once nor again once stored. The
sections of a split site are claimed the same way, each on its own. Claims are leases
renewed while held: a killed worker's claim lapses after `CLAIM_LEASE_S`.

A task that raises records why in the run's failure hash, so the coordinator can stop waiting
for a site nobody will finish and say which one failed.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from redis import Redis as SyncRedis
from redis.asyncio import Redis

from govsite.work.leases import renewing

KEY_PREFIX = "govsite:run:"
CLAIM_LEASE_S = 30.0
RENEW_S = 5.0
# A waiting duplicate asks this often whether the holder is done; duplicates are rare.
WAIT_POLL_S = 0.5
# Failure records outlive any sane run, then go: nothing reads them after the run is over.
FAILURES_TTL_S = 7 * 24 * 3600

# KEYS[1] claim; ARGV[1] token. Deletes the claim only if it is still ours.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# KEYS[1] claim; ARGV: token, lease ms. Renews the claim only if it is still ours.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


def failures_key(run_id: str) -> str:
    return f"{KEY_PREFIX}{run_id}:failures"


class RunClaims:
    """The site claims of one run (asyncio side: the worker's task)."""

    def __init__(self, redis: Redis, run_id: str, *, lease_s: float = CLAIM_LEASE_S) -> None:
        self._redis = redis
        self._run_id = run_id
        self._lease_ms = max(1, round(lease_s * 1000))
        self._release = redis.register_script(_RELEASE)
        self._renew = redis.register_script(_RENEW)

    def site(self, site_code: str) -> AbstractAsyncContextManager[None]:
        """Hold the site's claim; waits while another live worker holds it."""
        return self._hold(f"{KEY_PREFIX}{self._run_id}:claim:{site_code}")

    def section(self, site_code: str, section: int) -> AbstractAsyncContextManager[None]:
        """Hold the claim of one section of a split site (`sections`), the same way."""
        return self._hold(f"{KEY_PREFIX}{self._run_id}:claim:{site_code}:{section}")

    @asynccontextmanager
    async def _hold(self, key: str) -> AsyncIterator[None]:
        token = secrets.token_hex(8)
        while not await self._redis.set(key, token, nx=True, px=self._lease_ms):
            await asyncio.sleep(WAIT_POLL_S)
        try:
            async with renewing(lambda: self._renew(keys=[key], args=[token, self._lease_ms]),
                                RENEW_S):
                yield
        finally:
            await self._release(keys=[key], args=[token])


def record_failure(redis: SyncRedis, run_id: str, site_code: str, why: str) -> None:
    """Why the site's task failed (worker side)."""
    key = failures_key(run_id)
    redis.hset(key, site_code, why[:500])
    redis.expire(key, FAILURES_TTL_S)


def forget_failure(redis: SyncRedis, run_id: str, site_code: str) -> None:
    """The site's result is stored: an earlier failure of it no longer counts."""
    redis.hdel(failures_key(run_id), site_code)


def read_failures(redis: SyncRedis, run_id: str) -> dict[str, str]:
    """Site code → why its task failed (coordinator side)."""
    raw = redis.hgetall(failures_key(run_id))
    return {_text(k): _text(v) for k, v in raw.items()}


def clear_failures(redis: SyncRedis, run_id: str) -> None:
    """Forget a run's failures before its sites are enqueued again."""
    redis.delete(failures_key(run_id))


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
