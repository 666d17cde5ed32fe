"""Keeping a Redis lease alive while its holder works, so only a dead holder loses it.

Every lock the workers share (a host slot, a site claim) expires on its own: a worker killed
with its locks held must not block the others forever. A live holder therefore renews its
lease in the background, well before it runs out.

The renewal is stopped by an event, not by cancelling it: redis-py (8.1) can swallow a
cancellation that arrives while a command is in flight, and the renewal then went on
sleeping and renewing while its holder waited for it to end. That happened after every long
stretch that kept the event loop busy (a site's judging, ~20 s): the overdue renewal was in
flight exactly when the holder let go.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any


@asynccontextmanager
async def renewing(renew: Callable[[], Awaitable[Any]], every_s: float) -> AsyncIterator[None]:
    """Call `renew()` every `every_s` seconds while the block runs."""
    stop = asyncio.Event()

    async def loop() -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), every_s)
            except TimeoutError:
                await renew()

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        stop.set()
        # At most one renewal is in flight: a few milliseconds. Its failure no longer
        # matters, since the holder is about to release the lease anyway.
        await asyncio.gather(task, return_exceptions=True)
