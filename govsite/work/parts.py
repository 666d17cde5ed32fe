"""A section's crawl as the store keeps it: a sequence of gzip-compressed JSON chunks.

A part of a 100,000-page site holds tens of thousands of pages: one value of that size is
awkward for any database and must be built whole in memory. Pages and checks therefore go in
chunks of bounded size, written one at a time, and come back one at a time, so the assembly
can spool each page to disk as it is read (`keep`).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from govsite.collect.scoped import CrawlPart
from govsite.snapshot import LinkCheck, Page

PART_FORMAT = "govsite.section-part/1"
# ~40 KB of HTML a page: 200 pages make a chunk of ~2 MB compressed at most.
PAGES_PER_CHUNK = 200
CHECKS_PER_CHUNK = 5000


def part_chunks(part: CrawlPart) -> Iterator[bytes]:
    """The chunks of `part`: a head (what was fetched and handed off, caps, stats), then its
    checks, then its pages."""
    yield _pack({
        "format": PART_FORMAT,
        "fetched": part.fetched,
        "handoffs": [[url, depth, referrer] for url, (depth, referrer) in part.handoffs.items()],
        "page_cap_hit": part.page_cap_hit,
        "depth_cap_hit": part.depth_cap_hit,
        "stats": part.stats,
        "pages": len(part.pages),
    })
    checks = iter(part.checks.items())
    while batch := list(islice(checks, CHECKS_PER_CHUNK)):
        yield _pack({"checks": {url: check.to_json() for url, check in batch}})
    pages = iter(part.pages)
    while batch := list(islice(pages, PAGES_PER_CHUNK)):
        yield _pack({"pages": [page.to_json() for page in batch]})


def read_part(chunks: Iterable[bytes], keep: Callable[[Page], Page] | None = None) -> CrawlPart:
    """The part stored as `chunks` (in order); `keep` is applied to each page as it is read."""
    chunks = iter(chunks)
    head = _unpack(next(chunks))
    if head.get("format") != PART_FORMAT:
        raise ValueError(f"unknown section part format: {head.get('format')!r}")
    part = CrawlPart(
        fetched=list(head["fetched"]),
        handoffs={url: (depth, referrer) for url, depth, referrer in head["handoffs"]},
        page_cap_hit=bool(head["page_cap_hit"]),
        depth_cap_hit=bool(head["depth_cap_hit"]),
        stats=dict(head["stats"]),
    )
    for chunk in chunks:
        data = _unpack(chunk)
        for url, check in data.get("checks", {}).items():
            part.checks[url] = LinkCheck.from_json(check)
        for page in data.get("pages", []):
            loaded = Page.from_json(page)
            part.pages.append(keep(loaded) if keep is not None else loaded)
    if len(part.pages) != head["pages"]:
        raise ValueError(f"section part is incomplete: {len(part.pages)} of {head['pages']} pages")
    return part


def _pack(data: dict[str, Any]) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8", "surrogatepass"), compresslevel=6, mtime=0)


def _unpack(chunk: bytes) -> dict[str, Any]:
    return json.loads(gzip.decompress(chunk).decode("utf-8", "surrogatepass"))
