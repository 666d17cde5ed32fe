"""The end of a site crawled in sections: its parts merged into one snapshot, then judged.

Once every section's part is stored, the site's own task assembles them: the home page and
its check from the plan, every part's pages once (by URL, and a redirect to a page already
kept adds no page, as in a whole crawl), the checks, and the hand-offs no part fetched. The
collector then finishes the snapshot as it finishes a whole crawl (`Collector.collect_rest`:
the remainder crawl, the link checks no part made, search, security, browser), and the census
judges and stores it exactly as it does any site (`census.finish_site`): the result row stays
the one mark of a site done.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from govsite.census import CensusPlan, SilentProgress, finish_site
from govsite.collect import Collector
from govsite.collect.scoped import CrawlPart
from govsite.collect.spool import PageSpool, spool_wanted
from govsite.results import SiteResult
from govsite.review import Review
from govsite.rules.base import RuleContext
from govsite.snapshot import LinkCheck, Page, SiteSnapshot
from govsite.store.section_store import SectionState
from govsite.work.parts import read_part
from govsite.work.sections import SectionPlan

# What the collect stages spent, summed over the site's tasks.
SPENT_KEYS = ("requests", "bytes", "seconds")


@dataclass
class Merged:
    """The parts of a site as one snapshot, and what `collect_rest` needs besides."""

    snapshot: SiteSnapshot
    known: dict[str, LinkCheck] = field(default_factory=dict)
    fetched: set[str] = field(default_factory=set)
    handoffs: list[tuple[str, int, str | None]] = field(default_factory=list)
    page_cap_hit: bool = False
    depth_cap_hit: bool = False


def merge_parts(plan: SectionPlan, parts: Sequence[CrawlPart]) -> Merged:
    """The plan's home page and the parts' pages, checks and hand-offs, as one snapshot.

    Pages are kept in order of depth (then section), the nearest a merge comes to the
    breadth-first order of a whole crawl. For a target several parts checked (an external
    link found in two sections), the first part's check is kept.
    """
    start = plan.start.snapshot
    home = plan.home
    snap = SiteSnapshot(site=start.site, fetched_at=start.fetched_at, home=home, pages=[home],
                        soft404=start.soft404, notes=list(start.notes))
    merged = Merged(snapshot=snap, known={home.url: plan.start.home_check}, fetched={home.url})
    urls, finals = {home.url}, {home.final_url}
    kept: list[Page] = []
    for part in parts:
        for url, check in part.checks.items():
            merged.known.setdefault(url, check)
        merged.fetched.update(part.fetched)
        merged.page_cap_hit |= part.page_cap_hit
        merged.depth_cap_hit |= part.depth_cap_hit
        for page in part.pages:
            if page.url in urls or (page.final_url in finals and page.error is None):
                continue
            urls.add(page.url)
            finals.add(page.final_url)
            kept.append(page)
    snap.pages.extend(sorted(kept, key=lambda p: p.depth))
    offered = sorted(((url, depth, referrer) for part in parts
                      for url, (depth, referrer) in part.handoffs.items()
                      if url not in merged.fetched), key=lambda h: h[1])
    handed: set[str] = set()
    for handoff in offered:  # each URL once, at the least depth any part saw it
        if handoff[0] not in handed:
            handed.add(handoff[0])
            merged.handoffs.append(handoff)
    return merged


async def assemble_site(collector: Collector, plan: CensusPlan, ctx: RuleContext,
                        reviews: Sequence[Review], run_id: str, sections: SectionPlan,
                        states: Sequence[SectionState]) -> SiteResult:
    """Merge the stored parts of a split site, finish, judge and store it; then drop the
    parts' bytes (the result is stored: nothing reads them again)."""
    store = plan.store
    site = sections.start.snapshot.site
    spool = PageSpool(plan.settings.spool_dir) if spool_wanted(plan.settings) else None

    def load() -> list[CrawlPart]:
        return [read_part(store.section_chunks(run_id, site.site_code, s.index),
                          spool.keep if spool is not None else None) for s in states]

    parts = await asyncio.to_thread(load)
    merged = merge_parts(sections, parts)
    snap = merged.snapshot
    rest = await collector.collect_rest(snap, merged.known, merged.fetched, merged.handoffs,
                                        page_cap_hit=merged.page_cap_hit,
                                        depth_cap_hit=merged.depth_cap_hit)
    spent = [sections.start.stats, *(p.stats for p in parts), rest]
    snap.stats = {
        "pages": len(snap.pages),
        "links": len(snap.checks),
        **{key: sum(s.get(key, 0) for s in spent) for key in SPENT_KEYS},
        "sections": len(parts),
        "handed_off": len(merged.handoffs),
    }
    snap.stats["seconds"] = round(snap.stats["seconds"], 2)
    result = await finish_site(collector, plan, ctx, reviews, run_id, snap, SilentProgress())
    await asyncio.to_thread(store.drop_section_chunks, run_id, site.site_code)
    return result
