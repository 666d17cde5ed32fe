"""Every knob of collect in one place, with its default and the reason for it.

Scrapy keeps its defaults in one documented module; so do we. The CLI (and later a config file
and the environment) build one `CollectSettings`; nothing else in collect invents a number that
a user might want to change. Numbers that only make sense inside one module (a sniff size, a
backoff step) stay there as named constants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govsite import USER_AGENT

# One request may take at most this long, connect to last byte. Gov servers are often slow,
# but a page that needs more than 15 s is unusable for a citizen anyway.
DEFAULT_TIMEOUT_S = 15.0

# Assumption, not yet measured: many county sites share one small VM behind a WAF that bans
# bursts. Two requests in flight, starts a quarter second apart, is gentler than a browser
# loading one page (which opens six connections at once). Override per host in config.
DEFAULT_HOST_CONCURRENCY = 2
DEFAULT_HOST_INTERVAL_S = 0.25

# Sites are independent hosts, so crawling many at once costs each of them nothing; 16 keeps
# one machine's sockets and memory modest while hiding every site's latency behind the others.
DEFAULT_SITE_CONCURRENCY = 16

# Assumption: 300 pages reach every 栏目 list and a sample of articles on a typical county
# site within its crawl budget; depth 4 is home → 栏目 → sub-栏目 → article → attachment page.
DEFAULT_MAX_PAGES = 300
DEFAULT_MAX_DEPTH = 4

# An HTML page above 5 MB is either a data dump or a broken server streaming forever.
DEFAULT_MAX_BODY_BYTES = 5_000_000

# Scrapy's RETRY_TIMES=2: two extra attempts, three requests in all, for transient errors only.
DEFAULT_RETRIES = 2

# Memory (docs/performance.md, "Memory"). A page kept whole costs ~40 KB until its site is done
# (bench/memory.py --no-spool: 3.9 GB for a 100,000-page site, 252 MB spooled). Sites
# allowed more pages than this spool each page's body to disk as it is fetched (`spool.py`);
# the default 300-page crawl stays in memory, where 16 sites at once cost ~200 MB.
SPOOL_ABOVE_MAX_PAGES = 1000
# Pending URLs of one site's crawl held in memory (~200 bytes each); the rest wait, in order,
# in a temporary SQLite file (`frontier.py`). A breadth-first crawl of a 100,000-page site
# has tens of thousands pending at once.
DEFAULT_FRONTIER_MEMORY = 10_000

# A server may ask us to wait (Retry-After); we honour it up to this, then try anyway, so one
# site's "come back tomorrow" cannot stall a census.
DEFAULT_MAX_RETRY_AFTER_S = 30.0

# --browser: Debian's Chromium (never Playwright's download, which cannot be fetched here).
DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium"
# Assumption: home + every 栏目 page + a few articles show a site's templates (issue 6); each
# page costs a load and an axe run (~1 s), so the whole sample is capped at 30 pages a site
# (a site with more columns keeps the first 30 in URL order) and 3 articles.
DEFAULT_BROWSER_PAGES = 30
DEFAULT_BROWSER_ARTICLES = 3
# Full-page captures of the pages behind veto findings (截图取证), per site at most: a site
# failing on forty stale columns needs a few pictures as proof, not forty.
DEFAULT_EVIDENCE_SCREENSHOTS = 5
# Pages open at once in the shared Chromium. bench/browser.py (2 cores, 24 pages): 66 pages/min
# at 1, 59 at 2, 58 at 4, while peak RSS grows 1.2 → 1.6 → 2.2 GB: axe is CPU-bound in the
# renderer, so more tabs only cost memory.
DEFAULT_BROWSER_CONCURRENCY = 1


@dataclass(frozen=True)
class CollectSettings:
    """How collect behaves for one run.

    `resolve` holds curl-style `HOST[:PORT]=IP[:PORT]` specs (see `resolve.parse_resolve`);
    `ca_file` is a PEM bundle trusted in addition to the system's. `host_overrides` maps a host
    name to `{"concurrency": int, "interval_s": float}` for hosts that need other manners.
    `probe_search` submits the site's own search (站内搜索) once, with the title of a recent
    article, after the crawl (`search.SearchProbe`); off, `snapshot.search` stays None.
    `probe_security` runs the passive security probe after the crawl (`security.SecurityProbe`:
    one TLS handshake, the https home page and a short fixed list of paths, docs/security.md);
    off, `snapshot.security` stays None and the rules that need it are not measured.
    `browser` (opt-in, CLI `--browser`) opens up to `browser_pages` sampled pages (home, each
    column page, `browser_articles` articles) in headless Chromium at `chromium_path` after the
    crawl and runs axe-core (`browser.BrowserAudit`); once the site is judged, the census
    captures up to `evidence_screenshots` pages behind its veto findings.
    `spool` keeps each crawled page's HTML, links, headers and meta tags in a per-site file
    rather than in memory (`spool.SpooledPage`); None decides by `max_pages` (above
    SPOOL_ABOVE_MAX_PAGES). Spool files and the crawl frontier's overflow (more than
    `frontier_memory` pending URLs) go to `spool_dir`, or the system's temporary directory.
    """

    user_agent: str = USER_AGENT
    timeout_s: float = DEFAULT_TIMEOUT_S
    host_concurrency: int = DEFAULT_HOST_CONCURRENCY
    host_interval_s: float = DEFAULT_HOST_INTERVAL_S
    site_concurrency: int = DEFAULT_SITE_CONCURRENCY
    max_pages: int = DEFAULT_MAX_PAGES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    retries: int = DEFAULT_RETRIES
    max_retry_after_s: float = DEFAULT_MAX_RETRY_AFTER_S
    obey_robots: bool = True
    check_links: bool = True
    probe_search: bool = True
    probe_security: bool = True
    resolve: tuple[str, ...] = ()
    ca_file: str | None = None
    host_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    browser: bool = False
    chromium_path: str = DEFAULT_CHROMIUM_PATH
    browser_pages: int = DEFAULT_BROWSER_PAGES
    browser_articles: int = DEFAULT_BROWSER_ARTICLES
    evidence_screenshots: int = DEFAULT_EVIDENCE_SCREENSHOTS
    browser_concurrency: int = DEFAULT_BROWSER_CONCURRENCY
    spool: bool | None = None
    spool_dir: str | None = None
    frontier_memory: int = DEFAULT_FRONTIER_MEMORY
