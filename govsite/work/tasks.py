"""The worker's task: audit one site of a stored run, exactly as the census would.

Everything the task needs is in the store: the run's plan in its options (`runplan`), the
site in its registry rows. It is idempotent: a site with a stored result is skipped, and a
site another live worker is auditing is waited for (`claims`), then skipped. Requests go
through govsite's own Collector with the run's settings, its host limits shared with every
other worker through Redis (`limiter`).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

from celery import Celery, Task
from redis.asyncio import Redis

from govsite.census import CensusPlan, SilentProgress, audit_site, context_for
from govsite.collect import Collector
from govsite.content.typo import confusion_index
from govsite.rules.base import RuleContext
from govsite.sites import Site
from govsite.store.store import Store
from govsite.work.app import STORE_URL_KEY, TASK
from govsite.work.claims import RunClaims
from govsite.work.limiter import RedisHostGate
from govsite.work.runplan import load_plan
from govsite.work.runstate import has_result

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
    app.task(name=TASK, bind=True, acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)(audit_site_task)


def audit_site_task(task: Task, run_id: str, site_code: str) -> str:
    """The Celery entry point: the store comes from the worker's configuration."""
    return audit_stored_site(task.app.conf[STORE_URL_KEY], run_id, site_code)


def audit_stored_site(store_url: str, run_id: str, site_code: str) -> str:
    """Audit one site of `run_id` into the store at `store_url`; returns what happened."""
    store = _store(store_url)
    info = store.get_run(run_id)
    if info is None:
        # A task left in the queue by a run of another store, or a deleted one.
        log.warning("run %s is not in the store; task for site %s dropped", run_id, site_code)
        return UNKNOWN_RUN
    plan, ctx = _plan(store, run_id, info.options)
    if has_result(store, run_id, plan.profile.id, site_code):
        return SKIPPED
    site = next((s for s in plan.sites if s.site_code == site_code), None)
    if site is None:
        raise KeyError(f"run {run_id} has no site {site_code}")
    limiter = str(plan.options.get("limiter") or "")
    if not limiter:
        raise ValueError(f"run {run_id} names no Redis limiter (it was not started with --workers)")
    outcome = asyncio.run(_audit(plan, ctx, run_id, site, limiter))
    log.info("site %s of run %s: %s", site_code, run_id, outcome)
    return outcome


async def _audit(plan: CensusPlan, ctx: RuleContext, run_id: str, site: Site,
                 limiter: str) -> str:
    site_code = site.site_code
    redis = Redis.from_url(limiter)
    claims = RunClaims(redis, run_id)
    try:
        async with claims.site(site_code):
            # Checked again under the claim: a duplicate that waited finds the result here.
            if await asyncio.to_thread(has_result, plan.store, run_id, plan.profile.id, site_code):
                return SKIPPED
            reviews = await asyncio.to_thread(plan.store.list_reviews)
            try:
                async with Collector(plan.settings, shared_gate=RedisHostGate(redis)) as collector:
                    await audit_site(collector, plan, ctx, reviews, run_id, site, SilentProgress())
            except Exception as exc:
                await claims.failed(site_code, f"{type(exc).__name__}: {exc}")
                raise
            await claims.succeeded(site_code)
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
