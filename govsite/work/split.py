"""The workers' side of a site split by section: the site's task and each section's task.

`census --workers --split-pages N`: a site whose latest earlier snapshot had N pages or more
is not audited by one task. Its task (holding the site's claim) takes the start of the site
(`Collector.collect_start`), decides the sections (`sections`), stores the plan and enqueues
one task per section. Each section task (holding that section's claim) crawls its section,
stores its part and marks the section done in one transaction; the one that completes the
last section enqueues the site's task again, which finds every part stored and assembles the
site (`assemble`). A resumed run enqueues the site's task like any other: it finds the stored
plan and enqueues only the sections not done, or assembles when none is missing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

from redis.asyncio import Redis

from govsite.census import CensusPlan
from govsite.collect import Collector
from govsite.review import Review
from govsite.rules.base import RuleContext
from govsite.sites import STATUS_RUNNING, Site
from govsite.work.app import SECTION_TASK, TASK
from govsite.work.assemble import assemble_site
from govsite.work.budget import SectionBudget
from govsite.work.claims import RunClaims
from govsite.work.limiter import RedisHostGate
from govsite.work.parts import part_chunks
from govsite.work.runstate import has_result
from govsite.work.sections import SectionPlan, plan_for

log = logging.getLogger(__name__)

ASSEMBLED, SPLIT, SECTION_DONE, SKIPPED = "assembled", "split", "section-done", "skipped"

# Sends a task by name with its arguments (Celery's send_task, or a test's list).
Enqueue = Callable[[str, tuple[Any, ...]], None]


async def audit_split(collector: Collector, plan: CensusPlan, ctx: RuleContext,
                      reviews: Sequence[Review], run_id: str, site: Site, *, split_pages: int,
                      enqueue: Enqueue) -> str | None:
    """The site task's split path, under the site's claim: None when the site is to be
    audited whole (not large, not crawlable, not worth cutting), else what was done."""
    store, code = plan.store, site.site_code
    blob = await asyncio.to_thread(store.load_section_plan, run_id, code)
    if blob is not None:
        sections = SectionPlan.loads(blob, site)
    else:
        if site.status != STATUS_RUNNING:
            return None
        prior = await asyncio.to_thread(store.prior_pages, run_id, code)
        if prior is None or prior < split_pages:
            return None
        made = plan_for(await collector.collect_start(site))
        if made is None:
            return None
        sections = made
        await asyncio.to_thread(store.save_section_plan, run_id, code, sections.dumps(),
                                [s.name for s in sections.sections])
        log.info("site %s of run %s (%d pages last time) split into sections: %s", code,
                 run_id, prior, ", ".join(s.name for s in sections.sections))
    states = await asyncio.to_thread(store.section_states, run_id, code)
    missing = [s.index for s in states if not s.done]
    if not missing:
        await assemble_site(collector, plan, ctx, reviews, run_id, sections, states)
        return ASSEMBLED
    for index in missing:
        enqueue(SECTION_TASK, (run_id, code, index))
    return SPLIT


async def crawl_section(plan: CensusPlan, run_id: str, site: Site, index: int, redis: Redis,
                        enqueue: Enqueue) -> str:
    """A section task: crawl and store one section of a split site, under its claim, and
    hand the site to its assembly when this was the last section missing."""
    store, code = plan.store, site.site_code
    async with RunClaims(redis, run_id).section(code, index):
        if await asyncio.to_thread(has_result, store, run_id, plan.profile.id, code):
            return SKIPPED
        blob = await asyncio.to_thread(store.load_section_plan, run_id, code)
        if blob is None:
            raise KeyError(f"site {code} of run {run_id} has no section plan")
        sections = SectionPlan.loads(blob, site)
        states = await asyncio.to_thread(store.section_states, run_id, code)
        if states[index].done:
            # A duplicate delivery; its first run may have died before handing the site on.
            if all(s.done for s in states):
                enqueue(TASK, (run_id, code))
            return SKIPPED
        # The home page is one of the site's pages: the sections share the rest of the cap.
        budget = SectionBudget(redis, run_id, code, index, plan.settings.max_pages - 1)
        await budget.start({s.index: s.visits for s in states if s.done})
        section = sections.sections[index]
        async with Collector(plan.settings, shared_gate=RedisHostGate(redis)) as collector:
            part = await collector.collect_section(
                sections.home, section.seeds, soft404=sections.start.snapshot.soft404,
                follow=sections.follows(index), budget=budget, check_home=index == 0)
        last = await asyncio.to_thread(store.finish_section, run_id, code, index,
                                       part_chunks(part), visits=len(part.fetched),
                                       pages=len(part.pages))
        log.info("section %d (%s) of site %s of run %s: %d pages, %d hand-offs", index,
                 section.name, code, run_id, len(part.pages), len(part.handoffs))
    if last:
        enqueue(TASK, (run_id, code))
    return SECTION_DONE
