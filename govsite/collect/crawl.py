"""The breadth-first crawl of one site's pages, within its host(s) and its page and depth caps.

Scope is the home page's host plus the host it redirected to (http://x.gov.cn/ →
https://www.x.gov.cn/ is one site). Only URLs that may be HTML pages are crawled; attachments,
images, scripts and stylesheets are link-checked instead. Links are followed from `<a>`,
`<area>` and frames, the elements a visitor navigates with.

Workers take URLs from one FIFO queue, so pages are visited in (near) breadth-first order and
the page cap keeps the shallow pages — 栏目 lists — rather than one deep branch. The queue holds
at most `frontier_memory` URLs in memory and spills the rest to disk (`frontier.py`); big
crawls keep each page's body in a spool file rather than in `pages` (`spool.py`).

A crawl may be one part of a site crawled by several workers (`govsite.work.sections`): then
`follow` says which in-scope pages are its own to fetch; the others it sees are kept in
`handoffs` for whoever owns them, and a shared `budget` holds the whole site to its page cap.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from govsite.collect import errors
from govsite.collect.fetch import SNIFF_BYTES, Fetcher, FetchStats, ReadLimits, now_iso
from govsite.collect.frontier import Frontier
from govsite.collect.linkcheck import judge
from govsite.collect.parse import build_page
from govsite.collect.robots import Robots
from govsite.collect.settings import CollectSettings
from govsite.collect.spool import PageSpool, spool_wanted
from govsite.collect.urls import HTTP_SCHEMES, host_of, is_fetched, looks_like_page, scheme_of
from govsite.snapshot import LinkCheck, Page

FOLLOWED_TAGS = frozenset({"a", "area", "iframe", "frame"})

# Several workers per site so that parsing one page overlaps fetching the next; the host slot
# still caps what reaches the server, so more workers than that would only wait.
WORKERS_PER_HOST_SLOT = 2


def page_limits(settings: CollectSettings) -> ReadLimits:
    """Pages are read whole up to max_body_bytes; a non-HTML answer only far enough to know."""
    return ReadLimits(html=settings.max_body_bytes, other=SNIFF_BYTES)


class PageBudget(Protocol):
    """Pages a crawl may still fetch, shared with the other parts of its site."""

    async def take(self) -> bool:
        """One more page, or False when the site's page cap is spent."""
        ...


