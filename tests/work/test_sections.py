"""Large sites split by section: `census --workers … --split-pages N`.

The unit tests cut home pages into sections (a pure function) and store parts. The end-to-end
tests run a real `govsite worker` on Redis with a PostgreSQL store against a generated fleet
site of ~300 pages, served on 127.0.0.1; the fleet server's log is the witness of what was
requested. A first census (nothing earlier in the store: the site is audited whole) is the
yardstick and the "last quarter" that makes the site large; a second census of the same site
is split, and must find exactly the same pages, findings and score without fetching any page
twice. A split site whose sections were only partly done is finished by `--resume`, which
crawls only the missing sections.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from govsite.collect import Collector, CollectSettings
from govsite.collect.scoped import CrawlPart
from govsite.collect.soft404 import PROBE_PREFIX
from govsite.collect.urls import host_of
from govsite.fleet.generate import build_fleet
from govsite.fleet.model import Fleet
from govsite.registry import load_registry
from govsite.sites import Site
from govsite.snapshot import Link, LinkCheck, Page
from govsite.store.store import Store
from govsite.work.assemble import Merged, merge_parts
from govsite.work.budget import SectionBudget
from govsite.work.parts import part_chunks, read_part
from govsite.work.runplan import run_options
from govsite.work.sections import (
    MAX_SECTIONS,
    ROOT,
    SectionPlan,
    candidate_seeds,
    plan_for,
    section_key,
    split_sections,
)
from work.cluster import (
    AS_OF,
    REDIS_URL,
    TimedFleetServer,
    govsite_run,
    outcome,
    redis_available,
    require_service,
    start_worker,
    stop,
    write_registry,
)

# A Redis database of these tests' own: a worker of another test (or bench/scale.py) on the
# same queue would take these tasks and drop them as runs of another store.
SECTIONS_REDIS = os.environ.get("GOVSITE_TEST_SECTIONS_REDIS_URL",
                                REDIS_URL.rsplit("/", 1)[0] + "/14")
SITE = "1101050004"  # rsj.hdq.gov.cn: zwgk, xwzx, xxgk, bsfw and hdjl directories
SPLIT_PAGES = 100
# No cap binds (the site has ~300 pages, 6 levels at most), so a split crawl must find the
# very pages a whole one does.
ARGS = ("--as-of", AS_OF.isoformat(), "--max-pages", "1000", "--max-depth", "10",
        "--host-interval", "0", "--host-concurrency", "4", "--timeout", "10",
        "--split-pages", str(SPLIT_PAGES))
# Requests that repeat by design. robots.txt: every task reads it once for itself (a task's
# robots cache is its own). The soft-404 probe: a random path, asked once per census (the
# split site's task asks it and keeps the fingerprint in the plan for every part).
ROBOTS = "/robots.txt"


def excluded(path: str) -> bool:
    return path == ROBOTS or path.startswith(PROBE_PREFIX)


def home(links: list[str], url: str = "http://www.x.gov.cn/") -> Page:
    return Page(url=url, final_url=url, status=200, fetched_at="2026-11-23T00:00:00+08:00",
                html="<html></html>", links=[Link(u, u) for u in links])


# ---------------------------------------------------------------------------- unit


def test_a_home_page_with_many_directories_is_cut_along_them() -> None:
    links = [f"http://www.x.gov.cn/xxgk/{i}.html" for i in range(5)]
    links += [f"http://www.x.gov.cn/zwdt/list{i}.html" for i in range(3)]
    links += ["http://www.x.gov.cn/hdjl/", "http://www.x.gov.cn/wzdt.html",
              "http://www.x.gov.cn/", "http://www.x.gov.cn/images/logo.png",
              "http://www.gov.cn/", "javascript:void(0)", "http://www.x.gov.cn/xxgk/0.html"]
    seeds = candidate_seeds(home(links), ["http://www.x.gov.cn/zwdt/map.html",
                                          "http://other.gov.cn/xxgk/a.html"])
    # Same-site pages only, once each, the home page's links first; the home page itself,
    # images, external and javascript: links are no seeds.
    assert [url for url, _ in seeds] == [
        *links[:8], "http://www.x.gov.cn/hdjl/", "http://www.x.gov.cn/wzdt.html",
        "http://www.x.gov.cn/zwdt/map.html"]
    sections = split_sections(seeds)
    assert [(s.name, s.prefixes, len(s.seeds)) for s in sections] == [
        (ROOT, (), 1), ("xxgk", ("xxgk",), 5), ("zwdt", ("zwdt",), 4), ("hdjl", ("hdjl",), 1)]
    assert sections[0].seeds == (("http://www.x.gov.cn/wzdt.html", "http://www.x.gov.cn/"),)
    assert sections[2].seeds[-1] == ("http://www.x.gov.cn/zwdt/map.html", None)
    assert [section_key(u) for u in ("http://x/xxgk/a/b.html", "http://x/xxgk", "http://x/")] \
        == ["xxgk", "", ""]


def test_a_home_page_with_few_links_or_one_directory_is_not_cut() -> None:
    few = ["http://www.x.gov.cn/xxgk/1.html", "http://www.x.gov.cn/zwdt/1.html",
           "http://www.x.gov.cn/hdjl/1.html", "http://www.x.gov.cn/about.html"]
    assert split_sections(candidate_seeds(home(few), [])) == []
    one = [f"http://www.x.gov.cn/xxgk/{i}.html" for i in range(30)]
    assert split_sections(candidate_seeds(home(one), [])) == []


def test_small_directories_share_a_section() -> None:
    links = [f"http://www.x.gov.cn/d{d:02}/{i}.html" for d in range(20) for i in range(d + 1)]
    sections = split_sections(candidate_seeds(home(links), []))
    assert len(sections) == MAX_SECTIONS
    owned = [key for s in sections for key in s.prefixes]
    assert sorted(owned) == [f"d{d:02}" for d in range(20)]  # each directory once
    sizes = [len(s.seeds) for s in sections[1:]]
    assert sum(sizes) == len(links) and max(sizes) - min(sizes) <= 20


def test_the_last_section_stored_hands_the_site_on(store: Store) -> None:
    """A part is stored and its section marked done in one transaction; only the call that
    completes the last section is told so, and the part reads back as it was."""
    site = Site(name="某局", site_code=SITE, url="http://www.x.gov.cn/")
    run_id = store.create_run(profile="gb2019", as_of=AS_OF)
    store.add_sites(run_id, [site])
    store.save_section_plan(run_id, site.site_code, b"plan", ["root", "xxgk", "zwdt"])
    page = home(["http://www.x.gov.cn/xxgk/1.html"], "http://www.x.gov.cn/xxgk/")
    part = CrawlPart(pages=[page], checks={page.url: LinkCheck(page.url, True, 200)},
                     fetched=[page.url], handoffs={"http://www.x.gov.cn/zwdt/1.html": (2, page.url)},
                     stats={"requests": 1, "bytes": 10, "seconds": 0.1})
    finish = store.finish_section
    assert not finish(run_id, site.site_code, 1, part_chunks(part), visits=1, pages=1)
    assert not finish(run_id, site.site_code, 1, part_chunks(part), visits=1, pages=1)  # again
    assert not finish(run_id, site.site_code, 0, part_chunks(CrawlPart()), visits=0, pages=0)
    assert finish(run_id, site.site_code, 2, part_chunks(CrawlPart()), visits=0, pages=0)
    assert [s.done for s in store.section_states(run_id, site.site_code)] == [True] * 3
    back = read_part(store.section_chunks(run_id, site.site_code, 1))
    assert back.pages == [page] and back.checks == part.checks
    assert back.handoffs == part.handoffs and back.fetched == part.fetched
    store.drop_section_chunks(run_id, site.site_code)
    assert list(store.section_chunks(run_id, site.site_code, 1)) == []


# ---------------------------------------------------------------------------- collect


def collect_settings(server: TimedFleetServer, max_pages: int = 1000) -> CollectSettings:
    return CollectSettings(resolve=tuple(server.resolve_args()), max_pages=max_pages,
                           max_depth=10, host_interval_s=0.0, host_concurrency=4, timeout_s=10,
                           probe_search=False, probe_security=False)


async def collect_split(collector: Collector, site: Site, *, seedless: str = "",
                        budgets: list[Any] | None = None) -> tuple[SectionPlan, Merged]:
    """A site collected as the workers collect a split site, in this process: the start,
    each section in turn (the section named `seedless` given no seeds), merge, the rest."""
    plan = plan_for(await collector.collect_start(site))
    assert plan is not None
    plan.sections = [replace(s, seeds=()) if s.name == seedless else s for s in plan.sections]
    parts = []
    for i, section in enumerate(plan.sections):
        budget = budgets[i] if budgets else None
        if budget is not None:
            await budget.start({j: len(p.fetched) for j, p in enumerate(parts)})
        parts.append(await collector.collect_section(
            plan.home, section.seeds, soft404=plan.start.snapshot.soft404,
            follow=plan.follows(i), budget=budget, check_home=i == 0))
    merged = merge_parts(plan, parts)
    await collector.collect_rest(merged.snapshot, merged.known, merged.fetched, merged.handoffs,
                                 page_cap_hit=merged.page_cap_hit,
                                 depth_cap_hit=merged.depth_cap_hit)
    return plan, merged


def test_pages_only_other_sections_link_to_are_crawled_by_the_assembly(
        big_fleet: tuple[Fleet, TimedFleetServer], tmp_path: Path) -> None:
    """A section whose pages no seed reaches: every one is a hand-off of the others, and the
    assembly's remainder crawl fetches them (and what they lead to), so the snapshot still
    has every page and check of a whole crawl."""
    fleet, server = big_fleet
    site = the_site(fleet, tmp_path)

    async def both() -> tuple[Any, SectionPlan, Merged]:
        async with Collector(collect_settings(server)) as collector:
            whole = await collector.collect(site)
            plan, merged = await collect_split(collector, site, seedless="xwzx")
            return whole, plan, merged

    whole, plan, merged = asyncio.run(both())
    split = merged.snapshot
    handed = {url for url, _depth, _referrer in merged.handoffs}
    assert handed and all(section_key(u) == "xwzx" for u in handed), handed
    xwzx = {p.url for p in split.pages if section_key(p.url) == "xwzx"}
    assert len(xwzx) > len(handed)  # the remainder crawl went on from the hand-offs
    assert {p.url for p in split.pages} == {p.url for p in whole.pages}
    assert set(split.checks) == set(whole.checks)
    print(f"\n{len(handed)} hand-offs into the seedless section; the assembly crawled "
          f"{len(xwzx)} of its pages; {len(split.pages)} pages as the whole crawl")


def test_the_page_cap_holds_for_the_site_as_a_whole(
        big_fleet: tuple[Fleet, TimedFleetServer], redis_url: str, tmp_path: Path) -> None:
    """Every section asks the site's shared budget (Redis) before each page: the split site
    keeps at most --max-pages pages, as a whole crawl does, and says the cap was reached."""
    fleet, server = big_fleet
    site = the_site(fleet, tmp_path)
    cap = 60

    async def capped() -> tuple[SectionPlan, Merged]:
        redis = Redis.from_url(redis_url)
        run_id = f"test-{secrets.token_hex(4)}"
        try:
            async with Collector(collect_settings(server, max_pages=cap)) as collector:
                budgets = [SectionBudget(redis, run_id, SITE, i, cap - 1)
                           for i in range(MAX_SECTIONS)]
                return await collect_split(collector, site, budgets=budgets)
        finally:
            await redis.delete(f"govsite:run:{run_id}:pages:{SITE}")
            await redis.aclose()

    plan, merged = asyncio.run(capped())
    snap = merged.snapshot
    assert len(snap.pages) == cap
    assert any("页面数上限" in note for note in snap.notes)


def the_site(fleet: Fleet, tmp_path: Path) -> Site:
    return load_registry(write_registry(tmp_path / "sites.csv", fleet, [SITE])).sites[0]


# ---------------------------------------------------------------------------- end to end


@dataclass
class Cluster:
    fleet: Fleet
    server: TimedFleetServer
    store: Store
    registry: Path
    work: Path
    baseline_run: str
    baseline_log: list[tuple[str, str, str, float]]

    def census(self, *extra: str) -> tuple[str, list[tuple[str, str, str, float]]]:
        """`govsite census … --workers` of the site; returns its run and its requests."""
        before = len(self.server.request_log)
        resolve = [a for spec in self.server.resolve_args() for a in ("--resolve", spec)]
        args = ["census", "--sites", str(self.registry), "--db", self.store.url, "--out",
                str(self.work / "out"), "--workers", f"celery://{SECTIONS_REDIS}", *ARGS,
                *resolve, *extra]
        done = govsite_run(args, self.work, timeout=240)
        assert done.returncode == 0, done.stdout + done.stderr + self.worker_log()
        run = self.store.latest_run()
        assert run is not None
        return run.id, list(self.server.request_log[before:])

    def worker_log(self) -> str:
        return (self.work / "worker.log").read_text(errors="replace")[-4000:]


PG_MODULE = pytest.mark.parametrize("module_store_url", ["postgresql"], indirect=True,
                                    scope="module")


@pytest.fixture(scope="module")
def big_fleet() -> Iterator[tuple[Fleet, TimedFleetServer]]:
    """A fleet whose content sites have ~300 pages each, served on 127.0.0.1."""
    fleet = build_fleet(as_of=AS_OF, n_sites=12, pages_per_site=300)
    with TimedFleetServer(fleet) as server:
        yield fleet, server


@pytest.fixture(scope="module")
def cluster(module_store_url: str, big_fleet: tuple[Fleet, TimedFleetServer],
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A PostgreSQL store, one worker (two pool processes), and a first census of the site:
    audited whole, since nothing came before it."""
    require_service(f"Redis at {SECTIONS_REDIS}", lambda: redis_available(SECTIONS_REDIS))
    work = tmp_path_factory.mktemp("sections")
    fleet, server = big_fleet
    registry = write_registry(work / "sites.csv", fleet, [SITE])
    with Store(module_store_url) as store:
        store.migrate()
        worker = start_worker(SECTIONS_REDIS, store.url, work / "worker.log", work)
        try:
            cluster = Cluster(fleet, server, store, registry, work, "", [])
            cluster.baseline_run, cluster.baseline_log = cluster.census()
            assert store.load_section_plan(cluster.baseline_run, SITE) is None
            yield cluster
        finally:
            stop(worker)


