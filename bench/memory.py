"""Peak memory of one big site through a census: the scale-out target is < 500 MB RSS.

    .venv/bin/python bench/memory.py [--pages 100000] [--charset gbk] [--no-spool] [--judge]
                                     [--whole-load]

The site (`bench/memsite.py`) is served by a separate process, so the figures are the
crawling process's own. The crawl is govsite's `Collector` as a census runs it — robots.txt,
soft-404 probe, sitemap, breadth-first crawl, link checks of every target, search and security
probes — with the host limits raised (16 requests in flight, no interval) and max_pages equal
to the site's size, so the spool switches on by itself (`--no-spool` forces it off, the old
behaviour). A thread samples the process's RSS with psutil every 20 ms; each phase reports
its own peak:

- collect: `Collector.collect` of the site, the target;
- store: `Store.save_snapshot` into a SQLite store (serialised into a temporary file while
  hashed, then copied in 4 MiB chunks);
- load: `Store.load_snapshot` in a fresh process, as `govsite rescore` or a web view does
  (chunks inflated and parsed as they come; a big site comes back spooled). `--whole-load`
  adds the loading of before, in another fresh process: the blob whole, `json.loads`, every
  page whole;
- judge (`--judge`): every rule on the loaded snapshot, in the load's process. Not part of
  the target: the content rules' lexicon automata alone are ~1 GB, built once per process.

Prints one table and writes bench/out/memory.json (or --out).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import gzip
import json
import multiprocessing as mp
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).parent))

from memsite import HOST, serve  # noqa: E402

from govsite.collect import Collector, CollectSettings, crawl  # noqa: E402
from govsite.collect.frontier import Frontier  # noqa: E402
from govsite.collect.spool import SpooledPage  # noqa: E402
from govsite.sites import Site  # noqa: E402
from govsite.snapshot import SiteSnapshot  # noqa: E402

SAMPLE_S = 0.02
MB = 2**20


def server_process(pages: int, charset: str, port: mp.Queue) -> None:
    """Child process: serve the site, report the bound port."""
    asyncio.run(serve(pages, charset, 0, port.put))


class Sampler:
    """This process's RSS every SAMPLE_S in a thread; `phase()` records each phase's peak."""

    def __init__(self) -> None:
        self._me = psutil.Process()
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.phases: dict[str, dict[str, float]] = {}

    def rss(self) -> int:
        return int(self._me.memory_info().rss)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            self._peak = max(self._peak, self.rss())

    @contextmanager
    def phase(self, name: str) -> Iterator[dict[str, float]]:
        """Time a phase and keep its peak and end RSS (MB); the caller may add figures."""
        figures: dict[str, float] = {"start_rss_mb": round(self.rss() / MB, 1)}
        self._peak = self.rss()
        if not self._thread.is_alive():
            self._thread.start()
        started = time.perf_counter()
        yield figures
        figures["seconds"] = round(time.perf_counter() - started, 1)
        figures["peak_rss_mb"] = round(max(self._peak, self.rss()) / MB, 1)
        figures["end_rss_mb"] = round(self.rss() / MB, 1)
        self.phases[name] = figures

    def stop(self) -> None:
        self._stop.set()


class CountingFrontier(Frontier):
    """The crawl's frontier, kept so that its peaks can be reported."""

    made: list[CountingFrontier] = []

    def __init__(self, limit: int, directory: str | None = None) -> None:
        super().__init__(limit, directory)
        self.most_pending = 0
        self.most_spilled = 0
        CountingFrontier.made.append(self)

    def push(self, entry: tuple[str, int, str | None]) -> None:
        super().push(entry)
        self.most_pending = max(self.most_pending, len(self))
        self.most_spilled = max(self.most_spilled, self.spilled)


