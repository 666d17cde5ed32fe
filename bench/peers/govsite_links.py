"""govsite's collect stage alone — crawl, plus (optionally) the link checks — for bench/compare.py.

    python bench/peers/govsite_links.py JOB.json OUT.json

Why not `govsite census`: a census also judges ~100 rules, probes each site's search and
security and writes reports. LinkChecker and lychee do none of that, so the link-checking
comparison runs govsite's own `Collector` with the search and security probes off and no
judging; with `check_links` false it is the crawl alone, the like of the Scrapy spider.

JOB holds `sites_csv`, `resolve` (curl-style specs) and the shared limits; OUT receives the
page and link counts and every target govsite judged broken, with the site that links to it.
Snapshots are reduced as each site finishes, so memory is the crawl's, not the whole run's.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from govsite.collect import Collector, CollectSettings
from govsite.registry import load_registry
from govsite.sites import Site
from govsite.snapshot import SiteSnapshot


def settings_for(job: dict[str, Any]) -> CollectSettings:
    """The shared limits as govsite settings; probes off (no peer has them)."""
    return CollectSettings(
        resolve=tuple(job["resolve"]),
        host_concurrency=job["host_concurrency"],
        host_interval_s=job["host_interval_s"],
        site_concurrency=job["site_concurrency"],
        max_pages=job["max_pages"],
        max_depth=job["max_depth"],
        check_links=job["check_links"],
        probe_search=False,
        probe_security=False,
    )


def summarize(snap: SiteSnapshot) -> dict[str, Any]:
    """What the benchmark keeps of a site: counts, checked targets, broken targets."""
    site = (urlsplit(snap.site.url).hostname or "").lower()
    return {
        "site": site,
        "pages": len(snap.pages),
        "requests": int(snap.stats.get("requests") or 0),
        "targets": sorted(snap.checks),
        "broken": sorted(url for url, check in snap.checks.items() if check.ok is False),
    }


async def collect_all(sites: list[Site], settings: CollectSettings) -> list[dict[str, Any]]:
    """Every site through one Collector (its own semaphore keeps site_concurrency)."""
    async with Collector(settings) as collector:

        async def one(site: Site) -> dict[str, Any]:
            return summarize(await collector.collect(site))

        return await asyncio.gather(*(one(site) for site in sites))


def main() -> None:
    job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    sites = load_registry(Path(job["sites_csv"]), strict=True).sites
    per_site = asyncio.run(collect_all(sites, settings_for(job)))
    out = {
        "pages": sum(s["pages"] for s in per_site),
        "requests": sum(s["requests"] for s in per_site),
        "checked": [[s["site"], url] for s in per_site for url in s["targets"]],
        "broken": [[s["site"], url] for s in per_site for url in s["broken"]],
    }
    Path(sys.argv[2]).write_text(json.dumps(out), encoding="utf-8")


if __name__ == "__main__":
    main()