def site_requests(log: list[tuple[str, str, str, float]], host: str) -> Counter[str]:
    return Counter(path for h, path, method, _at in log if h == host and method == "GET")


def same_audit(store: Store, run_a: str, run_b: str) -> tuple[int, dict[str, Any]]:
    """Assert two runs found the same pages, findings and score; returns the page count."""
    snaps = [store.load_snapshot(run, SITE) for run in (run_a, run_b)]
    assert {p.url for p in snaps[0].pages} == {p.url for p in snaps[1].pages}
    assert set(snaps[0].checks) == set(snaps[1].checks)
    results = [store.load_site_results(run, "gb2019") for run in (run_a, run_b)]
    assert outcome(results[0]) == outcome(results[1])
    assert results[0][0].score == results[1][0].score
    return len(snaps[1].pages), snaps[1].stats


@PG_MODULE
def test_a_large_site_is_crawled_in_sections_with_the_same_findings(cluster: Cluster) -> None:
    store, host = cluster.store, host_of(cluster.fleet.site(SITE).url)
    run_id, log = cluster.census()
    states = store.section_states(run_id, SITE)
    assert len(states) >= 3 and all(s.done for s in states), states
    assert sum(s.pages > 0 for s in states) >= 3
    assert list(store.section_chunks(run_id, SITE, 1)) == []  # dropped once the result is in
    pages, stats = same_audit(store, cluster.baseline_run, run_id)
    assert stats["sections"] == len(states)

    whole, split = site_requests(cluster.baseline_log, host), site_requests(log, host)
    kept = {p for p in split if not excluded(p)}
    assert max(split[p] for p in kept) == 1, "a page was requested twice"
    # Exactly the requests of the whole crawl, but robots.txt (once per task) and the probe.
    assert {p: n for p, n in split.items() if not excluded(p)} == \
        {p: n for p, n in whole.items() if not excluded(p)}
    assert split[ROBOTS] == len(states) + 2  # the site's task, each section, the assembly
    # Off-site targets are checked once, by the assembly, not once per section.
    others = Counter((h, p) for h, p, m, _ in log if h != host and p != ROBOTS)
    assert others == Counter((h, p) for h, p, m, _ in cluster.baseline_log
                             if h != host and p != ROBOTS)
    print(f"\nsplit into {len(states)} sections "
          f"({', '.join(f'{s.name}: {s.pages}' for s in states)} pages); {pages} pages, "
          f"{len(kept)} distinct same-site paths requested once each, robots.txt "
          f"{split[ROBOTS]} times; {sum(1 for _ in log)} requests in all "
          f"(whole: {len(cluster.baseline_log)})")


