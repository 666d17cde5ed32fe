"""The slot grid: even, stable across restarts, resumed without gaps or repeats."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from govsite.monitor import CompressedClock, SlotPlan, Target, parse_duration
from govsite.monitor.schedule import JITTER_FRACTION

NOW = datetime(2026, 11, 20, 3, 17, 41, tzinfo=UTC)
HOUR = timedelta(hours=1)


def targets(n: int) -> list[Target]:
    return [Target(site_code=f"{i:010d}", url=f"http://www.s{i}.gov.cn/") for i in range(n)]


@pytest.mark.parametrize(("text", "seconds"), [
    ("60m", 3600), ("15s", 15), ("1.5h", 5400), ("500ms", 0.5), ("2d", 172800), ("90", 90),
    ("72min", 4320),
])
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "m", "10 parsecs", "-5s", "1h30m"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_probes_are_spread_evenly_over_the_interval() -> None:
    """3,600 sites an hour: exactly one probe start in every second, no herd at :00."""
    plan = SlotPlan(targets(3600), HOUR)
    starts = [plan.slot_at_or_after(t.key, NOW) for t in targets(3600)]
    assert all(NOW <= s < NOW + HOUR for s in starts)
    per_second = Counter(int((s - NOW).total_seconds()) for s in starts)
    assert len(per_second) == 3600 and set(per_second.values()) == {1}


def test_offsets_do_not_depend_on_the_order_sites_are_listed() -> None:
    listed = targets(50)
    assert all(SlotPlan(listed, HOUR).offset(t.key) == SlotPlan(listed[::-1], HOUR).offset(t.key)
               for t in listed)


def test_first_slot_is_at_or_after_now_and_after_the_last_stored() -> None:
    site = targets(1)[0]
    plan = SlotPlan([site], HOUR)
    slot = plan.slot_at_or_after(site.key, NOW)
    assert plan.first_slot(site.key, NOW, None) == slot
    # Restarted within the slot that was already probed: the next one, never the same.
    assert plan.first_slot(site.key, slot - timedelta(seconds=1), slot) == slot + HOUR
    # Down for a day: no catching up on the slots missed, the next due one.
    assert plan.first_slot(site.key, NOW, slot - 24 * HOUR) == slot
    # The site list changed and the offset moved by 20 minutes: still half an interval apart.
    assert plan.first_slot(site.key, NOW, slot - 20 * timedelta(minutes=1)) == slot + HOUR


def test_jitter_is_bounded_varied_and_the_same_after_a_restart() -> None:
    many = targets(200)
    plan = SlotPlan(many, HOUR, jitter=True)
    delays = []
    for t in many:
        slot = plan.slot_at_or_after(t.key, NOW)
        start = plan.start_time(t.key, slot)
        assert start == SlotPlan(many, HOUR, jitter=True).start_time(t.key, slot)
        delays.append((start - slot).total_seconds())
    assert all(0 <= d < JITTER_FRACTION * 3600 for d in delays)
    assert len(set(delays)) > 190
    assert SlotPlan(many, HOUR).start_time(many[0].key, NOW) == NOW


@pytest.mark.asyncio
async def test_compressed_clock_runs_fast_and_stops_early() -> None:
    clock = CompressedClock(NOW, speed=3600)
    start = clock.now()
    stopped = await clock.wait_until(start + timedelta(minutes=3), asyncio.Event())  # 50 ms
    assert not stopped and clock.now() >= start + timedelta(minutes=3)
    stop = asyncio.Event()
    stop.set()
    assert await clock.wait_until(clock.now() + 24 * HOUR, stop)
    assert clock.real_seconds(HOUR) == 1.0
    with pytest.raises(ValueError):
        CompressedClock(datetime(2026, 1, 1), speed=10)
