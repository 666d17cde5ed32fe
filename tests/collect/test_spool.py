"""Big crawls: the bounded frontier and the page spool, on a real fleet site over HTTP.

The site is the demo fleet's portal grown to a few hundred pages (`pages_per_site`), with its
planted defects, served by `FleetServer` on 127.0.0.1; crawls go through the real Collector.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from govsite.census import context_for, judge_and_score
from govsite.collect import Collector, CollectSettings, crawl
from govsite.collect.frontier import Entry, Frontier
from govsite.collect.spool import PageSpool, SpooledPage, spool_wanted
from govsite.fleet.generate import build_fleet
from govsite.fleet.model import Fleet
from govsite.fleet.server import FleetServer
from govsite.profile import load_profile
from govsite.sites import Site
from govsite.snapshot import Page, SiteSnapshot

AS_OF = date(2026, 11, 23)
PAGES = 300


@pytest.fixture(scope="module")
def fleet() -> Iterator[tuple[Fleet, FleetServer]]:
    fleet = build_fleet(as_of=AS_OF, n_sites=12, pages_per_site=PAGES)
    with FleetServer(fleet) as server:
        yield fleet, server


def portal(fleet: Fleet) -> Site:
    info = next(s for s in fleet.sites if s.role == "portal")
    return Site(name=info.name, site_code=info.site_code, url=info.url)


async def collect(server: FleetServer, site: Site, **overrides: Any) -> SiteSnapshot:
    server.reset()  # every crawl meets the page that answers 429 once as new
    settings = CollectSettings(resolve=tuple(server.resolve_args()), host_interval_s=0.0,
                               host_concurrency=4, timeout_s=5.0, retries=1,
                               max_pages=PAGES * 2, **overrides)
    async with Collector(settings) as collector:
        return await collector.collect(site)


@pytest.fixture(scope="module")
def spooled(fleet, tmp_path_factory) -> tuple[SiteSnapshot, SiteSnapshot, Path]:
    """One spooled crawl of the portal, and the same snapshot with the pages the spool replaced.

    `PageSpool.keep` is wrapped to remember each page as it was before spooling, so the two
    snapshots hold the same crawl: any difference between them is the spool's.
    """
    fleet_, server = fleet
    spool_dir = tmp_path_factory.mktemp("spool")
    whole: dict[int, Page] = {}
    keep = PageSpool.keep

    def recording_keep(self: PageSpool, page: Page) -> SpooledPage:
        kept = keep(self, page)
        whole[id(kept)] = page
        return kept

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PageSpool, "keep", recording_keep)
        snap = asyncio.run(collect(server, portal(fleet_), spool=True, spool_dir=str(spool_dir)))
    unspooled = replace(snap, pages=[whole.get(id(p), p) for p in snap.pages], cache={})
    return snap, unspooled, spool_dir


def test_a_spooled_snapshot_serialises_exactly_like_the_pages_it_replaced(spooled) -> None:
    snap, whole, _ = spooled
    assert len(snap.pages) > PAGES  # the fleet grew the portal to a few hundred pages
    assert snap.home is snap.pages[0] and type(snap.home) is Page  # the home page stays whole
    assert all(isinstance(p, SpooledPage) for p in snap.pages[1:])
    assert not any(isinstance(p, SpooledPage) for p in whole.pages)
    assert snap.to_json() == whole.to_json()
    blob = snap.dumps()
    assert blob == whole.dumps()
    # The streamed blob is byte for byte the one-shot encoding the store always kept.
    text = json.dumps(whole.to_json(), ensure_ascii=False, separators=(",", ":"))
    assert blob == gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
    assert SiteSnapshot.loads(blob).to_json() == whole.to_json()


def test_a_spooled_snapshot_is_judged_exactly_like_the_whole_one(fleet, spooled) -> None:
    snap, whole, _ = spooled
    profile = load_profile("gb2019")
    ctx = context_for(profile, AS_OF, [snap.site])
    spooled_result = judge_and_score(snap, ctx, profile)
    whole_result = judge_and_score(whole, ctx, profile)
    assert spooled_result.findings  # the portal's planted defects are found …
    assert spooled_result.to_json() == whole_result.to_json()  # … identically


def test_a_spooled_page_keeps_no_body_in_memory(spooled) -> None:
    snap, whole, spool_dir = spooled
    page = next(p for p in snap.pages if isinstance(p, SpooledPage) and p.html)
    reads = page.spool.reads
    html = page.html
    # Only this function holds the document (getrefcount's own argument is the second
    # reference): neither the page nor the spool kept it.
    assert sys.getrefcount(html) == 2
    assert page.html == html and page.html is not html
    assert page.spool.reads == reads + 3  # every access reads the spool again
    assert page.tree is not None and page.text and page.links
    assert not {"tree", "text"} & set(vars(page))  # derived views are not cached either
    assert max(len(v) for v in vars(page).values() if isinstance(v, str)) < 1_000
    with pytest.raises(AttributeError):
        page.html = "<html></html>"  # type: ignore[misc]
    # Spool files are unnamed and the frontier's spill file is gone: nothing is left behind.
    assert list(spool_dir.iterdir()) == []


@pytest.mark.asyncio
async def test_the_spool_changes_nothing_a_crawl_collects(fleet, spooled) -> None:
    """A second, unspooled crawl finds the same pages, links and checks (timings aside)."""
    fleet_, server = fleet
    snap, _, _ = spooled
    plain = await collect(server, portal(fleet_), spool=False)
    assert not any(isinstance(p, SpooledPage) for p in plain.pages)
    assert comparable(plain) == comparable(snap)


def comparable(snap: SiteSnapshot) -> dict[str, Any]:
    """A snapshot's JSON without what differs from one crawl to the next: times and order."""
    data = snap.to_json()
    for page in [data["home"], *data["pages"], data["search"]["page"]]:
        page["fetched_at"], page["elapsed_ms"] = "", 0.0
        page["headers"].pop("date", None)
    for check in data["checks"].values():
        check["checked_at"], check["elapsed_ms"] = "", 0.0
    data["pages"].sort(key=lambda p: p["url"])
    data["fetched_at"], data["stats"]["seconds"] = "", 0.0
    return data


