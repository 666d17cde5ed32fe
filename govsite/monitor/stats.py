"""Rolling availability figures per target, for `govsite monitor status`.

Uptime over the last 24 h, 7 d and 30 d (successful / counted probes), the failure ratio in
the availability rule's own window (the 7 China-time days ending on the 监测时间点, with the
rule's per-day floor and its exact 5 % veto), and latency percentiles of the successful
probes of the last 24 h. WAF-blocked probes are left out of every ratio, as the rule does.

The counts come from one grouped SQL query, whatever the size of the fleet; only the
latencies of the last day are read row by row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from govsite.probes import ProbeRecord
from govsite.rules.availability import CST, OPTIONS, probe_window
from govsite.sites import STATUS_CLOSED, STATUS_MERGED, Site
from govsite.store.store import Store

PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
PERCENTILES = (50, 90, 99)


@dataclass(frozen=True)
class WindowFigures:
    """The rule window of one target: counts, ratio and what the rule would conclude."""

    probes: int
    failures: int
    blocked: int
    ratio: float | None
    status: str  # ok | failing | veto | not_measured
    short_days: int  # days below the per-day floor


@dataclass(frozen=True)
class TargetStats:
    """Everything `monitor status` prints for one target."""

    site_code: str
    url: str
    kind: str
    name: str
    registry_status: str
    last: ProbeRecord | None
    uptime: dict[str, float | None]
    counted: dict[str, int]
    window: WindowFigures
    latency_ms: dict[int, float | None]


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (a value that was actually observed), None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def fleet_stats(
    store: Store,
    *,
    now: datetime,
    as_of: date,
    sites: Sequence[Site] = (),
    site_codes: Sequence[str] | None = None,
) -> list[TargetStats]:
    """Figures for every stored target (or those of `site_codes`), worst window first.

    `sites`, when given, supplies names and registry status (a 关停 site that answers is
    then marked in the table); the store itself only knows codes and URLs.
    """
    days = int(OPTIONS["window_days"])
    start, end = probe_window(as_of, days)
    periods = {name: (now - span, now) for name, span in PERIODS.items()}
    periods["window"] = (start, end)
    for n in range(days):
        periods[f"day{n}"] = (start + timedelta(days=n), start + timedelta(days=n + 1))
    counts = store.probe_counts(periods, site_codes=site_codes)
    last = store.last_probes(site_codes=site_codes)
    latencies = store.latencies(now - PERIODS["24h"], now, site_codes=site_codes)
    registry = {s.site_code: s for s in sites}
    out = []
    for (code, url, kind), figures in counts.items():
        site = registry.get(code)
        per_day = [figures[f"day{n}"][0] for n in range(days)]
        values = latencies.get((code, url), [])
        out.append(TargetStats(
            site_code=code, url=url, kind=kind, name=site.name if site else "",
            registry_status=site.status if site else "", last=last.get((code, url)),
            uptime={name: _uptime(*figures[name][:2]) for name in PERIODS},
            counted={name: figures[name][0] for name in PERIODS},
            window=_window(*figures["window"], per_day),
            latency_ms={q: percentile(values, q) for q in PERCENTILES},
        ))
    seen = {(t.site_code, t.url) for t in out}
    for (code, url), record in last.items():
        if (code, url) not in seen:
            # Probed, but not within 30 days: still listed, with no figures.
            out.append(_empty(record, registry.get(code)))
    out.sort(key=_severity)
    return out


def _uptime(counted: int, failures: int) -> float | None:
    return None if not counted else (counted - failures) / counted


def _window(counted: int, failures: int, blocked: int, per_day: list[int]) -> WindowFigures:
    floor = int(OPTIONS["min_probes_per_day"])
    short = sum(1 for n in per_day if n < floor)
    ratio = Fraction(failures, counted) if counted else None
    if short:
        status = "not_measured"
    elif ratio is not None and ratio >= Fraction(str(OPTIONS["veto_ratio"])):
        status = "veto"
    else:
        status = "failing" if failures else "ok"
    return WindowFigures(probes=counted, failures=failures, blocked=blocked,
                         ratio=None if ratio is None else float(ratio), status=status,
                         short_days=short)


def _empty(record: ProbeRecord, site: Site | None) -> TargetStats:
    return TargetStats(
        site_code=record.site_code, url=record.url, kind=record.kind,
        name=site.name if site else "", registry_status=site.status if site else "",
        last=record, uptime={name: None for name in PERIODS}, counted={n: 0 for n in PERIODS},
        window=WindowFigures(0, 0, 0, None, "not_measured", int(OPTIONS["window_days"])),
        latency_ms={q: None for q in PERCENTILES},
    )


_SEVERITY = {"veto": 0, "failing": 1, "not_measured": 2, "ok": 3}
# Closed and merged sites come last: their being down is what the registry asks for.
_NOT_JUDGED = len(_SEVERITY)


def _severity(stats: TargetStats) -> tuple[int, float, str, str]:
    rank = _NOT_JUDGED if stats.registry_status in (STATUS_CLOSED, STATUS_MERGED) else (
        _SEVERITY[stats.window.status])
    return (rank, -(stats.window.ratio or 0.0), stats.site_code, stats.url)


def china_time(moment: datetime) -> str:
    """A stored time as the status table shows it (Beijing time, to the minute)."""
    return moment.astimezone(CST).strftime("%m-%d %H:%M")
