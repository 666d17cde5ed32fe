"""A compressed week of probes against flapping sites, judged by the census's own rules.

7 days × 20 probes a day (every 72 minutes) of three sites, run in a few seconds of real
time. The sites fail on exactly 6, 7 and 8 of their 140 slots: 4.29 % (just below the
veto), 5.00 % (exactly at it: "超过(含)5%" includes it) and 5.71 % (above). The census reads
the probes back from the store (`--probes DB`) and must judge them exactly so.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from flapping import MODE_503, MODE_RESET, Outage
from monitor_helpers import host, judge_availability, make_monitor, run_until, settings, target

from govsite.clock import CST
from govsite.monitor import CompressedClock, SlotPlan

AS_OF = date(2026, 11, 23)
WINDOW_START = datetime.combine(AS_OF - timedelta(days=6), time.min, CST)
WINDOW_END = WINDOW_START + timedelta(days=7)
INTERVAL = timedelta(minutes=72)  # 20 a day, the standard's minimum
# A virtual week in about ten real seconds: one 72-minute interval lasts 72 ms, so a probe
# may start up to 36 ms late (a GC pause, a busy CI machine) and still fall in its outage.
SPEED = 60_000
# The clock starts a virtual day early (1.4 s real): opening the store and loading the CA
# bundle takes a real tenth of a second, hours in virtual time, before the first slot.
LEAD = timedelta(days=1)
FAILING = {"1": (30, 6, MODE_503), "2": (50, 7, MODE_RESET), "3": (80, 8, MODE_503)}


def window_slots(plan: SlotPlan, key: tuple[str, str]) -> list[datetime]:
    first = plan.slot_at_or_after(key, WINDOW_START)
    slots = []
    while first + len(slots) * INTERVAL < WINDOW_END:
        slots.append(first + len(slots) * INTERVAL)
    return slots


@pytest.mark.asyncio
async def test_veto_boundary_exactly_below_at_and_above_five_percent(sqlite_store, flapping) -> None:
    targets = [target(code) for code in FAILING]
    plan = SlotPlan(targets, INTERVAL)
    outages: dict[str, list[Outage]] = {}
    expected_failed: dict[str, set[datetime]] = {}
    for t in targets:
        slots = window_slots(plan, t.key)
        assert len(slots) == 140
        first, count, mode = FAILING[t.site_code]
        failed = slots[first: first + count]
        expected_failed[t.site_code] = set(failed)
        # The outage spans half an interval either side: robust to a late probe, and the
        # confirming retry one virtual minute later still finds the site down.
        outages[host(t.site_code)] = [Outage(failed[0] - INTERVAL / 2, failed[-1] + INTERVAL / 2, mode)]
    clock = CompressedClock(WINDOW_START - LEAD, SPEED)
    server = await flapping(clock, outages)
    resolve = server.resolve([host(t.site_code) for t in targets])
    monitor = make_monitor(targets, sqlite_store, clock, settings(resolve, INTERVAL))
    await run_until(monitor, clock, WINDOW_END + timedelta(minutes=10))

    for t in targets:
        records = [r for r in sqlite_store.iter_probes(site_codes=[t.site_code])
                   if WINDOW_START <= r.time < WINDOW_END]
        assert len(records) == 140, t.site_code
        assert {r.slot_time for r in records if not r.ok} == expected_failed[t.site_code]
        assert all(r.attempts == 2 for r in records if not r.ok)  # every failure confirmed
    assert {r.error for r in sqlite_store.iter_probes() if not r.ok} == {"http_5xx", "reset"}

    below = judge_availability(sqlite_store.url, "1", AS_OF)
    at = judge_availability(sqlite_store.url, "2", AS_OF)
    above = judge_availability(sqlite_store.url, "3", AS_OF)
    assert set(below["findings"]) == {"availability.home_failure"}
    assert below["findings"]["availability.home_failure"]["failures"] == 6
    assert set(at["findings"]) == {"availability.unreachable"}
    assert at["findings"]["availability.unreachable"]["ratio"] == 0.05
    assert at["findings"]["availability.unreachable"]["probes"] == 140
    assert set(above["findings"]) == {"availability.unreachable"}
    assert above["findings"]["availability.unreachable"]["failures"] == 8
    assert not (below["unmeasured"] or at["unmeasured"] or above["unmeasured"])


@pytest.mark.asyncio
async def test_too_few_probes_in_the_window_is_not_measured_with_the_count(sqlite_store, flapping) -> None:
    """Two days of probes, then the monitor stopped: the census must not guess the week."""
    targets = [target("1")]
    clock = CompressedClock(WINDOW_START - LEAD, 4 * SPEED)  # no outage edges to hit: faster
    server = await flapping(clock, {})
    monitor = make_monitor(targets, sqlite_store, clock,
                           settings(server.resolve([host("1")]), INTERVAL))
    await run_until(monitor, clock, WINDOW_START + timedelta(days=2))
    verdict = judge_availability(sqlite_store.url, "1", AS_OF)
    assert not verdict["findings"]
    why = verdict["unmeasured"]["availability.unreachable"]
    assert "探测40次" in why and "2026-11-19仅0次" in why
