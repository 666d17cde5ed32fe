"""The worker's task: audit one site of a stored run, exactly as the census would.

Everything the task needs is in the store: the run's plan in its options (`runplan`), the
site in its registry rows. It is idempotent: a site with a stored result is skipped, and a
site another live worker is auditing is waited for (`claims`), then skipped. Requests go
through govsite's own Collector with the run's settings, its host limits shared with every
other worker through Redis (`limiter`). With `--split-pages`, a large site's task cuts it into
section tasks instead and assembles it once they are done (`split`).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from celery import Celery, Task
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from govsite.census import CensusPlan, SilentProgress, audit_site, context_for
from govsite.collect import Collector
from govsite.content.typo import confusion_index
from govsite.rules.base import RuleContext
from govsite.sites import Site
from govsite.store.store import Store
from govsite.work.app import QUEUE, SECTION_TASK, STORE_URL_KEY, TASK
from govsite.work.claims import RunClaims, forget_failure, record_failure
from govsite.work.limiter import RedisHostGate
from govsite.work.runplan import load_plan, split_pages_of
from govsite.work.runstate import has_result
from govsite.work.split import Enqueue, audit_split, crawl_section

log = logging.getLogger(__name__)

DONE, SKIPPED, UNKNOWN_RUN = "done", "skipped", "unknown-run"
# Plans kept per worker process: building one reads the registry, lexicons and overrides,
# which would otherwise be repeated for each of a run's thousands of sites.
PLANS_KEPT = 4

_stores: dict[str, Store] = {}
_plans: OrderedDict[str, tuple[CensusPlan, RuleContext]] = OrderedDict()


def warm_up() -> None:
    """Build the rules' one-time indexes now, in the worker's main process.

    The typo checker's confusion index takes ~20 s to build. Built before the pool forks, every
    pool process inherits it (shared, copy-on-write) instead of building its own on its first
    site.
    """
    confusion_index()


def register(app: Celery) -> None:
    for name, entry in ((TASK, audit_site_task), (SECTION_TASK, audit_section_task)):
        app.task(name=name, bind=True, acks_late=True, reject_on_worker_lost=True,
                 ignore_result=True)(entry)


def audit_site_task(task: Task, run_id: str, site_code: str) -> str:
    """The Celery entry point: the store comes from the worker's configuration."""
    return audit_stored_site(task.app.conf[STORE_URL_KEY], run_id, site_code,
                             enqueue=_sender(task))


def audit_section_task(task: Task, run_id: str, site_code: str, section: int) -> str:
    """The Celery entry point of one section of a split site."""
    return audit_stored_section(task.app.conf[STORE_URL_KEY], run_id, site_code, section,
                                enqueue=_sender(task))


def _sender(task: Task) -> Enqueue:
    return lambda name, args: task.app.send_task(name, args=args, queue=QUEUE)


def _no_enqueue(name: str, args: tuple[Any, ...]) -> None:
    raise RuntimeError(f"no queue to send {name}{args} to")


def audit_stored_site(store_url: str, run_id: str, site_code: str, *,
                      enqueue: Enqueue = _no_enqueue) -> str:
    """Audit one site of `run_id` into the store at `store_url`; returns what happened.

    Any error after the run is found is recorded against the site in Redis before it is
    raised, so that the coordinator stops waiting for a site no worker will finish. A site
    split by section sends its section tasks through `enqueue`.
    """
    return _run_task(store_url, run_id, site_code, lambda store, options, limiter: _audit_site(
        store, run_id, site_code, options, limiter, enqueue), forget=True)


def audit_stored_section(store_url: str, run_id: str, site_code: str, section: int, *,
                         enqueue: Enqueue = _no_enqueue) -> str:
    """Crawl and store one section of a split site (`split.crawl_section`); a failure is
    recorded against the site, whose result only the assembly stores."""
    return _run_task(store_url, run_id, site_code, lambda store, options, limiter: _section(
        store, run_id, site_code, section, options, limiter, enqueue), forget=False)


