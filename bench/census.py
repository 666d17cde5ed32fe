"""Census throughput on a generated loopback fleet: pages/s and peak RSS.

    .venv/bin/python bench/census.py [--sites 50] [--pages 200] [--host-concurrency 4]

The fleet server runs in a separate process (it would otherwise share the census's GIL and
core), so the figures are the census's own: fetch + parse + link checks + judge + score +
store. Prints one table and writes bench/out/census.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from govsite.census import CensusPlan, run_census
from govsite.collect import CollectSettings
from govsite.profile import load_profile
from govsite.registry import load_registry
from govsite.store.store import Store


def serve(n_sites: int, pages: int, out: str, queue: mp.Queue, stop: mp.Event) -> None:
    """Child process: build and write the fleet, serve it, report port and resolve args."""
    from govsite.fleet.generate import build_fleet, write_fleet
    from govsite.fleet.server import FleetServer

    fleet = build_fleet(as_of=date.today(), n_sites=n_sites, pages_per_site=pages)
    files = write_fleet(fleet, Path(out))
    with FleetServer(fleet) as server:
        queue.put({"resolve": server.resolve_args(), "sites_csv": str(files["sites"])})
        stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--host-concurrency", type=int, default=4)
    parser.add_argument("--host-interval", type=float, default=0.0)
    parser.add_argument("--site-concurrency", type=int, default=16)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="govsite-bench-"))
    queue: mp.Queue = mp.Queue()
    stop = mp.Event()
    server = mp.Process(target=serve, args=(args.sites, args.pages, str(work / "fleet"), queue, stop),
                        daemon=True)
    server.start()
    info = queue.get(timeout=300)
    try:
        sites = load_registry(Path(info["sites_csv"]), strict=True).sites
        store = Store(f"sqlite:///{work / 'bench.db'}")
        store.migrate()
        settings = CollectSettings(resolve=tuple(info["resolve"]), max_pages=args.pages + 100,
                                   host_concurrency=args.host_concurrency,
                                   host_interval_s=args.host_interval,
                                   site_concurrency=args.site_concurrency)
        plan = CensusPlan(sites=sites, profile=load_profile("gb2019"), as_of=date.today(),
                          store=store, settings=settings, out=work / "out")
        started = time.perf_counter()
        run = run_census(plan)
        seconds = time.perf_counter() - started
    finally:
        stop.set()
        server.join(timeout=10)
    pages = sum(int(s.stats.get("pages") or 0) for s in run.sites)
    links = sum(int(s.stats.get("links") or 0) for s in run.sites)
    findings = sum(len(s.findings) for s in run.sites)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "sites": len(run.sites), "pages": pages, "links_checked": links, "findings": findings,
        "seconds": round(seconds, 2), "pages_per_s": round(pages / seconds, 1),
        "links_per_s": round(links / seconds, 1), "peak_rss_mb": round(peak_mb, 1),
        "settings": {"host_concurrency": args.host_concurrency,
                     "host_interval_s": args.host_interval,
                     "site_concurrency": args.site_concurrency},
        "python": sys.version.split()[0],
    }
    for key, value in figures.items():
        print(f"{key:16} {value}")
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "census.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
