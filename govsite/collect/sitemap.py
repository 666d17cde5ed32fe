"""Seeds from sitemaps: `/sitemap.xml` and the `Sitemap:` lines of robots.txt.

A sitemap reaches pages the link graph hides (栏目 only reachable through JavaScript menus).
Parsed with a regular expression, not an XML parser: gov CMSs emit sitemaps with stray
ampersands, wrong encodings and missing namespaces that a strict parser rejects, while the
`<loc>` elements are almost always intact.
"""

from __future__ import annotations

import gzip
import html
import re
import zlib
from dataclasses import dataclass, field

from govsite.collect.fetch import Fetcher, FetchStats, ReadLimits
from govsite.collect.urls import normalize_url

# A sitemap index may point to hundreds of sitemaps; the crawl needs at most max_pages seeds,
# which the first few sitemaps provide.
MAX_SITEMAP_FILES = 5
# The sitemaps protocol allows 50 MB per file; we read a fifth of that, since seeds beyond
# the page cap are never crawled anyway.
SITEMAP_LIMITS = ReadLimits(html=10_000_000, other=10_000_000)

_LOC = re.compile(rb"<loc>\s*(.*?)\s*</loc>", re.IGNORECASE | re.DOTALL)
_INDEX = re.compile(rb"<sitemapindex\b", re.IGNORECASE)
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class SitemapEntries:
    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def parse_sitemap(body: bytes) -> SitemapEntries:
    """Page URLs of a urlset, or child sitemap URLs of a sitemap index (gzip accepted)."""
    if body.startswith(_GZIP_MAGIC):
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError, zlib.error):
            return SitemapEntries()
    locs = [html.unescape(m.decode("utf-8", errors="replace")) for m in _LOC.findall(body)]
    if _INDEX.search(body, 0, 4096):
        return SitemapEntries(sitemaps=locs)
    return SitemapEntries(pages=locs)


async def sitemap_seeds(
    fetcher: Fetcher, start: list[str], *, stats: FetchStats, limit: int
) -> list[str]:
    """Up to `limit` page URLs from the sitemaps at `start` (and their children)."""
    queue, seen = list(dict.fromkeys(start)), set(start)
    pages: list[str] = []
    fetched = 0
    while queue and fetched < MAX_SITEMAP_FILES and len(pages) < limit:
        url = queue.pop(0)
        fetched += 1
        result = await fetcher.fetch(url, limits=SITEMAP_LIMITS, stats=stats, lenient_tls=True)
        if result.error or result.status is None or not 200 <= result.status < 300:
            continue
        entries = parse_sitemap(result.body)
        pages.extend(normalize_url(u) for u in entries.pages)
        for child in entries.sitemaps:
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return list(dict.fromkeys(pages))[:limit]
