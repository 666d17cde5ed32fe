"""Keeping a Redis lease alive while its holder works, so only a dead holder loses it.

Every lock the workers share (a host slot, a site claim) expires on its own: a worker killed
with its locks held must not block the others forever. A live holder therefore renews its
lease in the background, well before it runs out.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any


@asynccontextmanager
async def renewing(renew: Callable[[], Awaitable[Any]], every_s: float) -> AsyncIterator[None]:
    """Call `renew()` every `every_s` seconds while the block runs."""

    async def loop() -> None:
        while True:
            await asyncio.sleep(every_s)
            await renew()

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