class RecordingFrontier(Frontier):
    """A frontier that remembers itself and the most entries it ever held pending."""

    made: list[RecordingFrontier] = []

    def __init__(self, limit: int, directory: str | None = None) -> None:
        super().__init__(limit, directory)
        self.most_pending = 0
        RecordingFrontier.made.append(self)

    def push(self, entry: Entry) -> None:
        super().push(entry)
        self.most_pending = max(self.most_pending, len(self))


@pytest.mark.asyncio
async def test_the_frontier_bound_holds_on_a_real_crawl(fleet, spooled, monkeypatch) -> None:
    fleet_, server = fleet
    snap, _, _ = spooled
    monkeypatch.setattr(crawl, "Frontier", RecordingFrontier)
    RecordingFrontier.made.clear()
    bounded = await collect(server, portal(fleet_), frontier_memory=8, spool=False)
    [frontier] = RecordingFrontier.made
    assert frontier.peak_in_memory == 8  # never more than 8 URLs in memory …
    assert frontier.most_pending > 8 * 4  # … while many more waited on disk
    assert sorted(p.url for p in bounded.pages) == sorted(p.url for p in snap.pages)


def test_frontier_is_first_in_first_out_across_the_spill(tmp_path) -> None:
    frontier = Frontier(limit=10, directory=str(tmp_path))
    popped: list[Entry] = []
    for n in range(1000):
        frontier.push((f"http://x.gov.cn/{n}.html", n % 5, None if n % 2 else "http://x.gov.cn/"))
        if n % 3 == 0:
            popped.append(frontier.pop())  # type: ignore[arg-type]
    assert frontier.spilled and len(list(tmp_path.iterdir())) == 1
    while (entry := frontier.pop()) is not None:
        popped.append(entry)
    assert [url for url, _, _ in popped] == [f"http://x.gov.cn/{n}.html" for n in range(1000)]
    assert popped[1] == ("http://x.gov.cn/1.html", 1, None) and popped[2][2] == "http://x.gov.cn/"
    assert frontier.peak_in_memory == 10 and len(frontier) == 0
    frontier.close()
    assert list(tmp_path.iterdir()) == []


def test_spool_is_automatic_above_the_page_threshold() -> None:
    assert not spool_wanted(CollectSettings())
    assert spool_wanted(CollectSettings(max_pages=100_000))
    assert not spool_wanted(CollectSettings(max_pages=100_000, spool=False))
    assert spool_wanted(CollectSettings(spool=True))


def test_snapshot_without_pages_or_checks_streams_like_json_dumps() -> None:
    snap = SiteSnapshot(site=Site(name="测试", site_code="1100000001", url="http://x.gov.cn/"),
                        fetched_at="2026-11-23T00:00:00+00:00", blocked="unreachable")
    text = json.dumps(snap.to_json(), ensure_ascii=False, separators=(",", ":"))
    pieces: list[str] = []
    snap.write_json(pieces.append)
    assert "".join(pieces) == text and '"pages":[]' in text and '"checks":{}' in text
    assert snap.dumps() == gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
