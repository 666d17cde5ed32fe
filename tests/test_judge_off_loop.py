"""A site is judged off the event loop, so nothing else waits for it.

On the loop, seconds of judging would stall every other site's fetches in a local census and,
in a worker, the renewal of the leases it holds: a site claim lapsing mid-judge lets a second
worker audit the same site. The test times the loop's ticks while `finish_site` judges a
generated site of ~150 pages, and compares the longest tick with how long the same judgement
takes on its own. The typo checker's index is built first: its build runs in Rust holding the
GIL (once per process; workers build it before they fork, `govsite.work.tasks.warm_up`).
"""

from __future__ import annotations

import asyncio
import time
from datetime import date
from pathlib import Path

from govsite.census import CensusPlan, SilentProgress, context_for, finish_site, judge_and_score
from govsite.collect import Collector, CollectSettings
from govsite.content.typo import confusion_index
from govsite.fleet.generate import build_fleet, write_fleet
from govsite.fleet.server import FleetServer
from govsite.profile import load_profile
from govsite.registry import load_registry
from govsite.store.store import Store

SITE = "1101050004"  # a 区 department's content site of the demo fleet
TICK_S = 0.02


def test_judging_leaves_the_event_loop_free(tmp_path: Path) -> None:
    as_of = date.today()
    fleet = build_fleet(as_of=as_of, n_sites=12, pages_per_site=150)
    files = write_fleet(fleet, tmp_path / "fleet")
    sites = load_registry(files["sites"], strict=True).sites
    site = next(s for s in sites if s.site_code == SITE)
    store = Store(f"sqlite:///{tmp_path / 'govsite.db'}")
    store.migrate()
    profile = load_profile("gb2019")
    ctx = context_for(profile, as_of, sites)
    confusion_index()
    with FleetServer(fleet) as server:
        settings = CollectSettings(resolve=tuple(server.resolve_args()), host_interval_s=0,
                                   host_concurrency=4, probe_search=False,
                                   probe_security=False, max_pages=1000)
        plan = CensusPlan(sites=sites, profile=profile, as_of=as_of, store=store,
                          settings=settings)
        run_id = store.create_run(profile=profile.id, as_of=as_of, options={})
        store.add_sites(run_id, [site])

        async def audit() -> tuple[list[float], object]:
            async with Collector(settings) as collector:
                snap = await collector.collect(site)
                ticks: list[float] = []
                done = asyncio.Event()

                async def ticker() -> None:
                    last = time.monotonic()
                    while not done.is_set():
                        await asyncio.sleep(TICK_S)
                        now = time.monotonic()
                        ticks.append(now - last)
                        last = now

                task = asyncio.create_task(ticker())
                result = await finish_site(collector, plan, ctx, [], run_id, snap,
                                           SilentProgress())
                done.set()
                await task
                return ticks, (snap, result)

        ticks, (snap, result) = asyncio.run(audit())

    assert len(snap.pages) >= 100
    assert store.load_site_results(run_id, profile.id)[0].site.site_code == SITE
    started = time.monotonic()
    alone = judge_and_score(snap, ctx, profile, [])
    judge_s = time.monotonic() - started
    assert [(f.rule, f.url) for f in alone.findings] == [(f.rule, f.url) for f in result.findings]
    # The comparison means something only if judging takes many ticks.
    assert judge_s > 10 * TICK_S
    # The snapshot and result are written on the loop (milliseconds for this site), so the
    # longest tick may hold that write, but never the judgement.
    assert ticks, "the event loop never ran while the site was judged and stored"
    assert max(ticks) < judge_s / 2, (max(ticks), judge_s)
