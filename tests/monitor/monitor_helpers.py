"""Shared pieces of the monitor tests: targets on fake hosts, a compressed run, judging."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from govsite.monitor import CompressedClock, Monitor, MonitorSettings, ProbeSettings, Target
from govsite.monitor.alerts import Alerter
from govsite.monitor.history import open_probes
from govsite.rules.base import RuleContext, get_rule, judge
from govsite.sites import Site
from govsite.snapshot import SiteSnapshot
from govsite.store.store import Store

AVAILABILITY = ("availability.home_failure", "availability.unreachable")


def host(code: str) -> str:
    return f"www.s{code}.gov.cn"


def target(code: str, **fields: str) -> Target:
    return Target(site_code=code, url=f"http://{host(code)}/", name=f"测试网站{code}", **fields)


def settings(resolve: tuple[str, ...], interval: timedelta, *, confirm: bool = True,
             timeout_s: float = 2.0) -> MonitorSettings:
    """Probe settings for a compressed run: the confirming retry one virtual minute later."""
    return MonitorSettings(interval=interval, probe=ProbeSettings(
        timeout_s=timeout_s, confirm=confirm, confirm_delay_s=60.0, resolve=resolve))


async def run_until(monitor: Monitor, clock: CompressedClock, until: datetime) -> None:
    """Run `monitor` until the (virtual) moment `until`, then stop it cleanly."""

    async def stopper() -> None:
        await clock.wait_until(until, asyncio.Event())
        monitor.stop()

    stopping = asyncio.create_task(stopper())
    await monitor.run()
    await stopping


def make_monitor(targets: list[Target], store: Store, clock: CompressedClock,
                 monitor_settings: MonitorSettings, alerter: Alerter | None = None) -> Monitor:
    return Monitor(targets, store, monitor_settings, clock=clock, alerter=alerter)


def judge_availability(store_url: str, site_code: str, as_of: date) -> dict[str, object]:
    """What the census's availability rules conclude from the store, as census --probes DB."""
    source = open_probes(store_url, as_of=as_of)
    site = Site(name=f"测试网站{site_code}", site_code=site_code, url=f"http://{host(site_code)}/")
    snap = SiteSnapshot(site=site, fetched_at="2026-11-23T10:00:00+08:00",
                        probes=[p.to_json() for p in source.for_site(site_code)])
    judgement = judge(snap, RuleContext(as_of=as_of), [get_rule(r) for r in AVAILABILITY])
    return {"findings": {f.rule: f.evidence for f in judgement.findings},
            "unmeasured": judgement.unmeasured_rules}
