"""What a site crawled in parts passes between its tasks: the start, and each part's crawl.

A large site can be split into sections crawled by different workers (`govsite.work.sections`
decides how). Everything that must be the same for all parts is taken once, at the start: the
home page, its robots/WAF verdict, the soft-404 fingerprint every same-site link is judged
against, and the sitemap's seeds. Each part then returns what its own crawl saw (`CrawlPart`),
and the site's assembly finishes the snapshot from them (`Collector.collect_rest`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govsite.snapshot import LinkCheck, Page, SiteSnapshot


@dataclass
class SiteStart:
    """The start of a site crawled in parts.

    `snapshot` holds the home page (as `home` and the only page), `blocked` and the notes,
    and `soft404`; `home_check` is the home page's own check; `sitemap` the seeds the
    sitemaps gave. `crawlable` is False when the site cannot be crawled at all (blocked,
    an unusable home, registered closed): it is then audited whole instead.
    """

    snapshot: SiteSnapshot
    home_check: LinkCheck
    sitemap: list[str] = field(default_factory=list)
    crawlable: bool = False
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass
class CrawlPart:
    """One part's crawl: its pages, the checks it made, and what it left to others.

    `fetched` lists every URL the crawl visited (a redirect to a page already kept adds a
    check but no page); `checks` covers those and the targets it link-checked; `handoffs`
    maps the in-scope pages it saw but were not its own to (depth, referrer). Each visit took
    one page from the site's budget, so `len(fetched)` is what the part spent of the cap.
    """

    pages: list[Page] = field(default_factory=list)
    checks: dict[str, LinkCheck] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)
    handoffs: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    page_cap_hit: bool = False
    depth_cap_hit: bool = False
    stats: dict[str, Any] = field(default_factory=dict)
