"""Per-host politeness: a lazy `HostPool` of `Host` slots (lychee's host pool, Scrapy's slots).

- **Host key**: the lower-case host name without port. Every request to a host, from any site's
  crawl or link check, goes through its one `Host`, so 30 sites linking to one provincial
  portal still reach it at one polite rate.
- **Host**: a semaphore (requests in flight), a minimum interval between request *starts*
  (one start at a time, so no bursts even after a pause), a backoff that grows on 429/503 and
  honours Retry-After, and in-flight de-duplication (`once`).
- **HostPool**: creates hosts on first use, applying per-host overrides from the settings.
- **SharedGate** (optional): the same two limits held across processes (`govsite.work.limiter`
  keeps them in Redis for Celery workers). A Host enters it inside its own slot, so the local
  limits still apply first and a run without one behaves exactly as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, TypeVar

from govsite.collect.settings import CollectSettings

T = TypeVar("T")

# lychee's numbers: the first 429/503 pauses half a second, each further one doubles it, up
# to the run's max_retry_after_s. A success resets it: the host has recovered.
BACKOFF_BASE_S = 0.5
BACKOFF_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class HostConfig:
    concurrency: int
    interval_s: float


class SharedGate(Protocol):
    """Per-host limits shared with other processes auditing at the same time."""

    def hold(self, host: str, concurrency: int, interval_s: float) -> AbstractAsyncContextManager[None]:
        """Wait for one of `concurrency` shared slots and a start `interval_s` after the last."""
        ...

    async def pause(self, host: str, seconds: float) -> None:
        """Hold every process's next start on `host` back by `seconds` (a 429's Retry-After)."""
        ...


def next_backoff(current: float, status: int | None, *, cap: float) -> float:
    """The host's extra delay after an answer with `status` (None: no answer came).

    2xx/3xx reset it: the server is coping again. 429/503 double it: the server said it is
    overloaded. Anything else leaves it alone: a 404 or a timeout says nothing about load
    (a timeout already cost timeout_s of waiting, which is backoff enough).
    """
    if status is not None and status < 400:
        return 0.0
    if status in BACKOFF_STATUSES:
        return min(cap, max(BACKOFF_BASE_S, current * 2))
    return current


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Host:
    """The politeness state of one host name."""

    def __init__(
        self, key: str, config: HostConfig, *, max_pause_s: float, shared: SharedGate | None = None
    ) -> None:
        self.key = key
        self.config = config
        self._max_pause_s = max_pause_s
        self._shared = shared
        self._shared_pause_s = 0.0  # a pause the server asked for, not yet told to `shared`
        self._semaphore = asyncio.Semaphore(max(1, config.concurrency))
        self._start_lock = asyncio.Lock()
        self._next_start = 0.0  # loop time before which no request may start
        self._backoff_s = 0.0
        self._inflight: dict[Hashable, asyncio.Future[Any]] = {}

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the host's request slots; entered only when a start is allowed."""
        loop = asyncio.get_running_loop()
        async with self._semaphore:
            # Starts are taken one at a time under the lock, so two slots freed together
            # still start `interval_s` apart instead of bursting.
            async with self._start_lock:
                delay = self._next_start - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                gap = self.config.interval_s + self._backoff_s
                self._next_start = loop.time() + gap
            if self._shared is None:
                shared: AbstractAsyncContextManager[None] = nullcontext()
            else:
                shared = self._shared.hold(self.key, self.config.concurrency, gap)
            async with shared:
                yield
            if self._shared is not None and self._shared_pause_s > 0:
                pause, self._shared_pause_s = self._shared_pause_s, 0.0
                await self._shared.pause(self.key, pause)

    def observe(self, status: int | None, retry_after: str | None = None) -> None:
        """Feed back one answer: adjust the backoff and honour a 429/503's Retry-After."""
        self._backoff_s = next_backoff(self._backoff_s, status, cap=self._max_pause_s)
        if status in BACKOFF_STATUSES:
            asked = parse_retry_after(retry_after)
            pause = self._backoff_s if asked is None else min(asked, self._max_pause_s)
            now = asyncio.get_running_loop().time()
            self._next_start = max(self._next_start, now + pause)
            self._shared_pause_s = max(self._shared_pause_s, pause)

    async def once(self, key: Hashable, factory: Callable[[], Awaitable[T]]) -> T:
        """Run `factory()` for `key` unless the same key is already running; share its result.

        The shared task is shielded so that one waiter giving up (a cancelled site) does not
        cancel the fetch for the others.
        """
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(factory())
            self._inflight[key] = task
            task.add_done_callback(lambda _done: self._inflight.pop(key, None))
        return await asyncio.shield(task)


class HostPool:
    """Creates a `Host` on first use, with the run's defaults or the host's override."""

    def __init__(
        self,
        *,
        default: HostConfig,
        overrides: dict[str, HostConfig] | None = None,
        max_pause_s: float,
        shared: SharedGate | None = None,
    ) -> None:
        self._default = default
        self._overrides = {k.lower(): v for k, v in (overrides or {}).items()}
        self._max_pause_s = max_pause_s
        self._shared = shared
        self._hosts: dict[str, Host] = {}

    @classmethod
    def from_settings(cls, settings: CollectSettings, shared: SharedGate | None = None) -> HostPool:
        default = HostConfig(settings.host_concurrency, settings.host_interval_s)
        overrides = {
            host: HostConfig(
                int(o.get("concurrency", default.concurrency)),
                float(o.get("interval_s", default.interval_s)),
            )
            for host, o in settings.host_overrides.items()
        }
        return cls(default=default, overrides=overrides, max_pause_s=settings.max_retry_after_s,
                   shared=shared)

    def get(self, host: str) -> Host:
        key = host.lower().rstrip(".")
        slot = self._hosts.get(key)
        if slot is None:
            config = self._overrides.get(key, self._default)
            slot = self._hosts[key] = Host(key, config, max_pause_s=self._max_pause_s,
                                           shared=self._shared)
        return slot