async def collect(settings: CollectSettings, site: Site, out: list[SiteSnapshot]) -> None:
    """The snapshot goes to `out`, not back through asyncio.run: Python 3.11's asyncio.run
    formats the main task's result with repr on exit, which for a whole site is gigabytes."""
    async with Collector(settings) as collector:
        out.append(await collector.collect(site))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--charset", choices=("gbk", "utf-8"), default="gbk")
    parser.add_argument("--host-concurrency", type=int, default=16)
    parser.add_argument("--frontier-memory", type=int, default=None)
    parser.add_argument("--no-spool", action="store_true", help="keep every page whole (before)")
    parser.add_argument("--no-check-links", action="store_true")
    parser.add_argument("--judge", action="store_true", help="also judge the loaded snapshot")
    parser.add_argument("--whole-load", action="store_true",
                        help="also load the snapshot as before (whole blob, json.loads)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "memory.json")
    args = parser.parse_args()

    ports: mp.Queue = mp.get_context("spawn").Queue()
    server = mp.get_context("spawn").Process(
        target=server_process, args=(args.pages, args.charset, ports), daemon=True)
    server.start()
    port = ports.get(timeout=60)
    work = Path(tempfile.mkdtemp(prefix="govsite-memory-"))
    extra = {} if args.frontier_memory is None else {"frontier_memory": args.frontier_memory}
    settings = CollectSettings(
        resolve=(f"{HOST}=127.0.0.1:{port}",), max_pages=args.pages,
        host_concurrency=args.host_concurrency, host_interval_s=0.0, site_concurrency=1,
        check_links=not args.no_check_links, spool=False if args.no_spool else None,
        spool_dir=str(work), **extra)
    site = Site(name="某某区人民政府", site_code="1101080001", url=f"http://{HOST}/")
    db_url = f"sqlite:///{work / 'memory.db'}"
    crawl.Frontier = CountingFrontier  # type: ignore[misc]  # to report the frontier's peaks
    sampler = Sampler()
    snaps: list[SiteSnapshot] = []
    try:
        with sampler.phase("collect") as figures:
            asyncio.run(collect(settings, site, snaps))
        snap = snaps[0]
        figures.update(pages=len(snap.pages), links_checked=len(snap.checks),
                       requests=int(snap.stats.get("requests") or 0),
                       pages_per_s=round(len(snap.pages) / figures["seconds"], 1))
        spooled = next((p for p in snap.pages if isinstance(p, SpooledPage)), None)
        frontier = CountingFrontier.made[0]
        figures.update(spool_file_mb=round(spooled.spool.size / MB, 1) if spooled else 0,
                       frontier_peak_in_memory=frontier.peak_in_memory,
                       frontier_most_pending=frontier.most_pending,
                       frontier_most_spilled=frontier.most_spilled)
        with sampler.phase("store") as figures:
            run_id, figures["blob_mb"] = store_snapshot(snap, db_url)
        del snap, snaps, spooled  # what a census drops once a site is stored
        gc.collect()
        sampler.phases.update(in_child(load_and_judge, db_url, run_id, site.site_code,
                                       args.judge))
        if args.whole_load:
            sampler.phases.update(in_child(load_whole, db_url, run_id, site.site_code))
    finally:
        sampler.stop()
        server.terminate()
        server.join(10)
        shutil.rmtree(work, ignore_errors=True)  # the store: a 120 MB blob at 100,000 pages
    report(args, settings, sampler.phases)


def in_child(target: Any, *args: Any) -> dict[str, dict[str, float]]:
    """Run `target(*args, phases)` in a fresh process and return the phases it measured."""
    context = mp.get_context("spawn")
    phases: mp.Queue = context.Queue()
    child = context.Process(target=target, args=(*args, phases))
    child.start()
    measured = phases.get()
    child.join()
    return measured


def load_and_judge(db_url: str, run_id: str, site_code: str, judge_too: bool,
                   out: mp.Queue) -> None:
    """Child process: load the stored snapshot (and judge it), as `govsite rescore` does."""
    from govsite.store.store import Store

    sampler = Sampler()
    with Store(db_url) as store:
        with sampler.phase("load") as figures:
            snap = store.load_snapshot(run_id, site_code)
        figures["spooled_pages"] = sum(isinstance(p, SpooledPage) for p in snap.pages)
        if judge_too:
            with sampler.phase("judge") as figures:
                figures["findings"] = judge(snap)
    sampler.stop()
    out.put(sampler.phases)


def load_whole(db_url: str, run_id: str, site_code: str, out: mp.Queue) -> None:
    """Child process: load the snapshot as before chunks: whole blob, json.loads, whole pages."""
    from govsite.store import blobs
    from govsite.store.models import Snapshot
    from govsite.store.store import Store

    sampler = Sampler()
    with Store(db_url) as store:
        with store._session() as session:
            sha = session.get(Snapshot, (run_id, site_code)).blob_sha  # type: ignore[union-attr]
        with sampler.phase("load_whole"):
            blob = b"".join(blobs.blob_chunks(store._session, sha))
            snap = SiteSnapshot.from_json(json.loads(gzip.decompress(blob).decode("utf-8")))
            del blob
        assert len(snap.pages) > 1
    sampler.stop()
    out.put(sampler.phases)


def store_snapshot(snap: SiteSnapshot, db_url: str) -> tuple[str, float]:
    """Save the snapshot as a census does; the run's id and the blob's size (MB)."""
    from govsite.store.models import Blob
    from govsite.store.store import Store

    with Store(db_url) as store:
        store.migrate()
        run_id = store.create_run(profile="gb2019", as_of=date.today())
        sha = store.save_snapshot(run_id, snap)
        with store._session() as session:
            size = session.get(Blob, sha).size  # type: ignore[union-attr]
    return run_id, round(size / MB, 1)


def judge(snap: SiteSnapshot) -> int:
    from govsite.census import context_for, judge_and_score
    from govsite.profile import load_profile

    profile = load_profile("gb2019")
    ctx = context_for(profile, date.today(), [snap.site])
    return len(judge_and_score(snap, ctx, profile).findings)


def report(args: argparse.Namespace, settings: CollectSettings,
           phases: dict[str, dict[str, Any]]) -> None:
    collect_ = phases["collect"]
    figures = {
        "pages": collect_["pages"], "seconds": collect_["seconds"],
        "pages_per_s": collect_["pages_per_s"], "peak_rss_mb": collect_["peak_rss_mb"],
        "target_mb": 500, "phases": phases,
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "settings": {"site_pages": args.pages, "charset": args.charset,
                     "max_pages": settings.max_pages, "spool": not args.no_spool,
                     "frontier_memory": settings.frontier_memory,
                     "host_concurrency": settings.host_concurrency, "host_interval_s": 0.0,
                     "check_links": settings.check_links},
        "python": sys.version.split()[0], "cpus": psutil.cpu_count(),
        # The machine may be shared: a busy one lowers pages/s, not the memory figures.
        "load_avg_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }
    for name, phase in phases.items():
        print(f"{name:10} " + "  ".join(f"{k} {v}" for k, v in phase.items()))
    print(f"collect: {figures['pages']} pages in {figures['seconds']} s "
          f"({figures['pages_per_s']} pages/s), peak RSS {figures['peak_rss_mb']} MB "
          f"(target < 500 MB); process lifetime max {figures['ru_maxrss_mb']} MB")
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
