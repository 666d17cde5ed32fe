"""When each probe runs: an even grid of slots per target, and the clock that drives it.

Every target gets one slot per interval, at its own offset: with N targets and a 60-minute
interval, target i is probed at i·60/N minutes past each hour, so the load is flat (no
thundering herd at :00) and two targets on one server are never probed at the same instant.
Offsets come from the sorted target keys, so they are the same on every start.

The grid is anchored at the Unix epoch, not at the start of the process. A restarted monitor
therefore finds the same slots again: it resumes at the first slot after the last one the
store holds and at or after now (`SlotPlan.first_slot`), so the only slots without a probe
are the ones that fell due while it was down, and no slot is probed twice.

The clock is a parameter. `RealClock` is the wall clock; `CompressedClock` runs `speed` times
faster from a chosen start, so a test or a demo can run a week of hourly probes in seconds
and the store holds the virtual times, exactly as a real week would have left them.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from govsite.monitor.targets import Target, TargetKey

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# With --jitter a probe starts up to this share of the interval after its slot. Enough to
# stop a site's probes always landing on the same second past the hour (where a cron job or
# a nightly backup could hide an outage, or cause one), small enough that 24 probes an hour
# apart stay "间隔性" (spaced) as V15-1 asks.
JITTER_FRACTION = 0.2
# The real clock never sleeps longer than this in one go, so a wall-clock jump (NTP, a
# suspended VM) delays a probe by at most this much.
MAX_SLEEP_S = 30.0

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?\s*$", re.IGNORECASE)
_UNIT_S = {"ms": 0.001, "s": 1, "": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """`60m`, `15s`, `1.5h`, `500ms`, `2d` or plain seconds (`90`) as a timedelta.

    >>> parse_duration("60m")
    datetime.timedelta(seconds=3600)
    """
    match = _DURATION.match(text or "")
    if not match:
        raise ValueError(f"{text!r} is not a duration (examples: 60m, 15s, 1.5h, 500ms, 2d)")
    seconds = float(match.group(1)) * _UNIT_S[(match.group(2) or "").lower()]
    return timedelta(seconds=seconds)


class Clock(Protocol):
    """Where the monitor gets the time and how it waits."""

    def now(self) -> datetime: ...

    def real_seconds(self, span: timedelta) -> float:
        """How many real seconds `span` of this clock's time lasts."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of this clock's time."""
        ...

    async def wait_until(self, when: datetime, stop: asyncio.Event) -> bool:
        """Wait until `when` or until `stop` is set; True when stopped first."""
        ...


class RealClock:
    """The wall clock (UTC)."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def real_seconds(self, span: timedelta) -> float:
        return span.total_seconds()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def wait_until(self, when: datetime, stop: asyncio.Event) -> bool:
        while not stop.is_set():
            remaining = (when - self.now()).total_seconds()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(stop.wait(), min(remaining, MAX_SLEEP_S))
            except TimeoutError:
                continue
        return True


class CompressedClock:
    """Virtual time that starts at `start` and runs `speed` times faster than real time."""

    def __init__(self, start: datetime, speed: float) -> None:
        if start.tzinfo is None:
            raise ValueError("CompressedClock needs an aware start time")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.start = start
        self.speed = speed
        self._origin = time.perf_counter()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.perf_counter() - self._origin) * self.speed)

    def real_seconds(self, span: timedelta) -> float:
        return span.total_seconds() / self.speed

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.speed)

    async def wait_until(self, when: datetime, stop: asyncio.Event) -> bool:
        remaining = self.real_seconds(when - self.now())
        if stop.is_set():
            return True
        if remaining <= 0:
            return False
        try:
            await asyncio.wait_for(stop.wait(), remaining)
        except TimeoutError:
            return False
        return True


class SlotPlan:
    """The slot grid of every target: `EPOCH + offset(target) + k·interval`."""

    def __init__(self, targets: Sequence[Target], interval: timedelta, *, jitter: bool = False) -> None:
        if interval <= timedelta(0):
            raise ValueError("the interval must be positive")
        self.interval = interval
        self.jitter = jitter
        keys = sorted({t.key for t in targets})
        # Integer microseconds: the offsets must be identical on every start, so no float.
        step_us = _micros(interval)
        self._offsets = {key: timedelta(microseconds=step_us * i // len(keys))
                         for i, key in enumerate(keys)}

    def offset(self, key: TargetKey) -> timedelta:
        return self._offsets[key]

    def slot_at_or_after(self, key: TargetKey, moment: datetime) -> datetime:
        """The first slot of `key` at or after `moment`."""
        base = EPOCH + self._offsets[key]
        steps = -((base - moment) // self.interval)  # ceil((moment - base) / interval)
        return base + steps * self.interval

    def first_slot(self, key: TargetKey, now: datetime, last: datetime | None) -> datetime:
        """Where a (re)started monitor begins for `key`.

        The first slot at or after `now` (slots that fell due while the monitor was down stay
        empty: probing them late would record a time they do not have), and strictly after
        `last`, the newest stored slot, so a slot is never probed twice. Half an interval of
        margin after `last` keeps that true when the target list changed and the offsets
        moved.
        """
        slot = self.slot_at_or_after(key, now)
        if last is not None:
            slot = max(slot, self.slot_at_or_after(key, last + self.interval / 2))
        return slot

    def start_time(self, key: TargetKey, slot: datetime) -> datetime:
        """When the probe of `slot` starts: the slot itself, or later by its jitter.

        The jitter is drawn from a generator seeded by target and slot, so it is the same if
        the slot is computed again after a restart.
        """
        if not self.jitter:
            return slot
        draw = random.Random(f"{key[0]}|{key[1]}|{slot.isoformat()}").random()
        return slot + timedelta(microseconds=int(_micros(self.interval) * JITTER_FRACTION * draw))


def _micros(span: timedelta) -> int:
    return (span.days * 86_400 + span.seconds) * 1_000_000 + span.microseconds
