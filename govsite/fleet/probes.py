"""Availability history for the fleet: what `govsite monitor` would have recorded.

standards.md §6.4: at least 20 evenly spaced probes a day for 7 days, 15 s timeout. The fleet
uses 24 a day (one an hour, at a per-site minute) over the 7 local days ending on as_of.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from govsite.clock import CST
from govsite.fleet.model import ProbeRow

PROBES_PER_DAY = 24
WINDOW_DAYS = 7
TIMEOUT_MS = 15_000


def probe_times(as_of: date, *, minute: int) -> list[datetime]:
    """The 168 probe moments, oldest first, from as_of-6 00:mm to as_of 23:mm (+08:00)."""
    first = as_of - timedelta(days=WINDOW_DAYS - 1)
    step = timedelta(hours=24 / PROBES_PER_DAY)
    start = datetime.combine(first, time(0, minute), tzinfo=CST)
    return [start + step * n for n in range(WINDOW_DAYS * PROBES_PER_DAY)]


def failing_indexes(rng: random.Random, *, total: int, failures: int) -> set[int]:
    """Which probes fail: one overnight outage when failures are many, scattered blips otherwise."""
    if failures >= 12:
        start = rng.randint(2, WINDOW_DAYS - 2) * PROBES_PER_DAY + 1
        return set(range(start, start + failures))
    return set(rng.sample(range(total), failures))


def site_probes(
    rng: random.Random, *, site_code: str, url: str, as_of: date, minute: int, failures: int
) -> list[ProbeRow]:
    """168 probes of one home page, `failures` of them failed (timeouts and 502s alternating)."""
    times = probe_times(as_of, minute=minute)
    failing = failing_indexes(rng, total=len(times), failures=failures)
    rows = []
    for index, moment in enumerate(times):
        if index not in failing:
            rows.append(ProbeRow(site_code, url, moment, True, rng.randint(60, 900), 200, ""))
        elif len(rows) % 2:
            rows.append(ProbeRow(site_code, url, moment, False, rng.randint(40, 300), 502,
                                 "http_5xx"))
        else:
            rows.append(ProbeRow(site_code, url, moment, False, TIMEOUT_MS, None, "timeout"))
    return rows