def _run_task(store_url: str, run_id: str, site_code: str,
              body: Callable[[Store, dict[str, Any], str], str], *, forget: bool) -> str:
    store = _store(store_url)
    info = store.get_run(run_id)
    if info is None:
        # A task left in the queue by a run of another store, or a deleted one.
        log.warning("run %s is not in the store; task for site %s dropped", run_id, site_code)
        return UNKNOWN_RUN
    limiter = str(info.options.get("limiter") or "")
    if not limiter:
        raise ValueError(f"run {run_id} names no Redis limiter (it was not started with --workers)")
    with SyncRedis.from_url(limiter) as redis:
        try:
            outcome = body(store, info.options, limiter)
        except Exception as exc:
            record_failure(redis, run_id, site_code, f"{type(exc).__name__}: {exc}")
            raise
        if forget:
            forget_failure(redis, run_id, site_code)
    log.info("site %s of run %s: %s", site_code, run_id, outcome)
    return outcome


def _audit_site(store: Store, run_id: str, site_code: str, options: dict[str, Any],
                limiter: str, enqueue: Enqueue) -> str:
    plan, ctx = _plan(store, run_id, options)
    if has_result(store, run_id, plan.profile.id, site_code):
        return SKIPPED
    return asyncio.run(_audit(plan, ctx, run_id, _site(plan, run_id, site_code), limiter, enqueue))


def _section(store: Store, run_id: str, site_code: str, section: int, options: dict[str, Any],
             limiter: str, enqueue: Enqueue) -> str:
    plan, _ctx = _plan(store, run_id, options)
    if has_result(store, run_id, plan.profile.id, site_code):
        return SKIPPED
    site = _site(plan, run_id, site_code)

    async def run() -> str:
        redis = Redis.from_url(limiter)
        try:
            return await crawl_section(plan, run_id, site, section, redis, enqueue)
        finally:
            await redis.aclose()

    return f"section {section}: {asyncio.run(run())}"


def _site(plan: CensusPlan, run_id: str, site_code: str) -> Site:
    site = next((s for s in plan.sites if s.site_code == site_code), None)
    if site is None:
        raise KeyError(f"run {run_id} has no site {site_code}")
    return site


async def _audit(plan: CensusPlan, ctx: RuleContext, run_id: str, site: Site,
                 limiter: str, enqueue: Enqueue) -> str:
    redis = Redis.from_url(limiter)
    try:
        async with RunClaims(redis, run_id).site(site.site_code):
            # Checked again under the claim: a duplicate that waited finds the result here.
            done = await asyncio.to_thread(has_result, plan.store, run_id, plan.profile.id,
                                           site.site_code)
            if done:
                return SKIPPED
            reviews = await asyncio.to_thread(plan.store.list_reviews)
            async with Collector(plan.settings, shared_gate=RedisHostGate(redis)) as collector:
                split = split_pages_of(plan.options)
                if split:
                    outcome = await audit_split(collector, plan, ctx, reviews, run_id, site,
                                                split_pages=split, enqueue=enqueue)
                    if outcome is not None:
                        return outcome
                await audit_site(collector, plan, ctx, reviews, run_id, site, SilentProgress())
            return DONE
    finally:
        await redis.aclose()


def _store(url: str) -> Store:
    """One store per URL and worker process (engines must not cross a fork: made lazily)."""
    store = _stores.get(url)
    if store is None:
        store = _stores[url] = Store(url)
    return store


def _plan(store: Store, run_id: str, options: dict[str, Any]) -> tuple[CensusPlan, RuleContext]:
    """The run's plan and rule context, rebuilt when the run's options changed (a resume)."""
    cached = _plans.get(run_id)
    if cached is None or cached[0].options != options:
        plan = load_plan(store, run_id)
        cached = plan, context_for(plan.profile, plan.as_of, plan.sites, plan.column_overrides,
                                   plan.lexicons)
        _plans[run_id] = cached
        while len(_plans) > PLANS_KEPT:
            _plans.popitem(last=False)
    _plans.move_to_end(run_id)
    return cached
