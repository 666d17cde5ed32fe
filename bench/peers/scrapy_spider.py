"""The Scrapy peer of govsite's crawl: same sites, same caps, same manners, nothing else.

    python bench/peers/scrapy_spider.py --homes homes.txt --out stats.json \
        --address 127.61.7.9 --host-concurrency 4 --host-interval 0 --site-concurrency 16

bench/compare.py runs it; by hand it needs a fleet served as bench/compare.py serves it.

What it does, and why it is this small: from each home page it follows the links a visitor
navigates with (`<a>`, `<area>`, frames) that stay on the site's host (or the host the home
page redirected to), breadth first, up to `--max-depth` links from home and `--max-pages`
pages a site — govsite's crawl, minus everything govsite does with the pages. It obeys
robots.txt like govsite, and AutoThrottle is off so that the shared per-host limits are the
only pacing.

Reaching the fleet's `*.gov.cn` names without touching /etc/hosts: a DNS resolver (Scrapy's
`TWISTED_DNS_RESOLVER` setting) that answers every name with `--address`, the loopback address
the fleet listens on at port 80. Nothing leaves the machine: there is no name it passes on to
the real resolver. Without `--address` (the fleet is not on port 80) the spider relies on the
`http_proxy` variable instead, which Scrapy's HttpProxyMiddleware honours.

At the end it writes `--out`: pages, responses and the crawl's own Scrapy stats.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer

# Elements a visitor navigates with: govsite's crawl follows the same (collect/crawl.py).
FOLLOWED = {"a": "href", "area": "href", "iframe": "src", "frame": "src"}
# Scrapy skips links to documents, images and media by extension; WPS Office files (.wps),
# common on Chinese government sites and an attachment to govsite, are not on its list.
NOT_PAGES = [*IGNORED_EXTENSIONS, "wps"]
# Scrapy's defaults are built for the open web (3 min timeout, 1 GB bodies); govsite's are
# 15 s and 5 MB (collect/settings.py), and the peer must give up where govsite gives up.
TIMEOUT_S = 15
MAX_BODY_BYTES = 5_000_000


class FleetResolver(CachingThreadedResolver):
    """Answers every name with the fleet's loopback address (set as `FLEET_ADDRESS`)."""

    address = ""

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> FleetResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.address = crawler.settings.get("FLEET_ADDRESS")
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred:  # noqa: N802
        return defer.succeed(self.address)


class FleetSpider(scrapy.Spider):
    """Breadth-first, same-host crawl of each home page, with a per-site page cap."""

    name = "fleet"
    # Count and parse 404 pages too (govsite counts every page it visits); follow only 200s.
    custom_settings = {"HTTPERROR_ALLOW_ALL": True}

    def __init__(self, homes: list[str], max_pages: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.homes = homes
        self.max_pages = max_pages
        self.scope: dict[str, set[str]] = {}
        self.seen: set[str] = set()  # the page cap counts distinct URLs, as govsite's does
        self.queued: Counter[str] = Counter()
        self.pages = 0
        self.followed = 0
        self.links = LinkExtractor(tags=tuple(FOLLOWED), attrs=tuple(set(FOLLOWED.values())),
                                   deny_extensions=NOT_PAGES)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for home in self.homes:
            site = host_of(home)
            self.scope[site] = {site}
            self.queued[site] += 1
            self.seen.add(home)
            yield scrapy.Request(home, cb_kwargs={"site": site, "home": True})

    def parse(self, response: Response, site: str, home: bool = False) -> Iterator[scrapy.Request]:
        """Count the page; queue its in-scope links while the site is under its page cap."""
        self.pages += 1
        if home:
            self.scope[site].add(host_of(response.url))  # http://x/ → https://www.x/ is one site
        if response.status != 200 or not isinstance(response, TextResponse):
            return
        for link in self.links.extract_links(response):
            if link.url in self.seen or host_of(link.url) not in self.scope[site]:
                continue
            if self.queued[site] >= self.max_pages:
                continue
            self.seen.add(link.url)
            self.queued[site] += 1
            self.followed += 1
            yield response.follow(link.url, cb_kwargs={"site": site})

    def closed(self, reason: str) -> None:
        """Write the figures the benchmark reads (Scrapy stats are in-memory only)."""
        stats = self.crawler.stats.get_stats()
        out = {
            "pages": self.pages,
            "sites": len(self.scope),
            "requests": stats.get("downloader/request_count", 0),
            "responses": stats.get("downloader/response_count", 0),
            "robots_denied": stats.get("robotstxt/forbidden", 0),
            "followed": self.followed,
            "duplicates": stats.get("dupefilter/filtered", 0),
            "depth_capped": stats.get("depth/request_ignored_count", 0),
            "reason": reason,
        }
        Path(self.settings.get("BENCH_OUT")).write_text(json.dumps(out, indent=1), encoding="utf-8")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def settings_for(args: argparse.Namespace) -> dict[str, Any]:
    """Scrapy settings from the shared limits; every departure from Scrapy's defaults says why."""
    settings: dict[str, Any] = {
        "BENCH_OUT": args.out,
        "ROBOTSTXT_OBEY": True,  # like govsite
        "AUTOTHROTTLE_ENABLED": False,  # the shared limits, not Scrapy's latency model, pace
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.host_concurrency,
        "DOWNLOAD_DELAY": args.host_interval,
        "DOWNLOAD_DELAY_JITTER": 0,  # govsite's interval is a fixed minimum, not ±50 %
        # govsite crawls site_concurrency sites with host_concurrency requests each at once.
        "CONCURRENT_REQUESTS": args.site_concurrency * args.host_concurrency,
        "DEPTH_LIMIT": args.max_depth,
        # Breadth first, as govsite and Scrapy's broad-crawl guide do.
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "DOWNLOAD_TIMEOUT": TIMEOUT_S,
        "DOWNLOAD_MAXSIZE": MAX_BODY_BYTES,
        # Only the fleet's WAF site sets a cookie, and Scrapy's cookie middleware would fetch
        # the Public Suffix List from the internet to judge it (Scrapy's broad-crawl guide
        # turns cookies off anyway).
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    }
    if args.address:
        settings["TWISTED_DNS_RESOLVER"] = FleetResolver
        settings["FLEET_ADDRESS"] = args.address
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homes", type=Path, required=True, help="home page URLs, one a line")
    parser.add_argument("--out", required=True, help="JSON file for the crawl's figures")
    parser.add_argument("--address", default="", help="loopback address of the fleet (port 80)")
    parser.add_argument("--host-concurrency", type=int, default=4)
    parser.add_argument("--host-interval", type=float, default=0.0)
    parser.add_argument("--site-concurrency", type=int, default=16)
    parser.add_argument("--max-pages", type=int, default=300)
    parser.add_argument("--max-depth", type=int, default=4)
    args = parser.parse_args()
    homes = [line.strip() for line in args.homes.read_text(encoding="utf-8").splitlines() if line.strip()]
    process = CrawlerProcess(settings_for(args))
    process.crawl(FleetSpider, homes=homes, max_pages=args.max_pages)
    process.start()


if __name__ == "__main__":
    main()