class SiteCrawl:
    """Crawls one site; results accumulate in `pages`, `checks` (keyed by URL) and caps hit.

    `follow(url)` (optional) limits the crawl to its part of the site: an in-scope page it
    rejects is not fetched but recorded in `handoffs` (URL → depth and referrer of its first
    sighting). `budget` (optional) is asked before each page is fetched.
    """

    def __init__(
        self,
        *,
        fetcher: Fetcher,
        robots: Robots,
        settings: CollectSettings,
        scope: set[str],
        fingerprint: dict[str, Any] | None,
        stats: FetchStats,
        on_page: Callable[[str], None] | None,
        follow: Callable[[str], bool] | None = None,
        budget: PageBudget | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._robots = robots
        self._settings = settings
        self._scope = scope
        self._fingerprint = fingerprint
        self._stats = stats
        self._on_page = on_page
        self._follow = follow
        self._budget = budget
        self._limits = page_limits(settings)
        self.frontier = Frontier(settings.frontier_memory, settings.spool_dir)
        self._visiting = 0  # pages being fetched: the crawl ends when none are and none wait
        self._changed = asyncio.Event()
        self._spooling = spool_wanted(settings)
        self._spool: PageSpool | None = None  # opened for the first page it keeps
        self._seen: set[str] = set()
        self._final_urls: set[str] = set()
        self.pages: list[Page] = []
        self.checks: dict[str, LinkCheck] = {}
        self.handoffs: dict[str, tuple[int, str | None]] = {}
        self.page_cap_hit = False
        self.depth_cap_hit = False

    def known(self, urls: Iterable[str], final_urls: Iterable[str] = ()) -> None:
        """Treat `urls` as fetched elsewhere (never queued) and `final_urls` as pages already
        kept (a redirect there adds no page), as if `add` had seen them."""
        self._seen.update(urls)
        self._final_urls.update(final_urls)

    def add(self, page: Page, check: LinkCheck) -> None:
        """Record a fetched page (the home page comes in this way) and queue its links."""
        self._seen.add(page.url)
        self.checks[page.url] = check
        if page.final_url in self._final_urls and page.error is None:
            return  # reached again through a redirect: one page, not two
        self._final_urls.add(page.final_url)
        self.pages.append(self._kept(page))
        if self._on_page is not None:
            self._on_page(page.url)
        if page.ok and page.html is not None and host_of(page.final_url) in self._scope:
            for link in page.links:
                if link.tag in FOLLOWED_TAGS and is_fetched(link.raw):
                    self.enqueue(link.url, page.depth + 1, page.url)

    def enqueue(self, url: str, depth: int, referrer: str | None) -> None:
        """Queue `url` if it is an uncrawled page of this site within the caps."""
        if (
            url in self._seen
            or scheme_of(url) not in HTTP_SCHEMES
            or host_of(url) not in self._scope
            or not looks_like_page(url)
        ):
            return
        if self._follow is not None and not self._follow(url):
            # Another part's page: its owner fetches it, or the site's assembly does.
            if depth <= self._settings.max_depth:
                self.handoffs.setdefault(url, (depth, referrer))
            return
        if depth > self._settings.max_depth:
            self.depth_cap_hit = True
            return
        if len(self._seen) >= self._settings.max_pages:
            self.page_cap_hit = True
            return
        self._seen.add(url)
        self.frontier.push((url, depth, referrer))

    def _kept(self, page: Page) -> Page:
        """`page` as `pages` holds it: spooled when the settings ask, except the home page."""
        if not self._spooling or page.depth == 0:
            return page
        if self._spool is None:
            self._spool = PageSpool(self._settings.spool_dir)
        return self._spool.keep(page)

    async def run(self) -> None:
        """Crawl until nothing is queued and no page is being fetched; then drop the queue."""
        slot = self._settings.host_concurrency
        workers = [
            asyncio.create_task(self._work()) for _ in range(max(1, slot) * WORKERS_PER_HOST_SLOT)
        ]
        try:
            done, _ = await asyncio.wait(workers, return_when=asyncio.FIRST_EXCEPTION)
            for worker in done:
                worker.result()  # a worker only fails on a bug: let it surface
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            self.frontier.close()

    async def _work(self) -> None:
        while True:
            entry = self.frontier.pop()
            if entry is None:
                if not self._visiting:
                    self._changed.set()  # the crawl is over: let the idle workers see it too
                    return
                # Idle until a visit ends, having queued its links (or found none).
                self._changed.clear()
                await self._changed.wait()
                continue
            self._visiting += 1
            try:
                await self._visit(*entry)
            finally:
                self._visiting -= 1
                self._changed.set()

    async def _visit(self, url: str, depth: int, referrer: str | None) -> None:
        if self._budget is not None and not await self._budget.take():
            self.page_cap_hit = True
            return
        if not await self._robots.allowed(url, self._stats):
            at = now_iso()
            page = Page(
                url=url,
                final_url=url,
                status=None,
                fetched_at=at,
                error=errors.ROBOTS_DENIED,
                depth=depth,
                referrer=referrer,
            )
            check = LinkCheck(url=url, ok=None, error=errors.ROBOTS_DENIED, checked_at=at)
        else:
            result = await self._fetcher.fetch(
                url, limits=self._limits, stats=self._stats, lenient_tls=True
            )
            page = build_page(result, depth=depth, referrer=referrer)
            check = judge(result, fingerprint=self._fingerprint)
        self.add(page, check)