@PG_MODULE
def test_resume_crawls_only_the_sections_not_done(cluster: Cluster) -> None:
    """The worker died with some sections stored and others not (here: the site's task and
    two of its sections ran, nothing else did). `census --resume` finishes the site on the
    workers: the stored sections' pages are not requested again, the others once each."""
    from govsite.work.split import SPLIT
    from govsite.work.tasks import audit_stored_section, audit_stored_site

    store, server = cluster.store, cluster.server
    host = host_of(cluster.fleet.site(SITE).url)
    settings = CollectSettings(resolve=tuple(server.resolve_args()), max_pages=1000, max_depth=10,
                               host_interval_s=0.0, host_concurrency=4, timeout_s=10)
    # The run as the coordinator creates it (`coordinator.run_on_workers`).
    options = {**run_options(profile="gb2019", settings=settings, columns=None, lexicons=[],
                             probes=None, out=cluster.work / "resumed", split_pages=SPLIT_PAGES),
               "limiter": SECTIONS_REDIS}
    run_id = store.create_run(profile="gb2019", as_of=AS_OF, options=options)
    store.add_sites(run_id, load_registry(cluster.registry).sites)
    sent: list[tuple[str, tuple[Any, ...]]] = []
    assert audit_stored_site(store.url, run_id, SITE,
                             enqueue=lambda name, args: sent.append((name, args))) == SPLIT
    states = store.section_states(run_id, SITE)
    assert len(sent) == len(states) >= 3
    done_before = [1, 2]  # the largest directory (zwgk) and another
    for index in done_before:
        audit_stored_section(store.url, run_id, SITE, index,
                             enqueue=lambda name, args: sent.append((name, args)))
    stored = {i: read_part(store.section_chunks(run_id, SITE, i)) for i in done_before}
    fetched_before = {u for part in stored.values() for u in part.fetched}
    assert [s.done for s in store.section_states(run_id, SITE)].count(True) == 2

    resumed_at = time.monotonic()
    resume = govsite_run(["census", "--resume", run_id, "--db", store.url,
                          "--workers", f"celery://{SECTIONS_REDIS}"], cluster.work, timeout=240)
    seconds = time.monotonic() - resumed_at
    assert resume.returncode == 0, resume.stdout + resume.stderr + cluster.worker_log()
    after = [entry for entry in server.request_log if entry[3] > resumed_at]
    again = site_requests(after, host)
    paths = {u.split(host, 1)[1] for u in fetched_before}
    assert not paths & set(again), f"stored sections crawled again: {paths & set(again)}"
    assert not any(p.startswith(PROBE_PREFIX) for p in again)  # the plan's fingerprint is used
    assert max(n for p, n in again.items() if not excluded(p)) == 1
    states = store.section_states(run_id, SITE)
    assert all(s.done for s in states)
    pages, _ = same_audit(store, cluster.baseline_run, run_id)
    missing = sum(s.pages for s in states if s.index not in done_before)
    print(f"\nresume: {len(done_before)} of {len(states)} sections stored "
          f"({len(fetched_before)} pages) were not requested again; the other "
          f"{len(states) - len(done_before)} sections ({missing} pages) and the assembly took "
          f"{sum(again.values())} requests to the site in {seconds:.1f} s; {pages} pages, "
          f"findings as the whole census")
