"""`Collector`: one site in, one `SiteSnapshot` out, with everything shared across a run.

A run opens one Collector; it owns the aiohttp session (connection pool, resolve map, TLS
contexts, cookies), the host pool, the robots cache and the external link-check cache, so
that politeness and caching hold across all sites collected in that run. For each site:

1. robots.txt, then the home page. Unreachable, robots-denied or WAF-blocked homes end
   here with `snapshot.blocked` set: the site is not measured, never accused.
2. Sites registered closed/merged stop at the home page too (rules only ask whether it is
   still online).
3. The soft-404 probe, sitemap seeds, the breadth-first crawl.
4. Every distinct link target of the crawled pages is checked.
5. The site's own search is tried once (`search.py`); its answer is kept apart from the
   crawled pages, so the crawl and the link checks are the same with or without it.
6. The passive security probe (`security.py`): TLS certificate, https headers and a short,
   fixed list of sensitive paths, all through the same host slots and robots cache.
7. Opt-in (`--browser`): a sample of the crawled pages in one shared headless Chromium with
   axe-core, a home-page screenshot and a 375 px render (`browser.py`).

A large site may instead be collected in parts by several workers (`scoped.py`):
`collect_start` takes steps 1–3 up to the crawl, `collect_section` crawls and checks one
section, and `collect_rest` finishes the assembled snapshot with steps 3–7.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from types import TracebackType
from typing import Any
from urllib.parse import urljoin

import aiohttp

from govsite.collect import errors, soft404
from govsite.collect.browser import BrowserAudit
from govsite.collect.crawl import PageBudget, SiteCrawl, page_limits
from govsite.collect.fetch import Fetcher, FetchStats, now_iso, ssl_contexts
from govsite.collect.hosts import HostPool, SharedGate
from govsite.collect.linkcheck import LinkChecker, judge
from govsite.collect.parse import build_page
from govsite.collect.resolve import MapResolver, parse_resolve
from govsite.collect.robots import Robots
from govsite.collect.scoped import CrawlPart, SiteStart
from govsite.collect.search import SearchProbe
from govsite.collect.security import SecurityProbe
from govsite.collect.settings import CollectSettings
from govsite.collect.sitemap import sitemap_seeds
from govsite.collect.urls import host_of, is_fetched, looks_like_page, normalize_url
from govsite.sites import STATUS_CLOSED, STATUS_MERGED, Site
from govsite.snapshot import LinkCheck, Page, SiteSnapshot

# Open sockets for the whole run. Host slots bound each server; this bounds us (file
# descriptors, memory) when thousands of external link targets are checked at once.
MAX_CONNECTIONS = 256
# Resolved addresses are reused for five minutes: a census of one site takes about that long.
DNS_CACHE_S = 300

BLOCKED_UNREACHABLE = "unreachable"
BLOCKED_ROBOTS = "robots"
BLOCKED_WAF = "waf"


class Collector:
    """Collects snapshots of sites; use as `async with Collector(settings) as c: ...`."""

    def __init__(self, settings: CollectSettings, *, shared_gate: SharedGate | None = None) -> None:
        """`shared_gate` holds the per-host limits across processes too (Celery workers)."""
        self.settings = settings
        self._shared_gate = shared_gate
        self._resolve_rules = [parse_resolve(spec) for spec in settings.resolve]
        self._session: aiohttp.ClientSession | None = None
        self._sites = asyncio.Semaphore(max(1, settings.site_concurrency))
        self._browser = BrowserAudit(settings, self._resolve_rules) if settings.browser else None

    async def __aenter__(self) -> Collector:
        verifying, lenient = ssl_contexts(self.settings.ca_file)
        resolver = MapResolver(self._resolve_rules)
        connector = aiohttp.TCPConnector(
            resolver=resolver,
            ssl=verifying,
            limit=MAX_CONNECTIONS,
            limit_per_host=0,  # the host pool decides per-host concurrency
            ttl_dns_cache=DNS_CACHE_S,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            # Cookies kept like a browser's: servers that set a session cookie and redirect
            # back would otherwise loop forever.
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            timeout=aiohttp.ClientTimeout(total=self.settings.timeout_s),
        )
        pool = HostPool.from_settings(self.settings, self._shared_gate)
        self._fetcher = Fetcher(
            self._session,
            pool,
            self.settings,
            verifying=verifying,
            lenient=lenient,
        )
        self._robots = Robots(
            self._fetcher, user_agent=self.settings.user_agent, obey=self.settings.obey_robots
        )
        self._links = LinkChecker(
            self._fetcher, self._robots, max_body_bytes=self.settings.max_body_bytes
        )
        self._search = SearchProbe(self._fetcher, self._robots, limits=page_limits(self.settings))
        # The probe shares the connector's resolver (so --resolve HOST:443= applies to its
        # handshakes) and the pool (so its requests queue behind the crawl's on each host).
        self._security = SecurityProbe(
            self._fetcher,
            self._robots,
            pool,
            resolver,
            verifying=verifying,
            lenient=lenient,
            timeout_s=self.settings.timeout_s,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._browser is not None:
            await self._browser.close()

    async def screenshots(self, urls: list[str]) -> list[dict[str, Any]]:
        """Evidence captures of `urls` in the shared Chromium; [] when `--browser` is off."""
        if self._browser is None or not urls:
            return []
        return await self._browser.screenshots(urls)

    async def collect(
        self, site: Site, *, on_page: Callable[[str], None] | None = None
    ) -> SiteSnapshot:
        """Collect one site. Never raises for anything the site does.

        `on_page` is called with each page URL as it is fetched (for progress display).
        """
        if self._session is None:
            raise RuntimeError("Collector must be used as an async context manager")
        async with self._sites:
            return await self._collect(site, on_page)

    async def collect_pages(
        self, site: Site, urls: Sequence[str], *, targets: Sequence[str] = ()
    ) -> SiteSnapshot:
        """A small snapshot of one site: its home page, the pages `urls`, checks of `targets`.

        For a re-check (整改复核), which must see again exactly the pages and link targets behind
        earlier findings and nothing else, through the census's own code: robots, WAF and
        unreachable homes (then `blocked` is set and nothing more is fetched, as in `collect`),
        the soft-404 fingerprint the link verdicts need, the crawl's page fetch (held at depth
        0, so no page's links are followed) and the link checker, under the same politeness.
        `urls` outside the site's host(s) or that cannot be pages are not fetched. No search,
        security or browser pass. Never raises for anything the site does.
        """
        if self._session is None:
            raise RuntimeError("Collector must be used as an async context manager")
        async with self._sites:
            started = time.perf_counter()
            stats = FetchStats()
            snap, home_check = await self._open(site, stats)
            home = snap.home
            if snap.blocked is None and home.ok:
                await self._revisit(snap, home, home_check, urls, targets, stats)
            snap.stats = _site_stats(snap, started, stats)
            return snap

    async def _revisit(
        self,
        snap: SiteSnapshot,
        home: Page,
        home_check: LinkCheck,
        urls: Sequence[str],
        targets: Sequence[str],
        stats: FetchStats,
    ) -> None:
        """`collect_pages` past a usable home: the crawl's fetch of `urls`, then the checks."""
        scope = {host_of(home.url), host_of(home.final_url)}
        snap.soft404 = await self._soft404(home, stats)
        crawl = SiteCrawl(
            fetcher=self._fetcher,
            robots=self._robots,
            settings=replace(self.settings, max_depth=0),
            scope=scope,
            fingerprint=snap.soft404,
            stats=stats,
            on_page=None,
        )
        crawl.add(home, home_check)
        for url in urls:
            crawl.enqueue(url, 0, None)
        await crawl.run()
        snap.pages = crawl.pages
        wanted = list(dict.fromkeys(targets))
        known = {t: crawl.checks[t] for t in wanted if t in crawl.checks}
        todo = [t for t in wanted if t not in known]
        known.update(
            await self._links.check_all(todo, scope=scope, fingerprint=snap.soft404, stats=stats)
        )
        snap.checks = {t: known[t] for t in wanted if t in known}

    async def _collect(self, site: Site, on_page: Callable[[str], None] | None) -> SiteSnapshot:
        started = time.perf_counter()
        stats = FetchStats()
        snap, home_check = await self._open(site, stats)
        home = snap.home
        crawl_wanted = snap.blocked is None and home.ok
        if site.status in (STATUS_CLOSED, STATUS_MERGED):
            snap.notes.append("网站登记为已关停或整合迁移，仅检查首页")
            crawl_wanted = False
        if crawl_wanted:
            await self._crawl(snap, home, home_check, stats, on_page)
        elif on_page is not None:
            on_page(home.url)
        snap.stats = _site_stats(snap, started, stats)
        return snap

    async def _open(self, site: Site, stats: FetchStats) -> tuple[SiteSnapshot, LinkCheck]:
        """A site's snapshot holding its home page, `blocked` set when it cannot be audited,
        and the home page's check: how every way of collecting a site begins."""
        snap = SiteSnapshot(site=site, fetched_at=now_iso())
        home, home_check, detail = await self._home(normalize_url(site.url.strip()), stats)
        snap.home, snap.pages = home, [home]
        self._set_blocked(snap, home, detail)
        return snap, home_check

    async def _home(self, url: str, stats: FetchStats) -> tuple[Page, LinkCheck, str]:
        """The home page, its check (reused if a page links home) and the fetch's detail."""
        if not await self._robots.allowed(url, stats):
            at = now_iso()
            page = Page(
                url=url, final_url=url, status=None, fetched_at=at, error=errors.ROBOTS_DENIED
            )
            check = LinkCheck(url=url, ok=None, error=errors.ROBOTS_DENIED, checked_at=at)
            return page, check, "robots.txt 不允许抓取首页"
        result = await self._fetcher.fetch(
            url, limits=page_limits(self.settings), stats=stats, lenient_tls=True
        )
        page = build_page(result, depth=0, referrer=None)
        return page, judge(result, fingerprint=None), result.detail

    @staticmethod
    def _set_blocked(snap: SiteSnapshot, home: Page, detail: str) -> None:
        """Mark a site that cannot be audited at all, so that rules say not_measured."""
        if home.error == errors.ROBOTS_DENIED:
            snap.blocked, snap.blocked_detail = BLOCKED_ROBOTS, detail
        elif home.error in errors.NO_ANSWER or home.error == errors.TOO_MANY_REDIRECTS:
            snap.blocked = BLOCKED_UNREACHABLE
            snap.blocked_detail = f"首页无法访问：{home.error}（{detail}）"
        elif home.error == errors.BLOCKED:
            snap.blocked = BLOCKED_WAF
            snap.blocked_detail = f"首页被防火墙或反爬虫页面拦截：{detail}"
        if home.tls_error and snap.blocked is None:
            snap.notes.append(f"证书校验失败，已在不校验证书的情况下继续检查：{home.tls_error}")

    async def _crawl(
        self,
        snap: SiteSnapshot,
        home: Page,
        home_check: LinkCheck,
        stats: FetchStats,
        on_page: Callable[[str], None] | None,
    ) -> None:
        scope = {host_of(home.url), host_of(home.final_url)}
        await self._fingerprint(snap, home, stats)
        crawl = SiteCrawl(
            fetcher=self._fetcher,
            robots=self._robots,
            settings=self.settings,
            scope=scope,
            fingerprint=snap.soft404,
            stats=stats,
            on_page=on_page,
        )
        crawl.add(home, home_check)
        for seed in await self._sitemap_seeds(home, stats):
            crawl.enqueue(seed, 1, None)
        await crawl.run()
        snap.pages = crawl.pages
        self._cap_notes(snap, crawl.page_cap_hit, crawl.depth_cap_hit)
        snap.checks = await self._check_links(snap, crawl.pages, crawl.checks, scope, stats)
        await self._passes(snap, home, stats)

    async def collect_start(self, site: Site) -> SiteStart:
        """The start of a site collected in parts: robots, the home page (blocked sites end
        here, as in `collect`), the soft-404 fingerprint and the sitemap seeds. Sites that
        cannot be crawled come back with `crawlable` False. Never raises for anything the site
        does."""
        if self._session is None:
            raise RuntimeError("Collector must be used as an async context manager")
        async with self._sites:
            started = time.perf_counter()
            stats = FetchStats()
            snap, home_check = await self._open(site, stats)
            home = snap.home
            start = SiteStart(snapshot=snap, home_check=home_check)
            if snap.blocked is None and home.ok and site.status not in (STATUS_CLOSED, STATUS_MERGED):
                await self._fingerprint(snap, home, stats)
                start.sitemap = await self._sitemap_seeds(home, stats)
                start.crawlable = True
            start.stats = _spent(started, stats)
            return start

    async def collect_section(
        self,
        home: Page,
        seeds: Sequence[tuple[str, str | None]],
        *,
        soft404: dict[str, Any] | None,
        follow: Callable[[str], bool],
        budget: PageBudget | None = None,
        check_home: bool = False,
    ) -> CrawlPart:
        """Crawl one section of a site from `seeds` (depth 1, with their referrers), fetching
        only the pages `follow` accepts, then check the same-site link targets of its pages
        (and of the home page, with `check_home`) that `follow` accepts too.

        Every other target is left to the site's assembly, which checks each once: a page
        of another section is checked by the fetch that gets it, and an off-site target
        linked from every page (a 备案 or 党政机关 badge link) would otherwise be requested
        once per section. Never raises for anything the site does.
        """
        async with self._sites:
            started = time.perf_counter()
            stats = FetchStats()
            scope = {host_of(home.url), host_of(home.final_url)}
            crawl = SiteCrawl(
                fetcher=self._fetcher,
                robots=self._robots,
                settings=self.settings,
                scope=scope,
                fingerprint=soft404,
                stats=stats,
                on_page=None,
                follow=follow,
                budget=budget,
            )
            crawl.known([home.url], [home.final_url])
            for url, referrer in seeds:
                crawl.enqueue(url, 1, referrer)
            await crawl.run()
            fetched = list(crawl.checks)
            checks = dict(crawl.checks)
            if self.settings.check_links:
                pages = [home, *crawl.pages] if check_home else crawl.pages
                # The home page is checked by its own fetch, kept in the plan.
                todo = [t for t in link_targets(pages) if t not in checks and t != home.url
                        and host_of(t) in scope and follow(t)]
                checks.update(await self._links.check_all(
                    todo, scope=scope, fingerprint=soft404, stats=stats))
            return CrawlPart(pages=crawl.pages, checks=checks, fetched=fetched,
                             handoffs=crawl.handoffs, page_cap_hit=crawl.page_cap_hit,
                             depth_cap_hit=crawl.depth_cap_hit, stats=_spent(started, stats))

    async def collect_rest(
        self,
        snap: SiteSnapshot,
        known: dict[str, LinkCheck],
        fetched: Iterable[str],
        handoffs: Iterable[tuple[str, int, str | None]],
        *,
        page_cap_hit: bool = False,
        depth_cap_hit: bool = False,
    ) -> dict[str, Any]:
        """Finish a snapshot assembled from a site's parts as `collect` finishes a whole crawl.

        `snap` holds the home page, the parts' pages and `soft404`; `known` the parts' checks,
        `fetched` every URL they visited. The hand-offs (URL, depth, referrer) no part fetched
        are crawled, with whatever new pages they lead to, within the page cap counted over
        all fetched URLs; then every link target without a check is checked, the caps noted,
        and the search, security and browser passes run. Returns the requests, bytes and
        seconds this took.
        """
        if snap.home is None:
            raise ValueError("an assembled snapshot needs its home page")
        async with self._sites:
            started = time.perf_counter()
            stats = FetchStats()
            home = snap.home
            scope = {host_of(home.url), host_of(home.final_url)}
            crawl = SiteCrawl(
                fetcher=self._fetcher,
                robots=self._robots,
                settings=self.settings,
                scope=scope,
                fingerprint=snap.soft404,
                stats=stats,
                on_page=None,
            )
            crawl.known([home.url, *fetched], (p.final_url for p in snap.pages))
            for url, depth, referrer in handoffs:
                crawl.enqueue(url, depth, referrer)
            await crawl.run()
            snap.pages.extend(crawl.pages)
            self._cap_notes(snap, page_cap_hit or crawl.page_cap_hit,
                            depth_cap_hit or crawl.depth_cap_hit)
            snap.checks = await self._check_links(
                snap, snap.pages, {**known, **crawl.checks}, scope, stats)
            await self._passes(snap, home, stats)
            return _spent(started, stats)

    async def _fingerprint(self, snap: SiteSnapshot, home: Page, stats: FetchStats) -> None:
        """The site's soft-404 fingerprint, with a note when it is the home page itself."""
        snap.soft404 = await self._soft404(home, stats)
        if snap.soft404 and snap.soft404["same_as_home"]:
            snap.notes.append("不存在的地址返回与首页相同的内容，无法识别软404")

    def _cap_notes(self, snap: SiteSnapshot, page_cap_hit: bool, depth_cap_hit: bool) -> None:
        if page_cap_hit:
            snap.notes.append(f"已达到页面数上限（{self.settings.max_pages}页），其余页面未抓取")
        if depth_cap_hit:
            snap.notes.append(f"已达到抓取深度上限（{self.settings.max_depth}层），更深页面未抓取")

    async def _passes(self, snap: SiteSnapshot, home: Page, stats: FetchStats) -> None:
        """What runs once the pages and checks are in: search, security, browser."""
        if self.settings.probe_search:
            snap.search = await self._search.run(home, stats)
        if self.settings.probe_security:
            snap.security = await self._security.run(home, snap.soft404, stats)
        if self._browser is not None:
            snap.browser = await self._browser.run(snap)

    async def _check_links(
        self,
        snap: SiteSnapshot,
        pages: Sequence[Page],
        fetched: dict[str, LinkCheck],
        scope: set[str],
        stats: FetchStats,
    ) -> dict[str, LinkCheck]:
        """One check per distinct target of `pages`, in order of first appearance."""
        targets = link_targets(pages)
        # A crawled page is its own check: the fetch that got the page answered the link.
        known = {t: fetched[t] for t in targets if t in fetched}
        if self.settings.check_links:
            todo = [t for t in targets if t not in known]
            checked = await self._links.check_all(
                todo, scope=scope, fingerprint=snap.soft404, stats=stats
            )
            known.update(checked)
        return {t: known[t] for t in targets if t in known}

    async def _soft404(self, home: Page, stats: FetchStats) -> dict[str, Any] | None:
        url = soft404.probe_url(home.final_url)
        if not await self._robots.allowed(url, stats):
            return None
        result = await self._fetcher.fetch(
            url, limits=self._links.same_site_limits, stats=stats, lenient_tls=True
        )
        answered = result.status is not None and 200 <= result.status < 300
        if not answered or result.error is not None or result.text is None:
            return None  # a real 404 (or a WAF page, which fingerprints nothing of the site)
        return soft404.fingerprint(result, home_html=home.html, home_url=home.final_url)

    async def _sitemap_seeds(self, home: Page, stats: FetchStats) -> list[str]:
        rules = await self._robots.rules(home.final_url, stats)
        start = [*rules.sitemaps, urljoin(home.final_url, "/sitemap.xml")]
        limit = self.settings.max_pages
        seeds = await sitemap_seeds(self._fetcher, start, stats=stats, limit=limit)
        return [s for s in seeds if looks_like_page(s)]


def link_targets(pages: Iterable[Page]) -> list[str]:
    """The distinct fetchable link targets of the usable `pages`, in order of appearance."""
    linked = (ln.url for p in pages if p.ok for ln in p.links if is_fetched(ln.raw))
    return list(dict.fromkeys(linked))


def _site_stats(snap: SiteSnapshot, started: float, stats: FetchStats) -> dict[str, Any]:
    return {"pages": len(snap.pages), "links": len(snap.checks),
            "seconds": round(time.perf_counter() - started, 2),
            "requests": stats.requests, "bytes": stats.bytes}


def _spent(started: float, stats: FetchStats) -> dict[str, Any]:
    return {"requests": stats.requests, "bytes": stats.bytes,
            "seconds": round(time.perf_counter() - started, 2)}
