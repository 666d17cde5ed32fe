"""A monitor stopped and started again leaves no gap but its downtime, and no duplicate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from monitor_helpers import host, make_monitor, run_until, settings, target

from govsite.monitor import CompressedClock, SlotPlan

T0 = datetime(2026, 11, 16, 16, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=60)
SPEED = 120_000  # one interval ≈ 30 ms real


def grid(plan: SlotPlan, key: tuple[str, str], start: datetime, end: datetime) -> set[datetime]:
    """The slots of `key` with start <= slot <= end."""
    slot, out = plan.slot_at_or_after(key, start), set()
    while slot <= end:
        out.add(slot)
        slot += INTERVAL
    return out


@pytest.mark.asyncio
async def test_restart_resumes_without_gaps_beyond_downtime_or_duplicates(sqlite_store, flapping) -> None:
    targets = [target(code) for code in ("1", "2", "3", "4")]
    plan = SlotPlan(targets, INTERVAL)
    clock = CompressedClock(T0, SPEED)
    server = await flapping(clock, {})
    config = settings(server.resolve([host(t.site_code) for t in targets]), INTERVAL)

    runs = []
    for stop_after in (timedelta(hours=20), timedelta(hours=40), timedelta(hours=44)):
        monitor = make_monitor(targets, sqlite_store, clock, config)
        await run_until(monitor, clock, T0 + stop_after)
        runs.append(monitor.summary)
        if stop_after == timedelta(hours=20):
            # Down for five hours (150 ms real) before the second start.
            await clock.sleep(timedelta(hours=5).total_seconds())
    # The second and third runs are back to back: a stop and an immediate restart.

    for run in runs:
        assert run.stored == run.probes  # nothing a run probed was already stored
    for t in targets:
        stored = [r.slot_time for r in sqlite_store.iter_probes(site_codes=[t.site_code])]
        assert len(stored) == len(set(stored))
        expected = set()
        for run in runs:
            assert run.started_at is not None and run.stopped_at is not None
            expected |= grid(plan, t.key, run.started_at, run.stopped_at)
        assert set(stored) == expected, t.site_code
        # The only holes are downtimes: slots after a stop and before the next start (in
        # compressed time even a back-to-back restart is down for a few virtual hours).
        missing = grid(plan, t.key, min(stored), max(stored)) - set(stored)
        downtimes = [(a.stopped_at, b.started_at) for a, b in zip(runs, runs[1:], strict=False)]
        assert all(any(stop < s < start for stop, start in downtimes) for s in missing)
        assert any(downtimes[0][0] < s < downtimes[0][1] for s in missing)  # five hours: seen
    # No probe ran before its slot (how late one ran depends on the machine, not checked here).
    assert all(record.time >= record.slot_time for record in sqlite_store.iter_probes())


@pytest.mark.asyncio
async def test_restart_with_a_slot_already_stored_ahead_never_probes_it_again(sqlite_store, flapping) -> None:
    """A slot stored by a previous process (or an import) ahead of now is not probed twice."""
    from govsite.probes import ProbeRecord

    only = target("1")
    plan = SlotPlan([only], INTERVAL)
    # Slower than the other test, and the stored slot 12 virtual hours ahead: still ahead
    # when the monitor has finished starting, even on a busy machine (0.7 s real).
    clock = CompressedClock(T0, SPEED / 2)
    ahead = plan.slot_at_or_after(only.key, T0 + timedelta(hours=12))
    sqlite_store.add_probes([ProbeRecord(site_code="1", url=only.url, time=ahead, ok=True,
                                         slot=ahead, elapsed_ms=1.0, status=200)])
    server = await flapping(clock, {})
    monitor = make_monitor([only], sqlite_store, clock, settings(server.resolve([host("1")]), INTERVAL))
    await run_until(monitor, clock, T0 + timedelta(hours=20))
    assert monitor.summary.started_at is not None and monitor.summary.started_at < ahead
    slots = [r.slot_time for r in sqlite_store.iter_probes()]
    assert slots.count(ahead) == 1
    assert min(s for s in slots if s != ahead) > ahead  # resumed after the stored slot
    assert monitor.summary.stored == monitor.summary.probes
